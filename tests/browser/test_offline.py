"""Offline-first: after one visit the page starts and computes with its server stopped."""

import urllib.error
import urllib.request

import pytest

from conftest import serving
from ndlab import labs
from pages import TIMEOUT_S, Guarded, page_pixels, wait_until
from test_page import assert_close, cpython

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
