"""What new users met, as they meet it: at phone and desktop sizes, what an action opens comes into
view and takes the focus, Copy says what it did (also without the clipboard API), Add step asks
for the new step's operation, a phone keeps the result in sight, refused data is named."""

import json
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest
from scipy import interpolate

from pages import Guarded
from test_lab_script import run_script

SCREENS = {"phone": (390, 844), "desktop": (1280, 800)}
RESULT = "() => performance.getEntriesByName('ndlab:result').length > 0"
LAB_RESULT = "() => performance.getEntriesByName('ndlab:lab-result').length > 0"
# The element lies within the screen, and the focus is on it or inside it.
IN_VIEW = """(selector) => {
  const e = document.querySelector(selector);
  const r = e.getBoundingClientRect();
  return r.height > 0 && r.top >= -1 && r.top < innerHeight - 20;
}"""
FOCUSED = """(selector) => {
  const e = document.querySelector(selector);
  return e === document.activeElement || e.contains(document.activeElement);
}"""
COINS = "#sample=coins&steps=" + quote(json.dumps([["gaussian_filter", {"sigma": 3}]]))


@pytest.fixture(params=list(SCREENS))
def screen(request, browser):
    width, height = SCREENS[request.param]
    guarded = Guarded(browser, viewport={"width": width, "height": height})
    yield guarded
    guarded.close()


def in_view_and_focused(page, selector):
    assert page.evaluate(IN_VIEW, selector), f"{selector} is off the screen"
    assert page.evaluate(FOCUSED, selector), f"{selector} does not have the focus"


def test_add_step_asks_for_the_new_steps_operation(screen, base_url):
    page = screen.page
    page.goto(base_url + COINS)
    page.wait_for_function(RESULT)
    page.locator("#add-step").scroll_into_view_if_needed()
    page.click("#add-step")
    hint = page.locator("#op-hint")
    assert hint.is_visible()
    assert "Pick the operation of the new step 2" in hint.inner_text()
    in_view_and_focused(page, "#op-search")
    # no operation is pressed yet: the list is the new step's to choose from
    assert page.locator("#op-list button[aria-pressed='true']").count() == 0
    page.fill("#op-search", "otsu")
    page.click("#op-list button[data-op='threshold_otsu']")
    steps = page.locator("#steps .step")
    assert steps.all_inner_texts() == ["Gaussian blur (sigma=3)", "Otsu threshold"]
    assert hint.is_hidden()
    in_view_and_focused(page, "#op-title")
    assert page.locator("#op-title").inner_text() == "Otsu threshold"


def test_an_operation_picked_brings_its_parameters_into_view(screen, base_url):
    """On a phone the parameters lie below the list: picking an operation shows them."""
    page = screen.page
    page.goto(base_url + COINS)
    page.wait_for_function(RESULT)
    page.fill("#op-search", "median")
    picked = page.locator("#op-list button[data-op='median_filter']")
    picked.click()
    page.locator("#op-title", has_text="Median filter").wait_for()
    assert page.evaluate(IN_VIEW, "#op-title"), "the parameters are off the screen"
    # the focus stays in the list, to pick another
    assert page.evaluate("() => document.activeElement.closest('#op-list') !== null")


def test_edit_and_run_come_into_view_with_the_focus(screen, base_url):
    page = screen.page
    page.goto(base_url + COINS)
    page.wait_for_function(RESULT)
    page.locator("#edit-code").scroll_into_view_if_needed()
    page.click("#edit-code")
    page.locator("#editor .cm-content").wait_for()
    in_view_and_focused(page, "#editor")
    page.keyboard.press("Control+a")
    page.keyboard.type('print("hello from your code")\n')
    page.click("#editor button.run")
    stdout = page.locator("#editor .stdout")
    stdout.wait_for()
    assert stdout.inner_text().strip() == "hello from your code"
    in_view_and_focused(page, "#editor .editor-outputs")


def test_lab_editor_comes_into_view(screen, base_url):
    page = screen.page
    page.goto(base_url + "#lab=quad_integral")
    page.wait_for_function(LAB_RESULT)
    page.click("#lab-edit-code")
    page.locator("#lab-editor .cm-content").wait_for()
    in_view_and_focused(page, "#lab-editor")


