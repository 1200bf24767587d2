"""Many images at once: the pipeline over several files, results in one zip, failures listed.

Each result in the zip is compared with ``ndlab.run_pipeline`` in CPython on the same file as
Pillow decodes it, and the CSV with the tables CPython computes.
"""

import csv
import io
import json
import zipfile
from urllib.parse import quote

import numpy as np
import pytest
import scipy.io
from PIL import Image
from scipy import ndimage

import ndlab
from ndlab.bridge.pixels import to_rgba
from ndlab.dask_export import script_name
from ndlab.pipeline import normalise_steps
from ndlab.reading import canonical
from pages import WATCH_RUNS, Guarded, page_pixels, wait_for_run_started, wait_until
from test_accessibility import AXE

# Watches the page's worker: window.__held lists, in order, each input the worker was given
# ("load" or "read_array" answered: +id) and each one released (-id).
WATCH_INPUTS = """(() => {
  const loads = new Set();
  window.__held = [];
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message?.type === 'load' || message?.type === 'read_array') loads.add(message.id);
    if (message?.type === 'release') window.__held.push(-message.input);
    return post.call(this, message, ...rest);
  };
  window.Worker = class extends Worker {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', ({data}) => data?.ok && loads.has(data.id) && window.__held.push(data.meta.input));
    }
  };
})();"""

# blur, Otsu's threshold, then labelling: a picture, an int array and a measurement table
STEPS = [["gaussian_filter", {"sigma": 1.5}], ["threshold_otsu", {}], ["label", {}]]


