"""The memory estimate of each operation bounds what a run really allocates, and not by much."""

import tracemalloc

import numpy as np
import pytest

import ndlab
from cases import OPERATION_NAMES, make_image
from ndlab.registry import get_operation

SHAPE = (160, 240)
KINDS = ("grey", "rgb", "rgba")
# A run also allocates a few fixed buffers (kernels, histograms, structuring elements).
FIXED_BYTES = 200_000


def settings(name):
    """Parameters that make an operation allocate the most: defaults, each limit and choice."""
    operation = get_operation(name)
    variants = [{}]
    for param in operation.params:
        if param.type == "choice":
            variants += [{param.name: choice} for choice in param.choices]
        elif param.type == "bool":
            variants.append({param.name: not param.default})
        else:
            variants += [
                {param.name: limit} for limit in (param.min, param.max) if limit is not None
            ]
    if name == "rotate":
        variants.append({"angle": 45.0, "reshape": True})  # the largest output
    return variants


def peak_bytes(name, image, params):
    """The most NumPy memory a run holds at once (NumPy reports its arrays to tracemalloc)."""
    ndlab.run(name, image, **params)  # once first: imports and caches are not the run's
    tracemalloc.start()
    try:
        ndlab.run(name, image, **params)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_estimate_bounds_the_measured_peak(name):
    for kind in KINDS:
        image = make_image(kind, SHAPE)
        for params in settings(name):
            try:
                estimate = ndlab.estimate_memory(name, image.shape, **params)
            except ValueError:
                continue  # a limit that this operation's validation refuses in combination
            try:
                peak = peak_bytes(name, image, params)
            except ValueError as error:  # a limit too large for this image (a crop in pixels)
                assert "must be less than" in str(error), error
                continue
            assert peak <= estimate + FIXED_BYTES, (kind, params, peak / estimate)
            if params == {}:
                # at its defaults an estimate is not wildly pessimistic (the page would refuse
                # images that fit): one factor serves grey and colour input, which cost
                # differently (a grey operation on RGBA converts 4 channels but keeps 1)
                assert estimate <= 4 * peak + FIXED_BYTES, (kind, params, estimate / peak)


def test_estimate_scales_with_pixels_channels_and_enlargement():
    grey = ndlab.estimate_memory("gaussian_filter", (1000, 1000))
    assert ndlab.estimate_memory("gaussian_filter", (2000, 1000)) == 2 * grey
    assert ndlab.estimate_memory("gaussian_filter", (1000, 1000, 3)) == 3 * grey
    assert ndlab.estimate_memory("zoom", (100, 100), factor=4) > 3 * ndlab.estimate_memory(
        "zoom", (100, 100), factor=2
    )


def test_estimate_validates_like_run():
    with pytest.raises(ValueError, match="sigma"):
        ndlab.estimate_memory("gaussian_filter", (10, 10), sigma=-1)
    with pytest.raises(ValueError, match="unknown operation"):
        ndlab.estimate_memory("no_such_op", (10, 10))


def test_every_operation_declares_a_usable_factor():
    for name in OPERATION_NAMES:
        assert ndlab.estimate_memory(name, (10, 10, 3)) >= 10 * 10 * 3 * 8
        assert np.isfinite(ndlab.estimate_memory(name, (10, 10)))
