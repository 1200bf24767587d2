"""The exported Dask script, run as a scientist runs it: a subprocess on a Dask cluster.

It runs over a folder of six images on a LocalCluster of two workers that the test starts
(``--scheduler``), and over one 8000×8000 image in 1024×1024 chunks on the LocalCluster it
starts itself, for pipelines of a filter, Otsu's threshold (global: from the histogram of every
chunk) and labelling with measurements. Its arrays equal ``ndlab.run_pipeline``'s on each whole
image (labels up to their numbering), and so do its tables, read back from its CSV. Every kind
of file the page opens is read as the page reads it (the pixels a browser decodes: their
reference is written here from each file's known values; tests/browser/test_dask_export.py
compares them with the page's own); unreadable files are skipped and listed.
"""

import csv
import io
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import scipy.io
from dask.distributed import LocalCluster
from PIL import Image

import ndlab
from cases import call_job
from dask_cases import label_mapping, mapped_rows, script_namespace
from ndlab.bridge import jobs
from ndlab.dask_export import INSTALL, script_name
from ndlab.pipeline import normalise_steps
from ndlab.samples import random_blobs

# How long one run of the script may take on a busy 2-core machine (the 8000×8000 image's the
# longest): a limit for a hung script, not a measure of speed.
SCRIPT_TIMEOUT_S = 600
BLUR_OTSU_LABEL = [("gaussian_filter", {"sigma": 2.0}), ("threshold_otsu", {}), ("label", {})]
MEDIAN_OTSU_OPEN_LABEL = [
    ("median_filter", {"size": 5}),
    ("threshold_otsu", {}),
    ("binary_opening", {"radius": 2}),
    ("label", {"connectivity": 2}),
]


def run_script(steps, inputs, out, *options, status=0):
    """Write the script of `steps` beside `out`, as the page names it, and run it.

    Returns what it printed; asserts it exited with `status` (1 when files failed, and when it
    crashed: tests then check the records it writes at its end).
    """
    script = out.parent / script_name(steps)
    script.write_text(ndlab.dask_script(steps))
    command = [sys.executable, str(script), *map(str, inputs), "--out", str(out), *options]
    done = subprocess.run(
        command, capture_output=True, text=True, cwd=out.parent, timeout=SCRIPT_TIMEOUT_S
    )
    assert done.returncode == status, done.stderr
    return done.stdout


def tables(out, steps):
    """The last step's table as {file name: rows without the file column}."""
    name = f"measurements-step{len(steps)}-{steps[-1][0]}.csv"
    with open(out / name, newline="") as file:
        reader = csv.reader(file)
        header = next(reader)
        found = {}
        for name, *row in reader:
            found.setdefault(name, []).append([float(cell) for cell in row])
    assert header[0] == "file"
    return found


def assert_same_as_ndlab(image, steps, out, name, measured):
    """The script's labels and table for input `name` equal ndlab's on the whole image."""
    whole = ndlab.run_pipeline(image, steps)
    labels = np.load(out / f"{name.rpartition('.')[0]}.npy")
    assert labels.dtype == whole.data.dtype
    mapping = label_mapping(labels, whole.data)
    assert len(mapping) - 1 == whole.info["objects"] >= 5  # and the background, 0
    rows = [[mapping[int(row[0])], *row[1:]] for row in measured[name]]
    assert sorted(rows) == mapped_rows(whole.info["table"], {n: n for n in mapping.values()})


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Six images, three grey and three in colour, of different sizes."""
    folder = tmp_path_factory.mktemp("images")
    for number in range(6):
        shape = (300 + 40 * number, 420 - 30 * number)
        if number % 2:
            planes = [random_blobs(shape, 10 * number + c) for c in range(3)]
            picture = Image.fromarray(np.dstack(planes), "RGB")
        else:
            picture = Image.fromarray(random_blobs(shape, 10 * number), "L")
        picture.save(folder / f"image_{number}.png")
    return folder


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of two workers, for the script's --scheduler."""
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster:
        yield cluster


@pytest.mark.parametrize("steps", [BLUR_OTSU_LABEL, MEDIAN_OTSU_OPEN_LABEL])
def test_a_folder_of_six_images_on_a_cluster_equals_ndlab(steps, folder, cluster, tmp_path):
    out = tmp_path / "out"
    printed = run_script(
        steps, [folder], out, "--scheduler", cluster.scheduler_address, "--chunk", "256"
    )
    assert f"Dask scheduler {cluster.scheduler_address}, 2 workers" in printed
    measured = tables(out, steps)
    # a folder's files are named by their path from its parent, as the page's batch names them
    assert sorted(measured) == [f"{folder.name}/image_{number}.png" for number in range(6)]
    for name in measured:
        image = np.asarray(Image.open(folder.parent / name))
        assert_same_as_ndlab(image, steps, out, name, measured)


