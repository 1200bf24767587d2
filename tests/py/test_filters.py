import numpy as np
import pytest
from scipy import ndimage

import ndlab
from conftest import make_image
from ndlab.convert import clip, rescale


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.float32])
@pytest.mark.parametrize("sigma", [0.0, 0.7, 3.0])
def test_gaussian_filter_equals_scipy_in_float(dtype, sigma):
    image = make_image("grey", dtype=dtype)
    expected = np.clip(np.rint(ndimage.gaussian_filter(image.astype(float), sigma)), 0, 255)
    np.testing.assert_array_equal(ndlab.run("gaussian_filter", image, sigma=sigma).image, expected)


def test_gaussian_filter_avoids_uint8_truncation():
    # SciPy truncates between the row and column passes on uint8 input.
    image = make_image("grey")
    truncated = ndimage.gaussian_filter(image, 2.0)
    result = ndlab.run("gaussian_filter", image).image
    assert not np.array_equal(result, truncated)
    assert np.abs(result.astype(int) - truncated).max() <= 2


@pytest.mark.parametrize("size", [1, 2, 3, 6])
def test_median_filter_equals_scipy_per_channel(size):
    image = make_image("rgb")
    expected = np.dstack([ndimage.median_filter(image[..., c], size=size) for c in range(3)])
    np.testing.assert_array_equal(ndlab.run("median_filter", image, size=size).image, expected)


def test_median_filter_removes_salt():
    image = np.zeros((9, 9), np.uint8)
    image[4, 4] = 255
    assert ndlab.run("median_filter", image).image.max() == 0


def test_sobel_is_gradient_magnitude_rescaled_jointly():
    image = make_image("rgb")
    channels = image.astype(float)
    magnitude = np.dstack(
        [
            np.hypot(ndimage.sobel(channels[..., c], 0), ndimage.sobel(channels[..., c], 1))
            for c in range(3)
        ]
    )
    result = ndlab.run("sobel", image)
    np.testing.assert_allclose(result.data, magnitude)
    np.testing.assert_array_equal(result.image, rescale(magnitude))
    assert result.image.max() == 255


def test_sobel_of_a_flat_image_is_black():
    assert (ndlab.run("sobel", np.full((5, 5), 80, np.uint8)).image == 0).all()


def test_sigma_zero_is_identity():
    image = make_image("rgba")
    np.testing.assert_array_equal(ndlab.run("gaussian_filter", image, sigma=0).image, clip(image))
