"""A learner's small table travels in the lab's link; a large one does not, and the page says so;
a link's table that is malformed, too long or not text gets a message and the lab's own data."""

import json
from urllib.parse import parse_qs, quote, urlencode

import numpy as np

from ndlab import labs
from pages import Guarded

LIMIT = 2000  # MAX_LAB_DATA in static/permalink.js


def table_of(rows):
    """A CSV with a header, as a learner pastes it, cells written as the page writes them back."""
    return "x, y\n" + "\n".join(f"{x:.4f}, {y:.4f}" for x, y in rows)


def in_use(table):
    """The table as the page uses and links it: its line of column names becomes a comment."""
    return "# " + table


def points(n, seed):
    x = np.linspace(-4, 4, n)
    noise = np.random.default_rng(seed).normal(0, 1, n)
    return np.column_stack([x, 2 * x**2 - 3 * np.sin(x) + noise])


def outputs_show(page, text):
    page.wait_for_function(
        "(text) => document.querySelector('#lab-outputs').textContent.includes(text)", arg=text
    )


def message_says(page, text):
    page.wait_for_function(
        "(text) => document.querySelector('#lab-message').textContent.includes(text)", arg=text
    )


def use_table(page, table):
    page.fill("#lab-data-text", table)
    page.click("#lab-data-use")
    outputs_show(page, labs.run("fit_curve", data=table).outputs["text"][0])


def test_a_small_table_travels_in_the_link_and_a_large_one_does_not(fresh, browser, base_url):
    fresh.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = fresh.page
    page.goto(f"{base_url}#lab=fit_curve")
    fresh.wait_ready()
    outputs_show(page, labs.run("fit_curve").outputs["text"][0])
    page.locator("#lab-data summary").click()

    pasted = table_of(points(20, 1))
    use_table(page, pasted)
    small = in_use(pasted)
    status = page.locator("#lab-data .lab-data-status")
    assert status.inner_text() == (
        f"Your data is in use. The lab's link carries it ({len(small)} characters of text, "
        f"at most {LIMIT})."
    )
    page.click("#lab-copy-link")
    link = page.evaluate("navigator.clipboard.readText()")
    assert parse_qs(link.partition("#")[2])["data"] == [small]

    # the link opens the lab on the same table, in a page of its own
    other = Guarded(browser, link)
    try:
        opened = other.wait_ready()
        outputs_show(opened, labs.run("fit_curve", data=small).outputs["text"][0])
        assert opened.input_value("#lab-data-text") == small
        assert opened.locator("#lab-data").get_attribute("open") is not None
        assert (
            opened.locator("#lab-data .lab-data-status")
            .inner_text()
            .startswith("The link's table is in use. The lab's link carries it")
        )
        assert opened.locator("#lab-message").is_hidden()
        assert other.console_errors == []
    finally:
        other.close()

    # the largest table a link carries: the link stays short
    rows = 1
    while len(in_use(table_of(points(rows + 1, 2)))) <= LIMIT:
        rows += 1
    use_table(page, table_of(points(rows, 2)))
    largest = in_use(table_of(points(rows, 2)))
    href = page.evaluate("location.href")
    assert parse_qs(href.partition("#")[2])["data"] == [largest]
    assert len(href) < 3 * LIMIT  # every character of this table is written in one to three
    print(f"\nA link carrying a table of {len(largest)} characters is {len(href)} characters long.")

    use_table(page, table_of(points(rows + 1, 2)))
    large = in_use(table_of(points(rows + 1, 2)))
    assert status.inner_text() == (
        f"Your data is in use. It is too large for a link ({len(large)} characters of text, at "
        f"most {LIMIT}): the lab's link opens the lab on its own data. Share your file instead."
    )
    assert "data" not in parse_qs(page.evaluate("location.hash").lstrip("#"))
    assert fresh.console_errors == []


def test_a_links_bad_table_gets_a_message_and_the_labs_own_data(fresh, base_url):
    page = fresh.page
    params = quote(json.dumps({"seed": 3}))
    table = quote("x, y\n1, 2\n3, x\n5, 6")
    page.goto(f"{base_url}#lab=fit_curve&params={params}&data={table}")
    fresh.wait_ready()
    own_data = labs.run("fit_curve", seed=3).outputs["text"][0]  # the link's parameters are kept
    message_says(page, "The link's table cannot be used: line 3, column 2 is 'x', not a number.")
    outputs_show(page, own_data)
    assert page.locator("#lab-message").is_visible()  # the message stays over the run on own data
    assert "data" not in parse_qs(page.evaluate("location.hash").lstrip("#"))
    assert "could not be used" in page.locator("#lab-data .lab-data-status").text_content()

    def follow(fragment):
        page.evaluate("(fragment) => { location.hash = fragment; }", fragment)

    hostile = [
        ("1" * 100_000, "The link's table is too long: 100000 characters, at most 2000."),
        ("1, 2\n\x00\x01", "The link's table is not a table as text: character 6 is U+0000."),
        ("1, 2\n3, \ufffd", "The link's table is not a table as text: character 9 is U+FFFD."),
    ]
    for data, expected in hostile:
        page.evaluate("() => document.querySelector('#lab-outputs').replaceChildren()")
        follow(urlencode({"lab": "fit_curve", "params": '{"seed": 3}', "data": data}))
        message_says(page, expected)
        outputs_show(page, own_data)
        assert page.input_value("#lab-data-text") == ""
        assert page.locator("#lab-message").is_visible()

    follow(urlencode({"lab": "camelback", "data": "1, 2"}))
    message_says(page, "The link's table was left out: the lab camelback takes no table.")
    outputs_show(page, labs.run("camelback").outputs["text"][0])

    # a lesson's lab step carries a table the same way, checked as a link's
    table = table_of(points(8, 4))
    step = {"title": "Your points", "text": "", "lab": "fit_curve", "params": {}, "data": table}
    follow(urlencode({"lesson": json.dumps({"title": "Fits", "steps": [step]})}))
    outputs_show(page, labs.run("fit_curve", data=table).outputs["text"][0])
    assert page.input_value("#lab-data-text") == table
    long_step = {**step, "data": "1" * 2001}
    follow(urlencode({"lesson": json.dumps({"title": "Fits", "steps": [long_step]})}))
    page.wait_for_function(
        "() => document.querySelector('#lesson-message').textContent.includes("
        "'The table of step 1 of the lesson is too long: 2001 characters, at most 2000.')"
    )
    assert fresh.console_errors == []


def test_a_links_bad_parameter_is_blamed_and_its_table_kept(fresh, base_url):
    """A link with a good table and a parameter out of range: the message names the parameter,
    not the table, which stays in use; with the parameter corrected, the lab runs on it."""
    page = fresh.page
    table = table_of(points(8, 5))
    fragment = urlencode({"lab": "fit_curve", "params": '{"a": 99}', "data": table})
    page.goto(f"{base_url}#{fragment}")
    fresh.wait_ready()
    page.wait_for_function("() => document.querySelector('#lab-message').textContent.length > 0")
    message = page.locator("#lab-message").inner_text()
    assert "a must be between -5 and 5, got 99" in message
    assert "table" not in message
    assert page.input_value("#lab-data-text") == table
    assert "The link's table is in use" in page.locator("#lab-data .lab-data-status").text_content()
    page.evaluate("(f) => { location.hash = f; }", urlencode({"lab": "fit_curve", "data": table}))
    outputs_show(page, labs.run("fit_curve", data=table).outputs["text"][0])
