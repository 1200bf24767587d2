import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import ndimage

import ndlab
from cases import make_image
from ndlab.convert import rgb_to_grey
from ndlab.threshold import threshold_otsu


def between_class_variance(values, t):
    """Textbook definition: w0 * w1 * (mean0 - mean1) ** 2 for the split at t."""
    below, above = values[values <= t], values[values > t]
    if below.size == 0 or above.size == 0:
        return 0.0
    w0, w1 = below.size / values.size, above.size / values.size
    return w0 * w1 * (below.mean() - above.mean()) ** 2


def brute_force_best(values):
    return max(between_class_variance(values, t) for t in range(256))


@settings(max_examples=40, deadline=None)
@given(arrays(np.uint8, st.integers(2, 60)))
def test_otsu_maximises_between_class_variance(values):
    image = values.astype(np.float64).reshape(1, -1)
    mask, info = threshold_otsu(image)
    t = info["threshold"]
    np.testing.assert_array_equal(mask, image > t)
    assert between_class_variance(values, t) == pytest.approx(brute_force_best(values), rel=1e-9)


def test_otsu_on_a_realistic_image_matches_brute_force():
    image = make_image("grey", shape=(40, 40))
    t = ndlab.run("threshold_otsu", image).info["threshold"]
    values = image.ravel()
    assert between_class_variance(values, t) == pytest.approx(brute_force_best(values))
    assert 60 < t < 200


@pytest.mark.parametrize("seed", range(30))
def test_otsu_on_colour_is_brute_force_over_the_grey_levels(seed):
    """A colour picture's grey is fractional: Otsu's levels are its whole grey levels (bins of
    one level, [k, k + 1)), and the threshold maximises their between-class variance."""
    image = make_image("rgb", shape=(30, 40), seed=seed)
    levels = np.floor(rgb_to_grey(image.astype(np.float64))).ravel()
    t = ndlab.run("threshold_otsu", image).info["threshold"]
    assert between_class_variance(levels, t) == pytest.approx(brute_force_best(levels), rel=1e-12)


def test_otsu_separates_two_levels():
    image = np.array([[10, 10, 200], [200, 10, 200]], np.uint8)
    result = ndlab.run("threshold_otsu", image)
    assert result.info == {"threshold": 10}
    np.testing.assert_array_equal(result.image, np.where(image > 10, 255, 0))
    assert result.data.dtype == bool


def test_otsu_of_a_constant_image_is_zero():
    assert ndlab.run("threshold_otsu", np.full((3, 3), 90, np.uint8)).info == {"threshold": 0}


def test_otsu_converts_colour_to_grey():
    image = make_image("rgb")
    result = ndlab.run("threshold_otsu", image)
    mask, info = threshold_otsu(rgb_to_grey(image.astype(np.float64)))
    assert result.info == info
    np.testing.assert_array_equal(result.data, mask)


@pytest.mark.parametrize("threshold", [0, 90, 255])
def test_global_threshold(threshold):
    image = make_image("rgb")
    grey = rgb_to_grey(image.astype(float))
    result = ndlab.run("threshold_global", image, threshold=threshold)
    np.testing.assert_array_equal(result.data, grey > threshold)


@pytest.mark.parametrize("method", ["mean", "gaussian"])
@pytest.mark.parametrize("block_size", [3, 5, 15])  # 5: odd, yet 5 & 2 == 0
@pytest.mark.parametrize("offset", [-5.0, 0.0, 8.0])
def test_local_threshold_follows_scikit_image(method, block_size, offset):
    image = make_image("grey", shape=(40, 50))
    channel = image.astype(float)
    if method == "mean":
        local = ndimage.uniform_filter(channel, block_size, mode="reflect")
    else:
        local = ndimage.gaussian_filter(channel, (block_size - 1) / 6, mode="reflect")
    result = ndlab.run(
        "threshold_local", image, method=method, block_size=block_size, offset=offset
    )
    np.testing.assert_array_equal(result.data, channel > local - offset)


def test_local_threshold_copes_with_a_lighting_gradient():
    rows, cols = np.indices((60, 80))
    text = ((rows // 6 + cols // 6) % 2 == 0) & (cols % 6 < 2)
    image = np.clip(3 * cols + 60 * text, 0, 255).astype(np.uint8)
    local = ndlab.run("threshold_local", image, block_size=11, offset=-10).data
    assert (local == text).mean() > 0.97
    assert (ndlab.run("threshold_global", image, threshold=127).data == text).mean() < 0.7


def test_even_block_size_is_refused():
    with pytest.raises(ValueError, match="block_size must be odd, got 4"):
        ndlab.run("threshold_local", make_image("grey"), block_size=4)


def test_defaults_are_the_declared_ones():
    """Run without parameters, the thresholds use the defaults their documentation states."""
    image = make_image("grey", shape=(60, 60))
    assert (image == 128).any()  # so that a threshold of 127 and one of 128 differ
    np.testing.assert_array_equal(ndlab.run("threshold_global", image).data, image > 127)
    stated = ndlab.run("threshold_local", image, method="gaussian", block_size=35, offset=0.0)
    np.testing.assert_array_equal(ndlab.run("threshold_local", image).data, stated.data)
