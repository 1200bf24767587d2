import numpy as np
import pytest
from scipy import ndimage

import ndlab
from cases import make_image
from ndlab.morphology import FOOTPRINTS, grey_filter, structuring_element


@pytest.mark.parametrize("threshold", [0, 100, 127, 255])
@pytest.mark.parametrize("iterations", [1, 3])
def test_binary_opening_equals_scipy(threshold, iterations):
    image = make_image("grey")
    expected = ndimage.binary_opening(image > threshold, iterations=iterations)
    result = ndlab.run("binary_opening", image, threshold=threshold, iterations=iterations)
    np.testing.assert_array_equal(result.data, expected)
    np.testing.assert_array_equal(result.image, np.where(expected, 255, 0))


def test_binary_opening_uses_the_cross_structure():
    image = np.zeros((7, 7), np.uint8)
    image[1:4, 1:4] = 255  # a 3×3 square survives only a cross-shaped opening as a cross
    opened = ndlab.run("binary_opening", image).data
    expected = ndimage.binary_opening(
        image > 127, structure=ndimage.generate_binary_structure(2, 1)
    )
    np.testing.assert_array_equal(opened, expected)
    assert opened.sum() == 5


def test_binary_opening_removes_specks_but_keeps_blocks():
    image = np.zeros((12, 12), np.uint8)
    image[2:9, 2:9] = 200
    image[10, 10] = 200
    opened = ndlab.run("binary_opening", image).data
    assert not opened[10, 10]
    assert opened[5, 5]


def test_structuring_elements():
    cross = ndimage.generate_binary_structure(2, 1)
    for footprint in ("cross", "diamond"):
        np.testing.assert_array_equal(structuring_element(footprint, 1), cross)
    np.testing.assert_array_equal(
        structuring_element("diamond", 3), ndimage.iterate_structure(cross, 3)
    )
    plus = structuring_element("cross", 2)
    assert plus.sum() == 9 and plus[2].all() and plus[:, 2].all()
    assert structuring_element("square", 2).all() and structuring_element("square", 2).shape == (
        5,
        5,
    )
    disk = structuring_element("disk", 5)
    rows, cols = np.indices((11, 11)) - 5
    np.testing.assert_array_equal(disk, np.hypot(rows, cols) <= 5)


@pytest.mark.parametrize(
    "name", ["binary_erosion", "binary_dilation", "binary_opening", "binary_closing"]
)
@pytest.mark.parametrize("footprint", FOOTPRINTS)
@pytest.mark.parametrize(("radius", "iterations"), [(1, 1), (2, 2)])
def test_binary_operations_equal_scipy(name, footprint, radius, iterations):
    image = make_image("grey", shape=(30, 40))
    expected = getattr(ndimage, name)(
        image > 100, structuring_element(footprint, radius), iterations=iterations
    )
    result = ndlab.run(
        name, image, threshold=100, footprint=footprint, radius=radius, iterations=iterations
    )
    np.testing.assert_array_equal(result.data, expected)


def test_closing_fills_a_gap_and_dilation_grows():
    image = np.zeros((9, 9), np.uint8)
    image[2:7, 2:7] = 200
    image[4, 2:7] = 0
    assert ndlab.run("binary_closing", image).data[4, 4]
    assert ndlab.run("binary_dilation", image, footprint="square").data.sum() == 49


def test_fill_holes():
    image = np.zeros((9, 9), np.uint8)
    image[1:8, 1:8] = 200
    image[3:6, 3:6] = 0
    image[0, 4] = 0
    result = ndlab.run("fill_holes", image).data
    np.testing.assert_array_equal(result, ndimage.binary_fill_holes(image > 127))
    assert result[4, 4] and result.sum() == 49


@pytest.mark.parametrize(
    "name",
    [
        "grey_erosion",
        "grey_dilation",
        "grey_opening",
        "grey_closing",
        "white_tophat",
        "black_tophat",
        "morphological_gradient",
    ],
)
@pytest.mark.parametrize("footprint", FOOTPRINTS)
@pytest.mark.parametrize("radius", [1, 3, 10])
@pytest.mark.parametrize("shape", [(24, 32), (23, 21)])
def test_grey_operations_equal_scipy_per_channel(name, footprint, radius, shape):
    image = make_image("rgb", shape)
    element = structuring_element(footprint, radius)
    expected = np.dstack(
        [getattr(ndimage, name)(image[..., c].astype(float), footprint=element) for c in range(3)]
    )
    result = ndlab.run(name, image, footprint=footprint, radius=radius)
    np.testing.assert_array_equal(result.data, expected)


def test_top_hats_pick_small_details():
    image = np.full((15, 15), 100, np.uint8)
    image[7, 7] = 200
    image[3, 3] = 10
    white = ndlab.run("white_tophat", image).data
    black = ndlab.run("black_tophat", image).data
    assert white[7, 7] == 100 and white.sum() == 100
    assert black[3, 3] == 90 and black.sum() == 90


def footprint_extreme(image, element, minimum):
    """The minimum or maximum over `element` by definition: every offset of the reflected image."""
    radius = element.shape[0] // 2
    padded = np.pad(image, radius, mode="symmetric")  # ndimage's "reflect", repeated if need be
    rows, cols = image.shape
    offsets = np.argwhere(element)
    shifted = [padded[r : r + rows, c : c + cols] for r, c in offsets]
    return (np.min if minimum else np.max)(shifted, axis=0)


@pytest.mark.parametrize("footprint", FOOTPRINTS)
@pytest.mark.parametrize("radius", range(1, 11))
@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (7, 30), (30, 7), (41, 53)])
@pytest.mark.parametrize("minimum", [True, False])
def test_grey_filter_is_exactly_the_footprint_filter(footprint, radius, shape, minimum):
    # any float values, ties included: the rectangles give the footprint's values bit for bit
    rng = np.random.default_rng(radius)
    image = np.round(rng.normal(0, 50, shape), rng.integers(0, 3))
    element = structuring_element(footprint, radius)
    expected = footprint_extreme(image, element, minimum)
    np.testing.assert_array_equal(grey_filter(image, element, minimum=minimum), expected)
    if min(shape) > 2 * radius:  # (ndimage reads past smaller images: garbage, scipy 1.14.1)
        scipy_filter = ndimage.grey_erosion if minimum else ndimage.grey_dilation
        np.testing.assert_array_equal(expected, scipy_filter(image, footprint=element))


@pytest.mark.parametrize(
    "name",
    ["grey_erosion", "grey_opening", "white_tophat", "black_tophat", "morphological_gradient"],
)
@pytest.mark.parametrize("offset", [0.25, -300.0])
def test_grey_operations_on_values_beyond_8_bits_equal_scipy(name, offset):
    # not 8-bit values: computed in float64, still ndimage's values
    image = make_image("grey").astype(float) + offset
    element = structuring_element("disk", 3)
    expected = getattr(ndimage, name)(image, footprint=element)
    np.testing.assert_array_equal(ndlab.run(name, image).data, expected)
