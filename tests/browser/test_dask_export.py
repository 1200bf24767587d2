"""Export for Dask in the page: the script downloaded is ndlab.dask_script's, with its notes;
the page's batch and the script agree on every input, file for file."""

import csv
import io
import json
import subprocess
import sys
from urllib.parse import quote

import numpy as np
import pytest
from PIL import Image

import ndlab
from ndlab.dask_export import dask_notes, script_name
from ndlab.pipeline import normalise_steps
from ndlab.samples import random_blobs
from test_batch import choose_output, download_zip

SETTLED = """() => document.body.dataset.ready === 'true' && document.querySelector('#busy').hidden
  && document.querySelector('#result-caption').textContent !== 'Result'"""


def open_pipeline(guarded, base_url, steps):
    guarded.page.goto(f"{base_url}#sample=coins&steps={quote(json.dumps(steps))}")
    guarded.page.wait_for_function(SETTLED)
    return guarded.page


def export(page, tmp_path):
    with page.expect_download() as info:
        page.click("#dask-export")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_the_downloaded_script_is_ndlab_dask_script_of_the_pipeline(fresh, base_url, tmp_path):
    steps = [["gaussian_filter", {"sigma": 1.5}], ["threshold_otsu", {}], ["label", {}]]
    page = open_pipeline(fresh, base_url, steps)
    path = export(page, tmp_path)
    assert path.name == "ndlab-gaussian_filter-threshold_otsu-label-dask.py"
    assert path.read_text() == ndlab.dask_script(steps)
    # what was downloaded and how to run it; no more: every step runs in chunks
    assert page.locator("#dask-notes").text_content() == (
        f"Downloaded {path.name}: run it with python {path.name} FOLDER --out RESULTS "
        "(its first lines say what to install)."
    )


def test_a_step_that_cannot_run_in_chunks_says_so_in_the_page(fresh, base_url, tmp_path):
    steps = [["median_filter", {"size": 3}], ["fourier_lowpass", {"keep_fraction": 0.2}]]
    page = open_pipeline(fresh, base_url, steps)
    path = export(page, tmp_path)
    assert path.read_text() == ndlab.dask_script(steps)
    note = page.locator("#dask-notes")
    note.wait_for(state="visible")
    (expected,) = dask_notes(steps)
    assert note.text_content().endswith(f"(its first lines say what to install). {expected}")
    assert "Step 2, Fourier low-pass, cannot be computed in chunks exactly" in expected


def test_the_usage_names_the_file_the_page_downloads(fresh, base_url, tmp_path):
    steps = [["median_filter", {"size": 3}], ["threshold_otsu", {}]]
    path = export(open_pipeline(fresh, base_url, steps), tmp_path)
    assert path.name == script_name(steps)
    assert f"    python {path.name} INPUT... --out DIR" in path.read_text()


