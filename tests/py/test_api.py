import json

import numpy as np
import pytest

import ndlab
from conftest import OPERATION_NAMES, make_image
from ndlab.registry import get_operation


def expected_shape(name, image):
    """Display shape for an image of unchanged size."""
    operation = get_operation(name)
    if image.ndim == 2 or operation.channels == "grey":
        return image.shape[:2]
    return image.shape


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_every_operation_keeps_the_shape_contract(name, image):
    params = {"angle": 0.0} if name == "rotate" else {}
    result = ndlab.run(name, image, **params)
    assert result.image.dtype == np.uint8
    assert result.image.shape == expected_shape(name, image)
    assert result.data.shape == result.image.shape
    assert result.output == get_operation(name).output
    assert result.name == name
    assert set(result.params) == {param.name for param in get_operation(name).params}
    json.dumps(result.info, allow_nan=False)


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_every_operation_runs_at_its_parameter_limits(name):
    image = make_image("rgb", shape=(12, 10))
    for param in get_operation(name).params:
        for value in (param.min, param.max):
            if value is not None:
                assert ndlab.run(name, image, **{param.name: value}).image.dtype == np.uint8


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_colour_channels_equal_grey_result(name):
    grey = make_image("grey")
    as_rgba = np.dstack([grey, grey, grey, np.full_like(grey, 7)])
    expected = ndlab.run(name, grey)
    result = ndlab.run(name, as_rgba)
    assert result.channels_in == "grey"
    np.testing.assert_array_equal(result.image, expected.image)


def test_rgba_keeps_alpha_when_the_shape_is_unchanged():
    image = make_image("rgba")
    result = ndlab.run("gaussian_filter", image)
    np.testing.assert_array_equal(result.image[..., 3], image[..., 3])


def test_grey_operation_on_colour_gives_one_channel():
    result = ndlab.run("binary_opening", make_image("rgba"))
    assert result.channels_in == "rgba"
    assert result.image.ndim == 2


def test_float_input_is_on_the_0_255_scale():
    image = make_image("rgb")
    from_uint8 = ndlab.run("gaussian_filter", image)
    from_float = ndlab.run("gaussian_filter", image.astype(np.float32))
    np.testing.assert_array_equal(from_float.image, from_uint8.image)


def test_missing_params_take_defaults():
    assert ndlab.run("rotate", make_image("grey")).params == {"angle": 30.0, "reshape": True}


def test_unknown_operation_lists_valid_names():
    with pytest.raises(ValueError, match="'blur'.*gaussian_filter"):
        ndlab.run("blur", make_image("grey"))


@pytest.mark.parametrize("shape", [(0, 5), (5, 0), (0, 0, 3)])
def test_empty_image_is_rejected(shape):
    with pytest.raises(ValueError, match="empty"):
        ndlab.run("sobel", np.zeros(shape, np.uint8))


def test_timings_are_reported():
    timings = ndlab.run("median_filter", make_image("rgb")).timings
    assert set(timings) == {"compute_ms", "convert_ms"}
    assert all(value >= 0 for value in timings.values())


def test_catalog_is_json_ready_and_ordered():
    catalog = ndlab.catalog()
    text = json.dumps(catalog, allow_nan=False)
    assert json.loads(text) == catalog
    assert catalog["version"] == ndlab.__version__
    categories = [operation["category"] for operation in catalog["operations"]]
    assert categories == sorted(
        categories, key=["filters", "transforms", "threshold", "morphology"].index
    )
    assert [sample["name"] for sample in catalog["samples"]] == list(ndlab.SAMPLES)


def test_catalog_entries_describe_the_functions():
    for entry in ndlab.catalog()["operations"]:
        assert entry["doc"].startswith(entry["summary"])
        assert entry["summary"].endswith(".")
        assert set(entry) == {
            "name",
            "category",
            "title",
            "summary",
            "doc",
            "channels",
            "output",
            "params",
        }
        for param in entry["params"]:
            assert set(param) == {
                "name",
                "type",
                "default",
                "min",
                "max",
                "step",
                "choices",
                "help",
            }
            assert param["help"]
