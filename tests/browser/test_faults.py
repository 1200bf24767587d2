"""Faults of the runtime itself: the worker killed mid-run, memory nearly full. The page says what
happened, keeps the image and pipeline, and the next run gives CPython's pixels."""

import json

import numpy as np

from ndlab import web
from pages import page_pixels, wait_until

# An 800×600 colour photograph opened as a file, as a user would: seconds of median filtering.
OPEN_BIG_PHOTO = """async () => {
  const c = document.createElement('canvas'); c.width = 800; c.height = 600;
  c.getContext('2d').drawImage(await createImageBitmap(await ndlab.loadSample('coffee')), 0, 0, 800, 600);
  const blob = await new Promise(r => c.toBlob(r));
  const dt = new DataTransfer(); dt.items.add(new File([blob], 'big.png', {type: 'image/png'}));
  const input = document.querySelector('#file-input'); input.files = dt.files;
  input.dispatchEvent(new Event('change'));
}"""


class Workers:
    """The page's dedicated workers, reached through the Chrome DevTools Protocol."""

    def __init__(self, page):
        self.cdp = page.context.new_cdp_session(page)
        self.sessions = {}
        self.cdp.on("Target.attachedToTarget", self._attached)
        self.cdp.on("Target.detachedFromTarget", lambda e: self.sessions.pop(e["sessionId"], 0))
        self.cdp.send(
            "Target.setAutoAttach",
            {"autoAttach": True, "waitForDebuggerOnStart": False, "flatten": False},
        )

    def _attached(self, event):
        if event["targetInfo"]["type"] == "worker":
            self.sessions[event["sessionId"]] = event["targetInfo"]["url"]

    def kill(self):
        """Stop the JavaScript (and so the Python) running in the page's one worker, mid-run.

        The worker's thread survives but the run never answers: what a worker that dies without
        an error event looks like to the page. (Chromium cannot close a dedicated worker
        target.)
        """
        (session,) = self.sessions
        message = {"id": 1, "method": "Runtime.terminateExecution"}
        self.cdp.send(
            "Target.sendMessageToTarget", {"sessionId": session, "message": json.dumps(message)}
        )


def cpython(name, rgba, params):
    out, meta = web.run_rgba(name, np.ascontiguousarray(rgba), json.dumps(params))
    assert "error" not in json.loads(meta), meta
    return out


def assert_close(page_rgba, cpython_rgba):
    assert page_rgba.shape == cpython_rgba.shape
    assert np.abs(page_rgba.astype(int) - cpython_rgba.astype(int)).max() <= 1


def test_worker_killed_mid_run_is_replaced_and_state_kept(fresh, base_url):
    page = fresh.page
    page.goto(base_url + "#sample=camera")
    fresh.wait_ready()
    workers = Workers(page)
    wait_until(page, "async () => true")  # let the auto-attach events arrive
    page.click("#op-list button[data-op='median_filter']")
    page.locator("#param-size").fill("25")
    page.evaluate(OPEN_BIG_PHOTO)
    page.locator("#busy").wait_for(state="visible", timeout=30_000)
    page.locator("#original-caption", has_text="big.png").wait_for()
    page.wait_for_timeout(1500)  # well inside SciPy's median filter
    workers.kill()

    message = page.locator("#message")
    message.wait_for(state="visible", timeout=10_000)
    text = message.inner_text()
    assert "The Python worker stopped" in text and "image and settings are kept" in text
    page.locator("#busy").wait_for(state="hidden")
    assert "big.png · 800×600" in page.locator("#original-caption").inner_text()
    assert "size=25" in page.locator("#steps").inner_text()

    # a fresh Python takes over and the next run gives CPython's pixels
    page.wait_for_function(
        "() => document.querySelector('#runtime-text').textContent.startsWith('Python ready')",
        timeout=120_000,
    )
    page.locator("#param-size").fill("3")
    page.locator("#result-caption", has_text="800×600").wait_for(timeout=60_000)
    page.locator("#busy").wait_for(state="hidden")
    assert message.is_hidden()
    original = page_pixels(page, "document.querySelector('#original')")
    shown = page_pixels(page, "document.querySelector('#result')")
    assert_close(shown, cpython("median_filter", original, {"size": 3}))
    assert len(workers.sessions) == 1  # the killed worker is gone, its successor runs
    assert fresh.console_errors == []
