"""How a file becomes the array ndlab runs on, in the page and in the Dask script alike.

The page decodes an image file in the browser, which gives 8-bit RGBA pixels whatever the file
holds, and keeps the smallest equivalent array (:func:`canonical`); it reads ``.npy``, ``.npz``
and ``.mat`` files in Python (:func:`read_array_file`). The Dask script reads image files with
Pillow: :func:`browser_rgba` gives it the pixels Chromium gives the page (16 bits taken to 8,
transparency as the canvas keeps it, the EXIF orientation applied), then the same
:func:`canonical`; and arrays with the same :func:`read_array_file`. The script holds these
functions' source (see :mod:`ndlab.dask_export`), so they need NumPy only: Pillow's picture is
given to them.
"""

import io

import numpy as np

from .convert import check_image, is_grey

#: The files read as arrays rather than decoded as images, in the page and in the Dask script.
ARRAY_SUFFIXES = (".npy", ".npz", ".mat")


def is_array_file(name):
    """Whether the file called `name` is read as an array rather than decoded as an image.

    Examples
    --------
    >>> is_array_file("field.MAT"), is_array_file("photo.png")
    (True, False)
    """
    return name.lower().endswith(ARRAY_SUFFIXES)


def canonical(rgba):
    """Return the smallest array equivalent to browser pixels `rgba`.

    Grey pixels (R = G = B) become a 2-D array; opaque colour drops its alpha
    channel. The result is what ``Result.code`` expects as ``image``, and
    matches what Pillow's ``convert("L")``, ``convert("RGB")`` or
    ``convert("RGBA")`` gives for the same picture.

    Examples
    --------
    >>> canonical(np.full((2, 2, 4), 255, np.uint8)).shape
    (2, 2)
    """
    if is_grey(rgba):
        return rgba[..., 0]
    if (rgba[..., 3] == 255).all():
        return rgba[..., :3]
    return rgba


def browser_rgba(picture):
    """Return the RGBA bytes a browser's canvas gives for a picture Pillow opened.

    Chromium's rules, measured on every value: a 16-bit image keeps the high
    byte of each value; the EXIF orientation is applied; a partly
    transparent pixel is kept premultiplied by its alpha in 8 bits (rounded,
    or as libwebp does for WebP) and divided again in float32 when read, so
    its colour may move by a level, and a fully transparent pixel is black.

    Parameters
    ----------
    picture : PIL.Image.Image
        An image file opened with Pillow (``picture.load()`` reports a damaged one).

    Returns
    -------
    (H, W, 4) ndarray of uint8

    Examples
    --------
    >>> from PIL import Image
    >>> browser_rgba(Image.fromarray(np.array([[0, 4660, 65535]], np.uint16)))[0, :, 0]
    array([  0,  18, 255], dtype=uint8)
    """
    if picture.mode.startswith("I;16"):
        grey = (np.asarray(picture).astype(np.uint16) >> 8).astype(np.uint8)
        rgba = np.dstack([grey, grey, grey, np.full(grey.shape, 255, np.uint8)])
    else:
        rgba = np.array(picture.convert("RGBA"))
    alpha = rgba[..., 3:].astype(np.uint32)
    if (alpha < 255).any():
        if picture.format == "WEBP":
            kept = (rgba[..., :3] * (alpha * 32897)) >> 23
        else:
            kept = (rgba[..., :3] * alpha + 127) // 255
        # in float32, in this order: Chromium's division, to the last bit
        scale, alpha = np.float32(1 / 255), alpha.astype(np.float32)
        with np.errstate(divide="ignore", invalid="ignore"):  # alpha 0: black, below
            colour = kept.astype(np.float32) * scale * (np.float32(1) / (alpha * scale)) * 255
        rgba[..., :3] = np.where(alpha == 0, 0, np.rint(colour))
    return np.ascontiguousarray(_oriented(rgba, picture.getexif().get(0x0112, 1)))


def _oriented(image, orientation):
    """`image` turned as EXIF `orientation` (1 to 8) says it is shown."""
    turns = {
        2: lambda a: a[:, ::-1],
        3: lambda a: a[::-1, ::-1],
        4: lambda a: a[::-1],
        5: lambda a: a.swapaxes(0, 1),
        6: lambda a: np.rot90(a, -1),
        7: lambda a: a[::-1, ::-1].swapaxes(0, 1),
        8: lambda a: np.rot90(a),
    }
    return turns[orientation](image) if orientation in turns else image


