"""Integration labs: quadrature and ordinary differential equations (``scipy.integrate``)."""

import numpy as np
from scipy import integrate, special

from ..registry import Param
from .core import lab


@lab(
    category="integrate",
    title="Quadrature with quad and fixed_quad",
    params=[
        Param(
            "function",
            "choice",
            "sin(x)",
            choices=("sin(x)", "exp(-x^2)", "1/(1+x^2)", "sin(x)/x", "sqrt(|x|)"),
            help="Integrand.",
        ),
        Param("a", "float", 0.0, min=-10, max=10, step=0.1, help="Lower limit."),
        Param("b", "float", np.pi / 2, min=-10, max=10, step=0.1, help="Upper limit."),
        Param("order", "int", 5, min=1, max=50, step=1, help="Points of fixed_quad's rule."),
    ],
    about=(
        "integrate.quad evaluates a definite integral adaptively (QUADPACK) and returns the "
        "value with an estimate of its absolute error. Each integrand here has a known "
        "antiderivative, so the table compares the estimate with the actual error; both are "
        "usually near machine precision. sqrt(|x|) has a kink at 0, which quad still handles. "
        "The chapter integrates sin on (0, π/2) the same way. integrate.fixed_quad applies "
        "one Gauss-Legendre rule of `order` points, with no error estimate: exact for "
        "polynomials of degree 2·order - 1, fast and good for smooth integrands, poor at the "
        "kink. The chapter's other routines, integrate.quadrature and integrate.romberg, were "
        "deprecated in SciPy 1.12 and removed in 1.15; quad and fixed_quad replace them."
    ),
)
def quad_integral(*, function="sin(x)", a=0.0, b=np.pi / 2, order=5):
    """Integrate on [a, b] with ``quad`` and ``fixed_quad``; compare with the exact value.

    Returns
    -------
    dict
        Plot of the integrand over [a, b]; the integral, error estimate and exact value.

    Examples
    --------
    >>> out = quad_integral()
    >>> round(float(out["values"]["integral"]), 12)
    1.0
    """
    integrands = {
        "sin(x)": (np.sin, lambda x: -np.cos(x)),
        "exp(-x^2)": (lambda x: np.exp(-(x**2)), lambda x: np.sqrt(np.pi) / 2 * special.erf(x)),
        "1/(1+x^2)": (lambda x: 1 / (1 + x**2), np.arctan),
        "sin(x)/x": (lambda x: np.sinc(x / np.pi), lambda x: special.sici(x)[0]),
        "sqrt(|x|)": (
            lambda x: np.sqrt(np.abs(x)),
            lambda x: np.sign(x) * 2 / 3 * np.abs(x) ** 1.5,
        ),
    }
    f, antiderivative = integrands[function]
    value, error = integrate.quad(f, a, b)
    gauss, _ = integrate.fixed_quad(f, a, b, n=order)
    exact = antiderivative(b) - antiderivative(a)

    x = np.linspace(min(a, b), max(a, b), 201)
    around = np.linspace(-10, 10, 401)
    return {
        "plots": [
            {
                "id": "integrand",
                "title": f"{function}; the integral runs over the highlighted part",
                "x_label": "x",
                "y_label": "f(x)",
                "series": [
                    {"label": function, "x": around, "y": f(around), "kind": "line"},
                    {"label": f"on [{a:g}, {b:g}]", "x": x, "y": f(x), "kind": "line"},
                ],
            }
        ],
        "values": {
            "integral": value,
            "error_estimate": error,
            "exact": exact,
            "actual_error": abs(value - exact),
            "fixed_quad": gauss,
            "fixed_quad_error": abs(gauss - exact),
        },
        "text": [
            f"quad gives {value:.15g} with an error estimate of {error:.2g}; the exact value "
            f"is {exact:.15g}, an actual error of {abs(value - exact):.2g}.",
            f"fixed_quad with {order} points gives {gauss:.15g}, an error of "
            f"{abs(gauss - exact):.2g}.",
        ],
    }


