"""The classroom: presenter mode, keyboard shortcuts and their help, lessons in links and files.

One context serves the whole module; each test loads the lesson link afresh (and so starts
Python again), then moves through it, presents it, authors a lesson or feeds it hostile ones.
"""

import json
from urllib.parse import quote

import numpy as np
import pytest

from ndlab import labs
from pages import Guarded, cpython_pipeline, page_pixels

LESSON = {
    "title": "Blur, threshold, minimise",
    "steps": [
        {
            "title": "A Gaussian blur",
            "text": "Each pixel becomes a weighted mean of its neighbours.",
            "sample": "camera",
            "steps": [["gaussian_filter", {"sigma": 3}]],
        },
        {
            "title": "Otsu's threshold",
            "text": "Otsu picks the grey level that best separates two classes.",
            "sample": "coins",
            "steps": [["gaussian_filter", {"sigma": 1.5}], ["threshold_otsu", {}]],
        },
        {
            "title": "Six-hump camelback",
            "text": "Click the map to start the minimiser elsewhere.",
            "lab": "camelback",
            "params": {"x0": -1, "y0": 0.5},
        },
    ],
}
SHORTCUT_COUNT = 9
SETTLED = """(caption) => document.querySelector('#busy').hidden
  && document.querySelector('#result-caption').textContent.startsWith(caption)"""


def lesson_link(base_url, lesson, at=1):
    return f"{base_url}#lesson={quote(json.dumps(lesson))}&at={at}"


def shown_result(page):
    return page_pixels(page, "document.querySelector('#result')")


def assert_pipeline_shown(page, steps):
    """The result on the page is CPython's result of `steps` on the original shown."""
    original = page_pixels(page, "document.querySelector('#original')")
    expected = cpython_pipeline(original, steps)
    shown = shown_result(page)
    assert shown.shape == expected.shape
    assert np.abs(shown.astype(int) - expected.astype(int)).max() <= 1
    return shown


def open_hash(page, fragment):
    """Follow a link pasted while the page is open (no new page load, no new Python)."""
    page.evaluate("(hash) => { location.hash = hash; }", fragment)


def font_px(page, selector):
    return page.evaluate(
        "(s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)", selector
    )


def visible_area(page, selector):
    """How much of an element the room sees, in CSS pixels, with the page scrolled to the top."""
    return page.evaluate(
        """(s) => {
          scrollTo(0, 0);
          const r = document.querySelector(s).getBoundingClientRect();
          const w = Math.min(r.right, innerWidth) - Math.max(r.left, 0);
          const h = Math.min(r.bottom, innerHeight) - Math.max(r.top, 0);
          return Math.max(0, w) * Math.max(0, h);
        }""",
        selector,
    )


def presenting(page):
    return page.evaluate("document.body.classList.contains('presenter')")


@pytest.fixture(scope="module")
def classroom(browser):
    """One context for the module's tests (the service worker's cache stays warm)."""
    guarded = Guarded(browser)
    yield guarded
    assert not [e for e in guarded.console_errors if "Error" in e], guarded.console_errors
    guarded.close()


@pytest.fixture
def page(classroom, base_url):
    """The lesson, loaded afresh at step 1 for each test: no test starts where another left."""
    page = classroom.page
    page.goto("about:blank")  # the lesson link may differ from the URL shown only in its fragment
    page.goto(lesson_link(base_url, LESSON))
    classroom.wait_ready()
    return page


def test_lesson_link_opens_at_step_one_and_steps_through(page):
    bar = page.locator("#lesson-bar")
    assert page.locator("#lesson-step").inner_text() == "Step 1 of 3: A Gaussian blur"
    assert "weighted mean" in page.locator("#lesson-text").inner_text()
    assert page.locator("#lesson-title").inner_text().lower() == LESSON["title"].lower()
    page.wait_for_function(SETTLED, arg="Gaussian blur")
    first = assert_pipeline_shown(page, LESSON["steps"][0]["steps"])

    page.keyboard.press("ArrowRight")
    assert page.locator("#lesson-step").inner_text() == "Step 2 of 3: Otsu's threshold"
    page.locator("#original-caption", has_text="Greek coins").wait_for()
    page.wait_for_function(SETTLED, arg="Otsu threshold")
    second = assert_pipeline_shown(page, LESSON["steps"][1]["steps"])
    assert first.shape != second.shape or not np.array_equal(first, second)
    assert len(np.unique(second[..., 0])) == 2  # a mask: Otsu ran on the blurred coins

    bar.get_by_role("button", name="Next").click()
    page.locator("#labs-view").wait_for(state="visible")
    page.locator("#lab-outputs figure.heatmap canvas").wait_for()
    expected = labs.run("camelback", **LESSON["steps"][2]["params"]).outputs["text"][0]
    page.locator("#lab-outputs .answer", has_text=expected).wait_for()
    assert page.locator("#lesson-next").is_disabled()
    url = page.evaluate("decodeURIComponent(location.hash)")
    assert "at=3" in url and "lab=camelback" in url

    page.keyboard.press("PageUp")
    page.locator("#images-view").wait_for(state="visible")
    assert page.locator("#lesson-step").inner_text().startswith("Step 2 of 3")
    page.wait_for_function(SETTLED, arg="Otsu threshold")
    assert np.array_equal(shown_result(page), second)


