"""The bridge called by the Pyodide worker: inputs kept here, pipelines run here, pixels out.

An input (canvas pixels, or the array of a ``.npy``, ``.npz`` or ``.mat``
file) is loaded once and kept under an id; pipelines run on it in full
precision through one :class:`ndlab.pipeline.Cache`, and only the last
step's display crosses back. Pixels cross the JavaScript/Python boundary as
C-contiguous uint8 H×W×4 arrays; files as bytes; everything else travels as
JSON strings, so the worker never needs to convert Python objects.
"""

import contextlib
import io
import itertools
import json
import math
from pathlib import Path
from time import perf_counter

import numpy as np

from .api import catalog, estimate_memory
from .convert import rescale
from .dask_export import dask_notes, dask_script
from .draft import MAX_FACTOR, draft_steps, factor_for, shrink
from .pipeline import Cache, normalise_steps, prefixes, run_pipeline
from .reading import canonical, checked_array, read_array_file
from .registry import get_operation
from .samples import SAMPLES
from .usercode import describe, run_code

#: Largest accepted image, in pixels (about 160 MB as RGBA).
MAX_PIXELS = 40_000_000

#: Bytes one run may allocate. Chromium lets Pyodide's WebAssembly memory grow to 4 GiB
#: (measured: NumPy allocations succeed until the heap reaches 4.28 GB), but Pyodide 0.27.7 gives
#: JavaScript array addresses as signed 32-bit numbers, so a result placed above 2 GiB cannot be
#: copied out ("Start offset -1483882968 is outside the bounds of the buffer"). Runs keep to the
#: lower 2 GiB, less 128 MiB for Python, NumPy and SciPy themselves (75 MB when ready).
MEMORY_LIMIT = 2**31 - 2**27

#: Bytes of step results kept between runs, so that editing the last step reruns only it: a
#: quarter of what Python may use, room for the four float64 steps of a 10-megapixel photograph
#: in colour. A run that needs more memory first empties the cache.
CACHE_BYTES = 2**29

#: The chapter's data files, where learners' code runs so that it finds them by name (the same
#: folder as ndlab.labs.data.DATA_DIR, named here so that running code does not import the labs).
CHAPTER_FILES = Path(__file__).resolve().parent / "data"

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


def _error(exc):
    """Return the empty image and error JSON reported for `exc`."""
    hint = next((text for kind, text in _HINTS.items() if isinstance(exc, kind)), _BUG_HINT)
    # every MemoryError (refused in advance, or raised by an allocation) is one type for the page
    kind = "MemoryError" if isinstance(exc, MemoryError) else type(exc).__name__
    error = {"type": kind, "message": str(exc), "hint": hint}
    if isinstance(exc, NotEnoughMemory):
        error["fit"] = exc.fit
    return np.zeros((0, 0, 4), np.uint8), json.dumps({"error": error})


class UnknownInput(LookupError):
    """A run names an input this Python does not hold (released, or loaded by another worker)."""


#: The inputs loaded, by id: the arrays pipelines start from.
_inputs = {}
_ids = itertools.count(1)
#: Step results of every input (the inputs' own bytes count against the memory limit too).
_cache = Cache(CACHE_BYTES)
#: What computing each step last cost at full size, in ms, by (input, position, operation), and
#: making the display of a result by (input, None, None): what a preview would cost.
_costs = {}
#: Each input shrunk for drafts, by (input, factor).
_drafts = {}


def _keep(array, file=None):
    """Keep `array` as an input, read from `file` ``(name, variable)`` if given; return its id."""
    input_id = next(_ids)
    _inputs[input_id] = (np.ascontiguousarray(array), file)
    return input_id


def load_pixels(rgba):
    """Keep browser pixels as an input (grey as 2-D, opaque colour as RGB); never raises.

    Returns
    -------
    str
        JSON ``{"input": id, "shape", "dtype"}``, or ``{"error": ...}``.
    """
    try:
        check_size(*rgba.shape[:2])
        image = canonical(rgba)
        meta = {"input": _keep(image), "shape": list(image.shape), "dtype": str(image.dtype)}
        return json.dumps(meta)
    except (Exception, KeyboardInterrupt) as exc:
        return _error(exc)[1]


def release(input_id):
    """Forget input `input_id` and its step results (nothing if unknown)."""
    _inputs.pop(input_id, None)
    _cache.forget_input(input_id)
    for factor in range(2, MAX_FACTOR + 1):
        _cache.forget_input((input_id, factor))
        _drafts.pop((input_id, factor), None)
    for key in [key for key in _costs if key[0] == input_id]:
        del _costs[key]


