"""Statistics labs (``scipy.stats``)."""

import warnings

import numpy as np
from scipy import stats

from ..registry import Param
from .core import lab
from .data import Data

SEED = Param("seed", "int", 0, min=0, max=2**32 - 1, step=1, help="Seed of the random generator.")
BINS = Param("bins", "int", 30, min=2, max=200, step=1, help="Number of histogram bins.")


@lab(
    category="stats",
    title="Normal samples: histogram, fit and percentiles",
    data=Data(
        "table",
        ("value",),
        {},
        min_rows=2,
        max_rows=1_000_000,
        makes=("n", "mean", "sd", "seed"),
        help="A sample, one value per row; without it the lab draws n normal samples with "
        "the true mean and standard deviation below.",
    ),
    params=[
        Param("n", "int", 1000, min=2, max=100_000, step=10, help="Number of samples."),
        Param("mean", "float", 0.0, min=-10, max=10, step=0.1, help="True mean."),
        Param("sd", "float", 1.0, min=0.1, max=10, step=0.1, help="True standard deviation."),
        BINS,
        SEED,
    ],
    about=(
        "Draw samples from a normal distribution, compare their normalized histogram with the "
        "probability density, and estimate the mean and standard deviation by maximum "
        "likelihood with stats.norm.fit. Percentiles of the sample approach the distribution's "
        "quantiles (norm.ppf) as n grows. The chapter's np.histogram(normed=True) is now "
        "density=True, and random numbers come from a seeded np.random.default_rng."
    ),
)
def normal_samples(samples=None, *, n=1000, mean=0.0, sd=1.0, bins=30, seed=0):
    """Histogram, maximum-likelihood fit and percentiles of normal samples.

    Returns
    -------
    dict
        Histogram with the true and fitted pdfs; table of percentiles; the fit.

    Examples
    --------
    >>> out = normal_samples(n=100_000, mean=2.0, sd=3.0)
    >>> round(float(out["values"]["fit_mean"]), 1), round(float(out["values"]["fit_sd"]), 1)
    (2.0, 3.0)
    """
    drawn = samples is None
    if drawn:
        samples = np.random.default_rng(seed).normal(mean, sd, n)
    samples = np.asarray(samples, dtype=np.float64)
    density, edges = np.histogram(samples, bins=bins, density=True)
    fit_mean, fit_sd = stats.norm.fit(samples)
    # the quantiles of the true distribution, or of the fitted one for the learner's sample
    centre, spread, reference = (mean, sd, "true") if drawn else (fit_mean, fit_sd, "fitted")

    x = np.linspace(centre - 4 * spread, centre + 4 * spread, 201)
    levels = [1, 5, 10, 25, 50, 75, 90, 95, 99]
    sample_percentiles = np.percentile(samples, levels)
    return {
        "plots": [
            {
                "id": "histogram",
                "title": f"{samples.size} samples",
                "x_label": "x",
                "y_label": "density",
                "series": [
                    {"label": "histogram", "x": edges, "y": np.append(density, 0), "kind": "step"},
                    *(
                        [
                            {
                                "label": "true pdf",
                                "x": x,
                                "y": stats.norm.pdf(x, mean, sd),
                                "kind": "line",
                            }
                        ]
                        if drawn
                        else []
                    ),
                    {
                        "label": "fitted pdf",
                        "x": x,
                        "y": stats.norm.pdf(x, fit_mean, fit_sd),
                        "kind": "line",
                    },
                ],
            }
        ],
        "tables": [
            {
                "title": "Percentiles",
                "columns": ["percent", "sample", f"{reference} normal quantile"],
                "rows": [
                    [level, value, stats.norm.ppf(level / 100, centre, spread)]
                    for level, value in zip(levels, sample_percentiles, strict=True)
                ],
            }
        ],
        "values": {
            "fit_mean": fit_mean,
            "fit_sd": fit_sd,
            "median": np.median(samples),
            "sample_sd": samples.std(ddof=1),
        },
        "text": [
            f"norm.fit estimates mean {fit_mean:.4f} and standard deviation {fit_sd:.4f}"
            + (f" (true {mean:g} and {sd:g})" if drawn else "")
            + f"; the median is {np.median(samples):.4f}."
        ],
    }


