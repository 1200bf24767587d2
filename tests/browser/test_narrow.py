"""The page on a phone and a tablet: nothing wider than the screen, the work area comes first."""

import json
from urllib.parse import quote

import pytest

from pages import Guarded

SCREENS = {"phone": (390, 844), "tablet": (768, 1024)}
CONTROLS = "() => performance.getEntriesByName('ndlab:controls').length > 0"
# Elements that end right of the screen, leaving out those inside a box that scrolls sideways
# (the code listing does, on purpose).
WIDER = """() => [...document.querySelectorAll('body *')]
  .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().right > innerWidth + 0.5
    && !e.closest('pre'))
  .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className}`)"""

# The pressed button of a list lies within the list's visible box.
INSIDE_LIST = """(list) => {
  const box = document.querySelector(list).getBoundingClientRect();
  const shown = document.querySelector(`${list} [aria-pressed='true']`).getBoundingClientRect();
  return box.top <= shown.top && shown.bottom <= box.bottom;
}"""


@pytest.fixture(params=list(SCREENS))
def narrow(request, browser):
    width, height = SCREENS[request.param]
    guarded = Guarded(browser)
    guarded.page.set_viewport_size({"width": width, "height": height})
    yield guarded
    guarded.close()


@pytest.mark.parametrize("view", ["", "#lab=minimize_scalar_function"])
def test_nothing_is_wider_than_the_screen(narrow, base_url, view):
    page = narrow.page
    page.goto(base_url + view)
    page.wait_for_function(CONTROLS)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert page.evaluate(WIDER) == []


def test_the_image_and_its_controls_follow_a_short_list(narrow, base_url):
    """The long list of operations scrolls in a box of its own, showing the chosen one."""
    page = narrow.page
    steps = quote(json.dumps([["split_channel", {}]]))
    page.goto(f"{base_url}#sample=camera&steps={steps}")
    page.wait_for_function(CONTROLS)
    box = page.locator("#op-list").bounding_box()
    assert box["height"] <= 0.25 * page.viewport_size["height"]
    chosen = page.locator("#op-list button[aria-pressed='true']")
    assert chosen.inner_text() == "Split channel"
    page.wait_for_function(INSIDE_LIST, arg="#op-list")
    # the run button is within the first screen and a half, not below 47 operations
    assert page.locator("#run").bounding_box()["y"] < 1.5 * page.viewport_size["height"]


def test_the_chosen_lab_shows_in_its_list(narrow, base_url):
    page = narrow.page
    page.goto(f"{base_url}#lab=wind_return_speed")
    page.wait_for_function(CONTROLS)
    page.locator("#lab-list button[aria-pressed='true']").wait_for()
    page.wait_for_function(INSIDE_LIST, arg="#lab-list")