def test_one_8000_by_8000_image_in_1024_chunks_equals_ndlab(tmp_path):
    # blobs about 50 pixels across: thousands of objects, many across chunk borders
    image = random_blobs((1000, 1000), seed=7, scale=3, zoom=8)
    assert image.shape == (8000, 8000)
    np.save(tmp_path / "large.npy", image)
    out = tmp_path / "out"
    printed = run_script(BLUR_OTSU_LABEL, [tmp_path / "large.npy"], out, "--chunk", "1024")
    assert "workers" in printed and "large.npy, Otsu threshold: {'threshold':" in printed
    assert "large.npy: done · 8000×8000 int32 · " in printed  # width×height, as the page says
    assert_same_as_ndlab(image, BLUR_OTSU_LABEL, out, "large.npy", tables(out, BLUR_OTSU_LABEL))


def test_a_missing_input_is_named_and_nothing_runs(tmp_path):
    script = tmp_path / script_name(BLUR_OTSU_LABEL)
    script.write_text(ndlab.dask_script(BLUR_OTSU_LABEL))
    command = [sys.executable, str(script), str(tmp_path / "nowhere.png"), "--out", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=SCRIPT_TIMEOUT_S)
    assert done.returncode != 0
    assert done.stderr.strip().endswith("nowhere.png: no such file or folder")


def test_the_script_needs_no_ndlab_and_says_which_step_runs_whole():
    script = ndlab.dask_script([("gaussian_filter", {}), ("fourier_lowpass", {}), ("label", {})])
    assert "import ndlab" not in script and "from ndlab" not in script
    assert "Step 2, Fourier low-pass, cannot be computed in chunks exactly" in script
    assert "filtered = each_channel(partial(gathered, fourier_lowpass" in script


def test_the_worker_call_gives_the_script_and_the_notes_or_names_a_bad_step():
    steps = [{"name": "median_filter", "params": {}}, {"name": "zoom", "params": {"factor": 2}}]
    answer, _ = call_job("dask_script", steps=steps)
    assert answer["script"] == ndlab.dask_script(steps)
    assert [note.split(",")[:2] for note in answer["notes"]] == [["Step 2", " Zoom"]]
    with pytest.raises(ValueError, match="step 2: sigma must be between 0 and 20, got 99"):
        jobs.dask_script(
            {"steps": [steps[0], {"name": "gaussian_filter", "params": {"sigma": 99}}]}
        )


def png_bytes(array, mode=None, **options):
    buffer = io.BytesIO()
    Image.fromarray(array, mode).save(buffer, format="PNG", **options)
    return buffer.getvalue()


def every_kind_of_file(folder):
    """Write a file of each kind the page opens; return {name: the array the page runs on}.

    Each reference is written from the file's own values by the browser's rules (measured in
    Chromium on every value: tests/browser/test_dask_export.py), not by ndlab's reader.
    """
    rng = np.random.default_rng(5)
    grey = random_blobs((40, 56), 1)
    colour = np.dstack([random_blobs((40, 56), seed) for seed in (2, 3, 4)])
    files = {}
    (folder / "grey8.png").write_bytes(png_bytes(grey))
    files["grey8.png"] = grey
    deep = rng.integers(0, 65536, (40, 56), dtype=np.uint16)
    Image.fromarray(deep).save(folder / "grey16.png")
    files["grey16.png"] = (deep >> 8).astype(np.uint8)  # a browser keeps the high byte
    (folder / "rgb.png").write_bytes(png_bytes(colour))
    files["rgb.png"] = colour
    (folder / "grey-as-rgb.png").write_bytes(png_bytes(np.dstack([grey] * 3)))
    files["grey-as-rgb.png"] = grey
    opaque = np.dstack([colour, np.full(grey.shape, 255, np.uint8)])
    (folder / "rgba-opaque.png").write_bytes(png_bytes(opaque))
    files["rgba-opaque.png"] = colour
    # alpha 0 or 255 only: kept exactly (partial alpha moves colours by a level; the browser
    # test compares those with the page's)
    clear = opaque.copy()
    clear[::3, :, 3] = 0
    (folder / "rgba-transparent.png").write_bytes(png_bytes(clear))
    files["rgba-transparent.png"] = np.where(clear[..., 3:] == 0, 0, clear)  # transparent: black
    palette = Image.fromarray(colour).quantize(8)
    palette.save(folder / "palette.png", transparency=0)  # colour 0 transparent: black
    clear = np.asarray(palette)[..., None] == 0
    rgba = np.dstack([palette.convert("RGB"), np.where(clear, 0, 255).astype(np.uint8)])
    files["palette.png"] = np.where(clear, np.uint8(0), rgba)
    for name, options in {"photo.jpg": {"quality": 90}, "lossy.webp": {"quality": 80}}.items():
        Image.fromarray(colour).save(folder / name, **options)
        files[name] = np.asarray(Image.open(folder / name).convert("RGB"))
    turned = Image.fromarray(colour)
    exif = turned.getexif()
    exif[0x0112] = 6  # shown turned a quarter clockwise
    turned.save(folder / "turned.jpg", exif=exif, quality=95)
    files["turned.jpg"] = np.rot90(np.asarray(Image.open(folder / "turned.jpg")), -1)
    values = rng.uniform(-3, 3, (40, 56, 1))
    np.save(folder / "values.npy", values)
    files["values.npy"] = values[..., 0]
    np.savez(folder / "arrays.npz", first=np.arange(5.0), image=colour.astype(np.float32))
    files["arrays.npz"] = colour.astype(np.float32)  # the first 2-D or 3-D array
    scipy.io.savemat(folder / "field.mat", {"field": grey.astype(np.int16)})
    files["field.mat"] = grey.astype(np.int16)
    return files


