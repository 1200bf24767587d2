"""Export for Dask in the page: the script downloaded is ndlab.dask_script's, with its notes."""

import json
from urllib.parse import quote

import ndlab
from ndlab.dask_export import dask_notes

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
    assert page.locator("#dask-notes").is_hidden()  # every step runs in chunks


def test_a_step_that_cannot_run_in_chunks_says_so_in_the_page(fresh, base_url, tmp_path):
    steps = [["median_filter", {"size": 3}], ["fourier_lowpass", {"keep_fraction": 0.2}]]
    page = open_pipeline(fresh, base_url, steps)
    path = export(page, tmp_path)
    assert path.read_text() == ndlab.dask_script(steps)
    note = page.locator("#dask-notes")
    note.wait_for(state="visible")
    (expected,) = dask_notes(steps)
    assert note.text_content() == expected
    assert "Step 2, Fourier low-pass, cannot be computed in chunks exactly" in expected
