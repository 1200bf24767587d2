"""Tests of the special functions lab (ndlab/labs/special.py)."""

import pytest

from ndlab import labs


@pytest.mark.parametrize("function", ["jv", "gamma", "gammaln", "erf", "ellipj"])
@pytest.mark.parametrize(("x_min", "x_max"), [(0.0, 20.0), (-5.0, 5.0)])
def test_special_function_identities(function, x_min, x_max):
    result = labs.run(
        "special_functions", function=function, x_min=x_min, x_max=x_max, order=1.5, m=0.7
    )
    assert result.outputs["values"]["identity_error"] < 1e-12
    assert len(result.outputs["plots"][0]["series"]) == (3 if function == "ellipj" else 1)


def test_bessel_zeros():
    text = labs.run("special_functions").outputs["text"][0]
    assert text.startswith("J_0 has zeros near x = 2.40, 5.52, 8.65, 11.79, 14.93")


def test_gamma_poles_are_left_out():
    series = labs.run("special_functions", function="gamma", x_min=-3, x_max=3).outputs["plots"]
    ys = series[0]["series"][0]["y"]
    assert None in ys and all(abs(y) <= 30 for y in ys if y is not None)


def test_special_range_must_be_increasing():
    with pytest.raises(ValueError, match="x_min must be less than x_max, got x_min=5.0"):
        labs.run("special_functions", x_min=5, x_max=5)


@pytest.mark.parametrize(
    ("params", "message"),
    [({"function": "beta"}, "function must be one of"), ({"m": 2}, "m must be between 0 and 1")],
)
def test_bad_parameters_are_refused(params, message):
    with pytest.raises(ValueError, match=message):
        labs.run("special_functions", **params)
