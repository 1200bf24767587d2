import numpy as np
import pytest
from scipy import stats

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


def _two_samples():
    """Two samples of different sizes in long form (value, group), their rows interleaved."""
    rng = np.random.default_rng(11)
    first, second = rng.normal(5.0, 1.0, 23), rng.normal(5.8, 1.5, 31)
    table = [[float(v), 7] for v in first] + [[float(v), 3] for v in second]  # group 3 is sample 1
    order = rng.permutation(len(table))
    return first, second, [table[i] for i in order]


@pytest.mark.parametrize("equal_var", [True, False])
def test_t_test_on_the_learners_two_samples_is_ttest_ind(equal_var):
    first, second, table = _two_samples()
    text = "value, group\n" + "\n".join(f"{v!r}, {g}" for v, g in table)
    result = labs.run("t_test", data=text, equal_var=equal_var)
    expected = stats.ttest_ind(second, first, equal_var=equal_var)  # the smaller label first
    found = result.outputs["values"]
    assert found["t"] == pytest.approx(expected.statistic, rel=1e-9)
    assert found["p_value"] == pytest.approx(expected.pvalue, rel=1e-9)
    assert (found["mean_1"], found["mean_2"]) == pytest.approx((second.mean(), first.mean()))
    assert result.outputs["text"][0].endswith("(your data: 31 values in group 3, 23 in group 7).")
    assert "your data" not in labs.run("t_test").outputs["text"][0]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            [[1, 1], [2, 1], [3, 2], [4, 2], [5, 3]],
            r"column 2 \(group\) must hold two .* 3: 1, 2, 3",
        ),
        ([[1, 1], [2, 1], [3, 1], [4, 1]], r"column 2 \(group\) must hold two .* it holds 1: 1"),
        ([[1, 1], [2, 1], [3, 2], [4, 1]], r"group 2 has one value only \(row 3\)"),
        ([[1, 1], [1, 1], [2, 2], [2, 2]], "both samples are constant"),
        ([[1], [2], [3], [4]], r"the table needs 2 column\(s\) \(value, group\), got 1"),
    ],
)
def test_t_test_refuses_a_table_that_is_not_two_samples(table, message):
    with pytest.raises(ValueError, match=message):
        labs.run("t_test", data=table)


@pytest.mark.parametrize("fix_loc", [True, False])
def test_gamma_fit_on_the_learners_sample_is_gamma_fit(fix_loc):
    sample = np.random.default_rng(4).gamma(2.5, 1.3, 300) + (0.0 if fix_loc else 2.0)
    result = labs.run("gamma_fit", data=sample, fix_loc=fix_loc)
    expected = stats.gamma.fit(sample, floc=0.0) if fix_loc else stats.gamma.fit(sample)
    found = result.outputs["values"]
    assert [found["shape"], found["loc"], found["scale"]] == pytest.approx(expected, rel=1e-9)
    plot = result.outputs["plots"][0]
    assert plot["title"] == "Your sample of 300 values"
    assert [s["label"] for s in plot["series"]] == ["histogram", "fitted pdf"]
    assert result.outputs["text"][0].endswith("(your data).")


def test_gamma_fit_with_the_location_fixed_names_a_value_that_is_not_positive():
    with pytest.raises(ValueError, match=r"row 3 is 0: with the location fixed at 0 \(fix_loc\)"):
        labs.run("gamma_fit", data=[1.5, 2.0, 0.0, 3.0])
    free = labs.run("gamma_fit", data=[1.5, 2.0, -0.5, 3.0, 2.2, 1.1], fix_loc=False)
    assert free.outputs["values"]["loc"] < -0.5
    with pytest.raises(ValueError, match="every value is 2: a gamma distribution needs a spread"):
        labs.run("gamma_fit", data=[2, 2, 2])
    # found by hypothesis: a spread too small for the histogram's bins to divide by
    with pytest.raises(ValueError, match="spread over 1.1e-308 only: too little to bin"):
        labs.run("gamma_fit", data=[1.1e-308, 1.1e-308, 5e-324])


def test_t_test_sentence_gives_the_p_value_in_percent():
    """The doctest's samples: 1, 2, 3 against 7, 9."""
    expected = stats.ttest_ind([1.0, 2.0, 3.0], [7.0, 9.0]).pvalue
    table = [[1.0, 1], [2.0, 1], [3.0, 1], [7.0, 2], [9.0, 2]]
    text = labs.run("t_test", data=table).outputs["text"][1]
    assert text == (
        f"If both populations had the same mean, a difference at least this large would occur in "
        f"{100 * expected:.2g}% of repeated experiments, so at the 5% level we reject equal means."
    )
    assert f"{100 * expected:.2g}" == "1.1"
