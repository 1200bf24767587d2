"""Drafts of slider previews: shrunk inputs, parameters in pixels scaled, and the page's choice."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ndlab
from ndlab.draft import MAX_FACTOR, draft_steps, factor_for, scale_params, shrink
from ndlab.registry import OPERATIONS, UNITS
from ndlab.samples import random_blobs

# A value of every parameter measured in pixels at which it visibly matters on IMAGE, with the
# other parameters it needs: a draft with it scaled must look more like the full result shrunk
# than a draft with it left as it is.
CASES = {
    ("gaussian_filter", "sigma"): {"sigma": 6.0},
    ("gaussian_gradient_magnitude", "sigma"): {"sigma": 4.0},
    ("gaussian_laplace", "sigma"): {"sigma": 4.0},
    ("median_filter", "size"): {"size": 9},
    ("uniform_filter", "size"): {"size": 9},
    ("wiener", "size"): {"size": 9},
    ("unsharp_mask", "radius"): {"radius": 6.0, "amount": 2.0},
    ("periodic_noise", "period"): {"period": 24.0},
    ("shift", "rows"): {"rows": 40.0, "cols": 0.0},
    ("shift", "cols"): {"rows": 0.0, "cols": -30.0},
    ("crop", "top"): {"top": 60},
    ("crop", "bottom"): {"bottom": 60},
    ("crop", "left"): {"left": 60},
    ("crop", "right"): {"right": 60},
    ("affine_transform", "m02"): {"m02": 30.0},
    ("affine_transform", "m12"): {"m12": -20.0},
    ("threshold_local", "block_size"): {"block_size": 61},
    ("binary_erosion", "radius"): {"radius": 4},
    ("binary_dilation", "radius"): {"radius": 4},
    ("binary_opening", "radius"): {"radius": 4},
    ("binary_closing", "radius"): {"radius": 4},
    ("grey_erosion", "radius"): {"radius": 6},
    ("grey_dilation", "radius"): {"radius": 6},
    ("grey_opening", "radius"): {"radius": 6},
    ("grey_closing", "radius"): {"radius": 6},
    ("white_tophat", "radius"): {"radius": 6},
    ("black_tophat", "radius"): {"radius": 6},
    ("morphological_gradient", "radius"): {"radius": 4},
    ("remove_small_objects", "min_size"): {"min_size": 600},
    ("watershed", "min_distance"): {"min_distance": 12},
    ("local_std", "size"): {"size": 15},
    ("notch_filter", "min_frequency"): {"min_frequency": 0.1},
}


def _image():
    """Blobs about 20 pixels across with stripes of period 12 pixels: detail at two scales."""
    blobs = random_blobs((384, 384), seed=1, scale=10.0).astype(np.float64)
    stripes = 20 * np.sin(2 * np.pi * np.arange(384) / 12)
    return np.clip(np.rint(0.85 * blobs + stripes), 0, 255).astype(np.uint8)


IMAGE = _image()


def _distance(full, draft, factor):
    """Mean absolute difference between `draft` and `full` shrunk, as the page shows them.

    Displays, since a derivative per pixel grows as pixels grow and its display is stretched;
    masks as masks, and labels by how many objects they count (they are numbered in any order).
    """
    if full.output == "labels":
        return abs(full.data.max() - draft.data.max())
    if full.output == "mask":
        expected, got = shrink(full.data > 0, factor), draft.data > 0
    else:
        expected, got = shrink(full.image, factor), draft.image
    if expected.shape != got.shape:
        return np.inf
    return float(np.mean(np.abs(expected.astype(np.float64) - got.astype(np.float64))))


def test_every_parameter_in_pixels_has_a_case():
    declared = {
        (operation.name, spec.name)
        for operation in OPERATIONS.all()
        for spec in operation.params
        if spec.unit is not None
    }
    assert declared == set(CASES)


@pytest.mark.parametrize(("name", "param"), sorted(CASES))
def test_scaled_parameters_make_the_draft_look_like_the_full_result(name, param):
    steps = [{"name": name, "params": CASES[name, param]}]
    full = ndlab.run_pipeline(IMAGE, steps)
    small = shrink(IMAGE, 2)
    scaled = ndlab.run_pipeline(small, draft_steps(steps, 2))
    unscaled = ndlab.run_pipeline(small, steps)
    assert _distance(full, scaled, 2) < _distance(full, unscaled, 2)


@pytest.mark.parametrize("operation", OPERATIONS.all(), ids=lambda operation: operation.name)
@settings(max_examples=15, deadline=None)
@given(data=st.data(), factor=st.integers(2, MAX_FACTOR))
def test_scaled_parameters_are_valid_and_only_those_in_pixels_change(operation, data, factor):
    params = {}
    for spec in operation.params:
        if spec.type == "choice":
            params[spec.name] = data.draw(st.sampled_from(spec.choices))
        elif spec.type == "bool":
            params[spec.name] = data.draw(st.booleans())
        elif spec.min is not None and spec.max is not None:
            low, high = spec.min, spec.max
            drawn = st.integers(low, high) if spec.type == "int" else st.floats(low, high)
            params[spec.name] = data.draw(drawn)
    if operation.name == "threshold_local":
        params["block_size"] |= 1  # the function takes odd sizes only
    params = operation.validate(params)
    scaled = scale_params(operation, params, factor)
    assert operation.validate(scaled) == scaled
    for spec in operation.params:
        if spec.unit is None:
            assert scaled[spec.name] == params[spec.name]
        else:
            exact = params[spec.name] / factor ** UNITS[spec.unit]
            step = spec.step if spec.type == "int" else 0
            assert abs(scaled[spec.name] - exact) <= step / 2 or scaled[spec.name] in (
                spec.min,
                spec.max,
            )
    if operation.name == "threshold_local":
        assert scaled["block_size"] % 2 == 1


@pytest.mark.parametrize("operation", OPERATIONS.all(), ids=lambda operation: operation.name)
def test_every_operation_runs_as_a_draft_of_a_colour_image(operation):
    colour = np.stack([IMAGE, IMAGE[::-1], IMAGE[:, ::-1]], axis=-1)[:200, :260]
    steps = [{"name": operation.name, "params": {}}]
    small = shrink(colour, 3)
    assert small.shape == (66, 86, 3)
    assert ndlab.run_pipeline(small, draft_steps(steps, 3)).image.ndim in (2, 3)


def test_shrink_means_blocks_and_keeps_the_kind_of_input():
    image = np.arange(36, dtype=np.uint8).reshape(6, 6)
    expected = image[:6, :6].reshape(3, 2, 3, 2).mean(axis=(1, 3))
    assert np.array_equal(shrink(image, 2), np.rint(expected).astype(np.uint8))
    # the last 2 rows and columns are left out
    assert shrink(image.astype(float), 4).tolist() == [[10.5]]
    mask = np.zeros((4, 4), bool)
    mask[:2, :2] = mask[2, 2] = mask[3, 3] = True
    assert shrink(mask, 2).tolist() == [[True, False], [False, True]]


def test_the_factor_fits_the_budget_and_keeps_the_draft_large_enough():
    assert factor_for(None, (768, 1024)) == 1  # unknown: run at full size, which measures it
    assert factor_for(40.0, (768, 1024)) == 1
    assert factor_for(41.0, (768, 1024)) == 2
    assert factor_for(360.0, (768, 1024)) == 3
    assert factor_for(10_000.0, (768, 1024)) == MAX_FACTOR
    assert factor_for(10_000.0, (150, 1024)) == 2  # 75 rows left, not 37