def test_presenter_mode_by_button_and_by_key(page):
    before = {
        "text": font_px(page, "#lesson-text"),
        "run": font_px(page, "#run"),
        "result": visible_area(page, "#result"),
    }
    page.click("#present")
    assert presenting(page)
    assert page.get_attribute("#present", "aria-pressed") == "true"
    page.wait_for_function("() => !!document.fullscreenElement")
    assert font_px(page, "#lesson-text") >= 1.2 * before["text"]
    assert font_px(page, "#run") >= 1.2 * before["run"]
    # the whole result is in view beside the controls, where it was partly below them
    box = page.locator("#result").bounding_box()
    assert visible_area(page, "#result") == pytest.approx(box["width"] * box["height"])
    assert visible_area(page, "#result") > 1.2 * before["result"]
    assert page.locator("#param-sigma").is_visible()
    for secondary in ["#hist-result", "#timings", "#code", "#op-list"]:
        assert page.locator(secondary).is_hidden(), secondary

    page.keyboard.press("p")
    page.wait_for_function("() => !document.fullscreenElement")
    assert not presenting(page)
    assert font_px(page, "#lesson-text") == before["text"]

    # leaving full screen (as Esc does in a browser) leaves presenter mode
    page.keyboard.press("p")
    page.wait_for_function("() => !!document.fullscreenElement")
    page.evaluate("document.exitFullscreen()")
    page.wait_for_function("() => !document.body.classList.contains('presenter')")
    assert page.get_attribute("#present", "aria-pressed") == "false"


def test_presenter_mode_in_the_labs(page):
    for step in (2, 3):  # to the lab of the lesson
        page.click("#lesson-next")
        page.locator("#lesson-step", has_text=f"Step {step} of 3").wait_for()
    heatmap = "#lab-outputs figure.heatmap canvas"
    page.locator(heatmap).wait_for()
    before = {"answer": font_px(page, "#lab-outputs .answer"), "map": visible_area(page, heatmap)}
    page.keyboard.press("p")
    page.wait_for_function("() => document.body.classList.contains('presenter')")
    assert font_px(page, "#lab-outputs .answer") >= 1.2 * before["answer"]
    assert visible_area(page, heatmap) > 1.5 * before["map"]
    assert page.locator("#lab-code").is_hidden() and page.locator("#lab-list").is_hidden()
    page.keyboard.press("p")
    page.wait_for_function("() => !document.body.classList.contains('presenter')")
    page.click("#lesson-previous")
    page.locator("#images-view").wait_for(state="visible")


def test_presenter_mode_redraws_plots_for_the_room(fresh, base_url):
    """uPlot draws axes on its canvas: presenter mode draws the plot again, wider and taller,
    and leaving it draws the plot as it was."""
    page = fresh.page
    page.goto(base_url + "#lab=minimize_scalar_function")
    fresh.wait_ready()
    plot = "#lab-outputs figure.plot canvas"
    page.locator(plot).wait_for()
    title = "#lab-outputs figure.plot .u-title"
    before = {"box": page.locator(plot).bounding_box(), "title": font_px(page, title)}
    page.keyboard.press("p")
    page.wait_for_function(
        "([s, h]) => document.querySelector(s)?.getBoundingClientRect().height > 1.3 * h",
        arg=[plot, before["box"]["height"]],
    )
    # as wide as the column allows (the controls' column is wider for the room too)
    room = page.evaluate("document.querySelector('#lab-outputs').clientWidth")
    assert page.locator(plot).bounding_box()["width"] >= max(before["box"]["width"], room - 40)
    assert font_px(page, title) >= 1.3 * before["title"]
    page.keyboard.press("p")
    page.wait_for_function(
        "([s, w]) => document.querySelector(s)?.getBoundingClientRect().width === w",
        arg=[plot, before["box"]["width"]],
    )
    assert page.locator(plot).bounding_box()["height"] == before["box"]["height"]
    assert fresh.console_errors == []


