import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import ndimage

import ndlab
from cases import make_image
from ndlab.convert import rgb_to_grey
from ndlab.registry import get_operation
from ndlab.threshold import threshold_global, threshold_local, threshold_otsu


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


@pytest.mark.parametrize("threshold", [0, 90, 255])
def test_global_threshold_below_keeps_the_darker_values_only(threshold):
    image = make_image("grey")
    image[0, :3] = threshold  # a value at the level itself is not below it
    result = ndlab.run("threshold_global", image, keep="below", threshold=threshold)
    np.testing.assert_array_equal(result.data, image < threshold)


def test_global_threshold_between_keeps_both_levels():
    image = np.arange(256, dtype=np.uint8).reshape(16, 16)
    result = ndlab.run("threshold_global", image, keep="between", threshold=90, upper=110)
    assert np.flatnonzero(result.data).tolist() == list(range(90, 111))


def test_global_threshold_between_reads_its_upper_level():
    image = np.arange(256, dtype=np.uint8).reshape(16, 16)
    wide = ndlab.run("threshold_global", image, keep="between", threshold=0)  # upper: 255
    assert wide.data.all()
    one = ndlab.run("threshold_global", image, keep="between", threshold=200, upper=200)
    assert np.flatnonzero(one.data).tolist() == [200]


def test_global_threshold_between_refuses_levels_in_the_wrong_order():
    with pytest.raises(ValueError, match=r"upper must be at least threshold \(90\), got 80"):
        ndlab.run("threshold_global", make_image("grey"), keep="between", threshold=90, upper=80)


def test_global_thresholds_slide_over_the_grey_levels():
    """Unbounded levels (a float array's own values are allowed): the slider offers 0-255."""
    params = {p.name: p for p in get_operation("threshold_global").params}
    for name in ("threshold", "upper"):
        assert (params[name].min, params[name].max, params[name].typical) == (None, None, (0, 255))


def reach(filtered_impulse):
    """How far from a one-pixel impulse a filter's response reaches, in pixels."""
    rows, cols = np.nonzero(filtered_impulse)
    centre = filtered_impulse.shape[0] // 2
    return int(max(np.abs(rows - centre).max(), np.abs(cols - centre).max()))


@pytest.mark.parametrize("method", ["mean", "gaussian"])
@pytest.mark.parametrize("block_size", [3, 7, 35, 301])
def test_local_threshold_depth_is_the_reach_of_its_local_mean(method, block_size):
    """The halo of a chunk (Dask's depth) is as wide as the local mean reaches, measured on an
    impulse, no more and no less."""
    impulse = np.zeros((2 * block_size + 1, 2 * block_size + 1))
    impulse[block_size, block_size] = 1.0
    if method == "mean":
        response = ndimage.uniform_filter(impulse, size=block_size)
    else:
        response = ndimage.gaussian_filter(impulse, sigma=(block_size - 1) / 6)
    depth = get_operation("threshold_local").depth({"method": method, "block_size": block_size})
    assert depth == reach(response)


def test_local_block_sizes_are_the_odd_widths_from_3_to_301():
    (block_size,) = [p for p in get_operation("threshold_local").params if p.name == "block_size"]
    offered = range(block_size.min, block_size.max + 1, block_size.step)
    assert list(offered) == list(range(3, 302, 2))
    image = make_image("grey")
    for refused in (1, 303):
        with pytest.raises(
            ValueError, match=f"block_size must be between 3 and 301, got {refused}"
        ):
            ndlab.run("threshold_local", image, block_size=refused)


def test_local_offsets_are_bounded_by_the_grey_scale():
    image = make_image("grey")
    for offset in (-255.0, 255.0):
        everything = ndlab.run("threshold_local", image, offset=offset).data
        assert everything.all() if offset > 0 else not everything.any()
    for refused in (-256.0, 256.0):
        with pytest.raises(ValueError, match="offset must be between -255 and 255"):
            ndlab.run("threshold_local", image, offset=refused)


def test_global_threshold_between_stops_at_255_by_default():
    """A float array's values may pass 255: the default upper level keeps them out."""
    values = np.array([[254.5, 255.0, 255.5]])
    kept = threshold_global(values, keep="between", threshold=0.0)
    np.testing.assert_array_equal(kept, [[True, True, False]])


def test_global_threshold_is_pointwise_and_chunks_need_no_halo():
    assert get_operation("threshold_global").depth({}) == 0


def test_threshold_sliders_move_by_one_grey_level():
    for name, param_names in (
        ("threshold_global", ("threshold", "upper")),
        ("threshold_local", ("offset",)),
    ):
        steps = {p.name: p.step for p in get_operation(name).params if p.name in param_names}
        assert steps == dict.fromkeys(param_names, 1.0)


def test_the_functions_own_defaults_are_the_declared_ones():
    """Called directly (as exported code does), the functions default as their declarations."""
    image = make_image("grey", shape=(60, 60)).astype(float)
    for function in (threshold_global, threshold_local):
        declared = {p.name: p.default for p in get_operation(function.__name__).params}
        np.testing.assert_array_equal(function(image), function(image, **declared))
