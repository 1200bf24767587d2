"""The exported Dask script, run as a scientist runs it: a subprocess on a Dask cluster.

It runs over a folder of six images on a LocalCluster of two workers that the test starts
(``--scheduler``), and over one 8000×8000 image in 1024×1024 chunks on the LocalCluster it
starts itself, for pipelines of a filter, Otsu's threshold (global: from the histogram of every
chunk) and labelling with measurements. Its arrays equal ``ndlab.run_pipeline``'s on each whole
image (labels up to their numbering), and so do its tables, read back from measurements.csv.
"""

import csv
import subprocess
import sys

import numpy as np
import pytest
from dask.distributed import LocalCluster
from PIL import Image

import ndlab
from cases import call_job
from dask_cases import label_mapping, mapped_rows
from ndlab.bridge import jobs
from ndlab.samples import random_blobs

BLUR_OTSU_LABEL = [("gaussian_filter", {"sigma": 2.0}), ("threshold_otsu", {}), ("label", {})]
MEDIAN_OTSU_OPEN_LABEL = [
    ("median_filter", {"size": 5}),
    ("threshold_otsu", {}),
    ("binary_opening", {"radius": 2}),
    ("label", {"connectivity": 2}),
]


def run_script(steps, inputs, out, *options):
    """Write the script of `steps` beside `out` and run it; return what it printed."""
    script = out.parent / "pipeline_dask.py"
    script.write_text(ndlab.dask_script(steps))
    command = [sys.executable, str(script), *map(str, inputs), "--out", str(out), *options]
    done = subprocess.run(command, capture_output=True, text=True, cwd=out.parent, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout


def tables(out):
    """measurements.csv as {input name: rows without the input and step columns}."""
    with open(out / "measurements.csv", newline="") as file:
        reader = csv.reader(file)
        header = next(reader)
        found = {}
        for name, _, *row in reader:
            found.setdefault(name, []).append([float(cell) for cell in row])
    assert header[:2] == ["input", "step"]
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
    measured = tables(out)
    assert sorted(measured) == [f"image_{number}.png" for number in range(6)]
    for name in measured:
        image = np.asarray(Image.open(folder / name))
        assert_same_as_ndlab(image, steps, out, name, measured)


def test_one_8000_by_8000_image_in_1024_chunks_equals_ndlab(tmp_path):
    # blobs about 50 pixels across: thousands of objects, many across chunk borders
    image = random_blobs((1000, 1000), seed=7, scale=3, zoom=8)
    assert image.shape == (8000, 8000)
    np.save(tmp_path / "large.npy", image)
    out = tmp_path / "out"
    printed = run_script(BLUR_OTSU_LABEL, [tmp_path / "large.npy"], out, "--chunk", "1024")
    assert "workers" in printed and "large.npy, Otsu threshold: {'threshold':" in printed
    assert_same_as_ndlab(image, BLUR_OTSU_LABEL, out, "large.npy", tables(out))


def test_a_missing_input_is_named_and_nothing_runs(tmp_path):
    script = tmp_path / "pipeline_dask.py"
    script.write_text(ndlab.dask_script(BLUR_OTSU_LABEL))
    command = [sys.executable, str(script), str(tmp_path / "nowhere.png"), "--out", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
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
