"""Smoothing and edge filters."""

import numpy as np
from scipy import ndimage

from .convert import exact_uint8
from .registry import DEFAULT_MEMORY, Param, operation


def _sigma(default, help="Standard deviation of the Gaussian, in pixels.", min=0.0):
    return Param("sigma", "float", default, min=min, max=20.0, step=0.1, help=help, unit="px")


#: Below sigma 1 ndimage's sampled derivative kernels lose their sums (at 0.5 the Laplacian of a
#: flat image is -1.1 times it, a ramp's gradient 0.86 times its slope), and at 0 it skips the
#: derivative, giving √2 or 2 times the image.
_DERIVATIVE_SIGMA = _sigma(2.0, min=1.0)


def _size(default, help="Width of the square window, in pixels."):
    return Param("size", "int", default, min=1, max=25, step=1, help=help, unit="px")


def gaussian_radius(sigma):
    """Return the radius of ``ndimage.gaussian_filter``'s kernel: ``truncate * sigma``, rounded.

    Examples
    --------
    >>> gaussian_radius(2.0), gaussian_radius(0.1)
    (8, 0)
    """
    return int(4.0 * sigma + 0.5)  # 4.0: ndimage's default truncate


def _wiener_depth(params):
    """Its window's half-width, if the noise is given; estimating it averages the whole image."""
    return params["size"] // 2 if params["noise"] else None


def median_3x3(image):
    """Return the median of each pixel's 3×3 neighbourhood, as ``ndimage.median_filter``.

    The classic selection network: sort each column of three, then the
    median of the nine values is the median of three numbers, the largest
    of the three column minima, the median of the column medians and the
    smallest of the column maxima. About twenty minimum and maximum passes
    over the image, each sorted column serving three windows; no value is
    computed, only chosen, so the result equals ndimage's exactly. Borders
    are reflected as ndimage does (``np.pad`` calls this "symmetric").

    Parameters
    ----------
    image : (M, N) ndarray
        Input channel, without NaN.

    Returns
    -------
    (M, N) ndarray
        Filtered channel.

    Examples
    --------
    >>> median_3x3(np.array([[0.0, 9.0, 0.0], [9.0, 9.0, 0.0], [0.0, 0.0, 0.0]]))
    array([[9., 0., 0.],
           [0., 0., 0.],
           [0., 0., 0.]])
    """
    padded = np.pad(image, 1, mode="symmetric")
    top, middle, bottom = padded[:-2], padded[1:-1], padded[2:]
    low, high = np.minimum(top, middle), np.maximum(top, middle)
    mid = np.minimum(high, bottom)
    np.maximum(mid, low, out=mid)
    np.minimum(low, bottom, out=low)
    np.maximum(high, bottom, out=high)
    left, centre, right = slice(None, -2), slice(1, -1), slice(2, None)
    lows = np.maximum(low[:, left], low[:, centre])
    np.maximum(lows, low[:, right], out=lows)
    highs = np.minimum(high[:, left], high[:, centre])
    np.minimum(highs, high[:, right], out=highs)
    a, b, c = mid[:, left], mid[:, centre], mid[:, right]
    mids = np.maximum(a, b)
    np.minimum(mids, c, out=mids)
    np.maximum(mids, np.minimum(a, b, out=low[:, centre]), out=mids)  # low is spent
    np.minimum(highs, np.maximum(lows, mids, out=high[:, centre]), out=highs)  # so is high
    return np.maximum(np.minimum(lows, mids, out=lows), highs, out=lows)


