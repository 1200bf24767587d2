"""Controls of the network guard (conftest.py's proxy): a request to another host is caught
whichever context makes it, the page or its dedicated, shared or service worker; the browser's own
requests are not the pages', and go elsewhere."""

import pytest

from conftest import launch, static_site
from pages import Guarded
from proxy import host_of

# One request to a host of its own from each kind of context (the names never resolve: the
# proxy refuses them before any lookup).
CONTROL_SITE = {
    "index.html": """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>guard</title>
<script src="page.js" defer></script></head><body></body></html>""",
    "page.js": """fetch('http://page.guard-check.example/').catch(() => {});
new Worker('dedicated.js');
new SharedWorker('shared.js');
navigator.serviceWorker.register('sw.js');""",
    "dedicated.js": "fetch('http://dedicated-worker.guard-check.example/').catch(() => {});",
    "shared.js": "fetch('http://shared-worker.guard-check.example/').catch(() => {});",
    "sw.js": """self.addEventListener('activate', (event) => event.waitUntil(
  fetch('http://service-worker.guard-check.example/').catch(() => {})));""",
}
CONTEXTS = ("page", "dedicated-worker", "shared-worker", "service-worker")


def hosts(requests):
    """The contexts whose control request the proxy saw."""
    return {host_of(line).split(".")[0] for line in requests}


@pytest.mark.parametrize("secure", [False, True], ids=["http", "https"])
def test_guard_catches_a_request_from_every_kind_of_context(browser, proxy, tmp_path, secure):
    scheme = "https" if secure else "http"
    for name, text in CONTROL_SITE.items():
        (tmp_path / name).write_text(text.replace("http://", f"{scheme}://"))
    with static_site(tmp_path) as url:
        guarded = Guarded(browser, url)
        caught = proxy.wait_for(lambda requests: hosts(requests) >= set(CONTEXTS))
        seen = proxy.take()
        guarded.close()
    assert caught, f"the guard saw only {seen}"
    method = "CONNECT" if secure else "GET"
    assert all(line.startswith(method) for line in seen), seen


def test_the_browsers_own_requests_are_not_a_failure(playwright, proxy, browser_own):
    """Chromium calling home, made to happen: its component updater, told to check at once and
    where, asks the proxy Chromium was launched with; the guard, which fails tests, sees nothing."""
    home = "component-updates.guard-check.example"
    browser = launch(
        playwright, proxy, browser_own, f"--component-updater=fast-update,url-source=http://{home}/"
    )
    called = browser_own.wait_for(lambda requests: home in map(host_of, requests))
    browser.close()
    assert called, f"Chromium's own proxy saw only {browser_own.take()}"
    assert proxy.take() == []
