"""The manual (docs/, built by MkDocs) and the README, its front door.

The site is built as `python3 build.py docs` builds it, strictly: a broken link or anchor between
pages, or a page left out of the nav, fails the build. Every page must be reachable from the
index, and every relative link and image of README.md and docs/ must lead to a file (and a
heading, for a link with an anchor). The README stays short, with the commands CI runs.
"""

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from markdown.extensions.toc import slugify

from tools import bench, docs

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
CODE_SPAN = re.compile(r"`[^`\n]*`")
# [text](target) and ![alt](target), and src="..." / href="..." of HTML in Markdown
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|(?:src|href)=\"([^\"]+)\"")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def prose(text):
    """Markdown without its code blocks and code spans, where links are only examples."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def relative_links(path):
    """The links of a Markdown file that point into the repository: (target, anchor) pairs."""
    for match in LINK.finditer(prose(path.read_text())):
        target = match[1] or match[2]
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or target.startswith("#"):
            continue  # another site, or a place in this page (MkDocs checks those in docs/)
        yield unquote(parts.path), parts.fragment


def anchors(path):
    """The anchors of a Markdown file's headings, as MkDocs (Python-Markdown's toc) makes them."""
    headings = HEADING.findall(FENCE.sub("", path.read_text()))
    return {slugify(heading.replace("`", ""), "-") for heading in headings}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    done = docs.mkdocs(sys.executable, out)
    assert done.returncode == 0, f"MkDocs failed to build the manual:\n{done.stderr}"
    return out


class Links(HTMLParser):
    """The links of an HTML page (``hrefs``) and what it loads (``loads``: src, stylesheets)."""

    def __init__(self):
        super().__init__()
        self.hrefs, self.loads = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("href"):
            (self.loads if tag == "link" else self.hrefs).append(attrs["href"])
        if attrs.get("src"):
            self.loads.append(attrs["src"])


def reachable(site):
    """The HTML pages of a built site reached by following its links from index.html."""
    seen, todo = set(), [site / "index.html"]
    while todo:
        page = todo.pop()
        if page in seen or page.suffix != ".html" or not page.is_file():
            continue
        seen.add(page)
        parser = Links()
        parser.feed(page.read_text())
        base = page.relative_to(site).as_posix()
        for href in parser.hrefs:
            target = urlsplit(urljoin(f"http://docs/{base}", href))
            if target.netloc != "docs":
                continue
            found = site / unquote(target.path).lstrip("/")
            todo.append(found / "index.html" if found.is_dir() else found)
    return seen


def built_page(site, page):
    """Where MkDocs writes a page (directory URLs: page.md -> page/index.html)."""
    return site / ("index.html" if page.stem == "index" else f"{page.stem}/index.html")


def test_the_manual_builds_strictly_and_every_page_is_reachable_from_the_index(site):
    assert {built_page(site, page) for page in PAGES} <= reachable(site)


def test_the_manual_loads_nothing_from_other_hosts(site):
    """It reads offline: no script, stylesheet, font or image from a CDN (mkdocs.yml)."""
    for page in sorted(site.rglob("*.html")):
        parser = Links()
        parser.feed(page.read_text())
        remote = [url for url in parser.loads if urlsplit(url).netloc]
        assert not remote, f"{page.relative_to(site)} loads {remote}"


def test_the_index_lists_every_page_in_reading_order():
    listed = [target for target, _ in relative_links(DOCS / "index.md") if target.endswith(".md")]
    assert set(listed) == {page.name for page in PAGES} - {"index.md"}, listed


@pytest.mark.parametrize("path", [README, *PAGES], ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_and_images_resolve(path):
    broken = []
    for target, anchor in relative_links(path):
        file = (path.parent / target).resolve() if target else path
        if not file.exists():
            broken.append(target)
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{target}#{anchor}")
    assert not broken, f"{path.name} links to what is not there: {broken}"


def test_readme_is_a_front_door_with_the_quickstart():
    text = README.read_text()
    assert len(text.splitlines()) <= 200
    quickstart = re.search(r"^## Quickstart\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert quickstart, "README.md has no section headed ## Quickstart"
    commands = [line.split("#")[0].strip() for line in FENCE.findall(quickstart[1])[0].splitlines()]
    # CI (.ci/run) runs the README's test command
    assert {"python3 build.py serve", "python3 build.py test"} <= set(commands), commands


@pytest.mark.parametrize(
    ("heading", "tested"),
    [
        ("### Sphinx", "sphinx-directive"),
        ("### MkDocs", "mkdocs-plugin"),
        ("### MkDocs without the extension", "mkdocs"),
        ("### Sphinx without the extension", "sphinx"),
    ],
)
def test_the_embedding_recipes_are_the_tested_sites(heading, tested):
    """Each line of a recipe's code blocks is a line of the site tests/browser/test_sites.py or
    test_docs_ext.py builds (tests/sites/<tested>/), so the page shows the recipes as tested."""
    page = (DOCS / "embedding.md").read_text()
    section = re.search(rf"^{heading}\n(.*?)(?=^#{{1,3}} |\Z)", page, re.S | re.M)[1]
    recipe = {line.strip() for block in FENCE.findall(section) for line in block.splitlines()[1:-1]}
    site = (
        f"tests/sites/{tested}"  # its tracked files: a build leaves caches and output beside them
    )
    files = subprocess.run(["git", "ls-files", site], cwd=ROOT, capture_output=True, text=True)
    paths = files.stdout.split()
    lines = {line.strip() for path in paths for line in (ROOT / path).read_text().splitlines()}
    assert recipe and recipe - {""} <= lines, recipe - lines


def test_every_part_of_the_bench_has_a_figure_block_on_the_performance_page():
    blocks = docs.bench_blocks(docs.PERFORMANCE.read_text())
    assert set(blocks) == {*bench.PARTS, "classroom", "dask"}
    assert all(text.strip() for text in blocks.values())


def test_the_bench_writes_its_figures_into_their_block_only(tmp_path):
    page = tmp_path / "performance.md"
    page.write_text(docs.PERFORMANCE.read_text())
    results = {"embeds": {"first_ms": 6321, "all_ms": 6345, "runtimes": 1}}
    block = bench.docs_block(bench.PARTS["embeds"](results), "2026-12-07 10:00", "x86_64")
    docs.put_bench({"embeds": block}, page)

    before, after = (
        docs.bench_blocks(docs.PERFORMANCE.read_text()),
        docs.bench_blocks(page.read_text()),
    )
    assert (
        "6321 ms" in after["embeds"]
        and "on 2026-12-07 10:00 UTC (x86_64; load average" in after["embeds"]
    )
    assert "**Three embedded demos" in after["embeds"]  # the part's title, not a heading
    assert {k: v for k, v in after.items() if k != "embeds"} == {
        k: v for k, v in before.items() if k != "embeds"
    }
    outside = docs.BLOCK.sub("", page.read_text())
    assert outside == docs.BLOCK.sub("", docs.PERFORMANCE.read_text())


def test_a_part_without_a_block_is_refused_and_nothing_written(tmp_path):
    page = tmp_path / "performance.md"
    page.write_text("# Performance\n\n<!-- bench:dask -->\nold\n<!-- /bench:dask -->\n")
    with pytest.raises(KeyError, match="no block for startup"):
        docs.put_bench({"dask": "new", "startup": "new"}, page)
    assert docs.bench_blocks(page.read_text()) == {"dask": "old\n"}


def test_the_embed_protocol_tables_are_written_from_its_declaration():
    """docs/embedding.md's tables of messages are static/embed-protocol.js's, as built."""
    page = (DOCS / "embedding.md").read_text()
    block = docs.DECLARED.search(page)
    assert block, "embedding.md has no declared:embed-protocol block"
    protocol = docs.embed_protocol()
    assert list(protocol["requests"]) == ["get", "set", "run", "status"]
    assert block["text"] == docs.embed_protocol_block(protocol) + "\n"
