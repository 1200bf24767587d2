"""Pipelines: steps applied in turn to full-precision arrays, cached by prefix, written as code.

Each step receives the previous step's array as it is — float values, a
boolean mask or integer labels — never a picture of it; only the last array
is mapped to uint8 for display. Results are kept in a :class:`Cache` keyed by
the input and the steps so far, so editing step k recomputes steps k and
after only. The script of a pipeline is written from the record of the steps
as they ran (:mod:`ndlab.codegen`), with no second run.
"""

import json
from collections import OrderedDict
from dataclasses import dataclass
from time import perf_counter

import numpy as np

from . import interrupt
from .codegen import Step, loading_comment, script
from .convert import MAPPINGS, channel_layout, check_image, clip, rgb_to_grey
from .plan import measures_input, route
from .registry import get_operation


@dataclass(frozen=True, eq=False)
class Result:
    """The outcome of :func:`run_pipeline` (and of :func:`ndlab.run`, a pipeline of one step).

    Attributes
    ----------
    name : str
        The last step's operation.
    image : ndarray of uint8
        Display picture of the last step: 2-D for single-channel results,
        H×W×3 or H×W×4 for colour (a label image is painted H×W×3).
    data : ndarray
        The last step's array in full precision: float64, bool for a mask,
        int for labels.
    output : {"clip", "rescale", "mask", "labels"}
        Mapping used to get `image` from `data`.
    info : dict
        Extra values the last step reported, else empty. JSON-ready:
        scalars or lists under their own keys, and optionally a measurement
        table ``info["table"] = {"columns": [...], "rows": [[...], ...]}``.
    params : dict
        The last step's complete validated parameters.
    code : str
        Standalone NumPy/SciPy script computing every step from ``image``
        and the displayed picture as ``result``.
    channels_in : {"grey", "rgb", "rgba"}
        How the last step's input was interpreted.
    timings : dict
        ``compute_ms`` and ``convert_ms`` summed over the steps computed,
        and ``steps``: ``[{"name", "reused", "compute_ms"}]``.
    steps : tuple of Outcome
        Every step's array and info.
    """

    name: str
    image: np.ndarray
    data: np.ndarray
    output: str
    info: dict
    params: dict
    code: str
    channels_in: str
    timings: dict
    steps: tuple = ()


@dataclass(frozen=True, eq=False)
class Outcome:
    """One step's array, what it reported and how it ran (what the cache keeps).

    Attributes
    ----------
    data : ndarray
        The step's array.
    info : dict
        What it reported.
    step : ndlab.codegen.Step
        The record that exported code is written from.
    compute_ms, convert_ms : float
        Time in the operation, and converting its input and output.
    """

    data: np.ndarray
    info: dict
    step: Step
    compute_ms: float
    convert_ms: float

    @property
    def nbytes(self):
        return self.data.nbytes


class Cache:
    """Step outcomes by input and steps so far, least recently used out first.

    Parameters
    ----------
    limit : int
        The most bytes of arrays kept.

    Examples
    --------
    >>> cache = Cache(limit=10**8)
    >>> image = np.zeros((50, 60), np.uint8)
    >>> steps = [{"name": "gaussian_filter", "params": {"sigma": 1}}, {"name": "sobel"}]
    >>> first = run_pipeline(image, steps, cache=cache, key="zeros")
    >>> steps[1] = {"name": "laplace"}
    >>> [s["reused"] for s in run_pipeline(image, steps, cache=cache, key="zeros").timings["steps"]]
    [True, False]
    """

    def __init__(self, limit):
        self.limit = limit
        self._entries = OrderedDict()
        self.nbytes = 0

    def get(self, key):
        """Return the outcome stored under `key` (now the most recently used), or None."""
        outcome = self._entries.get(key)
        if outcome is not None:
            self._entries.move_to_end(key)
        return outcome

    def holds(self, key):
        """Whether an outcome is stored under `key` (without making it recently used)."""
        return key in self._entries

    def put(self, key, outcome):
        """Store `outcome`, then drop the least recently used until within the limit."""
        self.discard(key)
        self._entries[key] = outcome
        self.nbytes += outcome.nbytes
        self.trim(self.limit)

    def discard(self, key):
        """Forget `key` if stored."""
        outcome = self._entries.pop(key, None)
        if outcome is not None:
            self.nbytes -= outcome.nbytes

    def trim(self, limit):
        """Drop the least recently used outcomes until at most `limit` bytes are kept."""
        while self.nbytes > limit and self._entries:
            _, outcome = self._entries.popitem(last=False)
            self.nbytes -= outcome.nbytes

    def forget_input(self, input_key):
        """Drop every outcome computed from input `input_key`."""
        for key in [key for key in self._entries if key[0] == input_key]:
            self.discard(key)


