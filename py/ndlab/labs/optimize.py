"""Optimization and fitting labs (``scipy.optimize``)."""

import warnings

import numpy as np
from scipy import optimize

from ..registry import Param
from .core import lab
from .data import Data

SEED = Param("seed", "int", 0, min=0, max=2**32 - 1, step=1, help="Seed of the random generator.")


@lab(
    category="optimize",
    title="Minimizing f(x) = x² + 10 sin x",
    params=[
        Param("x0", "float", 5.0, min=-10, max=10, step=0.1, help="Start point of BFGS."),
        Param("niter", "int", 30, min=1, max=200, step=1, help="Basin-hopping iterations."),
        Param("stepsize", "float", 2.0, min=0.1, max=10, step=0.1, help="Basin-hopping jump size."),
        SEED,
    ],
    about=(
        "f has a global minimum near x = -1.3 and a local one near x = 3.8. A local method "
        "such as BFGS walks downhill from its start point and stops in whichever valley it "
        "started in: click the curve to move the start and watch the iterates. Basin hopping "
        "repeats local searches from randomly perturbed points and keeps the best, so it finds "
        "the global minimum if its random jumps (stepsize) are long enough to leave a valley: "
        "try a stepsize of 0.5 from x0 = 5. minimize_scalar with method='bounded' searches an "
        "interval, here (0, 10). optimize.brute evaluates f on a grid (here (-10, 10) in steps "
        "of 0.1), which cannot miss the global minimum if the grid is fine enough, and then "
        "polishes the best grid point with fmin. The chapter calls the functions the same way; "
        "BFGS's path is recorded with a callback."
    ),
    progress=True,
)
def minimize_scalar_function(*, x0=5.0, niter=30, stepsize=2.0, seed=0, progress=None):
    """Minimize x² + 10 sin x locally (BFGS), globally (basin hopping) and on (0, 10).

    Returns
    -------
    dict
        Plot of f with the BFGS path and the minima; values and a sentence.

    Examples
    --------
    >>> out = minimize_scalar_function(x0=0.0)
    >>> round(float(out["values"]["bfgs_x"]), 4)
    -1.3064
    """

    def f(x):
        return x**2 + 10 * np.sin(x)

    path = [x0]
    local = optimize.minimize(
        lambda v: f(v[0]), [x0], method="BFGS", callback=lambda xk: path.append(xk[0])
    )

    hops = []

    def report(x, fx, accepted):
        # Called once after the first local minimization, then after every hop.
        hops.append(fx)
        if progress is not None:
            progress((len(hops) - 1) / niter, f"basin hopping: step {len(hops) - 1} of {niter}")

    best = optimize.basinhopping(
        lambda v: f(v[0]), [x0], niter=niter, stepsize=stepsize, seed=seed, callback=report
    )
    bounded = optimize.minimize_scalar(f, bounds=(0, 10), method="bounded")
    grid_best = optimize.brute(lambda v: f(v[0]), (slice(-10, 10, 0.1),), finish=None)
    brute = optimize.brute(lambda v: f(v[0]), (slice(-10, 10, 0.1),))

    x = np.linspace(-10, 10, 401)
    is_global = local.fun <= f(x).min()
    kind = "the global minimum" if is_global else "a local minimum"
    return {
        "plots": [
            {
                "id": "f",
                "title": "f(x) = x² + 10 sin x — click to set the start point",
                "x_label": "x",
                "y_label": "f(x)",
                "click": {"x": "x0"},
                "series": [
                    {"label": "f(x)", "x": x, "y": f(x), "kind": "line"},
                    {"label": "BFGS path", "x": path, "y": f(np.array(path)), "kind": "points"},
                    {
                        "label": "basin hopping",
                        "x": best.x,
                        "y": [best.fun],
                        "kind": "points",
                    },
                    {
                        "label": "bounded on (0, 10)",
                        "x": [bounded.x],
                        "y": [bounded.fun],
                        "kind": "points",
                    },
                ],
            }
        ],
        "values": {
            "bfgs_x": local.x[0],
            "bfgs_f": local.fun,
            "bfgs_iterations": local.nit,
            "bfgs_evaluations": local.nfev,
            "basinhopping_x": best.x[0],
            "basinhopping_f": best.fun,
            "bounded_x": bounded.x,
            "bounded_f": bounded.fun,
            "brute_grid_x": grid_best,
            "brute_x": brute[0],
        },
        "text": [
            f"From x0 = {x0:g}, BFGS stops after {local.nit} iterations at x = "
            f"{local.x[0]:.4f} (f = {local.fun:.4f}), {kind}.",
            f"Basin hopping ({niter} hops) reports x = {best.x[0]:.4f}, f = {best.fun:.4f}; "
            f"the bounded search on (0, 10) finds x = {bounded.x:.4f}, f = {bounded.fun:.4f}.",
            f"brute: the best point of the grid is x = {grid_best:.1f}; polished by fmin, "
            f"x = {brute[0]:.4f}.",
        ],
    }


