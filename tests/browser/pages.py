"""Pages under test: guarded browsers and pages, and reading pixels out of the page."""

import base64
import collections
import json
import time

import numpy as np
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# How long any wait of a browser test may take: Playwright's (its default of 30 s is replaced in
# every context) and the suite's own. On a 2-core machine shared with other work, a run that takes
# 3 s alone can take ten times as long, and Python's start-up or a lab that first loads
# matplotlib longer still. One limit for every wait, long: a test waits for what it needs to see
# (a message, a state the page shows, a worker's "started"), never for a time.
TIMEOUT_S = 180

# An 800×600 colour photograph opened as a file, as a user would: seconds of median filtering.
OPEN_BIG_PHOTO = """async () => {
  const c = document.createElement('canvas'); c.width = 800; c.height = 600;
  c.getContext('2d').drawImage(await createImageBitmap(await ndlab.loadSample('coffee')), 0, 0, 800, 600);
  const blob = await new Promise(r => c.toBlob(r));
  const dt = new DataTransfer(); dt.items.add(new File([blob], 'big.png', {type: 'image/png'}));
  const input = document.querySelector('#file-input'); input.files = dt.files;
  input.dispatchEvent(new Event('change'));
}"""


class GuardedBrowser:
    """A Chromium whose every context has the network guard as its proxy.

    Chromium sends each request through the proxy of the context it belongs to, whether a page,
    a frame, or a dedicated, shared or service worker makes it; its own requests (updates, calls
    home) go through the proxy it was launched with. So the guard sees what the tests' pages ask
    of other hosts, and only that.

    Parameters
    ----------
    browser : playwright.sync_api.Browser
    guard : proxy.RecordingProxy
    bypass : sequence of str
        Hosts, besides 127.0.0.1, that the contexts reach directly.
    """

    def __init__(self, browser, guard, bypass=()):
        self.browser = browser
        # naming 127.0.0.1 keeps Chromium's implicit rule that loopback goes direct (without it,
        # Playwright adds <-loopback>, which sends loopback to the proxy too)
        bypass = ",".join(("127.0.0.1", *bypass))
        self.proxy = {"server": f"http://{guard.address}", "bypass": bypass}

    def new_context(self, **options):
        """Playwright's Browser.new_context with the guard as the context's proxy."""
        return self.browser.new_context(proxy=self.proxy, **options)

    def new_browser_cdp_session(self):
        return self.browser.new_browser_cdp_session()

    def close(self):
        self.browser.close()


# What a page shows of its start, read when it never became ready: synchronous, so that it is
# read at once (as a wait's predicate, with a short timeout of its own) even from a page whose
# start awaits something for ever.
START_STATE = """() => ({
  body: {...document.body.dataset},
  html: {...document.documentElement.dataset},
  status: document.querySelector('#runtime-text')?.textContent,
  message: document.querySelector('#message')?.hidden === false
    ? document.querySelector('#message').textContent : null,
  api: typeof window.ndlab,
  marks: performance.getEntriesByType('mark').map((m) => m.name),
  controller: navigator.serviceWorker?.controller?.state ?? null,
  readyState: document.readyState,
})"""


class Guarded:
    """A page in a context of its own (guarded: see GuardedBrowser), its console errors
    collected (and its last console messages, for a start that never became ready)."""

    def __init__(self, browser, url=None, **options):
        """Open a context (Playwright's new_context `options`) and page; go to `url` if given."""
        self.context = browser.new_context(
            **{"viewport": {"width": 1280, "height": 900}, **options}
        )
        self.context.set_default_timeout(TIMEOUT_S * 1000)
        self.console_errors = []
        self.console = collections.deque(maxlen=40)
        # requests that failed or were answered with an error, of the pages and their workers
        self.network = collections.deque(maxlen=40)
        self.context.on("requestfailed", self._request_failed)
        self.context.on("response", self._response)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", self._page_error)
        if url:
            self.page.goto(url)

    def _console(self, message):
        source = " (a worker)" if message.worker else ""
        self.console.append(f"{message.type}{source}: {message.text}")
        if message.type == "error":
            self.console_errors.append(message.text)

    def _request_failed(self, request):
        self.network.append(f"failed: {request.url[:200]} ({request.failure})")

    def _response(self, response):
        if response.status >= 400:
            self.network.append(f"answered {response.status}: {response.url[:200]}")

    def _page_error(self, error):
        self.console.append(f"pageerror: {error}")
        self.console_errors.append(str(error))

    def wait_ready(self):
        """Wait until Python is ready in the page; if it never is, say how far its start came."""
        try:
            self.page.wait_for_function("() => document.body.dataset.ready === 'true'")
        except PlaywrightTimeoutError as error:
            raise TimeoutError(f"the page never became ready\n{self.start_report()}") from error
        return self.page

    def start_report(self):
        """How far the page's start came: what it shows, its workers, its last console messages
        and its failed requests."""
        try:
            shown = self.page.wait_for_function(START_STATE, timeout=10_000).json_value()
        except PlaywrightTimeoutError:
            shown = "(the page did not answer within 10 s)"
        lines = [
            f"url: {self.page.url[:200]}",
            f"page: {json.dumps(shown)}",
            f"dedicated workers: {[w.url for w in self.page.workers]}",
            f"service workers: {[w.url for w in self.context.service_workers]}",
            "console (last 40):",
            *self.console,
            "requests that failed or were answered with an error (last 40):",
            *self.network,
        ]
        return "\n".join(lines)

    def close(self):
        self.context.close()


