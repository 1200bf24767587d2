"""The page in headless Chromium: Python starts, operations give CPython's pixels, errors are clear."""

import numpy as np
import pytest

import ndlab
from ndlab.bridge.pixels import to_rgba
from ndlab.draft import shrink
from ndlab.reading import canonical
from pages import Guarded, cpython_pipeline, ink, page_pixels, untwinned, wait_for_ink

OPS = [op["name"] for op in ndlab.catalog()["operations"]]
FIRST_OPS = [
    "gaussian_filter",
    "median_filter",
    "sobel",
    "rotate",
    "threshold_otsu",
    "binary_opening",
]


def cpython(name, rgba, params):
    """What ndlab computes in plain CPython for the same pixels."""
    return cpython_pipeline(rgba, [(name, params)])


def assert_close(page_rgba, cpython_rgba):
    assert page_rgba.shape == cpython_rgba.shape
    diff = np.abs(page_rgba.astype(int) - cpython_rgba.astype(int))
    assert diff.max() <= 1, f"max difference {diff.max()} grey levels"


def test_first_operations_are_in_the_catalogue():
    assert set(FIRST_OPS) <= set(OPS)


def test_python_ready_and_catalogue_served(app):
    ops = app.page.evaluate("async () => (await ndlab.ops()).map(op => op.name)")
    assert ops == OPS
    assert app.page.locator("#runtime-text").inner_text().startswith("Python ready")


@pytest.mark.parametrize("sample", ["camera", "coffee"])
@pytest.mark.parametrize("name", OPS)
def test_api_run_equals_cpython(app, name, sample):
    page = app.page
    rgba = page_pixels(page, f"ndlab.loadSample('{sample}')")
    result = page.evaluate(
        f"""async () => {{
          const r = await ndlab.run('{name}', {{}}, await ndlab.loadSample('{sample}'));
          window.__last = r;
          return {{code: r.code, timings: r.timings, output: r.output}};
        }}"""
    )
    got = page_pixels(page, "window.__last.image")
    assert_close(got, cpython(name, rgba, {}))
    assert "import numpy as np" in result["code"]
    assert result["timings"]["compute_ms"] >= 0


@pytest.mark.parametrize(
    "name, params",
    [
        ("gaussian_filter", {"sigma": 3.5}),
        ("rotate", {"angle": 30, "reshape": True}),
        ("binary_opening", {"iterations": 3}),
    ],
)
def test_ui_run_equals_cpython(app, name, params):
    page = app.page
    page.select_option("#sample-select", "coins")
    page.locator("#original-caption", has_text="Greek coins").wait_for()
    page.click(f"#op-list button[data-op='{name}']")
    for key, value in params.items():
        control = page.locator(f"#param-{key}")
        if isinstance(value, bool):
            control.set_checked(value)
        else:
            control.fill(str(value))
    page.click("#run")
    page.wait_for_function(
        """() => document.querySelector('#result-caption').textContent.startsWith(
              document.querySelector('#op-title').textContent) && document.querySelector('#busy').hidden"""
    )
    original = page_pixels(page, "document.querySelector('#original')")
    shown = page_pixels(page, "document.querySelector('#result')")
    assert_close(shown, cpython(name, original, params))
    assert f"{name}(" in page.locator("#code").inner_text()


def test_invalid_parameter_shows_message_then_next_run_works(app):
    page = app.page
    page.click("#op-list button[data-op='gaussian_filter']")
    page.locator("#param-sigma").fill("-5")
    page.click("#run")
    message = page.locator("#message")
    message.wait_for(state="visible")
    assert "sigma" in message.inner_text()
    page.click("#op-list button[data-op='sobel']")
    message.wait_for(state="hidden")
    assert (
        page.locator("#result-caption").inner_text().startswith("Sobel")
        or "sobel" in page.locator("#code").inner_text()
    )


def test_api_rejects_invalid_parameter_with_structured_error(app):
    error = app.page.evaluate(
        """async () => {
          try { await ndlab.run('median_filter', {size: 'big'}, await ndlab.loadSample('camera')); }
          catch (e) { return {name: e.name, type: e.type, message: e.message, hint: e.hint}; }
        }"""
    )
    assert error["type"] == "ValueError" and "size" in error["message"] and error["hint"]
    ok = app.page.evaluate(
        "async () => (await ndlab.run('sobel', {}, await ndlab.loadSample('camera'))).image.width"
    )
    assert ok == 512


