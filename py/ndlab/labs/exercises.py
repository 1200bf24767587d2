"""The chapter's summary exercises, on the chapter's data (or the learner's)."""

import warnings

import numpy as np
from scipy import interpolate, ndimage, optimize, signal, stats

from ..registry import Param
from .core import lab
from .data import Data
from .stats import BINS, SEED

#: The chapter's initial guesses (background, then amplitude, centre and width of each echo).
LIDAR_GUESSES = {"one echo": (3, 30, 15, 1), "three echoes": (3, 30, 20, 1, 12, 25, 1, 8, 28, 1)}


@lab(
    category="exercises",
    title="Glass, sand grains and bubbles in a micrograph",
    data=Data(
        "image",
        (),
        {None: "MV_HFV_012.jpg"},
        min_rows=20,
        max_rows=4000,
        help="A grey-level image, 0–255 (the chapter's: a scanning electron micrograph of "
        "molten glass, 1024×943 pixels with an information band 60 rows high at the bottom).",
    ),
    params=[
        Param("band", "int", 60, min=0, max=200, step=1, help="Rows cropped at the bottom."),
        Param("size", "int", 7, min=1, max=15, step=2, help="Median filter size (pixels)."),
        Param("bubbles_below", "int", 50, min=0, max=255, step=1, help="Bubbles: grey ≤ this."),
        Param("glass_above", "int", 114, min=0, max=255, step=1, help="Glass: grey > this."),
        Param("opening", "int", 2, min=0, max=5, step=1, help="Openings of the sand mask."),
        Param("min_grain", "int", 100, min=0, max=2000, step=10, help="Grains kept: > pixels."),
    ],
    about=(
        "The chapter's image-processing exercise on its own micrograph: molten glass (light "
        "grey) holds bubbles (black) and unmolten sand grains (dark grey). Crop the "
        "information band, smooth with a 7×7 median filter (compare the two grey-level "
        "histograms: the filter sharpens the three peaks), split the grey levels at 50 and "
        "114 into the three phases, whose fractions sum to 1, open the sand mask twice to "
        "separate touching grains, label bubbles and grains with ndimage.label and measure "
        "them with np.bincount, keeping grains larger than 100 pixels. The chapter finds a "
        "mean bubble area of 1699.875 pixels and a median of 65: most bubbles are specks, a "
        "few are huge."
    ),
)
def glass_sand_bubbles(
    image, *, band=60, size=7, bubbles_below=50, glass_above=114, opening=2, min_grain=100
):
    """Measure the three phases of a glass micrograph, then count bubbles and sand grains.

    Returns
    -------
    dict
        Histograms before and after the median filter; heat maps of the image and
        the phases; phase fractions, counts and sizes.

    Examples
    --------
    >>> out = glass_sand_bubbles(np.tile([0.0, 80, 200], (30, 10)), band=0, size=1)
    >>> [round(float(row[1]), 3) for row in out["tables"][0]["rows"]]
    [0.333, 0.333, 0.333]
    """
    image = np.asarray(image, dtype=np.float64)
    if bubbles_below >= glass_above:
        raise ValueError(
            f"bubbles_below ({bubbles_below}) must be less than glass_above ({glass_above})"
        )
    if band >= image.shape[0] - 1:
        raise ValueError(f"band ({band}) must leave rows of the {image.shape[0]}-row image")
    cropped = image[: image.shape[0] - band]
    smooth = ndimage.median_filter(cropped, size=size)
    bubbles = smooth <= bubbles_below
    sand = (smooth > bubbles_below) & (smooth <= glass_above)
    glass = smooth > glass_above
    fractions = [bubbles.mean(), sand.mean(), glass.mean()]

    if opening:
        sand = ndimage.binary_opening(sand, iterations=opening)
    sand_labels, _ = ndimage.label(sand)
    sand_areas = np.bincount(sand_labels.ravel())[1:]
    grain_areas = sand_areas[sand_areas > min_grain]
    bubble_labels, bubble_count = ndimage.label(bubbles)
    bubble_areas = np.bincount(bubble_labels.ravel())[1:]

    # Heat maps are at most 200×400: show every step-th pixel.
    step = int(np.ceil(max(cropped.shape[0] / 200, cropped.shape[1] / 400)))
    phases = np.select([bubbles, sand, glass], [1, 2, 3], 0)
    extent = [0, cropped.shape[1], cropped.shape[0], 0]
    edges = np.arange(257)

    def sizes(areas):
        return (areas.mean(), np.median(areas)) if areas.size else (None, None)

    return {
        "plots": [
            {
                "id": "histograms",
                "title": "Grey-level histograms",
                "x_label": "grey level",
                "y_label": "pixels",
                "series": [
                    {
                        "label": label,
                        "x": edges,
                        "y": np.append(np.histogram(values, bins=edges)[0], 0),
                        "kind": "step",
                    }
                    for label, values in (("cropped image", cropped), ("median filtered", smooth))
                ],
            }
        ],
        "heatmaps": [
            {
                "id": "image",
                "title": "Median-filtered image (row 0 at the top)",
                "extent": extent,
                "z": smooth[::step, ::step][::-1],
            },
            {
                "id": "phases",
                "title": "Phases after cleaning: bubbles 1, sand 2, glass 3 (0: removed)",
                "extent": extent,
                "z": phases[::step, ::step][::-1],
            },
        ],
        "tables": [
            {
                "title": "Phases",
                "columns": ["phase", "fraction", "objects", "mean area (px)", "median area (px)"],
                "rows": [
                    ["bubbles", fractions[0], bubble_count, *sizes(bubble_areas)],
                    ["sand grains", fractions[1], grain_areas.size, *sizes(grain_areas)],
                    ["glass", fractions[2], None, None, None],
                ],
            }
        ],
        "values": {
            "bubble_fraction": fractions[0],
            "sand_fraction": fractions[1],
            "glass_fraction": fractions[2],
            "bubbles": bubble_count,
            "grains": grain_areas.size,
            "mean_bubble_area": sizes(bubble_areas)[0],
            "median_bubble_area": sizes(bubble_areas)[1],
            "mean_grain_area": sizes(grain_areas)[0],
            "median_grain_area": sizes(grain_areas)[1],
        },
        "text": [
            f"Bubbles cover {fractions[0]:.1%} of the image, sand {fractions[1]:.1%} and glass "
            f"{fractions[2]:.1%}.",
            f"{bubble_count} bubbles (mean area {sizes(bubble_areas)[0] or 0:.1f} px, median "
            f"{sizes(bubble_areas)[1] or 0:.1f} px) and {grain_areas.size} sand grains larger "
            f"than {min_grain} px (mean {sizes(grain_areas)[0] or 0:.1f} px, median "
            f"{sizes(grain_areas)[1] or 0:.1f} px).",
        ],
    }


