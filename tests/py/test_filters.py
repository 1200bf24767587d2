import numpy as np
import pytest
from scipy import ndimage, signal

import ndlab
from cases import OUTPUT_KINDS, make_image
from ndlab.convert import clip, rescale
from ndlab.filters import gaussian_radius, median_3x3
from ndlab.registry import get_operation


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
    channels = [ndimage.median_filter(image[..., c].astype(float), size=size) for c in range(3)]
    np.testing.assert_array_equal(
        ndlab.run("median_filter", image, size=size).data, np.dstack(channels)
    )


@pytest.mark.parametrize("size", [3, 5])
@pytest.mark.parametrize("offset", [0.25, -300.0])
def test_median_filter_on_values_beyond_8_bits_equals_scipy(size, offset):
    image = make_image("grey").astype(float) + offset
    expected = ndimage.median_filter(image, size=size)
    np.testing.assert_array_equal(ndlab.run("median_filter", image, size=size).data, expected)


@pytest.mark.parametrize("shape", [(1, 1), (1, 5), (2, 3), (5, 1), (30, 41)])
@pytest.mark.parametrize("decimals", [0, 1])
def test_median_3x3_is_exactly_scipys(shape, decimals):
    # any float values, ties included (rounded values repeat): chosen, never computed
    rng = np.random.default_rng(shape[0] * 100 + shape[1])
    image = np.round(rng.normal(0, 3, shape), decimals)
    np.testing.assert_array_equal(median_3x3(image), ndimage.median_filter(image, size=3))


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


def channels_of(image):
    return (
        [image.astype(float)]
        if image.ndim == 2
        else [image[..., c].astype(float) for c in range(3)]
    )


def per_channel(function, image):
    results = [function(channel) for channel in channels_of(image)]
    return results[0] if image.ndim == 2 else np.dstack(results)


@pytest.mark.parametrize("kind", ["grey", "rgb"])
@pytest.mark.parametrize(
    ("name", "params", "reference"),
    [
        ("uniform_filter", {"size": 4}, lambda x: ndimage.uniform_filter(x, size=4)),
        ("wiener", {"size": 5, "noise": 0.0}, lambda x: signal.wiener(x, 5)),
        ("wiener", {"size": 3, "noise": 300.0}, lambda x: signal.wiener(x, 3, 300.0)),
        (
            "unsharp_mask",
            {"radius": 1.5, "amount": 2.0},
            lambda x: x + 2.0 * (x - ndimage.gaussian_filter(x, 1.5)),
        ),
        (
            "prewitt",
            {},
            lambda x: np.hypot(ndimage.prewitt(x, axis=0), ndimage.prewitt(x, axis=1)),
        ),
        ("laplace", {}, ndimage.laplace),
        (
            "gaussian_gradient_magnitude",
            {"sigma": 1.5},
            lambda x: ndimage.gaussian_gradient_magnitude(x, 1.5),
        ),
        ("gaussian_laplace", {"sigma": 2.5}, lambda x: ndimage.gaussian_laplace(x, 2.5)),
    ],
)
def test_filters_equal_scipy(kind, name, params, reference):
    image = make_image(kind)
    expected = per_channel(reference, image)
    result = ndlab.run(name, image, **params)
    np.testing.assert_allclose(result.data, expected, rtol=1e-12, atol=1e-9)
    assert result.output == OUTPUT_KINDS[name]
    mapping = {"rescale": rescale, "clip": clip}[OUTPUT_KINDS[name]]
    np.testing.assert_array_equal(result.image, mapping(expected))


def test_box_blur_is_the_window_mean():
    image = make_image("grey").astype(float)
    padded = np.pad(image, 1, mode="symmetric")
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3))
    np.testing.assert_allclose(
        ndlab.run("uniform_filter", image, size=3).data, windows.mean((2, 3))
    )


def test_wiener_handles_flat_and_black_images():
    for level in (0, 90):
        image = np.full((8, 9), level, np.uint8)
        for noise in (0.0, 50.0):
            result = ndlab.run("wiener", image, noise=noise)
            assert np.isfinite(result.data).all()
    black = ndlab.run("wiener", np.zeros((6, 6), np.uint8)).image
    assert (black == 0).all()


def test_wiener_reduces_gaussian_noise():
    rows, cols = np.indices((64, 64))
    clean = 100 + 50 * np.sin(rows / 9) * np.cos(cols / 11)
    noisy = clean + np.random.default_rng(1).normal(0, 20, clean.shape)
    filtered = ndlab.run("wiener", noisy, size=5, noise=400.0).data
    assert np.abs(filtered - clean)[4:-4, 4:-4].mean() < 0.6 * np.abs(noisy - clean).mean()


def test_unsharp_mask_with_zero_amount_is_identity():
    image = make_image("rgb")
    np.testing.assert_array_equal(ndlab.run("unsharp_mask", image, amount=0).image, image)


@pytest.mark.parametrize("name", ["prewitt", "laplace", "gaussian_gradient_magnitude"])
def test_edge_filters_of_flat_images_are_black(name):
    assert (ndlab.run(name, np.full((9, 9), 80, np.uint8)).image == 0).all()


@pytest.mark.parametrize("name", ["gaussian_gradient_magnitude", "gaussian_laplace"])
def test_gaussian_derivatives_at_their_smallest_sigma_are_derivatives(name):
    """Nearly zero on a flat image; the gradient of a ramp of slope 3 is 3 and its Laplacian 0
    (away from the reflected borders). At sigma 0 ndimage skipped the derivative: it gave √2 and 2
    times the image."""
    smallest = get_operation(name).params[0].min
    flat = ndlab.run(name, np.full((9, 9), 80, np.uint8), sigma=smallest).data
    np.testing.assert_allclose(flat, 0, atol=80 * 5e-4)
    ramp = np.tile(3.0 * np.arange(16), (16, 1))
    inner = ndlab.run(name, ramp, sigma=smallest).data[6:-6, 6:-6]
    expected = 3.0 if name == "gaussian_gradient_magnitude" else 0.0
    np.testing.assert_allclose(inner, expected, rtol=1e-3, atol=ramp.max() * 5e-4)


@pytest.mark.parametrize("sigma", [0.1, 0.5, 1.0, 2.0, 3.3])
def test_gaussian_radius_is_the_reach_of_ndimages_kernel(sigma):
    """The chunk depth of a Gaussian blur: how far ndimage's kernel spreads one bright pixel."""
    impulse = np.zeros(101)
    impulse[50] = 1.0
    reach = np.flatnonzero(ndimage.gaussian_filter1d(impulse, sigma))
    assert reach[-1] - 50 == 50 - reach[0] == gaussian_radius(sigma)