def read_array_file(data, filename, variable=""):
    """Return the array of a ``.npy``, ``.npz`` or ``.mat`` file, as the page opens it.

    Parameters
    ----------
    data : bytes
        The file's contents.
    filename : str
        Its name; the extension picks the format: ``.npy`` (one array),
        ``.npz`` (NumPy archive) or ``.mat`` (MATLAB up to v7, read with
        ``scipy.io.loadmat``). Pickled Python objects are never loaded.
    variable : str
        The array to open from a ``.npz`` or ``.mat`` file; "" opens the
        first usable one.

    Returns
    -------
    array : ndarray
        2-D, H×W×3 or H×W×4 (H×W×1 becomes 2-D), of numbers or booleans.
    variables : list of str
        The usable arrays of a ``.npz`` or ``.mat`` file ([] for ``.npy``).
    name : str or None
        The one opened (None for ``.npy``).

    Raises
    ------
    ValueError
        For a file that cannot be read or holds no usable array; the message names the file.

    Examples
    --------
    >>> buffer = io.BytesIO()
    >>> np.save(buffer, np.zeros((2, 3, 1)))
    >>> read_array_file(buffer.getvalue(), "a.npy")[0].shape
    (2, 3)
    """
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if extension == "npy":
        variables, name = [], None
        array = _load_npy(data, filename)
        if not _usable(array):
            raise ValueError(
                f"{filename} must hold a non-empty 2-D, H×W×3 or H×W×4 array of numbers, "
                f"got {_array_text(array)}"
            )
    elif extension in ("npz", "mat"):
        arrays = _load_npz(data, filename) if extension == "npz" else _load_mat(data, filename)
        variables = [key for key, value in arrays.items() if _usable(value)]
        if not variables:
            found = ", ".join(f"{key} {_array_text(value)}" for key, value in arrays.items())
            raise ValueError(
                f"{filename} holds no numeric 2-D or 3-D array; found: {found or 'nothing'}"
            )
        name = variable or variables[0]
        if name not in variables:
            raise ValueError(
                f"{filename} has no usable variable {name!r}; usable: {', '.join(variables)}"
            )
        array = arrays[name]
    else:
        raise ValueError(f"can open .npy, .npz and .mat arrays, got {filename!r}")
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    return array, variables, name


def checked_array(array, filename):
    """Return `array` if operations can take it; ValueError naming `filename` and why not."""
    try:
        return check_image(array)
    except ValueError as exc:
        raise ValueError(f"{filename}: {exc}; operations need finite numbers") from None


def _load_npy(data, filename):
    try:
        return np.load(io.BytesIO(data), allow_pickle=False)
    except ValueError as exc:
        if "Object arrays" in str(exc):
            raise ValueError(
                f"{filename} holds Python objects (dtype object), which are not loaded "
                "for safety; save a numeric array instead"
            ) from None
        raise ValueError(f"{filename} is not a readable .npy file: {exc}") from None


def _load_npz(data, filename):
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            return {key: _load_member(archive, key) for key in archive.files}
    except Exception as exc:  # a damaged file can fail anywhere in the parser
        raise ValueError(f"{filename} is not a readable .npz file: {exc}") from None


def _load_member(archive, key):
    try:
        return archive[key]
    except ValueError:
        return None  # an object array: listed as unusable


def _load_mat(data, filename):
    import scipy.io  # imported here: start-up does not pay for it

    try:
        contents = scipy.io.loadmat(io.BytesIO(data))
    except NotImplementedError:
        raise ValueError(
            f"{filename} is a MATLAB v7.3 (HDF5) file; save it with save(..., '-v7')"
        ) from None
    except Exception as exc:  # a damaged file can fail anywhere in the parser
        raise ValueError(f"{filename} is not a readable .mat file: {exc}") from None
    return {key: value for key, value in contents.items() if not key.startswith("__")}


def _usable(value):
    return (
        isinstance(value, np.ndarray)
        and value.dtype.kind in "biuf"
        and value.size > 0
        and (value.ndim == 2 or (value.ndim == 3 and value.shape[2] in (1, 3, 4)))
    )


def _array_text(value):
    if isinstance(value, np.ndarray):
        return f"({'×'.join(map(str, value.shape))} {value.dtype})"
    return "(not an array)"