def normalise_steps(steps):
    """Return `steps` as ``[(operation, validated params)]``; ValueError naming a bad step.

    Parameters
    ----------
    steps : sequence
        Each ``{"name": str, "params": dict}`` (params optional) or a
        ``(name, params)`` pair.
    """
    if not isinstance(steps, (list, tuple)) or not steps:
        raise ValueError(f"steps must be a non-empty list of {{name, params}}, got {steps!r}")
    normalised = []
    for number, step in enumerate(steps, start=1):
        if isinstance(step, dict):
            name, params = step.get("name"), step.get("params", {})
        elif isinstance(step, (list, tuple)) and len(step) == 2:
            name, params = step
        else:
            name, params = None, None
        if not isinstance(params, dict):
            raise ValueError(f"step {number} must be {{name, params}}, got {step!r}")
        try:
            operation = get_operation(name)
            normalised.append((operation, operation.validate(params)))
        except ValueError as exc:
            if len(steps) == 1:
                raise
            raise ValueError(f"step {number}: {exc}") from None
    return normalised


def prefixes(normalised):
    """Yield, for each step of `normalised`, the steps so far: what its cache key holds."""
    prefix = ()
    for operation, params in normalised:
        prefix += ((operation.name, json.dumps(params, sort_keys=True)),)
        yield prefix


def run_pipeline(image, steps, /, *, cache=None, key=None, stretch=None, before=None, file=None):
    """Apply `steps` in turn to `image`, each to the previous step's full-precision array.

    Parameters
    ----------
    image : array_like
        2-D (grey), H×W×3 (RGB) or H×W×4 (RGBA) array of numbers or
        booleans. Colour with identical R, G and B channels is treated as
        grey.
    steps : sequence of dict
        ``[{"name": str, "params": dict}, ...]``; missing parameters take
        their defaults.
    cache : Cache, optional
        Where step outcomes are looked up and kept, under `key`.
    key : hashable, optional
        Names `image` in the cache (required with `cache`).
    stretch : bool, optional
        Display images by stretching their min–max to 0–255 rather than
        clipping; by default when `image` is not uint8 (a float array has
        no 0–255 scale).
    before : callable, optional
        ``before(operation, shape, params)`` is called before each step
        that is computed (the page checks memory there).
    file : (str, str or None), optional
        The file name and variable `image` was read from, for the script's
        loading lines.

    Returns
    -------
    Result
        The last step's array, its display and info, the script of the
        whole pipeline, and per-step timings with ``reused`` flags.

    Raises
    ------
    ValueError
        For a malformed step, an unknown operation or an invalid parameter
        (the message names the step), or an unusable image.

    Examples
    --------
    Labelling the chapter's signal above 1 gives its areas and maxima:

    >>> x, y = np.indices((100, 100))
    >>> sig = np.sin(2 * np.pi * x / 50.0) * np.sin(2 * np.pi * y / 50.0)
    >>> sig *= (1 + x * y / 50.0**2) ** 2
    >>> result = run_pipeline(sig, [
    ...     {"name": "threshold_global", "params": {"threshold": 1}},
    ...     {"name": "label"},
    ... ])
    >>> [row[1] for row in result.info["table"]["rows"]]
    [190, 45, 424, 278, 459, 190, 549, 424]
    """
    normalised = normalise_steps(steps)
    image = check_image(image)
    if cache is not None and key is None:
        raise ValueError("a cache needs a key naming the image")
    stretch = image.dtype != np.uint8 if stretch is None else stretch
    array, kind, outcomes, timings = image, "image", [], []
    numbered = enumerate(zip(normalised, prefixes(normalised), strict=True), start=1)
    for number, ((operation, params), prefix) in numbered:
        outcome = cache.get((key, prefix)) if cache is not None else None
        reused = outcome is not None
        if not reused:
            if before is not None:
                before(operation, array.shape, params)
            measured = image if measures_input(operation, number) else None
            outcome = apply(operation, params, array, kind, measured)
            if cache is not None:
                cache.put((key, prefix), outcome)
        outcomes.append(outcome)
        timings.append({"name": operation.name, "reused": reused, "compute_ms": outcome.compute_ms})
        array, kind = outcome.data, operation.returns
    return _result(image, normalised, outcomes, timings, stretch, file)


