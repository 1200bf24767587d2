import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ndlab
from cases import make_image
from ndlab.bridge.pixels import alloc, histogram, to_rgba
from ndlab.reading import canonical


def test_alloc_returns_writable_rgba():
    buffer = alloc(3, 5)
    assert buffer.shape == (3, 5, 4) and buffer.dtype == np.uint8 and buffer.flags.writeable


@pytest.mark.parametrize("name", list(ndlab.SAMPLES))
def test_samples_become_opaque_rgba(name):
    rgba = to_rgba(ndlab.SAMPLES[name].load())
    assert rgba.dtype == np.uint8 and rgba.ndim == 3 and rgba.shape[2] == 4
    assert rgba.flags.c_contiguous
    assert (rgba[..., 3] == 255).all()


def test_canonical_layouts():
    rgba = make_image("rgba")
    assert canonical(rgba) is rgba
    rgba[..., 3] = 255
    assert canonical(rgba).shape == rgba.shape[:2] + (3,)
    assert canonical(make_image("grey_rgba")).ndim == 2


@pytest.mark.parametrize("depth", [None, 3, 4])
@pytest.mark.parametrize("layout", ["contiguous", "planar", "flipped"])
def test_to_rgba_packs_any_layout(depth, layout):
    shape = (5, 7) if depth is None else (5, 7, depth)
    image = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    if layout == "planar" and depth:
        image = np.moveaxis(np.ascontiguousarray(np.moveaxis(image, -1, 0)), 0, -1)
    elif layout == "flipped":
        image = image[:, ::-1]
    expected = np.empty((5, 7, 4), np.uint8)
    expected[..., :3] = image[..., np.newaxis] if depth is None else image[..., :3]
    expected[..., 3] = image[..., 3] if depth == 4 else 255
    out = to_rgba(image)
    assert out.flags.c_contiguous
    np.testing.assert_array_equal(out, expected)


@settings(max_examples=40, deadline=None)
@given(
    shape=st.sampled_from([(7, 5), (6, 4, 3), (5, 3, 4)]),
    dtype=st.sampled_from([np.uint8, np.int32, np.float64, bool]),
    seed=st.integers(0, 2**32 - 1),
)
def test_histogram_counts_each_channel_in_equal_bins_over_the_range(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    data = (rng.normal(0, 50, shape) * rng.integers(0, 2)).astype(dtype)  # constant at times
    out = histogram(data, bins=16)
    channels = [data] if data.ndim == 2 else [data[..., c] for c in range(3)]
    low, high = float(data.min()), float(data.max())
    assert out["range"] == [low, high]
    for counts, channel in zip(out["counts"], channels, strict=True):
        edges = (low, high if high > low else low + 1)
        reference = np.histogram(channel.astype(float), bins=16, range=edges)[0]
        assert np.abs(np.array(counts) - reference).sum() <= 2  # values at an edge may differ
        assert sum(counts) == channel.size
