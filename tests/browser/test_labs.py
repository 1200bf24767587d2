"""The SciPy labs in the page: every lab renders; numbers equal CPython's (test_lab_script.py
runs their exported code)."""

import json
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest

from ndlab import labs
from pages import ink, wait_for_ink, wait_until

LABS = [lab["name"] for lab in labs.catalog()["labs"]]
CHAPTER_DATA = Path(__file__).resolve().parents[2] / "data" / "scipy-lectures"
RUN_LAB = "async ([name, params]) => await ndlab.runLab(name, params)"


@pytest.mark.parametrize(
    "name, params",
    [
        ("find_roots", {"x0": -3}),
        ("camelback", {"x0": 0.5, "y0": -0.5, "method": "Nelder-Mead"}),
        ("wind_return_speed", {}),
        ("gamma_fit", {"seed": 3}),
        # the summary exercises on the chapter's data, packaged in the wheel
        ("glass_sand_bubbles", {}),
        ("lidar_waveform", {"model": "three echoes"}),
    ],
)
def test_lab_numbers_equal_cpython(app, name, params):
    outputs = app.page.evaluate(RUN_LAB, [name, params])["outputs"]
    assert_same_outputs(outputs, labs.run(name, **params).outputs)


def assert_same_outputs(page, cpython, where="outputs"):
    """The page's outputs equal CPython's (``ndlab.labs.run``'s, NaN already None): every key,
    list, string and whole number exactly, every float to 1e-6 of its size, and a series of floats
    (a plot's) to 1e-6 of its largest (the page's NumPy and SciPy are other builds: a fit's tail,
    a thousandth of its peak, may differ by 1e-6 of its own size)."""
    series = isinstance(cpython, list) and any(isinstance(v, float) for v in cpython)
    if series and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in cpython):
        scale = max(abs(v) for v in cpython)
        assert page == pytest.approx(cpython, rel=1e-6, abs=max(1e-6 * scale, 1e-9)), where
    elif isinstance(cpython, float):
        assert page == pytest.approx(cpython, rel=1e-6, abs=1e-9), where
    elif isinstance(cpython, dict):
        assert isinstance(page, dict) and page.keys() == cpython.keys(), where
        for key, value in cpython.items():
            assert_same_outputs(page[key], value, f"{where}.{key}")
    elif isinstance(cpython, (list, tuple)):
        assert isinstance(page, list) and len(page) == len(cpython), where
        for number, (shown, value) in enumerate(zip(page, cpython, strict=True)):
            assert_same_outputs(shown, value, f"{where}[{number}]")
    else:
        assert page == cpython, where


@pytest.mark.parametrize("name", LABS)
def test_every_lab_in_the_worker_gives_cpythons_outputs(app, name):
    """Each lab at its defaults, through the page's JS API in one page: its values, tables,
    sentences, plots and heatmaps equal ndlab.labs.run's in CPython."""
    result = app.page.evaluate(RUN_LAB, [name, {}])
    outputs = result["outputs"]
    shown = sum(len(outputs.get(k) or []) for k in ("plots", "heatmaps", "tables", "text"))
    assert shown > 0, outputs.keys()
    assert_same_outputs(outputs, labs.run(name).outputs)
    assert result["code"].startswith('"""') and result["timings"]["compute_ms"] > 0


def test_lab_page_renders_and_click_sets_start(fresh, base_url):
    page = fresh.page
    page.goto(f"{base_url}#lab=minimize_scalar_function&params={quote(json.dumps({'x0': 5}))}")
    fresh.wait_ready()
    page.locator(".figures figure.plot").first.wait_for()
    assert "3.8375" in page.locator("#lab-outputs").inner_text()  # BFGS from 5: the local minimum
    overlay = page.locator(".figures figure.plot .u-over").first
    box = overlay.bounding_box()
    overlay.click(position={"x": box["width"] * 0.4, "y": box["height"] / 2})  # x ≈ -2
    page.wait_for_function("() => Number(document.querySelector('#param-x0').value) < 0")
    page.wait_for_function(
        "() => document.querySelector('#lab-outputs').textContent.includes('-1.3064')"
    )
    assert "x0" in page.evaluate("decodeURIComponent(location.hash)")


def test_heatmap_click_moves_the_minimizer(fresh, base_url):
    page = fresh.page
    page.goto(f"{base_url}#lab=camelback")
    fresh.wait_ready()
    canvas = page.locator(".figures figure.heatmap canvas")
    canvas.wait_for()
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] * 0.55, "y": box["height"] * 0.8})  # x ≈ 0.2, y ≈ -0.6
    page.wait_for_function("() => Number(document.querySelector('#param-y0').value) < 0")
    page.wait_for_function(
        "() => document.querySelector('#lab-outputs').textContent.includes('-0.7127')"
    )


