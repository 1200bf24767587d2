"""The step plan: how each step meets its input, read alike by the pipeline, the code and Dask.

Each route is checked against what a throwaway operation actually receives in
:func:`ndlab.pipeline.apply`, and the code written for it (:mod:`ndlab.codegen`) is run on the
same input; the Dask script's steps are checked on every operation in ``test_chunking.py``.
"""

import numpy as np
import pytest

from cases import OPERATION_NAMES
from ndlab.codegen import script
from ndlab.convert import channel_layout, clip, rgb_to_grey
from ndlab.pipeline import apply, normalise_steps
from ndlab.plan import ROUTES, describe, measures_input, plan, route
from ndlab.registry import KINDS, OPERATIONS, get_operation, operation

LAYOUTS = ("grey", "rgb", "rgba", None)


def arrays():
    """An input of each kind and layout: {(kind, layout): array}."""
    rng = np.random.default_rng(0)
    colour = rng.integers(0, 256, (6, 7, 4)).astype(np.uint8)
    return {
        ("image", "grey"): colour[..., 0],
        ("image", "rgb"): colour[..., :3],
        ("image", "rgba"): colour,
        ("mask", "grey"): colour[..., 0] > 128,
        ("labels", "grey"): (colour[..., 0] // 64).astype(np.int32),
    }


@pytest.fixture
def received():
    """Four throwaway operations, one per way of taking channels, that record what they get."""
    seen = []
    names = []
    for channels, accepts in [("each", "image"), ("all", "image"), ("colour", "image")]:
        names.append(_spy(f"spy_{channels}", channels, accepts, seen))
    names.append(_spy("spy_mask", "grey", "mask", seen))
    names.append(_spy("spy_grey", "grey", "image", seen))
    yield seen
    for name in names:
        OPERATIONS.remove(name)


def _spy(name, channels, accepts, seen):
    def function(image):
        seen.append(image)
        return image

    function.__name__ = function.__qualname__ = name
    operation(category="filters", title=name, channels=channels, accepts=accepts)(function)
    return name


def expected_arguments(way, array):
    """What ROUTES[way] says a step receives from `array`: a list of the arrays passed in."""
    floats = array.astype(np.float64)
    grey = floats if array.ndim == 2 else floats[..., 0]
    if way == "mask":
        return [array]
    if way == "labels":
        return [array > 0]
    if way in ("each", "all"):
        count = 4 if way == "all" and array.shape[2] == 4 else 3
        return [floats[..., c] for c in range(count)]
    if way == "colour":
        return [np.dstack([grey] * 3) if channel_layout(array) == "grey" else floats[..., :3]]
    if channel_layout(array) == "grey":
        return [grey]
    return [rgb_to_grey(floats[..., :3])]


@pytest.mark.parametrize("name", ["each", "all", "colour", "mask", "grey"])
@pytest.mark.parametrize("kind, layout", list(arrays()))
def test_each_step_receives_what_its_route_says(received, name, kind, layout):
    spy = get_operation(f"spy_{name}")
    array = arrays()[kind, layout]
    way = route(spy, kind, channel_layout(array))
    assert channel_layout(array) == layout
    outcome = apply(spy, {}, array, kind)
    expected = expected_arguments(way, array)
    assert len(received) == len(expected)
    for got, want in zip(received, expected, strict=True):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    if way == "each" and layout == "rgba":  # alpha kept as it is
        np.testing.assert_array_equal(outcome.data[..., 3], array[..., 3])
    # the code written for the step gives the spy the same arrays
    received.clear()
    exec(script([outcome.step], clip, loading=""), {"image": array, spy.name: spy.function})
    for got, want in zip(received, expected, strict=True):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_every_operation_has_one_route_for_each_kind_and_layout(name):
    operation = get_operation(name)
    for kind in KINDS:
        for layout in LAYOUTS:
            way = route(operation, kind, layout)
            assert way in ROUTES
            if way in ("mask", "labels"):
                assert operation.accepts == "mask" and way == kind
            elif layout == "grey":
                assert way in ("grey", "colour")
            else:
                assert way == operation.channels


def test_the_plan_chains_steps_names_them_once_and_titles_them():
    steps = normalise_steps(
        [("gaussian_filter", {}), ("threshold_otsu", {}), ("binary_opening", {}), ("label", {})]
    )
    planned = plan(steps, taken={"image", "mask"})
    assert [step.number for step in planned] == [1, 2, 3, 4]
    assert [step.kind for step in planned] == ["image", "image", "mask", "mask"]
    assert [step.name for step in planned] == ["blurred", "mask_2", "opened", "labels"]
    assert [step.source for step in planned] == ["image", "blurred", "mask_2", "opened"]
    assert planned[0].title == describe(steps[0][0], steps[0][1]) == "Gaussian blur (sigma=2.0)"
    assert [measures_input(step.operation, step.number) for step in planned] == [
        False,
        False,
        False,
        True,
    ]
