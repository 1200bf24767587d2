"""Cancelling a long computation: interrupt when isolated, warm spare otherwise; state survives."""

import pytest

from ndlab import labs
from pages import (
    OPEN_BIG_PHOTO,
    WATCH_RUNS,
    Guarded,
    runs_started,
    wait_for_run_started,
    wait_until,
)

# A big colour image and a wide median filter: seconds of work, in three per-channel calls.
START_LONG_RUN = """async () => {
  const c = document.createElement('canvas'); c.width = 800; c.height = 600;
  const cx = c.getContext('2d');
  cx.drawImage(await createImageBitmap(await ndlab.loadSample('coffee')), 0, 0, 800, 600);
  window.__controller = new AbortController();
  window.__longRun = ndlab.run('median_filter', {size: 25}, cx.getImageData(0, 0, 800, 600),
    {signal: window.__controller.signal})
    .then(() => ({outcome: 'finished'}), (e) => ({outcome: e.name, message: e.message}));
}"""


def cancel_a_long_run(page):
    """Start seconds of median filtering and cancel it once the worker says it has started it
    (the page needs WATCH_RUNS); return how the run ended: {outcome, message}."""
    since = runs_started(page)
    page.evaluate(START_LONG_RUN)
    wait_for_run_started(page, "800×600", since)
    page.evaluate("() => window.__controller.abort()")
    return page.evaluate("() => window.__longRun")


NEXT_RUN = (
    "async () => (await ndlab.run('sobel', {}, await ndlab.loadSample('camera'))).image.width"
)


@pytest.fixture(params=["isolated", "plain"])
def page(request, browser, base_url, plain_url):
    guarded = Guarded(browser)
    guarded.context.add_init_script(WATCH_RUNS)
    guarded.page.goto(base_url if request.param == "isolated" else plain_url)
    guarded.wait_ready()
    yield request.param, guarded.page
    guarded.close()


def test_cancel_stops_the_run_and_the_next_run_works(page):
    kind, page = page
    assert page.evaluate("() => ndlab.interruptible") == (kind == "isolated")
    if kind == "plain":
        # the spare worker is warm a few seconds after the page's own
        wait_until(page, "async () => (await ndlab.status()).spare === 'ready'")
    result = cancel_a_long_run(page)
    assert result["outcome"] == "AbortError", result
    expected = "still warm" if kind == "isolated" else "spare took over"
    assert expected in result["message"]
    # no new Python start-up: the interrupted interpreter, or the warm spare, is ready at once
    settled = "async () => Promise.race([ndlab.ready.then(() => 'ready'), new Promise(r => setTimeout(() => r('waiting'), 0))])"
    assert page.evaluate(settled) == "ready"
    assert page.evaluate(NEXT_RUN) == 512


def test_cancel_button_in_the_page(page):
    _, page = page
    page.click("#op-list button[data-op='median_filter']")
    page.locator("#param-size").fill("25")
    since = runs_started(page)
    page.evaluate(OPEN_BIG_PHOTO)
    # the big photo's own run, not the camera's run that the new size started: a cancel of that
    # one would show its message only until the photo's run cleared it
    wait_for_run_started(page, "800×600", since)
    cancel = page.locator("#cancel")
    cancel.wait_for(state="visible")
    cancel.click()
    message = page.locator("#message")
    message.wait_for(state="visible")
    assert "Cancelled" in message.inner_text()
    assert "big.png" in page.locator("#original-caption").inner_text()
    page.locator("#busy").wait_for(state="hidden")


def test_cancel_stops_a_lab_mid_run_and_keeps_python_warm(browser, base_url):
    guarded = Guarded(browser, base_url)
    page = guarded.wait_ready()
    # basin hopping reports each of its 200 hops; cancelling at the first report stops it there
    outcome = page.evaluate(
        """async () => {
          const controller = new AbortController();
          const fractions = [];
          const onProgress = ({fraction}) => { fractions.push(fraction); if (fraction > 0) controller.abort(); };
          try {
            await ndlab.runLab('minimize_scalar_function', {niter: 200}, {signal: controller.signal, onProgress});
            return {outcome: 'finished', fractions};
          } catch (e) { return {outcome: e.name, message: e.message, fractions}; }
        }"""
    )
    assert outcome["outcome"] == "AbortError" and "still warm" in outcome["message"], outcome
    assert max(outcome["fractions"]) < 0.5  # stopped mid-run, not at its end
    values = page.evaluate(
        "async () => (await ndlab.runLab('minimize_scalar_function', {niter: 4})).outputs.values"
    )
    expected = labs.run("minimize_scalar_function", niter=4).outputs["values"]
    assert values["basinhopping_x"] == pytest.approx(expected["basinhopping_x"], abs=1e-6)
    guarded.close()
