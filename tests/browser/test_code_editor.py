"""The code editor: a result's code edited and run in the page's worker (ndlab.runCode)."""

import json
import urllib.parse

import numpy as np
import pytest
from PIL import Image

import ndlab
from ndlab import labs
from ndlab.bridge.pixels import to_rgba
from ndlab.reading import canonical
from pages import JS_PIXELS, Guarded, page_pixels, to_array

# The camera sample through the page's Gaussian blur, then the same code with another sigma.
STEPS = [["gaussian_filter", {"sigma": 2}]]


def camera():
    """The camera sample as the worker keeps it (grey, 2-D)."""
    return canonical(np.asarray(Image.open(ndlab_sample("camera")).convert("RGBA")))


def ndlab_sample(name):
    from pathlib import Path

    return Path(__file__).resolve().parents[2] / "dist" / "samples" / f"{name}.png"


def open_editor(page):
    """Open the editor on the result's code, once the pipeline's result is shown."""
    page.wait_for_function("() => document.querySelector('#code').textContent.includes('result =')")
    page.click("#edit-code")
    page.locator("#editor .cm-content").wait_for(state="visible")


def type_code(page, code):
    """Replace the editor's text as a person would (select all, type)."""
    page.locator("#editor .cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(code)


def result_pixels(page):
    return page_pixels(page, "document.querySelector('#result')")


def test_edited_code_runs_and_its_result_is_shown_as_cpython_computes_it(app):
    page = app.page
    page.goto(f"{app.page.url.split('#')[0]}#sample=camera&steps={json.dumps(STEPS)}")
    app.wait_ready()
    open_editor(page)
    code = page.locator("#code").text_content()
    assert "sigma=2.0" in code
    edited = code.replace("sigma=2.0)", "sigma=5.0)")
    assert edited != code
    type_code(page, edited + "\nprint('mean', result.mean())\n")
    page.click("#editor .run")
    page.wait_for_function(
        "() => document.querySelector('#result-caption').textContent.startsWith('Your code')"
    )
    expected = ndlab.run_pipeline(camera(), [{"name": "gaussian_filter", "params": {"sigma": 5}}])
    shown = result_pixels(page)
    np.testing.assert_array_equal(shown, to_rgba(expected.image))
    assert page.locator("#editor .stdout").text_content() == f"mean {expected.image.mean()}\n"
    # the viewers' histogram, values under the cursor and downloads take the code's array
    assert page.locator("#download-npy").is_enabled()
    with page.expect_download() as download:
        page.click("#download-npy")
    np.testing.assert_array_equal(np.load(download.value.path()), expected.image)
    # the code travels in the link
    assert "code=" in page.url and "sigma%3D5.0" in page.url


def test_run_code_api(app):
    page = app.page
    out = page.evaluate(
        """async () => {
          const image = await ndlab.loadSample('camera');
          const r = await ndlab.runCode('import sys\\nprint(image.shape)\\nprint("careful", file=sys.stderr)\\nimage > 100', image);
          return {w: r.image.width, h: r.image.height, stdout: r.stdout, stderr: r.stderr, data: {...r.data, npy: null},
                  error: r.error, figures: r.figures.length, pixels: (TO_PIXELS)(r.image)};
        }""".replace("TO_PIXELS", JS_PIXELS)
    )
    assert out["stdout"] == "(512, 512)\n" and out["stderr"] == "careful\n"
    assert out["error"] is None and out["figures"] == 0
    assert out["data"]["output"] == "mask" and out["data"]["dtype"] == "bool"
    expected = np.where(camera() > 100, 255, 0).astype(np.uint8)
    np.testing.assert_array_equal(to_array(out["pixels"])[..., 0], expected)
    # a value that is no image is described; an error is the code's own, with its line
    other = page.evaluate("async () => ndlab.runCode('x = 6\\nx * 7', null)")
    assert other["image"] is None and other["data"] == {"repr": "42"}
    failed = page.evaluate(
        "async () => (await ndlab.runCode('def f(x):\\n    return x / 0\\n\\nf(1)', null)).error"
    )
    assert failed["type"] == "ZeroDivisionError" and failed["line"] == 2
    assert 'File "<your code>", line 4' in failed["traceback"]


def test_a_syntax_error_shows_the_traceback_at_its_line(app):
    page = app.page
    open_editor(page)
    type_code(page, "import numpy as np\nx = np.ones(3)\nresult = (x +\n")
    page.click("#editor .run")
    error = page.locator("#editor .message.error")
    error.wait_for(state="visible")
    assert error.locator("strong").inner_text().startswith("Line 3: SyntaxError")
    assert "line 3" in error.locator("pre").inner_text()
    # the cursor moved to the failing line
    assert page.locator("#editor .cm-activeLine").inner_text() == "result = (x +"


def test_a_matplotlib_figure_is_shown(app):
    page = app.page
    open_editor(page)
    type_code(
        page,
        "import matplotlib.pyplot as plt\n"
        "plt.plot(image.mean(axis=0))\n"
        "plt.title('column means')\n"
        "plt.show()\n",
    )
    page.click("#editor .run")
    figure = page.locator("#editor .figures img")
    figure.wait_for(state="visible")
    size = page.evaluate(
        "async () => { const i = document.querySelector('#editor .figures img'); await i.decode(); return [i.naturalWidth, i.naturalHeight]; }"
    )
    assert size == [640, 480]  # matplotlib's default figure, 6.4×4.8 inches at 100 dpi
    assert page.locator("#editor .message.error").is_hidden()


@pytest.mark.parametrize("kind", ["isolated", "plain"])
def test_an_endless_loop_is_cancelled_and_the_page_keeps_its_state(
    browser, base_url, plain_url, kind
):
    guarded = Guarded(
        browser,
        f"{base_url if kind == 'isolated' else plain_url}#sample=coins&steps={json.dumps(STEPS)}",
    )
    page = guarded.wait_ready()
    if kind == "plain":
        page.wait_for_function("async () => (await ndlab.status()).spare === 'ready'")
    open_editor(page)
    type_code(page, "n = 0\nwhile True:\n    n += 1\n")
    before = result_pixels(page)
    page.click("#editor .run")
    cancel = page.locator("#editor .cancel")
    cancel.wait_for(state="visible")
    cancel.click()
    message = page.locator("#message")
    message.wait_for(state="visible")
    assert "Cancelled" in message.inner_text()
    page.locator("#editor .busy").wait_for(state="hidden")
    # the page kept its image, its result and the code; Python answers the next run
    assert "Greek coins" in page.locator("#original-caption").inner_text()
    np.testing.assert_array_equal(result_pixels(page), before)
    assert "while True" in page.locator("#editor .cm-content").inner_text()
    type_code(page, "result = image[:10, :20]")
    page.click("#editor .run")
    page.wait_for_function(
        "() => document.querySelector('#result-caption').textContent.startsWith('Your code · 20×10')"
    )
    guarded.close()


# Records the type of every job the page posts to its workers (an init script).
WATCH_JOBS = """(() => {
  window.__jobs = [];
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message?.id) window.__jobs.push(message.type);
    return post.call(this, message, ...rest);
  };
})();"""


def watched(browser, url):
    """A guarded page opened at `url` that records the type of every job sent to the worker
    (``window.__jobs``), once Python is ready."""
    guarded = Guarded(browser)
    guarded.context.add_init_script(WATCH_JOBS)
    guarded.page.goto(url)
    guarded.wait_ready()
    return guarded


def test_code_from_a_link_is_shown_and_runs_only_when_run_is_pressed(browser, base_url):
    code = "print('ran')\nresult = 255 - image\n"
    hash_ = urllib.parse.urlencode({"sample": "camera", "steps": json.dumps(STEPS), "code": code})
    guarded = watched(browser, f"{base_url}#{hash_}")
    page = guarded.page
    content = page.locator("#editor .cm-content")
    content.wait_for(state="visible")
    assert content.inner_text().startswith("print('ran')")
    assert "has not run" in page.locator("#editor .note").inner_text()
    # the pipeline ran on the link's image and its result is shown; the code was not sent
    page.wait_for_function(
        "() => document.querySelector('#result-caption').textContent.startsWith('Gaussian blur')"
    )
    assert "pipeline" in page.evaluate("() => window.__jobs")
    assert "code" not in page.evaluate("() => window.__jobs")
    assert page.locator("#editor .stdout").is_hidden()
    page.click("#editor .run")
    page.wait_for_function(
        "() => document.querySelector('#editor .stdout').textContent === 'ran\\n'"
    )
    assert page.evaluate("() => window.__jobs.filter((t) => t === 'code').length") == 1
    np.testing.assert_array_equal(result_pixels(page), to_rgba(255 - camera()))
    guarded.close()


def test_typing_is_the_editors_and_edit_again_keeps_the_typing_undoable(browser, base_url):
    """Keys typed in the editor are not the page's shortcuts ("r" runs the pipeline again,
    Ctrl+Z undoes its last change); Edit pressed again replaces typed code as one change that
    Ctrl+Z takes back, and says so."""
    hash_ = urllib.parse.urlencode({"sample": "camera", "steps": json.dumps(STEPS)})
    guarded = watched(browser, f"{base_url}#{hash_}")
    page = guarded.page
    open_editor(page)
    page.wait_for_function("() => document.querySelector('#busy').hidden")
    runs = page.evaluate("() => window.__jobs.filter((t) => t === 'pipeline').length")
    page.keyboard.press("Control+a")
    page.keyboard.type("result = image * 2  # r\n")
    typed = page.locator("#editor .cm-content").inner_text()
    assert typed.startswith("result = image * 2  # r")
    page.click("#edit-code")
    note = page.locator("#editor .note")
    note.wait_for(state="visible")
    assert "Ctrl+Z" in note.inner_text()
    assert "result = paint" not in page.locator("#editor .cm-content").inner_text()
    assert "gaussian_filter" in page.locator("#editor .cm-content").inner_text()
    page.locator("#editor .cm-content").click()
    page.keyboard.press("Control+z")  # CodeMirror's undo, not the pipeline's
    assert page.locator("#editor .cm-content").inner_text() == typed
    assert page.locator("#steps li").count() == 1
    assert page.evaluate("() => window.__jobs.filter((t) => t === 'pipeline').length") == runs
    guarded.close()


def test_a_labs_code_runs_on_the_chapters_files_and_on_the_learners_table(app):
    """The lab's script, edited in the page, finds populations.txt by name, prints what the lab
    shows and draws its two plots; `data` is the table."""
    page = app.page
    page.goto(f"{page.url.split('#')[0]}#lab=population_periodicity")
    app.wait_ready()
    page.wait_for_function(
        "() => document.querySelector('#lab-code').textContent.includes('plt.show()')"
    )
    page.click("#lab-edit-code")
    editor = page.locator("#lab-editor")
    editor.locator(".cm-content").wait_for(state="visible")
    code = page.locator("#lab-code").text_content() + "\nprint(data)\n"
    editor.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(code)
    editor.locator(".run").click()
    page.wait_for_function(
        "() => document.querySelector('#lab-editor .stdout').textContent.endsWith('None\\n')"
    )
    printed = editor.locator(".stdout").text_content()
    hare = labs.run("population_periodicity").outputs["values"]["hare_period"]
    assert printed.startswith(f"hare_period: {hare}\n")
    assert editor.locator(".message.error").is_hidden()
    assert editor.locator(".stderr").text_content() == ""
    assert editor.locator(".figures img").count() == 2


def test_the_micrograph_labs_script_opens_the_chapters_picture(app):
    """The script opens MV_HFV_012.jpg itself with Pillow: the worker fetches the picture (the
    wheel holds it decoded only) and the script prints the lab's numbers."""
    page = app.page
    page.goto(f"{page.url.split('#')[0]}#lab=glass_sand_bubbles")
    app.wait_ready()
    page.wait_for_function(
        "() => document.querySelector('#lab-code').textContent.includes('MV_HFV_012.jpg')",
    )
    page.click("#lab-edit-code")
    editor = page.locator("#lab-editor")
    editor.locator(".cm-content").wait_for(state="visible")
    editor.locator(".run").click()
    page.wait_for_function(
        """() => document.querySelector('#lab-editor .stdout').textContent.includes('median_bubble_area')
          || !document.querySelector('#lab-editor .message.error').hidden""",
    )
    assert editor.locator(".message.error").is_hidden(), editor.locator(
        ".message.error"
    ).inner_text()
    values = labs.run("glass_sand_bubbles").outputs["values"]
    printed = editor.locator(".stdout").text_content()
    for name in ("bubble_fraction", "bubbles", "mean_bubble_area", "median_bubble_area"):
        assert f"{name}: {values[name]}\n" in printed


def test_code_in_a_lesson_step_is_shown_and_not_run(browser, base_url):
    step = {"title": "Invert", "text": "Read the code, then run it.", "sample": "camera"}
    step |= {"steps": STEPS, "code": "result = 255 - image\n"}
    plain = {"title": "Blur", "sample": "camera", "steps": STEPS}
    lesson = {"title": "Code", "steps": [step, plain]}
    guarded = watched(browser, f"{base_url}#lesson={urllib.parse.quote(json.dumps(lesson))}&at=1")
    page = guarded.page
    content = page.locator("#editor .cm-content")
    content.wait_for(state="visible")
    assert content.inner_text().startswith("result = 255 - image")
    assert "came with the lesson and has not run" in page.locator("#editor .note").inner_text()
    page.wait_for_function(
        "() => document.querySelector('#result-caption').textContent.startsWith('Gaussian blur')"
    )
    assert "code" not in page.evaluate("() => window.__jobs")
    # the lesson's link keeps the code with the view it shows
    code = "() => new URLSearchParams(location.hash.slice(1)).get('code')"
    assert page.evaluate(code) == "result = 255 - image\n"
    # the next step has no code: the editor closes; back, its code is shown again, not run
    page.click("#lesson-next")
    page.locator("#editor").wait_for(state="hidden")
    assert page.evaluate(code) is None
    page.click("#lesson-previous")
    page.locator("#editor .note").wait_for(state="visible")
    assert "code" not in page.evaluate("() => window.__jobs")
    guarded.close()
