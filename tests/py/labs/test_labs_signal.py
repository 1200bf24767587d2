import pytest

from ndlab import labs


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