def test_keys_typed_into_a_field_stay_there(page):
    search = page.locator("#op-search")
    search.focus()
    page.keyboard.type("pfc?")
    assert search.input_value() == "pfc?"
    assert not presenting(page)
    assert not page.evaluate("document.querySelector('#shortcuts-dialog').open")
    search.fill("")


def test_help_dialog_lists_every_shortcut_and_closes_with_escape(page):
    page.locator("#lesson-next").focus()
    page.keyboard.press("?")
    dialog = page.locator("#shortcuts-dialog")
    dialog.wait_for(state="visible")
    rows = dialog.locator("tr")
    assert rows.count() == SHORTCUT_COUNT
    text = dialog.inner_text()
    for words in ["Presenter mode", "Full screen", "Run again", "Page Down", "Ctrl+Z", "Esc"]:
        assert words in text, words
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == "lesson-next"
    assert not presenting(page)
    # and the header's button opens it too
    page.click("#shortcuts")
    dialog.wait_for(state="visible")
    dialog.get_by_role("button", name="Close").click()
    dialog.wait_for(state="hidden")


def test_c_cycles_the_comparison_and_escape_cancels(page):
    page.wait_for_function(SETTLED, arg="Gaussian blur")  # a result to compare
    mode = "() => document.querySelector('#views').dataset.mode"
    seen = []
    for _ in range(3):
        page.keyboard.press("c")
        seen.append(page.evaluate(mode))
    assert seen == ["split", "difference", "side"]

    open_hash(page, "#sample=coffee&steps=" + quote('[["median_filter",{"size":25}]]'))
    page.locator("#busy").wait_for(state="visible")
    page.keyboard.press("Escape")
    message = page.locator("#message")
    message.wait_for(state="visible")
    assert "info" in message.get_attribute("class")
    page.keyboard.press("r")  # runs again, to the end
    page.wait_for_function(SETTLED, arg="Median filter")


def test_lesson_made_in_the_page_roundtrips_through_a_file(page, tmp_path):
    page.click("#lesson-toggle")
    page.click("#lesson-close")
    assert page.locator("#lesson-bar").is_hidden()
    assert "lesson=" not in page.evaluate("location.hash")

    open_hash(page, "#sample=camera&steps=" + quote('[["sobel",{}]]'))
    page.wait_for_function(SETTLED, arg="Sobel")
    page.click("#lesson-add")
    page.fill("#lesson-dialog-lesson", "Edges and roots")
    page.fill("#lesson-dialog-title-input", "Sobel edges")
    page.fill("#lesson-dialog-text", "Bright where the grey level changes fast.")
    page.locator("#lesson-dialog").get_by_role("button", name="Add to the lesson").click()
    page.locator("#lesson-step", has_text="Step 1 of 1: Sobel edges").wait_for()
    assert page.evaluate("document.activeElement.id") == "lesson-add"  # the dialog gave it back

    open_hash(page, "#lab=find_roots&params=" + quote('{"x0":-3}'))
    page.locator("#lab-outputs .answer", has_text="-2.4795").wait_for()
    page.click("#lesson-add")
    page.locator("#lesson-dialog").get_by_role("button", name="Add to the lesson").click()
    page.locator("#lesson-step", has_text="Step 2 of 2: Roots").wait_for()

    with page.expect_download() as info:
        page.click("#lesson-save")
    saved_path = tmp_path / info.value.suggested_filename
    info.value.save_as(saved_path)
    saved = json.loads(saved_path.read_text())
    assert saved_path.name == "edges-and-roots.lesson.json"
    assert saved["title"] == "Edges and roots"
    assert saved["steps"][0] == {
        "title": "Sobel edges",
        "text": "Bright where the grey level changes fast.",
        "sample": "camera",
        "steps": [["sobel", {}]],
    }
    assert saved["steps"][1]["lab"] == "find_roots" and saved["steps"][1]["params"]["x0"] == -3

    page.click("#lesson-close")
    page.set_input_files("#lesson-file", str(saved_path))
    page.locator("#lesson-step", has_text="Step 1 of 2: Sobel edges").wait_for()
    page.locator("#images-view").wait_for(state="visible")
    page.wait_for_function(SETTLED, arg="Sobel")
    assert_pipeline_shown(page, [["sobel", {}]])
    reopened = page.evaluate(
        "JSON.parse(new URLSearchParams(location.hash.slice(1)).get('lesson'))"
    )
    assert reopened == saved
    page.keyboard.press("ArrowRight")
    page.locator("#lab-outputs .answer", has_text="-2.4795").wait_for()


