import ast

import numpy as np
import pytest
from scipy import ndimage

import ndlab
from cases import make_image
from ndlab.convert import GREY_WEIGHTS
from ndlab.pipeline import Cache

#: Blur, grey, Otsu, label: a photograph measured through its mask.
PHOTO_STEPS = [
    {"name": "gaussian_filter", "params": {"sigma": 2}},
    {"name": "rgb_to_grey"},
    {"name": "threshold_otsu"},
    {"name": "label"},
]


def chapter_signal():
    """The chapter's ``sig`` (scipy.ndimage measurements), built as the chapter builds it."""
    x, y = np.indices((100, 100))
    return np.sin(2 * np.pi * x / 50.0) * np.sin(2 * np.pi * y / 50.0) * (1 + x * y / 50.0**2) ** 2


def run_code(code, image):
    namespace = {"image": image}
    exec(compile(code, "<export>", "exec"), namespace)
    return namespace


def table(result):
    columns = result.info["table"]["columns"]
    return {
        name: [row[i] for row in result.info["table"]["rows"]] for i, name in enumerate(columns)
    }


def test_the_chapters_measurements_of_sig():
    sig = chapter_signal()
    steps = [{"name": "threshold_global", "params": {"threshold": 1}}, {"name": "label"}]
    result = ndlab.run_pipeline(sig, steps)
    measured = table(result)
    assert measured["area"] == [190, 45, 424, 278, 459, 190, 549, 424]
    # as the chapter prints them
    maxima = [1.80238238, 1.13527605, 5.51954079, 2.49611502, 6.71673619, 1.80238238]
    maxima += [16.76547217, 5.51954079]
    np.testing.assert_allclose(measured["max_intensity"], maxima, atol=5e-4)
    assert result.data.dtype.kind == "i" and result.data.max() == 8


def test_photograph_measured_through_its_mask():
    image = make_image("rgb", (90, 120))
    steps = [dict(step) for step in PHOTO_STEPS]
    result = ndlab.run_pipeline(image, steps)
    # independently: the same steps with SciPy and NumPy, in full precision
    blurred = np.stack(
        [ndimage.gaussian_filter(image[..., c].astype(float), 2) for c in range(3)], axis=-1
    )
    grey = blurred @ np.array(GREY_WEIGHTS)
    mask = result.steps[2].data
    assert mask.dtype == bool
    np.testing.assert_array_equal(mask, grey > result.steps[2].info["threshold"])
    labels, count = ndimage.label(mask)
    np.testing.assert_array_equal(result.data, labels)
    photo_grey = image.astype(float) @ np.array(GREY_WEIGHTS)
    means = ndimage.mean(photo_grey, labels, np.arange(1, count + 1))
    np.testing.assert_allclose(table(result)["mean_intensity"], means, atol=5e-4)
    assert set(table(result)["mean_intensity"]) != {255.0}
    assert result.output == "labels"


def test_exported_pipeline_reproduces_every_array_and_the_picture(capsys):
    image = make_image("rgb", (90, 120))
    steps = [dict(step) for step in PHOTO_STEPS]
    result = ndlab.run_pipeline(image, steps)
    code = result.code
    ast.parse(code)
    assert "ndlab" not in code.split('"""')[2]
    assert "blurred = np.stack([gaussian_filter(" in code
    assert "grey = rgb_to_grey(blurred" in code
    assert "mask, info = threshold_otsu(grey)" in code
    assert "labels, info = label(mask, " in code
    assert "clip(" not in code.split("# 1.")[1]  # no 8-bit round trip between steps
    namespace = run_code(code, image)
    for name, outcome in zip(["blurred", "grey", "mask", "labels"], result.steps, strict=True):
        np.testing.assert_array_equal(namespace[name], outcome.data)
    np.testing.assert_array_equal(namespace["result"], result.image)
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed[-1] == repr(result.info)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"keep": "above", "threshold": 0.5}, [[False, False, True, True]]),
        ({"keep": "below", "threshold": 0.5}, [[True, True, False, False]]),
        ({"keep": "between", "threshold": 0.25, "upper": 0.75}, [[False, True, True, False]]),
    ],
)
def test_thresholds_keep_above_below_or_between(params, expected):
    values = np.array([[0.0, 0.25, 0.75, 1.0]])
    result = ndlab.run_pipeline(values, [{"name": "threshold_global", "params": params}])
    np.testing.assert_array_equal(result.data, expected)


