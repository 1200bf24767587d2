"""Fixtures for the browser tests: dist/ served on 127.0.0.1 and Debian's Chromium via Playwright."""

import contextlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pages import Guarded
from proxy import RecordingProxy
from tools.chromium import CHROMIUM_FLAGS, find_chromium
from tools.layout import DIST
from tools.server import other_site, running

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def serving(*args):
    """`python3 build.py serve` on a free port, as a user starts it; yields its URL and stops the
    server when the block ends."""
    if not (DIST / "build.json").exists():
        pytest.fail("dist/ is not built: run `python3 build.py build`")
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        text=True,
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
    with serving() as url:
        yield url


@pytest.fixture(scope="session")
def plain_url():
    """The page served without COOP/COEP, as a host that cannot set headers would."""
    with serving("--no-isolation") as url:
        yield url


@pytest.fixture(scope="session")
def proxy():
    """The network guard: every request not to loopback, from any context, is recorded here."""
    with RecordingProxy().running() as proxy:
        yield proxy


def launch(playwright, proxy, *args):
    """Debian's Chromium with the guard as its proxy (loopback goes direct), and `args`."""
    executable = find_chromium()
    if executable is None:
        pytest.fail("no Chromium: install it (apt-get install chromium) or set NDLAB_CHROMIUM")
    flags = [*CHROMIUM_FLAGS, f"--proxy-server=http://{proxy.address}", *args]
    # not Playwright's proxy option: it adds <-loopback>, which sends loopback to the proxy too
    return playwright.chromium.launch(executable_path=executable, args=flags)


@pytest.fixture(scope="session")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright, proxy):
    browser = launch(playwright, proxy)
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def no_request_leaves_loopback(proxy):
    """Every browser test: no request went anywhere but 127.0.0.1 (tests that make one on
    purpose take it from the proxy themselves)."""
    yield
    assert proxy.take() == [], "requests left 127.0.0.1"


@pytest.fixture(scope="module")
def app(browser, base_url):
    """The page, loaded once per test module, with Python ready."""
    guarded = Guarded(browser, base_url)
    guarded.wait_ready()
    yield guarded
    guarded.close()


@pytest.fixture
def fresh(browser, base_url):
    """A page of its own, not yet opened: the test goes to the URL it needs."""
    guarded = Guarded(browser)
    yield guarded
    guarded.close()


@contextlib.contextmanager
def static_site(directory):
    """Serve `directory` as a plain site on a free 127.0.0.1 port: another origin than ndlab's,
    as a documentation site that embeds demos would be. Yields its URL."""
    with running(other_site(directory)) as url:
        yield url
