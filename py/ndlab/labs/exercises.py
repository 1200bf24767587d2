"""The chapter's summary exercises, on data with a known answer."""

import warnings

import numpy as np
from scipy import interpolate, ndimage, optimize, signal, stats

from ..registry import Param
from .core import lab

SEED = Param("seed", "int", 0, min=0, max=2**32 - 1, step=1, help="Seed of the random generator.")

#: Annual maximum wind speeds at Sprogø, Denmark, 1969–1989 (m/s).
SPROGO_MAX_SPEEDS = (
    28.09, 22.46, 26.65, 26.65, 28.79, 30.19, 26.19, 26.75, 23.34, 24.16, 29.75,
    27.93, 26.68, 23.85, 32.97, 25.79, 26.37, 25.28, 26.73, 23.20, 26.76,
)  # fmt: skip


@lab(
    category="exercises",
    title="Counting bubbles and unmolten grains",
    params=[
        Param("n_bubbles", "int", 15, min=0, max=40, step=1, help="Bubbles drawn (dark discs)."),
        Param("n_grains", "int", 10, min=0, max=40, step=1, help="Grains drawn (bright discs)."),
        Param("noise", "float", 0.15, min=0, max=0.5, step=0.01, help="Noise standard deviation."),
        Param("min_size", "int", 10, min=1, max=200, step=1, help="Smallest object kept (pixels)."),
        SEED,
    ],
    about=(
        "The chapter's exercise segments a micrograph of molten glass (grey) with bubbles "
        "(dark) and unmolten sand grains (bright). Here the picture is synthetic, so the true "
        "counts and sizes are known: non-overlapping discs of two grey levels plus Gaussian "
        "noise. The steps are the chapter's: a median filter, two thresholds, a binary "
        "opening to remove specks, ndimage.label, and object sizes from np.bincount; objects "
        "smaller than min_size pixels are dropped. Raise the noise to see when counting fails."
    ),
)
def bubbles_and_grains(*, n_bubbles=15, n_grains=10, noise=0.15, min_size=10, seed=0):
    """Segment and count dark bubbles and bright grains in a synthetic micrograph.

    Returns
    -------
    dict
        Heat maps of the image and the segmentation; size histograms; counts
        and mean sizes against the truth.

    Examples
    --------
    >>> out = bubbles_and_grains()
    >>> out["values"]["bubbles_found"], out["values"]["grains_found"]
    (15, 10)
    """
    rng = np.random.default_rng(seed)
    height, width = 200, 320
    rows, cols = np.indices((height, width))
    truth = np.zeros((height, width), dtype=int)  # 0 glass, 1 bubble, 2 grain
    discs = []  # (row, col, radius)
    for kind, count, radii in ((1, n_bubbles, (4, 10)), (2, n_grains, (3, 7))):
        placed = 0
        while placed < count:
            radius = rng.uniform(*radii)
            row, col = rng.uniform(radius + 2, [height - radius - 2, width - radius - 2])
            if all(np.hypot(row - r, col - c) > radius + other + 3 for r, c, other in discs):
                discs.append((row, col, radius))
                truth[(rows - row) ** 2 + (cols - col) ** 2 <= radius**2] = kind
                placed += 1
    image = np.choose(truth, [0.5, 0.1, 0.9]) + rng.normal(0, noise, truth.shape)

    smooth = ndimage.median_filter(image, size=3)
    found = {}
    for name, mask in (("bubbles", smooth < 0.3), ("grains", smooth > 0.7)):
        mask = ndimage.binary_opening(mask, structure=np.ones((3, 3)))
        labels, count = ndimage.label(mask)
        sizes = np.bincount(labels.ravel())[1:]
        found[name] = sizes[sizes >= min_size]
    true_sizes = {
        "bubbles": np.bincount(ndimage.label(truth == 1)[0].ravel())[1:],
        "grains": np.bincount(ndimage.label(truth == 2)[0].ravel())[1:],
    }
    segmentation = np.where(smooth < 0.3, 1, np.where(smooth > 0.7, 2, 0))

    edges = np.linspace(0, 350, 15)
    plots = []
    for name in ("bubbles", "grains"):
        plots.append(
            {
                "id": f"{name}_sizes",
                "title": f"Sizes of the {name}",
                "x_label": "area (pixels)",
                "y_label": "count",
                "series": [
                    {
                        "label": label,
                        "x": edges,
                        "y": np.append(np.histogram(sizes, bins=edges)[0], 0),
                        "kind": "step",
                    }
                    for label, sizes in (("true", true_sizes[name]), ("found", found[name]))
                ],
            }
        )
    extent = [0, width, 0, height]
    rows_table = [
        [
            name,
            true_sizes[name].size,
            found[name].size,
            true_sizes[name].mean() if true_sizes[name].size else None,
            found[name].mean() if found[name].size else None,
        ]
        for name in ("bubbles", "grains")
    ]
    return {
        "plots": plots,
        "heatmaps": [
            {"id": "image", "title": "Synthetic micrograph", "extent": extent, "z": image[::-1]},
            {
                "id": "segmentation",
                "title": "Thresholds: glass 0, bubbles 1, grains 2",
                "extent": extent,
                "z": segmentation[::-1],
            },
        ],
        "tables": [
            {
                "title": "Truth and segmentation",
                "columns": ["objects", "true count", "found", "true mean area", "found mean area"],
                "rows": rows_table,
            }
        ],
        "values": {
            "bubbles_found": found["bubbles"].size,
            "grains_found": found["grains"].size,
        },
        "text": [
            f"Found {found['bubbles'].size} of {n_bubbles} bubbles and {found['grains'].size} "
            f"of {n_grains} grains."
        ],
    }


