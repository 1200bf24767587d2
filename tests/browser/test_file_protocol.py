"""Opened as a file, the page says why Python cannot start and how to serve it."""

from tools.layout import DIST


def test_file_url_explains_how_to_start(fresh):
    page = fresh.page
    page.goto((DIST / "index.html").as_uri())
    message = page.locator("#file-protocol")
    message.wait_for(state="visible")
    assert "python3 -m http.server" in message.inner_text()