@lab(
    category="integrate",
    title="Exponential decay: dy/dt = -k y",
    params=[
        Param("rate", "float", 2.0, min=0.1, max=50, step=0.1, help="Decay rate k."),
        Param("t_end", "float", 4.0, min=0.5, max=20, step=0.5, help="End time."),
        Param("n_times", "int", 40, min=2, max=1000, step=1, help="Output times requested."),
        Param(
            "method",
            "choice",
            "RK45",
            choices=("RK45", "RK23", "DOP853", "LSODA", "BDF", "Radau"),
            help="Method of solve_ivp.",
        ),
    ],
    about=(
        "The chapter solves dy/dt = -2y, y(0) = 1 with odeint and counts how often the "
        "right-hand side is called. Solvers choose their own time steps and then interpolate "
        "to the requested output times, so the number of evaluations depends on the accuracy "
        "needed, not on n_times. Here the same equation is solved with odeint (LSODA) and with "
        "the newer solve_ivp, whose methods you can switch (odeint reports its count itself, "
        "as the chapter shows, in info['nfe'] of full_output=True); a stiffer problem (larger "
        "rate) "
        "needs many more steps from the explicit methods RK45, RK23 and DOP853. The defaults "
        "differ: odeint aims at a relative error of about 1.5e-8, solve_ivp at 1e-3, which "
        "explains most of the gap in accuracy and effort."
    ),
)
def exponential_decay(*, rate=2.0, t_end=4.0, n_times=40, method="RK45"):
    """Solve dy/dt = -k y with ``odeint`` and ``solve_ivp``, counting right-hand-side calls.

    Returns
    -------
    dict
        Plot of both solutions and the exact one; evaluation and step counts.

    Examples
    --------
    >>> out = exponential_decay()
    >>> float(out["values"]["odeint_max_error"]) < 1e-6
    True
    """
    t = np.linspace(0, t_end, n_times)
    calls = {"odeint": 0, "solve_ivp": 0}

    def rhs_odeint(y, t):
        calls["odeint"] += 1
        return -rate * y

    def rhs_ivp(t, y):
        calls["solve_ivp"] += 1
        return -rate * y

    y_odeint, info = integrate.odeint(rhs_odeint, 1.0, t, full_output=True)
    solution = integrate.solve_ivp(rhs_ivp, (0, t_end), [1.0], method=method, dense_output=True)
    y_ivp = solution.sol(t)[0]
    steps_ivp = solution.t.size - 1
    exact = np.exp(-rate * t)
    error_odeint = np.abs(y_odeint[:, 0] - exact).max()
    error_ivp = np.abs(y_ivp - exact).max()
    return {
        "plots": [
            {
                "id": "decay",
                "title": "y(t)",
                "x_label": "t",
                "y_label": "y",
                "series": [
                    {"label": "exact", "x": t, "y": exact, "kind": "line"},
                    {"label": "odeint", "x": t, "y": y_odeint[:, 0], "kind": "points"},
                    {"label": f"solve_ivp ({method})", "x": t, "y": y_ivp, "kind": "points"},
                ],
            }
        ],
        "tables": [
            {
                "title": f"{n_times} requested times",
                "columns": [
                    "solver",
                    "right-hand-side calls",
                    "reported evaluations",
                    "internal steps",
                    "max error",
                ],
                "rows": [
                    ["odeint", calls["odeint"], info["nfe"][-1], info["nst"][-1], error_odeint],
                    [
                        f"solve_ivp ({method})",
                        calls["solve_ivp"],
                        solution.nfev,
                        steps_ivp,
                        error_ivp,
                    ],
                ],
            }
        ],
        "values": {
            "odeint_calls": calls["odeint"],
            "odeint_nfe": info["nfe"][-1],
            "odeint_steps": info["nst"][-1],
            "odeint_max_error": error_odeint,
            "solve_ivp_calls": calls["solve_ivp"],
            "solve_ivp_steps": steps_ivp,
            "solve_ivp_max_error": error_ivp,
        },
        "text": [
            f"odeint called the right-hand side {calls['odeint']} times (info['nfe'] says "
            f"{info['nfe'][-1]}) in {info['nst'][-1]} internal steps for {n_times} output "
            f"times; solve_ivp ({method}) called it "
            f"{calls['solve_ivp']} times in {steps_ivp} steps."
        ],
    }