def test_between_refuses_an_upper_level_below_the_lower():
    with pytest.raises(ValueError, match="upper must be at least threshold"):
        ndlab.run_pipeline(np.eye(3), [("threshold_global", {"keep": "between", "upper": 3})])


def test_a_mask_goes_to_binary_morphology_as_it_is():
    values = np.zeros((9, 9))
    values[3:6, 3:6] = 0.9  # far below the grey-level threshold 127 of binary operations
    steps = [("threshold_global", {"threshold": 0.5}), ("binary_dilation", {})]
    result = ndlab.run_pipeline(values, steps)
    expected = ndimage.binary_dilation(values > 0.5, ndimage.generate_binary_structure(2, 1))
    np.testing.assert_array_equal(result.data, expected)


def test_labels_go_to_mask_operations_as_their_foreground():
    image = np.zeros((8, 8), np.uint8)
    image[1:3, 1:3] = image[5:7, 4:8] = 200
    result = ndlab.run_pipeline(image, [("label", {}), ("fill_holes", {})])
    np.testing.assert_array_equal(result.data, image > 0)


def test_float_images_are_stretched_for_display_and_kept_in_full():
    values = np.linspace(0.0, 1.0, 20).reshape(4, 5)
    result = ndlab.run_pipeline(values, [("gaussian_filter", {"sigma": 0})])
    np.testing.assert_array_equal(result.data, values)
    assert result.output == "rescale"
    assert result.image.min() == 0 and result.image.max() == 255
    assert '# image = np.load("array.npy")' in result.code


def test_editing_the_last_step_recomputes_only_it():
    cache = Cache(limit=10**8)
    image = make_image("rgb", (60, 80))
    steps = [dict(step) for step in PHOTO_STEPS]
    first = ndlab.run_pipeline(image, steps, cache=cache, key="photo")
    assert [s["reused"] for s in first.timings["steps"]] == [False] * 4
    steps[3] = {"name": "label", "params": {"connectivity": 2}}
    second = ndlab.run_pipeline(image, steps, cache=cache, key="photo")
    assert [s["reused"] for s in second.timings["steps"]] == [True, True, True, False]
    fresh = ndlab.run_pipeline(image, steps)
    np.testing.assert_array_equal(second.data, fresh.data)
    assert second.code == fresh.code
    other = ndlab.run_pipeline(image[::-1], steps, cache=cache, key="flipped")
    assert not any(s["reused"] for s in other.timings["steps"])


def test_the_cache_keeps_at_most_its_limit_least_recently_used_out_first():
    image = make_image("grey", (50, 50))  # each float64 result: 20 000 bytes
    cache = Cache(limit=50_000)
    for sigma in (1, 2, 3):
        ndlab.run_pipeline(image, [("gaussian_filter", {"sigma": sigma})], cache=cache, key="a")
    assert cache.nbytes <= 50_000
    reused = ndlab.run_pipeline(image, [("gaussian_filter", {"sigma": 3})], cache=cache, key="a")
    assert reused.timings["steps"][0]["reused"]
    again = ndlab.run_pipeline(image, [("gaussian_filter", {"sigma": 1})], cache=cache, key="a")
    assert not again.timings["steps"][0]["reused"]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([], "non-empty list"),
        ([("sobel",)], "step 1 must be"),
        ([("sobel", {}), ("sobel", [])], "step 2 must be"),
        ([("sobel", {}), ("sobel", {"sigma": 1})], "step 2: sobel has no parameter 'sigma'"),
        ([("sobel", {}), ("nothing", {})], "step 2: unknown operation 'nothing'"),
    ],
)
def test_bad_pipelines_are_refused(steps, message):
    with pytest.raises(ValueError, match=message):
        ndlab.run_pipeline(make_image("grey"), steps)
