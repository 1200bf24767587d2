import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import ndlab
from cases import make_image
from ndlab.convert import clip
from ndlab.histogram import equalize_hist


def textbook_equalization(values):
    """Pixel by pixel: 255 * (#pixels <= v - #pixels at the darkest level) / (n - that count)."""
    flat = values.ravel()
    darkest = (flat == flat.min()).sum()
    if darkest == flat.size:
        return values.astype(float)
    out = [255 * ((flat <= v).sum() - darkest) / (flat.size - darkest) for v in flat]
    return np.array(out).reshape(values.shape)


@settings(max_examples=40, deadline=None)
@given(arrays(np.uint8, st.tuples(st.integers(1, 8), st.integers(1, 8))))
def test_equalization_matches_the_textbook(values):
    np.testing.assert_allclose(equalize_hist(values.astype(float)), textbook_equalization(values))


def test_equalization_flattens_the_histogram():
    image = np.clip(np.random.default_rng(0).normal(100, 10, (100, 100)), 0, 255).astype(np.uint8)
    result = ndlab.run("equalize_hist", image).image
    assert result.min() == 0 and result.max() == 255
    counts = np.histogram(result, bins=4, range=(0, 256))[0]
    assert counts.min() > 0.15 * result.size


def test_equalization_is_per_channel():
    image = make_image("rgb")
    expected = np.dstack([textbook_equalization(image[..., c]) for c in range(3)])
    np.testing.assert_array_equal(ndlab.run("equalize_hist", image).image, clip(expected))


def test_equalization_of_a_constant_image_is_identity():
    image = np.full((4, 4), 77, np.uint8)
    np.testing.assert_array_equal(ndlab.run("equalize_hist", image).image, image)


@pytest.mark.parametrize(("low", "high"), [(0, 100), (2, 98), (10, 60)])
def test_contrast_stretch_maps_percentiles_to_black_and_white(low, high):
    image = make_image("grey")
    black, white = np.percentile(image.astype(float), [low, high])
    expected = (image - black) * 255 / (white - black)
    result = ndlab.run("contrast_stretch", image, low=low, high=high)
    np.testing.assert_allclose(result.data, expected)
    assert result.image.min() == 0 and result.image.max() == 255


def test_contrast_stretch_refuses_equal_percentiles_and_keeps_flat_images():
    with pytest.raises(ValueError, match="low must be below high, got low=50 and high=50"):
        ndlab.run("contrast_stretch", make_image("grey"), low=50, high=50)
    flat = np.full((3, 3), 9, np.uint8)
    np.testing.assert_array_equal(ndlab.run("contrast_stretch", flat).image, flat)


@pytest.mark.parametrize("gamma", [0.25, 1.0, 2.2])
def test_gamma_correction(gamma):
    image = make_image("rgb")
    result = ndlab.run("adjust_gamma", image, gamma=gamma)
    np.testing.assert_allclose(result.data, 255 * (image / 255.0) ** gamma)
    if gamma == 1.0:
        np.testing.assert_array_equal(result.image, image)
