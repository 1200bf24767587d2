"""Docs authors' own tools: the wheel of `build.py package --docs` in a fresh virtual environment,
a Sphinx site and a MkDocs site built with it, and the project's own manual built with the plugin
of the source tree, each served by a plain static server.

The sources are tests/sites/sphinx-directive and tests/sites/mkdocs-plugin, the recipes of
docs/embedding.md, and docs/. Each site's first page has demos (an operation, a pipeline, a lab)
that must show CPython's numbers from one Python, its second page one more, from the same Python
(Chromium keeps the shared worker across the navigation) and with nothing the first page fetched
fetched again; the test prints the bytes and time each page costs a reader. A demo ndlab does not
know stops the build, naming page and line.
"""

import contextlib
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
from PIL import Image

from ndlab import labs
from pages import TIMEOUT_S, cpython_pipeline
from test_sites import ask_each, shown_spread, wait_settled
from tools import docs
from tools.chromium import CHROMIUM_FLAGS, find_chromium
from tools.docs_package import package_docs
from tools.layout import DIST, ROOT
from tools.server import running

SITES = Path(__file__).resolve().parents[1] / "sites"
SOURCES = {"sphinx": SITES / "sphinx-directive", "mkdocs": SITES / "mkdocs-plugin"}
# Each site's pages: (page, its demos as (kind, name, sample, before, params))
PAGES = {
    "sphinx": [
        ("index.html", [
            ("op", "gaussian_filter", "camera", [], {"sigma": 3}),
            ("op", "sobel", "coins", [("gaussian_filter", {"sigma": 2})], {}),
            ("lab", "fit_curve", None, [], {"noise": 2}),
        ]),
        ("thresholds.html", [("op", "threshold_otsu", "moon", [], {})]),
    ],
    "mkdocs": [
        ("index.html", [
            ("op", "gaussian_filter", "camera", [], {"sigma": 3}),
            ("op", "sobel", "coins", [("gaussian_filter", {"sigma": 2})], {}),
            ("lab", "camelback", None, [], {"x0": 0.5}),
        ]),
        ("thresholds/index.html", [("op", "threshold_otsu", "moon", [], {})]),
    ],
}  # fmt: skip
# The manual's pages with demos (docs/page.md, then docs/embedding.md), as a reader meets them
MANUAL = [
    ("page/", [
        ("op", "gaussian_filter", "camera", [], {"sigma": 3}),
        ("lab", "fit_curve", None, [], {"noise": 2}),
    ]),
    ("embedding/", [("op", "sobel", "coins", [("gaussian_filter", {"sigma": 2})], {})]),
]  # fmt: skip
# Where each tool puts the embed script in the built site (ndlab's site is beside it)
EMBED_JS = {"sphinx": "_static/ndlab/static/embed.js", "mkdocs": "ndlab/static/embed.js"}


def pinned(name):
    """`name==version` as requirements/test.txt pins it."""
    text = (ROOT / "requirements" / "test.txt").read_text()
    return re.search(rf"^{name}==\S+", text, re.M)[0]


@pytest.fixture(scope="module")
def docs_python(tmp_path_factory):
    """The Python of a fresh virtual environment with the docs wheel, Sphinx and MkDocs, installed
    as an author would (pip install of the wheel, the tools as pinned for the tests)."""
    folder = tmp_path_factory.mktemp("docs-ext")
    wheel = package_docs(folder)
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    python = venv / "bin" / "python"
    install = [python, "-m", "pip", "install", "--quiet", wheel, pinned("sphinx"), pinned("mkdocs")]
    done = subprocess.run(install, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return python


def build_site(python, tool, source, out):
    """Build a site with the environment's Sphinx or MkDocs; the finished run (output captured)."""
    if tool == "sphinx":
        command = ["-m", "sphinx", "-b", "html", "-q", "-W", "-d", out.parent / "doctrees", source]
    else:
        command = ["-m", "mkdocs", "build", "--strict", "-q", "-f", source / "mkdocs.yml", "-d"]
    return subprocess.run([python, *command, out], capture_output=True, text=True)


def built_site(python, tool, source, out):
    done = build_site(python, tool, source, out)
    assert done.returncode == 0, f"{tool} failed:\n{done.stdout}\n{done.stderr}"
    return out


@contextlib.contextmanager
def plain_host(directory):
    """Serve `directory` as the plainest static host does (Python's http.server: no compression,
    no headers of its own, Last-Modified and no Cache-Control); yield its URL and the list of
    (path, size) of what it answers, size None for an answer without a body (304 Not Modified)."""
    sent = []

    class Counting(http.server.SimpleHTTPRequestHandler):
        def send_response(self, code, message=None):
            self.body_size = None  # a handler answers each request of its connection in turn
            super().send_response(code, message)

        def send_header(self, keyword, value):
            if keyword.lower() == "content-length":
                self.body_size = int(value)
            super().send_header(keyword, value)

        def end_headers(self):
            sent.append((self.path, self.body_size))
            super().end_headers()

        def log_message(self, *args):
            pass

    handler = functools.partial(Counting, directory=str(directory))
    with running(http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)) as url:
        yield url, sent


