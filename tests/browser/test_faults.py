"""Faults of the runtime itself: the worker killed mid-run, memory nearly full. The page says what
happened, keeps the image and pipeline, and the next run gives CPython's pixels."""

import json

import numpy as np
from PIL import Image

from conftest import static_site
from ndlab.bridge.pixels import to_rgba
from pages import (
    OPEN_BIG_PHOTO,
    WATCH_RUNS,
    Guarded,
    page_pixels,
    runs_started,
    to_array,
    wait_for_run_started,
)
from test_page import assert_close, cpython


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


def test_worker_killed_mid_run_is_replaced_and_state_kept(fresh, base_url):
    page = fresh.page
    fresh.context.add_init_script(WATCH_RUNS)
    page.goto(base_url + "#sample=camera")
    fresh.wait_ready()
    workers = Workers(page)  # attached to the one worker, which is running
    page.click("#op-list button[data-op='median_filter']")
    page.locator("#param-size").fill("25")
    page.evaluate(OPEN_BIG_PHOTO)
    page.locator("#original-caption", has_text="big.png").wait_for()
    wait_for_run_started(page, "800×600")  # Python is inside the seconds of median filtering
    workers.kill()

    message = page.locator("#message")
    message.wait_for(state="visible")
    text = message.inner_text()
    assert "The Python worker stopped" in text and "image and settings are kept" in text
    page.locator("#busy").wait_for(state="hidden")
    assert "big.png · 800×600" in page.locator("#original-caption").inner_text()
    assert "size=25" in page.locator("#steps").inner_text()

    # a fresh Python takes over and the next run gives CPython's pixels
    page.wait_for_function(
        "() => document.querySelector('#runtime-text').textContent.startsWith('Python ready')",
    )
    page.locator("#param-size").fill("3")
    page.locator("#result-caption", has_text="800×600").wait_for()
    page.locator("#busy").wait_for(state="hidden")
    assert message.is_hidden()
    original = page_pixels(page, "document.querySelector('#original')")
    shown = page_pixels(page, "document.querySelector('#result')")
    assert_close(shown, cpython("median_filter", original, {"size": 3}))
    assert len(workers.sessions) == 1  # the killed worker is gone, its successor runs
    assert fresh.console_errors == []


# A synthetic colour picture, the same in the page and in NumPy.
SYNTHETIC_JS = """([width, height]) => {
  const image = new ImageData(width, height); const d = image.data;
  for (let y = 0, i = 0; y < height; y++) for (let x = 0; x < width; x++, i += 4) {
    d[i] = (7 * x + y) & 255; d[i + 1] = (x ^ y) & 255; d[i + 2] = (x * y) & 255; d[i + 3] = 255;
  }
  return image;
}"""
# Pixels [top, top + size) × [left, left + size) of an ImageData or a canvas, as {width, height, b64}.
WINDOW_JS = """([source, top, left, size]) => {
  const canvas = source instanceof HTMLCanvasElement ? source : Object.assign(
    document.createElement('canvas'), {width: source.width, height: source.height});
  if (canvas !== source) canvas.getContext('2d').putImageData(source, 0, 0);
  const window = canvas.getContext('2d').getImageData(left, top, size, size);
  let s = ''; const d = window.data;
  for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
  return {width: size, height: size, b64: btoa(s)};
}"""
BIG = (5000, 4000)  # 20 megapixels: a colour operation's float64 copies need over 2 GB


def synthetic(width, height):
    y, x = np.mgrid[:height, :width]
    rgb = np.dstack([(7 * x + y) & 255, x ^ y, (x * y) & 255]).astype(np.uint8)
    return to_rgba(rgb)


def window(page, source, top, left, size=96):
    return to_array(
        page.evaluate(f"([t, l, s]) => ({WINDOW_JS})([{source}, t, l, s])", [top, left, size])
    )


def test_run_too_big_for_memory_is_refused_before_running_then_fits_downscaled(app):
    page = app.page
    outcome = page.evaluate(
        f"""async ([width, height]) => {{
          const make = {SYNTHETIC_JS};
          const started = performance.now();
          try {{ await ndlab.run('adjust_gamma', {{gamma: 2}}, make([width, height])); return null; }}
          catch (e) {{
            const refused = {{type: e.type, message: e.message, hint: e.hint, fit: e.fit, ms: performance.now() - started}};
            const small = make([Math.floor(width * e.fit), Math.floor(height * e.fit)]);
            window.__small = (await ndlab.run('adjust_gamma', {{gamma: 2}}, small)).image;
            return refused;
          }}
        }}""",
        list(BIG),
    )
    assert outcome is not None and outcome["type"] == "MemoryError", outcome
    assert "Gamma correction on this 5000×4000 colour image would need about" in outcome["message"]
    assert 0.8 < outcome["fit"] < 1 and f"at {outcome['fit']:.0%}" in outcome["message"]
    assert "downscale" in outcome["hint"]
    width, height = (int(n * outcome["fit"]) for n in BIG)
    assert page.evaluate("() => [__small.width, __small.height]") == [width, height]
    # the far corner of the downscaled run is CPython's (a pointwise operation: a window suffices)
    got = window(page, "__small", height - 96, width - 96)
    expected = cpython("adjust_gamma", synthetic(width, height)[-96:, -96:], {"gamma": 2})
    assert np.array_equal(got, expected)


