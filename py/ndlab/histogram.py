"""Grey-level transformations computed from the histogram or a curve.

They process each colour channel separately: on a colour photo this also
rebalances the colours, since each channel is spread on its own.
"""

import numpy as np

from .registry import Param, operation


@operation(
    category="histogram",
    title="Histogram equalization",
    channels="each",
    output="clip",
)
def equalize_hist(image):
    """Spread grey levels so that their cumulative histogram becomes a straight line.

    The textbook mapping for 256 levels (Gonzalez & Woods): level `v` becomes
    ``255 * (cdf(v) - cdf_min) / (size - cdf_min)``, where ``cdf(v)`` counts
    the pixels at or below `v` and ``cdf_min`` those at the darkest level
    present, so the darkest level maps to 0 and the brightest to 255.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel on a 0–255 scale; levels are the integer parts of the
        values, clipped to 0–255.

    Returns
    -------
    (M, N) ndarray of float64
        Equalized channel. A constant channel is returned unchanged.

    Examples
    --------
    >>> equalize_hist(np.array([[10.0, 10.0, 20.0, 200.0]]))
    array([[  0. ,   0. , 127.5, 255. ]])
    """
    levels = np.clip(image, 0, 255).astype(np.intp)
    cdf = np.cumsum(np.bincount(levels.ravel(), minlength=256))
    cdf_min = cdf[levels.min()]
    if cdf_min == levels.size:
        return image.copy()
    return 255 * (cdf[levels] - cdf_min) / (levels.size - cdf_min)


@operation(
    category="histogram",
    title="Contrast stretching",
    params=[
        Param(
            "low",
            "float",
            2.0,
            min=0.0,
            max=50.0,
            step=0.5,
            help="Percentile that becomes black.",
        ),
        Param(
            "high",
            "float",
            98.0,
            min=50.0,
            max=100.0,
            step=0.5,
            help="Percentile that becomes white.",
        ),
    ],
    channels="each",
    output="clip",
)
def contrast_stretch(image, *, low=2.0, high=98.0):
    """Map the `low` and `high` percentiles linearly to 0 and 255.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    low, high : float
        Percentiles, ``0 <= low < high <= 100``; the pixels below `low` and
        above `high` saturate to black and white.

    Returns
    -------
    (M, N) ndarray of float64
        Stretched channel. If both percentiles fall on the same value the
        channel is returned unchanged.

    Raises
    ------
    ValueError
        If `low` is not below `high`.

    Examples
    --------
    >>> contrast_stretch(np.array([[50.0, 100.0, 150.0]]), low=0.0, high=100.0)
    array([[  0. , 127.5, 255. ]])
    """
    if low >= high:
        raise ValueError(f"low must be below high, got low={low:g} and high={high:g}")
    black, white = np.percentile(image, [low, high])
    if white == black:
        return image.copy()
    return (image - black) * (255 / (white - black))


@operation(
    category="histogram",
    title="Gamma correction",
    params=[
        Param(
            "gamma",
            "float",
            0.5,
            min=0.05,
            max=5.0,
            step=0.05,
            help="Exponent: below 1 brightens the shadows, above 1 darkens them.",
        )
    ],
    channels="each",
    output="clip",
    chunking=0,
)
def adjust_gamma(image, *, gamma=0.5):
    """Apply the power curve ``255 * (image / 255) ** gamma``.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel on a 0–255 scale; values outside are clipped first.
    gamma : float
        Exponent; black and white stay fixed, 1 is the identity.

    Returns
    -------
    (M, N) ndarray of float64
        Corrected channel.

    Examples
    --------
    >>> adjust_gamma(np.array([[0.0, 63.75, 255.0]]), gamma=0.5)
    array([[  0. , 127.5, 255. ]])
    """
    return 255 * (np.clip(image, 0, 255) / 255) ** gamma