@lab(
    category="optimize",
    title="Roots of f(x) = x² + 10 sin x",
    params=[
        Param("x0", "float", 1.0, min=-10, max=10, step=0.1, help="Initial guess."),
        Param(
            "method",
            "choice",
            "hybr",
            choices=("hybr", "lm", "df-sane"),
            help="Algorithm of scipy.optimize.root.",
        ),
    ],
    about=(
        "f(x) = 0 has two solutions, x = 0 and x ≈ -2.479. scipy.optimize.root starts from a "
        "guess and returns the root it converges to: click the curve to change the guess and "
        "see which root it reaches. The table runs the same solver from guesses across "
        "[-10, 10]. The chapter uses the same root function with the default method 'hybr'."
    ),
)
def find_roots(*, x0=1.0, method="hybr"):
    """Find a root of x² + 10 sin x from a guess with ``scipy.optimize.root``.

    Returns
    -------
    dict
        Plot of f with the root found; the roots reached from a grid of guesses.

    Examples
    --------
    >>> round(float(find_roots(x0=-3.0)["values"]["root"]), 3)
    -2.479
    """

    def f(x):
        return x**2 + 10 * np.sin(x)

    found = optimize.root(f, [x0], method=method)
    root = found.x[0]

    reached = {}
    for guess in np.linspace(-10, 10, 21):
        solution = optimize.root(f, [guess], method=method)
        if solution.success:
            key = round(solution.x[0], 4) + 0.0  # + 0.0 turns -0.0 into 0.0
            reached.setdefault(key, []).append(guess)

    x = np.linspace(-10, 10, 401)
    return {
        "plots": [
            {
                "id": "f",
                "title": "f(x) = x² + 10 sin x — click to set the guess",
                "x_label": "x",
                "y_label": "f(x)",
                "click": {"x": "x0"},
                "series": [
                    {"label": "f(x)", "x": x, "y": f(x), "kind": "line"},
                    {"label": "guess", "x": [x0], "y": [f(x0)], "kind": "points"},
                    {"label": "root found", "x": [root], "y": [f(root)], "kind": "points"},
                ],
            }
        ],
        "tables": [
            {
                "title": "Roots reached from the guesses -10, -9, …, 10",
                "columns": ["root", "guesses"],
                "rows": [
                    [key, ", ".join(f"{guess:g}" for guess in guesses)]
                    for key, guesses in sorted(reached.items())
                ],
            }
        ],
        "values": {
            "root": root,
            "f_root": f(root),
            "converged": bool(found.success),
            "evaluations": found.nfev,
        },
        "text": [
            f"From the guess {x0:g}, {method} "
            + ("converges" if found.success else "does not converge")
            + f" to x = {root:.4f} with f(x) = {f(root):.2e} after {found.nfev} evaluations."
        ],
    }