def test_downscale_and_run_button(fresh, base_url, tmp_path):
    page = fresh.page
    page.goto(base_url + "#sample=camera")
    fresh.wait_ready()
    page.click("#op-list button[data-op='adjust_gamma']")
    page.locator("#result-caption", has_text="Gamma").wait_for()
    path = tmp_path / "big.png"
    Image.fromarray(synthetic(*BIG)[..., :3]).save(path, compress_level=1)
    page.set_input_files("#file-input", str(path))
    message = page.locator("#message")
    message.wait_for(state="visible")
    assert "would need about" in message.inner_text()
    page.get_by_role("button", name="Downscale and run").click()
    page.locator("#original-caption", has_text="downscaled from 5000×4000").wait_for()
    caption = page.locator("#result-caption")
    page.wait_for_function(
        "() => /Gamma correction · \\d+×\\d+/.test(document.querySelector('#result-caption').textContent)"
        " && document.querySelector('#busy').hidden",
    )
    assert message.is_hidden()
    width, height = page.evaluate(
        "() => [document.querySelector('#original').width, document.querySelector('#original').height]"
    )
    assert 4000 < width < 5000 and abs(height / width - 0.8) < 0.001
    assert f"{width}×{height}" in caption.inner_text()
    original = window(page, "document.querySelector('#original')", height - 96, width - 96)
    shown = window(page, "document.querySelector('#result')", height - 96, width - 96)
    assert_close(shown, cpython("adjust_gamma", original, {}))


SHARED_HOST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Two demos</title>
<script src="{ndlab}static/embed.js" defer></script></head><body>
<div id="slow" data-ndlab="median_filter" data-sample="camera"></div>
<div id="blur" data-ndlab="gaussian_filter" data-sample="coins"></div></body></html>"""


def test_shared_worker_killed_mid_run_moves_every_demo_to_a_fresh_one(browser, base_url, tmp_path):
    """One demo's run is stopped without an answer: the other demo is told at once and its next
    run gives CPython's pixels from a fresh shared Python, instead of waiting forever."""
    (tmp_path / "index.html").write_text(SHARED_HOST.format(ndlab=base_url))
    with static_site(tmp_path) as url:
        host = Guarded(browser)
        host.context.add_init_script(WATCH_RUNS)
        page = host.page
        page.goto(url)
        page.wait_for_function(
            "() => ['slow', 'blur'].every(id => document.getElementById(id).dataset.ndlabState === 'ready')",
        )
        status = "(id) => ndlabEmbed.request(document.getElementById(id), {type: 'status'})"
        before = page.evaluate(status, "blur")["runtime"]["id"]
        slow = next(f for f in page.frames if "median_filter" in f.url)
        since = runs_started(slow)
        page.evaluate(
            """() => { window.slow = ndlabEmbed.request(document.getElementById('slow'),
                {type: 'set', params: {size: 25}}).then(() => 'answered', (e) => e.message); }"""
        )
        wait_for_run_started(slow, "512×512", since)  # the camera, in seconds of median filtering
        cdp = browser.new_browser_cdp_session()
        (worker,) = [
            t for t in cdp.send("Target.getTargets")["targetInfos"] if t["type"] == "shared_worker"
        ]
        session = cdp.send("Target.attachToTarget", {"targetId": worker["targetId"]})["sessionId"]
        message = json.dumps({"id": 1, "method": "Runtime.terminateExecution"})
        cdp.send("Target.sendMessageToTarget", {"sessionId": session, "message": message})

        assert "The Python worker stopped" in page.evaluate("window.slow")
        after = page.evaluate(
            """async () => {
              const blur = document.getElementById('blur');
              await ndlabEmbed.request(blur, {type: 'set', params: {sigma: 5}});
              return (await ndlabEmbed.request(blur, {type: 'status'})).runtime.id;
            }"""
        )
        assert after != before
        assert page.evaluate(status, "slow")["runtime"]["id"] == after  # one fresh Python for both
        frame = next(f for f in page.frames if "gaussian_filter" in f.url)
        coins = page_pixels(frame, "document.getElementById('original')")
        result = page_pixels(frame, "document.getElementById('result')")
        assert_close(result, cpython("gaussian_filter", coins, {"sigma": 5}))
        host.close()