@lab(
    category="stats",
    title="Two-sample t-test",
    data=Data(
        "table",
        ("value", "group"),
        {},
        min_rows=4,
        max_rows=1_000_000,
        makes=("mean1", "sd1", "n1", "mean2", "sd2", "n2", "seed"),
        help="Both samples in one table, one value a row with its group beside it: two "
        "different numbers (such as 1 and 2) tell the samples apart, so they may differ in "
        "size; without them the lab draws two normal samples with the means, spreads and sizes "
        "below.",
    ),
    params=[
        Param("mean1", "float", 0.0, min=-5, max=5, step=0.1, help="Mean of sample 1."),
        Param("sd1", "float", 1.0, min=0.1, max=5, step=0.1, help="Spread of sample 1."),
        Param("n1", "int", 100, min=2, max=10_000, step=1, help="Size of sample 1."),
        Param("mean2", "float", 0.3, min=-5, max=5, step=0.1, help="Mean of sample 2."),
        Param("sd2", "float", 1.0, min=0.1, max=5, step=0.1, help="Spread of sample 2."),
        Param("n2", "int", 100, min=2, max=10_000, step=1, help="Size of sample 2."),
        Param("equal_var", "bool", True, help="Assume equal variances (else Welch's test)."),
        SEED,
    ],
    about=(
        "stats.ttest_ind asks whether two samples could come from populations with the same "
        "mean. The p-value is the probability of a difference in sample means at least as "
        "large as the one observed if the population means were equal: a small p-value is "
        "evidence that they differ. Make the means closer, the spreads wider or the samples "
        "smaller and the p-value grows. With equal_var off it runs Welch's test, which does "
        "not assume equal variances. The chapter's call is the same. Your own samples go in "
        "one table, each value beside its group, so that they may differ in size."
    ),
)
def t_test(
    samples=None, *, mean1=0.0, sd1=1.0, n1=100, mean2=0.3, sd2=1.0, n2=100, equal_var=True, seed=0
):
    """Compare the means of two samples with ``stats.ttest_ind``.

    Parameters
    ----------
    samples : (n, 2) array, optional
        One value a row and its group, one of two numbers; sample 1 is the
        group of the smaller number. Without it, two normal samples are drawn.

    Returns
    -------
    dict
        Histograms of both samples; the t statistic, p-value and a sentence.

    Examples
    --------
    >>> out = t_test(mean2=0.0, n1=50, n2=50)
    >>> float(out["values"]["p_value"]) > 0.05
    True
    >>> out = t_test(np.array([[1.0, 1], [2.0, 1], [3.0, 1], [7.0, 2], [9.0, 2]]))
    >>> out["text"][0].partition("; ")[2]
    't = -5.692, p = 0.0107 (your data: 3 values in group 1, 2 in group 2).'
    """
    if samples is None:
        rng = np.random.default_rng(seed)
        first = rng.normal(mean1, sd1, n1)
        second = rng.normal(mean2, sd2, n2)
    else:
        values, group = np.asarray(samples, dtype=np.float64).T
        labels = np.unique(group)
        if labels.size != 2:
            shown = ", ".join(f"{label:g}" for label in labels[:5]) + ", …" * (labels.size > 5)
            raise ValueError(
                f"column 2 (group) must hold two different numbers, one for each sample; "
                f"it holds {labels.size}: {shown}"
            )
        first, second = values[group == labels[0]], values[group == labels[1]]
        for label, sample in zip(labels, (first, second), strict=True):
            if sample.size < 2:
                row = np.flatnonzero(group == label)[0] + 1
                raise ValueError(
                    f"group {label:g} has one value only (row {row}); each sample needs two or more"
                )
        if np.ptp(first) == np.ptp(second) == 0:
            raise ValueError("both samples are constant: their spread, and so t, is undefined")

    # Nearly identical values lose precision in the variances: SciPy warns, the answers say so.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        test = stats.ttest_ind(first, second, equal_var=equal_var)

    edges = np.histogram_bin_edges(np.concatenate([first, second]), bins=30)
    density1, _ = np.histogram(first, bins=edges, density=True)
    density2, _ = np.histogram(second, bins=edges, density=True)
    verdict = "reject" if test.pvalue < 0.05 else "cannot reject"
    return {
        "plots": [
            {
                "id": "samples",
                "title": "The two samples",
                "x_label": "x",
                "y_label": "density",
                "series": [
                    {"label": "sample 1", "x": edges, "y": np.append(density1, 0), "kind": "step"},
                    {"label": "sample 2", "x": edges, "y": np.append(density2, 0), "kind": "step"},
                ],
            }
        ],
        "values": {
            "t": test.statistic,
            "p_value": test.pvalue,
            "mean_1": first.mean(),
            "mean_2": second.mean(),
        },
        "text": [
            f"The sample means are {first.mean():.3f} and {second.mean():.3f}; "
            f"t = {test.statistic:.3f}, p = {test.pvalue:.3g}"
            + (
                "."
                if samples is None
                else f" (your data: {first.size} values in group {labels[0]:g}, "
                f"{second.size} in group {labels[1]:g})."
            ),
            f"If both populations had the same mean, a difference at least this large would "
            f"occur in {100 * test.pvalue:.2g}% of repeated experiments, so at the 5% level we "
            f"{verdict} equal means.",
            *(f"ttest_ind warned: {w.message}" for w in caught),
        ],
    }