def test_a_lab_on_the_chapters_data_credits_it_and_links_the_files(fresh, base_url):
    page = fresh.page
    page.goto(f"{base_url}#lab=lidar_waveform")
    credit = page.locator("#lab-about .data-credit")
    assert "Scientific Python Lectures (scipy-lectures.org), CC BY 4.0" in credit.inner_text()
    links = credit.locator("a")
    assert links.all_inner_texts() == ["waveform_1.npy", "waveform_2.npy"]
    href = links.first.get_attribute("href")
    body = page.evaluate(
        "async (href) => [...new Uint8Array(await (await fetch(href)).arrayBuffer())]", href
    )
    assert bytes(body) == (CHAPTER_DATA / "waveform_1.npy").read_bytes()


def outputs_show(page, text):
    page.wait_for_function(
        "(text) => document.querySelector('#lab-outputs').textContent.includes(text)", arg=text
    )


def refused_then_own_data(page, table, message, own):
    """Paste `table`: `message` says what is wrong; back to the lab's own data, `own` shows."""
    page.fill("#lab-data-text", table)
    page.click("#lab-data-use")
    shown = page.locator("#lab-message")
    shown.wait_for(state="visible")
    assert message in shown.inner_text()
    page.get_by_role("button", name="Back to the lab's own data").click()
    shown.wait_for(state="hidden")
    outputs_show(page, own)


def test_a_pasted_table_and_an_uploaded_npy_give_cpythons_numbers(fresh, base_url, tmp_path):
    page = fresh.page
    page.goto(f"{base_url}#lab=lidar_waveform")
    fresh.wait_ready()
    outputs_show(page, "B = 2.70")  # the chapter's waveform_1
    page.locator("#lab-data summary").click()

    # a CSV with a header and two columns, of which the second is the waveform
    waveform = np.load(CHAPTER_DATA / "waveform_1.npy") + 10.0
    page.fill(
        "#lab-data-text",
        "time, intensity\n" + "\n".join(f"{t}, {v}" for t, v in enumerate(waveform)),
    )
    # the line of names is a header, and the column is picked by its name (intensity, not time)
    boxes = page.locator("#lab-data .lab-data-preview input[type=checkbox]")
    assert boxes.count() == 2 and not boxes.nth(0).is_checked() and boxes.nth(1).is_checked()
    assert "80 lines × 2 columns" in page.locator("#lab-data .lab-data-preview").inner_text()
    page.click("#lab-data-use")
    outputs_show(page, labs.run("lidar_waveform", data=waveform).outputs["text"][0])
    assert "B = 12.70" in page.locator("#lab-outputs").inner_text()

    # a .npy file of another dtype, fitted with three echoes
    echoes = np.load(CHAPTER_DATA / "waveform_2.npy").astype(np.float32) * 1.5
    np.save(tmp_path / "echoes.npy", echoes)
    page.set_input_files("#lab-data-file", str(tmp_path / "echoes.npy"))
    page.wait_for_function(
        "() => document.querySelector('#lab-data-text').value.includes(',') === false"
    )
    page.select_option("#param-model", "three echoes")
    page.click("#lab-data-use")
    expected = labs.run("lidar_waveform", data=echoes, model="three echoes").outputs["text"][0]
    outputs_show(page, expected)

    # malformed: the message names the line and column; the page keeps working
    refused_then_own_data(
        page,
        "1\n2\nthree\n" + "\n".join(["4"] * 20),
        "line 3, column 1 is 'three', not a number",
        labs.run("lidar_waveform", model="three echoes").outputs["text"][0],
    )


def assert_values_equal(page_values, cpython_values):
    assert page_values.keys() == cpython_values.keys()
    for key, value in cpython_values.items():
        assert page_values[key] == (value if value is None else pytest.approx(value, rel=1e-9)), key


