"""Drafts: a pipeline run on a copy of its input k times smaller, to preview a slider as it moves.

A preview must come back within a frame or two, and a full-size run of a slow
step does not (a Gaussian blur of a colour photograph takes a few hundred
milliseconds in the page). A draft shrinks the input by block means, divides
every parameter measured in pixels (:attr:`ndlab.registry.Param.unit`) by k,
so that the draft looks like the full result shrunk, and runs the same
operations on it. The page shows the draft enlarged while the slider moves and
runs the exact pipeline at full size when it is let go.
"""

import math

import numpy as np

from .pipeline import normalise_steps
from .registry import UNITS

#: What a preview may cost in Python, in milliseconds: with the transfer and the painting,
#: about 15 previews a second.
BUDGET_MS = 40.0
#: The most a draft shrinks: smaller drafts lose the detail a learner is looking at.
MAX_FACTOR = 4
#: A draft keeps at least this many pixels on the image's shorter side.
MIN_SIDE = 64


def factor_for(cost_ms, shape, budget_ms=BUDGET_MS):
    """Return the factor k (1: full size) by which to shrink a run expected to cost `cost_ms`.

    A run's cost grows with its pixels, so a draft k times smaller costs
    about cost / k²: k is the smallest that fits `budget_ms`, at most
    :data:`MAX_FACTOR`, and keeps :data:`MIN_SIDE` pixels on the shorter side.
    An unknown cost (None) runs at full size, which measures it.

    Examples
    --------
    >>> factor_for(30.0, (768, 1024)), factor_for(300.0, (768, 1024)), factor_for(300.0, (100, 90))
    (1, 3, 1)
    """
    if cost_ms is None or cost_ms <= budget_ms:
        return 1
    factor = math.ceil(math.sqrt(cost_ms / budget_ms))
    return max(1, min(factor, MAX_FACTOR, min(shape[:2]) // MIN_SIDE))


def shrink(image, factor):
    """Return `image` `factor` times smaller: each factor × factor block becomes its mean.

    uint8 means are rounded back to uint8 and boolean ones become their
    majority, so the draft's steps see the same kind of input as the full
    run. Rows and columns past the last whole block are left out.

    Examples
    --------
    >>> shrink(np.array([[0, 2, 9], [4, 6, 9]], np.uint8), 2)
    array([[3]], dtype=uint8)
    """
    if factor == 1:
        return image
    rows, cols = (n // factor * factor for n in image.shape[:2])
    blocks = image[:rows, :cols].reshape(
        rows // factor, factor, cols // factor, factor, *image.shape[2:]
    )
    means = blocks.mean(axis=(1, 3))
    if image.dtype == bool:
        return means >= 0.5
    return np.rint(means).astype(np.uint8) if image.dtype == np.uint8 else means


def scale_params(operation, params, factor):
    """Return `params` of `operation` for a draft `factor` times smaller than the image.

    Each parameter with a unit is divided by ``factor ** power`` (lengths in
    pixels by k, areas by k², frequencies in cycles per pixel by 1/k); an
    integer is then rounded to its step counted from its minimum (an odd
    size stays odd), and every value kept within its range.

    Examples
    --------
    >>> from ndlab.registry import get_operation
    >>> scale_params(get_operation("threshold_local"), {"block_size": 35}, 3)["block_size"]
    11
    """
    scaled = operation.validate(params)
    for spec in operation.params:
        if spec.unit is None:
            continue
        value = scaled[spec.name] / factor ** UNITS[spec.unit]
        if spec.type == "int":
            base, step = spec.min or 0, spec.step or 1
            value = base + step * round((value - base) / step)
        if spec.min is not None:
            value = max(spec.min, value)
        if spec.max is not None:
            value = min(spec.max, value)
        scaled[spec.name] = int(value) if spec.type == "int" else float(value)
    return scaled


def draft_steps(steps, factor):
    """Return `steps` (as :func:`ndlab.run_pipeline` takes them) with their parameters scaled.

    Examples
    --------
    >>> draft_steps([{"name": "gaussian_filter", "params": {"sigma": 4}}], 2)
    [{'name': 'gaussian_filter', 'params': {'sigma': 2.0}}]
    """
    return [
        {"name": operation.name, "params": scale_params(operation, params, factor)}
        for operation, params in normalise_steps(steps)
    ]
