"""Signal processing and Fourier labs (``scipy.signal``, ``scipy.fft``)."""

import numpy as np
from scipy import fft, signal

from ..registry import Param
from .core import lab
from .data import Data

SEED = Param("seed", "int", 0, min=0, max=2**32 - 1, step=1, help="Seed of the random generator.")


@lab(
    category="signal",
    title="Detrending, resampling and windows",
    data=Data(
        "table",
        ("t", "y"),
        {},
        min_rows=4,
        max_rows=100_000,
        help="A series: t in even steps and y, or y alone (its rows then count the time); "
        "without it the lab detrends a noisy ramp and resamples sin t.",
        optional=1,
        spaced=True,
    ),
    params=[
        Param("noise", "float", 1.0, min=0, max=5, step=0.1, help="Noise on the linear trend."),
        Param("samples", "int", 25, min=4, max=400, step=1, help="Length after resampling."),
        Param(
            "window",
            "choice",
            "hann",
            choices=("hann", "hamming", "blackman", "bartlett", "tukey", "boxcar"),
            help="Window function.",
        ),
        SEED,
    ],
    about=(
        "Three tools of scipy.signal from the chapter. signal.detrend removes the best-fit "
        "straight line from a noisy ramp. signal.resample changes the number of samples of a "
        "sine through the FFT, which assumes the signal is periodic: note the wiggles at the "
        "ends, since sin(t) on [0, 5] is not. Window functions (signal.get_window) taper a "
        "segment before a Fourier transform to reduce spectral leakage; the right-hand plot "
        "shows the chosen window and its spectrum in decibels. Your own series is detrended "
        "and resampled in their place."
    ),
)
def detrend_resample_window(series=None, *, noise=1.0, samples=25, window="hann", seed=0):
    """Detrend a series, resample another by FFT, and show a window and its spectrum.

    Parameters
    ----------
    series : 1-D or (n, 2) array, optional
        y, or t and y, evenly spaced in t: detrended and resampled. Without
        it, a noisy ramp is detrended and sin t resampled.

    Returns
    -------
    dict
        Three plots; the removed slope and resampling error.

    Examples
    --------
    >>> out = detrend_resample_window(noise=0.0)
    >>> abs(float(out["values"]["detrended_max"])) < 1e-12
    True
    >>> round(float(detrend_resample_window(np.array([1.0, 3, 5, 7]))["values"]["removed_slope"]))
    2
    """
    drawn = series is None
    if drawn:
        rng = np.random.default_rng(seed)
        t = np.linspace(0, 5, 100)
        ramp = t + rng.normal(0, noise, t.size)
        wave = np.sin(t)
    elif series.ndim == 1:  # y alone: t counts the samples
        t = np.arange(series.size, dtype=np.float64)
        ramp = wave = series
    else:
        t, ramp = series.T
        wave = ramp
    detrended = signal.detrend(ramp)

    resampled, t_resampled = signal.resample(wave, samples, t=t)

    taper = signal.get_window(window, 64)
    response = np.abs(fft.fftshift(fft.fft(taper, 2048)))
    decibels = 20 * np.log10(np.maximum(response / response.max(), 1e-10))
    frequencies = fft.fftshift(fft.fftfreq(2048))
    slope = np.polyfit(t, ramp - detrended, 1)[0]
    # the resampled points against sin t, or against the series joined by straight lines
    expected = np.sin(t_resampled) if drawn else np.interp(t_resampled, t, wave)
    resample_error = np.abs(resampled - expected).max()
    return {
        "plots": [
            {
                "id": "detrend",
                "title": "signal.detrend",
                "x_label": "t",
                "y_label": "x",
                "series": [
                    {
                        "label": "t + noise" if drawn else "your series",
                        "x": t,
                        "y": ramp,
                        "kind": "line",
                    },
                    {"label": "detrended", "x": t, "y": detrended, "kind": "line"},
                ],
            },
            {
                "id": "resample",
                "title": f"signal.resample to {samples} samples",
                "x_label": "t",
                "y_label": "x",
                "series": [
                    {
                        "label": f"sin t ({t.size} samples)"
                        if drawn
                        else f"your series ({t.size} samples)",
                        "x": t,
                        "y": wave,
                        "kind": "line",
                    },
                    {"label": "resampled", "x": t_resampled, "y": resampled, "kind": "points"},
                ],
            },
            {
                "id": "window",
                "title": f"{window} window (64 samples) and its spectrum",
                "x_label": "frequency (cycles per sample)",
                "y_label": "dB",
                "series": [{"label": window, "x": frequencies, "y": decibels, "kind": "line"}],
            },
            {
                "id": "window_shape",
                "title": f"{window} window",
                "x_label": "sample",
                "y_label": "weight",
                "series": [
                    {"label": window, "x": np.arange(64), "y": taper, "kind": "line"},
                ],
            },
        ],
        "values": {
            "removed_slope": slope,
            "detrended_max": np.abs(detrended).max(),
            "resample_max_error": resample_error,
        },
        "text": [
            f"detrend removed a line of slope {slope:.4f}"
            + (" (true slope 1)." if drawn else " (your data)."),
            f"The resampled sine is off by up to {resample_error:.3f}, mostly at the ends, "
            "where the periodic extension jumps."
            if drawn
            else f"The resampled series is off by up to {resample_error:.3f} from yours joined "
            "by straight lines: resample treats it as periodic, so where its ends differ it "
            "wiggles.",
        ],
    }


