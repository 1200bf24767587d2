"""Offline-first: after one visit the page starts and computes with the network off."""

from urllib.parse import urlparse

from pages import wait_until

READY = "() => document.body.dataset.ready === 'true'"


def test_page_works_offline_after_first_visit(browser, base_url):
    context = browser.new_context()
    hosts = set()
    context.on(
        "request",
        lambda request: (
            request.url.startswith("http") and hosts.add(urlparse(request.url).hostname)
        ),
    )
    page = context.new_page()
    page.goto(base_url)
    page.wait_for_function(READY, timeout=120_000)
    # the service worker has precached the build and controls the page
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60_000)

    context.set_offline(True)
    page.reload()
    page.wait_for_function(READY, timeout=120_000)
    width = page.evaluate(
        "async () => (await ndlab.run('gaussian_filter', {sigma: 2}, await ndlab.loadSample('coins'))).image.width"
    )
    assert width == 384
    root = page.evaluate("async () => (await ndlab.runLab('find_roots', {x0: -3})).outputs.values")
    assert any(abs(v + 2.4795) < 1e-3 for v in root.values() if isinstance(v, float))
    assert page.locator("#message").is_hidden()
    assert hosts <= {"127.0.0.1"}
    context.close()


def test_build_id_names_the_service_worker_cache(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url)
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    build_id = page.evaluate("async () => (await (await fetch('build.json')).json()).id")
    wait_until(page, f"async () => (await caches.keys()).includes('ndlab-{build_id}')")
    context.close()
