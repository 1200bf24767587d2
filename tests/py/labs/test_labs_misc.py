"""Tests of the linalg, special and io labs."""

import pytest

from ndlab import labs


def test_determinant_inverse_and_svd():
    result = labs.run("matrix_3x3")
    found = result.outputs["values"]
    assert found["determinant"] == pytest.approx(-3.0)
    assert found["rank"] == 3
    assert found["reconstruction_error"] < 1e-13
    inverse = result.outputs["tables"][0]
    assert inverse["title"] == "Inverse"
    assert inverse["rows"][2] == pytest.approx([1.0, -2.0, 1.0])


@pytest.mark.parametrize("params", [{"a33": 9}, {"a31": 2, "a32": 4, "a33": 6}])
def test_singular_matrix_reports_scipys_error(params):
    result = labs.run("matrix_3x3", **params)
    assert result.outputs["text"][0] == "scipy.linalg.inv raised LinAlgError: singular matrix"
    assert result.outputs["values"]["rank"] == 2
    assert result.outputs["values"]["determinant"] == pytest.approx(0.0, abs=1e-12)
    assert [table["title"] for table in result.outputs["tables"]][0] == "U"


def test_zero_matrix_has_no_condition_number():
    zeros = {f"a{row}{col}": 0 for row in (1, 2, 3) for col in (1, 2, 3)}
    found = labs.run("matrix_3x3", **zeros).outputs["values"]
    assert found["rank"] == 0 and found["condition_number"] is None


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


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "uint8", "complex128", "bool"])
@pytest.mark.parametrize("compress", [False, True])
def test_mat_round_trip(dtype, compress):
    result = labs.run("mat_roundtrip", rows=5, cols=7, dtype=dtype, compress=compress)
    matrix, vector = result.outputs["tables"][0]["rows"]
    assert matrix[1:3] == ["(5, 7)", "(5, 7)"]
    assert matrix[4] == ("uint8" if dtype == "bool" else dtype)
    assert matrix[5] is True and vector[5] is True
    assert vector[2] == "(1, 7)"
    assert result.outputs["values"]["file_bytes"] > 0


def test_compression_shrinks_large_files_and_oned_as_column():
    plain = labs.run("mat_roundtrip", rows=100, cols=100).outputs["values"]["file_bytes"]
    small = labs.run("mat_roundtrip", rows=100, cols=100, compress=True).outputs["values"]
    assert small["file_bytes"] < plain / 4
    column = labs.run("mat_roundtrip", oned_as="column").outputs["tables"][0]["rows"][1]
    assert column[2] == "(4, 1)"


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("matrix_3x3", {"a11": "1"}, "a11 must be a number, got '1'"),
        ("special_functions", {"function": "beta"}, "function must be one of"),
        ("special_functions", {"m": 2}, "m must be between 0 and 1"),
        ("mat_roundtrip", {"dtype": "float16"}, "dtype must be one of"),
        ("mat_roundtrip", {"rows": 0}, "rows must be between 1 and 200"),
    ],
)
def test_bad_parameters_are_refused(name, params, message):
    with pytest.raises(ValueError, match=message):
        labs.run(name, **params)


def test_subnormal_pivot_does_not_warn():
    params = dict.fromkeys([f"a{row}{col}" for row in (1, 2, 3) for col in (1, 2, 3)], 0.0)
    params.update(a13=2.2e-309, a21=1.0, a32=1.0)
    result = labs.run("matrix_3x3", **params)
    assert result.outputs["values"]["rank"] == 2
