import ast

import numpy as np
import pytest

import ndlab
from cases import OPERATION_NAMES, make_image
from ndlab.codegen import function_source
from ndlab.registry import get_operation

INPUTS = {
    "grey": make_image("grey"),
    "grey_rgba": make_image("grey_rgba"),
    "rgb": make_image("rgb"),
    "rgba": make_image("rgba"),
    "rgba_float": make_image("rgba", dtype=np.float32),
}


def run_code(code, image):
    namespace = {"image": image}
    exec(compile(code, "<export>", "exec"), namespace)
    return namespace["result"]


@pytest.mark.parametrize("kind", list(INPUTS))
@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_exported_code_reproduces_the_result(name, kind, capsys):
    image = INPUTS[kind]
    result = ndlab.run(name, image)
    exported = run_code(result.code, image)
    assert exported.dtype == np.uint8
    np.testing.assert_array_equal(exported, result.image)


@pytest.mark.parametrize("kind", ["grey", "rgb", "rgba"])
def test_the_loading_comment_loads_the_image_the_code_expects(kind, tmp_path):
    """Uncommented, the exported code's Pillow lines read a PNG of the input back as the same
    array, so the script gives the page's result from the learner's own file."""
    from PIL import Image

    image = INPUTS[kind]
    Image.fromarray(image).save(tmp_path / "photo.png")
    result = ndlab.run("gaussian_filter", image, sigma=1.5)
    code = result.code.replace("# from PIL", "from PIL").replace("# image = ", "image = ")
    code = code.replace('"photo.png"', repr(str(tmp_path / "photo.png")))
    namespace = {}
    exec(compile(code, "<export>", "exec"), namespace)
    np.testing.assert_array_equal(namespace["image"], image)
    np.testing.assert_array_equal(namespace["result"], result.image)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("rotate", {"angle": -12.5, "reshape": False}),
        ("binary_opening", {"threshold": 90, "iterations": 3}),
    ],
)
def test_exported_code_uses_the_given_parameters(name, params):
    image = INPUTS["rgba"]
    result = ndlab.run(name, image, **params)
    for key, value in params.items():
        assert f"{key}={value!r}" in result.code
    np.testing.assert_array_equal(run_code(result.code, image), result.image)


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_exported_code_is_standalone(name):
    code = ndlab.run(name, INPUTS["rgb"]).code
    ast.parse(code)
    assert "ndlab" not in code.split('"""')[2]
    assert "@operation" not in code
    assert "# image = np.asarray(Image.open(" in code


def test_grey_detection_is_written_out():
    assert (
        "edges = sobel(image[..., 0].astype(np.float64))"
        in ndlab.run("sobel", INPUTS["grey_rgba"]).code
    )
    assert "edges = sobel(image.astype(np.float64))" in ndlab.run("sobel", INPUTS["grey"]).code
    code = ndlab.run("threshold_otsu", INPUTS["rgb"]).code
    assert "mask, info = threshold_otsu(rgb_to_grey(image[..., :3].astype(np.float64)))" in code
    assert code.count("GREY_WEIGHTS = (0.2125, 0.7154, 0.0721)\n") == 1


def test_otsu_code_prints_the_threshold(capsys):
    result = ndlab.run("threshold_otsu", INPUTS["grey"])
    run_code(result.code, INPUTS["grey"])
    assert capsys.readouterr().out.strip() == repr(result.info)


def test_unused_scipy_import_is_left_out():
    assert "from scipy import ndimage" not in ndlab.run("threshold_otsu", INPUTS["grey"]).code
    assert "from scipy import ndimage" in ndlab.run("sobel", INPUTS["grey"]).code


def test_function_source_drops_decorator_and_long_docstring():
    source = function_source(get_operation("gaussian_filter").function)
    assert source.startswith("def gaussian_filter(image, *, sigma=2.0):\n")
    assert '    """Blur with a Gaussian kernel."""\n' in source
    assert "Parameters" not in source


def test_colour_operations_export_their_input_stacking():
    code = ndlab.run("kmeans_colours", INPUTS["grey"]).code
    assert "kmeans_colours(np.stack([image.astype(np.float64)] * 3, axis=-1), k=4, seed=0)" in code
    assert "from scipy.cluster import vq" in code


def test_helpers_and_constants_are_exported_once():
    code = ndlab.run("binary_closing", INPUTS["rgb"]).code
    assert code.count("def structuring_element(") == 1
    assert code.count("def rgb_to_grey(") == 1
    assert code.count("GREY_WEIGHTS = ") == 1
    assert code.index("def structuring_element(") < code.index("def binary_closing(")


def test_labels_export_the_palette():
    code = ndlab.run("label", INPUTS["grey"]).code
    assert "def paint_labels(data):" in code and "[230, 159, 0]" in code
    assert "result = paint_labels(labels)" in code


def test_rgba_transforms_move_the_alpha_channel_in_the_code():
    code = ndlab.run("flip", INPUTS["rgba"]).code
    assert "[flip(image[..., c].astype(np.float64), axis='horizontal') for c in range(4)]" in code
    assert "result = np.dstack([clip(transformed[..., :3]), clip(transformed[..., 3])])" in code
