"""The bridge called by the Pyodide worker: RGBA pixels in, RGBA pixels out.

Pixels cross the JavaScript/Python boundary as C-contiguous uint8 H×W×4
arrays; files as bytes; everything else travels as JSON strings, so the
worker never needs to convert Python objects.
"""

import io
import json
import math
from time import perf_counter

import numpy as np
import scipy.io

from . import api
from .api import catalog, estimate_memory, run
from .convert import is_grey, rescale
from .registry import get_operation
from .samples import SAMPLES

#: Largest accepted image, in pixels (about 160 MB as RGBA).
MAX_PIXELS = 40_000_000

#: Bytes one run may allocate. Chromium lets Pyodide's WebAssembly memory grow to 4 GiB
#: (measured: NumPy allocations succeed until the heap reaches 4.28 GB), but Pyodide 0.27.7 gives
#: JavaScript array addresses as signed 32-bit numbers, so a result placed above 2 GiB cannot be
#: copied out ("Start offset -1483882968 is outside the bounds of the buffer"). Runs keep to the
#: lower 2 GiB, less 128 MiB for Python, NumPy and SciPy themselves (75 MB when ready).
MEMORY_LIMIT = 2**31 - 2**27

_HINTS = {
    ValueError: "Check the parameter values and try again.",
    MemoryError: (
        "The image is too large for the browser's memory: downscale it or use a smaller one."
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


class NotEnoughMemory(MemoryError):
    """An operation refused before running: it would need more than :data:`MEMORY_LIMIT`.

    Attributes
    ----------
    fit : float
        The scale of the image's width and height at which the run fits.
    """

    def __init__(self, message, fit):
        super().__init__(message)
        self.fit = fit


def check_memory(name, shape, params, held=0, kept=0):
    """Raise NotEnoughMemory if running `name` on an image of `shape` would not fit.

    Parameters
    ----------
    name : str
        Operation name.
    shape : tuple of int
        The image as the operation receives it.
    params : dict
        Its parameters.
    held : int
        Bytes the caller holds during the run, in proportion to the image's pixels.
    kept : int
        Bytes held during the run whatever the image.

    Raises
    ------
    NotEnoughMemory
        If :func:`ndlab.estimate_memory` plus `held` exceeds :data:`MEMORY_LIMIT`; the message
        says how much it needs and at what scale it fits.
    ValueError
        For an unknown operation or an invalid parameter.
    """
    scaled = estimate_memory(name, shape, **params) + held
    needed = scaled + kept
    if needed <= MEMORY_LIMIT:
        return
    # the estimate and `held` grow with the pixels, so with the square of the scale
    fit = math.floor(100 * math.sqrt(max(MEMORY_LIMIT - kept, 0) / scaled)) / 100
    kind = "grey" if len(shape) == 2 else "colour"
    raise NotEnoughMemory(
        f"{get_operation(name).title} on this {shape[1]}×{shape[0]} {kind} image would need about "
        f"{needed / 1e9:.1f} GB, more than the {MEMORY_LIMIT / 1e9:.1f} GB Python can use in "
        f"the browser; at {fit:.0%} of its width and height it fits",
        fit,
    )


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

    Examples
    --------
    >>> to_rgba(np.array([[7]], np.uint8))
    array([[[  7,   7,   7, 255]]], dtype=uint8)
    """
    out = np.empty((*image.shape[:2], 4), np.uint8)
    if image.ndim == 3 and image.shape[2] == 4 and image.flags.c_contiguous:
        out[...] = image
        return out
    # Compose whole pixels as little-endian uint32 (R in the low byte): a few
    # vectorised passes instead of slow byte-strided writes.
    pixels = out.view("<u4")[..., 0]
    if image.ndim == 2:
        np.multiply(image, np.uint32(0x010101), out=pixels, dtype=np.uint32)
    else:
        np.left_shift(image[..., 2], 16, out=pixels, dtype=np.uint32)
        pixels |= np.left_shift(image[..., 1], 8, dtype=np.uint32)
        pixels |= image[..., 0]
    if image.ndim == 3 and image.shape[2] == 4:
        pixels |= np.left_shift(image[..., 3], 24, dtype=np.uint32)
    else:
        pixels |= np.uint32(0xFF000000)
    return out


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
        return _error(exc)


def _error(exc):
    """Return the empty image and error JSON reported for `exc`."""
    hint = next((text for kind, text in _HINTS.items() if isinstance(exc, kind)), _BUG_HINT)
    # every MemoryError (refused in advance, or raised by an allocation) is one type for the page
    kind = "MemoryError" if isinstance(exc, MemoryError) else type(exc).__name__
    error = {"type": kind, "message": str(exc), "hint": hint}
    if isinstance(exc, NotEnoughMemory):
        error["fit"] = exc.fit
    return np.zeros((0, 0, 4), np.uint8), json.dumps({"error": error})


#: The last successful result of :func:`run_rgba`, for :func:`result_npy`.
_last_result = None


def _run_rgba(name, rgba, params_json):
    global _last_result

    check_size(*rgba.shape[:2])
    params = json.loads(params_json)
    if not isinstance(params, dict):
        raise ValueError(f"parameters must be a JSON object, got {params_json!r}")
    started = perf_counter()
    image = canonical(rgba)
    convert_seconds = perf_counter() - started
    # held meanwhile: the RGBA input and output, and the last result (kept for result_npy)
    last = 0 if _last_result is None else _last_result.data.nbytes + _last_result.image.nbytes
    check_memory(name, image.shape, params, held=2 * rgba.nbytes, kept=last)
    result = run(name, image, **params)
    _last_result = result
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


def pipeline_code(steps_json, rgba):
    """Return one script reproducing a chain of page runs on browser pixels `rgba`.

    Parameters
    ----------
    steps_json : str
        JSON array of steps, each ``[name, params]`` or ``{"name": ...,
        "params": {...}}``.
    rgba : (H, W, 4) ndarray of uint8
        Pixels given to the first step.

    Returns
    -------
    str
        The script of :func:`ndlab.pipeline_code` for ``canonical(rgba)``,
        each step receiving what the page gives it: the previous step's RGBA
        display, reduced as by :func:`run_rgba` (grey to 2-D, opaque colour
        to RGB), the script doing the same to ``result``.

    Raises
    ------
    ValueError
        If the JSON is malformed or a step fails; the steps are run again to
        find each one's input layout.
    """
    check_size(*rgba.shape[:2])
    items = json.loads(steps_json)
    if not isinstance(items, list):
        raise ValueError(f"steps must be a JSON array, got {steps_json!r}")
    steps = [
        (item.get("name"), item.get("params", {})) if isinstance(item, dict) else item
        for item in items
    ]
    return api.pipeline_code(steps, canonical(rgba), adapt=_as_page_passes_on)


def _as_page_passes_on(image):
    """Return what the page hands the next step for display `image`, and the script lines."""
    passed = canonical(to_rgba(image))
    if passed.shape == image.shape:
        return image, []
    if passed.ndim == 2:
        comment = "# The page passes equal colour channels on as grey."
        return passed, [comment, "result = result[..., 0]"]
    return passed, ["# The page passes an opaque result on as RGB.", "result = result[..., :3]"]


def result_npy():
    """Return the ``.npy`` file bytes of the last :func:`run_rgba` result's data.

    The array is ``Result.data``: float64 values before rounding, bool for
    masks, integers for labels; H×W×4 for colour with alpha.

    Raises
    ------
    ValueError
        If no operation has succeeded yet.
    """
    if _last_result is None:
        raise ValueError("there is no result yet; run an operation first")
    buffer = io.BytesIO()
    np.save(buffer, _last_result.data, allow_pickle=False)
    return buffer.getvalue()


def read_array(data, filename, variable=""):
    """Open a NumPy or MATLAB array file as browser pixels; never raises.

    Parameters
    ----------
    data : bytes-like
        File contents.
    filename : str
        Its name; the extension picks the format: ``.npy`` (one array),
        ``.npz`` (NumPy archive) or ``.mat`` (MATLAB up to v7, read with
        ``scipy.io.loadmat``). Pickled Python objects are never loaded.
    variable : str
        Array to open from a ``.npz`` or ``.mat`` file; "" opens the first
        usable one.

    Returns
    -------
    out : (H, W, 4) ndarray of uint8
        The array as pixels: 2-D is grey, H×W×3 and H×W×4 colour (H×W×1 is
        grey). uint8 is shown as is, bool as 0 and 255, other numbers
        stretched linearly from their minimum and maximum to 0–255 (NaN and
        infinities shown black). Shape (0, 0, 4) on error.
    meta : str
        JSON with ``variables`` (usable arrays of the file, [] for .npy),
        ``variable`` (the one opened, null for .npy), ``shape``, ``dtype``,
        ``scaled`` (whether values were stretched) and ``range`` (the
        minimum and maximum that became 0 and 255, or null); on error
        ``{"error": {"type", "message", "hint"}}``.
    """
    try:
        return _read_array(bytes(data), filename, variable)
    except (Exception, KeyboardInterrupt) as exc:
        return _error(exc)


def _read_array(data, filename, variable):
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if extension == "npy":
        variables, name = [], None
        array = _load_npy(data, filename)
        _check_usable(array, filename)
    elif extension in ("npz", "mat"):
        arrays = _load_npz(data, filename) if extension == "npz" else _load_mat(data, filename)
        variables = [key for key, value in arrays.items() if _usable(value)]
        if not variables:
            found = ", ".join(f"{key} {_describe(value)}" for key, value in arrays.items())
            raise ValueError(
                f"{filename} holds no numeric 2-D or 3-D array; found: {found or 'nothing'}"
            )
        name = variable or variables[0]
        if name not in variables:
            raise ValueError(
                f"{filename} has no usable variable {name!r}; usable: {', '.join(variables)}"
            )
        array = arrays[name]
    else:
        raise ValueError(f"can open .npy, .npz and .mat arrays, got {filename!r}")
    check_size(*array.shape[:2])
    pixels, value_range = _display(array)
    meta = {
        "variables": variables,
        "variable": name,
        "shape": list(array.shape),
        "dtype": str(array.dtype),
        "scaled": value_range is not None,
        "range": value_range,
    }
    return to_rgba(pixels), json.dumps(meta, allow_nan=False)


def _load_npy(data, filename):
    try:
        return np.load(io.BytesIO(data), allow_pickle=False)
    except ValueError as exc:
        if "Object arrays" in str(exc):
            raise ValueError(
                f"{filename} holds Python objects (dtype object), which are not loaded "
                "for safety; save a numeric array instead"
            ) from None
        raise ValueError(f"{filename} is not a readable .npy file: {exc}") from None


def _load_npz(data, filename):
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            return {key: _load_member(archive, key) for key in archive.files}
    except Exception as exc:  # a damaged file can fail anywhere in the parser
        raise ValueError(f"{filename} is not a readable .npz file: {exc}") from None


def _load_member(archive, key):
    try:
        return archive[key]
    except ValueError:
        return None  # an object array: listed as unusable


def _load_mat(data, filename):
    try:
        contents = scipy.io.loadmat(io.BytesIO(data))
    except NotImplementedError:
        raise ValueError(
            f"{filename} is a MATLAB v7.3 (HDF5) file; save it with save(..., '-v7')"
        ) from None
    except Exception as exc:  # a damaged file can fail anywhere in the parser
        raise ValueError(f"{filename} is not a readable .mat file: {exc}") from None
    return {key: value for key, value in contents.items() if not key.startswith("__")}


def _usable(value):
    return (
        isinstance(value, np.ndarray)
        and value.dtype.kind in "biuf"
        and value.size > 0
        and (value.ndim == 2 or (value.ndim == 3 and value.shape[2] in (1, 3, 4)))
    )


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"({'×'.join(map(str, value.shape))} {value.dtype})"
    return "(not an array)"


def _check_usable(array, filename):
    if not _usable(array):
        raise ValueError(
            f"{filename} must hold a non-empty 2-D, H×W×3 or H×W×4 array of numbers, "
            f"got {_describe(array)}"
        )


def _display(array):
    """Return `array` as uint8 pixels and the [min, max] stretched to 0–255 (or None)."""
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    if array.dtype == np.uint8:
        return np.ascontiguousarray(array), None
    if array.dtype == bool:
        return np.where(array, np.uint8(255), np.uint8(0)), None
    values = array.astype(np.float64)
    finite = np.isfinite(values)
    if not finite.any():
        return np.zeros(array.shape, np.uint8), None
    low, high = float(values[finite].min()), float(values[finite].max())
    values[~finite] = low
    pixels = rescale(values)
    pixels[~finite] = 0
    return pixels, [low, high]
