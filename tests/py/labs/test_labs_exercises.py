import pytest

from ndlab import labs


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_counts_match_the_truth_at_moderate_noise(seed):
    result = labs.run("bubbles_and_grains", seed=seed)
    for name, true, found, true_area, found_area in result.outputs["tables"][0]["rows"]:
        assert found == true, name
        assert found_area == pytest.approx(true_area, rel=0.1)


def test_heavy_noise_breaks_the_count():
    found = labs.run("bubbles_and_grains", noise=0.5, min_size=1).outputs["values"]
    assert found["bubbles_found"] != 15 or found["grains_found"] != 10


def test_empty_micrograph():
    result = labs.run("bubbles_and_grains", n_bubbles=0, n_grains=0)
    assert result.outputs["values"] == {"bubbles_found": 0, "grains_found": 0}
    heatmaps = result.outputs["heatmaps"]
    assert [(h["width"], h["height"]) for h in heatmaps] == [(320, 200), (320, 200)]


@pytest.mark.parametrize("n_peaks", [1, 2, 3])
def test_lidar_fit_recovers_the_parameters(n_peaks):
    result = labs.run("lidar_waveform", n_peaks=n_peaks, noise=0.3, seed=4)
    rows = result.outputs["tables"][0]["rows"]
    assert len(rows) == 1 + 3 * n_peaks
    for name, true, fitted, error in rows:
        assert abs(fitted - true) < 5 * error + 1e-9, name


def test_lidar_noise_free_is_exact():
    assert labs.run("lidar_waveform", noise=0.0).outputs["values"]["max_parameter_error"] < 1e-6


def test_sprogo_matches_the_chapter():
    result = labs.run("wind_return_speed")
    found = result.outputs["values"]
    assert found["spline_speed"] == pytest.approx(32.98, abs=0.01)
    assert found["gumbel_speed"] == pytest.approx(33.76, abs=0.01)
    assert "32.98 m/s from the spline" in result.outputs["text"][0]


def test_sprogo_smoothing_and_period():
    interpolating = labs.run("wind_return_speed", smoothing=0).outputs["values"]
    assert interpolating["spline_speed"] == pytest.approx(36.97, abs=0.01)
    ten = labs.run("wind_return_speed", years=10).outputs["values"]
    assert ten["gumbel_speed"] < 33.76


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("bubbles_and_grains", {"n_bubbles": 41}, "n_bubbles must be between 0 and 40"),
        ("lidar_waveform", {"n_peaks": 4}, "n_peaks must be between 1 and 3"),
        ("wind_return_speed", {"years": 1}, "years must be between 2 and 200"),
        ("wind_return_speed", {"smoothing": -1}, "smoothing must be between 0 and 100"),
    ],
)
def test_bad_parameters_are_refused(name, params, message):
    with pytest.raises(ValueError, match=message):
        labs.run(name, **params)


def test_fitpack_warnings_become_text():
    text = labs.run("wind_return_speed", smoothing=1e-111).outputs["text"]
    assert text[-1].startswith("UnivariateSpline warned: A theoretically impossible result")