@lab(
    category="optimize",
    title="Curve fitting: a x² + b sin x",
    data=Data(
        "table",
        ("x", "y"),
        {},
        min_rows=3,
        max_rows=100_000,
        makes=("a", "b", "noise", "n", "seed"),
        help="Points (x, y) to fit with a x² + b sin x; without them the lab draws noisy "
        "samples of the curve with the true a and b below.",
    ),
    params=[
        Param("a", "float", 1.0, min=-5, max=5, step=0.1, help="True a of the samples."),
        Param("b", "float", 10.0, min=-20, max=20, step=0.5, help="True b of the samples."),
        Param("noise", "float", 5.0, min=0, max=50, step=0.5, help="Noise standard deviation."),
        Param("n", "int", 40, min=3, max=1000, step=1, help="Number of samples on [-10, 10]."),
        SEED,
    ],
    about=(
        "Noisy samples of a x² + b sin x are fitted with scipy.optimize.curve_fit, which "
        "returns the best parameters and their covariance matrix; the square roots of its "
        "diagonal are the standard errors. Raise the noise or lower the number of samples and "
        "watch the errors grow; the true values should mostly lie within two standard errors. "
        "As in the chapter, the model is an ordinary Python function of x and the parameters."
    ),
)
def fit_curve(points=None, *, a=1.0, b=10.0, noise=5.0, n=40, seed=0):
    """Fit a x² + b sin x to noisy samples with ``curve_fit``; errors from the covariance.

    Returns
    -------
    dict
        Plot of the samples and the fit; table of true and fitted parameters.

    Examples
    --------
    >>> out = fit_curve(noise=0.0)
    >>> [round(float(v), 6) for v in (out["values"]["a"], out["values"]["b"])]
    [1.0, 10.0]
    """

    def model(x, a, b):
        return a * x**2 + b * np.sin(x)

    if points is None:  # draw noisy samples of the true curve
        rng = np.random.default_rng(seed)
        x = np.linspace(-10, 10, n)
        y = model(x, a, b) + rng.normal(0, noise, n)
        truth = (a, b)
    else:
        x, y = np.asarray(points, dtype=np.float64).T
        truth = (None, None)
    # With an exact fit the covariance may be undefined: curve_fit warns and
    # returns infinite errors, which are shown as missing.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", optimize.OptimizeWarning)
        fitted, covariance = optimize.curve_fit(model, x, y, p0=[2, 2])
    errors = np.sqrt(np.diag(covariance))

    fine = np.linspace(min(x.min(), -10), max(x.max(), 10), 401)
    return {
        "plots": [
            {
                "id": "fit",
                "title": "Samples and the fitted curve",
                "x_label": "x",
                "y_label": "y",
                "series": [
                    {"label": "samples", "x": x, "y": y, "kind": "points"},
                    {"label": "fit", "x": fine, "y": model(fine, *fitted), "kind": "line"},
                    *(
                        [{"label": "truth", "x": fine, "y": model(fine, a, b), "kind": "dashed"}]
                        if points is None
                        else []
                    ),
                ],
            }
        ],
        "tables": [
            {
                "title": "Parameters",
                "columns": ["parameter", "true", "fitted", "standard error"],
                "rows": [
                    ["a", truth[0], fitted[0], errors[0]],
                    ["b", truth[1], fitted[1], errors[1]],
                ],
            }
        ],
        "values": {"a": fitted[0], "a_error": errors[0], "b": fitted[1], "b_error": errors[1]},
        "text": [
            f"a = {fitted[0]:.4f} ± {errors[0]:.4f}, b = {fitted[1]:.4f} ± {errors[1]:.4f}"
            + (f" (true {a:g} and {b:g})." if points is None else " (your data)."),
            *(f"curve_fit warned: {w.message}" for w in caught),
        ],
    }


