"""Binary and grey-level mathematical morphology.

Every operation takes its structuring element as a `footprint` shape and a
`radius`, built by :func:`structuring_element`. Binary operations work on the
mask they receive, or ``image > threshold`` for grey levels, and count outside
the image as background.
"""

import numpy as np
from scipy import ndimage

from .convert import exact_uint8, foreground
from .registry import Param, operation

FOOTPRINTS = ("cross", "diamond", "square", "disk")


def structuring_element(footprint, radius):
    """Return a (2 * radius + 1)-square boolean footprint of the given shape.

    Parameters
    ----------
    footprint : {"cross", "diamond", "square", "disk"}
        "cross" is a plus sign with arms of length `radius`, "diamond" the
        3×3 cross dilated ``radius - 1`` times (``iterate_structure``),
        "square" all ones and "disk" the points within `radius` of the
        centre. At radius 1, cross and diamond are the 3×3 cross.
    radius : int
        Half-width, at least 1.

    Examples
    --------
    >>> structuring_element("disk", 2).astype(int)
    array([[0, 0, 1, 0, 0],
           [0, 1, 1, 1, 0],
           [1, 1, 1, 1, 1],
           [0, 1, 1, 1, 0],
           [0, 0, 1, 0, 0]])
    """
    if footprint == "square":
        return np.ones((2 * radius + 1, 2 * radius + 1), bool)
    if footprint == "diamond":
        return ndimage.iterate_structure(ndimage.generate_binary_structure(2, 1), radius)
    rows, cols = np.indices((2 * radius + 1, 2 * radius + 1)) - radius
    if footprint == "cross":
        return (rows == 0) | (cols == 0)
    return rows**2 + cols**2 <= radius**2


def running_extreme(array, width, target, combine):
    """Widen a running minimum or maximum along rows from `width` to `target` columns.

    Column ``j`` of `array` holds the extreme of `width` consecutive
    columns of some array, starting at ``j``; the result holds that of
    `target` columns. Each step combines two shifted views and at most
    doubles the width, so it takes about ``log2(target / width)`` passes.

    Parameters
    ----------
    array : (M, N) ndarray
        Running extremes over `width` columns.
    width, target : int
        Width of `array`'s windows and the wanted one, ``target >= width``.
    combine : {np.minimum, np.maximum}
        The extreme.

    Returns
    -------
    (M, N - target + width) ndarray
        Running extremes over `target` columns.

    Examples
    --------
    >>> running_extreme(np.array([[3.0, 1.0, 4.0, 1.0, 5.0]]), 1, 3, np.maximum)
    array([[4., 4., 5.]])
    """
    while width < target:
        step = min(target - width, width)
        array = combine(array[:, :-step], array[:, step:])
        width += step
    return array