def blobs(shape, seed, colour=False):
    """Bright blobs on a dark ground (a few objects to label), grey or colour, as uint8."""
    noise = np.random.default_rng(seed).random(shape)
    grey = ndimage.gaussian_filter(noise, 4)
    grey = (255 * (grey - grey.min()) / np.ptp(grey)).astype(np.uint8)
    return np.stack([grey, 255 - grey // 2, grey // 3], axis=-1) if colour else grey


def write_png(path, array):
    Image.fromarray(array).save(path)
    return path


def damaged_png(path):
    """The first half of a valid PNG: the browser cannot decode it."""
    data = io.BytesIO()
    Image.fromarray(blobs((90, 70), 9)).save(data, format="PNG")
    path.write_bytes(data.getvalue()[: len(data.getvalue()) // 2])
    return path


def expected(path, steps):
    """CPython's result for the file as the page keeps it (grey 2-D, opaque colour RGB)."""
    rgba = np.asarray(Image.open(path).convert("RGBA"))
    return ndlab.run_pipeline(canonical(np.ascontiguousarray(rgba)), [list(s) for s in steps])


def open_page(fresh, base_url, steps):
    fresh.context.add_init_script(WATCH_RUNS)
    fresh.context.add_init_script(WATCH_INPUTS)
    fresh.page.goto(f"{base_url}#sample=camera&steps={quote(json.dumps(steps))}")
    fresh.wait_ready()
    fresh.page.locator("#result-caption", has_text="512×512").wait_for()
    return fresh.page


def choose_output(page, output):
    """Open the batch controls (as a user would, if closed) and choose what the zip holds."""
    if not page.eval_on_selector("#batch", "(d) => d.open"):
        page.click("#batch summary")
    page.select_option("#batch-output", output)


def run_batch(page, paths, output):
    choose_output(page, output)
    page.set_input_files("#batch-files", [str(p) for p in paths])


def drop(page, paths):
    """Drag files or folders from the system onto the page, through Chromium's own drag and drop
    (so a folder arrives as a folder entry, as when a user drops one)."""
    cdp = page.context.new_cdp_session(page)
    data = {"items": [], "files": [str(p) for p in paths], "dragOperationsMask": 1}
    for event in ("dragEnter", "dragOver", "drop"):
        cdp.send("Input.dispatchDragEvent", {"type": event, "x": 700, "y": 500, "data": data})
    cdp.detach()


def download_zip(page, tmp_path):
    page.locator("#batch-download").wait_for(state="visible")
    with page.expect_download() as info:
        page.click("#batch-download")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    return zipfile.ZipFile(saved)


def records(steps):
    """What the zip holds besides the results: the pipeline, its Dask script, the failures."""
    return ["pipeline.json", script_name(steps), "failures.csv"]


def csv_rows(archive, name):
    with archive.open(name) as f:
        return list(csv.reader(io.TextIOWrapper(f, encoding="utf-8", newline="")))


def assert_results(archive, path, stem, output):
    """The zip's PNG and .npy of `path`, named `stem`, are CPython's picture and last array."""
    result = expected(path, STEPS)
    if output in ("png", "both"):
        with archive.open(f"{stem}.png") as f:
            shown = np.asarray(Image.open(f).convert("RGBA"))
        want = to_rgba(result.image)
        assert shown.shape == want.shape
        assert np.abs(shown.astype(int) - want.astype(int)).max() <= 1
    if output in ("npy", "both"):
        with archive.open(f"{stem}.npy") as f:
            array = np.load(f)
        assert array.dtype == result.data.dtype
        assert np.array_equal(array, result.data)
    return result


def assert_table_rows(rows, name, result):
    """The CSV's rows for file `name` are CPython's table, number for number."""
    mine = [row[1:] for row in rows if row[0] == name]
    table = result.info["table"]["rows"]
    assert len(mine) == len(table) > 0
    for got, want in zip(mine, table, strict=True):
        assert [float(v) for v in got] == pytest.approx([float(v) for v in want], abs=0)


@pytest.mark.parametrize(
    "how, output",
    [
        ("drop files", "both"),
        ("drop a folder", "npy"),
        ("choose files", "png"),
        ("choose a folder", "both"),
    ],
)
def test_five_files_one_damaged_give_four_results_one_csv_and_one_message(
    fresh, base_url, tmp_path, how, output
):
    page = open_page(fresh, base_url, STEPS)
    original = page_pixels(page, "document.querySelector('#original')")
    folder = tmp_path / "images"
    (folder / "more").mkdir(parents=True)
    valid = [
        write_png(folder / "grey.png", blobs((64, 80), 1)),
        write_png(folder / "colour.png", blobs((100, 90), 2, colour=True)),
        write_png(folder / "more" / "wide, with a comma.png", blobs((48, 160), 3)),
        write_png(folder / 'tall "quoted".png', blobs((150, 60), 4, colour=True)),
    ]
    broken = damaged_png(folder / "broken.png")
    (folder / ".DS_Store").write_bytes(b"the system's, not an image: skipped")
    choose_output(page, output)
    if how == "drop files":
        drop(page, [*valid[:2], broken, *valid[2:]])
    elif how == "drop a folder":
        drop(page, [folder])
    elif how == "choose a folder":
        page.set_input_files("#batch-folder", str(folder))
    else:
        page.set_input_files("#batch-files", [str(p) for p in [*valid[:2], broken, *valid[2:]]])
    archive = download_zip(page, tmp_path)

    failed = page.locator("#batch-list li[data-state='failed']")
    assert failed.count() == 1
    assert "broken.png" in failed.inner_text()
    assert "damaged or incomplete" in failed.inner_text()
    assert page.locator("#batch-list li[data-state='done']").count() == 4
    assert "4 of 5 files done, 1 failed" in page.inner_text("#batch-status")

    # a folder's files keep their path in it; files chosen or dropped one by one, their name
    name = {
        p: (p.relative_to(tmp_path) if how.endswith("a folder") else p.relative_to(p.parent))
        for p in valid
    }
    extensions = {"both": ["npy", "png"], "png": ["png"], "npy": ["npy"]}[output]
    csv_name = "measurements-step3-label.csv"
    assert sorted(archive.namelist()) == sorted(
        [csv_name, *records(STEPS)]
        + [f"{name[p].with_suffix('')}.{ext}" for p in valid for ext in extensions]
    )
    broken_name = str(broken.relative_to(tmp_path if how.endswith("a folder") else broken.parent))
    assert csv_rows(archive, "failures.csv") == [
        ["file", "error"],
        [broken_name, "“broken.png” is damaged or incomplete: it could not be fully decoded."],
    ]
    assert normalise_steps(json.loads(archive.read("pipeline.json"))) == normalise_steps(STEPS)
    assert archive.read(script_name(STEPS)).decode() == ndlab.dask_script(STEPS)
    rows = csv_rows(archive, csv_name)
    assert rows[0] == ["file", *expected(valid[0], STEPS).info["table"]["columns"]]
    assert {row[0] for row in rows[1:]} == {str(name[p]) for p in valid}
    for path in valid:
        result = assert_results(archive, path, str(name[path].with_suffix("")), output)
        assert_table_rows(rows[1:], str(name[path]), result)

    assert_one_file_at_a_time(page, files=5)
    # the workspace is as it was: its image, and its pipeline still runs
    assert np.array_equal(page_pixels(page, "document.querySelector('#original')"), original)
    assert (
        page.evaluate(
            "async () => (await ndlab.run('sobel', {}, await ndlab.loadSample('coins'))).image.width"
        )
        == 384
    )


def assert_one_file_at_a_time(page, files):
    """The batch's inputs (all but the sample shown, loaded first) reached the worker one at a
    time: each was released before the next arrived, so memory holds one image."""
    held = page.evaluate("window.__held")
    batch = [event for event in held if abs(event) != held[0]]
    loaded = [event for event in batch if event > 0]
    assert batch == [x for i in loaded for x in (i, -i)]
    # the damaged file never reached the worker; the others did, once each
    assert len(set(loaded)) == len(loaded) >= files - 1


@pytest.mark.parametrize("isolation", ["isolated", "plain"])
def test_cancel_mid_batch_keeps_the_finished_results_and_the_page(
    fresh, base_url, plain_url, tmp_path, isolation
):
    """Cancelled inside a file: Python interrupted (isolated), or the busy worker stopped and the
    warm spare taking over (plain)."""
    # a wide median filter makes the 1200×1000 image take seconds: cancel while Python is in it
    steps = [["median_filter", {"size": 15}], ["threshold_otsu", {}], ["label", {}]]
    page = open_page(fresh, base_url if isolation == "isolated" else plain_url, steps)
    if isolation == "plain":
        wait_until(page, "async () => (await ndlab.status()).spare === 'ready'")
    original = page_pixels(page, "document.querySelector('#original')")
    sizes = [(60, 50), (70, 40), (1000, 1200), (50, 50), (40, 60)]
    paths = [write_png(tmp_path / f"{i}.png", blobs(s, i)) for i, s in enumerate(sizes)]
    run_batch(page, paths, "npy")
    wait_for_run_started(page, "1200×1000")
    if isolation == "plain":
        page.keyboard.press("Escape")  # the shortcut, as the button does
    else:
        page.click("#batch-cancel")
    archive = download_zip(page, tmp_path)

    states = page.eval_on_selector_all(
        "#batch-list li", "(items) => items.map((li) => li.dataset.state)"
    )
    assert states == ["done", "done", "cancelled", "cancelled", "cancelled"]
    assert page.inner_text("#batch-status").startswith("Cancelled: 2 of 5 files done")
    csv_name = "measurements-step3-label.csv"
    assert sorted(archive.namelist()) == sorted([csv_name, *records(steps), "0.npy", "1.npy"])
    rows = csv_rows(archive, csv_name)
    assert {row[0] for row in rows[1:]} == {"0.png", "1.png"}
    for path in paths[:2]:
        result = expected(path, steps)
        with archive.open(f"{path.stem}.npy") as f:
            assert np.array_equal(np.load(f), result.data)
        assert_table_rows(rows[1:], path.name, result)

    assert np.array_equal(page_pixels(page, "document.querySelector('#original')"), original)
    # a new batch runs after the cancelled one
    run_batch(page, paths[:1], "png")
    page.locator("#batch-list li[data-state='done']").wait_for()
    assert page.locator("#batch-list li").count() == 1


def test_arrays_run_and_each_bad_file_says_what_is_wrong(fresh, base_url, tmp_path):
    """.npy and .mat arrays run as the page runs them; a file of the wrong type, one too large and
    a refused array fail with the page's own messages, and the others go on."""
    steps = [["gaussian_filter", {"sigma": 1.0}], ["threshold_otsu", {}], ["label", {}]]
    page = open_page(fresh, base_url, steps)
    signal = np.sin(np.linspace(0, 6, 70))[:, None] * np.cos(np.linspace(0, 9, 50))[None, :]
    np.save(tmp_path / "signal.npy", signal)
    # the same name as the .npy: its results get a number
    scipy.io.savemat(tmp_path / "signal.mat", {"field": 3 * signal[:40, :30]})
    (tmp_path / "notes.png").write_bytes(b"just some text, not a picture")
    huge = tmp_path / "huge.png"
    Image.new("L", (20000, 20000), 90).save(huge)
    objects = tmp_path / "objects.npy"
    np.save(objects, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    run_batch(page, sorted(tmp_path.iterdir()), "npy")
    archive = download_zip(page, tmp_path)

    states = page.eval_on_selector_all(
        "#batch-list li",
        "(items) => items.map((li) => [li.querySelector('.batch-name').textContent, li.dataset.state, li.innerText])",
    )
    by_name = {name: (state, text) for name, state, text in states}
    assert by_name["notes.png"][0] == "failed"
    assert "not an image the browser can read" in by_name["notes.png"][1]
    assert by_name["huge.png"][0] == "failed"
    assert "400 megapixels" in by_name["huge.png"][1]
    assert by_name["objects.npy"][0] == "failed"
    assert "object" in by_name["objects.npy"][1].lower()
    assert "2 of 5 files done, 3 failed" in page.inner_text("#batch-status")

    # in the list's order (by name): signal.mat, then signal.npy
    arrays = {"signal.mat": ("signal", 3 * signal[:40, :30]), "signal.npy": ("signal-2", signal)}
    csv_name = "measurements-step3-label.csv"
    assert sorted(archive.namelist()) == sorted(
        [csv_name, *records(steps), "signal.npy", "signal-2.npy"]
    )
    failed = [row[0] for row in csv_rows(archive, "failures.csv")[1:]]
    assert failed == ["huge.png", "notes.png", "objects.npy"]
    rows = csv_rows(archive, csv_name)
    for name, (stem, array) in arrays.items():
        result = ndlab.run_pipeline(array, steps)
        with archive.open(f"{stem}.npy") as f:
            assert np.array_equal(np.load(f), result.data)
        assert_table_rows(rows[1:], name, result)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_finished_batch_has_no_serious_accessibility_violations(
    browser, base_url, tmp_path, scheme
):
    """The open batch panel with a file done and one failed, in both themes (axe checks contrast)."""
    # axe is injected as an inline script, which the page's own CSP rightly forbids
    guarded = Guarded(browser, base_url + "#sample=coins", bypass_csp=True, color_scheme=scheme)
    page = guarded.wait_ready()
    good = write_png(tmp_path / "good.png", blobs((40, 50), 1))
    run_batch(page, [good, damaged_png(tmp_path / "broken.png")], "png")
    page.locator("#batch-download").wait_for(state="visible")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run('#batch')).violations")
    guarded.close()
    serious = [
        f"{v['id']}: {v['help']}" for v in violations if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_one_file_dropped_opens_in_the_workspace_not_as_a_batch(fresh, base_url, tmp_path):
    page = open_page(fresh, base_url, STEPS)
    photo = blobs((90, 120), 7, colour=True)
    drop(page, [write_png(tmp_path / "one.png", photo)])
    page.locator("#original-caption", has_text="one.png · 120×90").wait_for()
    assert np.array_equal(page_pixels(page, "document.querySelector('#original')")[..., :3], photo)
    assert page.locator("#batch-list li").count() == 0
    assert not page.eval_on_selector("#batch", "(d) => d.open")