def test_non_image_file_is_refused_and_image_kept(app, tmp_path):
    page = app.page
    before = page_pixels(page, "document.querySelector('#original')")
    bad = tmp_path / "notes.png"
    bad.write_text("this is not a picture")
    page.set_input_files("#file-input", str(bad))
    message = page.locator("#message")
    message.wait_for(state="visible")
    assert "not an image" in message.inner_text()
    assert ".npy, .npz or .mat array" in message.inner_text()  # what it can open instead
    assert np.array_equal(page_pixels(page, "document.querySelector('#original')"), before)


def test_empty_file_is_refused(app, tmp_path):
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    app.page.set_input_files("#file-input", str(empty))
    app.page.locator("#message", has_text="empty").wait_for(state="visible")


def test_huge_image_is_refused_with_downscale_offer(app, tmp_path):
    from PIL import Image

    huge = tmp_path / "huge.png"
    Image.new("L", (8000, 6000), 128).save(huge)  # 48 megapixels, small on disk
    app.page.set_input_files("#file-input", str(huge))
    message = app.page.locator("#message")
    message.wait_for(state="visible")
    assert "48 megapixels" in message.inner_text()
    assert message.get_by_role("button", name="Downscale and open").is_visible()


def test_uploaded_photo_runs(app, tmp_path):
    from PIL import Image

    rng = np.random.default_rng(1)
    photo = tmp_path / "photo.png"
    Image.fromarray(rng.integers(0, 256, (120, 160, 3), dtype=np.uint8)).save(photo)
    page = app.page
    page.click("#op-list button[data-op='median_filter']")
    page.set_input_files("#file-input", str(photo))
    page.locator("#original-caption", has_text="photo.png").wait_for()
    page.wait_for_function(
        "() => document.querySelector('#result').width === 160 && document.querySelector('#busy').hidden"
    )
    original = page_pixels(page, "document.querySelector('#original')")
    assert_close(
        page_pixels(page, "document.querySelector('#result')"),
        cpython("median_filter", original, {}),
    )


def test_page_loads_with_no_console_errors(fresh, base_url):
    fresh.page.goto(base_url)
    fresh.wait_ready()
    assert fresh.console_errors == []


def test_slider_drag_shows_drafts_of_a_slow_step_and_the_exact_result_on_release(fresh, base_url):
    """While the slider of a slow step moves, previews are drafts: the step on the input shrunk
    k times with sigma divided by k (the same pixels as CPython's), shown at full size, the code
    left as it was; let go, the exact full-size result, its code and float values come."""
    page = fresh.page
    page.goto(base_url)
    fresh.wait_ready()
    page.click("#op-list button[data-op='gaussian_filter']")
    page.evaluate(
        """async () => {
          const c = document.createElement('canvas'); c.width = 1024; c.height = 768;
          c.getContext('2d').drawImage(await createImageBitmap(await ndlab.loadSample('chelsea')), 0, 0, 1024, 768);
          const blob = await new Promise(r => c.toBlob(r));
          const dt = new DataTransfer(); dt.items.add(new File([blob], 'big.png', {type: 'image/png'}));
          const input = document.querySelector('#file-input'); input.files = dt.files;
          input.dispatchEvent(new Event('change'));
        }"""
    )
    page.locator("#original-caption", has_text="big.png").wait_for()
    page.locator("#result-caption", has_text="1024×768").wait_for()
    page.wait_for_function("() => document.querySelector('#busy').hidden")
    slider = "document.querySelector('#controls input[type=range]')"
    page.evaluate(
        f"() => {{ const r = {slider}; r.value = '4'; r.dispatchEvent(new Event('input', {{bubbles: true}})); }}"
    )
    caption = page.locator("#result-caption", has_text="draft at 1/")
    caption.wait_for()
    page.wait_for_function("() => document.querySelector('#busy').hidden")
    factor = int(caption.inner_text().split("draft at 1/")[1].split()[0])
    assert 2 <= factor <= 4
    assert "sigma=4.0" not in page.locator("#code").text_content()
    # shown as large as the original (the page's styles enlarge the draft's canvas)
    sizes = page.evaluate(
        "() => ['#original', '#result'].map(s => document.querySelector(s).getBoundingClientRect().width)"
    )
    assert abs(sizes[0] - sizes[1]) < 1
    original = page_pixels(page, "document.querySelector('#original')")
    draft = page_pixels(page, "document.querySelector('#result')")
    small = shrink(canonical(original), factor)
    expected = to_rgba(
        ndlab.run_pipeline(
            small, [{"name": "gaussian_filter", "params": {"sigma": 4 / factor}}]
        ).image
    )
    assert_close(draft, expected)
    # split and difference views need the original's size: the draft is enlarged to it
    page.select_option("#compare-mode", "split")
    assert page.evaluate("() => document.querySelector('#result').width") == 1024
    assert page.evaluate("() => document.querySelector('#views').dataset.mode") == "split"
    page.select_option("#compare-mode", "side")
    page.evaluate(f"() => {{ {slider}.dispatchEvent(new Event('change', {{bubbles: true}})); }}")
    page.locator("#result-caption", has_text="1024×768").wait_for()
    page.wait_for_function("() => document.querySelector('#busy').hidden")
    assert "sigma=4.0" in page.locator("#code").text_content()
    shown = page_pixels(page, "document.querySelector('#result')")
    assert_close(shown, cpython("gaussian_filter", original, {"sigma": 4}))
    page.locator("#result").hover(position={"x": 40, "y": 40})
    # a float value (five significant digits), not a grey level
    page.locator("#inspector", has_text=".").wait_for()


