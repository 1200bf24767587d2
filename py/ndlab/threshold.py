"""Thresholding."""

import numpy as np

from .registry import operation


@operation(
    category="threshold",
    title="Otsu threshold",
    channels="grey",
    output="mask",
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
    counts = counts.astype(np.float64)
    levels = np.arange(256)
    total, total_sum = counts.sum(), (counts * levels).sum()
    weight_below = np.cumsum(counts)
    sum_below = np.cumsum(counts * levels)
    # Between-class variance times total**2, written without the class means
    # so that empty classes only need a guard on the denominator.
    numerator = (total * sum_below - total_sum * weight_below) ** 2
    denominator = weight_below * (total - weight_below)
    variance = np.divide(numerator, denominator, out=np.zeros(256), where=denominator > 0)
    threshold = int(np.argmax(variance))
    return image > threshold, {"threshold": threshold}
