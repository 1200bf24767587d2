"""Linear algebra lab (``scipy.linalg``)."""

import numpy as np
from scipy import linalg

from ..registry import Param
from .core import lab

DEFAULT_MATRIX = ((1, 2, 3), (4, 5, 6), (7, 8, 10))


@lab(
    category="linalg",
    title="Determinant, inverse and SVD of a 3×3 matrix",
    params=[
        Param(
            f"a{row + 1}{col + 1}",
            "float",
            float(DEFAULT_MATRIX[row][col]),
            min=-100,
            max=100,
            step=1,
            help=f"Entry in row {row + 1}, column {col + 1}.",
        )
        for row in range(3)
        for col in range(3)
    ],
    about=(
        "scipy.linalg.det and scipy.linalg.inv on a matrix you type in, and its singular "
        "value decomposition A = U diag(s) Vᵀ with scipy.linalg.svd. Make the matrix singular "
        "(for example set the last entry to 9, so that the rows are in arithmetic "
        "progression, or make one row a multiple of another): the determinant becomes 0 (up "
        "to rounding), the smallest singular value drops to about 1e-16 and inv fails or "
        "returns huge numbers. The SVD is what the image operation 'Low-rank approximation "
        "(SVD)' uses to compress a picture."
    ),
)
def matrix_3x3(*, a11=1.0, a12=2.0, a13=3.0, a21=4.0, a22=5.0, a23=6.0, a31=7.0, a32=8.0, a33=10.0):
    """Determinant, inverse and SVD of a 3×3 matrix with ``scipy.linalg``.

    Returns
    -------
    dict
        Tables of the inverse and the SVD; determinant, rank, condition number,
        reconstruction error; SciPy's error message if the matrix is singular.

    Examples
    --------
    >>> round(float(matrix_3x3()["values"]["determinant"]), 10)
    -3.0
    >>> matrix_3x3(a31=2, a32=4, a33=6)["text"][0]
    'scipy.linalg.inv raised LinAlgError: singular matrix'
    """
    a = np.array([[a11, a12, a13], [a21, a22, a23], [a31, a32, a33]])
    determinant = linalg.det(a)
    u, s, vt = linalg.svd(a)
    reconstruction_error = np.abs(u @ np.diag(s) @ vt - a).max()
    rank = np.linalg.matrix_rank(a)
    columns = ["column 1", "column 2", "column 3"]

    tables = []
    try:
        inverse = linalg.inv(a)
        with np.errstate(all="ignore"):  # tiny pivots can overflow the inverse to inf
            residual = np.abs(inverse @ a - np.eye(3)).max()
        text = [f"The inverse times A differs from the identity by {residual:.2e}."]
        tables.append({"title": "Inverse", "columns": columns, "rows": inverse})
    except linalg.LinAlgError as error:
        text = [f"scipy.linalg.inv raised LinAlgError: {error}"]
    tables += [
        {"title": "U", "columns": columns, "rows": u},
        {"title": "Singular values s", "columns": ["s1", "s2", "s3"], "rows": [s]},
        {"title": "Vᵀ", "columns": columns, "rows": vt},
    ]
    text.append(
        f"det A = {determinant:.6g}; singular values {s[0]:.4g}, {s[1]:.4g}, {s[2]:.4g}; "
        f"rank {rank}; U diag(s) Vᵀ reproduces A to {reconstruction_error:.1e}."
    )
    return {
        "tables": tables,
        "values": {
            "determinant": determinant,
            "rank": rank,
            "condition_number": np.linalg.cond(a),
            "reconstruction_error": reconstruction_error,
        },
        "text": text,
    }
