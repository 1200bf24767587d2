"""Statistics labs (``scipy.stats``)."""

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
        "not assume equal variances. The chapter's call is the same."
    ),
)
def t_test(*, mean1=0.0, sd1=1.0, n1=100, mean2=0.3, sd2=1.0, n2=100, equal_var=True, seed=0):
    """Compare the means of two normal samples with ``stats.ttest_ind``.

    Returns
    -------
    dict
        Histograms of both samples; the t statistic, p-value and a sentence.

    Examples
    --------
    >>> out = t_test(mean2=0.0, n1=50, n2=50)
    >>> float(out["values"]["p_value"]) > 0.05
    True
    """
    rng = np.random.default_rng(seed)
    first = rng.normal(mean1, sd1, n1)
    second = rng.normal(mean2, sd2, n2)
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
            f"t = {test.statistic:.3f}, p = {test.pvalue:.3g}.",
            f"If both populations had the same mean, a difference at least this large would "
            f"occur in {100 * test.pvalue:.2g}% of repeated experiments, so at the 5% level we "
            f"{verdict} equal means.",
        ],
    }


@lab(
    category="stats",
    title="Fitting a gamma distribution",
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
        "as the chapter does, and compare."
    ),
)
def gamma_fit(*, n=1000, shape=1.0, fix_loc=True, bins=30, seed=0):
    """Recover the shape of gamma samples with ``stats.gamma.fit``.

    Returns
    -------
    dict
        Histogram with the true and fitted pdfs; the fitted parameters.

    Examples
    --------
    >>> round(float(gamma_fit()["values"]["shape"]), 1)
    1.0
    """
    rng = np.random.default_rng(seed)
    samples = stats.gamma.rvs(shape, size=n, random_state=rng)
    if fix_loc:
        fit_shape, fit_loc, fit_scale = stats.gamma.fit(samples, floc=0.0)
    else:
        fit_shape, fit_loc, fit_scale = stats.gamma.fit(samples)
    density, edges = np.histogram(samples, bins=bins, density=True)

    x = np.linspace(0, edges[-1], 301)[1:]
    return {
        "plots": [
            {
                "id": "histogram",
                "title": f"{n} gamma samples, shape {shape:g}",
                "x_label": "x",
                "y_label": "density",
                "series": [
                    {"label": "histogram", "x": edges, "y": np.append(density, 0), "kind": "step"},
                    {"label": "true pdf", "x": x, "y": stats.gamma.pdf(x, shape), "kind": "line"},
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
        ],
    }