def run_steps(input_id, steps_json, values=False, histogram=True, preview=False):
    """Run a pipeline on input `input_id`, reusing cached steps; never raises.

    Parameters
    ----------
    input_id : int
        An id from :func:`load_pixels` or :func:`read_array`.
    steps_json : str
        JSON array of ``{"name", "params"}``.
    values : bool
        Also return the last array's values as float32, to read them under
        the cursor (images only; masks and labels read from their pixels).
    histogram : bool
        Count the last array's values (images only). A slider preview
        leaves it out: counting costs about a third of the conversion.
    preview : bool
        A slider preview: when the steps to compute took longer than
        :data:`ndlab.draft.BUDGET_MS` at full size, run a draft on a copy k
        times smaller instead (``draft`` in the meta is k, with the
        ``display_shape`` to show it at and no ``code``).

    Returns
    -------
    out : (H', W', 4) ndarray of uint8
        The last step's display, C-contiguous; shape (0, 0, 4) on error.
    meta : str
        JSON with ``name, params, output, returns, info, infos`` (one per
        step), ``code, shape, dtype, range, histogram, channels_in,
        timings, draft`` or, on error, ``{"error": {"type", "message",
        "hint"}}``.
    values : ndarray of float32 or None
        When asked for and the result is an image: its values.
    """
    try:
        return _run_steps(input_id, steps_json, values, histogram, preview)
    except (Exception, KeyboardInterrupt) as exc:
        return (*_error(exc), None)


def _input(input_id):
    if input_id not in _inputs:
        raise UnknownInput(f"input {input_id} is not loaded in this Python; load it again")
    return _inputs[input_id]  # (array, file)


def _steps(steps_json):
    steps = json.loads(steps_json)
    if not isinstance(steps, list):
        raise ValueError(f"steps must be a JSON array, got {steps_json!r}")
    return steps


def _run_steps(input_id, steps_json, want_values, want_histogram, preview):
    started = perf_counter()
    image, file = _input(input_id)
    steps = _steps(steps_json)
    factor = factor_for(_cost(input_id, steps), image.shape) if preview else 1
    inputs_bytes = sum(array.nbytes for array, _ in _inputs.values())

    def before(operation, shape, params):
        # held during the step: its display, copied out; kept: the inputs and cached results
        held = 2 * 4 * shape[0] * shape[1]
        try:
            check_memory(operation.name, shape, params, held, inputs_bytes + _cache.nbytes)
        except NotEnoughMemory:
            _cache.trim(0)
            check_memory(operation.name, shape, params, held, inputs_bytes)

    if factor == 1:
        result = run_pipeline(image, steps, cache=_cache, key=input_id, before=before, file=file)
    else:
        small = _drafts.get((input_id, factor))
        if small is None:
            small = _drafts[input_id, factor] = shrink(image, factor)
        draft = draft_steps(steps, factor)
        stretch = image.dtype != np.uint8  # as the full run displays it
        key = (input_id, factor)
        result = run_pipeline(small, draft, cache=_cache, key=key, before=before, stretch=stretch)
    finishing = perf_counter()
    out = to_rgba(result.image)
    data = result.data
    returns = get_operation(result.name).returns
    value_range = [float(data.min()), float(data.max())]
    counted = want_histogram and returns == "image"
    meta = {
        "name": result.name,
        "params": result.params,
        "output": result.output,
        "returns": returns,
        "info": result.info,
        "infos": [outcome.info for outcome in result.steps],
        "code": result.code,
        "shape": list(data.shape),
        "dtype": str(data.dtype),
        "range": value_range,
        "histogram": histogram(data, value_range=value_range) if counted else None,
        "channels_in": result.channels_in,
    }
    values = np.ascontiguousarray(data, np.float32) if want_values and returns == "image" else None
    convert_ms = result.timings["convert_ms"] + 1000 * (perf_counter() - finishing)
    meta["timings"] = dict(result.timings, convert_ms=convert_ms)
    meta["draft"] = factor
    if factor == 1:
        _record_costs(input_id, result, 1000 * (perf_counter() - started))
    else:
        meta["code"] = None  # the code of the full run comes with it
        # the input's size when the steps keep the size, else the draft's enlarged
        same = result.data.shape[:2] == small.shape[:2]
        shape = image.shape[:2] if same else np.multiply(out.shape[:2], factor)
        meta["display_shape"] = [int(n) for n in shape]
    return out, json.dumps(meta, allow_nan=False), values


