"""Public entry points: :func:`run` an operation, list the :func:`catalog`."""

import dataclasses
from dataclasses import dataclass
from time import perf_counter

import numpy as np

from . import __version__, interrupt
from .codegen import Step, generate, script
from .convert import MAPPINGS, channel_layout, check_image, clip, rgb_to_grey
from .registry import get_operation, operations
from .samples import SAMPLES


@dataclass(frozen=True, eq=False)
class Result:
    """The outcome of :func:`run`.

    Attributes
    ----------
    name : str
        Operation name.
    image : ndarray of uint8
        Display image: 2-D for single-channel results, H×W×3 or H×W×4 for
        colour (a label image is painted H×W×3).
    data : ndarray
        The float64 (bool for masks, int for labels) result before mapping;
        the same layout as `image` except for labels, which are 2-D.
    output : {"clip", "rescale", "mask", "labels"}
        Mapping used to get `image` from `data`.
    info : dict
        Extra values reported by the operation, else empty. JSON-ready:
        scalars (Python int, float, str or lists of them) under their own
        keys, and optionally a measurement table as ``info["table"] =
        {"columns": [str, ...], "rows": [[number, ...], ...]}``.
    params : dict
        Complete validated parameters.
    code : str
        Standalone NumPy/SciPy script computing `image` from the input.
    channels_in : {"grey", "rgb", "rgba"}
        How the input was interpreted (colour with equal channels is "grey").
    timings : dict
        ``compute_ms`` spent in the operation, ``convert_ms`` converting the
        input and mapping the output.
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
    return _run(name, image, params)[0]


def _run(name, image, params):
    """Run as :func:`run` does; also return the :class:`~ndlab.codegen.Step` for code export."""
    operation = get_operation(name)
    params = operation.validate(params)
    started = perf_counter()
    compute_seconds = 0.0

    def call(channel):
        nonlocal compute_seconds
        interrupt.check()
        start = perf_counter()
        returned = operation.function(channel, **params)
        compute_seconds += perf_counter() - start
        interrupt.check()  # a cancel that came during the call discards its result
        return returned

    image = check_image(image)
    layout = channel_layout(image)
    mode = operation.channels
    grey = (image if image.ndim == 2 else image[..., 0]) if layout == "grey" else None
    alpha = None
    if mode in ("each", "all") and grey is None:
        rgb = _float_rgb(image)
        channels = [call(rgb[..., c]) for c in range(3)]
        if layout == "rgba":
            alpha = image[..., 3].astype(np.float64)
            channels.append(call(alpha) if mode == "all" else alpha)
        # Stacked on a new first axis, then viewed as H×W×C: one fast copy.
        data = np.moveaxis(np.stack(channels), 0, -1)
    elif mode == "colour":
        data = call(_float_rgb(image if grey is None else grey))
    elif grey is not None:
        data = call(grey.astype(np.float64))
    else:
        data = call(rgb_to_grey(_float_rgb(image)))
    has_info = isinstance(data, tuple)
    data, info = data if has_info else (data, {})
    if alpha is None:
        display = MAPPINGS[operation.output](data)
    else:
        # The colour channels are mapped as declared, alpha is clipped.
        colour = MAPPINGS[operation.output](data[..., :3])
        display = np.moveaxis(np.stack([*np.moveaxis(colour, -1, 0), clip(data[..., 3])]), 0, -1)
    convert_seconds = perf_counter() - started - compute_seconds

    code = generate(operation, params, image, layout, has_info=has_info)
    timings = {"compute_ms": 1000 * compute_seconds, "convert_ms": 1000 * convert_seconds}
    result = Result(name, display, data, operation.output, info, params, code, layout, timings)
    return result, Step(operation, params, image.shape, image.dtype, layout, has_info)


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


def _float_rgb(image):
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


def pipeline_code(steps, image, /, *, adapt=None):
    """Return one script that applies `steps` in turn, starting from `image`.

    Parameters
    ----------
    steps : sequence of (str, dict)
        Operation names and parameters, in order.
    image : array_like
        Input of the first step, as for :func:`run`.
    adapt : callable, optional
        ``adapt(image) -> (image, lines)`` applied to each step's display
        image before the next step, with the statements that do the same to
        ``result`` in the script (:mod:`ndlab.web` mirrors the page's RGBA
        round trip this way). By default each step takes the previous
        ``Result.image`` as it is.

    Returns
    -------
    str
        A NumPy/SciPy script that, given ``image``, computes ``result``
        equal to the last step's ``Result.image``. Each function, constant
        and import appears once; steps that report info print it.

    Raises
    ------
    ValueError
        If `steps` is empty or malformed, or a step fails as in :func:`run`.
        The steps are run to find each one's input layout.

    Examples
    --------
    >>> code = pipeline_code([("gaussian_filter", {"sigma": 1}), ("sobel", {})], np.eye(4))
    >>> namespace = {"image": np.eye(4)}
    >>> exec(code, namespace)
    >>> namespace["result"].shape
    (4, 4)
    """
    if not isinstance(steps, (list, tuple)) or not steps:
        raise ValueError(f"steps must be a non-empty list of (name, params) pairs, got {steps!r}")
    runs = []
    for number, step in enumerate(steps, start=1):
        if not (isinstance(step, (list, tuple)) and len(step) == 2 and isinstance(step[1], dict)):
            raise ValueError(f"step {number} must be a (name, params) pair, got {step!r}")
        name, params = step
        result, run_step = _run(name, image, params)
        image, lines = adapt(result.image) if adapt else (result.image, [])
        runs.append(dataclasses.replace(run_step, after=tuple(lines)))
    listing = "\n".join(
        f"{number}. {run_step.operation.title}" for number, run_step in enumerate(runs, start=1)
    )
    title = f"A pipeline of {len(runs)} steps, as run by ndlab {__version__}.\n\n{listing}"
    return script(runs, title)


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