def grey_filter(image, element, *, minimum):
    """Return the minimum or the maximum of `image` over `element` around each pixel.

    The same values as ``ndimage.grey_erosion`` (minimum) or
    ``ndimage.grey_dilation`` (maximum) with ``footprint=element``, computed
    with fewer passes over the image: each row of the footprint is a centred
    run of ones, so the extreme over the footprint is the extreme, over its
    rows, of running extremes along the image's rows, shifted by the row's
    offset; consecutive footprint rows of one width are first combined by a
    running extreme along the columns. Minimum and maximum involve no
    rounding, so any order of combining gives the same values. Borders are
    reflected as ndimage does (``np.pad`` calls this "symmetric").

    Parameters
    ----------
    image : (M, N) ndarray
        Input channel.
    element : (K, K) ndarray of bool
        Footprint from :func:`structuring_element`: K odd, each row a run of
        ones centred on the middle column.
    minimum : bool
        True for the minimum (erosion), False for the maximum (dilation).

    Returns
    -------
    (M, N) ndarray
        Filtered channel.

    Examples
    --------
    >>> grey_filter(np.array([[9.0, 1.0, 9.0, 9.0]]), structuring_element("cross", 1), minimum=True)
    array([[1., 1., 1., 9.]])
    """
    combine = np.minimum if minimum else np.maximum
    radius = element.shape[0] // 2
    rows, cols = image.shape
    widths = [int(width) for width in element.sum(axis=1)]
    # bands of consecutive footprint rows with the same width: (first row, height, width)
    bands = []
    for offset, width in enumerate(widths):
        if bands and bands[-1][2] == width:
            bands[-1][1] += 1
        else:
            bands.append([offset, 1, width])
    result = None
    across, done = np.pad(image, radius, mode="symmetric"), 1
    for width in sorted(set(widths)):
        across, done = running_extreme(across, done, width, combine), width
        centred = across[:, radius - width // 2 :][:, :cols]
        for first, height, band_width in bands:
            if band_width == width:
                band = centred[first : first + rows + height - 1]
                down = running_extreme(band.T, 1, height, combine).T
                result = down.copy() if result is None else combine(result, down, out=result)
    return result


#: The threshold of operations that work on a mask, when they receive grey levels instead.
THRESHOLD = Param(
    "threshold",
    "int",
    127,
    min=0,
    max=255,
    step=1,
    help="Pixels brighter than this are objects; a mask from the step before is used as it is.",
)


def _binary_depth(passes):
    """The depth of `passes` rounds of `iterations` erosions or dilations (see ``chunking``)."""
    return lambda params: passes * params["radius"] * params["iterations"]


def _grey_depth(passes):
    """The depth of `passes` grey erosions or dilations in turn (see ``chunking``)."""
    return lambda params: passes * params["radius"]


def _footprint(default):
    return Param(
        "footprint",
        "choice",
        default,
        choices=FOOTPRINTS,
        help="Shape of the structuring element.",
    )


def _radius(default):
    return Param(
        "radius",
        "int",
        default,
        min=1,
        max=10,
        step=1,
        help="Half-width of the structuring element, in pixels.",
        unit="px",
    )


_ITERATIONS = Param(
    "iterations", "int", 1, min=1, max=20, step=1, help="How many times the step is repeated."
)
_BINARY = [THRESHOLD, _footprint("cross"), _radius(1), _ITERATIONS]
_GREY = [_footprint("disk"), _radius(3)]


@operation(
    category="morphology",
    title="Binary erosion",
    params=_BINARY,
    channels="grey",
    output="mask",
    accepts="mask",
    name_as="eroded",
    memory=2,
    chunking=_binary_depth(1),
)
def binary_erosion(image, *, threshold=127, footprint="cross", radius=1, iterations=1):
    """Shrink the mask ``image > threshold``: keep pixels whose whole footprint is foreground.

    Parameters
    ----------
    image : (M, N) ndarray of float64 or bool
        Grey levels, or a mask used as it is.
    threshold : int
        Pixels brighter than this form the foreground; unused when `image` is a mask.
    footprint : {"cross", "diamond", "square", "disk"}
        Shape of the structuring element, see :func:`structuring_element`.
    radius : int
        Half-width of the structuring element.
    iterations : int
        Number of erosions.

    Returns
    -------
    (M, N) ndarray of bool
        Eroded mask.

    Examples
    --------
    >>> image = np.zeros((5, 5))
    >>> image[1:4, 1:4] = 255
    >>> binary_erosion(image, footprint="square").sum()
    np.int64(1)
    """
    element = structuring_element(footprint, radius)
    return ndimage.binary_erosion(foreground(image, threshold), element, iterations=iterations)


@operation(
    category="morphology",
    title="Binary dilation",
    params=_BINARY,
    channels="grey",
    output="mask",
    accepts="mask",
    name_as="dilated",
    memory=2,
    chunking=_binary_depth(1),
)
def binary_dilation(image, *, threshold=127, footprint="cross", radius=1, iterations=1):
    """Grow the mask ``image > threshold`` by the footprint.

    Parameters
    ----------
    image : (M, N) ndarray of float64 or bool
        Grey levels, or a mask used as it is.
    threshold : int
        Pixels brighter than this form the foreground; unused when `image` is a mask.
    footprint : {"cross", "diamond", "square", "disk"}
        Shape of the structuring element, see :func:`structuring_element`.
    radius : int
        Half-width of the structuring element.
    iterations : int
        Number of dilations.

    Returns
    -------
    (M, N) ndarray of bool
        Dilated mask.

    Examples
    --------
    >>> image = np.zeros((5, 5))
    >>> image[2, 2] = 255
    >>> binary_dilation(image).sum()
    np.int64(5)
    """
    element = structuring_element(footprint, radius)
    return ndimage.binary_dilation(foreground(image, threshold), element, iterations=iterations)


@operation(
    category="morphology",
    title="Binary opening",
    params=_BINARY,
    channels="grey",
    output="mask",
    accepts="mask",
    name_as="opened",
    memory=2,
    chunking=_binary_depth(2),
)
def binary_opening(image, *, threshold=127, footprint="cross", radius=1, iterations=1):
    """Remove small bright specks from the mask ``image > threshold``.

    Parameters
    ----------
    image : (M, N) ndarray of float64 or bool
        Grey levels, or a mask used as it is.
    threshold : int
        Pixels brighter than this form the foreground; unused when `image` is a mask.
    footprint : {"cross", "diamond", "square", "disk"}
        Shape of the structuring element, see :func:`structuring_element`.
    radius : int
        Half-width of the structuring element.
    iterations : int
        Number of erosions followed by as many dilations; with the default
        3×3 cross, objects narrower than about ``2 * iterations + 1`` pixels
        vanish.

    Returns
    -------
    (M, N) ndarray of bool
        Opened mask.

    Examples
    --------
    >>> image = np.zeros((7, 7))
    >>> image[1:6, 1:6] = 255
    >>> image[0, 0] = 255
    >>> opened = binary_opening(image)
    >>> bool(opened[0, 0]), bool(opened[3, 3])
    (False, True)
    """
    element = structuring_element(footprint, radius)
    return ndimage.binary_opening(foreground(image, threshold), element, iterations=iterations)


@operation(
    category="morphology",
    title="Binary closing",
    params=_BINARY,
    channels="grey",
    output="mask",
    accepts="mask",
    name_as="closed",
    memory=2,
    chunking=_binary_depth(2),
)
def binary_closing(image, *, threshold=127, footprint="cross", radius=1, iterations=1):
    """Fill small dark gaps in the mask ``image > threshold``.

    Parameters
    ----------
    image : (M, N) ndarray of float64 or bool
        Grey levels, or a mask used as it is.
    threshold : int
        Pixels brighter than this form the foreground; unused when `image` is a mask.
    footprint : {"cross", "diamond", "square", "disk"}
        Shape of the structuring element, see :func:`structuring_element`.
    radius : int
        Half-width of the structuring element.
    iterations : int
        Number of dilations followed by as many erosions. As the erosions
        count outside the image as background, objects touching the border
        may lose a rim there.

    Returns
    -------
    (M, N) ndarray of bool
        Closed mask.

    Examples
    --------
    >>> image = np.full((5, 7), 255.0)
    >>> image[:, 3] = 0
    >>> bool(binary_closing(image)[2, 3])
    True
    """
    element = structuring_element(footprint, radius)
    return ndimage.binary_closing(foreground(image, threshold), element, iterations=iterations)


@operation(
    category="morphology",
    title="Fill holes",
    params=[THRESHOLD],
    channels="grey",
    output="mask",
    accepts="mask",
    name_as="filled",
    memory=2,
)
def fill_holes(image, *, threshold=127):
    """Fill the background regions of ``image > threshold`` that do not touch the border.

    Parameters
    ----------
    image : (M, N) ndarray of float64 or bool
        Grey levels, or a mask used as it is.
    threshold : int
        Pixels brighter than this form the foreground; unused when `image` is a mask.

    Returns
    -------
    (M, N) ndarray of bool
        The mask with its holes filled (``ndimage.binary_fill_holes``).

    Examples
    --------
    >>> ring = np.full((5, 5), 255.0)
    >>> ring[2, 2] = 0
    >>> bool(fill_holes(ring)[2, 2])
    True
    """
    return ndimage.binary_fill_holes(foreground(image, threshold))


@operation(
    category="morphology",
    title="Grey erosion",
    params=_GREY,
    channels="each",
    output="clip",
    memory=6,  # the padded channel, running extremes, the result
    chunking=_grey_depth(1),
)
def grey_erosion(image, *, footprint="disk", radius=3):
    """Replace each pixel by the minimum over the footprint: dark areas grow.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    footprint : {"cross", "diamond", "square", "disk"}
        Shape of the structuring element, see :func:`structuring_element`.
    radius : int
        Half-width of the structuring element.

    Returns
    -------
    (M, N) ndarray of float64
        Eroded channel. Borders are handled by reflection.

    Examples
    --------
    >>> grey_erosion(np.array([[9.0, 1.0, 9.0, 9.0, 9.0]]), footprint="square", radius=1)
    array([[1., 1., 1., 9., 9.]])
    """
    element = structuring_element(footprint, radius)
    return grey_filter(exact_uint8(image), element, minimum=True).astype(image.dtype, copy=False)


@operation(
    category="morphology",
    title="Grey dilation",
    params=_GREY,
    channels="each",
    output="clip",
    memory=6,  # the padded channel, running extremes, the result
    chunking=_grey_depth(1),
)
def grey_dilation(image, *, footprint="disk", radius=3):
    """Replace each pixel by the maximum over the footprint: bright areas grow.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    footprint : {"cross", "diamond", "square", "disk"}
        Shape of the structuring element, see :func:`structuring_element`.
    radius : int
        Half-width of the structuring element.

    Returns
    -------
    (M, N) ndarray of float64
        Dilated channel. Borders are handled by reflection.

    Examples
    --------
    >>> grey_dilation(np.array([[1.0, 9.0, 1.0, 1.0, 1.0]]), footprint="square", radius=1)
    array([[9., 9., 9., 1., 1.]])
    """
    element = structuring_element(footprint, radius)
    dilated = grey_filter(exact_uint8(image), element, minimum=False)
    return dilated.astype(image.dtype, copy=False)


@operation(
    category="morphology",
    title="Grey opening",
    params=_GREY,
    channels="each",
    output="clip",
    memory=7,  # the padded channel, running extremes, two results
    chunking=_grey_depth(2),
)
def grey_opening(image, *, footprint="disk", radius=3):
    """Erode then dilate: remove bright details smaller than the footprint.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    footprint : {"cross", "diamond", "square", "disk"}
        Shape of the structuring element, see :func:`structuring_element`.
    radius : int
        Half-width of the structuring element.

    Returns
    -------
    (M, N) ndarray of float64
        Opened channel, never brighter than the input.

    Examples
    --------
    >>> grey_opening(np.array([[1.0, 9.0, 1.0, 1.0]]), footprint="square", radius=1)
    array([[1., 1., 1., 1.]])
    """
    element = structuring_element(footprint, radius)
    eroded = grey_filter(exact_uint8(image), element, minimum=True)
    return grey_filter(eroded, element, minimum=False).astype(image.dtype, copy=False)


@operation(
    category="morphology",
    title="Grey closing",
    params=_GREY,
    channels="each",
    output="clip",
    memory=7,  # the padded channel, running extremes, two results
    chunking=_grey_depth(2),
)
def grey_closing(image, *, footprint="disk", radius=3):
    """Dilate then erode: remove dark details smaller than the footprint.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    footprint : {"cross", "diamond", "square", "disk"}
        Shape of the structuring element, see :func:`structuring_element`.
    radius : int
        Half-width of the structuring element.

    Returns
    -------
    (M, N) ndarray of float64
        Closed channel, never darker than the input.

    Examples
    --------
    >>> grey_closing(np.array([[9.0, 1.0, 9.0, 9.0]]), footprint="square", radius=1)
    array([[9., 9., 9., 9.]])
    """
    element = structuring_element(footprint, radius)
    dilated = grey_filter(exact_uint8(image), element, minimum=False)
    return grey_filter(dilated, element, minimum=True).astype(image.dtype, copy=False)


@operation(
    category="morphology",
    title="White top-hat",
    params=_GREY,
    channels="each",
    output="rescale",
    memory=7,  # the padded channel, running extremes, two results
    chunking=_grey_depth(2),
)
def white_tophat(image, *, footprint="disk", radius=3):
    """Bright details smaller than the footprint: the image minus its opening.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    footprint : {"cross", "diamond", "square", "disk"}
        Shape of the structuring element, see :func:`structuring_element`.
    radius : int
        Half-width of the structuring element.

    Returns
    -------
    (M, N) ndarray of float64
        Non-negative channel, displayed rescaled to 0–255; removes uneven
        background lighting.

    Examples
    --------
    >>> white_tophat(np.array([[1.0, 9.0, 1.0, 1.0]]), footprint="square", radius=1)
    array([[0., 8., 0., 0.]])
    """
    element = structuring_element(footprint, radius)
    eroded = grey_filter(exact_uint8(image), element, minimum=True)
    return image - grey_filter(eroded, element, minimum=False)


@operation(
    category="morphology",
    title="Black top-hat",
    params=_GREY,
    channels="each",
    output="rescale",
    memory=7,  # the padded channel, running extremes, two results
    chunking=_grey_depth(2),
)
def black_tophat(image, *, footprint="disk", radius=3):
    """Dark details smaller than the footprint: the closing minus the image.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    footprint : {"cross", "diamond", "square", "disk"}
        Shape of the structuring element, see :func:`structuring_element`.
    radius : int
        Half-width of the structuring element.

    Returns
    -------
    (M, N) ndarray of float64
        Non-negative channel, bright where the input has small dark
        details; displayed rescaled to 0–255.

    Examples
    --------
    >>> black_tophat(np.array([[9.0, 1.0, 9.0, 9.0]]), footprint="square", radius=1)
    array([[0., 8., 0., 0.]])
    """
    element = structuring_element(footprint, radius)
    dilated = grey_filter(exact_uint8(image), element, minimum=False)
    return grey_filter(dilated, element, minimum=True) - image


@operation(
    category="morphology",
    title="Morphological gradient",
    params=_GREY,
    channels="each",
    output="rescale",
    memory=7,  # the padded channel, running extremes, two results
    chunking=_grey_depth(1),
)
def morphological_gradient(image, *, footprint="disk", radius=3):
    """Dilation minus erosion: the grey-level range over the footprint, large on edges.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    footprint : {"cross", "diamond", "square", "disk"}
        Shape of the structuring element, see :func:`structuring_element`.
    radius : int
        Half-width of the structuring element; edges come out about
        ``2 * radius`` pixels thick.

    Returns
    -------
    (M, N) ndarray of float64
        Non-negative channel, displayed rescaled to 0–255.

    Examples
    --------
    >>> morphological_gradient(np.array([[0.0, 0.0, 5.0, 5.0]]), footprint="square", radius=1)
    array([[0., 5., 5., 0.]])
    """
    element = structuring_element(footprint, radius)
    small = exact_uint8(image)
    dilated = grey_filter(small, element, minimum=False)
    return dilated.astype(image.dtype) - grey_filter(small, element, minimum=True)