@lab(
    category="stats",
    title="Fitting a gamma distribution",
    data=Data(
        "table",
        ("value",),
        {},
        min_rows=3,
        max_rows=1_000_000,
        makes=("n", "shape", "seed"),
        help="A sample, one value per row, positive when the location is fixed at 0 "
        "(fix_loc); without it the lab draws n gamma samples with the true shape below.",
    ),
    params=[
        Param("n", "int", 1000, min=10, max=20_000, step=10, help="Number of samples."),
        Param("shape", "float", 1.0, min=0.2, max=10, step=0.1, help="True shape parameter a."),
        Param("fix_loc", "bool", True, help="Fix the location at 0 while fitting (floc=0)."),
        BINS,
        SEED,
    ],
    about=(
        "The chapter's exercise: draw 1000 samples from a gamma distribution with shape 1, "
        "plot their histogram with the pdf on top, and recover the shape with "
        "stats.gamma.fit. By default the location is fixed at 0 (floc=0), which makes the "
        "fit better conditioned; untick fix_loc to fit shape, location and scale together "
        "as the chapter does, and compare. Your own sample is fitted the same way (with the "
        "location fixed at 0, its values must be positive)."
    ),
)
def gamma_fit(samples=None, *, n=1000, shape=1.0, fix_loc=True, bins=30, seed=0):
    """Fit a gamma distribution with ``stats.gamma.fit``: to drawn samples, or to yours.

    Parameters
    ----------
    samples : 1-D array, optional
        The sample to fit; without it, `n` samples of shape `shape` are drawn.

    Returns
    -------
    dict
        Histogram with the true (for drawn samples) and fitted pdfs; the fitted parameters.

    Examples
    --------
    >>> round(float(gamma_fit()["values"]["shape"]), 1)
    1.0
    >>> gamma_fit(np.array([1.0, 2.0, -0.5]))
    Traceback (most recent call last):
    ...
    ValueError: row 3 is -0.5: with the location fixed at 0 (fix_loc) every value must be ...
    """
    drawn = samples is None
    if drawn:
        rng = np.random.default_rng(seed)
        samples = stats.gamma.rvs(shape, size=n, random_state=rng)
    samples = np.asarray(samples, dtype=np.float64)
    if fix_loc and (samples <= 0).any():
        row = np.flatnonzero(samples <= 0)[0]
        raise ValueError(
            f"row {row + 1} is {samples[row]:g}: with the location fixed at 0 (fix_loc) every "
            "value must be positive; untick fix_loc to fit the location too"
        )
    if np.ptp(samples) == 0:
        raise ValueError(f"every value is {samples[0]:g}: a gamma distribution needs a spread")
    if np.ptp(samples) < bins / np.finfo(np.float64).max:
        # narrower bins than float64 can divide by: the histogram's density would overflow
        raise ValueError(f"the values spread over {np.ptp(samples):g} only: too little to bin")
    if fix_loc:
        fit_shape, fit_loc, fit_scale = stats.gamma.fit(samples, floc=0.0)
    else:
        fit_shape, fit_loc, fit_scale = stats.gamma.fit(samples)
    density, edges = np.histogram(samples, bins=bins, density=True)

    x = np.linspace(min(edges[0], 0), edges[-1], 301)[1:]
    return {
        "plots": [
            {
                "id": "histogram",
                "title": f"{n} gamma samples, shape {shape:g}"
                if drawn
                else f"Your sample of {samples.size} values",
                "x_label": "x",
                "y_label": "density",
                "series": [
                    {"label": "histogram", "x": edges, "y": np.append(density, 0), "kind": "step"},
                    *(
                        [
                            {
                                "label": "true pdf",
                                "x": x,
                                "y": stats.gamma.pdf(x, shape),
                                "kind": "line",
                            }
                        ]
                        if drawn
                        else []
                    ),
                    {
                        "label": "fitted pdf",
                        "x": x,
                        "y": stats.gamma.pdf(x, fit_shape, fit_loc, fit_scale),
                        "kind": "line",
                    },
                ],
            }
        ],
        "values": {"shape": fit_shape, "loc": fit_loc, "scale": fit_scale},
        "text": [
            f"gamma.fit recovers shape {fit_shape:.4f} (true {shape:g}), location "
            f"{fit_loc:.4f} and scale {fit_scale:.4f} (true 0 and 1)."
            if drawn
            else f"gamma.fit gives shape {fit_shape:.4f}, location {fit_loc:.4f} and scale "
            f"{fit_scale:.4f} (your data)."
        ],
    }