@pytest.fixture
def reader(playwright, browser_own, tmp_path):
    """A reader's browser: Chromium with a profile of its own, whose HTTP cache is on disk and
    keeps Python's files between pages (a new context of the session's browser keeps its cache in
    memory, where no file over a few MB stays); its page. What leaves 127.0.0.1 is refused (by
    the proxy of Chromium's own requests: one browser has one proxy)."""
    flags = [*CHROMIUM_FLAGS, f"--proxy-server=http://{browser_own.address}"]
    context = playwright.chromium.launch_persistent_context(
        tmp_path / "profile", executable_path=find_chromium(), args=flags,
        viewport={"width": 1280, "height": 900},
    )  # fmt: skip
    context.set_default_timeout(TIMEOUT_S * 1000)
    yield context.pages[0] if context.pages else context.new_page()
    context.close()


def assert_cpython_result(demo, summary):
    """The numbers of a demo's result are those ndlab computes in CPython."""
    kind, name, sample, before, params = demo
    assert (summary["kind"], summary["name"]) == (kind, name)
    assert params.items() <= summary["params"].items(), summary["params"]
    if kind == "lab":
        values = labs.run(name, **params).outputs["values"]
        assert summary["values"] == pytest.approx(values, rel=1e-6, abs=1e-9)
        return
    photo = Image.open(DIST / "samples" / f"{sample}.png").convert("RGBA")
    out = cpython_pipeline(np.asarray(photo), [*before, (name, params)])
    assert (summary["sample"], summary["height"], summary["width"]) == (sample, *out.shape[:2])
    # the page and CPython may differ by one grey level at a few pixels
    assert summary["mean"] == pytest.approx(out[..., :3].mean(), abs=0.05)


@dataclass
class Visit:
    """What reading a page cost: the host's answers, (path, size or None), and the seconds until
    every demo was ready; and the Python runtime its demos shared ({id, connections, ...})."""

    answers: list
    seconds: float
    runtime: dict

    @property
    def downloaded(self):
        """The bodies the host sent, (path, size), biggest first."""
        return sorted(((p, n) for p, n in self.answers if n is not None), key=lambda a: -a[1])

    @property
    def bytes(self):
        return sum(n for _, n in self.downloaded)

    @property
    def asked(self):
        """The paths the browser asked the host for, with or without a body in answer."""
        return {urlsplit(path).path for path, _ in self.answers}


def read_page(page, url, demos, sent):
    """Open a page, scroll to each demo until it is ready, check each shows CPython's numbers and
    that they share one Python; return the :class:`Visit` (`sent` collects the host's answers)."""
    sent.clear()
    started = time.perf_counter()
    page.goto(url)
    elements = page.locator("[data-ndlab]")
    assert elements.count() == len(demos)
    for i in range(len(demos)):
        wait_settled(page, elements.nth(i))
    visit = Visit(list(sent), time.perf_counter() - started, {})
    statuses, summaries = ask_each(page, "status"), ask_each(page, "get")
    for demo, summary in zip(demos, summaries, strict=True):
        assert_cpython_result(demo, summary)
    # one Python for the page's demos
    assert len({s["runtime"]["id"] for s in statuses}) == 1, statuses
    visit.runtime = statuses[0]["runtime"]
    spreads = [shown_spread(elements.nth(i), demo[0]) for i, demo in enumerate(demos)]
    assert min(spreads) > 10, f"a demo looks blank (grey spread {spreads})"
    return visit


def assert_second_page_starts_no_python(first, second, demos):
    """The second page of a book: its demos connect to the first page's Python, which Chromium
    keeps for a while after the page is left (the shared worker's extendedLifetime), and nothing
    the first page fetched is fetched again (the browser's cache holds it: the host's files are
    a day old, and a plain host sends Last-Modified alone, so they are fresh for 2.4 hours)."""
    assert second.runtime["id"] == first.runtime["id"], (first.runtime, second.runtime)
    assert second.runtime["connections"] == first.runtime["connections"] + len(demos)
    again = sorted(first.asked & second.asked)
    assert again == [], f"the second page asked the host again for {again}"


def as_deployed_yesterday(site):
    """Date the files of a built site a day back, as a host's are a day after the docs went up."""
    day_ago = time.time() - 86400
    for path in site.rglob("*"):
        os.utime(path, (day_ago, day_ago))
    return site


def report(tool, visits):
    for path, visit in visits:
        print(f"\n{tool} {path}: {visit.bytes / 1e6:.2f} MB downloaded in "
              f"{len(visit.downloaded)} files, {len(visit.answers)} requests, "
              f"demos ready in {visit.seconds:.1f} s")  # fmt: skip
        print(", ".join(f"{name} {size / 1e6:.2f} MB" for name, size in visit.downloaded[:8]))
    (_, first), (_, second) = visits[:2]
    print(f"{tool}: second page ready / first page ready = {second.seconds / first.seconds:.3f}")