@lab(
    category="optimize",
    title="Temperature extremes in Alaska",
    data=Data(
        "table",
        ("month", "max (°C)", "min (°C)"),
        {},
        min_rows=4,
        max_rows=10_000,
        help="Monthly temperature extremes of a place: the month (January = 0), the highest "
        "and the lowest temperature in °C; without them the lab fits the chapter's 12 months "
        "in Alaska.",
    ),
    params=[
        Param(
            "period",
            "float",
            12.0,
            min=6,
            max=24,
            step=0.5,
            help="Period of the cosine, in months (the chapter's code effectively uses 11).",
        ),
    ],
    about=(
        "Monthly record highs and lows in Alaska both follow the seasons. Each is fitted with "
        "T(t) = a + b cos(2π (t - t0) / period), t in months from January = 0, using "
        "curve_fit; t0 is the month of the peak. Are the two offsets equal within the fit "
        "accuracy? Compare their difference with the combined standard error. The chapter's "
        "solution divides by times.max(), which is 11 rather than 12 for months 0 to 11; set "
        "the period to 11 to reproduce it. Another place's monthly extremes, given as your "
        "data, are fitted the same way."
    ),
)
def alaska_temperatures(temperatures=None, *, period=12.0):
    """Fit a yearly cosine to monthly extremes and compare the time offsets.

    Parameters
    ----------
    temperatures : (n, 3) array, optional
        Month (January = 0), highest and lowest temperature in °C, one row
        a month; without it, the chapter's 12 months in Alaska.

    Returns
    -------
    dict
        Plot of data and fits; table of fitted parameters; the answer as a sentence.

    Examples
    --------
    >>> out = alaska_temperatures()
    >>> round(float(out["values"]["max_offset"]), 1), round(float(out["values"]["min_offset"]), 1)
    (5.7, 6.2)
    """
    if temperatures is None:  # the chapter's data: record extremes in Alaska
        months = np.arange(12)
        highs = np.array([17, 19, 21, 28, 33, 38, 37, 37, 31, 23, 19, 18])
        lows = np.array([-62, -59, -56, -46, -32, -18, -9, -13, -25, -46, -52, -58])
    else:
        months, highs, lows = np.asarray(temperatures, dtype=np.float64).T

    def yearly(t, a, b, t0):
        return a + b * np.cos(2 * np.pi * (t - t0) / period)

    fits = {}
    # A table that no cosine fits leaves the covariance undefined (or overflowing):
    # curve_fit warns and returns infinite errors, which are shown as missing.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name, data in (("max", highs), ("min", lows)):
            guess = [data.mean(), (data.max() - data.min()) / 2, months[data.argmax()]]
            try:
                fitted, covariance = optimize.curve_fit(yearly, months, data, p0=guess)
            except RuntimeError as error:  # the least-squares search did not converge
                raise ValueError(
                    f"curve_fit found no cosine through the {name} temperatures ({error}); "
                    "are the columns month, max and min?"
                ) from None
            fits[name] = fitted, np.sqrt(np.diag(covariance))

    (a_max, b_max, t_max), errors_max = fits["max"]
    (a_min, b_min, t_min), errors_min = fits["min"]
    difference = abs(t_max - t_min)
    combined = np.hypot(errors_max[2], errors_min[2])
    verdict = "equal" if difference <= 2 * combined else "not equal"
    fine = np.linspace(months.min(), months.max(), 221)
    return {
        "plots": [
            {
                "id": "temperatures",
                "title": "Monthly extremes and fitted cosines",
                "x_label": "month (January = 0)",
                "y_label": "temperature (°C)",
                "series": [
                    {"label": "max", "x": months, "y": highs, "kind": "points"},
                    {
                        "label": "max fit",
                        "x": fine,
                        "y": yearly(fine, *fits["max"][0]),
                        "kind": "line",
                    },
                    {"label": "min", "x": months, "y": lows, "kind": "points"},
                    {
                        "label": "min fit",
                        "x": fine,
                        "y": yearly(fine, *fits["min"][0]),
                        "kind": "line",
                    },
                ],
            }
        ],
        "tables": [
            {
                "title": "Fitted parameters ± standard error",
                "columns": ["series", "a (°C)", "b (°C)", "t0 (months)", "t0 error"],
                "rows": [
                    ["max", a_max, b_max, t_max, errors_max[2]],
                    ["min", a_min, b_min, t_min, errors_min[2]],
                ],
            }
        ],
        "values": {
            "max_offset": t_max,
            "max_offset_error": errors_max[2],
            "min_offset": t_min,
            "min_offset_error": errors_min[2],
            "difference": difference,
            "combined_error": combined,
        },
        "text": [
            f"The highs peak at t0 = {t_max:.2f} ± {errors_max[2]:.2f} months and the lows at "
            f"t0 = {t_min:.2f} ± {errors_min[2]:.2f} months"
            + (" (your data)." if temperatures is not None else "."),
            f"The difference, {difference:.2f} months, is {difference / combined:.1f} times "
            f"the combined error {combined:.2f}: the offsets are {verdict} within the fit "
            "accuracy (two standard errors).",
            *(f"curve_fit warned: {w.message}" for w in caught),
        ],
    }


