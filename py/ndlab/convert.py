"""Normalise input images and map results to uint8 for display.

Input images are 2-D (grey), H×W×3 (RGB) or H×W×4 (RGBA) arrays of any real
dtype, on a 0–255 scale. Operations see float64 channels so that SciPy's
separable filters do not truncate to integers between passes; the result is
rounded once, at the end, by one of the mappings :func:`clip`,
:func:`rescale`, :func:`paint_mask` or :func:`paint_labels`. These mapping
functions are copied verbatim into exported code, so they use only NumPy.
"""

import numpy as np

#: Luminance weights (ITU-R BT.709), as in scikit-image's ``rgb2gray``.
GREY_WEIGHTS = (0.2125, 0.7154, 0.0721)


def check_image(image):
    """Return `image` as an array after checking it is a usable image.

    Parameters
    ----------
    image : array_like
        2-D, H×W×3 or H×W×4 array of booleans, integers or finite floats.

    Returns
    -------
    ndarray
        The same data (not copied when already an array).

    Raises
    ------
    ValueError
        If the dtype, the shape or the values cannot be used.

    Examples
    --------
    >>> check_image(np.zeros((2, 3), np.uint8)).shape
    (2, 3)
    >>> check_image(np.zeros((2, 3, 2)))
    Traceback (most recent call last):
    ...
    ValueError: image must be 2-D (grey), H×W×3 (RGB) or H×W×4 (RGBA), got shape (2, 3, 2)
    """
    image = np.asarray(image)
    if image.dtype.kind not in "biuf":
        raise ValueError(f"image must have a boolean, integer or float dtype, got {image.dtype}")
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (3, 4)):
        raise ValueError(
            f"image must be 2-D (grey), H×W×3 (RGB) or H×W×4 (RGBA), got shape {image.shape}"
        )
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise ValueError(f"image is empty, got shape {image.shape}")
    if image.dtype.kind == "f" and not np.isfinite(image).all():
        raise ValueError("image contains NaN or infinite values")
    return image


def is_grey(image):
    """Return True if `image` is 2-D or its R, G and B channels are identical.

    Browsers always deliver RGBA pixels, so a grey picture arrives with three
    equal colour channels; treating it as grey avoids three identical passes
    and gives single-channel results. The alpha channel is not compared.

    Examples
    --------
    >>> is_grey(np.dstack([np.eye(2)] * 3))
    True
    >>> is_grey(np.dstack([np.eye(2), np.eye(2), np.zeros((2, 2))]))
    False
    """
    if image.ndim == 2:
        return True
    # Colour photos differ in their first row already, so check it alone first.
    for rows in (slice(0, 1), slice(None)):
        part = image[rows]
        if part.dtype == np.uint8 and part.shape[2] == 4 and part.flags.c_contiguous:
            # One pass over RGBA pixels seen as little-endian uint32 (R in the
            # low byte): R == G and G == B exactly when the low 16 bits of
            # pixel ^ (pixel >> 8) are zero.
            pixels = part.view("<u4")
            if ((pixels ^ (pixels >> 8)) & 0xFFFF).any():
                return False
        else:
            red = part[..., 0]
            if not (np.array_equal(red, part[..., 1]) and np.array_equal(red, part[..., 2])):
                return False
    return True


def channel_layout(image):
    """Return how `image` is processed: "grey", "rgb" or "rgba".

    A colour image with identical colour channels is "grey"; its alpha
    channel, if any, is then dropped.

    Examples
    --------
    >>> channel_layout(np.zeros((2, 2, 4)))
    'grey'
    >>> channel_layout(np.arange(12).reshape(2, 2, 3))
    'rgb'
    """
    if is_grey(image):
        return "grey"
    return "rgb" if image.shape[2] == 3 else "rgba"


def rgb_to_grey(image):
    """Convert colour to grey with the BT.709 luminance weights in ``GREY_WEIGHTS``.

    Parameters
    ----------
    image : (M, N, 3) ndarray of float64
        Red, green and blue channels.

    Returns
    -------
    (M, N) ndarray of float64
        ``0.2125 * red + 0.7154 * green + 0.0721 * blue`` (ITU-R BT.709, as
        scikit-image's ``rgb2gray``); ndlab converts colour to grey this way
        for every "grey" operation.

    Examples
    --------
    >>> float(rgb_to_grey(np.full((1, 1, 3), 100.0))[0, 0])
    100.0
    """
    red, green, blue = GREY_WEIGHTS
    return red * image[..., 0] + green * image[..., 1] + blue * image[..., 2]


def foreground(image, threshold):
    """Return the mask to work on: `image` if it is a mask, else ``image > threshold``.

    Examples
    --------
    >>> foreground(np.array([10.0, 200.0]), 127)
    array([False,  True])
    >>> foreground(np.array([True, False]), 127)
    array([ True, False])
    """
    return image if image.dtype == bool else image > threshold


def exact_uint8(image):
    """Return `image` as uint8 when that keeps every value exactly, else `image` itself.

    Operations that only choose among their input values (minimum, maximum,
    median) give the same result on the uint8 copy of an 8-bit image held
    in float64, from eight times less memory: several times faster in
    WebAssembly. Their callers turn the result back with
    ``.astype(image.dtype, copy=False)``.

    Parameters
    ----------
    image : ndarray
        Any real array without NaN.

    Returns
    -------
    ndarray
        A uint8 copy if all values are integers from 0 to 255, else `image`.

    Examples
    --------
    >>> exact_uint8(np.array([0.0, 255.0])).dtype, exact_uint8(np.array([0.5, 255.0])).dtype
    (dtype('uint8'), dtype('float64'))
    """
    with np.errstate(invalid="ignore"):  # values beyond 0–255 cast to something unequal
        small = image.astype(np.uint8)
    return small if np.array_equal(small, image) else image


def clip(data):
    """Round to the nearest integer and clip to 0–255."""
    rounded = np.rint(data)
    # maximum and minimum in place are faster than np.clip, with equal results.
    np.maximum(rounded, 0, out=rounded)
    return np.minimum(rounded, 255, out=rounded).astype(np.uint8)


def rescale(data):
    """Stretch [min, max] linearly to [0, 255]; a constant image becomes 0."""
    low, high = data.min(), data.max()
    if high == low:
        return np.zeros(data.shape, np.uint8)
    scaled = np.subtract(data, low, dtype=np.float64)
    scaled /= high - low
    scaled *= 255
    return np.rint(scaled, out=scaled).astype(np.uint8)


def paint_mask(data):
    """Map a boolean mask to 0 (False) and 255 (True)."""
    return np.asarray(data, dtype=bool) * np.uint8(255)


def paint_labels(data):
    """Paint label 0 (and below) black and labels 1, 2, ... in Okabe–Ito colours, cycled."""
    # Okabe & Ito's qualitative palette stays distinguishable with colour-blindness.
    palette = np.array(
        [
            [230, 159, 0],  # orange
            [86, 180, 233],  # sky blue
            [0, 158, 115],  # bluish green
            [240, 228, 66],  # yellow
            [0, 114, 178],  # blue
            [213, 94, 0],  # vermilion
            [204, 121, 167],  # reddish purple
        ],
        np.uint8,
    )
    colours = palette[(data - 1) % len(palette)]
    colours[data <= 0] = 0
    return colours


#: Output mappings by name, as declared by operations.
MAPPINGS = {"clip": clip, "rescale": rescale, "mask": paint_mask, "labels": paint_labels}