def test_every_kind_of_file_the_page_opens_is_read_as_the_page_reads_it(tmp_path):
    folder = tmp_path / "inputs"
    folder.mkdir()
    files = every_kind_of_file(folder)
    steps = [("gaussian_filter", {"sigma": 1.0})]
    load = script_namespace(steps)["load"]
    for name, expected in files.items():
        array = load(folder / name)
        assert array.dtype == expected.dtype, name
        np.testing.assert_array_equal(array, expected, err_msg=name)
    out = tmp_path / "out"
    printed = run_script(steps, [folder], out)
    assert f"{len(files)} of {len(files)} files done" in printed
    for name, expected in files.items():
        stem = name.rpartition(".")[0]
        computed = np.load(out / folder.name / f"{stem}.npy")
        np.testing.assert_allclose(computed, ndlab.run_pipeline(expected, steps).data, atol=1e-9)
    assert "inputs/rgb.png: done · 56×40 RGB float64" in printed  # width×height, as the page


def test_unreadable_files_are_skipped_and_listed_and_the_others_run(tmp_path):
    folder = tmp_path / "images"
    (folder / ".git").mkdir(parents=True)
    (folder / "a.png").write_bytes(png_bytes(random_blobs((260, 200), 1)))
    (folder / "b.png").write_bytes(png_bytes(random_blobs((200, 280), 2)))
    whole = png_bytes(random_blobs((90, 70), 9))
    (folder / "broken.png").write_bytes(whole[: len(whole) // 2])
    (folder / "notes.png").write_bytes(b"just some text, not a picture")
    np.save(folder / "objects.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    np.save(folder / "gaps.npy", np.full((20, 20), np.nan))
    (folder / ".DS_Store").write_bytes(b"the system's")
    (folder / ".git" / "config").write_text("[core]")
    out = tmp_path / "out"
    printed = run_script(BLUR_OTSU_LABEL, [folder], out, status=1)
    assert "2 of 6 files done, 4 failed" in printed

    with open(out / "failures.csv", newline="") as file:
        failures = dict(list(csv.reader(file))[1:])
    assert failures == {
        "images/broken.png": (
            "“broken.png” is damaged or incomplete: it could not be fully decoded."
        ),
        "images/gaps.npy": (
            "gaps.npy: image contains NaN or infinite values; operations need finite numbers"
        ),
        "images/notes.png": "“notes.png” is not an image Pillow can read.",
        "images/objects.npy": (
            "objects.npy holds Python objects (dtype object), which are not loaded for safety; "
            "save a numeric array instead"
        ),
    }
    measured = tables(out, BLUR_OTSU_LABEL)
    assert sorted(measured) == ["images/a.png", "images/b.png"]
    for name in measured:
        image = np.asarray(Image.open(folder.parent / name))
        assert_same_as_ndlab(image, BLUR_OTSU_LABEL, out, name, measured)
    listed = json.loads((out / "pipeline.json").read_text())
    assert listed == [{"name": n, "params": p} for n, p in _normalised(BLUR_OTSU_LABEL)]
    name = script_name(BLUR_OTSU_LABEL)
    assert (out / name).read_text() == ndlab.dask_script(BLUR_OTSU_LABEL)


def _normalised(steps):
    return [(operation.name, params) for operation, params in normalise_steps(steps)]


def test_the_usage_names_the_file_as_the_page_downloads_it_with_the_install_line():
    script = ndlab.dask_script(BLUR_OTSU_LABEL)
    name = script_name(BLUR_OTSU_LABEL)
    assert name == "ndlab-gaussian_filter-threshold_otsu-label-dask.py"
    assert f"\n    {INSTALL}\n    python {name} INPUT... --out DIR" in script


def test_a_missing_library_is_named_with_what_to_install(tmp_path):
    # a dask_image that is not there, ahead of the installed one
    (tmp_path / "dask_image").mkdir()
    (tmp_path / "dask_image" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'dask_image'\", name='dask_image')"
    )
    script = tmp_path / script_name(BLUR_OTSU_LABEL)
    script.write_text(ndlab.dask_script(BLUR_OTSU_LABEL))
    command = [sys.executable, str(script), "--help"]
    environment = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=SCRIPT_TIMEOUT_S, env=environment
    )
    assert done.returncode == 1
    assert done.stderr == (
        "This script needs dask_image, which is not installed here. Install what it needs with:\n"
        f"    {INSTALL}\n"
    )