@pytest.mark.parametrize("clipboard_api", [True, False], ids=["https", "lan-http"])
def test_copy_says_what_it_did(browser, base_url, clipboard_api):
    """On a LAN address (plain http) the clipboard API is missing: the copy still happens."""
    guarded = Guarded(browser, viewport={"width": 390, "height": 844})
    try:
        guarded.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page = guarded.page
        if not clipboard_api:
            page.add_init_script(
                "Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined})"
            )
        page.goto(base_url + COINS)
        page.wait_for_function(RESULT)
        assert page.evaluate("() => navigator.clipboard === undefined") is not clipboard_api
        button = page.locator("#copy-link")
        button.click()
        page.wait_for_function(
            "() => document.querySelector('#copy-link').textContent === 'Copied ✓'"
        )
        status = page.locator("#copy-link + .did")
        assert status.inner_text() == "Copied the link to this view: paste it where you need it."
        reader = guarded.context.new_page()
        reader.goto(base_url + "static/favicon.svg")
        assert reader.evaluate("() => navigator.clipboard.readText()") == page.url
        # the button says what it is again
        page.wait_for_function(
            "() => document.querySelector('#copy-link').textContent === 'Copy link'"
        )
    finally:
        guarded.close()


# Where the result and another element lie on the screen, and whether the result shows whole.
SHOWN_WITH = """(other) => {
  const result = document.querySelector('#result').getBoundingClientRect();
  const box = document.querySelector(other).getBoundingClientRect();
  return {whole: result.top >= 0 && result.bottom <= innerHeight && result.height > 100,
          apart: result.top >= box.bottom || box.top >= result.bottom};
}"""