# The lesson that test_lesson_made_in_the_page_roundtrips_through_a_file makes in the page
EDGES_AND_ROOTS = {
    "title": "Edges and roots",
    "steps": [
        {
            "title": "Sobel edges",
            "text": "Bright where the grey level changes fast.",
            "sample": "camera",
            "steps": [["sobel", {}]],
        },
        {"title": "Roots", "lab": "find_roots", "params": {"x0": -3}},
    ],
}


def open_for_editing(page, base_url, at):
    """Open EDGES_AND_ROOTS at step `at`, with the lesson's tools shown."""
    open_hash(page, lesson_link(base_url, EDGES_AND_ROOTS, at).split("#", 1)[1])
    page.locator("#lesson-step", has_text=f"Step {at} of 2").wait_for()
    page.click("#lesson-toggle")
    page.locator("#lesson-tools").wait_for()


def test_steps_move_earlier_and_later(page, base_url):
    """Roots, then Sobel edges, moved earlier in turn."""
    open_for_editing(page, base_url, at=2)
    lesson = "JSON.parse(new URLSearchParams(location.hash.slice(1)).get('lesson'))"
    page.locator("#lesson-step", has_text="Step 2 of 2: Roots").wait_for()
    assert page.locator("#lesson-later").is_disabled()
    page.click("#lesson-earlier")
    page.locator("#lesson-step", has_text="Step 1 of 2: Roots").wait_for()
    assert [s.get("lab") for s in page.evaluate(lesson)["steps"]] == ["find_roots", None]
    assert page.locator("#lesson-earlier").is_disabled()
    page.locator("#lab-outputs .answer", has_text="-2.4795").wait_for()  # the lab, shown
    page.keyboard.press("ArrowRight")
    page.locator("#lesson-step", has_text="Step 2 of 2: Sobel edges").wait_for()
    page.wait_for_function(SETTLED, arg="Sobel")
    page.click("#lesson-earlier")
    page.locator("#lesson-step", has_text="Step 1 of 2: Sobel edges").wait_for()
    assert page.locator("#lesson-status").inner_text() == "Step moved to place 1 of 2."
    assert [s.get("lab") for s in page.evaluate(lesson)["steps"]] == [None, "find_roots"]


def test_a_steps_words_can_be_edited(page, base_url):
    open_for_editing(page, base_url, at=1)
    page.click("#lesson-edit")
    dialog = page.locator("#lesson-dialog")
    assert dialog.locator("h2").inner_text() == "Edit the words of step 1"
    assert page.locator("#lesson-dialog-title-input").input_value() == "Sobel edges"
    assert page.locator("#lesson-dialog-text").input_value().startswith("Bright where")
    page.fill("#lesson-dialog-title-input", "Edges")
    page.fill("#lesson-dialog-text", "Where does the grey level change fastest?")
    dialog.get_by_role("button", name="Save the words").click()
    page.locator("#lesson-step", has_text="Step 1 of 2: Edges").wait_for()
    assert page.locator("#lesson-text").inner_text() == "Where does the grey level change fastest?"
    step = page.evaluate(
        "JSON.parse(new URLSearchParams(location.hash.slice(1)).get('lesson')).steps[0]"
    )
    assert step == {
        "title": "Edges",
        "text": "Where does the grey level change fastest?",
        "sample": "camera",
        "steps": [["sobel", {}]],
    }
    # the dialog adds steps again afterwards
    page.click("#lesson-add")
    assert dialog.locator("h2").inner_text() == "Add this view to the lesson"
    dialog.get_by_role("button", name="Cancel").click()
    assert page.locator("#lesson-step").inner_text() == "Step 1 of 2: Edges"


def image_step(steps, **extra):
    return {"sample": "camera", "steps": steps, **extra}