@lab(
    category="integrate",
    title="Damped spring-mass oscillator",
    params=[
        Param("mass", "float", 0.5, min=0.1, max=10, step=0.1, help="Mass m (kg)."),
        Param("k", "float", 4.0, min=0.1, max=20, step=0.1, help="Spring constant k (N/m)."),
        Param("c", "float", 0.4, min=0, max=50, step=0.05, help="Damping c (N s/m)."),
        Param("t_end", "float", 10.0, min=1, max=30, step=1, help="End time (s)."),
    ],
    about=(
        "m x'' + c x' + k x = 0, released at rest from x = 1 m, is rewritten as two first-order "
        "equations for position and velocity and solved with odeint and with solve_ivp "
        "(DOP853, a high-order method suited to tight tolerances), both at rtol = 1e-10. The "
        "sign of c² - 4mk decides the motion: negative is underdamped (it oscillates), zero "
        "critically damped (the fastest return without overshoot, at c = 2√(mk)), positive "
        "overdamped (a slow creep back). The chapter uses odeint with m = 0.5, k = 4, c = 0.4."
    ),
)
def damped_oscillator(*, mass=0.5, k=4.0, c=0.4, t_end=10.0):
    """Solve m x'' + c x' + k x = 0 with ``odeint`` and ``solve_ivp`` and classify the damping.

    Returns
    -------
    dict
        Plot of position and velocity; the damping regime and solver difference.

    Examples
    --------
    >>> damped_oscillator()["values"]["regime"]
    'underdamped'
    """

    def rhs(t, state):
        x, v = state
        return [v, -(c * v + k * x) / mass]

    t = np.linspace(0, t_end, 1000)
    by_odeint = integrate.odeint(rhs, [1.0, 0.0], t, tfirst=True, rtol=1e-10, atol=1e-12)
    by_ivp = integrate.solve_ivp(
        rhs, (0, t_end), [1.0, 0.0], method="DOP853", t_eval=t, rtol=1e-10, atol=1e-12
    )

    discriminant = c**2 - 4 * mass * k
    if abs(discriminant) <= 1e-9 * 4 * mass * k:
        regime = "critically damped"
    elif discriminant < 0:
        regime = "underdamped"
    else:
        regime = "overdamped"
    difference = np.abs(by_odeint[:, 0] - by_ivp.y[0]).max()
    return {
        "plots": [
            {
                "id": "motion",
                "title": f"{regime}: c² - 4mk = {discriminant:.4g}",
                "x_label": "t (s)",
                "y_label": "x (m), v (m/s)",
                "series": [
                    {"label": "position (odeint)", "x": t, "y": by_odeint[:, 0], "kind": "line"},
                    {"label": "velocity (odeint)", "x": t, "y": by_odeint[:, 1], "kind": "line"},
                    {"label": "position (solve_ivp)", "x": t, "y": by_ivp.y[0], "kind": "line"},
                ],
            }
        ],
        "values": {
            "regime": regime,
            "discriminant": discriminant,
            "critical_c": 2 * np.sqrt(mass * k),
            "max_difference": difference,
        },
        "text": [
            f"c² - 4mk = {discriminant:.4g}, so the oscillator is {regime} (critical damping at "
            f"c = {2 * np.sqrt(mass * k):.4g} N s/m).",
            f"odeint and solve_ivp (DOP853) differ by at most {difference:.2g} m.",
        ],
    }
