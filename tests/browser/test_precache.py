"""What a visit costs the network, counted from the server's side: a first visit, with the site
cached for offline use, fetches each file once and at most 50 MB; a return visit fetches nothing
the browser already has; and with the server stopped the page still starts and computes."""

import collections
import hashlib
import json
import os
import shutil

import pytest
from playwright.sync_api import Error as PlaywrightError

from pages import Guarded, untwinned, wait_until
from test_offline import assert_works_offline, wait_for_precache
from tools import server
from tools.layout import DIST

#: A first visit's bytes on the wire, the site cached for offline use included.
FIRST_VISIT_BYTES = 50_000_000
#: What a return visit may ask the server: the browser checks for a new service worker (which
#: tells of a new build), answered 304 when there is none. Everything else the service worker
#: answers from its cache.
MUST_REVALIDATE = {"/sw.js"}

Sent = collections.namedtuple("Sent", "path status bytes")


class _Counted:
    """A connection's output, counting the bytes written to it."""

    def __init__(self, raw):
        self.raw, self.count = raw, 0

    def write(self, data):
        self.count += len(data)
        return self.raw.write(data)

    def __getattr__(self, name):
        return getattr(self.raw, name)


class Recorded(server.Handler):
    """ndlab's server, writing down each request's path, status and bytes sent (headers and
    body) in the list `sent`; it serves the folder `site[0]` (a test may put another there)."""

    sent = None
    site = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(self.site[0]), **kwargs)

    def setup(self):
        super().setup()
        self.wfile = _Counted(self.wfile)

    def handle_one_request(self):
        self.requestline = ""
        before = self.wfile.count
        super().handle_one_request()
        if self.requestline:
            self.sent.append(Sent(self.path, self.status, self.wfile.count - before))


def recorded_server(sent, site=None):
    """A server of `site` (a one-item list: the folder served, DIST unless given) writing down
    what it sends in the list `sent`."""
    attributes = {"sent": sent, "site": site or [DIST]}
    return server.LimitedServer(("127.0.0.1", 0), type("RecordedHandler", (Recorded,), attributes))


def cached_paths(page):
    """The paths the service worker's cache holds."""
    return set(
        page.evaluate(
            """async () => {
              const cache = await caches.open((await caches.keys()).find((n) => n.startsWith('ndlab-')));
              return (await cache.keys()).map((r) => new URL(r.url).pathname);
            }"""
        )
    )


def test_a_first_visit_fetches_each_file_once_and_a_return_visit_nothing(browser):
    if not (DIST / "build.json").exists():
        pytest.fail("dist/ is not built: run `python3 build.py build`")
    sent = []
    with server.running(recorded_server(sent)) as url:
        guarded = Guarded(browser, url)
        guarded.wait_ready()
        wait_for_precache(guarded.page)
        first = list(sent)
        # (a file both the page and Python's worker load is asked twice: the page loaded it before
        # the service worker existed, the worker through it; the second time it is revalidated,
        # 304 without a body)
        bodies = collections.Counter(s.path for s in first if s.status != 304)
        twice = [path for path, n in bodies.items() if n > 1]
        assert twice == [], f"fetched more than once: {[s for s in first if s.path in twice]}"
        total = sum(s.bytes for s in first)
        assert total <= FIRST_VISIT_BYTES, f"a first visit sent {total / 1e6:.1f} MB"

        # the engine's start is cached, one way only: this Chromium restored the snapshot
        timings = guarded.page.evaluate("async () => (await ndlab.ready).timings")
        assert timings["snapshot"] == "restored"
        cached = {untwinned(p) for p in cached_paths(guarded.page)}
        made = json.loads((DIST / "build.json").read_text())["snapshot"]["made"]
        # the memory of the snapshot made in Chromium, not of those made in other engines
        assert {f"/{made[0]['file']}", "/snapshot/files.bin"} <= cached
        assert not {f"/{m['file']}" for m in made[1:]} & cached
        assert not [p for p in cached if "/h-" in p], "packages cached besides the snapshot"

        del sent[:]
        guarded.page.reload()
        guarded.wait_ready()
        wait_for_precache(guarded.page)
        again = [s for s in sent if s.path not in MUST_REVALIDATE or s.status != 304]
        assert again == [], f"a return visit fetched {again}"
    assert_works_offline(guarded, url)
    guarded.close()


def next_build(folder, changed):
    """dist/ as the next build would be with one file, `changed`, edited: linked into `folder`,
    that file, build.json and sw.js written anew (their twins dropped)."""
    shutil.copytree(DIST, folder, copy_function=os.link)
    build = json.loads((DIST / "build.json").read_text())
    edited = (DIST / changed).read_bytes() + b"\n"
    build["sha256"][changed] = hashlib.sha256(edited).hexdigest()
    build["id"] = hashlib.sha256(build["id"].encode()).hexdigest()[:12]
    sw = (DIST / "sw.js").read_text().split("\n", 1)[1]
    texts = {changed: edited, "build.json": json.dumps(build).encode()}
    texts["sw.js"] = f'const BUILD_ID = "{build["id"]}";\n{sw}'.encode()
    for name, data in texts.items():
        for path in (folder / name, folder / f"{name}.gz", folder / f"{name}.zst"):
            path.unlink(missing_ok=True)
        (folder / name).write_bytes(data)
    return build["id"]


def test_an_update_fetches_only_what_changed(browser, tmp_path):
    """A new build is found on a return visit: its service worker fills its cache from the
    older one and fetches only the files that changed; once the learner reloads, the older
    cache is gone."""
    sent, site = [], [DIST]
    with server.running(recorded_server(sent, site)) as url:
        guarded = Guarded(browser, url)
        guarded.wait_ready()
        wait_for_precache(guarded.page)
        site[0] = tmp_path / "next"
        build_id = next_build(site[0], "static/favicon.svg")
        del sent[:]
        guarded.page.reload()
        with guarded.page.expect_navigation():  # the page offers the new build; take it
            guarded.page.locator("#update-reload").click()
        guarded.wait_ready()
        wait_for_precache(guarded.page)
        fetched = {s.path for s in sent if s.status != 304}
        assert fetched == {"/sw.js", "/build.json", "/static/favicon.svg"}
        wait_for_caches(guarded.page, [f"ndlab-{build_id}"])
        guarded.close()


def wait_for_caches(page, names):
    """Wait until the service worker's caches are `names`: the new build's worker deletes the
    older cache once it has taken the page, while the page starts (under load, after the page has
    precached; once, the page even navigated again meanwhile, so a wait cut short by a
    navigation is waited again in the page it came to)."""
    predicate = (
        f"async () => JSON.stringify(await caches.keys()) === {json.dumps(json.dumps(names))}"
    )
    try:
        wait_until(page, predicate)
    except PlaywrightError as error:
        if "Execution context was destroyed" not in str(error):
            raise
        page.wait_for_load_state()
        wait_until(page, predicate)
