"""Embedded demos: the embed view, embed.js on a host page of another origin, one shared Python,
the postMessage API and its origin allow-list, and bad embed attributes."""

import json
from urllib.parse import parse_qs, quote, unquote, urlparse

import pytest

from conftest import static_site
from ndlab import labs
from pages import Guarded, cpython_pipeline, page_pixels
from test_page import assert_close, cpython
from tools.layout import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A documentation page</title>
<script src="{ndlab}static/embed.js" defer></script></head>
<body><h1>Filters</h1>
<div id="blur" data-ndlab="gaussian_filter" data-sample="camera" data-params='{{"sigma": 3}}'></div>
<div id="edges" data-ndlab="sobel" data-sample="coins" data-theme="dark"></div>
<div id="lab" data-ndlab="fit_curve"></div>
<div id="typo" data-ndlab="gausian_filter"></div>
<div id="bad-json" data-ndlab="gaussian_filter" data-params="{{sigma: 3"></div>
<div id="bad-param" data-ndlab="gaussian_filter" data-params='{{"sigma": {{"x": 1}}}}'></div>
<div id="markup" data-ndlab="&lt;img src=x onerror=alert(1)&gt;"></div>
<div id="bad-theme" data-ndlab="sobel" data-theme="purple"></div>
<div style="height: 3000px"></div>
<div id="far" data-ndlab="laplace"></div>
</body></html>
"""


@pytest.fixture(scope="module")
def host(browser, base_url, tmp_path_factory):
    """A host page on its own origin with demos, opened, its visible demos settled."""
    site = tmp_path_factory.mktemp("host")
    (site / "index.html").write_text(HOST_PAGE.format(ndlab=base_url))
    with static_site(site) as url:
        guarded = Guarded(browser)
        guarded.page.set_viewport_size({"width": 1000, "height": 2000})
        guarded.page.goto(url)
        guarded.page.wait_for_function(
            "() => ['blur', 'edges', 'lab', 'typo', 'bad-json', 'bad-param', 'markup', 'bad-theme']"
            ".every("
            "id => ['ready', 'error'].includes(document.getElementById(id).dataset.ndlabState))",
        )
        guarded.url = url
        yield guarded
        guarded.close()


def ask(page, element_id, request):
    return page.evaluate(
        "([id, request]) => ndlabEmbed.request(document.getElementById(id), request)",
        [element_id, request],
    )


def state(page, element_id):
    return page.evaluate(f"document.getElementById('{element_id}').dataset.ndlabState")


def demo_frame(page, element_id):
    return page.frame_locator(f"#{element_id} iframe")


def test_demos_share_one_python(host):
    page = host.page
    assert [state(page, i) for i in ("blur", "edges", "lab")] == ["ready"] * 3
    runtimes = [ask(page, i, {"type": "status"})["runtime"] for i in ("blur", "edges", "lab")]
    assert runtimes[0]["shared"] is True
    assert len({r["id"] for r in runtimes}) == 1, runtimes


def blur_pixels(page):
    """The blur demo's original and result pixels, read from its frame."""
    frame = next(f for f in page.frames if "gaussian_filter" in f.url)
    original = page_pixels(frame, "document.getElementById('original')")
    return original, page_pixels(frame, "document.getElementById('result')")


def test_demo_pixels_equal_cpython(host):
    assert ask(host.page, "blur", {"type": "get"})["params"]["sigma"] == 3
    camera, result = blur_pixels(host.page)
    assert_close(result, cpython("gaussian_filter", camera, {"sigma": 3}))


def test_set_params_returns_the_new_result(host):
    page = host.page
    after = ask(page, "blur", {"type": "set", "params": {"sigma": 8}})
    assert after["name"] == "gaussian_filter" and after["sample"] == "camera"
    assert after["params"]["sigma"] == 8
    camera, result = blur_pixels(page)
    assert_close(result, cpython("gaussian_filter", camera, {"sigma": 8}))
    number = demo_frame(page, "blur").locator("#param-sigma[type=number]")
    assert number.input_value() == "8"


