"""Pipelines in the page: permalinks, undo, code export, downloads, array import, tables."""

import json
from urllib.parse import quote

import numpy as np

from ndlab import web
from pages import page_pixels

THREE_STEPS = [
    ["gaussian_filter", {"sigma": 1.5}],
    ["rotate", {"angle": 20, "reshape": True}],
    ["threshold_otsu", {}],
]
SETTLED = """() => document.body.dataset.ready === 'true' && document.querySelector('#busy').hidden
  && document.querySelector('#result-caption').textContent !== 'Result'"""


def permalink(base_url, sample, steps):
    return f"{base_url}#sample={sample}&steps={quote(json.dumps(steps))}"


def cpython_chain(rgba, steps):
    for name, params in steps:
        rgba, meta = web.run_rgba(name, np.ascontiguousarray(rgba), json.dumps(params))
        assert "error" not in json.loads(meta), meta
    return rgba


def open_link(guarded, url):
    guarded.page.goto(url)
    guarded.page.wait_for_function(SETTLED, timeout=120_000)
    return guarded.page


def test_permalink_restores_three_step_pipeline(fresh, base_url):
    page = open_link(fresh, permalink(base_url, "coins", THREE_STEPS))
    assert page.locator("#steps li").count() == 3
    original = page_pixels(page, "document.querySelector('#original')")
    shown = page_pixels(page, "document.querySelector('#result')")
    expected = cpython_chain(original, THREE_STEPS)
    assert shown.shape == expected.shape
    assert np.abs(shown.astype(int) - expected.astype(int)).max() <= 1


def test_exported_pipeline_script_runs_in_cpython(fresh, base_url):
    page = open_link(fresh, permalink(base_url, "coffee", THREE_STEPS))
    page.wait_for_function(
        "() => document.querySelector('#code').textContent.includes('import numpy')"
    )
    code = page.locator("#code").inner_text()
    original = page_pixels(page, "document.querySelector('#original')")
    namespace = {
        "image": original[..., :3].copy()
    }  # the photo is opaque: what Pillow's convert("RGB") gives
    exec(code, namespace)
    shown = page_pixels(page, "document.querySelector('#result')")
    result = namespace["result"]
    assert result.shape == shown.shape[:2]
    assert np.abs(result.astype(int) - shown[..., 0].astype(int)).max() <= 1


def test_bad_permalink_gives_message_and_defaults(fresh, base_url):
    page = open_link(fresh, permalink(base_url, "camera", [["exec('x')", {}]]))
    assert "unknown operation" in page.locator("#message").inner_text()
    assert page.locator("#steps li").count() == 1


def test_undo_restores_previous_parameters(fresh, base_url):
    page = open_link(fresh, permalink(base_url, "camera", [["gaussian_filter", {"sigma": 2}]]))
    page.locator("#param-sigma").fill("6")
    page.wait_for_function("() => location.hash.includes('6')")
    page.wait_for_timeout(800)  # edits are grouped into one undo entry
    page.click("#undo")
    page.wait_for_function("() => document.querySelector('#param-sigma').value === '2'")
    assert '"sigma":2' in page.evaluate("decodeURIComponent(location.hash)")


def test_npy_download_is_the_float_result(fresh, base_url, tmp_path):
    page = open_link(fresh, permalink(base_url, "camera", [["gaussian_filter", {"sigma": 2}]]))
    with page.expect_download() as info:
        page.click("#download-npy")
    path = tmp_path / "result.npy"
    info.value.save_as(path)
    array = np.load(path)
    original = page_pixels(page, "document.querySelector('#original')")
    web.run_rgba("gaussian_filter", np.ascontiguousarray(original), json.dumps({"sigma": 2}))
    import io

    expected = np.load(io.BytesIO(web.result_npy()))
    assert array.dtype == np.float64 and array.shape == (512, 512)
    np.testing.assert_allclose(array, expected, atol=1e-9)


