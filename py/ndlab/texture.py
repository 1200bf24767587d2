"""Texture: local statistics that tell smooth regions from busy ones.

Segmentation by texture (the image-processing article of the Scientific Python
Lectures lists it) thresholds a local measure of variation instead of the grey
level itself: two regions of the same mean brightness, one flat and one
grainy, become dark and bright.
"""

import numpy as np
from scipy import ndimage

from .registry import Param, operation


@operation(
    category="segmentation",
    title="Texture: local standard deviation",
    params=[
        Param(
            "size",
            "int",
            7,
            min=3,
            max=51,
            step=2,
            help="Side of the square window, in pixels.",
            unit="px",
        )
    ],
    channels="grey",
    output="rescale",
    memory=5,
    chunking=lambda params: params["size"] // 2,
)
def local_std(image, *, size=7):
    """Standard deviation of the grey levels in a window around each pixel.

    Computed as ``sqrt(mean(x**2) - mean(x)**2)`` with two
    ``ndimage.uniform_filter`` passes, which costs the same for any window
    size (``ndimage.generic_filter(image, np.std, size)`` gives the same
    values, much more slowly). Threshold the result (Otsu's method, for
    instance) to segment by texture.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Grey image; colour is converted to grey first.
    size : int
        Side of the window; borders are handled by reflection, as
        ``uniform_filter`` does by default.

    Returns
    -------
    (M, N) ndarray of float64
        Local standard deviation, 0 where the window is flat.

    Examples
    --------
    >>> image = np.zeros((5, 6))
    >>> image[:, 3:] = np.tile([0.0, 100.0, 0.0], (5, 1))
    >>> local_std(image, size=3).round(1)[2]
    array([ 0. ,  0. ,  0. , 47.1, 47.1, 47.1])
    """
    mean = ndimage.uniform_filter(image, size)
    mean_of_squares = ndimage.uniform_filter(image**2, size)
    # Rounding can make a flat window's variance slightly negative.
    return np.sqrt(np.maximum(mean_of_squares - mean**2, 0))