@lab(
    category="exercises",
    title="Denoising a binary image: whose histogram is closest?",
    params=[
        Param(
            "noise_kind",
            "choice",
            "salt and pepper",
            choices=("salt and pepper", "gaussian"),
            help="Salt and pepper: a fraction of the pixels set to 0 or 1 at random; "
            "gaussian: normal noise added to every pixel.",
        ),
        Param(
            "noise",
            "float",
            0.2,
            min=0.01,
            max=1,
            step=0.01,
            help="Fraction of pixels hit (salt and pepper) or standard deviation (gaussian).",
        ),
        Param("sigma", "float", 1.0, min=0.1, max=10, step=0.1, help="Gaussian filter's sigma."),
        Param("size", "int", 3, min=1, max=15, step=1, help="Median filter's size (pixels)."),
        Param(
            "wiener_size", "int", 5, min=2, max=15, step=1, help="Wiener filter's window (pixels)."
        ),
        BINS,
        SEED,
    ],
    about=(
        "The chapter's denoising exercise: make a binary image of a few shapes (circles, an "
        "ellipse, a square), add 20% of noise, denoise it with a Gaussian filter, a median "
        "filter and a Wiener filter (signal.wiener, which the chapter names as another "
        "filter), and compare the histograms with the noise-free image's. How close two "
        "histograms are is measured by the earth mover's distance "
        "(stats.wasserstein_distance of the pixel values): the grey-level change that moves "
        "one histogram onto the other, averaged over the pixels. On salt-and-pepper noise the "
        "median filter gives back an almost binary image, while the Gaussian and Wiener "
        "filters smear each speck and each edge into grey levels between 0 and 1; on Gaussian "
        "noise (the chapter's own denoising example adds 0.2 times normal noise) the median "
        "filter no longer wins. The RMS error against the clean image is shown too: a "
        "histogram says nothing of where the pixels are. The chapter's image article also "
        "denoises by total variation, which needs scikit-image: not available here."
    ),
)
def denoise_histograms(
    *, noise_kind="salt and pepper", noise=0.2, sigma=1.0, size=3, wiener_size=5, bins=30, seed=0
):
    """Denoise a noisy binary image with three filters and compare their histograms.

    Returns
    -------
    dict
        One plot overlaying the histograms of the clean, noisy and denoised images;
        heat maps of the images, on one colour scale; a table of distances to the clean image.

    Examples
    --------
    >>> out = denoise_histograms()
    >>> [row[0] for row in out["tables"][0]["rows"]]
    ['noisy', 'Gaussian filter', 'median filter', 'Wiener filter']
    """
    rng = np.random.default_rng(seed)
    # A binary image of several objects: two circles, an ellipse and a square
    rows, cols = np.indices((128, 128))
    clean = np.zeros((128, 128))
    clean[(rows - 35) ** 2 + (cols - 35) ** 2 < 20**2] = 1
    clean[(rows - 95) ** 2 + (cols - 95) ** 2 < 12**2] = 1
    clean[((rows - 90) / 30) ** 2 + ((cols - 40) / 15) ** 2 < 1] = 1
    clean[20:60, 75:110] = 1
    if noise_kind == "salt and pepper":
        hit = rng.random(clean.shape) < noise
        noisy = np.where(hit, rng.integers(0, 2, clean.shape), clean).astype(np.float64)
    else:
        noisy = clean + noise * rng.normal(size=clean.shape)

    gaussian = ndimage.gaussian_filter(noisy, sigma=sigma)
    median = ndimage.median_filter(noisy, size=size)
    # wiener divides by the local variance, which is 0 where the window is flat: it takes the
    # local mean there, as it should, but NumPy would warn of the division
    with np.errstate(divide="ignore", invalid="ignore"):
        wiener = signal.wiener(noisy, mysize=wiener_size)
    results = [
        ("noisy", noisy),
        ("Gaussian filter", gaussian),
        ("median filter", median),
        ("Wiener filter", wiener),
    ]
    # How far each histogram is from the clean one, and how far each image is from it
    distances = [stats.wasserstein_distance(clean.ravel(), image.ravel()) for _, image in results]
    errors = [np.sqrt(np.mean((image - clean) ** 2)) for _, image in results]
    closest = min(range(1, 4), key=lambda i: distances[i])
    best = min(range(1, 4), key=lambda i: errors[i])
    edges = np.histogram_bin_edges([clean, *(image for _, image in results)], bins=bins)
    # The images side by side, a transparent band between them
    gap = np.full((128, 5), np.nan)
    before = np.hstack([clean, gap, noisy])
    after = np.hstack([gaussian, gap, median, gap, wiener])
    return {
        "plots": [
            {
                "id": "histograms",
                "title": "Histograms of the clean, noisy and denoised images",
                "x_label": "grey level",
                "y_label": "pixels",
                "series": [
                    {
                        "label": label,
                        "x": edges,
                        "y": np.append(np.histogram(image, bins=edges)[0], 0),
                        "kind": "step",
                    }
                    for label, image in [("clean", clean), *results]
                ],
            }
        ],
        "heatmaps": [
            {
                "id": "noisy",
                "title": "Clean and noisy images (row 0 at the top)",
                "extent": [0, before.shape[1], 128, 0],
                "z": before[::-1],
                "range": [edges[0], edges[-1]],
            },
            {
                "id": "denoised",
                "title": "Gaussian, median and Wiener filters (row 0 at the top)",
                "extent": [0, after.shape[1], 128, 0],
                "z": after[::-1],
                "range": [edges[0], edges[-1]],
            },
        ],
        "tables": [
            {
                "title": "Distances to the clean image",
                "columns": ["image", "earth mover's distance of the histograms", "RMS error"],
                "rows": [
                    [label, distance, error]
                    for (label, _), distance, error in zip(results, distances, errors, strict=True)
                ],
            }
        ],
        "values": {
            "closest_histogram": results[closest][0],
            "smallest_error": results[best][0],
        },
        "text": [
            f"The {results[closest][0]}'s histogram is the closest to the clean image's: earth "
            f"mover's distance {distances[closest]:.4f}, against "
            + ", ".join(
                f"{distances[i]:.4f} for the {results[i][0]}" for i in range(1, 4) if i != closest
            )
            + f" ({distances[0]:.4f} for the noisy image).",
            f"The {results[best][0]} also gives the smallest RMS error against the clean image, "
            f"{errors[best]:.4f}."
            if best == closest
            else f"The smallest RMS error against the clean image, {errors[best]:.4f}, is the "
            f"{results[best][0]}'s: a histogram says nothing of where the pixels are.",
        ],
    }