JS_PIXELS = """(img) => {
  let s = ''; const d = img.data;
  for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
  return {width: img.width, height: img.height, b64: btoa(s)};
}"""


def untwinned(path):
    """The file of the build a requested path names: a .gz or .zst twin counts as its file."""
    return path.removesuffix(".gz").removesuffix(".zst")


def to_array(obj):
    """Turn {width, height, b64} from the page into an H×W×4 uint8 array."""
    data = np.frombuffer(base64.b64decode(obj["b64"]), dtype=np.uint8)
    return data.reshape(obj["height"], obj["width"], 4)


def page_pixels(page, expression):
    """Evaluate a JS expression that yields ImageData (or a canvas) and return its pixels."""
    obj = page.evaluate(
        f"""async () => {{
          let img = await ({expression});
          if (img instanceof HTMLCanvasElement) img = img.getContext('2d').getImageData(0, 0, img.width, img.height);
          return ({JS_PIXELS})(img);
        }}"""
    )
    return to_array(obj)


class HeldBack:
    """The requests of a context's pages and workers to URLs matching `pattern`, held back until
    `release` (and not after it)."""

    def __init__(self, context, pattern):
        self.routes = []
        self.released = False
        context.route(pattern, self._hold)

    def _hold(self, route):
        if self.released:
            route.continue_()
        else:
            self.routes.append(route)

    def release(self, page):
        """Wait until one is held (Playwright hands them over while the test talks to `page`),
        then let them go on."""
        deadline = time.monotonic() + TIMEOUT_S
        while not self.routes:
            if time.monotonic() > deadline:
                raise TimeoutError("no request was held back")
            page.evaluate("() => new Promise((resolve) => requestAnimationFrame(resolve))")
        self.released = True
        for route in self.routes:
            route.continue_()


def wait_until(page, async_predicate):
    """Wait in the page until an async JS predicate is truthy (wait_for_function takes its Promise
    as true); raise TimeoutError after TIMEOUT_S."""
    done = page.evaluate(
        f"""async (timeout) => {{
          const predicate = {async_predicate};
          const deadline = performance.now() + timeout;
          while (!(await predicate())) {{
            if (performance.now() > deadline) return false;
            await new Promise((resolve) => requestAnimationFrame(resolve));
          }}
          return true;
        }}""",
        TIMEOUT_S * 1000,
    )
    if not done:
        raise TimeoutError(f"still false after {TIMEOUT_S} s: {async_predicate}")


# Watches the workers' messages (an init script, in every frame): window.__runsStarted lists,
# as "W×H", the image of each run a worker has reported "started", so a test can act while
# Python is inside that run instead of guessing how long after a click it gets there.
WATCH_RUNS = """(() => {
  const inputs = new Map();  // input id (the page's choice, in the load job) -> "W×H"
  const runs = new Map();  // pipeline job id -> "W×H"
  window.__runsStarted = [];
  const record = (event) => {
    const m = event.data;
    if (m?.type === 'started' && runs.has(m.id)) window.__runsStarted.push(runs.get(m.id));
  };
  for (const target of [Worker.prototype, MessagePort.prototype]) {
    const post = target.postMessage;
    target.postMessage = function (message, ...rest) {
      if (message?.type === 'load') inputs.set(message.input, `${message.image.width}×${message.image.height}`);
      if (message?.type === 'pipeline') runs.set(message.id, inputs.get(message.input));
      return post.call(this, message, ...rest);
    };
  }
  window.Worker = class extends Worker {
    constructor(...args) { super(...args); this.addEventListener('message', record); }
  };
  window.SharedWorker = class extends SharedWorker {
    constructor(...args) { super(...args); this.port.addEventListener('message', record); }
  };
})();"""


def runs_started(frame):
    """How many runs the frame's workers have reported started so far; needs WATCH_RUNS."""
    return frame.evaluate("window.__runsStarted.length")


def wait_for_run_started(frame, size, since=0):
    """Wait until a worker has started a run on an image of `size` ("W×H"), after the first
    `since` runs (see runs_started); needs WATCH_RUNS."""
    frame.wait_for_function(
        "([size, since]) => window.__runsStarted.slice(since).includes(size)", arg=[size, since]
    )


# [light, dark]: how many opaque pixels of a canvas, in its left `fraction`, are light and dark.
INK = """([selector, fraction]) => {
  const c = document.querySelector(selector);
  const d = c.getContext('2d').getImageData(0, 0, Math.round(c.width * fraction), c.height).data;
  const counts = [0, 0];
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200) counts[d[i] > 150 ? 0 : 1]++;
  return counts;
}"""


def ink(page, selector, fraction=1.0):
    """How many opaque pixels of a canvas (its left `fraction`) are [light, dark]."""
    return page.evaluate(INK, [selector, fraction])


def wait_for_ink(page, selector, fraction=1.0, dark=False):
    """Wait until a canvas's opaque pixels (its left `fraction`) are all light, or all dark."""
    page.wait_for_function(f"(a) => ({INK})(a)[{0 if dark else 1}] === 0", arg=[selector, fraction])


def cpython_pipeline(rgba, steps):
    """What ndlab shows in plain CPython for the same pixels: `steps` as ``[name, params]`` pairs
    run on the input the page keeps (grey as 2-D, opaque colour as RGB), as RGBA pixels."""
    import ndlab
    from ndlab.bridge.pixels import to_rgba
    from ndlab.reading import canonical

    result = ndlab.run_pipeline(canonical(np.ascontiguousarray(rgba)), [list(s) for s in steps])
    return to_rgba(result.image)
