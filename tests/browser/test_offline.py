"""Offline-first: after one visit the page starts and computes with its server stopped."""

import urllib.error
import urllib.request

import pytest

from conftest import serving
from ndlab import labs
from pages import TIMEOUT_S, Guarded, HeldBack, page_pixels, wait_until
from test_page import assert_close, cpython

# Whether the service worker's cache holds the packages' files for later when the page asks it to
# cache the rest of the site (static/offline.js posts "precache"), kept in window.laterCached.
RECORD_PRECACHE = """(() => {
  const post = ServiceWorker.prototype.postMessage;
  ServiceWorker.prototype.postMessage = function (message, ...rest) {
    if (message === 'precache')
      window.laterCached = caches.keys()
        .then((names) => Promise.all(names.map(async (name) => (await caches.open(name)).keys())))
        .then((lists) => lists.flat().some((request) => request.url.includes('/snapshot/later.bin')));
    return post.call(this, message, ...rest);
  };
})()"""
RUN_BLUR = "ndlab.loadSample('coins').then((c) => ndlab.run('gaussian_filter', {sigma: 2.5}, c))"


def wait_for_precache(page):
    """Wait until the service worker controls the page and says it has cached what an offline
    start needs (static/offline.js marks the page's root element)."""
    page.wait_for_function("() => document.documentElement.dataset.offline === 'ready'")


def assert_works_offline(guarded, url):
    """The server of `url` is gone: reloaded, the page starts, and an operation and a lab give
    CPython's pixels and numbers."""
    with pytest.raises(urllib.error.URLError) as stopped:
        urllib.request.urlopen(url, timeout=TIMEOUT_S)
    assert isinstance(stopped.value.reason, ConnectionRefusedError)
    page = guarded.page
    page.reload()
    guarded.wait_ready()
    coins = page_pixels(page, "ndlab.loadSample('coins')")
    assert_close(
        page_pixels(page, f"{RUN_BLUR}.then((r) => r.image)"),
        cpython("gaussian_filter", coins, {"sigma": 2.5}),
    )
    got = page.evaluate("async () => (await ndlab.runLab('find_roots', {x0: -3})).outputs.values")
    expected = labs.run("find_roots", x0=-3).outputs["values"]
    assert got == pytest.approx(expected, rel=1e-9)
    assert page.locator("#message").is_hidden()


def test_page_works_with_its_server_stopped(browser):
    with serving() as url:  # a server of its own, to stop
        guarded = Guarded(browser, url)
        guarded.wait_ready()
        wait_for_precache(guarded.page)
    assert_works_offline(guarded, url)
    guarded.close()


def test_build_id_names_the_service_worker_cache(fresh, base_url):
    page = fresh.page
    page.goto(base_url)
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    build_id = page.evaluate("async () => (await (await fetch('build.json')).json()).id")
    wait_until(page, f"async () => (await caches.keys()).includes('ndlab-{build_id}')")


def test_the_site_is_cached_for_offline_use_once_python_has_the_files_for_later(browser, base_url):
    """The page asks its service worker to cache the rest of the site (and then says it works
    offline) only once the worker has the packages' files it fetches after the first result,
    held back here until that result is shown."""
    guarded = Guarded(browser)
    later = HeldBack(guarded.context, "**/snapshot/later.bin*")
    guarded.page.add_init_script(RECORD_PRECACHE)
    guarded.page.goto(base_url)
    page = guarded.wait_ready()
    page.wait_for_function("() => performance.getEntriesByName('ndlab:result').length > 0")
    later.release(page)
    wait_for_precache(page)
    assert page.evaluate("() => window.laterCached") is True
    guarded.close()
