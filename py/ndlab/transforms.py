"""Geometric transforms.

Interpolating transforms default to cubic splines (order 3), as scipy.ndimage does and as
the chapter's calls use; order 1 is faster and never overshoots. They declare
``channels="all"``: the alpha channel moves with the pixels, so areas uncovered by a
transform become transparent (black without alpha).
"""

import numpy as np
from scipy import ndimage

from .registry import Param, operation

#: Boundary modes of scipy.ndimage's interpolation functions.
MODES = (
    "constant",
    "nearest",
    "reflect",
    "mirror",
    "wrap",
    "grid-constant",
    "grid-mirror",
    "grid-wrap",
)


def _order(default=3):
    return Param(
        "order",
        "int",
        default,
        min=0,
        max=5,
        step=1,
        help="Spline interpolation order: 0 nearest, 1 bilinear, 3 cubic.",
    )


def _mode(default="constant"):
    return Param(
        "mode",
        "choice",
        default,
        choices=MODES,
        help="How values outside the image are filled; 'constant' is black.",
    )


@operation(
    category="transforms",
    title="Rotate",
    params=[
        Param(
            "angle",
            "float",
            30.0,
            min=-180.0,
            max=180.0,
            step=1.0,
            help="Counter-clockwise rotation, in degrees.",
        ),
        Param("reshape", "bool", True, help="Enlarge the output so that nothing is cut off."),
        _order(),
        _mode(),
    ],
    channels="all",
    output="clip",
    memory=8,
)
def rotate(image, *, angle=30.0, reshape=True, order=3, mode="constant"):
    """Rotate about the centre.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    angle : float
        Counter-clockwise angle, in degrees.
    reshape : bool
        If True the output grows to contain the whole rotated image;
        otherwise it keeps the input shape and corners are cut off.
    order : int
        Spline order, 0–5. Bilinear (1) never overshoots the input range;
        higher orders are sharper but can ring (results are clipped).
    mode : str
        ``scipy.ndimage`` boundary mode; "constant" fills with 0 (black,
        and transparent in the alpha channel).

    Returns
    -------
    ndarray of float64
        Rotated channel.

    Examples
    --------
    >>> rotate(np.zeros((10, 20)), angle=90.0).shape
    (20, 10)
    """
    return ndimage.rotate(image, angle, reshape=reshape, order=order, mode=mode)


@operation(
    category="transforms",
    title="Zoom",
    params=[
        Param(
            "factor",
            "float",
            2.0,
            min=0.05,
            max=4.0,
            step=0.05,
            help="Scale factor: above 1 enlarges, below 1 shrinks.",
        ),
        _order(),
    ],
    channels="all",
    output="clip",
    memory=lambda params: 3.5 + 3.5 * params["factor"] ** 2,
)
def zoom(image, *, factor=2.0, order=3):
    """Resize by a factor with spline interpolation.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    factor : float
        Scale factor for both axes; the output has ``round(M * factor)``
        rows and ``round(N * factor)`` columns.
    order : int
        Spline order, 0–5. Shrinking does not smooth first, so fine
        patterns can alias; blur before shrinking a lot.

    Returns
    -------
    ndarray of float64
        Resized channel.

    Raises
    ------
    ValueError
        If the output would have no row or no column.

    Examples
    --------
    >>> zoom(np.zeros((10, 20)), factor=0.5).shape
    (5, 10)
    """
    rows, cols = (round(n * factor) for n in image.shape)
    if rows == 0 or cols == 0:
        smallest = 1 / min(image.shape)
        raise ValueError(
            f"factor {factor:g} would leave {cols}×{rows} pixels (width×height) of the "
            f"{image.shape[1]}×{image.shape[0]} image; {smallest:.3g} or more keeps one"
        )
    return ndimage.zoom(image, factor, order=order)


@operation(
    category="transforms",
    title="Shift",
    params=[
        Param(
            "rows",
            "float",
            10.0,
            min=-2000.0,
            max=2000.0,
            step=1.0,
            help="Shift down by this many pixels (negative: up).",
            unit="px",
        ),
        Param(
            "cols",
            "float",
            10.0,
            min=-2000.0,
            max=2000.0,
            step=1.0,
            help="Shift right by this many pixels (negative: left).",
            unit="px",
        ),
        _order(),
        _mode(),
    ],
    channels="all",
    output="clip",
)
def shift(image, *, rows=10.0, cols=10.0, order=3, mode="constant"):
    """Translate by a (possibly fractional) number of rows and columns.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    rows, cols : float
        Offsets in pixels: positive moves the content down and right.
        Fractional offsets are interpolated.
    order : int
        Spline order, 0–5.
    mode : str
        ``scipy.ndimage`` boundary mode for the uncovered area; "wrap"
        scrolls the image around.

    Returns
    -------
    (M, N) ndarray of float64
        Shifted channel.

    Examples
    --------
    >>> shift(np.arange(4.0).reshape(1, 4), rows=0.0, cols=1.0, order=1)
    array([[0., 0., 1., 2.]])
    """
    return ndimage.shift(image, (rows, cols), order=order, mode=mode)


