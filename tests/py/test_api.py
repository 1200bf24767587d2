import json

import numpy as np
import pytest

import ndlab
from cases import OPERATION_NAMES, make_image
from ndlab.registry import get_operation

#: Parameters under which the shape-changing transforms keep the size.
SAME_SIZE = {
    "rotate": {"angle": 0.0},
    "zoom": {"factor": 1.0},
    "crop": {"top": 0.0, "bottom": 0.0, "left": 0.0, "right": 0.0},
}


def display_channels(name, image, data):
    """Channels of the display image: () for 2-D, else (3,) or (4,)."""
    operation = get_operation(name)
    if operation.output == "labels":
        return (3,)
    if operation.channels == "colour":
        return data.shape[2:]
    if image.ndim == 2 or operation.channels == "grey":
        return ()
    return image.shape[2:]


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_every_operation_keeps_the_shape_contract(name, image):
    result = ndlab.run(name, image, **SAME_SIZE.get(name, {}))
    operation = get_operation(name)
    assert result.image.dtype == np.uint8
    assert result.image.shape == image.shape[:2] + display_channels(name, image, result.data)
    if operation.output == "labels":
        assert result.data.shape == image.shape[:2]
        assert result.data.dtype.kind == "i"
    else:
        assert result.data.shape == result.image.shape
    assert result.output == operation.output
    assert result.name == name
    assert set(result.params) == {param.name for param in operation.params}
    assert json.loads(json.dumps(result.info, allow_nan=False)) == result.info


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_info_holds_only_json_types(name):
    def check(value):
        if isinstance(value, dict):
            return all(isinstance(key, str) and check(item) for key, item in value.items())
        if isinstance(value, list):
            return all(check(item) for item in value)
        return type(value) in (int, float, str, bool)

    info = ndlab.run(name, make_image("rgb")).info
    assert check(info)
    if "table" in info:
        table = info["table"]
        assert set(table) == {"columns", "rows"}
        assert all(len(row) == len(table["columns"]) for row in table["rows"])


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
    assert ndlab.run("rotate", make_image("grey")).params == {
        "angle": 30.0,
        "reshape": True,
        "order": 3,
        "mode": "constant",
    }


def test_unknown_operation_lists_valid_names():
    with pytest.raises(ValueError, match="'blur'.*gaussian_filter"):
        ndlab.run("blur", make_image("grey"))


@pytest.mark.parametrize("shape", [(0, 5), (5, 0), (0, 0, 3)])
def test_empty_image_is_rejected(shape):
    with pytest.raises(ValueError, match="empty"):
        ndlab.run("sobel", np.zeros(shape, np.uint8))


def test_timings_are_reported():
    timings = ndlab.run("median_filter", make_image("rgb")).timings
    assert set(timings) == {"compute_ms", "convert_ms", "steps"}
    assert timings["steps"] == [
        {"name": "median_filter", "reused": False, "compute_ms": timings["compute_ms"]}
    ]
    timings = {key: value for key, value in timings.items() if key != "steps"}
    assert all(value >= 0 for value in timings.values())


def test_catalog_is_json_ready_and_ordered():
    catalog = ndlab.catalog()
    text = json.dumps(catalog, allow_nan=False)
    assert json.loads(text) == catalog
    assert catalog["version"] == ndlab.__version__
    categories = [operation["category"] for operation in catalog["operations"]]
    order = ["filters", "noise", "transforms", "threshold", "morphology", "histogram"]
    order += ["segmentation", "frequency", "linear algebra", "colour"]
    assert list(dict.fromkeys(categories)) == order
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
            "accepts",
            "returns",
            "params",
        }
        assert entry["accepts"] in ("image", "mask")
        assert entry["returns"] in ("image", "mask", "labels")
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
                "typical",
                "unit",
                "none",
            }
            assert param["help"]
            # a parameter measured in pixels says so in its help too
            assert (param["unit"] is not None) <= ("pixel" in param["help"].lower())
