"""Public entry points: :func:`run` one operation, list the :func:`catalog`."""

import numpy as np  # noqa: F401 (the examples use it)

from . import __version__
from .pipeline import run_pipeline
from .registry import get_operation, operations
from .samples import SAMPLES


def run(name, image, /, **params):
    """Apply operation `name` to `image`.

    Parameters
    ----------
    name : str
        Operation name, see :func:`catalog`.
    image : array_like
        2-D (grey), H×W×3 (RGB) or H×W×4 (RGBA) array of any integer or
        float dtype on a 0–255 scale. Colour with identical R, G and B
        channels is treated as grey.
    **params
        Operation parameters; missing ones take their defaults. Integral
        floats such as ``3.0`` are accepted for integer parameters.

    Returns
    -------
    Result

    Raises
    ------
    ValueError
        For an unknown operation, an invalid parameter (the message names
        it and the value received) or an unusable image.

    Examples
    --------
    >>> result = run("gaussian_filter", np.zeros((4, 5), np.uint8), sigma=1)
    >>> result.image.shape, result.image.dtype, result.params
    ((4, 5), dtype('uint8'), {'sigma': 1.0})
    """
    return run_pipeline(image, [{"name": name, "params": params}], stretch=False)


def estimate_memory(name, shape, /, **params):
    """Return an upper estimate of the bytes :func:`run` allocates on an image of `shape`.

    Parameters
    ----------
    name : str
        Operation name.
    shape : tuple of int
        The image's shape: (H, W), (H, W, 3) or (H, W, 4).
    **params
        Operation parameters, as for :func:`run` (an enlarging zoom needs more).

    Returns
    -------
    int
        Bytes, from the factor declared with the operation (see
        :func:`ndlab.registry.operation`).

    Raises
    ------
    ValueError
        For an unknown operation or an invalid parameter.

    Examples
    --------
    >>> estimate_memory("gaussian_filter", (1000, 1000, 3)) / 1e6  # megabytes
    108.0
    """
    return get_operation(name).memory_bytes(tuple(shape), params)


def catalog():
    """Return the JSON-ready catalogue of operations and samples.

    Returns
    -------
    dict
        ``{"version", "operations": [...], "samples": [...]}``; operations
        are ordered by category, then declaration order.

    Examples
    --------
    >>> [op["name"] for op in catalog()["operations"]][:2]
    ['gaussian_filter', 'median_filter']
    """
    return {
        "version": __version__,
        "operations": [operation.to_dict() for operation in operations()],
        "samples": [
            {"name": name, "title": sample.title, "description": sample.description}
            for name, sample in SAMPLES.items()
        ],
    }