def test_two_samples_pasted_into_the_t_test_and_a_npy_into_fft_denoise(fresh, base_url, tmp_path):
    """Two samples of different sizes, copied from a spreadsheet (value, group), and a recording
    (t, x) saved with np.save give the numbers ndlab.labs.run gives in CPython."""
    page = fresh.page
    page.goto(f"{base_url}#lab=t_test")
    fresh.wait_ready()
    outputs_show(page, labs.run("t_test").outputs["text"][0])
    page.locator("#lab-data summary").click()
    assert "value, group" in page.locator("#lab-data").text_content()

    rng = np.random.default_rng(5)
    samples = [rng.normal(20.0, 2.0, 14), rng.normal(22.5, 3.0, 9)]
    rows = [(value, group) for group, sample in enumerate(samples, 1) for value in sample]
    table = "weight\tgroup\n" + "\n".join(f"{value:.2f}\t{group}" for value, group in rows)
    page.fill("#lab-data-text", table)
    assert "23 lines × 2 columns" in page.locator("#lab-data .lab-data-preview").inner_text()
    page.click("#lab-data-use")
    expected = labs.run("t_test", data=table).outputs
    assert expected["text"][0].endswith("(your data: 14 values in group 1, 9 in group 2).")
    outputs_show(page, expected["text"][0])
    outputs_show(page, expected["text"][1])
    assert_values_equal(
        page.evaluate(RUN_LAB, ["t_test", {"data": table}])["outputs"]["values"], expected["values"]
    )

    # a recording saved with np.save, opened in the FFT lab
    page.locator("#lab-list button[data-lab='fft_denoise']").click()
    outputs_show(page, labs.run("fft_denoise").outputs["text"][0])
    t = 0.005 * np.arange(800)
    recording = np.column_stack([t, 1.5 + np.sin(2 * np.pi * 7.0 * t) + rng.normal(0, 0.8, t.size)])
    np.save(tmp_path / "recording.npy", recording)
    if page.locator("#lab-data").get_attribute("open") is None:  # it stays open across labs
        page.locator("#lab-data summary").click()
    page.set_input_files("#lab-data-file", str(tmp_path / "recording.npy"))
    preview = page.locator("#lab-data .lab-data-preview")
    preview.get_by_text("800 lines × 2 columns").wait_for()
    page.click("#lab-data-use")
    expected = labs.run("fft_denoise", data=recording).outputs
    assert expected["values"]["peak_frequency"] == pytest.approx(7.0)
    outputs_show(page, expected["text"][0])
    text = page.locator("#lab-data-text").input_value()
    assert_values_equal(
        page.evaluate(RUN_LAB, ["fft_denoise", {"data": text}])["outputs"]["values"],
        expected["values"],
    )
    legend = page.locator(".figures figure.plot").nth(1).inner_text()
    assert "filtered" in legend and "clean" not in legend

    # a time column with a gap: the message names its row, and the lab's own data comes back
    refused_then_own_data(
        page,
        "0, 1\n1, 2\n2, 1\n4, 0\n5, 1\n6, 2\n7, 1\n8, 0",
        "row 4, column 1 (t (s)) is 4, a step of 2 from row 3",
        labs.run("fft_denoise").outputs["text"][0],
    )


def test_bad_lab_parameter_is_explained(fresh, base_url):
    page = fresh.page
    page.goto(f"{base_url}#lab=fit_curve&params={quote(json.dumps({'noise': -4}))}")
    fresh.wait_ready()
    message = page.locator("#lab-message")
    message.wait_for(state="visible")
    assert "noise" in message.inner_text()
    page.locator("#lab-list button[data-lab='t_test']").click()
    message.wait_for(state="hidden")


def test_unknown_lab_link_is_refused(fresh, base_url):
    page = fresh.page
    page.goto(f"{base_url}#lab=rm%20-rf")
    fresh.wait_ready()
    assert "unknown lab" in page.locator("#lab-message").inner_text()


def test_sections_switch_through_the_header_links(fresh, base_url):
    page = fresh.page
    page.goto(base_url)
    fresh.wait_ready()
    page.click("#mode-labs")
    page.locator("#labs-view").wait_for(state="visible")
    page.locator("#lab-outputs .answer").first.wait_for()
    assert page.locator("#images-view").is_hidden()
    page.click("#mode-images")
    page.locator("#images-view").wait_for(state="visible")
    assert "steps=" in page.evaluate("decodeURIComponent(location.hash)")


def test_plots_follow_the_theme(fresh, base_url):
    """uPlot draws its axes on a canvas: they are drawn again in the text colour of the new theme."""
    page = fresh.page
    page.emulate_media(color_scheme="light")
    page.goto(f"{base_url}#lab=minimize_scalar_function")
    fresh.wait_ready()
    page.locator(".figures figure.plot canvas").first.wait_for()
    axis = ("#lab-outputs figure.plot canvas", 0.06)  # the y axis's numbers and label
    light, dark = ink(page, *axis)
    assert dark > 50 and light == 0
    page.emulate_media(color_scheme="dark")
    wait_for_ink(page, *axis)
    assert ink(page, *axis)[0] > 50


def test_copy_button_copies_the_lab_code(fresh, base_url):
    fresh.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = fresh.page
    page.goto(f"{base_url}#lab=find_roots")
    fresh.wait_ready()
    page.wait_for_function(
        "() => document.querySelector('#lab-code').textContent.startsWith('\"\"\"')"
    )
    page.click("#lab-copy-code")
    wait_until(
        page,
        "async () => (await navigator.clipboard.readText())"
        " === document.querySelector('#lab-code').textContent",
    )
    assert "scipy" in page.evaluate("navigator.clipboard.readText()")


def test_the_denoising_lab_overlays_five_histograms_in_one_plot(fresh, base_url):
    page = fresh.page
    page.goto(f"{base_url}#lab=denoise_histograms")
    fresh.wait_ready()
    expected = labs.run("denoise_histograms").outputs
    outputs_show(page, expected["text"][0])
    legend = page.locator("#lab-outputs figure.plot[data-plot=histograms] .u-legend .u-label")
    labels = legend.all_inner_texts()[1:]  # after the x series
    assert labels == ["clean", "noisy", "Gaussian filter", "median filter", "Wiener filter"]
    assert page.locator("#lab-outputs figure.plot").count() == 1
    assert page.locator("#lab-outputs figure.heatmap").count() == 2  # clean, noisy; denoised
    assert "median filter's histogram is the closest" in expected["text"][0]
