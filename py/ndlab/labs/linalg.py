"""Linear algebra lab (``scipy.linalg``)."""

import warnings

import numpy as np
from scipy import linalg

from ..registry import Param
from .core import lab
from .data import Data

#: The chapter's matrices, and a symmetric positive definite one for cholesky.
MATRICES = {
    "[[1, 2], [3, 4]]": ((1, 2), (3, 4)),
    "[[3, 2], [6, 4]] (singular)": ((3, 2), (6, 4)),
    "arange(9).reshape(3, 3) + diag([1, 0, 1])": ((1, 1, 2), (3, 4, 5), (6, 7, 9)),
    "ones((3, 4)) (not square)": ((1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1)),
    "[[4, 2], [2, 3]] (symmetric positive definite)": ((4, 2), (2, 3)),
}


@lab(
    category="linalg",
    title="Linear algebra on a matrix: det, inv, solve, lu, qr, cholesky, svd",
    data=Data(
        "matrix",
        (),
        MATRICES,
        min_rows=1,
        max_rows=20,
        help="A matrix of up to 20×20 numbers, one row per line.",
        by="matrix",
    ),
    params=[
        Param(
            "matrix",
            "choice",
            "[[1, 2], [3, 4]]",
            choices=tuple(MATRICES),
            help="The chapter's matrix used when you give none.",
        )
    ],
    about=(
        "Each function of scipy.linalg that the chapter shows, on one matrix A: det, inv, "
        "solve (for b a vector of ones), the LU decomposition P L U, the QR decomposition, "
        "cholesky (A = Lᴴ L, upper triangular by default) and the singular values of svd. "
        "Where a function cannot apply, the table shows SciPy's own error: a singular matrix "
        "has no inverse, only square matrices have a determinant, cholesky needs a symmetric "
        "positive definite matrix. lu, qr and svd work on any matrix; for a system that is "
        "not square, linalg.lstsq gives the least-squares solution."
    ),
)
def linear_algebra(a, *, matrix="[[1, 2], [3, 4]]"):
    """Apply det, inv, solve, lu, qr, cholesky and svd to one matrix.

    Returns
    -------
    dict
        A table of each function's result or error; rank, determinant, condition
        number and singular values.

    Examples
    --------
    >>> out = linear_algebra(np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> out["tables"][0]["rows"][1]
    ['inv(A)', '[[-2. , 1. ], [ 1.5, -0.5]]']
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.ones(a.shape[0])
    functions = {
        "det(A)": lambda: linalg.det(a),
        "inv(A)": lambda: linalg.inv(a),
        "solve(A, b)": lambda: linalg.solve(a, b),
        "lu(A): P, L, U": lambda: linalg.lu(a),
        "qr(A): Q, R": lambda: linalg.qr(a),
        "cholesky(A)": lambda: linalg.cholesky(a),
        "svd(A, compute_uv=False)": lambda: linalg.svd(a, compute_uv=False),
    }

    def shown(result):
        parts = result if isinstance(result, tuple) else (result,)
        text = [np.array2string(np.asarray(part), precision=4, separator=", ") for part in parts]
        return "; ".join(" ".join(part.split()) for part in text)

    rows, failed = [], []
    for name, function in functions.items():
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")  # an ill-conditioned solve warns
                result = function()
            rows.append([name, shown(result) + "".join(f" ({w.message})" for w in caught)])
        except (ValueError, linalg.LinAlgError) as error:
            rows.append([name, f"{type(error).__name__}: {error}"])
            failed.append(name.partition("(")[0])
    singular_values = linalg.svd(a, compute_uv=False)
    rank = np.linalg.matrix_rank(a)
    square = a.shape[0] == a.shape[1]
    return {
        "tables": [{"title": "A = " + shown(a), "columns": ["function", "result"], "rows": rows}],
        "values": {
            "rows": a.shape[0],
            "columns": a.shape[1],
            "rank": rank,
            "determinant": linalg.det(a) if square else None,
            # of a matrix of full rank; for a rank-deficient one it is infinite (None)
            "condition_number": singular_values[0] / singular_values[-1]
            if rank == min(a.shape)
            else None,
            "largest_singular_value": singular_values[0],
            "smallest_singular_value": singular_values[-1],
        },
        "text": [
            f"A is {a.shape[0]}×{a.shape[1]} of rank {rank}; singular values "
            + ", ".join(f"{s:.6g}" for s in singular_values)
            + ".",
            f"{', '.join(failed)} raised an error." if failed else "Every function applies.",
        ],
    }