def test_lab_demo_answers_with_cpythons_numbers(host):
    result = ask(host.page, "lab", {"type": "run"})
    assert result["kind"] == "lab" and result["name"] == "fit_curve"
    expected = labs.run("fit_curve", **result["params"]).outputs
    assert result["values"].keys() == expected["values"].keys() != set()
    for key, value in expected["values"].items():
        assert result["values"][key] == pytest.approx(value, rel=1e-6, abs=1e-9), key
    assert result["text"] == expected["text"] != []


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ({"type": "explode"}, "“type” must be one of"),
        ({"type": "set", "params": [1]}, "“params” must be an object"),
        ({"type": "set", "params": {"nope": 1}}, "has no parameter .nope."),
        ({"type": "set", "params": {"sigma": {"x": 1}}}, "must be a number"),
        ({"type": "get", "code": "alert(1)"}, "Unexpected field “code”"),
    ],
)
def test_bad_requests_get_clear_errors(host, request_, message):
    with pytest.raises(Exception, match=message):
        ask(host.page, "blur", request_)


def test_out_of_range_value_is_named_by_python(host):
    with pytest.raises(Exception, match="sigma"):
        ask(host.page, "blur", {"type": "set", "params": {"sigma": -4}})
    assert ask(host.page, "blur", {"type": "set", "params": {"sigma": 2}})["params"]["sigma"] == 2


def test_bad_attributes_are_explained(host):
    page = host.page
    for element_id in ("typo", "bad-json", "bad-param", "markup", "bad-theme"):
        assert state(page, element_id) == "error", element_id
    assert "data-theme is “light”, “dark” or “auto”" in page.locator("#bad-theme").inner_text()
    assert "not valid JSON" in page.locator("#bad-json").inner_text()
    assert "is not an operation or lab name" in page.locator("#markup").inner_text()
    assert page.locator("#markup img").count() == 0
    typo = demo_frame(page, "typo").locator("#message")
    assert "unknown operation" in typo.inner_text() and "gausian_filter" in typo.inner_text()


def test_host_page_chooses_light_or_dark(host):
    """`data-theme="dark"` makes a demo dark; without it a demo follows the reader's system."""
    background = "() => getComputedStyle(document.body).backgroundColor"
    frames = {
        f.url.split("demo=")[1].split("&")[0]: f for f in host.page.frames if "demo=" in f.url
    }
    assert frames["sobel"].evaluate(background) == "rgb(30, 34, 39)"
    assert frames["gaussian_filter"].evaluate(background) == "rgb(255, 255, 255)"


def test_demos_mount_lazily(host):
    page = host.page
    assert state(page, "far") == "waiting"
    assert page.locator("#far iframe").count() == 0
    page.locator("#far").scroll_into_view_if_needed()
    page.wait_for_function("document.getElementById('far').dataset.ndlabState === 'ready'")


def test_frame_sizes_itself_and_links_to_the_full_page(host):
    page = host.page
    frame_height = page.locator("#blur iframe").evaluate("f => f.clientHeight")
    content_height = (
        demo_frame(page, "blur").locator("html").evaluate("e => e.getBoundingClientRect().height")
    )
    assert abs(frame_height - content_height) <= 4
    href = demo_frame(page, "blur").locator("#open-full").get_attribute("href")
    query = parse_qs(urlparse(href).fragment)
    assert query["sample"] == ["camera"]
    assert json.loads(query["steps"][0])[0][0] == "gaussian_filter"


def test_requests_from_other_origins_are_ignored(browser, base_url, tmp_path):
    """An embed answers only the origins its URL lists; a page elsewhere gets nothing back. The
    control: a second embed that lists the page's origin is asked after the first, and answers."""
    with static_site(tmp_path) as url:
        embed = f"{base_url}embed.html#op=laplace&amp;sample=camera&amp;origins="
        (tmp_path / "index.html").write_text(
            f'<!doctype html><title>other</title><iframe id="refuses" src="{embed}'
            f'https://docs.example.org"></iframe><iframe id="answers" src="{embed}'
            f'{url.rstrip("/")}"></iframe>'
        )
        guarded = Guarded(browser, url)
        page = guarded.page
        for frame in ("refuses", "answers"):
            page.frame_locator(f"#{frame}").locator("body[data-state=ready]").wait_for()
        replies = page.evaluate(
            """() => new Promise((resolve) => {
              const got = [];
              addEventListener('message', (e) => {
                if (e.data?.type !== 'reply') return;
                got.push(e.data.id);
                if (e.data.id === 2) resolve(got);
              });
              const ask = (frame, id) => document.getElementById(frame).contentWindow
                .postMessage({ndlab: 'embed', id, type: 'get'}, '*');
              ask('refuses', 1);
              ask('answers', 2);
            })"""
        )
        guarded.close()
    assert replies == [2]


