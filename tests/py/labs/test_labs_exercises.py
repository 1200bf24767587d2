"""The summary exercises on the chapter's data give the chapter's answers.

References are computed here from the original files in data/scipy-lectures/ (the micrograph
decoded with Pillow, as the chapter's plt.imread does), not from ndlab's packaged copies.
"""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage, optimize

from ndlab import labs

CHAPTER_DATA = Path(__file__).resolve().parents[3] / "data" / "scipy-lectures"


def test_sprogo_annual_maxima_are_the_chapters_file():
    maxima = labs.run("wind_return_speed").outputs["plots"][0]["series"][0]["y"]
    assert maxima == np.load(CHAPTER_DATA / "max-speeds.npy").astype(float).tolist()


def test_sprogo_matches_the_chapter():
    result = labs.run("wind_return_speed")
    found = result.outputs["values"]
    assert found["spline_speed"] == pytest.approx(32.98, abs=0.005)
    assert found["gumbel_paper_speed"] == pytest.approx(34.23, abs=0.005)
    assert found["likelihood_speed"] == pytest.approx(33.76, abs=0.005)
    assert (
        "32.98 m/s from the spline, 34.23 m/s from the straight line" in result.outputs["text"][0]
    )
    assert result.outputs["text"][1].startswith("They differ because")


def test_sprogo_smoothing_and_period():
    interpolating = labs.run("wind_return_speed", smoothing=0).outputs["values"]
    assert interpolating["spline_speed"] == pytest.approx(36.97, abs=0.01)
    ten = labs.run("wind_return_speed", years=10).outputs["values"]
    assert ten["likelihood_speed"] < 33.76 and ten["gumbel_paper_speed"] < 34.23


def test_fitpack_warnings_become_text():
    text = labs.run("wind_return_speed", smoothing=1e-111).outputs["text"]
    assert text[-1].startswith("UnivariateSpline warned: A theoretically impossible result")


def test_lidar_waveform_1_matches_the_chapter():
    result = labs.run("lidar_waveform")
    rows = result.outputs["tables"][0]["rows"]
    assert [row[0] for row in rows] == ["B", "A1", "μ1", "σ1"]
    chapter = [2.70363341, 27.82020742, 15.47924562, 3.05636228]
    assert [row[1] for row in rows] == pytest.approx(chapter, abs=1e-7)
    assert [row[2] for row in rows] == pytest.approx(chapter, abs=1e-6)  # analytic Jacobian
    assert [row[4] for row in rows] == [3, 30, 15, 1]
    cost = result.outputs["tables"][1]["rows"]
    assert cost[1][1] < cost[0][1]  # the Jacobian saves evaluations of the residuals


def test_lidar_waveform_2_is_the_chapters_three_gaussian_fit():
    def model(t, coeffs):  # as the chapter writes it for waveform_2
        return (
            coeffs[0]
            + coeffs[1] * np.exp(-(((t - coeffs[2]) / coeffs[3]) ** 2))
            + coeffs[4] * np.exp(-(((t - coeffs[5]) / coeffs[6]) ** 2))
            + coeffs[7] * np.exp(-(((t - coeffs[8]) / coeffs[9]) ** 2))
        )

    waveform_2 = np.load(CHAPTER_DATA / "waveform_2.npy")
    t = np.arange(len(waveform_2))
    x0 = np.array([3, 30, 20, 1, 12, 25, 1, 8, 28, 1], dtype=float)
    x, _ = optimize.leastsq(lambda c, y, t: y - model(t, c), x0, args=(waveform_2, t))

    rows = labs.run("lidar_waveform", model="three echoes").outputs["tables"][0]["rows"]
    assert [row[4] for row in rows] == x0.tolist()
    assert [row[1] for row in rows] == pytest.approx(x, abs=1e-6)
    assert [row[2] for row in rows] == pytest.approx(x, abs=1e-4)  # analytic Jacobian
    assert [row[3] for row in rows] == pytest.approx(x, abs=1e-4)  # bounded: all positive
    assert x[2::3] == pytest.approx([16.6, 23.1, 29.0], abs=0.05)


def test_lidar_analytic_jacobian_reaches_the_same_optimum():
    t = np.arange(80.0)
    waveform = 1 + 20 * np.exp(-(((t - 17) / 4) ** 2))
    rows = labs.run("lidar_waveform", data=waveform).outputs["tables"][0]["rows"]
    assert [row[1] for row in rows] == pytest.approx([1, 20, 17, 4], abs=1e-6)
    assert [row[2] for row in rows] == pytest.approx([1, 20, 17, 4], abs=1e-6)


@pytest.fixture(scope="module")
def micrograph():
    """The chapter's steps, written out as in its answers."""
    with Image.open(CHAPTER_DATA / "MV_HFV_012.jpg") as image:
        dat = np.asarray(image)[:-60]
    filtdat = ndimage.median_filter(dat, size=(7, 7))
    void = filtdat <= 50
    sand = np.logical_and(filtdat > 50, filtdat <= 114)
    glass = filtdat > 114
    sand_op = ndimage.binary_opening(sand, iterations=2)
    sand_labels, _ = ndimage.label(sand_op)
    sand_areas = np.array(ndimage.sum(sand_op, sand_labels, np.arange(sand_labels.max() + 1)))
    grains = sand_areas[1:][sand_areas[1:] > 100]
    bubbles_labels, bubbles_nb = ndimage.label(void)
    bubbles_areas = np.bincount(bubbles_labels.ravel())[1:]
    return {
        "bubble_fraction": void.mean(),
        "sand_fraction": sand.mean(),
        "glass_fraction": glass.mean(),
        "bubbles": bubbles_nb,
        "grains": grains.size,
        "mean_bubble_area": bubbles_areas.mean(),
        "median_bubble_area": np.median(bubbles_areas),
        "mean_grain_area": grains.mean(),
        "median_grain_area": np.median(grains),
    }


def test_micrograph_follows_the_chapter(micrograph):
    found = labs.run("glass_sand_bubbles").outputs["values"]
    assert found == pytest.approx(micrograph, rel=1e-12)
    # the chapter's printed answer: mean and median bubble areas
    assert (found["mean_bubble_area"], found["median_bubble_area"]) == (1699.875, 65.0)
    assert found["bubbles"] == 104 and found["grains"] == 94
    fractions = [found[f"{phase}_fraction"] for phase in ("bubble", "sand", "glass")]
    assert sum(fractions) == pytest.approx(1)
    assert fractions == pytest.approx([0.196, 0.214, 0.591], abs=0.001)


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("glass_sand_bubbles", {"bubbles_below": 120}, r"bubbles_below \(120\) must be less"),
        ("glass_sand_bubbles", {"size": 16}, "size must be between 1 and 15"),
        ("lidar_waveform", {"model": "two echoes"}, "model must be one of"),
        ("wind_return_speed", {"years": 1}, "years must be between 2 and 200"),
        ("wind_return_speed", {"smoothing": -1}, "smoothing must be between 0 and 100"),
    ],
)
def test_bad_parameters_are_refused(name, params, message):
    with pytest.raises(ValueError, match=message):
        labs.run(name, **params)