def test_png_download_equals_result(fresh, base_url, tmp_path):
    from PIL import Image

    page = open_link(fresh, permalink(base_url, "coins", [["sobel", {}]]))
    with page.expect_download() as info:
        page.click("#download-png")
    path = tmp_path / "result.png"
    info.value.save_as(path)
    saved = np.asarray(Image.open(path).convert("RGBA"))
    assert np.array_equal(saved, page_pixels(page, "document.querySelector('#result')"))


def test_npy_import_shows_array(fresh, base_url, tmp_path):
    page = open_link(fresh, permalink(base_url, "camera", [["gaussian_filter", {"sigma": 1}]]))
    array = np.linspace(-1.0, 1.0, 60 * 80).reshape(60, 80)
    np.save(tmp_path / "ramp.npy", array)
    page.set_input_files("#file-input", str(tmp_path / "ramp.npy"))
    page.locator("#original-caption", has_text="ramp.npy").wait_for()
    shown = page_pixels(page, "document.querySelector('#original')")
    assert shown.shape == (60, 80, 4)
    assert shown[0, 0, 0] == 0 and shown[-1, -1, 0] == 255


def test_object_npy_is_refused(fresh, base_url, tmp_path):
    page = open_link(fresh, permalink(base_url, "camera", [["sobel", {}]]))
    np.save(tmp_path / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    page.set_input_files("#file-input", str(tmp_path / "objects.npy"))
    page.locator("#message").wait_for(state="visible")
    assert "object" in page.locator("#message").inner_text().lower()
    assert "Cameraman" in page.locator("#original-caption").inner_text()


def test_compare_modes_and_inspector(fresh, base_url):
    page = open_link(fresh, permalink(base_url, "camera", [["gaussian_filter", {"sigma": 4}]]))
    result = page_pixels(page, "document.querySelector('#result')")
    page.select_option("#compare-mode", "difference")
    diff = page_pixels(page, "document.querySelector('#result')")
    original = page_pixels(page, "document.querySelector('#original')")
    assert np.array_equal(
        diff[..., 0],
        np.abs(original[..., 0].astype(int) - result[..., 0]).astype(np.uint8),
    )
    page.select_option("#compare-mode", "split")
    split = page_pixels(page, "document.querySelector('#result')")
    assert np.array_equal(split[:, :256], result[:, :256]) and np.array_equal(
        split[:, 256:], original[:, 256:]
    )
    page.locator("#result").hover(position={"x": 10, "y": 10})
    assert page.locator("#inspector").inner_text().startswith("row ")


def test_labelling_table_and_csv_count_the_seed_blobs(fresh, base_url, tmp_path):
    # blobs is the seed's sig scaled to 0-255; grey level 107 is sig = 1, so the mask is sig > 1
    page = open_link(fresh, permalink(base_url, "blobs", [["label", {"threshold": 107}]]))
    table = page.locator("#info table")
    table.wait_for()
    assert table.locator("tbody tr").count() == 8
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    path = tmp_path / "objects.csv"
    info.value.save_as(path)
    lines = path.read_text().strip().splitlines()
    assert len(lines) == 1 + 8
    assert "area" in lines[0]
    # sorting by a column reorders the rows
    page.locator("#info th button", has_text="area").click()
    areas = [float(x) for x in page.locator("#info tbody tr td:nth-child(2)").all_inner_texts()]
    assert areas == sorted(areas)


def test_link_pasted_into_an_open_page_is_applied(fresh, base_url):
    page = open_link(fresh, permalink(base_url, "camera", [["gaussian_filter", {}]]))
    page.evaluate(
        f"() => {{ location.hash = {json.dumps(permalink('', 'coins', [['sobel', {}]]))}; }}"
    )
    page.locator("#result-caption", has_text="Sobel").wait_for(timeout=60_000)
    page.locator("#original-caption", has_text="Greek coins").wait_for()
    assert page.locator("#steps li").count() == 1
    assert "sobel" in page.evaluate("decodeURIComponent(location.hash)")
