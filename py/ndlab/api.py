"""Public entry points: :func:`run` an operation, list the :func:`catalog`."""

from dataclasses import dataclass
from time import perf_counter

import numpy as np

from . import __version__
from .codegen import generate
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
        colour.
    data : ndarray
        The float64 (or bool) result before mapping, same layout as `image`.
    output : {"clip", "rescale", "mask"}
        Mapping used to get `image` from `data`.
    info : dict
        Extra values reported by the operation (JSON-ready), else empty.
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
    operation = get_operation(name)
    params = operation.validate(params)
    started = perf_counter()
    compute_seconds = 0.0

    def call(channel):
        nonlocal compute_seconds
        start = perf_counter()
        returned = operation.function(channel, **params)
        compute_seconds += perf_counter() - start
        return returned

    image = check_image(image)
    layout = channel_layout(image)
    info = {}
    if layout == "grey":
        data = call((image if image.ndim == 2 else image[..., 0]).astype(np.float64))
    elif operation.channels == "grey":
        data = call(rgb_to_grey(image[..., :3].astype(np.float64)))
    else:
        rgb = image[..., :3].astype(np.float64)
        data = np.stack([call(rgb[..., c]) for c in range(3)], axis=-1)
    has_info = isinstance(data, tuple)
    if has_info:
        data, info = data
    display = MAPPINGS[operation.output](data)

    alpha_transformed = False
    if layout == "rgba" and operation.channels == "each":
        alpha = image[..., 3].astype(np.float64)
        alpha_transformed = data.shape[:2] != image.shape[:2]
        if alpha_transformed:
            alpha = call(alpha)
        data = np.dstack([data, alpha])
        display = np.dstack([display, clip(alpha)])
    convert_seconds = perf_counter() - started - compute_seconds

    code = generate(
        operation, params, image, layout, has_info=has_info, alpha_transformed=alpha_transformed
    )
    timings = {"compute_ms": 1000 * compute_seconds, "convert_ms": 1000 * convert_seconds}
    return Result(name, display, data, operation.output, info, params, code, layout, timings)


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
