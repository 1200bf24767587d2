import math

import pytest

from ndlab import labs

EXACT = {
    "sin(x)": 1 - math.cos(2),
    "exp(-x^2)": math.sqrt(math.pi) / 2 * math.erf(2),
    "1/(1+x^2)": math.atan(2),
    "sqrt(|x|)": 2 / 3 * 2**1.5,
    "sin(x)/x": 1.605412976802695,  # the sine integral Si(2) (Abramowitz and Stegun, table 5.1)
}


@pytest.mark.parametrize("function", list(EXACT))
def test_quad_matches_the_exact_value(function):
    found = labs.run("quad_integral", function=function, a=0, b=2).outputs["values"]
    assert found["integral"] == pytest.approx(EXACT[function], rel=1e-10)
    assert found["exact"] == pytest.approx(EXACT[function], rel=1e-12)
    assert found["actual_error"] <= max(found["error_estimate"], 1e-14)


def test_fixed_quad_is_exact_for_polynomials_of_degree_2n_minus_1():
    # Gauss-Legendre with n points integrates x^(2n-1) exactly; sin is no polynomial, so a
    # higher order helps until rounding; the kink of sqrt(|x|) at 0 stays hard for it.
    values = [
        labs.run("quad_integral", a=0, b=2, order=n).outputs["values"]["fixed_quad_error"]
        for n in (1, 3, 5, 10)
    ]
    assert values == sorted(values, reverse=True) and values[-1] < 1e-14
    kink = labs.run("quad_integral", function="sqrt(|x|)", a=-1, b=2).outputs["values"]
    assert kink["fixed_quad_error"] > 1e-3 > 1e-12 > kink["actual_error"]


def test_the_chapters_decay_counts_129_evaluations_and_nfe_says_so():
    result = labs.run("exponential_decay")
    assert result.outputs["values"]["odeint_calls"] == 129
    assert result.outputs["values"]["odeint_nfe"] == 129
    assert "(info['nfe'] says 129)" in result.outputs["text"][0]


def test_quad_across_zero_and_reversed():
    sinc = labs.run("quad_integral", function="sin(x)/x", a=-1, b=1).outputs["values"]
    assert sinc["integral"] == pytest.approx(2 * 0.946083070367183)
    reversed_ = labs.run("quad_integral", a=1, b=0).outputs["values"]
    assert reversed_["integral"] == pytest.approx(math.cos(1) - 1)


def test_decay_counts_evaluations_not_output_times():
    few = labs.run("exponential_decay", n_times=10).outputs["values"]
    many = labs.run("exponential_decay", n_times=1000).outputs["values"]
    assert few["solve_ivp_calls"] == many["solve_ivp_calls"]
    assert few["odeint_max_error"] < 1e-6 and few["solve_ivp_max_error"] < 1e-2
    table = labs.run("exponential_decay").outputs["tables"][0]["rows"]
    assert table[0][1] == labs.run("exponential_decay").outputs["values"]["odeint_calls"]


def test_implicit_method_needs_fewer_steps_when_stiff():
    explicit = labs.run("exponential_decay", rate=50, t_end=20).outputs["values"]
    implicit = labs.run("exponential_decay", rate=50, t_end=20, method="Radau").outputs["values"]
    assert implicit["solve_ivp_steps"] < explicit["solve_ivp_steps"] / 5


@pytest.mark.parametrize(
    ("c", "regime"),
    [(0.4, "underdamped"), (2 * math.sqrt(2), "critically damped"), (5.0, "overdamped")],
)
def test_oscillator_regimes(c, regime):
    result = labs.run("damped_oscillator", mass=0.5, k=4.0, c=c)
    found = result.outputs["values"]
    assert found["regime"] == regime
    assert found["critical_c"] == pytest.approx(2 * math.sqrt(2))
    assert "(critical damping at c = 2.828 N s/m)." in result.outputs["text"][0]  # 2√(mk)
    assert found["max_difference"] < 1e-7
    assert regime in result.outputs["plots"][0]["title"]


def test_undamped_oscillator_keeps_its_amplitude():
    series = labs.run("damped_oscillator", c=0.0).outputs["plots"][0]["series"][0]
    assert max(series["y"]) == pytest.approx(1.0, abs=1e-6)
    assert min(series["y"]) == pytest.approx(-1.0, abs=1e-4)


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("quad_integral", {"function": "tan(x)"}, "function must be one of"),
        ("quad_integral", {"a": float("inf")}, "a must be finite"),
        ("exponential_decay", {"n_times": 1}, "n_times must be between 2 and 1000"),
        ("damped_oscillator", {"mass": 0}, "mass must be between 0.1 and 10"),
        ("damped_oscillator", {"c": -1}, "c must be between 0 and 50"),
    ],
)
def test_bad_parameters_are_refused(name, params, message):
    with pytest.raises(ValueError, match=message):
        labs.run(name, **params)
