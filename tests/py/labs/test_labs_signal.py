import numpy as np
import pytest
from scipy import signal

from ndlab import labs
from ndlab.labs.core import get_lab


def test_detrend_removes_the_slope():
    found = labs.run("detrend_resample_window", noise=0.0).outputs["values"]
    assert found["removed_slope"] == pytest.approx(1.0)
    assert found["detrended_max"] < 1e-12


@pytest.mark.parametrize("samples", [10, 25, 200])
def test_resample_length(samples):
    plots = labs.run("detrend_resample_window", samples=samples).outputs["plots"]
    assert len(plots[1]["series"][1]["x"]) == samples


@pytest.mark.parametrize("window", ["hann", "blackman", "boxcar"])
def test_window_spectrum_peaks_at_zero_db(window):
    plots = labs.run("detrend_resample_window", window=window).outputs["plots"]
    spectrum = plots[2]["series"][0]
    assert max(spectrum["y"]) == pytest.approx(0.0)
    assert spectrum["x"][spectrum["y"].index(max(spectrum["y"]))] == 0.0


@pytest.mark.parametrize("shape", ["steps", "sine"])
def test_filters_reduce_the_error(shape):
    found = labs.run("median_wiener", shape=shape).outputs["values"]
    assert found["median_rms"] < found["noisy_rms"]
    assert found["wiener_rms"] < found["noisy_rms"]


def test_filter_length_must_be_odd():
    with pytest.raises(ValueError, match="kernel_size must be odd, got 4"):
        labs.run("median_wiener", kernel_size=4)


@pytest.mark.parametrize("period", [2.0, 5.0, 10.0])
def test_fft_finds_the_frequency_and_denoises(period):
    found = labs.run("fft_denoise", period=period).outputs["values"]
    assert found["peak_frequency"] == pytest.approx(1 / period, abs=0.05)
    assert found["filtered_rms"] < found["noisy_rms"] / 3


def test_power_spectrum_is_drawn_on_a_log_scale():
    plot = labs.run("fft_denoise").outputs["plots"][0]
    assert plot["log_y"] is True


def test_population_period_is_about_ten_years():
    result = labs.run("population_periodicity")
    found = result.outputs["values"]
    assert found["hare_period"] == pytest.approx(10.5)
    assert found["lynx_period"] == pytest.approx(10.5)
    amplitudes = [row[2] for row in result.outputs["tables"][0]["rows"]]
    assert amplitudes[2] < amplitudes[0] / 5


def test_zero_padding_refines_the_grid():
    fine = labs.run("population_periodicity", pad=8)
    assert len(fine.outputs["plots"][1]["series"][0]["x"]) == 84
    assert 9 < fine.outputs["values"]["lynx_period"] < 11


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("detrend_resample_window", {"window": "kaiser"}, "window must be one of"),
        ("detrend_resample_window", {"samples": 3}, "samples must be between 4 and 400"),
        ("fft_denoise", {"period": 0}, "period must be between 0.5 and 20"),
        ("population_periodicity", {"pad": 0}, "pad must be between 1 and 16"),
    ],
)
def test_bad_parameters_are_refused(name, params, message):
    with pytest.raises(ValueError, match=message):
        labs.run(name, **params)


