"""Tests of the linear algebra lab (ndlab/labs/linalg.py)."""

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
    two_by_three = labs.run("linear_algebra", data=[[1, 0, 0], [0, 2, 0]]).outputs["text"][0]
    assert two_by_three == "A is 2×3 of rank 2; singular values 2, 1."


def test_cholesky_of_a_symmetric_positive_definite_matrix():
    shown, found = results(matrix="[[4, 2], [2, 3]] (symmetric positive definite)")
    assert shown["cholesky(A)"] == "[[2. , 1. ], [0. , 1.4142]]"  # [[2, 1], [0, √2]]
    assert found["determinant"] == pytest.approx(8.0)


def test_a_matrix_the_learner_types():
    result = labs.run("linear_algebra", data="2 0 0\n0 5 0\n0 0 0.5")
    assert result.outputs["values"]["determinant"] == pytest.approx(5.0)
    assert result.outputs["values"]["condition_number"] == pytest.approx(5 / 0.5)  # σmax / σmin
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


@pytest.mark.parametrize(
    ("params", "message"),
    [({"matrix": "eye(2)"}, "matrix must be one of")],
)
def test_bad_parameters_are_refused(params, message):
    with pytest.raises(ValueError, match=message):
        labs.run("linear_algebra", **params)


def test_subnormal_pivot_does_not_warn():
    data = [[0.0, 0.0, 2.2e-309], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    result = labs.run("linear_algebra", data=data)
    assert result.outputs["values"]["rank"] == 2
