"""Embedding in documentation: real MkDocs and Sphinx sites, three ndlab demos on a page.

The sources in tests/sites/ are the recipes of docs/embedding.md. Each site is built by its own tool
into a temporary folder and served on a 127.0.0.1 port of its own, and ndlab's dist/ on another: the
demos are cross-origin to the docs, as on a real docs host. Headless Chromium scrolls to each demo
and checks that all three show real results from one Python runtime, loaded once.
"""

import collections
import functools
import importlib.util
import io
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
from PIL import Image

from conftest import static_site
from ndlab import labs
from pages import Guarded, cpython_pipeline, untwinned
from tools import server
from tools.layout import DIST

SITES = Path(__file__).resolve().parents[1] / "sites"
# The ndlab address written in the recipes; each test puts its own server's address there.
RECIPE_BASE = "https://ndlab.example.org/"

# The demos on each site's page, in page order: (kind, data-ndlab, data-sample, data-params)
DEMOS = {
    "mkdocs": [
        ("op", "gaussian_filter", "camera", {"sigma": 3}),
        ("op", "sobel", "coins", {}),
        ("lab", "camelback", None, {}),
    ],
    "sphinx": [
        ("op", "gaussian_filter", "camera", {"sigma": 3}),
        ("op", "threshold_otsu", "moon", {}),
        ("lab", "fit_curve", None, {"noise": 2}),
    ],
}


@pytest.fixture(scope="module")
def ndlab_host():
    """dist/ served without COOP/COEP, as a plain static host would; yields (URL, GETs by path)."""
    if not (DIST / "embed.html").exists():
        pytest.fail("dist/ has no embed.html: run `python3 build.py build`")
    httpd = server.make_server(DIST, 0, isolated=False)
    made = httpd.RequestHandlerClass  # functools.partial(handler class, directory=...)
    gets = collections.Counter()

    class Counting(made.func):
        def do_GET(self):
            gets[urlsplit(self.path).path] += 1
            super().do_GET()

    httpd.RequestHandlerClass = functools.partial(Counting, *made.args, **made.keywords)
    with server.running(httpd) as url:
        yield url, gets


def recipe(name, folder, ndlab_url):
    """Copy the site's sources into `folder` with ndlab's address put in; return the copy."""
    shutil.copytree(SITES / name, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for path in folder.rglob("*"):
        if path.is_file():
            path.write_text(path.read_text().replace(RECIPE_BASE, ndlab_url))
    return folder


def run_tool(module, *args):
    """Run a docs tool of the test environment (`python -m module ...`); fail with its output."""
    if importlib.util.find_spec(module) is None:
        pytest.fail(
            f"{module} is not installed: `python3 build.py test` installs it (requirements/test.txt)"
        )
    done = subprocess.run(
        [sys.executable, "-m", module, *map(str, args)], capture_output=True, text=True
    )
    if done.returncode:
        pytest.fail(f"{module} failed to build the site:\n{done.stdout}\n{done.stderr}")


def build_mkdocs(source, out):
    run_tool("mkdocs", "build", "--quiet", "--strict", "--config-file", source / "mkdocs.yml",
             "--site-dir", out)  # fmt: skip


def build_sphinx(source, out):
    run_tool("sphinx", "-b", "html", "-q", "-W", "-d", out.parent / "doctrees", source, out)


BUILDERS = {"mkdocs": build_mkdocs, "sphinx": build_sphinx}


def shown_spread(demo, kind):
    """The spread (standard deviation) of the grey levels on screen of a demo's result image or
    lab's first plot: near 0 when nothing is drawn."""
    demo.scroll_into_view_if_needed()  # a frame off screen draws no frames: it is never "stable"
    shown = demo.frame_locator("iframe").locator("#result" if kind == "op" else "#outputs canvas")
    png = shown.first.screenshot()
    return float(np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float).std())


def wait_settled(page, demo):
    """Scroll a demo into view (it mounts when near) and wait until it is ready or failed."""
    demo.scroll_into_view_if_needed()
    page.wait_for_function(
        "el => ['ready', 'error'].includes(el.dataset.ndlabState)",
        arg=demo.element_handle(),
    )
    if demo.get_attribute("data-ndlab-state") != "ready":
        shown = demo.inner_text() or demo.frame_locator("iframe").locator("body").inner_text()
        pytest.fail(f"the demo {demo.get_attribute('data-ndlab')} failed: {shown[:500]}")


def assert_cpython_result(demo, summary):
    """The numbers of a demo's result are those ndlab computes in CPython."""
    kind, name, sample, params = demo
    assert (summary["kind"], summary["name"]) == (kind, name)
    assert params.items() <= summary["params"].items(), summary["params"]
    if kind == "lab":
        values = labs.run(name, **params).outputs["values"]
        assert summary["values"] == pytest.approx(values, rel=1e-6, abs=1e-9)
        return
    photo = Image.open(DIST / "samples" / f"{sample}.png").convert("RGBA")
    out = cpython_pipeline(np.asarray(photo), [(name, params)])
    assert (summary["sample"], summary["height"], summary["width"]) == (sample, *out.shape[:2])
    # the page and CPython may differ by one grey level at a few pixels
    assert summary["mean"] == pytest.approx(out[..., :3].mean(), abs=0.05)


def ask_each(page, kind):
    """Every demo's answer to an embed request of this type, in page order."""
    return page.evaluate(
        """kind => Promise.all([...document.querySelectorAll('[data-ndlab]')].map(
          el => ndlabEmbed.request(el, {type: kind})))""",
        kind,
    )


@pytest.mark.parametrize("site", DEMOS)
def test_site_shows_three_demos_from_one_python(site, browser, ndlab_host, tmp_path):
    ndlab_url, gets = ndlab_host
    source = recipe(site, tmp_path / "source", ndlab_url)
    BUILDERS[site](source, tmp_path / "site")
    guarded = Guarded(browser)
    page = guarded.page
    gets.clear()
    try:
        with static_site(tmp_path / "site") as docs_url:
            page.goto(docs_url)
            demos = page.locator("[data-ndlab]")
            assert demos.count() == 3
            for i in range(3):
                wait_settled(page, demos.nth(i))
            statuses, summaries = ask_each(page, "status"), ask_each(page, "get")
            spreads = [shown_spread(demos.nth(i), demo[0]) for i, demo in enumerate(DEMOS[site])]
    finally:
        guarded.close()

    for demo, summary in zip(DEMOS[site], summaries, strict=True):
        assert_cpython_result(demo, summary)
    # one runtime for the page's three demos, one download of Python's WebAssembly
    assert len({s["runtime"]["id"] for s in statuses}) == 1, statuses
    assert statuses[0]["runtime"]["shared"] and statuses[0]["runtime"]["connections"] == 3
    # (as itself or as its twin, which the worker unpacks)
    wasm = {path: n for path, n in gets.items() if untwinned(path).endswith(".asm.wasm")}
    assert list(wasm.values()) == [1], wasm
    assert min(spreads) > 10, f"a demo looks blank (grey spread {spreads})"