@lab(
    category="exercises",
    title="Lidar waveform: fitting Gaussian echoes",
    data=Data(
        "table",
        ("intensity (bins)",),
        {"one echo": "waveform_1.npy", "three echoes": "waveform_2.npy"},
        min_rows=12,
        max_rows=10_000,
        help="A waveform sampled once per nanosecond (the chapter's: 80 samples).",
        by="model",
    ),
    params=[
        Param(
            "model",
            "choice",
            "one echo",
            choices=tuple(LIDAR_GUESSES),
            help="Echoes in the model, fitted from the chapter's initial guess; on the chapter's "
            "data, one echo fits waveform_1.npy and three echoes waveform_2.npy.",
        ),
    ],
    about=(
        "A lidar records the light its pulse sends back; each surface hit (a roof, a branch, "
        "the ground) adds an echo, so the waveform is a background B plus Gaussians A "
        "exp(-((t - μ)/σ)²). As in the chapter, optimize.leastsq minimizes the residuals from "
        "an initial guess read off the plot: [3, 30, 15, 1] for waveform_1 (one echo) and "
        "[3, 30, 20, 1, 12, 25, 1, 8, 28, 1] for waveform_2 (three). The chapter's further "
        "exercises are here too: the same fit with the analytic Jacobian of the residuals "
        "(fewer evaluations, same answer) and a fit with every parameter bounded to be "
        "non-negative (optimize.least_squares with bounds, the modern fmin_slsqp)."
    ),
)
def lidar_waveform(waveform, *, model="one echo"):
    """Fit a background and Gaussian echoes to a lidar waveform with ``leastsq``.

    Returns
    -------
    dict
        Plots of the data with the fit and of the residuals; the parameters of
        the three fits; evaluation counts.

    Examples
    --------
    >>> t = np.arange(60.0)
    >>> out = lidar_waveform(2 + 25 * np.exp(-(((t - 17) / 3) ** 2)))
    >>> np.round(out["tables"][0]["rows"][2][1:3], 6).tolist()
    [17.0, 17.0]
    """
    waveform = np.asarray(waveform, dtype=np.float64)
    t = np.arange(waveform.size, dtype=np.float64)

    def gaussians(t, coeffs):
        y = np.full_like(t, coeffs[0])
        for amplitude, centre, width in coeffs[1:].reshape(-1, 3):
            y += amplitude * np.exp(-(((t - centre) / width) ** 2))
        return y

    def residuals(coeffs, y, t):
        return y - gaussians(t, coeffs)

    def jacobian(coeffs, y, t):
        columns = [-np.ones_like(t)]
        for amplitude, centre, width in coeffs[1:].reshape(-1, 3):
            u = (t - centre) / width
            gauss = np.exp(-(u**2))
            columns += [
                -gauss,
                -amplitude * gauss * 2 * u / width,
                -amplitude * gauss * 2 * u**2 / width,
            ]
        return np.column_stack(columns)

    x0 = np.array(LIDAR_GUESSES[model], dtype=np.float64)
    echoes = (x0.size - 1) // 3
    fitted, _, info, _, flag = optimize.leastsq(residuals, x0, args=(waveform, t), full_output=True)
    analytic, _, info_jac, _, _ = optimize.leastsq(
        residuals, x0, args=(waveform, t), Dfun=jacobian, full_output=True
    )
    bounded = optimize.least_squares(
        residuals, x0, jac=jacobian, bounds=(0, np.inf), args=(waveform, t)
    )
    if flag not in (1, 2, 3, 4):
        raise ValueError(f"leastsq did not converge (flag {flag}); try the other model")

    names = ["B"] + [f"{p}{i}" for i in range(1, echoes + 1) for p in ("A", "μ", "σ")]
    agrees = bool(np.abs(bounded.x - fitted).max() < 1e-3)
    rms = np.sqrt(np.mean(residuals(fitted, waveform, t) ** 2))
    return {
        "plots": [
            {
                "id": "waveform",
                "title": "Waveform and fit",
                "x_label": "time (ns)",
                "y_label": "intensity (bins)",
                "series": [
                    {"label": "waveform", "x": t, "y": waveform, "kind": "points"},
                    {"label": "leastsq fit", "x": t, "y": gaussians(t, fitted), "kind": "line"},
                    {
                        "label": "bounded fit",
                        "x": t,
                        "y": gaussians(t, bounded.x),
                        "kind": "dashed",
                    },
                ],
            },
            {
                "id": "residuals",
                "title": "Residuals of the leastsq fit",
                "x_label": "time (ns)",
                "y_label": "data - model",
                "series": [
                    {
                        "label": "residual",
                        "x": t,
                        "y": residuals(fitted, waveform, t),
                        "kind": "bar",
                    }
                ],
            },
        ],
        "tables": [
            {
                "title": "Parameters",
                "columns": ["parameter", "leastsq", "analytic Jacobian", "bounded ≥ 0", "guess"],
                "rows": [
                    [name, fitted[i], analytic[i], bounded.x[i], x0[i]]
                    for i, name in enumerate(names)
                ],
            },
            {
                "title": "Cost of the fits",
                "columns": ["fit", "residual evaluations", "Jacobian evaluations"],
                "rows": [
                    ["leastsq, numerical Jacobian", info["nfev"], 0],
                    ["leastsq, analytic Jacobian", info_jac["nfev"], info_jac["njev"]],
                    ["least_squares with bounds", bounded.nfev, bounded.njev],
                ],
            },
        ],
        "values": {
            "rms_residual": rms,
            "bounded_fit_agrees": agrees,
        },
        "text": [
            f"leastsq: B = {fitted[0]:.2f}, "
            + ", ".join(
                f"A{i + 1} = {a:.2f}, μ{i + 1} = {m:.2f} ns, σ{i + 1} = {s:.2f} ns"
                for i, (a, m, s) in enumerate(fitted[1:].reshape(-1, 3))
            )
            + f"; RMS residual {rms:.2f} bins.",
            f"With the analytic Jacobian: {info_jac['nfev']} residual evaluations instead of "
            f"{info['nfev']}. "
            + (
                "Bounding every parameter to be non-negative changes no parameter by 0.001 or "
                "more: the unbounded optimum is already positive."
                if agrees
                else "Bounding every parameter to be non-negative moves the fit: the unbounded "
                "optimum has a negative parameter."
            ),
        ],
    }