def _side(name, where):
    return Param(
        name,
        "int",
        0,
        min=0,
        max=4000,
        step=1,
        help=f"Pixels removed at the {where}.",
        unit="px",
    )


@operation(
    category="transforms",
    title="Crop",
    params=[_side("top", "top"), _side("bottom", "bottom"), _side("left", "left")]
    + [_side("right", "right")],
    channels="all",
    output="clip",
    memory=3,
)
def crop(image, *, top=0, bottom=0, left=0, right=0):
    """Cut margins given in pixels, as slicing does: ``image[top:-bottom, left:-right]``.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    top, bottom, left, right : int
        Pixels removed on each side; none by default (the chapter's
        micrograph loses its information band with ``bottom=60``).

    Returns
    -------
    ndarray of float64
        The remaining part of the channel.

    Raises
    ------
    ValueError
        If the margins leave no row or no column.

    Examples
    --------
    >>> crop(np.zeros((10, 20)), top=5, bottom=0, left=5, right=5).shape
    (5, 10)
    """
    rows, cols = image.shape
    if top + bottom >= rows:
        raise ValueError(f"top + bottom must be less than the {rows} rows, got {top} + {bottom}")
    if left + right >= cols:
        raise ValueError(f"left + right must be less than the {cols} columns, got {left} + {right}")
    return image[top : rows - bottom, left : cols - right]


@operation(
    category="transforms",
    title="Flip",
    params=[
        Param(
            "axis",
            "choice",
            "horizontal",
            choices=("horizontal", "vertical", "both"),
            help="Horizontal mirrors left and right; vertical turns upside down.",
        )
    ],
    channels="all",
    output="clip",
    memory=3.5,
)
def flip(image, *, axis="horizontal"):
    """Mirror the image left to right, top to bottom, or both.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    axis : {"horizontal", "vertical", "both"}
        "horizontal" reverses the columns (a mirror image), "vertical"
        reverses the rows (upside down) and "both" equals a 180° rotation.

    Returns
    -------
    (M, N) ndarray of float64
        Flipped channel.

    Examples
    --------
    >>> flip(np.array([[1.0, 2.0], [3.0, 4.0]]), axis="vertical")
    array([[3., 4.],
           [1., 2.]])
    """
    return np.flip(image, axis={"vertical": 0, "horizontal": 1, "both": (0, 1)}[axis])


def _entry(name, default, help):
    return Param(name, "float", default, min=-4.0, max=4.0, step=0.05, help=help)


def _offset(name, help):
    return Param(name, "float", 0.0, min=-2000.0, max=2000.0, step=1.0, help=help, unit="px")


@operation(
    category="transforms",
    title="Affine transform",
    params=[
        _entry("m00", 1.0, "Input row per output row."),
        _entry("m01", 0.0, "Input row per output column."),
        _offset("m02", "Input row offset, in pixels."),
        _entry("m10", 0.0, "Input column per output row."),
        _entry("m11", 1.0, "Input column per output column."),
        _offset("m12", "Input column offset, in pixels."),
        _order(),
        _mode(),
    ],
    channels="all",
    output="clip",
)
def affine_transform(
    image, *, m00=1.0, m01=0.0, m02=0.0, m10=0.0, m11=1.0, m12=0.0, order=3, mode="constant"
):
    """Resample through a 2×3 affine matrix, in (row, column) coordinates.

    Each output pixel ``(r, c)`` takes the input value at ``(m00 * r + m01 * c
    + m02, m10 * r + m11 * c + m12)``: the matrix maps output to input, as in
    ``scipy.ndimage.affine_transform``. So ``m02 = 10`` moves the picture 10
    rows up, ``m00 = m11 = 2`` shrinks it to a half about the top-left corner,
    and ``[[cos t, -sin t, 0], [sin t, cos t, 0]]`` rotates it clockwise by
    ``t`` about the top-left corner. The default is the identity.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    m00, m01, m02, m10, m11, m12 : float
        The matrix ``[[m00, m01, m02], [m10, m11, m12]]``.
    order : int
        Spline order, 0–5.
    mode : str
        ``scipy.ndimage`` boundary mode for points mapped outside the input.

    Returns
    -------
    (M, N) ndarray of float64
        Transformed channel, with the input's shape.

    Examples
    --------
    >>> affine_transform(np.arange(4.0).reshape(1, 4), m12=1.0)
    array([[1., 2., 3., 0.]])
    """
    matrix = [[m00, m01, m02], [m10, m11, m12]]
    return ndimage.affine_transform(image, matrix, order=order, mode=mode)
