import io
import json
import re

import numpy as np
import pytest
import scipy.io
from hypothesis import given, settings
from hypothesis import strategies as st

import ndlab
from cases import make_image
from ndlab import web
from ndlab.convert import rescale


def load(rgba):
    meta = json.loads(web.load_pixels(rgba))
    return meta["input"]


def call(name, rgba, params=None):
    """Load `rgba` and run one step on it, as the page does."""
    out, meta, _ = web.run_steps(load(rgba), json.dumps([{"name": name, "params": params or {}}]))
    return out, json.loads(meta)


@pytest.mark.parametrize(
    ("kind", "channels_in"), [("grey_rgba", "grey"), ("rgba", "rgba"), ("opaque", "rgb")]
)
def test_run_steps_round_trip(kind, channels_in):
    rgba = make_image("grey_rgba" if kind == "grey_rgba" else "rgba")
    if kind == "opaque":
        rgba[..., 3] = 255
    out, meta = call("gaussian_filter", rgba, {"sigma": 1})
    assert out.dtype == np.uint8
    assert out.flags.c_contiguous
    assert out.shape == rgba.shape
    assert meta["channels_in"] == channels_in
    assert meta["shape"][:2] == list(rgba.shape[:2])
    assert meta["params"] == {"sigma": 1.0}
    assert meta["output"] == "clip" and meta["returns"] == "image"
    assert set(meta) == {
        "name",
        "params",
        "output",
        "returns",
        "info",
        "infos",
        "code",
        "shape",
        "dtype",
        "range",
        "histogram",
        "channels_in",
        "timings",
        "draft",
    }
    assert meta["draft"] == 1  # not a preview: full size
    assert set(meta["timings"]) == {"compute_ms", "convert_ms", "steps"}
    expected = ndlab.run("gaussian_filter", web.canonical(rgba), sigma=1).image
    np.testing.assert_array_equal(out, web.to_rgba(expected))


def test_grey_results_are_replicated_with_opaque_alpha():
    out, meta = call("threshold_otsu", make_image("rgba"))
    assert meta["info"]["threshold"] > 0 and meta["returns"] == "mask"
    assert (out[..., 0] == out[..., 1]).all() and (out[..., 0] == out[..., 2]).all()
    assert (out[..., 3] == 255).all()


def test_code_runs_on_the_canonical_image():
    rgba = make_image("rgba")
    rgba[..., 3] = 255
    out, meta = call("rotate", rgba, {"angle": 10})
    namespace = {"image": web.canonical(rgba)}
    exec(meta["code"], namespace)
    np.testing.assert_array_equal(web.to_rgba(namespace["result"]), out)
    assert out.shape[0] > rgba.shape[0]


