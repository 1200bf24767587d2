"""Fixtures for the browser tests: dist/ served on 127.0.0.1 and Debian's Chromium via Playwright."""

import contextlib
import sys
from pathlib import Path

import pytest

from pages import Guarded, GuardedBrowser
from proxy import RecordingProxy
from tools.chromium import CHROMIUM_FLAGS, find_chromium
from tools.layout import DIST
from tools.server import other_site, process_url, running

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def serving(*args):
    """`python3 build.py serve` on a free port, as a user starts it; yields its URL and stops the
    server when the block ends."""
    if not (DIST / "build.json").exists():
        pytest.fail("dist/ is not built: run `python3 build.py build`")
    command = [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", *args]
    # serve rebuilds first when a source is newer than dist/; its log comes before the URL
    with process_url(command) as url:
        yield url


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
    """The network guard: every request of a test's pages, frames and dedicated, shared and service
    workers that leaves 127.0.0.1 comes here (each context has it as its proxy), and fails the
    test."""
    with RecordingProxy().running() as proxy:
        yield proxy


@pytest.fixture(scope="session")
def browser_own():
    """Where Chromium's own requests go: the calls home its flags do not silence (Chromium 150
    sent `CONNECT android.clients.google.com:443`). Refused as the pages' are, so nothing leaves
    the machine, but no test's failure: no page made them."""
    with RecordingProxy().running() as proxy:
        yield proxy


def launch(playwright, proxy, browser_own, *args, bypass=()):
    """Debian's Chromium with `args`: its own requests go to `browser_own`, and each context it
    opens sends what leaves 127.0.0.1 to the guard `proxy` (but for the hosts of `bypass`)."""
    executable = find_chromium()
    if executable is None:
        pytest.fail("no Chromium: install it (apt-get install chromium) or set NDLAB_CHROMIUM")
    flags = [*CHROMIUM_FLAGS, f"--proxy-server=http://{browser_own.address}", *args]
    return GuardedBrowser(
        playwright.chromium.launch(executable_path=executable, args=flags), proxy, bypass
    )


@pytest.fixture(scope="session")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright, proxy, browser_own):
    browser = launch(playwright, proxy, browser_own)
    yield browser
    browser.close()


#: A host name that a student's browser (student_browser) maps to 127.0.0.1: it stands for the
#: teacher's LAN address, an origin over plain http that is no secure context
LAN_HOST = "classroom.test"


@pytest.fixture(scope="module")
def student_browser(playwright, proxy, browser_own):
    """A Chromium that resolves LAN_HOST to 127.0.0.1 and reaches it directly (the guard still
    sees everything else)."""
    rule = f"--host-resolver-rules=MAP {LAN_HOST} 127.0.0.1"
    browser = launch(playwright, proxy, browser_own, rule, bypass=[LAN_HOST])
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