def inputs_of_every_kind(folder):
    """A folder of the files whose decoding a browser does its own way, a damaged one, one that
    is no image and an array the page refuses; with objects brighter than 100 to label."""
    folder.mkdir()
    rng = np.random.default_rng(3)
    blobs = [random_blobs((70, 90), seed) for seed in range(4)]
    colour = np.dstack(blobs[:3])
    deep = blobs[0].astype(np.uint16) * 257 + rng.integers(0, 257, blobs[0].shape, dtype=np.uint16)
    Image.fromarray(deep).save(folder / "grey16.png")
    Image.fromarray(blobs[1]).save(folder / "grey8.png")
    alpha = np.arange(70 * 90).reshape(70, 90) % 256  # every level, 0 and 255 among them
    rgba = np.dstack([colour, alpha]).astype(np.uint8)
    Image.fromarray(rgba).save(folder / "rgba.png")
    Image.fromarray(rgba).save(folder / "rgba-lossless.webp", lossless=True)
    Image.fromarray(colour).quantize(8).save(folder / "palette.png", transparency=0)
    Image.fromarray(colour).save(folder / "lossy.webp", quality=80)
    turned = Image.fromarray(colour)
    exif = turned.getexif()
    exif[0x0112] = 6
    turned.save(folder / "turned.jpg", exif=exif, quality=90)
    np.savez(folder / "arrays.npz", first=np.arange(3.0), image=blobs[3] * 0.5)
    whole = (folder / "grey8.png").read_bytes()
    (folder / "broken.png").write_bytes(whole[: len(whole) // 2])
    (folder / "notes.png").write_bytes(b"just some text, not a picture")
    np.save(folder / "objects.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    return folder


def read_csv(text):
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    "steps",
    [
        [["gaussian_filter", {"sigma": 1.0}]],
        [["gaussian_filter", {"sigma": 1.0}], ["label", {"threshold": 100, "connectivity": 1}]],
    ],
    ids=["blur", "blur-label"],
)
def test_the_batch_and_the_dask_script_agree_on_every_input(fresh, base_url, tmp_path, steps):
    """A folder through the page's batch and through the exported script: the same arrays (the
    script reads each file as the page does: 16-bit, transparency, palette, orientation, WebP,
    arrays), the same files listed as failed, the same tables, pipeline and script."""
    folder = inputs_of_every_kind(tmp_path / "inputs")
    page = open_pipeline(fresh, base_url, steps)
    choose_output(page, "npy")
    page.set_input_files("#batch-folder", str(folder))
    archive = download_zip(page, tmp_path)
    zipped = {name: archive.read(name) for name in archive.namelist()}
    out = tmp_path / "out"
    script = tmp_path / script_name(steps)
    script.write_text(ndlab.dask_script(steps))
    command = [sys.executable, str(script), str(folder), "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stderr  # files failed; failures.csv, written last, below
    written = {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in out.rglob("*")
        if path.is_file()
    }

    assert sorted(zipped) == sorted(written)
    assert zipped[script.name] == written[script.name] == script.read_bytes()
    steps_run = [json.loads(zipped["pipeline.json"]), json.loads(written["pipeline.json"])]
    assert [normalise_steps(listed) for listed in steps_run] == [normalise_steps(steps)] * 2
    arrays = sorted(name for name in zipped if name.endswith(".npy"))
    assert len(arrays) == 8
    for name in arrays:
        page_array, script_array = (np.load(io.BytesIO(files[name])) for files in (zipped, written))
        assert page_array.shape == script_array.shape and page_array.dtype == script_array.dtype
        if steps[-1][0] == "label":  # numbered in another order
            pairs = np.unique(page_array.astype(np.int64) * 2**20 + script_array)
            assert len(pairs) == len(np.unique(page_array)) == len(np.unique(script_array))
        else:
            np.testing.assert_allclose(script_array, page_array, rtol=0, atol=1e-9, err_msg=name)

    page_failures, script_failures = (
        read_csv(files["failures.csv"].decode()) for files in (zipped, written)
    )
    assert page_failures[0] == script_failures[0] == ["file", "error"]
    assert [row[0] for row in page_failures] == [row[0] for row in script_failures]
    assert [row[0] for row in page_failures[1:]] == [
        "inputs/broken.png",
        "inputs/notes.png",
        "inputs/objects.npy",
    ]
    page_errors, script_errors = dict(page_failures[1:]), dict(script_failures[1:])
    for name in ("inputs/broken.png", "inputs/objects.npy"):
        assert page_errors[name] == script_errors[name]
    for tables in [name for name in zipped if name.startswith("measurements-")]:
        page_rows, script_rows = (read_csv(files[tables].decode()) for files in (zipped, written))
        assert page_rows[0] == script_rows[0] == ["file", "label", *page_rows[0][2:]]
        # the same objects, the same numbers, written alike (220, not 220.0); labels aside
        assert sorted(r[:1] + r[2:] for r in page_rows) == sorted(
            r[:1] + r[2:] for r in script_rows
        )
        assert len(page_rows) > 10
