"""The manual: docs/ built as a site by MkDocs, and the bench's figures written into it.

``python3 build.py docs`` builds the site into site/ with the MkDocs pinned in
requirements/test.txt, strictly (mkdocs.yml): a broken link or anchor, or a page left out of the
nav, fails the build. Its live demos are ```` ```ndlab ```` fences read by the docs authors' plugin
of this source tree (``docs_ext/``), laid out as its wheel holds it (``tools/docs_package.py``),
which checks them against the catalogue and copies ndlab's site into site/ndlab/. ``python3 build.py bench --docs`` replaces the figure blocks of
docs/performance.md, each between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``, with the
parts of the report it measured; the text around the blocks stays as written.

Standard library only: build.py imports this module, and MkDocs runs in the interpreter it names.
"""

import os
import re
import subprocess
from pathlib import Path

from tools.docs_package import unpack_docs

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "mkdocs.yml"
SITE = ROOT / "site"
PERFORMANCE = ROOT / "docs" / "performance.md"

#: A figure block of a page: its name and its text, which the bench writes.
BLOCK = re.compile(r"<!-- bench:(?P<name>[\w-]+) -->\n(?P<text>.*?)<!-- /bench:(?P=name) -->", re.S)


def mkdocs(python, out):
    """Build the manual into `out` with the MkDocs of interpreter `python`, strictly, and ndlab's
    plugin from this source tree (dist/ built first if needed: the plugin ships its site).

    Returns
    -------
    subprocess.CompletedProcess
        MkDocs' run, its messages captured (``stderr``); ``returncode`` 0 when the site built.
    """
    plugin = unpack_docs()
    path = os.pathsep.join(filter(None, [str(plugin), os.environ.get("PYTHONPATH")]))
    command = [python, "-m", "mkdocs", "build", "--strict", "--config-file", CONFIG]
    return subprocess.run(
        [*map(str, command), "--site-dir", str(out)],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ, PYTHONPATH=path),
    )


def build(python, out=SITE):
    """Build the manual into `out` (site/ by default), print MkDocs' messages; return 0 if built."""
    done = mkdocs(python, out)
    print(done.stdout + done.stderr, end="")
    if done.returncode == 0:
        print(f"[docs] wrote {Path(out) / 'index.html'}")
    return done.returncode


def bench_blocks(text):
    """The figure blocks of a page's text, by name.

    Examples
    --------
    >>> bench_blocks("a\\n<!-- bench:dask -->\\n40.8 s\\n<!-- /bench:dask -->\\n")
    {'dask': '40.8 s\\n'}
    """
    return {m["name"]: m["text"] for m in BLOCK.finditer(text)}


def put_bench(blocks, page=PERFORMANCE):
    """Write each of `blocks` (name -> markdown) into the block of that name in `page`.

    Raises
    ------
    KeyError
        When `page` has no block for one of the names: nothing is written.
    """
    text = Path(page).read_text()
    missing = sorted(set(blocks) - set(bench_blocks(text)))
    if missing:
        raise KeyError(f"{Path(page).name} has no block for {', '.join(missing)}")

    def replace(match):
        name = match["name"]
        if name not in blocks:
            return match[0]
        return f"<!-- bench:{name} -->\n{blocks[name].strip()}\n<!-- /bench:{name} -->"

    Path(page).write_text(BLOCK.sub(replace, text))
