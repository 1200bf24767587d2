"""Smoothing and edge filters."""

import numpy as np
from scipy import ndimage

from .registry import Param, operation


@operation(
    category="filters",
    title="Gaussian blur",
    params=[
        Param(
            "sigma",
            "float",
            2.0,
            min=0.0,
            max=20.0,
            step=0.1,
            help="Standard deviation of the Gaussian, in pixels.",
        )
    ],
    channels="each",
    output="clip",
)
def gaussian_filter(image, *, sigma=2.0):
    """Blur with a Gaussian kernel.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    sigma : float
        Standard deviation of the Gaussian, in pixels; 0 leaves the image
        unchanged.

    Returns
    -------
    (M, N) ndarray of float64
        Blurred channel. Borders are handled by reflection.

    Examples
    --------
    >>> image = np.zeros((5, 5))
    >>> image[2, 2] = 255
    >>> blurred = gaussian_filter(image, sigma=1.0)
    >>> bool(blurred[2, 2] < 255), round(float(blurred.sum()))
    (True, 255)
    """
    return ndimage.gaussian_filter(image, sigma=sigma)


@operation(
    category="filters",
    title="Median filter",
    params=[
        Param(
            "size",
            "int",
            3,
            min=1,
            max=25,
            step=1,
            help="Width of the square window, in pixels; odd sizes keep the image centred.",
        )
    ],
    channels="each",
    output="clip",
)
def median_filter(image, *, size=3):
    """Replace each pixel by the median of its square neighbourhood.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    size : int
        Width of the window. Any size from 1 works; an even size centres the
        window half a pixel up and left of each pixel.

    Returns
    -------
    (M, N) ndarray of float64
        Filtered channel; removes salt-and-pepper noise while keeping edges.

    Examples
    --------
    >>> image = np.zeros((5, 5))
    >>> image[2, 2] = 255
    >>> float(median_filter(image, size=3).max())
    0.0
    """
    return ndimage.median_filter(image, size=size)


@operation(
    category="filters",
    title="Sobel edges",
    channels="each",
    output="rescale",
)
def sobel(image):
    """Gradient magnitude from Sobel derivatives along rows and columns.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.

    Returns
    -------
    (M, N) ndarray of float64
        ``hypot`` of the two Sobel derivatives: large on edges, 0 on flat
        regions. Displayed rescaled to 0–255.

    Examples
    --------
    >>> image = np.zeros((4, 4))
    >>> image[:, 2:] = 255
    >>> sobel(image)[0]
    array([   0., 1020., 1020.,    0.])
    """
    return np.hypot(ndimage.sobel(image, axis=0), ndimage.sobel(image, axis=1))
