"""What travels before the first result: the worker fetches the large files it unpacks itself
(build.json's ``packed``: Pyodide's WebAssembly and the files of the snapshot it restores) as their
.zst twins,
so a host that compresses nothing, as ``python3 -m http.server`` run in dist/ (a teacher's way),
sends them compressed; a worker without WebCrypto to check what it unpacked fetches the plain
files (which ``build.py serve`` sends gzip-encoded)."""

import json

from pages import Guarded
from tools.layout import DIST
from tools.server import other_site, running

BUILD = json.loads((DIST / "build.json").read_text())
PACKED = sorted(BUILD["packed"])
SNAPSHOT = BUILD["snapshot"]
#: What Chromium's start fetches of them: the runtime, the packages' files a restore needs, the
#: memory of the snapshot made in Chromium (not of those made in other engines); and then the
#: packages' other files, which the first result does not wait for.
FETCHED = sorted(["pyodide/pyodide.asm.wasm", SNAPSHOT["files"], SNAPSHOT["made"][0]["file"]])
LATER = SNAPSHOT["later"]
FIRST_RESULT = "() => performance.getEntriesByName('ndlab:result').length > 0"
# the worker's module, with WebCrypto taken away before it starts Python (as on a LAN address)
WITHOUT_WEBCRYPTO = "Object.defineProperty(crypto, 'subtle', { value: undefined });\n"
# the start-up progress the worker reports to the page, kept in window.progress
RECORD_PROGRESS = """window.progress = [];
window.Worker = class extends Worker {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (e) => e.data?.type === 'progress' && progress.push(e.data));
  }
};"""


def first_result(browser, url, prefix=""):
    """A fresh page at `url` (its worker's module with `prefix` in front) until its first result;
    returns its start-up timings, the paths of the site it and its worker requested, and the
    progress its worker reported."""
    guarded = Guarded(browser)
    guarded.page.add_init_script(RECORD_PROGRESS)
    requested = []
    guarded.context.on(
        "request", lambda r: r.service_worker or requested.append(r.url.removeprefix(url))
    )
    if prefix:

        def prefixed(route):
            response = route.fetch()
            route.fulfill(response=response, body=prefix + response.text())

        guarded.context.route("**/worker/worker.js", prefixed)
    guarded.page.goto(url)
    guarded.page.wait_for_function(FIRST_RESULT)
    timings = guarded.page.evaluate("async () => (await ndlab.ready).timings")
    progress = guarded.page.evaluate("window.progress")
    guarded.close()
    return timings, requested, progress


def test_a_plain_static_host_sends_the_large_files_compressed(browser):
    assert PACKED == sorted([*FETCHED, LATER, *(made["file"] for made in SNAPSHOT["made"][1:])])
    with running(other_site(DIST)) as url:  # http.server: no gzip, no isolation headers
        timings, requested, progress = first_result(browser, url)
    assert timings["snapshot"] == "restored"
    # (this host sends no isolation headers: once Python is ready, a spare worker starts and may
    # ask for the same files, which the service worker then answers from its cache)
    assert [f"{name}.zst" for name in FETCHED] == sorted(
        {n for n in requested if n.endswith(".zst")} - {f"{LATER}.zst"}
    )
    assert not set(PACKED) & set(requested)
    # the progress counts the bytes that travel, out of what travels (the twins' sizes)
    downloads = [p for p in progress if p["total"] > 1]
    assert {p["total"] for p in downloads} == {BUILD["startup_bytes"]}
    loaded = max(p["loaded"] for p in downloads)
    assert BUILD["startup_bytes"] * 0.8 < loaded <= BUILD["startup_bytes"]


def test_a_worker_without_webcrypto_fetches_the_plain_files(browser, base_url):
    timings, requested, progress = first_result(browser, base_url, prefix=WITHOUT_WEBCRYPTO)
    assert timings["snapshot"] == "restored"
    assert set(FETCHED) <= set(requested)
    assert not [n for n in requested if n.endswith((".gz", ".zst"))]
    assert {p["total"] for p in progress if p["total"] > 1} == {BUILD["startup_bytes_plain"]}
