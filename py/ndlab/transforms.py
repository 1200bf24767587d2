"""Geometric transforms."""

from scipy import ndimage

from .registry import Param, operation


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
    ],
    channels="each",
    output="clip",
)
def rotate(image, *, angle=30.0, reshape=True):
    """Rotate about the centre with bilinear interpolation.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    angle : float
        Counter-clockwise angle, in degrees.
    reshape : bool
        If True the output grows to contain the whole rotated image;
        otherwise it keeps the input shape and corners are cut off.

    Returns
    -------
    ndarray of float64
        Rotated channel; uncovered areas are 0 (black, and transparent in the
        alpha channel). Bilinear interpolation (``order=1``) is fast and never
        overshoots the input range, unlike higher-order splines.

    Examples
    --------
    >>> rotate(np.zeros((10, 20)), angle=90.0).shape
    (20, 10)
    """
    return ndimage.rotate(image, angle, reshape=reshape, order=1)
