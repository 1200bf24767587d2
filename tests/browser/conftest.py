"""Fixtures for the browser tests: dist/ served on 127.0.0.1 and Debian's Chromium via Playwright."""

import sys
import re
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import build  # noqa: E402

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
READY_TIMEOUT_MS = 120_000


def serve(*args):
    """`python3 build.py serve` on a free port, as a user starts it; yields its URL."""
    if not (build.DIST / "build.json").exists():
        pytest.fail("dist/ is not built: run `python3 build.py build`")
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        # serve rebuilds first when a source is newer than dist/; its log comes before the URL
        for line in server.stdout:
            match = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if match:
                break
        else:
            pytest.fail("build.py serve stopped without printing its URL")
        yield match.group(0)
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


@pytest.fixture(scope="session")
def base_url():
    """The page served cross-origin isolated (the default of build.py serve)."""
    yield from serve()


@pytest.fixture(scope="session")
def plain_url():
    """The page served without COOP/COEP, as a host that cannot set headers would."""
    yield from serve("--no-isolation")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = build.find_chromium()
    if executable is None:
        pytest.fail("no Chromium: install it (apt-get install chromium) or set NDLAB_CHROMIUM")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Guarded:
    """A page whose every request is checked: anything not on 127.0.0.1 is blocked and recorded."""

    def __init__(self, browser, base_url):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.outside = []
        self.console_errors = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.goto(base_url)

    def _route(self, route):
        url = route.request.url
        if urlparse(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def wait_ready(self):
        self.page.wait_for_function("() => document.body.dataset.ready === 'true'", timeout=READY_TIMEOUT_MS)
        return self.page

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def app(browser, base_url):
    """The page, loaded once per test module, with Python ready."""
    guarded = Guarded(browser, base_url)
    guarded.wait_ready()
    yield guarded
    assert guarded.outside == [], f"requests left 127.0.0.1: {guarded.outside}"
    guarded.close()


@pytest.fixture
def fresh(browser, base_url):
    """A page of its own, for tests that break things."""
    guarded = Guarded(browser, base_url)
    yield guarded
    assert guarded.outside == [], f"requests left 127.0.0.1: {guarded.outside}"
    guarded.close()
