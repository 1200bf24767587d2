"""Pipelines in the page: permalinks, undo, code export, downloads, array import, tables."""

import json
from urllib.parse import quote

import numpy as np
from scipy import ndimage

import ndlab
from ndlab.bridge.errors import HINTS
from ndlab.reading import canonical
from pages import cpython_pipeline, page_pixels

THREE_STEPS = [
    ["gaussian_filter", {"sigma": 1.5}],
    ["rotate", {"angle": 20, "reshape": True}],
    ["threshold_otsu", {}],
]
SETTLED = """() => document.body.dataset.ready === 'true' && document.querySelector('#busy').hidden
  && document.querySelector('#result-caption').textContent !== 'Result'"""


def permalink(base_url, sample, steps):
    return f"{base_url}#sample={sample}&steps={quote(json.dumps(steps))}"


def open_link(guarded, url):
    guarded.page.goto(url)
    guarded.page.wait_for_function(SETTLED)
    return guarded.page


def test_permalink_restores_three_step_pipeline(fresh, base_url):
    page = open_link(fresh, permalink(base_url, "coins", THREE_STEPS))
    assert page.locator("#steps li").count() == 3
    original = page_pixels(page, "document.querySelector('#original')")
    shown = page_pixels(page, "document.querySelector('#result')")
    expected = cpython_pipeline(original, THREE_STEPS)
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
    # edits are grouped into one undo entry, recorded once they pause
    page.wait_for_function("() => !document.querySelector('#undo').disabled")
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
    expected = ndlab.run("gaussian_filter", canonical(original), sigma=2).data
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


def test_an_array_with_nan_is_refused_with_pythons_hint(fresh, base_url, tmp_path):
    page = open_link(fresh, permalink(base_url, "camera", [["sobel", {}]]))
    array = np.ones((40, 50))
    array[3, 4] = np.nan
    np.save(tmp_path / "holes.npy", array)
    page.set_input_files("#file-input", str(tmp_path / "holes.npy"))
    page.locator("#message").wait_for(state="visible")
    text = page.locator("#message").inner_text()
    assert "holes.npy" in text and "finite" in text and HINTS["finiteArray"] in text
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
    page.locator("#result-caption", has_text="Sobel").wait_for()
    page.locator("#original-caption", has_text="Greek coins").wait_for()
    assert page.locator("#steps li").count() == 1
    assert "sobel" in page.evaluate("decodeURIComponent(location.hash)")


def chapter_signal():
    """The chapter's ``sig`` (scipy.ndimage measurements), built as the chapter builds it."""
    x, y = np.indices((100, 100))
    return np.sin(2 * np.pi * x / 50.0) * np.sin(2 * np.pi * y / 50.0) * (1 + x * y / 50.0**2) ** 2


def test_a_float_array_is_measured_in_its_own_values(fresh, base_url, tmp_path):
    steps = [["threshold_global", {"threshold": 1}], ["label", {}]]
    page = open_link(fresh, permalink(base_url, "camera", steps))
    np.save(tmp_path / "sig.npy", chapter_signal())
    page.set_input_files("#file-input", str(tmp_path / "sig.npy"))
    page.locator("#original-caption", has_text="sig.npy").wait_for()
    page.locator("#result-caption", has_text="100×100").wait_for()
    page.locator("#steps li button.step").last.click()
    rows = page.locator("#info tbody tr")
    rows.first.wait_for()
    areas = [int(x) for x in page.locator("#info tbody tr td:nth-child(2)").all_inner_texts()]
    maxima = [float(x) for x in page.locator("#info tbody tr td:nth-child(4)").all_inner_texts()]
    # the chapter's numbers, computed here with SciPy alone
    sig = chapter_signal()
    labels, count = ndimage.label(sig > 1)
    index = np.arange(1, count + 1)
    assert areas == [190, 45, 424, 278, 459, 190, 549, 424]
    assert areas == ndimage.sum(sig > 1, labels, index).astype(int).tolist()
    np.testing.assert_allclose(maxima, ndimage.maximum(sig, labels, index), atol=5e-4)  # 3 decimals
    # the code shown loads the array and reproduces the labels
    code = page.locator("#code").inner_text()
    assert 'image = np.load("sig.npy")' in code
    namespace = {"image": sig}
    exec(code, namespace)
    np.testing.assert_array_equal(namespace["labels"], labels)


