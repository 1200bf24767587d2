import math

import pytest

from ndlab import labs


def test_cubic_beats_linear_without_noise():
    found = labs.run("interpolate_1d", n=10, noise=0.0).outputs["values"]
    assert found["cubic_max_error"] < found["linear_max_error"] / 3
    assert found["linear_max_error"] < 0.1


def test_the_learners_samples_are_interpolated():
    points = [[0.0, 1.0], [1.0, 3.0], [2.0, 2.0], [4.0, 0.0]]
    outputs = labs.run("interpolate_1d", data=points).outputs
    series = {s["label"]: s for s in outputs["plots"][0]["series"]}
    assert set(series) == {"samples", "linear", "cubic spline"}
    linear = series["linear"]
    assert linear["x"][0] == 0.0 and linear["x"][-1] == 4.0
    assert linear["y"][125] == pytest.approx(3.0)  # t = 1: a sample
    assert linear["y"][375] == pytest.approx(1.0)  # t = 3: halfway between 2 and 0
    assert outputs["values"]["linear_max_error"] is None and outputs["values"]["largest_gap"] > 0
    with pytest.raises(ValueError):
        labs.run("interpolate_1d", data=[[0, 1], [0, 2], [1, 3]])  # t must increase


def test_interpolants_pass_through_the_samples():
    series = labs.run("interpolate_1d", n=11).outputs["plots"][0]["series"]
    samples, linear, cubic = series[0], series[1], series[2]
    fine = linear["x"]
    for t, y in zip(samples["x"], samples["y"], strict=True):
        index = min(range(len(fine)), key=lambda i: abs(fine[i] - t))
        assert linear["y"][index] == pytest.approx(y) and cubic["y"][index] == pytest.approx(y)


@pytest.mark.parametrize(
    ("method", "bound"), [("nearest", 0.6), ("linear", 0.25), ("cubic", 0.07), ("quintic", 0.05)]
)
def test_2d_error_falls_with_the_method_order(method, bound):
    result = labs.run("interpolate_2d", n=6, method=method)
    assert result.outputs["values"]["max_error"] < bound
    assert [h["width"] for h in result.outputs["heatmaps"]] == [200, 200, 200]


def test_2d_error_falls_with_n():
    coarse = labs.run("interpolate_2d", n=6).outputs["values"]["max_error"]
    fine = labs.run("interpolate_2d", n=20).outputs["values"]["max_error"]
    assert fine < coarse / 20


def test_2d_methods_need_enough_points():
    with pytest.raises(ValueError, match="method 'quintic' needs n of at least 6, got n=5"):
        labs.run("interpolate_2d", n=5, method="quintic")
    with pytest.raises(ValueError, match="method must be one of"):
        labs.run("interpolate_2d", method="spline")


def test_any_seed_of_32_bits_draws_its_own_samples():
    drawn = [labs.run("interpolate_1d", seed=seed).outputs for seed in (0, 7, 2**32 - 1)]
    ys = [tuple(out["plots"][0]["series"][0]["y"]) for out in drawn]
    assert len(set(ys)) == 3


def test_the_2d_heat_maps_span_the_sampled_domain():
    """sin(x) cos(y) is sampled on [0, 2π] × [0, π]: the heat maps' axes say so."""
    heatmaps = labs.run("interpolate_2d").outputs["heatmaps"]
    assert [h["extent"] for h in heatmaps] == [[0, 2 * math.pi, 0, math.pi]] * 3
