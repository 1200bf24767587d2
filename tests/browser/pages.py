"""Pages under test: a request guard, and reading pixels out of the page."""

import base64
import time

import numpy as np

READY_TIMEOUT_MS = 120_000

# An 800×600 colour photograph opened as a file, as a user would: seconds of median filtering.
OPEN_BIG_PHOTO = """async () => {
  const c = document.createElement('canvas'); c.width = 800; c.height = 600;
  c.getContext('2d').drawImage(await createImageBitmap(await ndlab.loadSample('coffee')), 0, 0, 800, 600);
  const blob = await new Promise(r => c.toBlob(r));
  const dt = new DataTransfer(); dt.items.add(new File([blob], 'big.png', {type: 'image/png'}));
  const input = document.querySelector('#file-input'); input.files = dt.files;
  input.dispatchEvent(new Event('change'));
}"""


class Guarded:
    """A page in a context of its own, its console errors collected.

    The session's proxy (conftest.py) guards its requests, as it guards every context's.
    """

    def __init__(self, browser, url=None):
        """Open a context and page; go to `url` if given."""
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.console_errors = []
        self.page = self.context.new_page()
        self.page.on(
            "console",
            lambda m: m.type == "error" and self.console_errors.append(m.text),
        )
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        if url:
            self.page.goto(url)

    def wait_ready(self):
        self.page.wait_for_function(
            "() => document.body.dataset.ready === 'true'", timeout=READY_TIMEOUT_MS
        )
        return self.page

    def close(self):
        self.context.close()


JS_PIXELS = """(img) => {
  let s = ''; const d = img.data;
  for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
  return {width: img.width, height: img.height, b64: btoa(s)};
}"""


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


def wait_until(page, async_predicate, timeout=120.0):
    """Poll an async JS predicate until it is truthy (wait_for_function takes its Promise as true)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(async_predicate):
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout} s: {async_predicate}")
        page.wait_for_timeout(200)


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
