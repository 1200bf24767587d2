"""Linear algebra on the image seen as a matrix (``scipy.linalg``)."""

import numpy as np
from scipy import linalg

from .registry import Param, operation


@operation(
    category="linear algebra",
    title="Low-rank approximation (SVD)",
    params=[
        Param(
            "rank",
            "int",
            20,
            min=1,
            max=500,
            step=1,
            help="Number of singular values kept per colour channel.",
        )
    ],
    channels="colour",
    output="clip",
    memory=6,
)
def svd_approximation(image, *, rank=20):
    """Approximate each colour channel by its `rank` largest singular components.

    By the Eckart–Young theorem the truncated SVD ``U[:, :r] * s[:r] @
    Vt[:r]`` is the closest matrix of rank `r` in the Frobenius norm; storing
    it takes ``r * (M + N + 1)`` numbers per channel instead of ``M * N``.

    Parameters
    ----------
    image : (M, N, 3) ndarray of float64
        Colour image; a grey image arrives as three equal channels, which
        gives the same ratio and error as its single channel.
    rank : int
        Singular values kept per channel; at least ``min(M, N)`` keeps the
        image exactly.

    Returns
    -------
    image : (M, N, 3) ndarray of float64
        The approximation.
    info : dict
        ``"rank"`` actually kept; ``"compression_ratio"``, stored numbers
        over original numbers (below 1 saves space); and
        ``"relative_error"``, the Frobenius norm of the difference over that
        of the image (0 for an all-black image).

    Examples
    --------
    >>> image = np.dstack([np.outer(np.arange(4.0), np.ones(6))] * 3)
    >>> approximation, info = svd_approximation(image, rank=1)
    >>> info
    {'rank': 1, 'compression_ratio': 0.4583, 'relative_error': 0.0}
    >>> bool(np.allclose(approximation, image))
    True
    """
    rows, cols, _ = image.shape
    kept = min(rank, rows, cols)
    approximation = np.empty_like(image)
    lost = total = 0.0
    for channel in range(3):
        # A grey image arrives as three equal channels: decompose it once.
        if channel == 0 or not np.array_equal(image[..., channel], image[..., channel - 1]):
            u, s, vt = linalg.svd(image[..., channel], full_matrices=False)
        approximation[..., channel] = (u[:, :kept] * s[:kept]) @ vt[:kept]
        lost += np.sum(s[kept:] ** 2)
        total += np.sum(s**2)
    info = {
        "rank": kept,
        "compression_ratio": round(kept * (rows + cols + 1) / (rows * cols), 4),
        "relative_error": round(float(np.sqrt(lost / total)) if total > 0 else 0.0, 6),
    }
    return approximation, info
