"""Special functions lab (``scipy.special``)."""

import numpy as np
from scipy import special

from ..registry import Param
from .core import lab


@lab(
    category="special",
    title="Special functions",
    params=[
        Param(
            "function",
            "choice",
            "jv",
            choices=("jv", "gamma", "gammaln", "erf", "ellipj"),
            help="Function to plot.",
        ),
        Param("order", "float", 0.0, min=-10, max=10, step=0.5, help="Order v of jv."),
        Param("m", "float", 0.5, min=0, max=1, step=0.05, help="Parameter m of ellipj."),
        Param("x_min", "float", 0.0, min=-20, max=50, step=0.5, help="Left end of the range."),
        Param("x_max", "float", 20.0, min=-20, max=50, step=0.5, help="Right end of the range."),
    ],
    about=(
        "scipy.special evaluates special functions elementwise on arrays: the Bessel function "
        "of the first kind jv(v, x), the gamma function and the logarithm of its absolute "
        "value gammaln (which does not overflow), the error function erf, and the Jacobi "
        "elliptic functions sn, cn, dn from ellipj(u, m). Each plot comes with a numerical "
        "check of an identity, such as Γ(x + 1) = x Γ(x) or sn² + cn² = 1. The gamma plot "
        "leaves out values beyond ±30 so the poles at 0, -1, -2, … do not hide the curve."
    ),
)
def special_functions(*, function="jv", order=0.0, m=0.5, x_min=0.0, x_max=20.0):
    """Plot a special function over a range and check an identity it satisfies.

    Returns
    -------
    dict
        Plot of the function; the identity's largest error.

    Examples
    --------
    >>> out = special_functions(function="gamma", x_min=0.5, x_max=5)
    >>> float(out["values"]["identity_error"]) < 1e-12
    True
    """
    if x_min >= x_max:
        raise ValueError(f"x_min must be less than x_max, got x_min={x_min}, x_max={x_max}")
    x = np.linspace(x_min, x_max, 801)
    text = []
    if function == "jv":
        y = special.jv(order, x)
        curves = {f"J_{order:g}(x)": y}
        # J_{v-1}(x) + J_{v+1}(x) = 2v/x J_v(x), away from x = 0 (and where J_v is real).
        ok = (np.abs(x) > 1e-3) & np.isfinite(y)
        residual = (
            special.jv(order - 1, x[ok]) + special.jv(order + 1, x[ok]) - 2 * order / x[ok] * y[ok]
        )
        error = np.abs(residual).max(initial=0)
        identity = "J_{v-1}(x) + J_{v+1}(x) = 2v/x J_v(x)"
        # Zeros: sign changes between grid points, refined by linear interpolation.
        i = np.flatnonzero(np.sign(y[:-1]) * np.sign(y[1:]) < 0)
        crossings = x[i] - y[i] * (x[i + 1] - x[i]) / (y[i + 1] - y[i])
        text.append(
            f"J_{order:g} has zeros near x = " + ", ".join(f"{c:.2f}" for c in crossings[:5])
            if crossings.size
            else f"J_{order:g} does not change sign on this range."
        )
    elif function == "gamma":
        y = special.gamma(x)
        curves = {"Γ(x)": np.where(np.abs(y) <= 30, y, np.nan)}
        finite = np.isfinite(y) & np.isfinite(special.gamma(x + 1))
        error = np.abs(special.gamma(x + 1)[finite] / y[finite] - x[finite]).max(initial=0)
        identity = "Γ(x + 1) / Γ(x) = x"
        text.append(f"Γ(5) = {special.gamma(5.0):g} = 4!")
    elif function == "gammaln":
        y = special.gammaln(x)
        curves = {"ln |Γ(x)|": y}
        gamma = np.abs(special.gamma(x))
        ok = np.isfinite(gamma) & (gamma > 0)
        error = np.abs(np.exp(y[ok]) / gamma[ok] - 1).max(initial=0)
        identity = "exp(gammaln(x)) = |Γ(x)| (relative error)"
        text.append(f"gammaln(171.7) = {special.gammaln(171.7):.2f} while Γ(171.7) overflows.")
    elif function == "erf":
        y = special.erf(x)
        curves = {"erf(x)": y}
        error = np.abs(special.erf(-x) + y).max()
        identity = "erf(-x) = -erf(x)"
    else:
        sn, cn, dn, _ = special.ellipj(x, m)
        curves = {"sn": sn, "cn": cn, "dn": dn}
        error = np.abs(sn**2 + cn**2 - 1).max()
        identity = "sn² + cn² = 1"
    text.append(f"Identity {identity} holds to {error:.1e} on this range.")
    return {
        "plots": [
            {
                "id": "function",
                "title": function,
                "x_label": "x",
                "y_label": "value",
                "series": [
                    {"label": label, "x": x, "y": curve, "kind": "line"}
                    for label, curve in curves.items()
                ],
            }
        ],
        "values": {"identity_error": error},
        "text": text,
    }