def _cost(input_id, steps):
    """What running `steps` at full size would cost now, in ms, from earlier runs (None: unknown).

    The steps whose results the cache holds cost nothing; the others what they last cost at their
    position, and the display what it last cost.
    """
    normalised = normalise_steps(steps)
    total = _costs.get((input_id, None, None))
    keyed = zip(normalised, prefixes(normalised), strict=True)
    for position, ((operation, _), prefix) in enumerate(keyed):
        if _cache.holds((input_id, prefix)):
            continue
        cost = _costs.get((input_id, position, operation.name))
        total = None if cost is None or total is None else total + cost
    return total


def _record_costs(input_id, result, total_ms):
    """Keep what each step computed in `result` and its display cost, for :func:`_cost`."""
    computed = 0.0
    timed = zip(result.steps, result.timings["steps"], strict=True)
    for position, (outcome, timing) in enumerate(timed):
        if not timing["reused"]:
            cost = outcome.compute_ms + outcome.convert_ms
            _costs[input_id, position, timing["name"]] = cost
            computed += cost
    _costs[input_id, None, None] = max(0.0, total_ms - computed)


def missing_chapter_files(code):
    """Return the paths of the chapter's pictures that `code` names and the data folder lacks.

    The wheel holds the chapter's images decoded (``MV_HFV_012.jpg.npy``), for the labs; a
    learner's script opens the picture itself, so the worker fetches it into the folder first.

    Examples
    --------
    >>> [Path(p).name for p in missing_chapter_files("Image.open('MV_HFV_012.jpg')")]
    ['MV_HFV_012.jpg']
    >>> missing_chapter_files("np.loadtxt('populations.txt')")
    []
    """
    pictures = sorted(path.name.removesuffix(".npy") for path in CHAPTER_FILES.glob("*.*.npy"))
    return [
        str(CHAPTER_FILES / name)
        for name in pictures
        if name in code and not (CHAPTER_FILES / name).exists()
    ]


def run_user_code(input_id, code, data_json="null"):
    """Run a learner's code with ``image`` bound to input `input_id`'s array; never raises.

    The code runs in the folder of the chapter's data files (:data:`CHAPTER_FILES`), so that a
    lab's script finds them by name as it would beside them.

    Parameters
    ----------
    input_id : int or None
        An id from :func:`load_pixels` or :func:`read_array`; None binds ``image`` to None.
    code : str
        The code (see :func:`ndlab.usercode.run_code`).
    data_json : str
        JSON bound to ``data``: a table given to a lab as text (bound as the float array
        :func:`ndlab.labs.data.parse_table` reads from it), a list of rows, or null for none.

    Returns
    -------
    out : (H, W, 4) ndarray of uint8
        The display of ``result``; shape (0, 0, 4) when it is not an image.
    meta : str
        JSON ``{stdout, stderr, user_error, result}``: `user_error` is the code's own error
        ``{type, message, line, traceback}`` or null; `result` describes ``result`` as
        :func:`run_steps` does (``output, returns, shape, dtype, range, histogram``), or
        ``{"repr"}`` when it is not an image, or null. On ndlab's own failure (or a cancel),
        ``{"error": {"type", "message", "hint"}}`` as the other calls.
    values : ndarray of float32 or None
        ``result``'s values, when it is an image.
    npy : bytes or None
        ``result`` as a ``.npy`` file, when it is an image.
    figures : list of bytes
        The figures drawn with matplotlib, as PNG files.
    """
    try:
        image = None if input_id is None else _input(input_id)[0]
        data = json.loads(data_json)
        if isinstance(data, str):
            from .labs.data import parse_table  # the labs are imported by then

            data = np.array(parse_table(data))
        elif data is not None:
            data = np.array(data, dtype=np.float64)
        here = CHAPTER_FILES if CHAPTER_FILES.is_dir() else "."
        with contextlib.chdir(here):
            outcome = run_code(code, image=image, data=data)
    except (Exception, KeyboardInterrupt) as exc:
        return (*_error(exc), None, None, [])
    meta = {"stdout": outcome.stdout, "stderr": outcome.stderr, "user_error": outcome.error}
    if outcome.picture is None:
        meta["result"] = None if outcome.result is None else {"repr": describe(outcome.result)}
        return np.zeros((0, 0, 4), np.uint8), json.dumps(meta), None, None, outcome.figures
    data = np.asarray(outcome.result)
    meta["result"] = {
        "output": outcome.output,
        "returns": "mask" if outcome.output == "mask" else "image",
        "shape": list(data.shape),
        "dtype": str(data.dtype),
        "range": [float(data.min()), float(data.max())],
        "histogram": histogram(data) if outcome.output != "mask" else None,
    }
    buffer = io.BytesIO()
    np.save(buffer, data, allow_pickle=False)
    values = np.ascontiguousarray(data, np.float32) if outcome.output != "mask" else None
    return to_rgba(outcome.picture), json.dumps(meta), values, buffer.getvalue(), outcome.figures


