import base64

import numpy as np
import pytest
from scipy import optimize

from ndlab import labs


def values(name, **params):
    return labs.run(name, **params).outputs["values"]


@pytest.mark.parametrize(("x0", "minimum"), [(5.0, 3.8375), (0.0, -1.3064), (-8.0, -1.3064)])
def test_bfgs_finds_the_minimum_of_its_valley(x0, minimum):
    assert values("minimize_scalar_function", x0=x0)["bfgs_x"] == pytest.approx(minimum, abs=1e-4)


def test_global_and_bounded_minima():
    result = labs.run("minimize_scalar_function", x0=5.0)
    found = result.outputs["values"]
    assert found["basinhopping_x"] == pytest.approx(-1.3064, abs=1e-4)
    assert found["basinhopping_f"] == pytest.approx(-7.9458, abs=1e-4)
    assert found["bounded_x"] == pytest.approx(3.8375, abs=1e-4)
    assert "a local minimum" in result.outputs["text"][0]
    path = result.outputs["plots"][0]["series"][1]["x"]
    assert path[0] == 5.0 and len(path) == found["bfgs_iterations"] + 1
    assert result.outputs["plots"][0]["click"] == {"x": "x0"}


def test_brute_searches_the_grid_then_polishes():
    x = np.arange(-10, 10, 0.1)  # brute's grid: slice(-10, 10, 0.1)
    found = values("minimize_scalar_function")
    assert found["brute_grid_x"] == x[np.argmin(x**2 + 10 * np.sin(x))]
    assert found["brute_grid_x"] == pytest.approx(-1.3)
    assert found["brute_x"] == pytest.approx(-1.3064, abs=1e-4)  # the global minimum


def test_minimize_sentences_give_each_method_its_own_minimum():
    """Basin hopping's minimum is the global one, the bounded search's the one in (0, 10)."""
    text = labs.run("minimize_scalar_function", x0=5.0).outputs["text"]
    assert text == [
        "From x0 = 5, BFGS stops after 5 iterations at x = 3.8375 (f = 8.3156), a local minimum.",
        "Basin hopping (30 hops) reports x = -1.3064, f = -7.9458; "
        "the bounded search on (0, 10) finds x = 3.8375, f = 8.3156.",
        "brute: the best point of the grid is x = -1.3; polished by fmin, x = -1.3064.",
    ]


@pytest.mark.parametrize(("x0", "root"), [(1.0, 0.0), (-3.0, -2.4795), (-2.0, -2.4795)])
def test_roots(x0, root):
    found = values("find_roots", x0=x0)
    assert found["root"] == pytest.approx(root, abs=1e-4)
    assert found["converged"] is True


def test_root_table_lists_both_roots():
    rows = labs.run("find_roots").outputs["tables"][0]["rows"]
    assert [row[0] for row in rows] == [-2.4795, 0.0]


def test_curve_fit_recovers_parameters_within_errors():
    found = values("fit_curve", a=2.0, b=-5.0, noise=2.0, n=200, seed=3)
    assert abs(found["a"] - 2.0) < 3 * found["a_error"]
    assert abs(found["b"] + 5.0) < 3 * found["b_error"]
    assert found["a_error"] < values("fit_curve", a=2.0, b=-5.0, noise=8.0, n=200)["a_error"]


def test_alaska_offsets_compared_with_their_errors():
    result = labs.run("alaska_temperatures")
    found = result.outputs["values"]
    assert found["max_offset"] == pytest.approx(5.72, abs=0.01)
    assert found["min_offset"] == pytest.approx(6.16, abs=0.01)
    assert found["combined_error"] == pytest.approx(
        (found["max_offset_error"] ** 2 + found["min_offset_error"] ** 2) ** 0.5
    )
    assert "not equal within the fit accuracy" in result.outputs["text"][1]


def test_alaska_sentence_gives_each_offset_its_own_error():
    result = labs.run("alaska_temperatures")
    found = result.outputs["values"]
    # the lows scatter more about their cosine than the highs: a larger error on their offset
    assert found["max_offset_error"] == pytest.approx(0.0984, abs=1e-4)
    assert found["min_offset_error"] == pytest.approx(0.1348, abs=1e-4)
    assert result.outputs["text"][0] == (
        "The highs peak at t0 = 5.72 ± 0.10 months and the lows at t0 = 6.16 ± 0.13 months."
    )


