import numpy as np
import pytest
from scipy import ndimage

import ndlab
from cases import make_image


@pytest.mark.parametrize("angle", [-180.0, -45.0, 0.0, 30.0, 90.0])
@pytest.mark.parametrize("reshape", [True, False])
def test_rotate_equals_scipy_cubic_by_default(angle, reshape):
    image = make_image("grey")
    expected = ndimage.rotate(image.astype(float), angle, reshape=reshape)  # ndimage's order 3
    result = ndlab.run("rotate", image, angle=angle, reshape=reshape)
    np.testing.assert_array_equal(result.image, np.clip(np.rint(expected), 0, 255))


def test_rotate_by_90_transposes_the_shape():
    assert ndlab.run("rotate", make_image("rgb", shape=(10, 20)), angle=90).image.shape == (
        20,
        10,
        3,
    )


def test_rotate_without_reshape_keeps_the_shape():
    image = make_image("rgba")
    assert ndlab.run("rotate", image, angle=45, reshape=False).image.shape == image.shape


def test_rotated_rgba_has_transparent_corners():
    image = make_image("rgba")
    image[..., 3] = 255
    result = ndlab.run("rotate", image, angle=45)
    assert result.image.shape[2] == 4
    alpha = result.image[..., 3]
    assert alpha[0, 0] == 0
    assert alpha[alpha.shape[0] // 2, alpha.shape[1] // 2] == 255


def test_rotate_by_zero_is_identity():
    image = make_image("rgba")
    np.testing.assert_array_equal(ndlab.run("rotate", image, angle=0).image, image)


def grey_float(kind="grey", **kwargs):
    image = make_image(kind, **kwargs)
    return image, image.astype(float)


@pytest.mark.parametrize("order", [0, 3, 5])
@pytest.mark.parametrize("mode", ["constant", "nearest", "wrap", "grid-mirror"])
def test_rotate_order_and_mode_reach_scipy(order, mode):
    image, channel = grey_float()
    expected = ndimage.rotate(channel, 20, reshape=False, order=order, mode=mode)
    result = ndlab.run("rotate", image, angle=20, reshape=False, order=order, mode=mode)
    np.testing.assert_allclose(result.data, expected)


@pytest.mark.parametrize("factor", [0.3, 1.0, 2.5])
@pytest.mark.parametrize("order", [0, 1, 3])
def test_zoom_equals_scipy_and_changes_the_shape(factor, order):
    image = make_image("rgb")
    expected = np.dstack(
        [ndimage.zoom(image[..., c].astype(float), factor, order=order) for c in range(3)]
    )
    result = ndlab.run("zoom", image, factor=factor, order=order)
    np.testing.assert_allclose(result.data, expected)
    assert result.image.shape == (round(24 * factor), round(32 * factor), 3)


@pytest.mark.parametrize(("rows", "cols"), [(3.0, -5.0), (0.5, 0.25), (-30.0, 0.0)])
@pytest.mark.parametrize("mode", ["constant", "wrap"])
def test_shift_equals_scipy(rows, cols, mode):
    image, channel = grey_float()
    expected = ndimage.shift(channel, (rows, cols), mode=mode)
    result = ndlab.run("shift", image, rows=rows, cols=cols, mode=mode)
    np.testing.assert_allclose(result.data, expected)


def test_shift_moves_transparency_with_the_pixels():
    image = make_image("rgba")
    image[..., 3] = 255
    result = ndlab.run("shift", image, rows=4, cols=-3, order=0)
    assert (result.image[:4, :, 3] == 0).all() and (result.image[:, -3:, 3] == 0).all()
    np.testing.assert_array_equal(result.image[4:, :-3], image[:-4, 3:])


@pytest.mark.parametrize("shape", [(24, 32), (7, 5), (1, 1)])
@pytest.mark.parametrize("margins", [(0, 0, 0, 0), (1, 2, 0, 4), (3, 3, 2, 2), (0, 6, 4, 0)])
def test_crop_removes_pixels_as_slicing_does(shape, margins):
    top, bottom, left, right = margins
    rows, cols = shape
    image = make_image("rgba", shape=shape)
    if top + bottom >= rows or left + right >= cols:
        with pytest.raises(ValueError, match="must be less than the"):
            ndlab.run("crop", image, top=top, bottom=bottom, left=left, right=right)
        return
    result = ndlab.run("crop", image, top=top, bottom=bottom, left=left, right=right)
    np.testing.assert_array_equal(result.image, image[top : rows - bottom, left : cols - right])


def test_crop_removes_the_micrographs_information_band():
    image = np.zeros((943, 1024), np.uint8)
    result = ndlab.run("crop", image, top=0, bottom=60, left=0, right=0)
    assert result.image.shape == image[:-60].shape == (883, 1024)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"top": 60, "bottom": 40}, "top + bottom must be less than the 48 rows, got 60 + 40"),
        ({"left": 50, "right": 14}, "left + right must be less than the 64 columns, got 50 + 14"),
    ],
)
def test_crop_that_leaves_nothing_names_the_params(params, message):
    with pytest.raises(ValueError, match=message.replace("+", r"\+")):
        ndlab.run("crop", make_image("grey", shape=(48, 64)), **params)


@pytest.mark.parametrize(
    ("axis", "reference"),
    [("horizontal", np.fliplr), ("vertical", np.flipud), ("both", lambda x: x[::-1, ::-1])],
)
def test_flip(axis, reference):
    image = make_image("rgba")
    np.testing.assert_array_equal(ndlab.run("flip", image, axis=axis).image, reference(image))


def test_affine_identity_is_the_default():
    image = make_image("rgba")
    np.testing.assert_array_equal(ndlab.run("affine_transform", image).image, image)


@pytest.mark.parametrize(
    "matrix",
    [
        (1.0, 0.0, 5.0, 0.0, 1.0, -3.0),
        (0.8, -0.3, 4.0, 0.3, 0.8, -2.0),
        (2.0, 0.0, 0.0, 0.0, 0.5, 0.0),
    ],
)
def test_affine_transform_equals_scipy_with_a_2x3_matrix(matrix):
    image, channel = grey_float()
    m00, m01, m02, m10, m11, m12 = matrix
    expected = ndimage.affine_transform(channel, [[m00, m01], [m10, m11]], offset=(m02, m12))
    result = ndlab.run(
        "affine_transform", image, m00=m00, m01=m01, m02=m02, m10=m10, m11=m11, m12=m12
    )
    np.testing.assert_allclose(result.data, expected)


def test_affine_matrix_maps_output_to_input():
    image = np.zeros((20, 20), np.uint8)
    image[12, 7] = 255
    moved = ndlab.run("affine_transform", image, m02=10.0, order=0).image
    assert moved[2, 7] == 255 and moved.sum() == 255


def test_a_zoom_that_would_leave_no_pixel_is_refused():
    """ndimage.zoom rounds 10 × 0.05 to no column and returned an empty image."""
    refused = r"factor 0.05 would leave 0×1 pixels \(width×height\) of the 10×12 image"
    # the factor it suggests keeps one pixel of the shorter side: 1 / 10
    with pytest.raises(ValueError, match=refused + r"; 0\.1 or more keeps one$"):
        ndlab.run("zoom", make_image("rgb", shape=(12, 10)), factor=0.05)
    assert ndlab.run("zoom", make_image("rgb", shape=(12, 10)), factor=0.1).image.shape == (1, 1, 3)