COUNT_JOBS = """() => {
  window.__jobs = [];
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message && typeof message.id === 'number') window.__jobs.push(message.type);
    return post.call(this, message, ...rest);
  };
}"""


def test_editing_the_last_of_four_steps_reruns_only_it_and_code_needs_no_python(fresh, base_url):
    fresh.page.add_init_script(f"({COUNT_JOBS})()")
    steps = [
        ["gaussian_filter", {"sigma": 2}],
        ["rgb_to_grey", {}],
        ["threshold_otsu", {}],
        ["binary_opening", {"radius": 1}],
    ]
    page = open_link(fresh, permalink(base_url, "chelsea", steps))
    timings = page.evaluate(
        """async () => {
          const c = document.createElement('canvas'); c.width = 1024; c.height = 768;
          c.getContext('2d').drawImage(await createImageBitmap(await ndlab.loadSample('chelsea')), 0, 0, 1024, 768);
          const photo = c.getContext('2d').getImageData(0, 0, 1024, 768);
          const steps = [
            {name: 'gaussian_filter', params: {sigma: 2}}, {name: 'rgb_to_grey'},
            {name: 'threshold_otsu'}, {name: 'binary_opening', params: {radius: 1}}];
          const first = await ndlab.runPipeline(steps, photo);
          steps[3].params.radius = 2;
          const second = await ndlab.runPipeline(steps, photo);
          return [first.timings.steps.map(s => s.reused), second.timings.steps.map(s => s.reused)];
        }"""
    )
    assert timings == [[False] * 4, [True, True, True, False]]
    # in the page: the slider of the last step moves; the code shown comes with the result
    page.locator("#steps li button.step").last.click()
    before = page.evaluate("() => window.__jobs.length")
    page.locator("#param-radius").fill("3")
    page.locator("#result-caption", has_text="Binary opening").wait_for()
    page.wait_for_function("() => document.querySelector('#busy').hidden")
    page.wait_for_function("() => document.querySelector('#code').textContent.includes('radius=3')")
    jobs = page.evaluate("() => window.__jobs").__getitem__(slice(before, None))
    assert jobs == ["pipeline"], jobs  # one run; no second call for the code
    page.locator("#steps li button.step").first.click()
    page.locator("#param-sigma").wait_for()
    assert page.evaluate("() => window.__jobs.length") == before + 1  # showing a step asks nothing
    code = page.locator("#code").inner_text()
    assert "blurred = np.stack([gaussian_filter(" in code
    assert "mask, info = threshold_otsu(grey)" in code
    assert "opened = binary_opening(mask, " in code


# The messages between the page and its worker while a new image's first run goes: the page's
# requests by type, the worker's answers by the id they answer.
FIRST_RUN = """async () => {
  const log = [];
  const post = Worker.prototype.postMessage;
  const watched = new WeakSet();
  Worker.prototype.postMessage = function (message, ...rest) {
    if (!watched.has(this)) {
      watched.add(this);
      this.addEventListener("message", (e) => log.push(["answer", e.data.id]));
    }
    log.push(["request", message.type, message.id]);
    return post.call(this, message, ...rest);
  };
  const image = new ImageData(64, 48);
  image.data.fill(200);
  try {
    await ndlab.runPipeline([{ name: "gaussian_filter", params: { sigma: 2 } }], image);
  } finally {
    Worker.prototype.postMessage = post;
  }
  return log;
}"""


def test_a_new_images_first_run_is_one_round_trip(app):
    """The page chooses the image's id, so the run is sent with its pixels, not after the
    worker has answered for them."""
    log = app.page.evaluate(FIRST_RUN)
    # (jobs have ids; the client's control messages, such as its crash probe, do not)
    requests = [entry for entry in log if entry[0] == "request" and entry[2] is not None]
    assert [r[1] for r in requests] == ["load", "pipeline"], log
    run_id = requests[1][2]
    answers = [entry[1] for entry in log if entry[0] == "answer" and entry[1] is not None]
    assert log.index(requests[1]) < log.index(["answer", requests[0][2]]), log
    assert answers[-1] == run_id