@lab(
    category="optimize",
    title="Six-hump camelback function",
    params=[
        Param("x0", "float", 0.5, min=-2, max=2, step=0.05, help="Start point, x."),
        Param("y0", "float", 0.5, min=-1, max=1, step=0.05, help="Start point, y."),
        Param(
            "method",
            "choice",
            "BFGS",
            choices=("BFGS", "Nelder-Mead", "Powell", "L-BFGS-B", "CG"),
            help="Method of scipy.optimize.minimize.",
        ),
        Param("starts", "int", 8, min=2, max=12, step=1, help="Grid of starts per axis."),
    ],
    about=(
        "f(x, y) = (4 - 2.1x² + x⁴/3) x² + xy + (4y² - 4) y² has six local minima on "
        "-2 < x < 2, -1 < y < 1, two of them global (f ≈ -1.0316 at (0.0898, -0.7126) and "
        "(-0.0898, 0.7126)). Click the map to start a local minimization there, switch "
        "methods and compare their paths. The table lists the points reached from a grid of "
        "starts, merging those closer than 0.01, and says what each is: the gradient and the "
        "eigenvalues of the Hessian tell a minimum from a saddle point or from a point where "
        "the method stopped early (Nelder-Mead can, from a start on an axis of symmetry). "
        "The default 8×8 grid finds all six minima with BFGS; coarser grids miss the two "
        "highest, whose valleys are narrow. Starting at (0, 0) is a trap for gradient "
        "methods: the gradient is zero there, so BFGS stops at once although (0, 0) is a "
        "saddle point. The colour scale is clipped at f = 2 so the valleys show."
    ),
    progress=True,
)
def camelback(*, x0=0.5, y0=0.5, method="BFGS", starts=8, progress=None):
    """Minimize the six-hump camelback function from a start point and from a grid of starts.

    Returns
    -------
    dict
        Heat map with the path; table of the points reached from a grid of starts,
        each classified; values and sentences.

    Examples
    --------
    >>> out = camelback(x0=0.5, y0=-0.5)
    >>> round(float(out["values"]["f"]), 4)
    -1.0316
    """

    def f(p):
        x, y = p
        return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (4 * y**2 - 4) * y**2

    def kind(p):
        x, y = p
        gradient = [8 * x - 8.4 * x**3 + 2 * x**5 + y, x - 8 * y + 16 * y**3]
        if np.hypot(*gradient) > 1e-3:
            return "not stationary (stopped early)"
        hessian = [[8 - 25.2 * x**2 + 10 * x**4, 1], [1, -8 + 48 * y**2]]
        return "minimum" if np.linalg.eigvalsh(hessian).min() > 0 else "saddle point"

    path = [[x0, y0]]
    found = optimize.minimize(f, [x0, y0], method=method, callback=lambda p: path.append(list(p)))
    path = np.array(path)

    reached = []  # [x, y, f, starts], one per point, merging points closer than 0.01
    for row, x_start in enumerate(np.linspace(-1.8, 1.8, starts)):
        if progress is not None:
            progress(row / starts, f"grid of starts: row {row + 1} of {starts}")
        for y_start in np.linspace(-0.9, 0.9, starts):
            result = optimize.minimize(f, [x_start, y_start], method=method)
            near = [r for r in reached if np.hypot(r[0] - result.x[0], r[1] - result.x[1]) < 0.01]
            if near:
                near[0][3] += 1
            else:
                reached.append([result.x[0], result.x[1], result.fun, 1])
    rows = [
        [x, y, fun, count, kind((x, y))] for x, y, fun, count in sorted(reached, key=lambda r: r[2])
    ]
    minima = sum(row[4] == "minimum" for row in rows)

    at_origin = optimize.minimize(f, [0.0, 0.0], method="BFGS")
    xs = np.linspace(-2, 2, 400)
    ys = np.linspace(-1, 1, 200)
    grid_x, grid_y = np.meshgrid(xs, ys)
    return {
        "heatmaps": [
            {
                "id": "camelback",
                "title": "f(x, y), clipped at 2 — click to set the start point",
                "extent": [-2, 2, -1, 1],
                "z": f([grid_x, grid_y]),
                "range": [-1.1, 2.0],
                "paths": [{"label": method, "x": path[:, 0], "y": path[:, 1]}],
                "points": [
                    {"label": "start", "x": x0, "y": y0},
                    {"label": "end", "x": found.x[0], "y": found.x[1]},
                ],
                "click": {"x": "x0", "y": "y0"},
            }
        ],
        "tables": [
            {
                "title": f"Points reached by {method} from a {starts}×{starts} grid of starts",
                "columns": ["x", "y", "f", "starts", "kind"],
                "rows": rows,
            }
        ],
        "values": {
            "x": found.x[0],
            "y": found.x[1],
            "f": found.fun,
            "evaluations": found.nfev,
            "success": bool(found.success),
            "kind": kind(found.x),
            "minima_found": minima,
        },
        "text": [
            f"{method} from ({x0:g}, {y0:g}) ends at ({found.x[0]:.4f}, {found.x[1]:.4f}), a "
            f"{kind(found.x)}, with f = {found.fun:.4f} after {found.nfev} evaluations.",
            f"From the {starts}×{starts} grid of starts, {method} finds {minima} of the six "
            "minima.",
            f"From (0, 0) BFGS stops after {at_origin.nit} iterations at "
            f"({at_origin.x[0]:.4f}, {at_origin.x[1]:.4f}) with f = {at_origin.fun:.4f}: the "
            "gradient vanishes there, but (0, 0) is a saddle point, not a minimum.",
        ],
    }