@pytest.mark.parametrize("method", ["BFGS", "Nelder-Mead", "Powell", "L-BFGS-B", "CG"])
def test_camelback_global_minima(method):
    result = labs.run("camelback", x0=0.5, y0=-0.5, method=method, starts=3)
    found = result.outputs["values"]
    assert found["f"] == pytest.approx(-1.0316, abs=1e-4)
    assert (found["x"], found["y"]) == pytest.approx((0.0898, -0.7126), abs=2e-3)
    best = result.outputs["tables"][0]["rows"][0]
    assert best[2] == pytest.approx(-1.0316, abs=1e-4)


SIX_MINIMA = [  # the six-hump camelback's minima, from the literature (f to 4 decimals)
    (0.0898, -0.7126, -1.0316),
    (-0.0898, 0.7126, -1.0316),
    (1.7036, -0.7961, -0.2155),
    (-1.7036, 0.7961, -0.2155),
    (1.6071, 0.5687, 2.1043),
    (-1.6071, -0.5687, 2.1043),
]


def test_camelback_finds_all_six_minima_at_its_defaults():
    result = labs.run("camelback")
    rows = result.outputs["tables"][0]["rows"]
    minima = [row for row in rows if row[4] == "minimum"]
    assert len(minima) == 6 == result.outputs["values"]["minima_found"]
    for x, y, f in SIX_MINIMA:
        assert any(
            abs(row[0] - x) < 2e-3 and abs(row[1] - y) < 2e-3 and abs(row[2] - f) < 1e-4
            for row in minima
        ), (x, y)
    assert sum(row[3] for row in rows) == 64  # every start of the 8×8 grid is counted once
    assert "finds 6 of the six minima" in result.outputs["text"][1]


def test_camelback_never_calls_a_saddle_or_an_early_stop_a_minimum():
    # Nelder-Mead from starts on the axes stops at non-stationary points; duplicates merge.
    rows = labs.run("camelback", method="Nelder-Mead", starts=7).outputs["tables"][0]["rows"]
    points = [(row[0], row[1]) for row in rows]
    for i, (x, y) in enumerate(points):
        assert all(abs(x - u) + abs(y - v) >= 0.01 for u, v in points[i + 1 :])
    kinds = {(round(row[0], 1) + 0.0, round(row[1], 1) + 0.0): row[4] for row in rows}
    assert kinds[(0.0, 0.0)] == "saddle point"
    assert kinds[(0.0, 0.7)] == "not stationary (stopped early)"
    assert sum(kind == "minimum" for kind in kinds.values()) == 6


def test_camelback_origin_is_a_trap_for_bfgs():
    result = labs.run("camelback", x0=0.0, y0=0.0)
    assert (result.outputs["values"]["x"], result.outputs["values"]["y"]) == (0.0, 0.0)
    assert result.outputs["values"]["kind"] == "saddle point"
    assert "a saddle point, with f = 0.0000" in result.outputs["text"][0]
    assert "saddle point" in result.outputs["text"][2]
    heatmap = result.outputs["heatmaps"][0]
    assert (heatmap["width"], heatmap["height"]) == (400, 200)
    assert heatmap["click"] == {"x": "x0", "y": "y0"}


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("minimize_scalar_function", {"niter": 0}, "niter must be between 1 and 200"),
        ("find_roots", {"method": "newton"}, "method must be one of"),
        ("fit_curve", {"n": 2}, "n must be between 3 and 1000"),
        ("alaska_temperatures", {"period": 0}, "period must be between 6 and 24"),
        ("camelback", {"y0": 1.5}, "y0 must be between -1 and 1, got 1.5"),
        ("camelback", {"method": "SLSQP"}, "method must be one of"),
    ],
)
def test_bad_parameters_are_refused(name, params, message):
    with pytest.raises(ValueError, match=message):
        labs.run(name, **params)


def test_undefined_covariance_is_reported():
    result = labs.run("fit_curve", a=0.0, b=1.0, noise=0.0, n=5)
    assert result.outputs["values"]["a_error"] is None
    assert result.outputs["text"][-1] == (
        "curve_fit warned: Covariance of the parameters could not be estimated"
    )


# Record monthly extremes of another place (°C, January = 0), as a learner would type them.
ANOTHER_PLACE = [
    [0, 45.8, 10.6],
    [1, 42.1, 9.6],
    [2, 39.8, 9.3],
    [3, 35.4, 7.0],
    [4, 30.0, 4.4],
    [5, 26.9, 2.1],
    [6, 26.5, 2.2],
    [7, 31.3, 2.7],
    [8, 34.6, 4.9],
    [9, 38.2, 5.7],
    [10, 41.8, 7.7],
    [11, 42.2, 9.1],
]


