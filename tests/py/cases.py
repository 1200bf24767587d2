"""Test images, operation names and the worker's way into Python, shared by the test modules.

They live here rather than in conftest.py so that ``from cases import ...``
cannot pick up another folder's conftest module.
"""

import json

import numpy as np

import ndlab
from ndlab.bridge import jobs

OPERATION_NAMES = [operation["name"] for operation in ndlab.catalog()["operations"]]
# How each operation's result is mapped to 8 bits, written here rather than read from the result
# under test (clip: round and clip; rescale: stretch min..max; mask: 0/255; labels: colours)
OUTPUT_KINDS = {
    "gaussian_filter": "clip",
    "median_filter": "clip",
    "uniform_filter": "clip",
    "wiener": "clip",
    "unsharp_mask": "clip",
    "sobel": "rescale",
    "prewitt": "rescale",
    "laplace": "rescale",
    "gaussian_gradient_magnitude": "rescale",
    "gaussian_laplace": "rescale",
    "gaussian_noise": "clip",
    "salt_and_pepper": "clip",
    "periodic_noise": "clip",
    "rotate": "clip",
    "zoom": "clip",
    "shift": "clip",
    "crop": "clip",
    "flip": "clip",
    "affine_transform": "clip",
    "threshold_otsu": "mask",
    "threshold_global": "mask",
    "threshold_local": "mask",
    "binary_erosion": "mask",
    "binary_dilation": "mask",
    "binary_opening": "mask",
    "binary_closing": "mask",
    "fill_holes": "mask",
    "grey_erosion": "clip",
    "grey_dilation": "clip",
    "grey_opening": "clip",
    "grey_closing": "clip",
    "white_tophat": "rescale",
    "black_tophat": "rescale",
    "morphological_gradient": "rescale",
    "equalize_hist": "clip",
    "contrast_stretch": "clip",
    "adjust_gamma": "clip",
    "kmeans_colours": "clip",
    "label": "labels",
    "remove_small_objects": "mask",
    "watershed": "labels",
    "fourier_spectrum": "rescale",
    "fourier_lowpass": "clip",
    "notch_filter": "clip",
    "svd_approximation": "clip",
    "rgb_to_grey": "clip",
    "split_channel": "clip",
    "local_std": "rescale",
}


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


def call_job(kind, buffer=None, progress=None, **request):
    """Run job `kind` as the worker does (:func:`ndlab.bridge.jobs.call`, with the request's
    fields as JSON); return its reply, parsed, and its buffers."""
    reply, buffers = jobs.call(kind, json.dumps(request), buffer, progress)
    return json.loads(reply), buffers
