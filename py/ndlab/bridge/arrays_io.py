"""Reading arrays from NumPy and MATLAB files: ``.npy``, ``.npz`` and ``.mat`` (up to v7).

Pickled Python objects are never loaded. A damaged or unusable file raises ValueError naming the
file and what it holds.
"""

import io

import numpy as np


def load_array(data, filename, variable=""):
    """Return the usable array of a ``.npy``, ``.npz`` or ``.mat`` file, and what else it holds.

    Parameters
    ----------
    data : bytes
        File contents.
    filename : str
        Its name; the extension picks the format: ``.npy`` (one array), ``.npz`` (NumPy archive)
        or ``.mat`` (MATLAB up to v7, read with ``scipy.io.loadmat``).
    variable : str
        Array to open from a ``.npz`` or ``.mat`` file; "" opens the first usable one.

    Returns
    -------
    array : ndarray
        A non-empty 2-D, H×W×3 or H×W×4 array of numbers or booleans (H×W×1 becomes 2-D).
    variables : list of str
        The usable arrays of the file ([] for ``.npy``).
    variable : str or None
        The one opened (None for ``.npy``).

    Raises
    ------
    ValueError
        For another extension, a damaged file, Python objects, or no usable array (or variable).

    Examples
    --------
    >>> buffer = io.BytesIO()
    >>> np.savez(buffer, line=np.zeros(3), grey=np.eye(2))
    >>> array, variables, variable = load_array(buffer.getvalue(), "arrays.npz")
    >>> array.shape, variables, variable
    ((2, 2), ['grey'], 'grey')
    """
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if extension == "npy":
        variables, variable = [], None
        array = load_npy(data, filename)
        if not usable(array):
            raise ValueError(
                f"{filename} must hold a non-empty 2-D, H×W×3 or H×W×4 array of numbers, "
                f"got {_describe(array)}"
            )
    elif extension in ("npz", "mat"):
        arrays = load_npz(data, filename) if extension == "npz" else load_mat(data, filename)
        variables = [key for key, value in arrays.items() if usable(value)]
        if not variables:
            found = ", ".join(f"{key} {_describe(value)}" for key, value in arrays.items())
            raise ValueError(
                f"{filename} holds no numeric 2-D or 3-D array; found: {found or 'nothing'}"
            )
        variable = variable or variables[0]
        if variable not in variables:
            raise ValueError(
                f"{filename} has no usable variable {variable!r}; usable: {', '.join(variables)}"
            )
        array = arrays[variable]
    else:
        raise ValueError(f"can open .npy, .npz and .mat arrays, got {filename!r}")
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    return array, variables, variable


def load_npy(data, filename):
    """Return the array of ``.npy`` file contents `data`; ValueError naming `filename`."""
    try:
        return np.load(io.BytesIO(data), allow_pickle=False)
    except ValueError as exc:
        if "Object arrays" in str(exc):
            raise ValueError(
                f"{filename} holds Python objects (dtype object), which are not loaded "
                "for safety; save a numeric array instead"
            ) from None
        raise ValueError(f"{filename} is not a readable .npy file: {exc}") from None


def load_npz(data, filename):
    """Return the arrays of ``.npz`` file contents `data` by name (None for an object array)."""
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


def load_mat(data, filename):
    """Return the variables of MATLAB (up to v7) file contents `data` by name."""
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


def usable(value):
    """Whether `value` is an array operations can be shown: non-empty numbers, 2-D or H×W×C."""
    return (
        isinstance(value, np.ndarray)
        and value.dtype.kind in "biuf"
        and value.size > 0
        and (value.ndim == 2 or (value.ndim == 3 and value.shape[2] in (1, 3, 4)))
    )


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"({'×'.join(map(str, value.shape))} {value.dtype})"
    return "(not an array)"
