"""Interpolation labs (``scipy.interpolate``)."""

import numpy as np
from scipy import interpolate

from ..registry import Param
from .core import lab
from .data import Data


@lab(
    category="interpolate",
    title="Linear and cubic interpolation of a noisy sine",
    data=Data(
        "table",
        ("t", "y"),
        {},
        min_rows=3,
        max_rows=100_000,
        makes=("n", "noise", "seed"),
        help="Samples (t, y) with t increasing; without them the lab draws noisy samples of "
        "sin(2πt) on [0, 1].",
    ),
    params=[
        Param("n", "int", 10, min=4, max=100, step=1, help="Number of samples on [0, 1]."),
        Param("noise", "float", 0.1, min=0, max=1, step=0.01, help="Amplitude of uniform noise."),
        Param("seed", "int", 0, min=0, max=2**32 - 1, step=1, help="Seed of the random generator."),
    ],
    about=(
        "Samples of sin(2πt) with uniform noise in [-noise, noise], as in the chapter, are "
        "interpolated on a fine grid by a linear spline (make_interp_spline with k=1) and a "
        "cubic spline (CubicSpline). Both pass through every sample, noise included; the "
        "cubic one is smooth and, with little noise, much closer to the sine between samples. "
        "The chapter's interp1d is legacy in today's SciPy, so we use the spline classes; "
        "np.interp gives the same linear interpolation."
    ),
)
def interpolate_1d(points=None, *, n=10, noise=0.1, seed=0):
    """Interpolate noisy samples of a sine linearly and with a cubic spline.

    Returns
    -------
    dict
        Plot of samples, both interpolants and the sine; maximum errors.

    Examples
    --------
    >>> out = interpolate_1d(noise=0.0)
    >>> bool(out["values"]["cubic_max_error"] < out["values"]["linear_max_error"])
    True
    """
    drawn = points is None
    if drawn:
        rng = np.random.default_rng(seed)
        t = np.linspace(0, 1, n)
        samples = np.sin(2 * np.pi * t) + rng.uniform(-noise, noise, n)
    else:
        t, samples = np.asarray(points, dtype=np.float64).T

    fine = np.linspace(t.min(), t.max(), 501)
    linear = interpolate.make_interp_spline(t, samples, k=1)(fine)
    cubic = interpolate.CubicSpline(t, samples)(fine)
    truth = np.sin(2 * np.pi * fine)
    # distances from the sine, or for the learner's samples between the two interpolants
    linear_error = np.abs(linear - truth).max() if drawn else None
    cubic_error = np.abs(cubic - truth).max() if drawn else None
    gap = np.abs(linear - cubic).max()
    return {
        "plots": [
            {
                "id": "interpolation",
                "title": f"{n} noisy samples of sin(2πt)" if drawn else f"{t.size} samples",
                "x_label": "t",
                "y_label": "y",
                "series": [
                    {"label": "samples", "x": t, "y": samples, "kind": "points"},
                    {"label": "linear", "x": fine, "y": linear, "kind": "line"},
                    {"label": "cubic spline", "x": fine, "y": cubic, "kind": "line"},
                    *(
                        [{"label": "sin(2πt)", "x": fine, "y": truth, "kind": "line"}]
                        if drawn
                        else []
                    ),
                ],
            }
        ],
        "values": {
            "linear_max_error": linear_error,
            "cubic_max_error": cubic_error,
            "largest_gap": gap,
        },
        "text": [
            f"Largest distance from the sine on the fine grid: {linear_error:.4f} for linear, "
            f"{cubic_error:.4f} for the cubic spline."
            if drawn
            else f"The two interpolants differ by up to {gap:.4g} between your samples."
        ],
    }


@lab(
    category="interpolate",
    title="2-D interpolation on a regular grid",
    params=[
        Param("n", "int", 6, min=2, max=40, step=1, help="Samples per axis of the coarse grid."),
        Param(
            "method",
            "choice",
            "cubic",
            choices=("nearest", "linear", "slinear", "cubic", "quintic"),
            help="Method of RegularGridInterpolator.",
        ),
    ],
    about=(
        "f(x, y) = sin(x) cos(y) is sampled on a coarse n×n grid over [0, 2π]×[0, π] and "
        "interpolated onto a fine grid with RegularGridInterpolator. Compare the nearest "
        "neighbour blocks with linear and spline methods, and watch the maximum error fall "
        "as n grows. The chapter's interp2d was removed in SciPy 1.14; "
        "RegularGridInterpolator (or RectBivariateSpline) replaces it for gridded data."
    ),
)
def interpolate_2d(*, n=6, method="cubic"):
    """Interpolate sin(x) cos(y) from a coarse grid with ``RegularGridInterpolator``.

    Returns
    -------
    dict
        Heat maps of the nearest-neighbour view of the samples, the
        interpolation and its error; the maximum error.

    Examples
    --------
    >>> out = interpolate_2d(n=20)
    >>> float(out["values"]["max_error"]) < 1e-3
    True
    """
    needed = {"cubic": 4, "quintic": 6}.get(method, 2)
    if n < needed:
        raise ValueError(f"method {method!r} needs n of at least {needed}, got n={n}")

    def f(x, y):
        return np.sin(x) * np.cos(y)

    x = np.linspace(0, 2 * np.pi, n)
    y = np.linspace(0, np.pi, n)
    samples = f(*np.meshgrid(x, y, indexing="ij"))
    fine_x, fine_y = np.meshgrid(np.linspace(0, 2 * np.pi, 200), np.linspace(0, np.pi, 100))
    points = np.stack([fine_x, fine_y], axis=-1)
    nearest = interpolate.RegularGridInterpolator((x, y), samples, method="nearest")(points)
    result = interpolate.RegularGridInterpolator((x, y), samples, method=method)(points)
    error = np.abs(result - f(fine_x, fine_y))
    extent = [0, 2 * np.pi, 0, np.pi]
    return {
        "heatmaps": [
            {
                "id": "samples",
                "title": f"The {n}×{n} samples (nearest neighbour)",
                "extent": extent,
                "z": nearest,
                "range": [-1, 1],
            },
            {
                "id": "interpolated",
                "title": f"Interpolated ({method})",
                "extent": extent,
                "z": result,
                "range": [-1, 1],
            },
            {"id": "error", "title": "Absolute error", "extent": extent, "z": error},
        ],
        "values": {"max_error": error.max(), "mean_error": error.mean()},
        "text": [
            f"With {n}×{n} samples, {method} interpolation is off by at most "
            f"{error.max():.2e} (mean {error.mean():.2e})."
        ],
    }
