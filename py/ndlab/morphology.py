"""Binary morphology."""

from scipy import ndimage

from .registry import Param, operation


@operation(
    category="morphology",
    title="Binary opening",
    params=[
        Param(
            "threshold",
            "int",
            127,
            min=0,
            max=255,
            step=1,
            help="Pixels brighter than this are foreground.",
        ),
        Param(
            "iterations",
            "int",
            1,
            min=1,
            max=20,
            step=1,
            help="How many erosions, then as many dilations.",
        ),
    ],
    channels="grey",
    output="mask",
)
def binary_opening(image, *, threshold=127, iterations=1):
    """Remove small bright specks from the mask ``image > threshold``.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Grey levels on a 0–255 scale.
    threshold : int
        Pixels brighter than this form the foreground.
    iterations : int
        Number of erosions followed by as many dilations with the 3×3 cross;
        objects narrower than about ``2 * iterations + 1`` pixels vanish.

    Returns
    -------
    (M, N) ndarray of bool
        Opened mask. Outside the image counts as background.

    Examples
    --------
    >>> image = np.zeros((7, 7))
    >>> image[1:6, 1:6] = 255
    >>> image[0, 0] = 255
    >>> opened = binary_opening(image)
    >>> bool(opened[0, 0]), bool(opened[3, 3])
    (False, True)
    """
    return ndimage.binary_opening(image > threshold, iterations=iterations)
