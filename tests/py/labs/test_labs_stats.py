import numpy as np
import pytest

from ndlab import labs


def test_normal_fit_and_percentiles():
    result = labs.run("normal_samples", n=20_000, mean=3.0, sd=2.0, seed=1)
    found = result.outputs["values"]
    assert found["fit_mean"] == pytest.approx(3.0, abs=0.05)
    assert found["fit_sd"] == pytest.approx(2.0, abs=0.05)
    rows = result.outputs["tables"][0]["rows"]
    for _, sample, quantile in rows:
        assert sample == pytest.approx(quantile, abs=0.15)
    ninetieth = {row[0]: row[2] for row in rows}[90]  # the chapter's 90th percentile
    assert ninetieth == pytest.approx(3.0 + 2.0 * 1.2815515655446004)


def test_the_learners_sample_is_fitted_and_its_quantiles_compared_with_the_fit():
    sample = [2.1, 2.5, 1.9, 2.2, 2.8, 1.7, 2.4, 2.0]
    outputs = labs.run("normal_samples", data="\n".join(map(str, sample))).outputs
    assert outputs["values"]["fit_mean"] == pytest.approx(np.mean(sample))
    assert outputs["values"]["fit_sd"] == pytest.approx(np.std(sample))  # ML: ddof=0
    table = outputs["tables"][0]
    assert table["columns"][2] == "fitted normal quantile"
    median = {row[0]: row[1] for row in table["rows"]}[50]
    assert median == pytest.approx(np.median(sample))
    assert [s["label"] for s in outputs["plots"][0]["series"]] == ["histogram", "fitted pdf"]
    assert "(true" not in outputs["text"][0]


def test_histogram_is_a_density():
    series = labs.run("normal_samples").outputs["plots"][0]["series"][0]
    edges, density = series["x"], series["y"]
    area = sum(d * (b - a) for a, b, d in zip(edges, edges[1:], density, strict=False))
    assert area == pytest.approx(1.0)
    assert series["kind"] == "step" and density[-1] == 0


def test_t_test_detects_a_difference_and_welch_differs():
    found = labs.run("t_test", mean2=1.0).outputs["values"]
    assert found["p_value"] < 1e-6
    same = labs.run("t_test", mean2=0.0, seed=2)
    assert same.outputs["values"]["p_value"] > 0.05
    assert "cannot reject" in same.outputs["text"][1]
    student = labs.run("t_test", sd2=3.0, n2=20).outputs["values"]["p_value"]
    welch = labs.run("t_test", sd2=3.0, n2=20, equal_var=False).outputs["values"]["p_value"]
    assert student != pytest.approx(welch)


@pytest.mark.parametrize("fix_loc", [True, False])
def test_gamma_fit_recovers_the_shape(fix_loc):
    found = labs.run("gamma_fit", fix_loc=fix_loc).outputs["values"]
    assert found["shape"] == pytest.approx(1.0, abs=0.1)
    assert (found["loc"] == 0) == fix_loc


def test_gamma_shape_other_than_one():
    assert labs.run("gamma_fit", shape=3.0, n=5000).outputs["values"]["shape"] == pytest.approx(
        3.0, rel=0.1
    )


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("normal_samples", {"sd": 0}, "sd must be between 0.1 and 10"),
        ("normal_samples", {"n": 1.5}, "n must be an integer, got 1.5"),
        ("t_test", {"equal_var": 1}, "equal_var must be true or false"),
        ("gamma_fit", {"shape": -1}, "shape must be between 0.2 and 10"),
    ],
)
def test_bad_parameters_are_refused(name, params, message):
    with pytest.raises(ValueError, match=message):
        labs.run(name, **params)