@lab(
    category="signal",
    title="Median and Wiener filters",
    data=Data(
        "table",
        ("t", "x"),
        {},
        min_rows=4,
        max_rows=1_000_000,
        help="A series: t in even steps and the noisy signal x, or x alone (its rows then count "
        "the time); without it the lab draws noisy steps or a noisy sine.",
        optional=1,
        spaced=True,
    ),
    params=[
        Param("noise", "float", 0.3, min=0.01, max=2, step=0.01, help="Noise standard deviation."),
        Param("kernel_size", "int", 7, min=3, max=51, step=2, help="Odd filter length."),
        Param("shape", "choice", "steps", choices=("steps", "sine"), help="Clean signal."),
        SEED,
    ],
    about=(
        "Two nonlinear filters of scipy.signal cleaning a noisy signal: signal.medfilt "
        "replaces each sample by the median of its neighbourhood, which keeps sharp steps; "
        "signal.wiener adapts its smoothing to the local variance. The table gives the root "
        "mean square error of the noisy and filtered signals against the clean one; try both "
        "shapes and several kernel sizes. Your own series is filtered the same way; with no "
        "clean signal to compare, the table gives the RMS of what each filter removed."
    ),
)
def median_wiener(series=None, *, noise=0.3, kernel_size=7, shape="steps", seed=0):
    """Denoise steps or a sine with ``signal.medfilt`` and ``signal.wiener``.

    Parameters
    ----------
    series : 1-D or (n, 2) array, optional
        The noisy signal, or time in even steps and the signal. Without it,
        steps or a sine (`shape`) with noise `noise` are drawn.

    Returns
    -------
    dict
        Plot of the clean (when drawn), noisy and filtered signals; table of
        errors against the clean signal, or of what each filter removed.

    Examples
    --------
    >>> out = median_wiener()
    >>> bool(out["values"]["median_rms"] < out["values"]["noisy_rms"])
    True
    >>> yours = np.column_stack([np.arange(6.0), [0, 0, 9, 0, 1, 1]])
    >>> round(float(median_wiener(yours, kernel_size=3)["values"]["median_removed_rms"]), 3)
    3.697
    """
    if kernel_size % 2 == 0:
        raise ValueError(f"kernel_size must be odd, got {kernel_size}")
    drawn = series is None
    if drawn:
        rng = np.random.default_rng(seed)
        t = np.linspace(0, 1, 400)
        clean = np.floor(4 * t) % 2 if shape == "steps" else np.sin(4 * np.pi * t)
        noisy = clean + rng.normal(0, noise, t.size)
    elif series.ndim == 1:  # x alone: t counts the samples
        t, noisy = np.arange(series.size, dtype=np.float64), series
    else:
        t, noisy = series.T
    if kernel_size > noisy.size:
        raise ValueError(
            f"kernel_size {kernel_size} is longer than the {noisy.size} samples; "
            "choose a shorter odd length"
        )
    median = signal.medfilt(noisy, kernel_size)
    # Where the signal is flat its local variance is 0: wiener divides by it, then takes the
    # local mean there (or, when the whole signal is flat, nothing: the signal is kept).
    with np.errstate(divide="ignore", invalid="ignore"):
        wiener = signal.wiener(noisy, kernel_size)
    wiener = np.where(np.isnan(wiener), noisy, wiener)

    def rms(x):
        return np.sqrt(np.mean(x**2))

    # against the clean signal when the lab drew it; on the learner's, what each filter removed
    errors = (
        [["noisy", rms(noisy - clean)], ["median", rms(median - clean)]]
        + [["Wiener", rms(wiener - clean)]]
        if drawn
        else [["median", rms(noisy - median)], ["Wiener", rms(noisy - wiener)]]
    )
    return {
        "plots": [
            {
                "id": "filters",
                "title": f"Filters of length {kernel_size}",
                "x_label": "t",
                "y_label": "x",
                "series": [
                    {"label": "noisy" if drawn else "yours", "x": t, "y": noisy, "kind": "line"},
                    {"label": "median", "x": t, "y": median, "kind": "line"},
                    {"label": "Wiener", "x": t, "y": wiener, "kind": "line"},
                    *([{"label": "clean", "x": t, "y": clean, "kind": "line"}] if drawn else []),
                ],
            }
        ],
        "tables": [
            {
                "title": "Root mean square error against the clean signal"
                if drawn
                else "Root mean square of what each filter removed",
                "columns": ["signal", "RMS error"] if drawn else ["filter", "RMS removed"],
                "rows": errors,
            }
        ],
        "values": {
            "noisy_rms": rms(noisy - clean) if drawn else None,
            "median_rms": rms(median - clean) if drawn else None,
            "wiener_rms": rms(wiener - clean) if drawn else None,
            "median_removed_rms": rms(noisy - median),
            "wiener_removed_rms": rms(noisy - wiener),
        },
        "text": [
            f"RMS error {rms(noisy - clean):.3f} before filtering, {rms(median - clean):.3f} "
            f"after the median filter and {rms(wiener - clean):.3f} after the Wiener filter."
            if drawn
            else f"The median filter removes an RMS of {rms(noisy - median):.4g} from your "
            f"signal, the Wiener filter {rms(noisy - wiener):.4g} (your data); with no clean "
            "signal to compare, the plot shows what is left of yours."
        ],
    }