@pytest.mark.parametrize("tool", PAGES)
def test_site_built_with_the_wheel_shows_cpythons_numbers(tool, docs_python, reader, tmp_path):
    site = built_site(docs_python, tool, SOURCES[tool], tmp_path / "site")
    assert (site / EMBED_JS[tool]).is_file()
    copy = (site / EMBED_JS[tool]).parents[1]
    assert (
        not list(copy.rglob("*.gz"))
        and not list(copy.rglob("*.zst"))
        and not list(copy.rglob("snapshot"))
    )
    visits = []
    with plain_host(as_deployed_yesterday(site)) as (url, sent):
        for path, demos in PAGES[tool]:
            visits.append((path, read_page(reader, url + path, demos, sent)))
            if any(demo[1] == "sobel" for demo in demos):
                # its height option fixes the frame's height; its theme option makes it dark
                assert (
                    reader.locator("[data-ndlab=sobel] iframe").evaluate("f => f.style.height")
                    == "640px"
                )
                body = reader.frame_locator("[data-ndlab=sobel] iframe").locator("body")
                assert (
                    body.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(30, 34, 39)"
                )
    report(tool, visits)
    (_, first), (_, second) = visits
    assert first.runtime["connections"] == len(PAGES[tool][0][1])
    assert_second_page_starts_no_python(first, second, PAGES[tool][1][1])


def test_the_manuals_demos_show_cpythons_numbers_and_its_second_page_starts_no_python(
    reader, tmp_path
):
    """The project's own manual, as `python3 build.py docs` builds it with the plugin of the
    source tree: a reader's first page with demos, then a second one."""
    site = tmp_path / "site"
    done = docs.mkdocs(sys.executable, site)
    assert done.returncode == 0, f"MkDocs failed to build the manual:\n{done.stderr}"
    assert (site / "ndlab" / "static" / "embed.js").is_file()
    visits = []
    with plain_host(as_deployed_yesterday(site)) as (url, sent):
        for path, demos in MANUAL:
            visits.append((path, read_page(reader, url + path, demos, sent)))
    report("the manual", visits)
    (_, first), (_, second) = visits
    assert first.runtime["connections"] == len(MANUAL[0][1])
    assert_second_page_starts_no_python(first, second, MANUAL[1][1])


def first_demo_line(text, written):
    """The line of the directive or fence of the demo where `written` first appears."""
    lines = text[: text.index(written)].splitlines()
    starts = [i for i, line in enumerate(lines, 1) if line.startswith((".. ndlab::", "```ndlab"))]
    return starts[-1]


@pytest.mark.parametrize("tool", PAGES)
@pytest.mark.parametrize(
    ("written", "typo", "message"),
    [
        ("gaussian_filter", "gausian_filter",
         "no operation or lab is named 'gausian_filter' (did you mean 'gaussian_filter'?)"),
        ('{"sigma": 3}', '{"sigma": 30}', "gaussian_filter: sigma must be between 0 and 20, got 30"),
        ('{"sigma": 3}', '{"sigma": 3, "radius": 1}',
         "the operation gaussian_filter has no parameter 'radius'; valid parameters: sigma"),
        ("coins", "coin", "no sample image is named 'coin' (did you mean 'coins'?)"),
    ],
)  # fmt: skip
def test_bad_demo_stops_the_build_naming_page_and_line(
    tool, written, typo, message, docs_python, tmp_path
):
    source = shutil.copytree(SOURCES[tool], tmp_path / "source")
    page = source / ("index.rst" if tool == "sphinx" else "docs/index.md")
    text = page.read_text()
    page.write_text(text.replace(written, typo, 1))
    done = build_site(docs_python, tool, source, tmp_path / "site")
    said = done.stdout + done.stderr
    assert done.returncode != 0, said
    where = f"{page.name}:{first_demo_line(text, written)}: "
    assert re.search(f"{re.escape(where)}.*{re.escape(message)}", said), said


@pytest.mark.parametrize("tool", PAGES)
def test_url_option_uses_an_ndlab_hosted_elsewhere(tool, docs_python, tmp_path):
    source = shutil.copytree(SOURCES[tool], tmp_path / "source")
    if tool == "sphinx":
        with (source / "conf.py").open("a") as conf:
            conf.write('ndlab_url = "https://ndlab.example.org/"\n')
    else:
        config = source / "mkdocs.yml"
        plugin = "  - ndlab:\n      url: https://ndlab.example.org/\n"
        config.write_text(config.read_text().replace("  - ndlab\n", plugin))
    site = built_site(docs_python, tool, source, tmp_path / "site")
    html = (site / "index.html").read_text()
    assert html.count('src="https://ndlab.example.org/static/embed.js"') == 1
    assert not (site / EMBED_JS[tool]).exists()
