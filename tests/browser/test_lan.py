"""A classroom served with ``build.py serve --lan``: students open the teacher's address over plain
http, which Chromium treats as an insecure origin (no service worker, no cross-origin isolation).
A host name mapped to 127.0.0.1 in one browser stands for the teacher's LAN address."""

import pytest

from conftest import LAN_HOST, serving
from pages import WATCH_RUNS, Guarded, page_pixels, wait_until
from test_cancel import cancel_a_long_run
from test_offline import RUN_BLUR
from test_page import assert_close, cpython


@pytest.fixture(scope="module")
def lan_url():
    """The page served to the LAN, as a student's browser names it."""
    with serving("--lan") as url:
        yield url.replace("127.0.0.1", LAN_HOST)


def test_page_works_from_a_lan_address_and_says_it_is_not_offline(student_browser, lan_url):
    guarded = Guarded(student_browser)
    guarded.context.add_init_script(WATCH_RUNS)
    guarded.page.goto(lan_url)
    page = guarded.wait_ready()
    insecure = "() => [isSecureContext, crossOriginIsolated, 'serviceWorker' in navigator]"
    assert page.evaluate(insecure) == [False, False, False]
    page.locator("#online-only").wait_for(state="visible")
    assert "cannot keep it for offline use" in page.locator("#online-only").inner_text()

    coins = page_pixels(page, "ndlab.loadSample('coins')")
    got = page_pixels(page, f"{RUN_BLUR}.then((r) => r.image)")
    assert_close(got, cpython("gaussian_filter", coins, {"sigma": 2.5}))

    # cancelling cannot interrupt Python here: the warm spare worker takes over
    assert page.evaluate("() => ndlab.interruptible") is False
    wait_until(page, "async () => (await ndlab.status()).spare === 'ready'")
    result = cancel_a_long_run(page)
    assert result["outcome"] == "AbortError" and "spare took over" in result["message"], result
    # Chromium's one complaint: the isolation headers, which the teacher's own tab uses, are
    # ignored at an untrustworthy origin
    ignored = "Cross-Origin-Opener-Policy header has been ignored"
    assert [e for e in guarded.console_errors if ignored not in e] == []
    guarded.close()


def test_no_offline_note_on_this_computer(app):
    """The note's control: from 127.0.0.1 the page is kept for offline use and says nothing."""
    assert app.page.evaluate("() => isSecureContext") is True
    assert app.page.locator("#online-only").is_hidden()