def test_slider_previews_on_a_small_image_are_exact(fresh, base_url):
    """An image too small to shrink previews at full size: each preview is the result itself."""
    page = fresh.page
    page.goto(base_url + "#sample=blobs")
    fresh.wait_ready()
    page.locator("#result-caption", has_text="100×100").wait_for()
    slider = "document.querySelector('#controls input[type=range]')"
    page.evaluate(
        f"() => {{ const r = {slider}; r.value = '5'; r.dispatchEvent(new Event('input', {{bubbles: true}})); }}"
    )
    page.wait_for_function(
        "() => document.querySelector('#code').textContent.includes('sigma=5.0')"
    )
    assert "draft" not in page.locator("#result-caption").inner_text()
    original = page_pixels(page, "document.querySelector('#original')")
    shown = page_pixels(page, "document.querySelector('#result')")
    assert_close(shown, cpython("gaussian_filter", original, {"sigma": 5}))


def test_histograms_follow_the_theme(fresh, base_url):
    """A grey image's histograms are drawn in the text colour, again when the theme changes."""
    page = fresh.page
    page.emulate_media(color_scheme="light")
    page.goto(base_url + "#sample=camera")
    fresh.wait_ready()
    page.locator("#result-caption", has_text="Gaussian blur").wait_for()
    for canvas in ("#hist-original", "#hist-result"):
        light, dark = ink(page, canvas)
        assert dark > 100 and light == 0, canvas
    page.emulate_media(color_scheme="dark")
    for canvas in ("#hist-original", "#hist-result"):
        wait_for_ink(page, canvas)
        assert ink(page, canvas)[0] > 100, canvas


def test_python_starts_from_the_snapshot_downloading_each_file_once(browser, base_url):
    """Python starts from the build's snapshot: its memory and the packages' files come once
    each, and the page asks for no package (the service worker's precache fetches them, for a
    start without the snapshot offline)."""
    guarded = Guarded(browser)
    requested = []
    guarded.context.on(
        "request", lambda r: r.service_worker or requested.append(r.url.rsplit("/", 2)[-2:])
    )
    guarded.page.goto(base_url)
    guarded.wait_ready()
    guarded.close()
    # each as itself or as its twin, which the worker unpacks (not both)
    files = [[folder, untwinned(name)] for folder, name in requested]
    assert files.count(["snapshot", "chromium.bin"]) == 1
    assert files.count(["snapshot", "files.bin"]) == 1
    assert files.count(["snapshot", "webkit.bin"]) == 0  # made in WebKit, where the build has it
    assert not [name for folder, name in requested if folder.startswith("h-")]