@pytest.mark.parametrize("with_t", [True, False])
def test_detrend_and_resample_the_learners_series(with_t):
    rng = np.random.default_rng(2)
    t = 0.5 + 0.25 * np.arange(60)
    y = 3.0 - 0.7 * t + np.sin(t) + rng.normal(0, 0.2, t.size)
    data = np.column_stack([t, y]) if with_t else y
    result = labs.run("detrend_resample_window", data=data, samples=40)
    found = result.outputs["values"]
    x = t if with_t else np.arange(t.size)
    # detrend removes the least-squares line: its slope is polyfit's, in y per step of x
    assert found["removed_slope"] == pytest.approx(np.polyfit(x, y, 1)[0], rel=1e-9)
    assert found["detrended_max"] == pytest.approx(np.abs(signal.detrend(y)).max(), rel=1e-9)
    resampled = result.outputs["plots"][1]["series"][1]
    expected_x = x[0] + np.arange(40) * (x[1] - x[0]) * 60 / 40
    assert resampled["x"] == pytest.approx(expected_x.tolist())
    assert resampled["y"] == pytest.approx(signal.resample(y, 40).tolist())
    error = np.abs(signal.resample(y, 40) - np.interp(expected_x, x, y)).max()
    assert found["resample_max_error"] == pytest.approx(error, rel=1e-9)
    assert result.outputs["text"][0].endswith("(your data).")
    assert [s["label"] for s in result.outputs["plots"][0]["series"]] == [
        "your series",
        "detrended",
    ]
    own = labs.run("detrend_resample_window", samples=40).outputs["plots"]
    assert result.outputs["plots"][2:] == own[2:]  # the window and its spectrum stay


