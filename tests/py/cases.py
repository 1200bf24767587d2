"""Test images and operation names shared by the test modules.

They live here rather than in conftest.py so that ``from cases import ...``
cannot pick up another folder's conftest module.
"""

import numpy as np

import ndlab

OPERATION_NAMES = [operation["name"] for operation in ndlab.catalog()["operations"]]


def make_image(kind, shape=(24, 32), dtype=np.uint8, seed=0):
    """Return a test image: "grey" (2-D), "grey_rgba" (equal channels), "rgb" or "rgba".

    The picture is a bright disc on a gradient plus noise, so thresholds,
    edges and rotations all have something to act on.
    """
    rng = np.random.default_rng(seed)
    rows, cols = np.indices(shape)
    disc = (rows - shape[0] / 2) ** 2 + (cols - shape[1] / 2) ** 2 < (min(shape) / 3) ** 2
    base = 30 + 100 * cols / shape[1] + 100 * disc
    channels = [base + rng.normal(0, 10, shape) for _ in range(4)]
    channels[3] = rng.uniform(0, 255, shape)
    if kind == "grey":
        stack = channels[0]
    elif kind == "grey_rgba":
        stack = np.dstack([channels[0]] * 3 + [channels[3]])
    else:
        stack = np.dstack(channels[: len(kind)])
    return np.clip(np.rint(stack), 0, 255).astype(dtype)
