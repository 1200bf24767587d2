"""Tests of the linalg, special and io labs."""

import pytest

from ndlab import labs


def results(**params):
    """The lab's table as {function: result}, and its values."""
    outputs = labs.run("linear_algebra", **params).outputs
    return dict(outputs["tables"][0]["rows"]), outputs["values"]


def test_the_chapters_2x2_matrix():
    shown, found = results()
    assert found["determinant"] == pytest.approx(-2.0)
    assert shown["inv(A)"] == "[[-2. , 1. ], [ 1.5, -0.5]]"
    assert shown["solve(A, b)"] == "[-1., 1.]"  # x + 2y = 1, 3x + 4y = 1
    assert shown["cholesky(A)"].startswith("LinAlgError:")  # not symmetric positive definite


def test_the_chapters_singular_matrix():
    shown, found = results(matrix="[[3, 2], [6, 4]] (singular)")
    assert found["determinant"] == 0.0 and found["rank"] == 1
    assert shown["inv(A)"] == "LinAlgError: singular matrix"
    assert shown["solve(A, b)"].startswith("LinAlgError:")
    assert found["condition_number"] is None


def test_the_chapters_svd():
    _, found = results(matrix="arange(9).reshape(3, 3) + diag([1, 0, 1])")
    assert found["largest_singular_value"] == pytest.approx(14.88982544)
    assert found["smallest_singular_value"] == pytest.approx(0.29654967)
    assert found["determinant"] == pytest.approx(-2.0)


def test_the_chapters_non_square_matrix():
    shown, found = results(matrix="ones((3, 4)) (not square)")
    assert shown["inv(A)"] == "ValueError: expected square matrix"
    for name in ("det(A)", "solve(A, b)", "cholesky(A)"):
        assert shown[name].startswith("ValueError:"), name
    assert not shown["qr(A): Q, R"].startswith("ValueError")  # lu, qr and svd apply
    assert found["determinant"] is None and found["rank"] == 1


def test_cholesky_of_a_symmetric_positive_definite_matrix():
    shown, found = results(matrix="[[4, 2], [2, 3]] (symmetric positive definite)")
    assert shown["cholesky(A)"] == "[[2. , 1. ], [0. , 1.4142]]"  # [[2, 1], [0, √2]]
    assert found["determinant"] == pytest.approx(8.0)


def test_a_matrix_the_learner_types():
    result = labs.run("linear_algebra", data="2 0 0\n0 5 0\n0 0 0.5")
    assert result.outputs["values"]["determinant"] == pytest.approx(5.0)
    assert (
        "a = np.array(\n    [[2.0, 0.0, 0.0], [0.0, 5.0, 0.0], [0.0, 0.0, 0.5]]\n)" in result.code
    )
    with pytest.raises(ValueError, match="row 2 has 1 value, row 1 has 2"):
        labs.run("linear_algebra", data=[[1, 2], [3]])
    with pytest.raises(ValueError, match="the matrix needs 1 to 20 columns, got 21"):
        labs.run("linear_algebra", data=[[1.0] * 21])


def test_zero_matrix_has_no_condition_number():
    found = labs.run("linear_algebra", data=[[0, 0], [0, 0]]).outputs["values"]
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
        ("linear_algebra", {"matrix": "eye(2)"}, "matrix must be one of"),
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
    data = [[0.0, 0.0, 2.2e-309], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    result = labs.run("linear_algebra", data=data)
    assert result.outputs["values"]["rank"] == 2
