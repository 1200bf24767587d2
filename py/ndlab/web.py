"""The bridge called by the Pyodide worker: RGBA pixels in, RGBA pixels out.

Pixels cross the JavaScript/Python boundary as C-contiguous uint8 H×W×4
arrays; everything else travels as JSON strings, so the worker never needs to
convert Python objects.
"""

import json
from time import perf_counter

import numpy as np

from .api import catalog, run
from .convert import is_grey
from .samples import SAMPLES

#: Largest accepted image, in pixels (about 160 MB as RGBA).
MAX_PIXELS = 40_000_000

_HINTS = {
    ValueError: "Check the parameter values and try again.",
    MemoryError: (
        "The image is too large for the browser's memory; try a smaller image or downscale it."
    ),
    KeyboardInterrupt: "The operation was cancelled.",
}
_BUG_HINT = "This is a bug in ndlab; the page still works: try other parameters or report it."


def alloc(height, width):
    """Return an uninitialised (height, width, 4) uint8 array for the worker to fill.

    Raises
    ------
    ValueError
        If the image has more than :data:`MAX_PIXELS` pixels.
    """
    check_size(height, width)
    return np.empty((height, width, 4), np.uint8)


def check_size(height, width):
    """Raise ValueError if a height × width image exceeds :data:`MAX_PIXELS`."""
    if height * width > MAX_PIXELS:
        raise ValueError(
            f"the image has {height * width / 1e6:.1f} megapixels ({height}×{width}), "
            f"more than the {MAX_PIXELS / 1e6:g} megapixel limit; downscale it first"
        )


def canonical(rgba):
    """Return the smallest array equivalent to browser pixels `rgba`.

    Grey pixels (R = G = B) become a 2-D array; opaque colour drops its alpha
    channel. The result is what ``Result.code`` expects as ``image``, and
    matches what Pillow's ``convert("L")``, ``convert("RGB")`` or
    ``convert("RGBA")`` gives for the same picture.

    Examples
    --------
    >>> canonical(np.full((2, 2, 4), 255, np.uint8)).shape
    (2, 2)
    """
    if is_grey(rgba):
        return rgba[..., 0]
    if (rgba[..., 3] == 255).all():
        return rgba[..., :3]
    return rgba


def to_rgba(image):
    """Return a uint8 image as C-contiguous H×W×4; grey is copied to R, G and B.

    Missing alpha is set to 255 (opaque).
    """
    if image.ndim == 2:
        image = np.repeat(image[..., np.newaxis], 3, axis=2)
    if image.shape[2] == 3:
        opaque = np.full(image.shape[:2] + (1,), 255, np.uint8)
        image = np.concatenate([image, opaque], axis=2)
    return np.ascontiguousarray(image)


def run_rgba(name, rgba, params_json):
    """Run operation `name` on browser pixels; never raises.

    Parameters
    ----------
    name : str
        Operation name.
    rgba : (H, W, 4) ndarray of uint8
        Canvas pixels.
    params_json : str
        JSON object of parameters.

    Returns
    -------
    out : (H', W', 4) ndarray of uint8
        Result pixels, C-contiguous; shape (0, 0, 4) on error.
    meta : str
        JSON with ``name, params, output, info, code, shape, channels_in,
        timings`` or, on error, ``{"error": {"type", "message", "hint"}}``.
    """
    try:
        return _run_rgba(name, rgba, params_json)
    except (Exception, KeyboardInterrupt) as exc:
        hint = next((text for kind, text in _HINTS.items() if isinstance(exc, kind)), _BUG_HINT)
        error = {"type": type(exc).__name__, "message": str(exc), "hint": hint}
        return np.zeros((0, 0, 4), np.uint8), json.dumps({"error": error})


def _run_rgba(name, rgba, params_json):
    check_size(*rgba.shape[:2])
    params = json.loads(params_json)
    if not isinstance(params, dict):
        raise ValueError(f"parameters must be a JSON object, got {params_json!r}")
    started = perf_counter()
    image = canonical(rgba)
    convert_seconds = perf_counter() - started
    result = run(name, image, **params)
    started = perf_counter()
    out = to_rgba(result.image)
    convert_seconds += perf_counter() - started
    timings = dict(result.timings, convert_ms=result.timings["convert_ms"] + 1000 * convert_seconds)
    meta = {
        "name": result.name,
        "params": result.params,
        "output": result.output,
        "info": result.info,
        "code": result.code,
        "shape": list(result.image.shape[:2]),
        "channels_in": result.channels_in,
        "timings": timings,
    }
    return out, json.dumps(meta, allow_nan=False)


def sample_rgba(name):
    """Return sample `name` as C-contiguous (H, W, 4) uint8 pixels.

    Raises
    ------
    ValueError
        If there is no such sample.
    """
    if name not in SAMPLES:
        raise ValueError(f"unknown sample {name!r}; valid samples: {', '.join(SAMPLES)}")
    return to_rgba(SAMPLES[name].load())


def catalog_json():
    """Return :func:`ndlab.catalog` as a JSON string."""
    return json.dumps(catalog(), allow_nan=False)
