"""Thresholding."""

import numpy as np
from scipy import ndimage

from .filters import gaussian_radius
from .registry import Param, operation


def otsu_level(counts):
    """Return Otsu's threshold from a 256-bin histogram of grey levels, an int.

    The level `t` maximises the between-class variance of the classes
    ``image <= t`` and ``image > t``; it depends on the histogram alone, so
    the histogram of an image in chunks (the sum of theirs) gives the whole
    image's threshold. A histogram of one level gives 0.

    Examples
    --------
    >>> counts = np.zeros(256)
    >>> counts[[10, 20, 200, 210]] = 1
    >>> otsu_level(counts)
    20
    """
    counts = np.asarray(counts, dtype=np.float64)
    levels = np.arange(256)
    total, total_sum = counts.sum(), (counts * levels).sum()
    weight_below = np.cumsum(counts)
    sum_below = np.cumsum(counts * levels)
    # Between-class variance times total**2, written without the class means
    # so that empty classes only need a guard on the denominator.
    numerator = (total * sum_below - total_sum * weight_below) ** 2
    denominator = weight_below * (total - weight_below)
    variance = np.divide(numerator, denominator, out=np.zeros(256), where=denominator > 0)
    return int(np.argmax(variance))


@operation(
    category="threshold",
    title="Otsu threshold",
    channels="grey",
    output="mask",
    memory=5,
    chunking="histogram",
)
def threshold_otsu(image):
    """Separate foreground from background with Otsu's threshold.

    Otsu's method picks the grey level `t` that maximises the between-class
    variance of the two classes ``image <= t`` and ``image > t``, computed
    from a 256-bin histogram (bin `i` counts values in ``[i, i + 1)``).

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Grey levels on a 0–255 scale; values outside are not counted.

    Returns
    -------
    mask : (M, N) ndarray of bool
        ``image > threshold``.
    info : dict
        ``{"threshold": t}`` with `t` an int. A constant image gives 0.

    Examples
    --------
    >>> image = np.array([[10.0, 20.0], [200.0, 210.0]])
    >>> mask, info = threshold_otsu(image)
    >>> info
    {'threshold': 20}
    >>> mask
    array([[False, False],
           [ True,  True]])
    """
    counts, _ = np.histogram(image, bins=256, range=(0, 256))
    threshold = otsu_level(counts)
    return image > threshold, {"threshold": threshold}


@operation(
    category="threshold",
    title="Global threshold",
    params=[
        Param(
            "keep",
            "choice",
            "above",
            choices=("above", "below", "between"),
            help="Foreground: values above the threshold, below it, or between two levels.",
        ),
        Param(
            "threshold",
            "float",
            127.0,
            step=1.0,
            typical=(0, 255),
            help="The level; with 'between', the lower one (included).",
        ),
        Param(
            "upper",
            "float",
            255.0,
            step=1.0,
            typical=(0, 255),
            help="With 'between', the upper level (included).",
        ),
    ],
    channels="grey",
    output="mask",
    memory=2,
    chunking=0,
)
def threshold_global(image, *, keep="above", threshold=127.0, upper=255.0):
    """Separate foreground from background with one or two chosen levels.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Values of any scale (grey levels, or a float array's own values).
    keep : {"above", "below", "between"}
        ``image > threshold``, ``image < threshold`` or ``(threshold <=
        image) & (image <= upper)``: the dark bubbles of a micrograph are
        below a level, its grey sand between two.
    threshold : float
        The level; with "between", the lower one.
    upper : float
        The upper level, used with "between".

    Returns
    -------
    (M, N) ndarray of bool
        The foreground.

    Raises
    ------
    ValueError
        If `keep` is "between" and `upper` is below `threshold`.

    Examples
    --------
    >>> values = np.array([[10.0, 127.0, 128.0]])
    >>> threshold_global(values)
    array([[False, False,  True]])
    >>> threshold_global(values, keep="between", threshold=100, upper=127)
    array([[False,  True, False]])
    """
    if keep == "above":
        return image > threshold
    if keep == "below":
        return image < threshold
    if upper < threshold:
        raise ValueError(f"upper must be at least threshold ({threshold:g}), got {upper:g}")
    return (threshold <= image) & (image <= upper)


def _local_depth(params):
    """The half-width of the neighbourhood whose mean each pixel is compared with."""
    if params["method"] == "mean":
        return params["block_size"] // 2
    return gaussian_radius((params["block_size"] - 1) / 6)


@operation(
    category="threshold",
    title="Adaptive threshold",
    params=[
        Param(
            "method",
            "choice",
            "gaussian",
            choices=("gaussian", "mean"),
            help="Weighting of the neighbourhood: Gaussian or uniform (mean).",
        ),
        Param(
            "block_size",
            "int",
            35,
            min=3,
            max=301,
            step=2,
            help="Odd width of the neighbourhood, in pixels.",
            unit="px",
        ),
        Param(
            "offset",
            "float",
            0.0,
            min=-255.0,
            max=255.0,
            step=1.0,
            help="Subtracted from the local mean: positive values mark more pixels.",
        ),
    ],
    channels="grey",
    output="mask",
    memory=3,
    chunking=_local_depth,
)
def threshold_local(image, *, method="gaussian", block_size=35, offset=0.0):
    """Compare each pixel with the mean of its neighbourhood, for uneven lighting.

    As scikit-image's ``threshold_local``: the threshold of each pixel is its
    local mean minus `offset`, the mean being weighted uniformly over a
    ``block_size`` square ("mean") or by a Gaussian of sigma ``(block_size -
    1) / 6`` ("gaussian"), with borders reflected.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Grey levels on a 0–255 scale.
    method : {"gaussian", "mean"}
        Weighting of the neighbourhood.
    block_size : int
        Odd width of the neighbourhood, in pixels.
    offset : float
        Subtracted from the local mean, in grey levels.

    Returns
    -------
    (M, N) ndarray of bool
        ``image > local_mean - offset``.

    Raises
    ------
    ValueError
        If `block_size` is even.

    Examples
    --------
    >>> ramp = np.tile(np.arange(0.0, 200.0, 20.0), (3, 1))
    >>> ramp[1, 5] += 15
    >>> threshold_local(ramp, method="mean", block_size=3, offset=-10.0).astype(int)
    array([[0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 1, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]])
    """
    if block_size % 2 == 0:
        raise ValueError(f"block_size must be odd, got {block_size}")
    if method == "mean":
        local_mean = ndimage.uniform_filter(image, size=block_size)
    else:
        local_mean = ndimage.gaussian_filter(image, sigma=(block_size - 1) / 6)
    return image > local_mean - offset