@operation(
    category="filters",
    title="Gaussian blur",
    params=[_sigma(2.0)],
    channels="each",
    output="clip",
    name_as="blurred",
    chunking=lambda params: gaussian_radius(params["sigma"]),
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
    params=[_size(3, "Width of the square window, in pixels; odd sizes keep the image centred.")],
    channels="each",
    output="clip",
    name_as="denoised",
    # size 3: the padded channel, three sorted columns and three selections
    memory=lambda params: 9 if params["size"] == 3 else DEFAULT_MEMORY,
    chunking=lambda params: params["size"] // 2,
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
    small = exact_uint8(image)
    if size == 3:
        return median_3x3(small).astype(image.dtype, copy=False)  # faster, the same values
    return ndimage.median_filter(small, size=size).astype(image.dtype, copy=False)


@operation(
    category="filters",
    title="Box blur",
    params=[_size(5)],
    channels="each",
    output="clip",
    chunking=lambda params: params["size"] // 2,
)
def uniform_filter(image, *, size=5):
    """Replace each pixel by the mean of its square neighbourhood.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    size : int
        Width of the window; even sizes shift the image by half a pixel.

    Returns
    -------
    (M, N) ndarray of float64
        Blurred channel. Borders are handled by reflection.

    Examples
    --------
    >>> image = np.zeros((5, 5))
    >>> image[2, 2] = 90
    >>> float(uniform_filter(image, size=3)[1, 1])
    10.0
    """
    return ndimage.uniform_filter(image, size=size)


@operation(
    category="filters",
    title="Wiener filter",
    params=[
        _size(5, "Width of the square window used for local statistics, in pixels."),
        Param(
            "noise",
            "float",
            0.0,
            min=0.0,
            max=10000.0,
            step=10.0,
            help="Noise power (variance in grey levels squared); 0 estimates it.",
        ),
    ],
    channels="each",
    output="clip",
    memory=9,
    chunking=_wiener_depth,
)
def wiener(image, *, size=5, noise=0.0):
    """Smooth where the local variance is low and keep detail where it is high.

    Each pixel moves towards its local mean by the fraction ``noise /
    local variance`` (``scipy.signal.wiener``, like MATLAB's ``wiener2``).

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    size : int
        Width of the window for the local mean and variance.
    noise : float
        Noise power, the variance of the noise in grey levels squared (for
        Gaussian noise of σ = 20, 400). 0 estimates it as the mean local
        variance.

    Returns
    -------
    (M, N) ndarray of float64
        Filtered channel. Outside the image counts as 0, so borders darken
        a little.

    Examples
    --------
    >>> image = np.full((5, 5), 100.0)
    >>> image[2, 2] = 130
    >>> bool(wiener(image, size=3, noise=200.0)[2, 2] < 130)
    True
    """
    from scipy import signal  # imported here: scipy.signal is slow to import at start-up

    # A window of zero variance divides by zero; its output is then chosen
    # from the local mean (or, with zero noise, the pixel itself) below.
    with np.errstate(divide="ignore", invalid="ignore"):
        filtered = signal.wiener(image, size, noise or None)
    return np.where(np.isnan(filtered), image, filtered)


@operation(
    category="filters",
    title="Unsharp mask",
    params=[
        Param(
            "radius",
            "float",
            2.0,
            min=0.1,
            max=20.0,
            step=0.1,
            help="Standard deviation of the blur that defines detail, in pixels.",
            unit="px",
        ),
        Param(
            "amount",
            "float",
            1.0,
            min=0.0,
            max=10.0,
            step=0.1,
            help="How much of the detail is added back.",
        ),
    ],
    channels="each",
    output="clip",
    chunking=lambda params: gaussian_radius(params["radius"]),
)
def unsharp_mask(image, *, radius=2.0, amount=1.0):
    """Sharpen by adding back the difference between the image and a blur.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    radius : float
        Standard deviation (sigma) of the Gaussian blur, in pixels, as in
        scikit-image's ``unsharp_mask``.
    amount : float
        The result is ``image + amount * (image - blurred)``; 0 leaves the
        image unchanged.

    Returns
    -------
    (M, N) ndarray of float64
        Sharpened channel; overshoot at edges is clipped for display.

    Examples
    --------
    >>> image = np.zeros((1, 6))
    >>> image[:, 3:] = 100
    >>> sharp = unsharp_mask(image, radius=1.0)
    >>> bool(sharp[0, 2] < 0 < 100 < sharp[0, 3])
    True
    """
    return image + amount * (image - ndimage.gaussian_filter(image, sigma=radius))


@operation(
    category="filters",
    title="Sobel edges",
    channels="each",
    output="rescale",
    name_as="edges",
    chunking=1,
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


@operation(
    category="filters",
    title="Prewitt edges",
    channels="each",
    output="rescale",
    chunking=1,
)
def prewitt(image):
    """Gradient magnitude from Prewitt derivatives along rows and columns.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.

    Returns
    -------
    (M, N) ndarray of float64
        ``hypot`` of the two Prewitt derivatives, which average over three
        pixels with equal weights where Sobel weights the centre twice.
        Displayed rescaled to 0–255.

    Examples
    --------
    >>> image = np.zeros((4, 4))
    >>> image[:, 2:] = 255
    >>> prewitt(image)[0]
    array([  0., 765., 765.,   0.])
    """
    return np.hypot(ndimage.prewitt(image, axis=0), ndimage.prewitt(image, axis=1))


@operation(
    category="filters",
    title="Laplace",
    channels="each",
    output="rescale",
    chunking=1,
)
def laplace(image):
    """Discrete Laplacian: the sum of second differences along rows and columns.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.

    Returns
    -------
    (M, N) ndarray of float64
        Zero on flat areas and linear ramps, of opposite signs on the two
        sides of an edge. Displayed rescaled, so 0 is mid-grey when both
        signs occur.

    Examples
    --------
    >>> image = np.zeros((3, 3))
    >>> image[1, 1] = 1
    >>> laplace(image)
    array([[ 0.,  1.,  0.],
           [ 1., -4.,  1.],
           [ 0.,  1.,  0.]])
    """
    return ndimage.laplace(image)


@operation(
    category="filters",
    title="Gaussian gradient magnitude",
    params=[_DERIVATIVE_SIGMA],
    channels="each",
    output="rescale",
    chunking=lambda params: gaussian_radius(params["sigma"]),
)
def gaussian_gradient_magnitude(image, *, sigma=2.0):
    """Edge strength from derivatives of a Gaussian blur.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    sigma : float
        Standard deviation of the Gaussian, in pixels: larger values find
        broader edges and ignore fine noise.

    Returns
    -------
    (M, N) ndarray of float64
        Magnitude of the gradient of the blurred channel. Displayed rescaled
        to 0–255.

    Examples
    --------
    >>> image = np.zeros((9, 9))
    >>> image[:, 5:] = 255
    >>> row = gaussian_gradient_magnitude(image, sigma=1.0)[4]
    >>> int(np.argmax(row)) in (4, 5)
    True
    """
    return ndimage.gaussian_gradient_magnitude(image, sigma=sigma)


@operation(
    category="filters",
    title="Laplacian of Gaussian",
    params=[_DERIVATIVE_SIGMA],
    channels="each",
    output="rescale",
    chunking=lambda params: gaussian_radius(params["sigma"]),
)
def gaussian_laplace(image, *, sigma=2.0):
    """Laplacian of a Gaussian blur: responds to blobs about ``sigma * sqrt(2)`` in radius.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    sigma : float
        Standard deviation of the Gaussian, in pixels.

    Returns
    -------
    (M, N) ndarray of float64
        Strongly negative in the middle of bright blobs, positive around
        them; edges are its zero crossings. Displayed rescaled.

    Examples
    --------
    >>> image = np.zeros((11, 11))
    >>> image[4:7, 4:7] = 255
    >>> response = gaussian_laplace(image, sigma=1.5)
    >>> bool(response[5, 5] == response.min())
    True
    """
    return ndimage.gaussian_laplace(image, sigma=sigma)