HOSTILE = {
    "bad JSON": ('{"title": "x", "steps": [', "not valid JSON"),
    "not an object": ("[1, 2, 3]", "must be a JSON object"),
    "unknown op": (
        json.dumps({"steps": [image_step([["__import__('os').system", {}]])]}),
        "unknown operation",
    ),
    "unknown lab": (json.dumps({"steps": [{"lab": "../../etc/passwd"}]}), "unknown lab"),
    "unknown sample": (
        json.dumps({"steps": [{"sample": "http://evil/x.png", "steps": [["sobel", {}]]}]}),
        "unknown sample",
    ),
    "1000 steps": (
        json.dumps({"steps": [image_step([["sobel", {}]])] * 1000}),
        "1 to 50 steps, not 1000",
    ),
    "nested lab params": (
        json.dumps({"steps": [{"lab": "camelback", "params": {"x0": {"__proto__": {"a": 1}}}}]}),
        "x0 must be a number",
    ),
    "nested op params": (
        json.dumps({"steps": [image_step([["gaussian_filter", {"sigma": {"valueOf": [1]}}]])]}),
        "sigma must be a number",
    ),
    "unknown param": (
        json.dumps({"steps": [image_step([["gaussian_filter", {"constructor": 1}]])]}),
        'no parameter "constructor"',
    ),
    "huge text": (
        json.dumps({"steps": [image_step([["sobel", {}]], text="A" * 5000)]}),
        "too long: 5000 characters",
    ),
    "huge lesson": (
        json.dumps({"title": "B" * 300_000, "steps": []}),
        "The lesson is too long",
    ),
    "extra field": (
        json.dumps({"steps": [image_step([["sobel", {}]], onload="alert(1)")]}),
        'unknown field "onload"',
    ),
}


@pytest.mark.parametrize("how", ["link", "file"])
@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_lessons_are_refused_and_the_page_keeps_working(page, tmp_path, how, case):
    text, expected = HOSTILE[case]
    lesson_in_url = "new URLSearchParams(location.hash.slice(1)).get('lesson')"
    before = {
        "lesson": page.evaluate(lesson_in_url),
        "bar": page.locator("#lesson-bar").inner_text(),
    }
    message = page.locator("#lesson-message")
    page.evaluate("document.querySelector('#lesson-message').hidden = true")
    if how == "link":
        open_hash(page, "#lesson=" + quote(text))
    else:
        path = tmp_path / "hostile.lesson.json"
        path.write_text(text)
        page.set_input_files("#lesson-file", str(path))
    message.wait_for(state="visible")
    assert expected in message.inner_text()
    assert "Nothing from it was run" in message.inner_text()
    # the lesson open before (if any) is still open, and the URL still holds it
    assert page.evaluate(lesson_in_url) == before["lesson"]
    assert page.locator("#lesson-bar").inner_text() == before["bar"]
    width = page.evaluate(
        "async () => (await ndlab.run('sobel', {}, await ndlab.loadSample('coins'))).image.width"
    )
    assert width == 384


def test_lesson_text_is_shown_as_text(page):
    html = '<img src=x onerror="document.body.dataset.owned=1">'
    lesson = {"title": html, "steps": [image_step([["sobel", {}]], title=html, text=html)]}
    open_hash(page, "#lesson=" + quote(json.dumps(lesson)))
    page.locator("#lesson-step", has_text="Step 1 of 1").wait_for()
    assert page.locator("#lesson-text").inner_text() == html
    assert page.locator("#lesson-bar img").count() == 0
    assert page.evaluate("document.body.dataset.owned") is None
    assert page.locator("#lesson-message").is_hidden()


def test_a_step_out_of_range_opens_step_one_and_another_step_is_followed(page):
    lesson = {"title": "Two steps", "steps": [image_step([["sobel", {}]]), {"lab": "find_roots"}]}
    open_hash(page, f"#lesson={quote(json.dumps(lesson))}&at=7")
    page.locator("#lesson-message", has_text="step 7 of a lesson with 2 steps").wait_for()
    page.locator("#lesson-step", has_text="Step 1 of 2").wait_for()
    # the same lesson with another step, as a student edits the URL: that step is shown
    open_hash(page, f"#lesson={quote(json.dumps(lesson))}&at=2")
    page.locator("#lesson-step", has_text="Step 2 of 2").wait_for()
    page.locator("#labs-view").wait_for(state="visible")
    page.locator("#lab-outputs .answer").first.wait_for()
    assert page.locator("#lesson-message").is_hidden()