@lab(
    category="signal",
    title="Denoising a sine by FFT",
    data=Data(
        "table",
        ("t (s)", "x"),
        {},
        min_rows=8,
        max_rows=1_000_000,
        help="An evenly sampled series: the time in seconds, in even steps, and the signal; "
        "without it the lab draws the chapter's noisy sine.",
        spaced=True,
    ),
    params=[
        Param("period", "float", 5.0, min=0.5, max=20, step=0.5, help="Period of the sine (s)."),
        Param("noise", "float", 0.5, min=0, max=3, step=0.1, help="Noise standard deviation."),
        SEED,
    ],
    about=(
        "The chapter's example: a sine of period 5 s sampled every 0.02 s for 20 s, plus "
        "Gaussian noise. The power spectrum from fft.rfft has one clear peak; its "
        "frequency estimates 1/period. Setting every coefficient above the peak frequency to "
        "zero and transforming back (irfft) removes most of the noise. The chapter used "
        "scipy.fftpack, which is legacy; scipy.fft is its replacement, and rfft handles real "
        "signals directly. On your own series the time step comes from t; with no clean "
        "signal to compare, the lab gives the RMS of what the cut removed instead of errors."
    ),
)
def fft_denoise(series=None, *, period=5.0, noise=0.5, seed=0):
    """Find a noisy signal's frequency from its power spectrum and cut everything above it.

    Parameters
    ----------
    series : (n, 2) array, optional
        Time in seconds, in even steps, and the signal. Without it, a sine
        of period `period` with noise `noise` is drawn.

    Returns
    -------
    dict
        Power spectrum (log scale) and the signals; the peak frequency and errors
        (against the clean sine, which only drawn samples have).

    Examples
    --------
    >>> round(float(fft_denoise()["values"]["peak_frequency"]), 3)
    0.2
    >>> t = np.arange(0, 10, 0.1)
    >>> round(float(fft_denoise(np.column_stack([t, np.cos(t)]))["values"]["peak_frequency"]), 2)
    0.2
    """
    drawn = series is None
    if drawn:
        rng = np.random.default_rng(seed)
        time_step = 0.02
        t = np.arange(0, 20, time_step)
        clean = np.sin(2 * np.pi / period * t)
        noisy = clean + rng.normal(0, noise, t.size)
    else:  # t steps evenly (each step within 1% of their median): take the mean step
        t, noisy = series.T
        time_step = (t[-1] - t[0]) / (t.size - 1)

    spectrum = fft.rfft(noisy)
    frequencies = fft.rfftfreq(t.size, d=time_step)
    power = np.abs(spectrum) ** 2
    peak = frequencies[1:][power[1:].argmax()]  # skip the mean at frequency 0
    spectrum[frequencies > peak] = 0
    filtered = fft.irfft(spectrum, n=t.size)

    def rms(x):
        return np.sqrt(np.mean(x**2))

    return {
        "plots": [
            {
                "id": "power",
                "title": "Power spectrum",
                "x_label": "frequency (Hz)",
                "y_label": "power",
                "log_y": True,
                "series": [
                    {"label": "power", "x": frequencies, "y": power, "kind": "line"},
                    {"label": "peak", "x": [peak], "y": [power[1:].max()], "kind": "points"},
                ],
            },
            {
                "id": "signals",
                "title": "Noisy and filtered signals" if drawn else "Your signal, and filtered",
                "x_label": "t (s)",
                "y_label": "x",
                "series": [
                    {"label": "noisy" if drawn else "yours", "x": t, "y": noisy, "kind": "line"},
                    {"label": "filtered", "x": t, "y": filtered, "kind": "line"},
                    *([{"label": "clean", "x": t, "y": clean, "kind": "line"}] if drawn else []),
                ],
            },
        ],
        "values": {
            "peak_frequency": peak,
            "true_frequency": 1 / period if drawn else None,
            "noisy_rms": rms(noisy - clean) if drawn else None,
            "filtered_rms": rms(filtered - clean) if drawn else None,
            "removed_rms": rms(noisy - filtered),
        },
        "text": [
            f"The peak is at {peak:.4f} Hz (true {1 / period:.4f} Hz; the resolution is "
            f"{frequencies[1]:.4f} Hz). Cutting above it lowers the RMS error from "
            f"{rms(noisy - clean):.3f} to {rms(filtered - clean):.3f}."
            if drawn
            else f"The peak is at {peak:.4g} Hz, a period of {1 / peak:.4g} s (the resolution "
            f"is {frequencies[1]:.4g} Hz; your data). Cutting above it removes an RMS of "
            f"{rms(noisy - filtered):.4g} from your signal; with no clean signal to compare, the "
            "plot shows yours and the filtered one."
        ],
    }