def test_steps_run_on_full_precision_and_edits_reuse_the_steps_before():
    rgba = make_image("rgba")
    rgba[..., 3] = 255
    input_id = load(rgba)
    steps = [
        {"name": "gaussian_filter", "params": {"sigma": 1.5}},
        {"name": "rgb_to_grey"},
        {"name": "threshold_global", "params": {"threshold": 100.5}},
    ]
    out, meta, values = web.run_steps(input_id, json.dumps(steps), True)
    meta = json.loads(meta)
    assert values is None  # a mask is read from its pixels
    expected = ndlab.run_pipeline(web.canonical(rgba), steps)
    np.testing.assert_array_equal(out, web.to_rgba(expected.image))
    assert meta["code"] == expected.code and meta["dtype"] == "bool"
    steps[2]["params"]["threshold"] = 90
    _, meta, _ = web.run_steps(input_id, json.dumps(steps))
    assert [s["reused"] for s in json.loads(meta)["timings"]["steps"]] == [True, True, False]
    _, meta, values = web.run_steps(input_id, json.dumps(steps[:1]), True)
    assert values.dtype == np.float32 and values.shape == expected.steps[0].data.shape
    np.testing.assert_allclose(values, expected.steps[0].data, rtol=1e-6)
    blurred = expected.steps[0].data
    low, high = blurred.min(), blurred.max()
    counted = json.loads(meta)["histogram"]["counts"]
    for channel in range(3):
        # np.histogram's bins, but for values within rounding of an edge
        reference = np.histogram(blurred[..., channel], bins=256, range=(low, high))[0]
        assert np.abs(np.array(counted[channel]) - reference).sum() <= 2
        # the definition, counted independently: bin floor((v - min) / (max - min) * 256)
        bins = np.minimum(((blurred[..., channel] - low) * (256 / (high - low))).astype(int), 255)
        assert counted[channel] == [int(np.sum(bins == b)) for b in range(256)]
    _, meta, values = web.run_steps(input_id, json.dumps(steps[:1]), False, False)  # a preview
    assert values is None and json.loads(meta)["histogram"] is None
    saved = np.load(io.BytesIO(web.step_npy(input_id, json.dumps(steps[:2]))))
    np.testing.assert_array_equal(saved, expected.steps[1].data)
    web.release(input_id)
    error = json.loads(web.run_steps(input_id, json.dumps(steps))[1])["error"]
    assert error["type"] == "UnknownInput" and "load it again" in error["message"]


def test_histogram_is_of_the_values():
    input_id = web.read_array(npy_bytes(np.linspace(-3.0, 5.0, 100).reshape(10, 10)), "a.npy")
    input_id = json.loads(input_id[1])["input"]
    _, meta, _ = web.run_steps(input_id, json.dumps([{"name": "gaussian_filter"}]))
    meta = json.loads(meta)
    assert meta["histogram"]["range"] == meta["range"]
    assert -3 < meta["range"][0] < meta["range"][1] < 5
    assert sum(meta["histogram"]["counts"][0]) == 100
    assert meta["output"] == "rescale"


@pytest.mark.parametrize(
    ("name", "params_json", "message"),
    [
        ("gaussian_filter", '{"sigma": -1}', "sigma must be between 0 and 20, got -1"),
        ("gaussian_filter", '{"sigma": NaN}', "sigma must be finite, got nan"),
        ("blur", "{}", "unknown operation 'blur'"),
    ],
)
def test_value_errors_become_error_json(name, params_json, message):
    steps = f'[{{"name": "{name}", "params": {params_json}}}]'
    out, meta, _ = web.run_steps(load(make_image("rgba")), steps)
    assert out.shape == (0, 0, 4) and out.dtype == np.uint8
    error = json.loads(meta)["error"]
    assert error["type"] == "ValueError"
    assert error["message"].startswith(message)
    assert error["hint"] == "Check the parameter values and try again."


@pytest.mark.parametrize(
    ("exception", "hint"),
    [
        (MemoryError, "too large"),
        (KeyboardInterrupt, "cancelled"),
        (ZeroDivisionError, "bug in ndlab"),
    ],
)
def test_other_exceptions_become_error_json(monkeypatch, exception, hint):
    def fail(*args, **kwargs):
        raise exception("boom")

    monkeypatch.setattr(web, "run_pipeline", fail)
    out, meta, _ = web.run_steps(load(make_image("rgba")), "[]")
    error = json.loads(meta)["error"]
    assert out.shape == (0, 0, 4)
    assert error["type"] == exception.__name__
    assert error["message"] == "boom"
    assert hint in error["hint"]


def test_invalid_json_is_reported():
    error = json.loads(web.run_steps(load(make_image("rgba")), "[{sigma")[1])["error"]
    assert error["type"] == "JSONDecodeError"
    assert error["hint"] == "Check the parameter values and try again."


def test_oversized_images_are_refused(monkeypatch):
    monkeypatch.setattr(web, "MAX_PIXELS", 100)
    error = json.loads(web.load_pixels(make_image("rgba", shape=(11, 10))))["error"]
    assert "megapixel limit" in error["message"] and "downscale" in error["message"]
    with pytest.raises(ValueError, match="megapixel"):
        web.alloc(20, 20)


