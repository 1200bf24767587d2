"""Every lab's exported script runs in CPython, prints the page's numbers and draws its plots.

Each script runs in its own process with matplotlib's Agg backend, as a learner would run it,
through record_lab_script.py, which records what its ``plt.show()`` would show. What it prints
and draws is compared with :func:`ndlab.labs.run`'s outputs, the numbers the page shows, read
line by line without help from the code that wrote the script.
"""

import inspect
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from lab_cases import LAB_NAMES
from ndlab import labs
from ndlab.labs import core
from ndlab.labs.core import get_lab
from ndlab.labs.data import DATA_DIR
from ndlab.labs.outputs import MISSING

CHAPTER_DATA = Path(__file__).resolve().parents[3] / "data" / "scipy-lectures"
RECORDER = Path(__file__).with_name("record_lab_script.py")
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?")


def _learner_data():
    """Data a learner might give each lab that takes data: theirs, not the chapter's."""
    rng = np.random.default_rng(7)
    x = np.linspace(-8, 8, 30)
    years = np.arange(1990.0, 2010.0)
    cycles = 100 + 50 * np.sin(2 * np.pi * years[:, np.newaxis] / [5, 4, 10])
    image = np.load(DATA_DIR / "MV_HFV_012.jpg.npy")  # the chapter's photograph, in grey
    return {
        "fit_curve": np.column_stack([x, 2 * x**2 - 3 * np.sin(x) + rng.normal(0, 2, x.size)]),
        "normal_samples": rng.normal(3, 2, 500),  # more than 200 numbers: saved to a file
        "interpolate_1d": np.column_stack([np.linspace(0, 2, 12), np.cos(np.linspace(0, 6, 12))]),
        "population_periodicity": np.column_stack([years, cycles]).round(3),
        "linear_algebra": np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]]),
        "glass_sand_bubbles": image[100:300, 150:450],
        "lidar_waveform": np.load(CHAPTER_DATA / "waveform_2.npy")[::-1] * 0.8,
        "wind_return_speed": rng.gamma(4, 5, 3000),
        # another place's monthly record extremes (°C): the southern summer peaks in January
        "alaska_temperatures": np.column_stack(
            [np.arange(12), 36 + 9 * np.cos(np.arange(12) / 1.9), 6 + 4 * np.cos(np.arange(12) / 2)]
        ).round(1),
        "t_test": np.column_stack(  # long form: the value, then its group (2 or 5)
            [np.r_[rng.normal(1, 1, 17), rng.normal(1.8, 1.4, 26)], np.repeat([5, 2], [17, 26])]
        ),
        "gamma_fit": rng.gamma(2.5, 1.3, 400),  # saved to a file
        "detrend_resample_window": 0.4 * np.arange(60.0) + np.sin(np.arange(60) / 3),  # y alone
        # a step signal sampled every 0.5 s, with spikes
        "median_wiener": np.column_stack(
            [0.5 * np.arange(80), (np.arange(80) // 20) % 2 + (np.arange(80) % 13 == 0) * 3.0]
        ),
        "fft_denoise": np.column_stack(  # saved to a file
            [0.01 * np.arange(600), np.sin(2 * np.pi * 4 * 0.01 * np.arange(600))]
        )
        + np.c_[np.zeros(600), rng.normal(0, 0.5, 600)],
    }


LEARNER_DATA = _learner_data()
CASES = [(name, None) for name in LAB_NAMES] + [(name, "learner") for name in LEARNER_DATA]


def _run_script(name, given, directory):
    """Run lab `name`, then its script in `directory`; return the lab's result and the run's."""
    data = LEARNER_DATA[name] if given else None
    result = labs.run(name, data=data)
    directory.mkdir()
    if data is not None:  # a large data set travels in a file named for the lab's argument
        argument = next(iter(inspect.signature(get_lab(name).function).parameters))
        np.save(directory / f"{argument}.npy", data)
    script = directory / f"{name}.py"
    script.write_text(result.code)
    figures = directory / "figures.json"
    run = subprocess.run(
        [sys.executable, str(RECORDER), str(script), str(figures)],
        cwd=directory if given else CHAPTER_DATA,
        env=dict(os.environ, MPLBACKEND="Agg"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    drawn = json.loads(figures.read_text()) if figures.exists() else None
    return result, run, drawn


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every case run once, two scripts at a time (each is mostly NumPy/SciPy start-up)."""
    root = tmp_path_factory.mktemp("scripts")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            case: pool.submit(_run_script, *case, root / f"{case[0]}-{case[1] or 'chapter'}")
            for case in CASES
        }
        return {case: future.result() for case, future in futures.items()}


def _same(printed, expected, rel=1e-9):
    """Whether the text a script printed shows `expected`, a number, string, bool or list."""
    if expected is None:
        return printed == MISSING  # as the page shows it
    if isinstance(expected, list):
        flat = np.ravel(np.array(expected, dtype=np.float64))
        found = [float(x) for x in NUMBER.findall(printed)]
        return len(found) == flat.size and np.allclose(found, flat, rtol=rel, atol=0)
    return _same_text(printed, str(expected), rel)


def _same_text(printed, expected, rel=1e-9):
    """Whether two texts agree word for word, and number for number within `rel`."""
    if NUMBER.split(printed) != NUMBER.split(expected):
        return False
    pairs = zip(NUMBER.findall(printed), NUMBER.findall(expected), strict=True)
    return all(float(a) == pytest.approx(float(b), rel=rel, abs=1e-12) for a, b in pairs)


def check_printed(stdout, outputs, rel=1e-9):
    """Assert that `stdout` shows every value, table and sentence of a lab's `outputs`."""
    lines = stdout.split("\n")
    for key, value in outputs["values"].items():
        shown = [line.removeprefix(f"{key}: ") for line in lines if line.startswith(f"{key}: ")]
        assert len(shown) == 1, f"{key} is printed {len(shown)} times"
        assert _same(shown[0], value, rel), (key, shown[0], value)
    for table in outputs["tables"]:
        start = lines.index(table["title"]) + 1
        assert lines[start - 2] == "", "a blank line before each table"
        assert lines[start] == " | ".join(table["columns"])
        for offset, row in enumerate(table["rows"], start=1):
            cells = lines[start + offset].split(" | ")
            assert len(cells) == len(row), (table["title"], lines[start + offset])
            for cell, value in zip(cells, row, strict=True):
                assert _same(cell, value, rel), (table["title"], cell, value)
    for sentence in outputs["text"]:
        assert any(_same_text(line, sentence, rel) for line in lines), sentence


def check_drawn(drawn, outputs):
    """Assert that the figures a script drew are the page's heat maps and plots, in that order."""
    assert len(drawn) == len(outputs["heatmaps"]) + len(outputs["plots"])
    assert all(len(axes) == 1 for axes in drawn), "one axes a figure"
    for heatmap, [ax] in zip(outputs["heatmaps"], drawn, strict=False):
        assert ax["title"] == heatmap["title"]
        [image] = ax["images"]
        assert image["shape"] == [heatmap["height"], heatmap["width"]]
        assert image["extent"] == pytest.approx(heatmap["extent"])
        assert image["range"] == pytest.approx(heatmap["range"])
        marks = heatmap.get("paths", []) + heatmap.get("points", [])
        assert [series["label"] for series in ax["series"]] == [m["label"] for m in marks]
        for series, mark in zip(ax["series"], marks, strict=True):
            assert np.ravel(series["y"]).tolist() == pytest.approx(np.ravel(mark["y"]).tolist())
    for plot, [ax] in zip(outputs["plots"], drawn[len(outputs["heatmaps"]) :], strict=True):
        labels = (ax["title"], ax["x_label"], ax["y_label"])
        assert labels == (plot["title"], plot["x_label"], plot["y_label"])
        assert ax["legend"] and ax["y_scale"] == ("log" if plot.get("log_y") else "linear")
        assert [series["label"] for series in ax["series"]] == [s["label"] for s in plot["series"]]
        for series, expected in zip(ax["series"], plot["series"], strict=True):
            for key in ("x", "y"):
                assert series[key] == pytest.approx(expected[key], nan_ok=True), (
                    plot["title"],
                    series["label"],
                    key,
                )


@pytest.mark.parametrize(("name", "given"), CASES)
def test_exported_script_prints_the_page_numbers_and_draws_its_plots(runs, name, given):
    result, run, drawn = runs[name, given]
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # no warning either
    check_printed(run.stdout, result.outputs)
    check_drawn(drawn, result.outputs)


@pytest.mark.parametrize(("name", "given"), CASES)
def test_exported_script_is_what_a_learner_writes(runs, name, given):
    code = runs[name, given][0].code
    assert "ndlab" not in code.split('"""', 2)[2]  # only the docstring says where it comes from
    assert not re.search(r"""["'](plots|series|heatmaps|tables|values|text)["']""", code)
    assert "return" not in [line.split(" ")[0] for line in code.splitlines()]
    assert code.rstrip().endswith("plt.show()")
    assert all(len(line) <= 100 for line in code.splitlines())
    compile(code, name, "exec")


def test_the_script_writes_the_parameters_and_the_learners_small_data():
    code = labs.run("find_roots", x0=-3, method="lm").code
    assert '\nx0 = -3.0\nmethod = "lm"\n' in code
    rows = LEARNER_DATA["population_periodicity"].tolist()
    code = labs.run("population_periodicity", data=rows).code
    assert "populations = np.array(\n    [[1990.0, " in code


def test_a_missing_number_is_printed_as_the_page_shows_it(tmp_path):
    """The learner's points have no true parameters: the page shows "—", and so does the script
    (not None, nor nan or inf)."""
    points = LEARNER_DATA["fit_curve"]
    result = labs.run("fit_curve", data=points)
    [row] = [row for row in result.outputs["tables"][0]["rows"] if row[0] == "a"]
    assert row[1] is None
    run = subprocess.run(
        [sys.executable, "-c", result.code],
        cwd=tmp_path,
        env=dict(os.environ, MPLBACKEND="Agg"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    [line] = [line for line in run.stdout.splitlines() if line.startswith("a | ")]
    assert line.split(" | ")[1] == "—"
    assert "None" not in run.stdout


def test_yearly_maxima_leave_n_years_unused():
    """n_years splits a record without years; with a year column it is said to be unused."""
    years = np.column_stack([np.arange(1990.0, 2002.0), np.linspace(20, 31, 12)])
    code = labs.run("wind_return_speed", data=years).code
    assert (
        "# The lab's parameters: change them and run the script again.\nsmoothing = None\n"
        "years = 50.0\n# Not used with your data: they apply only to a table without its first "
        "column (year).\nn_years = 21\n"
    ) in code
    speeds = labs.run("wind_return_speed", data=np.linspace(20, 31, 60)).code
    assert "Not used with your data" not in speeds and "\nn_years = 21\n" in speeds


def test_the_parameters_that_shape_only_the_labs_own_data_say_they_are_not_used_with_yours():
    points = [[x, x * x + 1] for x in range(-5, 6)]
    code = labs.run("fit_curve", data=points).code
    assert "# The lab's parameters" not in code
    assert (
        "\n# Not used with your data: they shape only the data the lab makes itself.\n"
        "a = 1.0\nb = 10.0\nnoise = 5.0\nn = 40\nseed = 0\n"
    ) in code
    assert "# The lab's parameters: change them and run the script again.\na = 1.0\n" in (
        labs.run("fit_curve").code
    )


def test_a_lab_whose_outputs_cannot_be_written_out_is_refused_with_a_reason():
    @core.lab(category="io", title="Opaque", about="Returns a dict built earlier.")
    def opaque():
        """Return outputs built before the return."""
        outputs = {"values": {"x": 1}}
        return outputs

    @core.lab(category="io", title="Built", about="Builds its series in the body.")
    def built():
        """Return a plot whose series were built before the return."""
        series = [{"label": "y", "x": [0, 1], "y": [1, 2], "kind": "line"}]
        return {"plots": [{"id": "p", "title": "", "x_label": "", "y_label": "", "series": series}]}

    @core.lab(category="io", title="Styled", about="Picks the kind of its series in the body.")
    def styled():
        """Return a plot whose series' kind is a variable."""
        kind = "line"
        return {
            "plots": [
                {
                    "id": "p",
                    "title": "",
                    "x_label": "",
                    "y_label": "",
                    "series": [{"label": "y", "x": [0, 1], "y": [1, 2], "kind": kind}],
                }
            ]
        }

    try:
        with pytest.raises(ValueError, match=r"opaque must end with return \{...\}"):
            labs.run("opaque")
        with pytest.raises(ValueError, match="a series must be a dict literal"):
            labs.run("built")
        with pytest.raises(ValueError, match="a series' kind must be written as one of"):
            labs.run("styled")
    finally:
        for name in ("opaque", "built", "styled"):
            core.LABS.remove(name)