def apply(operation, params, array, kind="image", measured=None):
    """Run `operation` once on `array`, a step's input of `kind`; return its :class:`Outcome`.

    Parameters
    ----------
    operation : Operation
        What to run.
    params : dict
        Its validated parameters.
    array : ndarray
        The step's input, checked by :func:`ndlab.convert.check_image`.
    kind : {"image", "mask", "labels"}
        What `array` holds; the operation meets it as
        :func:`ndlab.plan.route` says.
    measured : ndarray, optional
        The pipeline's input, whose grey levels a measuring operation
        measures (when it has the step's height and width).
    """
    started = perf_counter()
    compute_seconds = 0.0
    extra = {}

    def call(channel):
        nonlocal compute_seconds
        interrupt.check()
        start = perf_counter()
        returned = operation.function(channel, **params, **extra)
        compute_seconds += perf_counter() - start
        interrupt.check()  # a cancel that came during the call discards its result
        return returned

    layout = channel_layout(array)
    source = None
    if measured is not None and measured.shape[:2] == array.shape[:2]:
        source = Step(
            None, {}, measured.shape, measured.dtype, "image", channel_layout(measured), False
        )
        extra["intensity"] = _grey(measured, source.layout)
    way = route(operation, kind, layout)
    if way in ("mask", "labels"):
        data = call(array if way == "mask" else array > 0)
    elif way in ("each", "all"):
        rgb = float_rgb(array)
        channels = [call(rgb[..., c]) for c in range(3)]
        if layout == "rgba":
            alpha = array[..., 3].astype(np.float64)
            channels.append(call(alpha) if way == "all" else alpha)
        # Stacked on a new first axis, then viewed as H×W×C: one fast copy.
        data = np.moveaxis(np.stack(channels), 0, -1)
    elif way == "colour":
        data = call(float_rgb(_plane(array) if layout == "grey" else array))
    else:
        data = call(_grey(array, layout))
    has_info = isinstance(data, tuple)
    data, info = data if has_info else (data, {})
    record = Step(operation, params, array.shape, array.dtype, kind, layout, has_info, source)
    total = 1000 * (perf_counter() - started)
    return Outcome(data, info, record, 1000 * compute_seconds, total - 1000 * compute_seconds)


def _grey(array, layout):
    """The float64 grey levels of `array`, as a "grey" operation receives them."""
    if layout == "grey":
        return _plane(array).astype(np.float64)
    return rgb_to_grey(float_rgb(array))


def _plane(array):
    """The one plane of a grey array: itself if 2-D, else its first channel (all are equal)."""
    return array if array.ndim == 2 else array[..., 0]


def float_rgb(image):
    """Return the colour channels of `image` (grey: repeated) as float64 H×W×3.

    The values are those of ``image[..., :3].astype(np.float64)``, but each
    channel is contiguous in memory: filling channel by channel is several
    times faster than converting interleaved pixels, and so is reading a
    channel afterwards. Results stacked with ``np.moveaxis(np.stack(...), 0,
    -1)`` keep that layout.
    """
    planes = np.empty((3, *image.shape[:2]))
    for c in range(3):
        planes[c] = image if image.ndim == 2 else image[..., c]
    return np.moveaxis(planes, 0, -1)


def display_mapping(operation, stretch):
    """The name of the mapping that shows `operation`'s result (clip becomes rescale to stretch)."""
    return "rescale" if stretch and operation.output == "clip" else operation.output


def display(outcome, stretch):
    """Return (uint8 picture, mapping name) of a step's outcome."""
    step = outcome.step
    name = display_mapping(step.operation, stretch)
    mapping = MAPPINGS[name]
    data = outcome.data
    if step.layout == "rgba" and step.operation.channels in ("each", "all"):
        # The colour channels are mapped as declared, alpha is clipped.
        colour = mapping(data[..., :3])
        return np.moveaxis(np.stack([*np.moveaxis(colour, -1, 0), clip(data[..., 3])]), 0, -1), name
    return mapping(data), name


def _result(image, normalised, outcomes, timings, stretch, file):
    last = outcomes[-1]
    started = perf_counter()
    picture, name = display(last, stretch)
    computed = [o for o, t in zip(outcomes, timings, strict=True) if not t["reused"]]
    convert_ms = sum(o.convert_ms for o in computed)
    convert_ms += 1000 * (perf_counter() - started)
    code = script(
        [o.step for o in outcomes],
        MAPPINGS[name],
        loading=loading_comment(image.shape, image.dtype, file),
    )
    operation, params = normalised[-1]
    return Result(
        name=operation.name,
        image=picture,
        data=last.data,
        output=name,
        info=last.info,
        params=params,
        code=code,
        channels_in=last.step.layout,
        timings={
            "compute_ms": sum(o.compute_ms for o in computed),
            "convert_ms": convert_ms,
            "steps": timings,
        },
        steps=tuple(outcomes),
    )