@lab(
    category="exercises",
    title="Lidar waveform: fitting a sum of Gaussians",
    params=[
        Param("n_peaks", "int", 3, min=1, max=3, step=1, help="Number of echoes."),
        Param("noise", "float", 0.5, min=0, max=3, step=0.1, help="Noise standard deviation."),
        SEED,
    ],
    about=(
        "A lidar pulse returns one echo per surface it meets (canopy, branches, ground), so "
        "the recorded waveform is a background plus a sum of Gaussians B + Σ A exp(-((t - "
        "μ)/σ)²). The chapter fits it with optimize.leastsq from a guess read off the plot; "
        "we generate the waveform from known parameters, guess the centres automatically "
        "with signal.find_peaks, and fit with optimize.curve_fit, which also returns "
        "standard errors. The table compares true and fitted parameters."
    ),
)
def lidar_waveform(*, n_peaks=3, noise=0.5, seed=0):
    """Recover the echoes of a synthetic lidar waveform with ``curve_fit``.

    Returns
    -------
    dict
        Plot of the waveform, the fit and its components; table of true and
        fitted parameters.

    Examples
    --------
    >>> out = lidar_waveform(noise=0.0)
    >>> float(out["values"]["max_parameter_error"]) < 1e-6
    True
    """

    def model(t, background, *peaks):
        y = np.full_like(t, background)
        for amplitude, centre, width in zip(peaks[::3], peaks[1::3], peaks[2::3], strict=True):
            y += amplitude * np.exp(-(((t - centre) / width) ** 2))
        return y

    rng = np.random.default_rng(seed)
    t = np.arange(100.0)
    centres = np.sort(rng.choice([15.0, 35.0, 55.0, 75.0], n_peaks, replace=False))
    true = [rng.uniform(1, 3)]
    for centre in centres:
        true += [rng.uniform(5, 15), centre + rng.uniform(-3, 3), rng.uniform(2, 4)]
    y = model(t, *true) + rng.normal(0, noise, t.size)

    peaks, properties = signal.find_peaks(
        ndimage.gaussian_filter1d(y, 1.5), prominence=2, distance=5
    )
    strongest = np.sort(peaks[np.argsort(properties["prominences"])[::-1][:n_peaks]])
    if strongest.size < n_peaks:
        raise ValueError(f"found only {strongest.size} of {n_peaks} echoes; lower the noise")
    guess = [np.median(y)]
    for index in strongest:
        guess += [y[index] - np.median(y), t[index], 3.0]
    fitted, covariance = optimize.curve_fit(model, t, y, p0=guess)
    errors = np.sqrt(np.diag(covariance))

    names = ["B"] + [f"{p}{i}" for i in range(1, n_peaks + 1) for p in ("A", "μ", "σ")]
    components = [
        {
            "label": f"echo {i + 1}",
            "x": t,
            "y": model(t, fitted[0], *fitted[1 + 3 * i : 4 + 3 * i]),
            "kind": "line",
        }
        for i in range(n_peaks)
    ]
    return {
        "plots": [
            {
                "id": "waveform",
                "title": "Waveform and fit",
                "x_label": "time (samples)",
                "y_label": "amplitude",
                "series": [
                    {"label": "waveform", "x": t, "y": y, "kind": "points"},
                    {"label": "fit", "x": t, "y": model(t, *fitted), "kind": "line"},
                    *components,
                ],
            }
        ],
        "tables": [
            {
                "title": "Parameters",
                "columns": ["parameter", "true", "fitted", "standard error"],
                "rows": [[name, true[i], fitted[i], errors[i]] for i, name in enumerate(names)],
            }
        ],
        "values": {"max_parameter_error": np.abs(fitted - true).max()},
        "text": [
            f"The fit recovers all {len(names)} parameters to within "
            f"{np.abs(fitted - true).max():.3f} (largest standard error {errors.max():.3f})."
        ],
    }


