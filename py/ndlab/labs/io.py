"""File input/output lab (``scipy.io``)."""

import io

import numpy as np
from scipy import io as sio

from ..registry import Param
from .core import lab


@lab(
    category="io",
    title="MATLAB files: savemat and loadmat",
    params=[
        Param("rows", "int", 3, min=1, max=200, step=1, help="Rows of the matrix."),
        Param("cols", "int", 4, min=1, max=200, step=1, help="Columns of the matrix."),
        Param(
            "dtype",
            "choice",
            "float64",
            choices=("float64", "float32", "int32", "uint8", "complex128", "bool"),
            help="Data type of the matrix.",
        ),
        Param("compress", "bool", False, help="Compress the file (do_compression)."),
        Param(
            "oned_as",
            "choice",
            "row",
            choices=("row", "column"),
            help="How savemat stores the 1-D vector.",
        ),
    ],
    about=(
        "scipy.io.savemat writes a dict of arrays to a MATLAB .mat file and loadmat reads it "
        "back. Here the file lives in memory (io.BytesIO), so nothing touches the disk. "
        "MATLAB has no 1-D arrays, so a vector comes back as a 1×n row or n×1 column "
        "(oned_as); booleans come back as uint8; everything else round-trips exactly. The "
        "chapter saves to a file name; any file-like object works the same way."
    ),
)
def mat_roundtrip(*, rows=3, cols=4, dtype="float64", compress=False, oned_as="row"):
    """Save a matrix and a vector with ``savemat`` to memory and read them back with ``loadmat``.

    Returns
    -------
    dict
        Table comparing shapes and dtypes before and after; the file size.

    Examples
    --------
    >>> out = mat_roundtrip()
    >>> out["tables"][0]["rows"][1][:3]
    ['vector', '(4,)', '(1, 4)']
    """
    matrix = (np.arange(rows * cols).reshape(rows, cols) % 7).astype(dtype)
    vector = np.linspace(0, 1, cols)
    buffer = io.BytesIO()
    sio.savemat(
        buffer, {"matrix": matrix, "vector": vector}, do_compression=compress, oned_as=oned_as
    )
    size = buffer.tell()
    buffer.seek(0)
    loaded = sio.loadmat(buffer)

    rows_out = []
    for name, array in (("matrix", matrix), ("vector", vector)):
        back = loaded[name]
        rows_out.append(
            [
                name,
                str(array.shape),
                str(back.shape),
                str(array.dtype),
                str(back.dtype),
                bool(np.array_equal(back.reshape(array.shape), array)),
            ]
        )
    return {
        "tables": [
            {
                "title": "Round trip through a .mat file",
                "columns": [
                    "name",
                    "shape saved",
                    "shape loaded",
                    "dtype saved",
                    "dtype loaded",
                    "values equal",
                ],
                "rows": rows_out,
            }
        ],
        "values": {
            "file_bytes": size,
            "header_keys": ", ".join(sorted(k for k in loaded if k.startswith("__"))),
        },
        "text": [
            f"The file takes {size} bytes for {matrix.nbytes + vector.nbytes} bytes of data"
            + (" (compressed)." if compress else ".")
        ],
    }