@lab(
    category="signal",
    title="Periodicity of hare, lynx and carrot populations",
    data=Data(
        "table",
        ("year", "hares", "lynxes", "carrots"),
        {None: "populations.txt"},
        min_rows=4,
        max_rows=100_000,
        help="One row per year, equally spaced: the year and three populations (the "
        "chapter's populations.txt: Canada, 1900–1920).",
        spaced=True,
    ),
    params=[
        Param("pad", "int", 1, min=1, max=16, step=1, help="Zero-padding factor of the FFT."),
    ],
    about=(
        "Populations of hares and lynxes in Canada (and, as a control, carrots) from 1900 to "
        "1920. After subtracting each series' mean, the power spectrum from fft.rfft "
        "shows at which period the populations oscillate: hares and lynxes about every 10 "
        "years, carrots not clearly. With 21 years of data the frequency grid is coarse (a "
        "step of 1/21 per year); zero padding (pad) interpolates the spectrum between those "
        "frequencies but adds no resolution."
    ),
)
def population_periodicity(populations, *, pad=1):
    """Find the dominant period of each population from its power spectrum.

    Returns
    -------
    dict
        Plots of the populations and their power against period; table of periods.

    Examples
    --------
    >>> years = np.arange(1900.0, 1940.0)
    >>> cycles = 1000 + 500 * np.sin(2 * np.pi * years[:, np.newaxis] / [10, 8, 5])
    >>> out = population_periodicity(np.column_stack([years, cycles]))
    >>> [round(float(row[1]), 1) for row in out["tables"][0]["rows"]]
    [10.0, 8.0, 5.0]
    """
    populations = np.asarray(populations, dtype=np.float64)
    years, counts = populations[:, 0], populations[:, 1:]
    names = ["hare", "lynx", "carrot"]
    n = pad * years.size
    power = np.abs(fft.rfft(counts - counts.mean(axis=0), n=n, axis=0)) ** 2
    frequencies = fft.rfftfreq(n, d=1.0)
    periods = 1 / frequencies[1:]
    dominant = periods[power[1:].argmax(axis=0)]
    # A sinusoid of amplitude A over N samples has |rfft| = A N / 2 at its frequency.
    amplitude = 100 * 2 * np.sqrt(power[1:].max(axis=0)) / years.size / counts.mean(axis=0)
    return {
        "plots": [
            {
                "id": "populations",
                "title": "Populations",
                "x_label": "year",
                "y_label": "count",
                "series": [
                    {"label": name, "x": years, "y": counts[:, i], "kind": "line"}
                    for i, name in enumerate(names)
                ],
            },
            {
                "id": "spectrum",
                "title": "Power against period",
                "x_label": "period (years)",
                "y_label": "power",
                "series": [
                    {"label": name, "x": periods, "y": power[1:, i], "kind": "line"}
                    for i, name in enumerate(names)
                ],
            },
        ],
        "tables": [
            {
                "title": "Dominant period",
                "columns": ["population", "period (years)", "amplitude (% of mean)"],
                "rows": [[name, dominant[i], amplitude[i]] for i, name in enumerate(names)],
            }
        ],
        "values": {
            "hare_period": dominant[0],
            "lynx_period": dominant[1],
            "carrot_period": dominant[2],
        },
        "text": [
            f"Hares peak every {dominant[0]:.1f} years and lynxes every {dominant[1]:.1f} "
            "years: the populations cycle with a period of about 10 years, swinging by "
            f"{amplitude[0]:.0f}% and {amplitude[1]:.0f}% of their means.",
            f"The carrots' strongest component ({dominant[2]:.1f} years) swings by only "
            f"{amplitude[2]:.0f}% of their mean.",
        ],
    }