@lab(
    category="exercises",
    title="Sprogø: the 50-year wind speed",
    params=[
        Param(
            "smoothing",
            "float",
            21.0,
            min=0,
            max=100,
            step=0.5,
            help="Smoothing factor s of UnivariateSpline (21, the number of points, is "
            "SciPy's default).",
        ),
        Param("years", "float", 50.0, min=2, max=200, step=1, help="Return period in years."),
    ],
    about=(
        "From 21 annual maxima of the wind speed at Sprogø, estimate the speed exceeded on "
        "average once in 50 years, that is the quantile at cumulative probability 1 - 1/50. "
        "As in the chapter, the sorted maxima get the empirical probabilities (i + 1)/(N + 1) "
        "and a UnivariateSpline of speed against probability is extrapolated to 0.98; the "
        "chapter calls it with SciPy's default smoothing, s = N = 21, which yields a cubic "
        "without interior knots and ≈ 32.98 m/s. Lower s to see the spline chase the points "
        "(s = 0 interpolates them). Beside it, a Gumbel distribution fitted by maximum "
        "likelihood (stats.gumbel_r.fit) gives a model-based answer."
    ),
)
def wind_return_speed(*, smoothing=21.0, years=50.0):
    """Estimate the wind speed of a return period with a spline and with a Gumbel fit.

    Returns
    -------
    dict
        Plot of speed against cumulative probability; both estimates.

    Examples
    --------
    >>> round(float(wind_return_speed()["values"]["spline_speed"]), 2)
    32.98
    """
    speeds = np.sort(SPROGO_MAX_SPEEDS)
    n = speeds.size
    probability = (np.arange(n) + 1) / (n + 1)
    # FITPACK warns when it cannot meet a tiny s; show its message instead of failing.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quantile = interpolate.UnivariateSpline(probability, speeds, s=smoothing)
    target = 1 - 1 / years
    spline_speed = quantile(target)
    loc, scale = stats.gumbel_r.fit(speeds)
    gumbel_speed = stats.gumbel_r.ppf(target, loc, scale)

    p = np.linspace(probability[0], max(target, probability[-1]), 200)
    return {
        "plots": [
            {
                "id": "quantiles",
                "title": "Annual maxima against cumulative probability",
                "x_label": "cumulative probability",
                "y_label": "wind speed (m/s)",
                "series": [
                    {"label": "sorted maxima", "x": probability, "y": speeds, "kind": "points"},
                    {
                        "label": f"spline (s = {smoothing:g})",
                        "x": p,
                        "y": quantile(p),
                        "kind": "line",
                    },
                    {
                        "label": "Gumbel fit",
                        "x": p,
                        "y": stats.gumbel_r.ppf(p, loc, scale),
                        "kind": "line",
                    },
                    {
                        "label": f"{years:g}-year speed",
                        "x": [target, target],
                        "y": [spline_speed, gumbel_speed],
                        "kind": "points",
                    },
                ],
            }
        ],
        "values": {
            "spline_speed": spline_speed,
            "gumbel_speed": gumbel_speed,
            "gumbel_loc": loc,
            "gumbel_scale": scale,
        },
        "text": [
            f"The {years:g}-year wind (probability {target:.4f}) is {spline_speed:.2f} m/s "
            f"from the spline and {gumbel_speed:.2f} m/s from the Gumbel fit "
            f"(location {loc:.2f} m/s, scale {scale:.2f} m/s).",
            *(f"UnivariateSpline warned: {' '.join(str(w.message).split())}" for w in caught),
        ],
    }