def test_phone_shows_the_result_with_the_controls_from_the_first_screen(browser, base_url):
    """On a phone the result stays at the bottom of the screen while the controls above it
    scroll, from the first screen on, and while a slider moves; scrolled to, it takes its place."""
    guarded = Guarded(browser, viewport={"width": 390, "height": 844})
    try:
        page = guarded.page
        page.goto(base_url + COINS)
        page.wait_for_function(RESULT)
        assert page.evaluate("scrollY") == 0
        assert page.evaluate(SHOWN_WITH, "#op-search") == {"whole": True, "apart": True}
        slider = page.get_by_label("sigma slider")
        slider.scroll_into_view_if_needed()
        assert page.evaluate(SHOWN_WITH, "#param-sigma") == {"whole": True, "apart": True}
        box = slider.bounding_box()
        page.mouse.move(box["x"] + 5, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
        page.wait_for_function("() => document.querySelector('#param-sigma').value !== '3'")
        assert page.evaluate(SHOWN_WITH, "#param-sigma") == {"whole": True, "apart": True}
        page.mouse.up()
        # below the controls, the result is in its place under the original, with its histogram
        page.locator("#hist-result").scroll_into_view_if_needed()
        assert page.evaluate(SHOWN_WITH, "#original") == {"whole": True, "apart": True}
        assert page.locator("#download-png").is_visible()
    finally:
        guarded.close()


def test_a_tap_reads_the_pixel_beside_the_point(browser, base_url):
    guarded = Guarded(
        browser, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    try:
        page = guarded.page
        page.goto(base_url + COINS)
        page.wait_for_function(RESULT)
        page.locator("#result").scroll_into_view_if_needed()
        box = page.locator("#result").bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.touchscreen.tap(x, y)
        readout = page.locator("#inspector")
        page.wait_for_function(
            "() => document.querySelector('#inspector').textContent.startsWith('row ')"
        )
        assert "beside" in readout.get_attribute("class")
        shown = readout.bounding_box()
        assert abs(shown["y"] + shown["height"] / 2 - y) < 80
        assert shown["x"] <= x <= shown["x"] + shown["width"] or abs(shown["x"] - x) < 200
        assert 0 <= shown["x"] and shown["x"] + shown["width"] <= 390
    finally:
        guarded.close()


def test_phone_buttons_are_finger_sized_and_the_table_says_it_scrolls(browser, base_url):
    guarded = Guarded(browser, viewport={"width": 390, "height": 844})
    try:
        page = guarded.page
        steps = [["gaussian_filter", {"sigma": 2}], ["threshold_otsu", {}], ["label", {}]]
        page.goto(f"{base_url}#sample=coins&steps={quote(json.dumps(steps))}")
        page.wait_for_function(RESULT)
        page.click("#steps li:nth-child(3) .step")
        caption = page.locator("#info .table-caption")
        page.wait_for_function(
            "() => document.querySelector('#info .scroll-hint')?.textContent.includes('scroll')"
        )
        assert caption.inner_text().startswith("24 objects · scroll the table for every row")
        # the count is said once: in the caption, not again as a value
        assert "objects" not in page.locator("#info").evaluate(
            "(e) => [...e.querySelectorAll('dt')].map((d) => d.textContent).join(' ')"
        )
        small = page.evaluate(
            """() => [...document.querySelectorAll('#images-view :is(button, summary), header button')]
              .filter((b) => b.offsetParent !== null && b.getBoundingClientRect().height < 43.5)
              .map((b) => `${b.id || b.textContent}: ${b.getBoundingClientRect().height}`)"""
        )
        assert small == []
    finally:
        guarded.close()


def test_help_shows_code_as_code(browser, base_url):
    guarded = Guarded(browser)
    try:
        page = guarded.page
        page.goto(base_url + "#sample=coins&steps=" + quote(json.dumps([["threshold_otsu", {}]])))
        page.wait_for_function("() => document.querySelector('#op-doc code') !== null")
        doc = page.locator("#op-doc")
        assert "``" not in doc.text_content()
        assert "image > threshold" in page.locator("#op-doc code").all_text_contents()
    finally:
        guarded.close()


# The chapter's yearly maxima at Sprogø (21 years), as a learner would paste a few of them
MAXIMA = np.load(Path(__file__).resolve().parents[2] / "data/scipy-lectures/max-speeds.npy")


# Twelve yearly maxima of a gustier site: SciPy's default smoothing (s = 12, the number of points)
# and the chapter's s = 21 give 50-year speeds about 1 m/s apart (tests/py/labs: GUSTY_MAXIMA).
GUSTY = np.array([31.5, 11.7, 26.4, 26.4, 33.9, 38.8, 24.8, 26.8, 14.8, 17.7, 37.3, 30.9])


def yearly_maxima(n, maxima=MAXIMA):
    """A learner's table of `n` yearly maxima, with a column the lab does not take."""
    rows = (f"6110, {1990 + i}, {speed:.2f}" for i, speed in enumerate(maxima[:n]))
    return "station, year, max_speed\n" + "\n".join(rows)


def use_table(page, table):
    page.click("#lab-data summary")
    page.fill("#lab-data-text", table)
    # the columns are named by the table's first line; the lab's columns pick theirs by name
    names = [t.strip() for t in page.locator(".lab-data-preview th").all_inner_texts()]
    assert names == ["station", "year", "max_speed"]
    assert not page.get_by_label("Use station").is_checked()
    assert page.get_by_label("Use year").is_checked()
    assert page.get_by_label("Use max_speed").is_checked()
    page.evaluate("() => performance.clearMarks('ndlab:lab-result')")
    page.click("#lab-data-use")


@pytest.mark.parametrize(
    ("maxima", "size"), [(GUSTY, "phone"), (MAXIMA, "desktop")], ids=["gusty-12", "chapter-21"]
)
def test_a_learners_yearly_maxima_give_the_50_year_speed(browser, base_url, maxima, size):
    """The chapter's answer is the spline's: the sorted maxima against (i + 1)/(N + 1), at
    1 - 1/50, smoothed as SciPy does by default (s = the number of maxima), here computed with
    SciPy from the same numbers (the chapter's 21 years: 32.98). The control says SciPy's default
    is used, and the script shown beside the results prints the same speed. The results of the
    table put in use come into view."""
    n = maxima.size
    width, height = SCREENS[size]
    guarded = Guarded(browser, viewport={"width": width, "height": height})
    try:
        page = guarded.page
        page.goto(base_url + "#lab=wind_return_speed")
        page.wait_for_function(LAB_RESULT)
        use_table(page, yearly_maxima(n, maxima))
        page.wait_for_function(LAB_RESULT)
        speeds = np.sort([float(f"{speed:.2f}") for speed in maxima])  # as the table has them
        probability = np.arange(1, n + 1) / (n + 1)
        spline = interpolate.UnivariateSpline(probability, speeds, s=None)(1 - 1 / 50)
        answer = page.locator("#lab-outputs .answer").first.inner_text()
        assert f"is {spline:.2f} m/s from the spline" in answer
        assert page.locator("#lab-message").is_hidden()
        assert "Your data is in use" in page.locator(".lab-data-status").inner_text()
        if n == 21:
            assert f"{spline:.2f}" == "32.98"
        else:  # the chapter's s = 21 would give another answer
            chapters_s = interpolate.UnivariateSpline(probability, speeds, s=21.0)(1 - 1 / 50)
            assert f"is {chapters_s:.2f} m/s" not in answer
        in_view_and_focused(page, "#lab-outputs")
        default = page.get_by_label("SciPy's default: the number of yearly maxima")
        assert default.is_checked() and page.locator("#param-smoothing").is_disabled()
        legend = page.locator("#lab-outputs figure[data-plot=quantiles] .u-legend")
        assert f"spline (s = {n}, SciPy's default)" in legend.inner_text()
        code = page.locator("#lab-code").text_content()
        assert "\nsmoothing = None\n" in code
        [printed] = [
            line for line in run_script(code).splitlines() if line.startswith("spline_speed: ")
        ]
        assert float(printed.removeprefix("spline_speed: ")) == pytest.approx(spline, rel=1e-9)
    finally:
        guarded.close()


def test_refused_data_is_named_and_the_old_results_marked(screen, base_url):
    page = screen.page
    page.goto(base_url + "#lab=wind_return_speed")
    page.wait_for_function(LAB_RESULT)
    use_table(page, yearly_maxima(3))
    message = page.locator("#lab-message")
    page.wait_for_function(
        "() => document.querySelector('#lab-outputs').classList.contains('stale')"
    )
    text = message.inner_text()
    assert text.startswith(
        "Your data cannot be used: the data needs 4 to 10000000 rows, got 3: the spline through "
        "the yearly maxima is a cubic, which needs 4 points (years) at least."
    )
    assert "Correct it under Your data" in text and "Check the parameter values" not in text
    assert (
        page.locator("#lab-outputs").get_attribute("data-stale")
        == "Not current: your data was refused"
    )
    assert "refused" in page.locator(".lab-data-status").inner_text()
    # the data's description is said once, beside the lab's title
    assert page.locator("#lab-data p").first.inner_text().startswith("Paste a table")


def test_lesson_tools_say_where_to_start_and_teach_panel(browser, base_url):
    guarded = Guarded(browser, viewport={"width": 1280, "height": 800})
    try:
        page = guarded.page
        page.goto(base_url + COINS)
        page.wait_for_function(RESULT)
        page.click("#lesson-toggle")
        assert page.locator("#lesson-status").inner_text().startswith("Start here:")
        shown = [
            b.inner_text()
            for b in page.locator("#lesson-tools button, #lesson-tools label").all()
            if b.is_visible()
        ]
        assert shown == ["Add this view to the lesson", "Open lesson file…"]
        page.click("#teach")
        dialog = page.locator("#teach-dialog")
        assert dialog.is_visible()
        words = dialog.inner_text()
        for needed in ("python3 build.py package", "python3 start.py --lan", "/classroom.svg"):
            assert needed in words
        href = page.locator("#teach-qr").get_attribute("href")
        assert href.startswith("classroom.svg?view=") and "coins" in href
    finally:
        guarded.close()


# Where an element lies on the screen: its box, and the screen's size and scrolled height.
BOXES = """(selectors) => ({
  screen: [innerWidth, innerHeight, document.documentElement.scrollHeight],
  boxes: selectors.map((s) => {
    const r = document.querySelector(s).getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  }),
})"""


def test_presenter_mode_fills_the_projector_with_the_result_and_the_measurements(browser, base_url):
    """A 1600×900 projector: the page is the screen (nothing below it), the result fills a good
    part of it in its own proportions, and the class reads the count and the table beside it."""
    guarded = Guarded(browser, viewport={"width": 1600, "height": 900})
    try:
        page = guarded.page
        steps = [["gaussian_filter", {"sigma": 2}], ["threshold_otsu", {}], ["label", {}]]
        page.goto(f"{base_url}#sample=coins&steps={quote(json.dumps(steps))}")
        page.wait_for_function(RESULT)
        page.click("#steps li:nth-child(3) .step")
        page.wait_for_function("() => document.querySelector('#info .table-caption') !== null")
        page.click("#present")
        page.wait_for_function("() => document.body.classList.contains('presenter')")
        assert page.locator("#info .table-caption").inner_text().startswith("24 objects")
        parts = ["#result", "#original", "#info", "#info .table-caption", "#info tbody tr"]
        seen = page.evaluate(BOXES, parts)
        width, height, scrolled = seen["screen"]
        assert scrolled <= height, "the page runs on below the screen"
        for name, (left, top, right, bottom) in zip(parts, seen["boxes"], strict=True):
            assert 0 <= left < right <= width and 0 <= top < bottom <= height, f"{name} is cut off"
        left, top, right, bottom = seen["boxes"][0]
        assert (right - left) * (bottom - top) >= 0.25 * width * height
        # the image's proportions (a pixel read under the pointer is the pixel under it)
        shape = page.evaluate(
            "() => ((c) => [c.width, c.height])(document.querySelector('#result'))"
        )
        assert (right - left) / (bottom - top) == pytest.approx(shape[0] / shape[1], rel=0.01)
    finally:
        guarded.close()


def test_embed_with_an_unknown_sample_names_the_samples(browser, base_url):
    guarded = Guarded(browser)
    try:
        page = guarded.page
        page.goto(f"{base_url}embed.html#demo=gaussian_filter&sample=coffe")
        page.wait_for_function("() => document.body.dataset.state === 'error'")
        message = page.locator("#message").inner_text()
        assert "unknown sample “coffe”" in message and "camera" in message and "coffee" in message
        assert page.locator("#run").is_hidden()
        # no code either: it would never run
        assert page.locator("details.code").is_hidden()
        assert "Runs once Python is ready" not in page.locator("body").inner_text()
        assert "Importing" not in page.locator("body").inner_text()
        assert "Starting" not in page.locator("body").inner_text()
    finally:
        guarded.close()


def test_the_labs_own_data_sliders_are_off_with_the_learners_data(browser, base_url):
    guarded = Guarded(browser)
    try:
        page = guarded.page
        page.goto(base_url + "#lab=fit_curve")
        page.wait_for_function(LAB_RESULT)
        page.click("#lab-data summary")
        page.fill("#lab-data-text", "x y\n" + "\n".join(f"{x} {x * x + 1}" for x in range(-5, 6)))
        page.click("#lab-data-use")
        page.wait_for_function("() => document.querySelector('#param-noise').disabled")
        for name in ("a", "b", "noise", "n", "seed"):
            assert page.locator(f"#param-{name}").is_disabled(), name
        assert "not used with your data" in page.locator("#param-a").evaluate(
            "(e) => getComputedStyle(e.closest('.control').querySelector('label'), '::after').content"
        )
        page.get_by_role("button", name="Back to the lab's own data").click()
        page.wait_for_function("() => !document.querySelector('#param-noise').disabled")
    finally:
        guarded.close()


def test_n_years_is_off_with_the_learners_years(browser, base_url):
    """n_years splits a record without years into years: with the learner's year column it
    changes nothing, and is turned off and said so; with speeds alone it is theirs to set."""
    guarded = Guarded(browser, viewport={"width": 1280, "height": 800})
    try:
        page = guarded.page
        page.goto(base_url + "#lab=wind_return_speed")
        page.wait_for_function(LAB_RESULT)
        assert page.locator("#param-n_years").is_enabled()  # the lab's own record has no years
        use_table(page, yearly_maxima(12))
        page.wait_for_function(LAB_RESULT)
        n_years = page.locator("#param-n_years")
        assert n_years.is_disabled()
        assert page.get_by_label("n_years slider").is_disabled()
        row = page.locator(".control", has=n_years)
        assert "not used with your data" in row.locator("label").evaluate(
            "(e) => getComputedStyle(e, '::after').content"
        )
        assert row.get_attribute("title") == (
            "Not used with your data: it applies only to a table without its first column (year)."
        )
        for name in ("smoothing-none", "years"):
            assert page.locator(f"#param-{name}").is_enabled(), name
        # the speeds alone: the lab splits them into n_years years again
        page.get_by_label("Use year").uncheck()
        page.click("#lab-data-use")
        page.wait_for_function("() => !document.querySelector('#param-n_years').disabled")
        page.get_by_label("Use year").check()
        page.click("#lab-data-use")
        page.wait_for_function("() => document.querySelector('#param-n_years').disabled")
        page.get_by_role("button", name="Back to the lab's own data").click()
        page.wait_for_function("() => !document.querySelector('#param-n_years').disabled")
    finally:
        guarded.close()


def test_the_data_previews_size_reads_on_one_line(screen, base_url):
    page = screen.page
    page.goto(base_url + "#lab=wind_return_speed")
    page.wait_for_function(LAB_RESULT)
    page.click("#lab-data summary")
    rows = (f"{1990 + i}, {speed:.2f}" for i, speed in enumerate(MAXIMA[:12]))
    page.fill("#lab-data-text", "year, max_speed\n" + "\n".join(rows))
    size = page.locator(".lab-data-preview").get_by_text("12 lines × 2 columns; the first 5")
    assert size.is_visible()
    lines = size.evaluate(
        """(e) => { const r = document.createRange(); r.selectNodeContents(e);
          return new Set([...r.getClientRects()].map((box) => Math.round(box.top))).size; }"""
    )
    assert lines == 1, f"the table's size is written on {lines} lines"


# Every text the page's message box shows, as it shows it (an init script: from the first paint).
WATCH_MESSAGES = """(() => {
  window.__messages = [];
  new MutationObserver(() => {
    const box = document.getElementById('message');
    const shown = box && !box.hidden ? box.textContent : '';
    if (shown && shown !== window.__messages.at(-1)) window.__messages.push(shown);
  }).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
})()"""


def test_a_first_visit_never_says_the_scripts_could_not_run(screen, base_url):
    """A first visit waits for the service worker to take the page before Python starts: the
    page's scripts are running then, not failed."""
    page = screen.page
    page.add_init_script(WATCH_MESSAGES)
    page.goto(base_url + COINS)
    page.wait_for_function(RESULT)
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")
    assert page.evaluate("() => window.__messages") == []
    assert page.locator("#runtime-text").inner_text().startswith("Python ready")


def test_the_teach_dialog_fits_a_phone(browser, base_url):
    guarded = Guarded(browser, viewport={"width": 390, "height": 844})
    try:
        page = guarded.page
        page.goto(base_url + COINS)
        # the button's handler is wired before the controls are drawn (app.js)
        page.wait_for_function("() => performance.getEntriesByName('ndlab:controls').length")
        page.click("#teach")
        left, top, right, bottom = page.evaluate(BOXES, ["#teach-dialog"])["boxes"][0]
        assert 0 < left and right < 390, f"the dialog spans {left}–{right} on a 390 px screen"
        assert page.get_by_role("button", name="Close").is_visible()
    finally:
        guarded.close()


@pytest.mark.parametrize(
    ("demo", "count"),
    [("fit_curve&compact=1", 5), ("fit_curve", 5), ("gaussian_filter&sample=coins", 1)],
    ids=["compact lab", "lab", "operation"],
)
def test_a_demo_on_a_phone_has_sliders_a_finger_can_move(browser, base_url, demo, count):
    """A demo in a phone's column of text: each slider takes the row's width but its number
    field's, as in the page."""
    guarded = Guarded(browser, viewport={"width": 358, "height": 844})
    try:
        page = guarded.page
        page.goto(f"{base_url}embed.html#demo={demo}")
        page.wait_for_function("() => document.body.dataset.state === 'ready'")
        widths = page.evaluate(
            """() => [...document.querySelectorAll('.control')].map((c) => [
              c.getBoundingClientRect().width,
              c.querySelector('input[type=range]').getBoundingClientRect().width,
              c.querySelector('input[type=number]').getBoundingClientRect().width])"""
        )
        assert len(widths) == count
        for row, slider, number in widths:
            assert slider > 0.6 * row and slider > 2 * number, (row, slider, number)
    finally:
        guarded.close()
