"""Each capability the page relies on, taken away before its scripts run: the page works without
it or says what failed and what to do; it never waits for ever with "Starting Python…".

WebKitGTK showed both faults found here: it reports `crossOriginIsolated` without a
SharedArrayBuffer that can be posted to a worker, and under LANG=C.UTF-8 its Intl refuses
`navigator.language` ("C"), which uPlot formats numbers with as it loads.
"""

import pytest

from pages import Guarded, wait_until

# A SharedArrayBuffer in a message is refused, as WebKitGTK refuses one (DataCloneError).
SAB_NOT_POSTABLE = """(() => {
  for (const target of [Worker.prototype, MessagePort.prototype]) {
    const post = target.postMessage;
    target.postMessage = function (message, ...rest) {
      const buffers = [message, ...Object.values(message ?? {})].map((v) => v?.buffer ?? v);
      if (buffers.some((v) => v instanceof SharedArrayBuffer)) throw new DOMException('SharedArrayBuffer', 'DataCloneError');
      return post.call(this, message, ...rest);
    };
  }
})()"""

WITHOUT = {
    "SharedArrayBuffer": "delete globalThis.SharedArrayBuffer",
    "a SharedArrayBuffer that can be posted": SAB_NOT_POSTABLE,
    "a locale Intl accepts": (
        "Object.defineProperty(Navigator.prototype, 'language', {get: () => 'C', configurable: true})"
    ),
    "OffscreenCanvas": "delete globalThis.OffscreenCanvas",
    "service workers": "delete Navigator.prototype.serviceWorker",
    "CompressionStream": "delete globalThis.CompressionStream; delete globalThis.DecompressionStream",
    "modulepreload": (
        "new MutationObserver((records) => records.forEach((r) => r.addedNodes.forEach("
        "(n) => n.rel === 'modulepreload' && n.remove()))).observe(document, "
        "{childList: true, subtree: true})"
    ),
}

# What each of these takes away stops Python (or the page's scripts): the page says so.
EXPLAINED = {
    "WebAssembly": ("delete globalThis.WebAssembly", "no WebAssembly"),
    "Web Workers": ("delete globalThis.Worker", "no Web Workers"),
    # a module that throws as it loads: every Intl.NumberFormat refused
    "a module that runs": (
        "Intl.NumberFormat = function () { throw new RangeError('no number formats'); }",
        "could not run in this browser: RangeError: no number formats",
    ),
    # a file of the site the page needs before it waits for Python, answered 503
    "the site's files": (
        "const fetchSite = window.fetch; window.fetch = (url, ...rest) =>"
        " String(url).endsWith('/catalog.json')"
        " ? Promise.resolve(new Response('', {status: 503})) : fetchSite(url, ...rest)",
        "The page could not start: the site's catalog.json answered 503",
    ),
    # a worker that never reports anything: the start is called stalled after 2 s
    "progress": (
        "window.ndlabStallSeconds = 2; window.Worker = class extends Worker {"
        " set onmessage(f) { super.onmessage = () => {}; } }",
        "Python's start made no progress for 2 s",
    ),
}

# A lab that reports each of its 200 hops, cancelled at the first report.
CANCEL_LAB_MID_RUN = """async () => {
  const controller = new AbortController();
  const onProgress = ({fraction}) => fraction > 0 && controller.abort();
  try {
    await ndlab.runLab('minimize_scalar_function', {niter: 200}, {signal: controller.signal, onProgress});
    return {outcome: 'finished'};
  } catch (e) { return {outcome: e.name, message: e.message}; }
}"""
TAKE_SAMPLE = (
    "async () => (await ndlab.run('sobel', {}, await ndlab.loadSample('coins'))).image.width"
)


@pytest.mark.parametrize("script", WITHOUT.values(), ids=WITHOUT.keys())
def test_page_works_without(browser, base_url, script):
    page = Guarded(browser)
    try:
        page.page.add_init_script(script)
        page.page.goto(base_url + "#lab=minimize_scalar_function")
        page.wait_ready()
        assert page.page.evaluate(TAKE_SAMPLE) == 384
        # a lab's plot (uPlot, which formats numbers in the page's locale) is drawn
        page.page.locator(".figures figure.plot .u-over").first.wait_for()
        assert page.console_errors == []
    finally:
        page.close()


def test_cancel_without_shared_memory_restarts_python(browser, base_url):
    """WebKit's case: the page looks isolated but cannot share memory; cancelling still works."""
    page = Guarded(browser)
    try:
        page.page.add_init_script(SAB_NOT_POSTABLE)
        page.page.goto(base_url)
        page.wait_ready()
        assert page.page.evaluate("() => ndlab.interruptible") is False
        wait_until(page.page, "async () => (await ndlab.status()).spare === 'ready'")
        result = page.page.evaluate(CANCEL_LAB_MID_RUN)
        assert result["outcome"] == "AbortError", result
        assert "spare took over" in result["message"]
        assert page.page.evaluate(TAKE_SAMPLE) == 384
    finally:
        page.close()


@pytest.mark.parametrize("script, said", EXPLAINED.values(), ids=EXPLAINED.keys())
def test_page_explains_without(browser, base_url, script, said):
    page = Guarded(browser)
    try:
        page.page.add_init_script(script)
        page.page.goto(base_url)
        message = page.page.locator("#message")
        message.wait_for(state="visible")
        assert said in message.inner_text()
        # and what the reader can do
        assert any(word in message.inner_text() for word in ("reload", "Reload", "Open this page"))
        assert "Starting Python" not in page.page.locator("#runtime-text").inner_text()
    finally:
        page.close()


def test_embed_works_without_shared_workers(browser, base_url):
    page = Guarded(browser)
    try:
        page.page.add_init_script("delete globalThis.SharedWorker")
        page.page.goto(base_url + "embed.html#op=sobel&sample=coins")
        page.page.wait_for_function("() => window.ndlab && ndlab.ready.then(() => true)")
        assert page.page.evaluate(TAKE_SAMPLE) == 384
    finally:
        page.close()


def test_page_explains_a_module_that_did_not_download(browser, base_url):
    """A dropped connection, not the browser: the page names the script and says to reload."""
    page = Guarded(browser)
    try:
        page.page.route("**/static/labs.js", lambda route: route.abort())
        page.page.goto(base_url)
        message = page.page.locator("#message")
        message.wait_for(state="visible")
        assert f"did not download: {base_url}static/app.js" in message.inner_text()
        assert "Check the connection and reload the page." in message.inner_text()
        assert "Python cannot start" in page.page.locator("#runtime-text").inner_text()
    finally:
        page.close()