def test_alloc_returns_writable_rgba():
    buffer = web.alloc(3, 5)
    assert buffer.shape == (3, 5, 4) and buffer.dtype == np.uint8 and buffer.flags.writeable


@pytest.mark.parametrize("name", list(ndlab.SAMPLES))
def test_sample_rgba(name):
    rgba = web.sample_rgba(name)
    assert rgba.dtype == np.uint8 and rgba.ndim == 3 and rgba.shape[2] == 4
    assert rgba.flags.c_contiguous
    assert (rgba[..., 3] == 255).all()


def test_unknown_sample():
    with pytest.raises(ValueError, match="unknown sample 'lena'; valid samples: blobs"):
        web.sample_rgba("lena")


def test_catalog_json_round_trips():
    assert json.loads(web.catalog_json()) == ndlab.catalog()


def test_canonical_layouts():
    rgba = make_image("rgba")
    assert web.canonical(rgba) is rgba
    rgba[..., 3] = 255
    assert web.canonical(rgba).shape == rgba.shape[:2] + (3,)
    assert web.canonical(make_image("grey_rgba")).ndim == 2


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def mat_bytes(**arrays):
    buffer = io.BytesIO()
    scipy.io.savemat(buffer, arrays)
    return buffer.getvalue()


def read(data, filename, variable=""):
    out, meta = web.read_array(data, filename, variable)
    return out, json.loads(meta)


@pytest.mark.parametrize(
    ("array", "scaled"),
    [
        (np.arange(12, dtype=np.uint8).reshape(3, 4), False),
        (np.linspace(-1, 1, 12).reshape(3, 4), True),
        (np.arange(12, dtype=np.int16).reshape(3, 4) * 100, True),
        (np.eye(3, 4, dtype=bool), False),
    ],
)
def test_read_npy_grey(array, scaled):
    out, meta = read(npy_bytes(array), "data.npy")
    assert out.shape == (3, 4, 4) and out.dtype == np.uint8
    assert meta["scaled"] is scaled
    assert meta["shape"] == [3, 4] and meta["dtype"] == str(array.dtype)
    assert meta["variables"] == [] and meta["variable"] is None
    if array.dtype == np.uint8:
        np.testing.assert_array_equal(out[..., 0], array)
    elif array.dtype == bool:
        np.testing.assert_array_equal(out[..., 0], np.where(array, 255, 0))
    else:
        assert out[..., 0].min() == 0 and out[..., 0].max() == 255
        assert meta["range"] == [float(array.min()), float(array.max())]
        np.testing.assert_array_equal(out[..., 0], rescale(array.astype(float)))
    assert (out[..., 3] == 255).all()


def test_read_npy_colour_and_non_finite_values():
    rgb = np.random.default_rng(0).random((5, 6, 3))
    rgb[0, 0, 0] = np.nan
    out, meta = read(npy_bytes(rgb), "colour.NPY")
    assert out.shape == (5, 6, 4) and meta["scaled"]
    assert out[0, 0, 0] == 0
    rgba = np.random.default_rng(0).integers(0, 256, (5, 6, 4), dtype=np.uint8)
    out, _ = read(npy_bytes(rgba), "rgba.npy")
    np.testing.assert_array_equal(out, rgba)


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (npy_bytes(np.array([{"a": 1}], dtype=object)), "objects.npy", "Python objects"),
        (npy_bytes(np.zeros(5)), "line.npy", "got \\(5 float64\\)"),
        (npy_bytes(np.zeros((2, 2, 2))), "cube.npy", "2-D, H×W×3 or H×W×4"),
        (b"not an array", "junk.npy", "not a readable .npy file"),
        (b"x", "photo.png", "can open .npy, .npz and .mat"),
        (
            mat_bytes(name=np.array(["text"]), cube=np.zeros((2, 2, 2))),
            "empty.mat",
            "no numeric 2-D.*found: name .*, cube \\(2×2×2 float64\\)",
        ),
        (b"MATLAB junk", "junk.mat", "not a readable .mat file"),
    ],
)
def test_read_array_errors_are_json(data, filename, message):
    out, meta = read(data, filename)
    assert out.shape == (0, 0, 4)
    assert meta["error"]["type"] == "ValueError"
    assert re.search(message, meta["error"]["message"])