def histogram(data, bins=256, value_range=None):
    """Return the counts of `data`'s values in `bins` equal bins over its range, per channel.

    Value v is counted in bin ``floor((v - min) / (max - min) * bins)``, the
    maximum in the last bin: the bins of ``np.histogram`` except for values
    within rounding of an edge, and four times faster in the page (one
    bincount for all channels, without np.histogram's checks at each edge).

    Parameters
    ----------
    data : ndarray
        2-D, or H×W×C (the first three channels are counted).
    bins : int
        Number of bins.
    value_range : (float, float), optional
        ``(data.min(), data.max())`` when the caller has it already.

    Examples
    --------
    >>> histogram(np.array([[0.0, 0.5], [1.0, 1.0]]), bins=2)
    {'range': [0.0, 1.0], 'counts': [[1, 3]]}
    """
    low, high = value_range or (float(data.min()), float(data.max()))
    channels = 1 if data.ndim == 2 else min(3, data.shape[2])
    scaled = np.subtract(data if data.ndim == 2 else data[..., :channels], low, dtype=np.float64)
    scaled *= bins / (high - low) if high > low else 0.0
    index = scaled.astype(np.intp)
    np.minimum(index, bins - 1, out=index)
    if channels > 1:
        index += np.arange(channels) * bins  # one set of bins per channel, counted at once
    # in memory order: a colour result's channels are planes, and the bins already tell them apart
    counts = np.bincount(index.ravel(order="K"), minlength=channels * bins)
    counts = counts.reshape(channels, bins)
    return {"range": [low, high], "counts": counts.tolist()}


def step_npy(input_id, steps_json):
    """Return the ``.npy`` bytes of the pipeline's last array, from the cache when it holds it.

    The array is the full-precision result: float64 values, bool for a
    mask, integers for labels; H×W×4 for colour with alpha.

    Raises
    ------
    ValueError
        If a step fails.
    UnknownInput
        If the input is not loaded.
    """
    image, file = _input(input_id)
    result = run_pipeline(image, _steps(steps_json), cache=_cache, key=input_id, file=file)
    buffer = io.BytesIO()
    np.save(buffer, result.data, allow_pickle=False)
    return buffer.getvalue()


def dask_export(steps_json):
    """Return the pipeline's Dask script and the notes on steps run whole, as JSON.

    ``{"script": str, "notes": [str, ...]}``, see :func:`ndlab.dask_script`.

    Raises
    ------
    ValueError
        If a step is invalid.
    """
    steps = _steps(steps_json)
    return json.dumps({"script": dask_script(steps), "notes": dask_notes(steps)})


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


def read_array(data, filename, variable=""):
    """Open a NumPy or MATLAB array file: keep its array as an input, show it; never raises.

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
        ``scaled`` (whether values were stretched), ``range`` (the
        minimum and maximum that became 0 and 255, or null) and ``input``,
        the id pipelines run on (null, with ``problem`` saying why, for an
        array that operations cannot take, such as one with NaN); on error
        ``{"error": {"type", "message", "hint"}}``.
    """
    try:
        return _read_array(bytes(data), filename, variable)
    except (Exception, KeyboardInterrupt) as exc:
        return _error(exc)


def _read_array(data, filename, variable):
    array, variables, name = read_array_file(data, filename, variable)
    check_size(*array.shape[:2])
    pixels, value_range = _display(array)
    meta = {
        "variables": variables,
        "variable": name,
        "shape": list(array.shape),
        "dtype": str(array.dtype),
        "scaled": value_range is not None,
        "range": value_range,
        "input": None,
    }
    try:
        meta["input"] = _keep(checked_array(array, filename), (filename, name))
    except ValueError as exc:
        meta["problem"] = str(exc)
    return to_rgba(pixels), json.dumps(meta, allow_nan=False)


def _display(array):
    """Return `array` as uint8 pixels and the [min, max] stretched to 0–255 (or None)."""
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