def test_embed_view_has_no_serious_accessibility_violations(browser, base_url):
    guarded = Guarded(browser, bypass_csp=True)  # axe is injected as an inline script
    page = guarded.page
    for hash_ in (
        "#op=gaussian_filter&sample=camera&sigma=3",
        "#op=label&sample=coins&theme=dark",
        "#lab=camelback",
        "#lab=camelback&theme=dark",
    ):
        page.goto(base_url + "embed.html" + hash_)
        page.wait_for_function("document.body.dataset.state === 'ready'")
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("async () => (await axe.run(document)).violations")
        serious = [
            f"{v['id']}: {v['help']}" for v in violations if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], f"{hash_}: {serious}"
    guarded.close()


def test_embed_view_shows_a_pipeline_and_a_host_sets_its_last_step(fresh, base_url):
    steps = [["gaussian_filter", {"sigma": 2}], ["threshold_otsu", {}], ["label", {}]]
    hash_ = f"#sample=coins&steps={quote(json.dumps(steps))}"
    page = fresh.page
    page.goto(base_url + "embed.html" + hash_)
    page.wait_for_function("() => document.body.dataset.state === 'ready'")
    assert page.locator("#title").inner_text() == "Label objects"
    shown = page_pixels(page, "document.querySelector('#result')")
    original = page_pixels(page, "document.querySelector('#original')")
    assert_close(shown, cpython_pipeline(original, steps))
    assert "labels, info = label(mask, " in page.locator("#code").text_content()
    page.locator("#param-connectivity").fill("2")
    page.wait_for_function(
        "() => document.querySelector('#code').textContent.includes('connectivity=2')"
    )
    page.wait_for_function("() => document.body.dataset.state === 'ready'")
    link = page.locator("#open-full").get_attribute("href")
    assert "gaussian_filter" in unquote(link) and '"connectivity":2' in unquote(link)


STEADY_HOST = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Demos in a column of text</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script src="{ndlab}static/embed.js" defer></script></head>
<body><p>Text above the demos.</p>
<div id="image" data-ndlab="rotate" data-sample="coins" data-params='{{"angle": 90, "reshape": true}}'></div>
<p>Text between the demos.</p>
<div id="lab" data-ndlab="fit_curve"></div>
<p id="below">Text below the demos.</p>
</body></html>
"""

# The demos' heights on the host page, and where the text below them starts.
HEIGHTS = """() => [
  ...['image', 'lab'].map((id) => document.getElementById(id).getBoundingClientRect().height),
  document.getElementById('below').getBoundingClientRect().top,
]"""


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_demos_keep_their_height_when_python_answers(browser, base_url, tmp_path, width):
    """A demo's layout is final before its first result: the host page's text does not move when
    Python answers. Python's start is held (its worker's script is not answered) until the demos
    have told the host page their height; measured then and after the first results. The image
    demo's result is the sample turned a quarter: taller than the box the sample's shape holds."""
    (tmp_path / "index.html").write_text(STEADY_HOST.format(ndlab=base_url))
    with static_site(tmp_path) as url:
        guarded = Guarded(browser, viewport={"width": width, "height": 3000})
        held = []
        guarded.context.route("**/worker/worker.js", lambda route: held.append(route))
        page = guarded.page
        page.goto(url)
        # each frame tells its height once its results' room is held (before, the frame's own 24rem)
        page.wait_for_function(
            "() => ['image', 'lab'].every((id) => "
            "document.querySelector(`#${id} iframe`)?.style.height.endsWith('px'))"
        )
        starting = page.evaluate(HEIGHTS)
        assert held, "Python's start was not held"
        assert [state(page, i) for i in ("image", "lab")] == ["loading"] * 2
        page.screenshot(path=tmp_path / "starting.png")
        for route in held:
            route.continue_()
        page.wait_for_function(
            "() => ['image', 'lab'].every((id) => "
            "document.getElementById(id).dataset.ndlabState === 'ready')"
        )
        answered = page.evaluate(HEIGHTS)
        page.screenshot(path=tmp_path / "answered.png")
        guarded.close()
    assert answered == pytest.approx(starting, abs=3), f"starting {starting}, answered {answered}"
    assert answered[1] > 2 * answered[0] / 3  # the lab's outputs are there, not left out