@pytest.mark.parametrize("with_t", [True, False])
def test_median_and_wiener_filter_the_learners_series(with_t):
    t = 2.0 + 0.1 * np.arange(120)
    x = np.where((np.arange(120) // 30) % 2 == 0, 0.0, 2.0)
    x[::17] += 5  # spikes
    x[50:60] = 1.0  # a flat stretch: no local variance there
    result = labs.run("median_wiener", data=np.column_stack([t, x]) if with_t else x, kernel_size=5)
    found = result.outputs["values"]
    median = signal.medfilt(x, 5)
    with np.errstate(divide="ignore", invalid="ignore"):
        wiener = signal.wiener(x, 5)
    assert np.isfinite(wiener).all()  # the flat stretch takes its local mean
    assert found["median_removed_rms"] == pytest.approx(np.sqrt(np.mean((x - median) ** 2)))
    assert found["wiener_removed_rms"] == pytest.approx(np.sqrt(np.mean((x - wiener) ** 2)))
    lines = {s["label"]: s for s in result.outputs["plots"][0]["series"]}
    assert set(lines) == {"yours", "median", "Wiener"}  # no clean signal to draw
    assert lines["median"]["y"] == pytest.approx(median.tolist())
    assert lines["yours"]["x"] == pytest.approx((t if with_t else np.arange(120.0)).tolist())
    assert "(your data)" in result.outputs["text"][0]


def test_a_filter_longer_than_the_learners_series_is_refused():
    with pytest.raises(ValueError, match="kernel_size 7 is longer than the 5 samples"):
        labs.run("median_wiener", data=[1.0, 2.0, 1.0, 5.0, 1.0])


def _sampled(step=0.01, n=1000, seed=3):
    """A learner's recording: two sines, an offset and noise, every `step` seconds."""
    t = step * np.arange(n)
    rng = np.random.default_rng(seed)
    x = 2.0 + np.sin(2 * np.pi * 3.0 * t) + 0.3 * np.sin(2 * np.pi * 11.0 * t)
    return t, x + rng.normal(0, 0.4, n)


def test_fft_denoise_on_the_learners_series():
    t, x = _sampled()
    result = labs.run("fft_denoise", data=np.column_stack([t, x]))
    found = result.outputs["values"]
    power = np.abs(np.fft.rfft(x)) ** 2
    frequencies = np.fft.rfftfreq(x.size, d=0.01)
    peak = frequencies[1 + np.argmax(power[1:])]
    assert peak == pytest.approx(3.0)  # 3 Hz: the stronger sine, not the 2.0 offset
    assert found["peak_frequency"] == pytest.approx(peak, rel=1e-9)
    spectrum = np.fft.rfft(x)
    spectrum[frequencies > peak] = 0
    filtered = np.fft.irfft(spectrum, n=x.size)
    assert found["removed_rms"] == pytest.approx(np.sqrt(np.mean((x - filtered) ** 2)), rel=1e-9)
    assert [found[k] for k in ("true_frequency", "noisy_rms", "filtered_rms")] == [None] * 3
    signals = result.outputs["plots"][1]
    assert [s["label"] for s in signals["series"]] == ["yours", "filtered"]  # no clean curve
    assert signals["series"][1]["y"] == pytest.approx(filtered.tolist())
    assert result.outputs["plots"][0]["series"][1]["y"] == [pytest.approx(power[1:].max())]
    assert "your data" in result.outputs["text"][0]
    assert "with no clean signal to compare" in result.outputs["text"][0]


def test_fft_denoise_takes_the_time_step_from_t():
    t, x = _sampled(step=0.05, n=400)
    found = labs.run("fft_denoise", data=np.column_stack([t * 2, x])).outputs["values"]
    assert found["peak_frequency"] == pytest.approx(1.5)  # the same samples, half as fast


@pytest.mark.parametrize(
    ("name", "t", "message"),
    [
        (
            "fft_denoise",
            [0, 1, 2, 3, 5, 6, 7, 8],
            r"row 5, column 1 \(t \(s\)\) is 5, a step of 2 ",
        ),
        (
            "fft_denoise",
            [0, 1, 2, 3, 4, 5, 6, 6],
            r"row 8, column 1 \(t \(s\)\) is 6, a step of 0 ",
        ),
        ("fft_denoise", [8, 7, 6, 5, 4, 3, 2, 1], r"column 1 \(t \(s\)\) must increase in even"),
        ("detrend_resample_window", [0, 0.1, 0.25, 0.3], r"row 3, column 1 \(t\) is 0.25"),
        ("population_periodicity", [1900, 1901, 1903, 1904], r"row 3, column 1 \(year\) is 1903"),
    ],
)
def test_a_series_not_evenly_spaced_in_t_is_refused_naming_the_row(name, t, message):
    with pytest.raises(ValueError, match=message):
        others = len(get_lab(name).data.columns) - 1  # columns after t, all ones
        labs.run(name, data=np.column_stack([t, np.ones((len(t), others))]))


def test_time_rounded_in_a_file_is_evenly_spaced_within_a_percent():
    t = np.round(np.arange(8) / 3, 3)  # 0, 0.333, 0.667, 1.0, …: steps 0.333 and 0.334
    labs.run("fft_denoise", data=np.column_stack([t, np.sin(t)]))
    with pytest.raises(ValueError, match=r"the table needs 2 column\(s\) \(t \(s\), x\), got 1"):
        labs.run("fft_denoise", data=np.sin(t))
    with pytest.raises(
        ValueError, match=r"the table needs 2 column\(s\) \(t, y\) or y alone, got 3"
    ):
        labs.run("detrend_resample_window", data=np.ones((5, 3)))


def test_population_amplitudes_are_each_series_own():
    """Cycles of 10, 8 and 5 years, whole in 40 years, swinging by 50%, 30% and 10% of 1000."""
    years = np.arange(1900.0, 1940.0)
    swings = np.array([500, 300, 100]) * np.sin(2 * np.pi * years[:, np.newaxis] / [10, 8, 5])
    result = labs.run("population_periodicity", data=np.column_stack([years, 1000 + swings]))
    rows = result.outputs["tables"][0]["rows"]
    assert [row[2] for row in rows] == pytest.approx([50, 30, 10])
    assert result.outputs["text"][0].endswith("swinging by 50% and 30% of their means.")


def test_the_drawn_steps_go_between_0_and_1_every_quarter():
    plot = labs.run("median_wiener", shape="steps").outputs["plots"][0]
    clean = next(s for s in plot["series"] if s["label"] == "clean")
    t, y = np.asarray(clean["x"]), np.asarray(clean["y"])
    assert np.array_equal(y, np.where((t >= 0.25) & (t < 0.5) | (t >= 0.75) & (t < 1), 1.0, 0.0))