#: The fewest yearly maxima the estimates take: UnivariateSpline's cubic needs four points.
MIN_YEARS = 4


@lab(
    category="exercises",
    title="Sprogø: the 50-year wind speed",
    data=Data(
        "table",
        ("year", "wind speed (m/s)"),
        {None: "sprog-windspeeds.npy"},
        min_rows=MIN_YEARS,
        max_rows=10_000_000,
        help="Wind speeds in m/s with their year: each year's largest is its maximum, so yearly "
        "maxima (one row a year) will do. Without years, a record equally spaced over n_years "
        "years (the chapter's: Sprogø, Denmark, 21 years, 115,628 values).",
        optional=1,
        alone=("n_years",),
        fewest=f"the spline through the yearly maxima is a cubic, which needs {MIN_YEARS} "
        "points (years) at least",
    ),
    params=[
        Param(
            "n_years",
            "int",
            21,
            min=5,
            max=200,
            step=1,
            help="Years in a record without a year column: it is split into this many equal "
            "parts, one maximum each.",
        ),
        Param(
            "smoothing",
            "float",
            None,
            min=0,
            max=100,
            step=0.5,
            none="SciPy's default: the number of yearly maxima",
            help="Smoothing factor s of UnivariateSpline; None, SciPy's default, is the number "
            "of points: 21 for the chapter's 21 years, 12 for 12 years of your data.",
        ),
        Param("years", "float", 50.0, min=2, max=200, step=1, help="Return period in years."),
    ],
    about=(
        "From a 21-year wind record at Sprogø, Denmark, estimate the speed exceeded on average "
        "once in 50 years. As in the chapter, the record is split into 21 years and each "
        "year's maximum kept (they equal the chapter's max-speeds.npy); the sorted maxima get "
        "the cumulative probabilities (i + 1)/(N + 1), and a UnivariateSpline of speed against "
        "probability, extrapolated to 1 - 1/50, gives 32.98 m/s (SciPy's default s = N makes "
        "it a cubic without interior knots; s = 0 interpolates the points). On Gumbel paper "
        "(x = -log(-log p)) the maxima lie near a straight line, which gives 34.23 m/s. A "
        "Gumbel distribution fitted by maximum likelihood (stats.gumbel_r.fit) is an extra."
    ),
)
def wind_return_speed(record, *, n_years=21, smoothing=None, years=50.0):
    """Estimate the wind speed of a return period from a wind record's annual maxima.

    Parameters
    ----------
    record : numpy.ndarray
        Wind speeds: rows of (year, speed), whose yearly maxima are each
        year's largest speed (yearly maxima themselves will do), or a 1-D
        record equally spaced over `n_years` years.

    Returns
    -------
    dict
        Plots of the annual maxima, of speed against cumulative probability and on
        Gumbel paper; the three estimates.

    Examples
    --------
    >>> record = np.tile([10.0, 20.0, 12.0], 21) + np.repeat(np.arange(21.0), 3)
    >>> out = wind_return_speed(record)
    >>> out["plots"][0]["series"][0]["y"][:3].tolist()
    [20.0, 21.0, 22.0]
    >>> maxima = np.column_stack([np.arange(2001, 2013), np.linspace(20, 31, 12)])
    >>> wind_return_speed(maxima)["plots"][0]["series"][0]["x"][-1]
    np.float64(2012.0)
    """
    record = np.asarray(record, dtype=np.float64)
    if record.ndim == 2:  # (year, speed) rows: each year's maximum
        year, speed = record.T
        year_of_maximum = np.unique(year)
        max_speeds = np.array([speed[year == y].max() for y in year_of_maximum])
    else:  # a record without years: n_years equal parts, one maximum each
        if record.size < n_years:
            raise ValueError(
                f"the record has {record.size} values, fewer than its n_years = {n_years} "
                "years: give each speed's year in a first column, or set n_years"
            )
        year_of_maximum = np.arange(1, n_years + 1)
        max_speeds = np.array([part.max() for part in np.array_split(record, n_years)])
    n_years = max_speeds.size  # the years the maxima come from
    if n_years < MIN_YEARS:
        raise ValueError(
            f"the data has {n_years} years; the spline through the yearly maxima is a cubic, "
            f"which needs {MIN_YEARS} points (years) at least"
        )
    if np.ptp(max_speeds) == 0:
        raise ValueError(
            f"every yearly maximum is {max_speeds[0]:g} m/s: the fits need maxima that vary"
        )
    speeds = np.sort(max_speeds)
    probability = (np.arange(n_years) + 1) / (n_years + 1)
    target = 1 - 1 / years
    # FITPACK warns when it cannot meet a tiny s; show its message instead of failing.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quantile = interpolate.UnivariateSpline(probability, speeds, s=smoothing)
    spline_speed = quantile(target)

    def gumbel_paper(p):
        return -np.log(-np.log(p))

    slope, intercept = np.polyfit(gumbel_paper(probability), speeds, 1)
    paper_speed = slope * gumbel_paper(target) + intercept
    loc, scale = stats.gumbel_r.fit(max_speeds)
    likelihood_speed = stats.gumbel_r.ppf(target, loc, scale)

    p = np.linspace(probability[0], max(target, probability[-1]), 200)
    return {
        "plots": [
            {
                "id": "maxima",
                "title": "Annual maxima of the record",
                "x_label": "year",
                "y_label": "wind speed (m/s)",
                "series": [
                    {
                        "label": "maximum",
                        "x": year_of_maximum,
                        "y": max_speeds,
                        "kind": "bar",
                    }
                ],
            },
            {
                "id": "quantiles",
                "title": "Annual maxima against cumulative probability",
                "x_label": "cumulative probability",
                "y_label": "wind speed (m/s)",
                "series": [
                    {"label": "sorted maxima", "x": probability, "y": speeds, "kind": "points"},
                    {
                        "label": f"spline (s = {n_years}, SciPy's default)"
                        if smoothing is None
                        else f"spline (s = {smoothing:g})",
                        "x": p,
                        "y": quantile(p),
                        "kind": "line",
                    },
                    {
                        "label": "Gumbel, maximum likelihood",
                        "x": p,
                        "y": stats.gumbel_r.ppf(p, loc, scale),
                        "kind": "dashed",
                    },
                ],
            },
            {
                "id": "gumbel_paper",
                "title": "Gumbel paper",
                "x_label": "-log(-log p)",
                "y_label": "wind speed (m/s)",
                "series": [
                    {
                        "label": "sorted maxima",
                        "x": gumbel_paper(probability),
                        "y": speeds,
                        "kind": "points",
                    },
                    {
                        "label": "straight line",
                        "x": gumbel_paper(p),
                        "y": slope * gumbel_paper(p) + intercept,
                        "kind": "line",
                    },
                ],
            },
        ],
        "values": {
            "spline_speed": spline_speed,
            "gumbel_paper_speed": paper_speed,
            "likelihood_speed": likelihood_speed,
            "gumbel_loc": loc,
            "gumbel_scale": scale,
        },
        "text": [
            f"The {years:g}-year wind (probability {target:.4f}) is {spline_speed:.2f} m/s "
            f"from the spline, {paper_speed:.2f} m/s from the straight line on Gumbel paper "
            f"and {likelihood_speed:.2f} m/s from the maximum-likelihood Gumbel fit "
            f"(location {loc:.2f} m/s, scale {scale:.2f} m/s).",
            "They differ because each fits a different thing to only "
            f"{n_years} points: the spline and the line fit the plotted positions "
            "(i + 1)/(N + 1), which are themselves estimates, on two probability scales, "
            "while maximum likelihood fits the Gumbel distribution to the maxima directly; "
            "extrapolating to a rarer event than any observed magnifies the differences.",
            *(f"UnivariateSpline warned: {' '.join(str(w.message).split())}" for w in caught),
        ],
    }