def test_read_mat_lists_and_chooses_variables():
    grey = np.arange(20.0).reshape(4, 5)
    rgb = np.zeros((4, 5, 3), np.uint8)
    rgb[..., 1] = 200
    data = mat_bytes(grey=grey, rgb=rgb, cube=np.zeros((2, 2, 2)), note=np.array(["hi"]))
    out, meta = read(data, "lab.mat")
    assert meta["variables"] == ["grey", "rgb"]
    assert meta["variable"] == "grey" and meta["shape"] == [4, 5] and meta["scaled"]
    out, meta = read(data, "lab.mat", "rgb")
    assert meta["variable"] == "rgb" and not meta["scaled"]
    np.testing.assert_array_equal(out[..., :3], rgb)
    _, meta = read(data, "lab.mat", "cube")
    assert "no usable variable 'cube'; usable: grey, rgb" in meta["error"]["message"]


def test_read_npz():
    buffer = io.BytesIO()
    np.savez(buffer, first=np.ones((2, 3)), second=np.zeros((3, 3), np.uint8))
    out, meta = read(buffer.getvalue(), "arrays.npz", "second")
    assert meta["variables"] == ["first", "second"] and out.shape == (3, 3, 4)


def test_read_array_refuses_oversized_arrays(monkeypatch):
    monkeypatch.setattr(web, "MAX_PIXELS", 10)
    _, meta = read(npy_bytes(np.zeros((4, 4))), "big.npy")
    assert "megapixel" in meta["error"]["message"]


@pytest.mark.parametrize("depth", [None, 3, 4])
@pytest.mark.parametrize("layout", ["contiguous", "planar", "flipped"])
def test_to_rgba_packs_any_layout(depth, layout):
    shape = (5, 7) if depth is None else (5, 7, depth)
    image = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    if layout == "planar" and depth:
        image = np.moveaxis(np.ascontiguousarray(np.moveaxis(image, -1, 0)), 0, -1)
    elif layout == "flipped":
        image = image[:, ::-1]
    expected = np.empty((5, 7, 4), np.uint8)
    expected[..., :3] = image[..., np.newaxis] if depth is None else image[..., :3]
    expected[..., 3] = image[..., 3] if depth == 4 else 255
    out = web.to_rgba(image)
    assert out.flags.c_contiguous
    np.testing.assert_array_equal(out, expected)


@settings(max_examples=40, deadline=None)
@given(
    shape=st.sampled_from([(7, 5), (6, 4, 3), (5, 3, 4)]),
    dtype=st.sampled_from([np.uint8, np.int32, np.float64, bool]),
    seed=st.integers(0, 2**32 - 1),
)
def test_histogram_counts_each_channel_in_equal_bins_over_the_range(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    data = (rng.normal(0, 50, shape) * rng.integers(0, 2)).astype(dtype)  # constant at times
    out = web.histogram(data, bins=16)
    channels = [data] if data.ndim == 2 else [data[..., c] for c in range(3)]
    low, high = float(data.min()), float(data.max())
    assert out["range"] == [low, high]
    for counts, channel in zip(out["counts"], channels, strict=True):
        edges = (low, high if high > low else low + 1)
        reference = np.histogram(channel.astype(float), bins=16, range=edges)[0]
        assert np.abs(np.array(counts) - reference).sum() <= 2  # values at an edge may differ
        assert sum(counts) == channel.size