def test_alaska_fits_another_places_table_as_curve_fit_does():
    months, highs, lows = np.array(ANOTHER_PLACE).T
    result = labs.run("alaska_temperatures", data=ANOTHER_PLACE, period=12.0)
    found = result.outputs["values"]
    for name, data in (("max", highs), ("min", lows)):
        fitted, covariance = optimize.curve_fit(
            lambda t, a, b, t0: a + b * np.cos(2 * np.pi * (t - t0) / 12.0),
            months,
            data,
            p0=[data.mean(), np.ptp(data) / 2, months[data.argmax()]],
        )
        assert found[f"{name}_offset"] == pytest.approx(fitted[2], rel=1e-6)
        assert found[f"{name}_offset_error"] == pytest.approx(np.sqrt(covariance[2, 2]), rel=1e-6)
    # the southern summer: both peak around January, not July
    for name in ("max", "min"):
        peak = found[f"{name}_offset"] % 12
        assert min(peak, 12 - peak) < 1
    assert result.outputs["text"][0].endswith("months (your data).")
    assert "(your data)" not in labs.run("alaska_temperatures").outputs["text"][0]
    series = result.outputs["plots"][0]["series"]
    assert series[0]["y"] == [row[1] for row in ANOTHER_PLACE]


def test_alaska_the_chapters_table_given_as_data_gives_the_chapters_numbers():
    highs = [17, 19, 21, 28, 33, 38, 37, 37, 31, 23, 19, 18]
    lows = [-62, -59, -56, -46, -32, -18, -9, -13, -25, -46, -52, -58]
    text = "month, max, min\n" + "\n".join(
        f"{m}, {h}, {lo}" for m, h, lo in zip(range(12), highs, lows, strict=True)
    )
    given = labs.run("alaska_temperatures", data=text, period=11.0).outputs
    own = labs.run("alaska_temperatures", period=11.0).outputs
    assert given["values"] == pytest.approx(own["values"], rel=1e-12)
    assert given["text"][1:] == own["text"][1:]


def test_alaska_refuses_a_table_without_its_three_columns():
    with pytest.raises(ValueError, match=r"the table needs 3 column\(s\) \(month, max \(°C\), min"):
        labs.run("alaska_temperatures", data=[[0, 1], [1, 2], [2, 3], [3, 4]])


def test_alaska_says_when_no_cosine_fits_a_table():
    # three months only, for which curve_fit's search does not converge
    table = [[2, 2, 1], [1e-05, 0.5, 1], [0, 2, 0.5], [2, 1, 1], [0, 0.5, 1], [2, 2, 3], [0, 2, 3]]
    with pytest.raises(ValueError, match=r"curve_fit found no cosine through the max temperatures"):
        labs.run("alaska_temperatures", data=table)


def test_alaska_offsets_within_two_combined_errors_are_equal():
    """The chapter's highs, and lows 60 °C below them with April and September moved 3 °C
    apart: their offsets differ by 1.1 combined errors, which is within two."""
    highs = [17, 19, 21, 28, 33, 38, 37, 37, 31, 23, 19, 18]
    lows = [-43, -41, -39, -29, -27, -22, -23, -23, -32, -37, -41, -42]
    data = [[month, high, low] for month, (high, low) in enumerate(zip(highs, lows, strict=True))]
    text = labs.run("alaska_temperatures", data=data).outputs["text"][1]
    assert text == (
        "The difference, 0.17 months, is 1.1 times the combined error 0.16: the offsets are equal "
        "within the fit accuracy (two standard errors)."
    )


def test_camelback_heat_map_spans_its_extent():
    """f(x, y) = f(-x, -y): over [-2, 2] × [-1, 1] the picture is the same turned half a turn,
    and its top and bottom rows (y = ±1) differ."""
    heatmap = labs.run("camelback", starts=3).outputs["heatmaps"][0]
    assert heatmap["extent"] == [-2, 2, -1, 1]
    shape = (heatmap["height"], heatmap["width"], 4)
    pixels = np.frombuffer(base64.b64decode(heatmap["rgba_b64"]), np.uint8).reshape(shape)
    assert np.array_equal(pixels, pixels[::-1, ::-1])
    assert not np.array_equal(pixels[0], pixels[-1])


def test_camelback_reports_each_row_of_starts():
    calls = []
    labs.run("camelback", starts=3, progress=lambda *args: calls.append(args))
    assert [message for _, message in calls[:3]] == [
        f"grid of starts: row {row} of 3" for row in (1, 2, 3)
    ]
