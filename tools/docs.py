"""The manual: docs/ built as a site by MkDocs, and the bench's figures written into it.

``python3 build.py docs`` builds the site into site/ with the MkDocs pinned in
requirements/test.txt, strictly (mkdocs.yml): a broken link or anchor, or a page left out of the
nav, fails the build. Its live demos are ```` ```ndlab ```` fences read by the docs authors' plugin
of this source tree (``docs_ext/``), laid out as its wheel holds it (``tools/docs_package.py``),
which checks them against the catalogue and copies ndlab's site into site/ndlab/. ``python3 build.py bench --docs`` replaces the figure blocks of
docs/performance.md, each between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``, with the
parts of the report it measured; the text around the blocks stays as written. Blocks between
``<!-- declared:NAME -->`` and ``<!-- /declared:NAME -->`` are written from a declaration in the
code (the embed host protocol, static/embed-protocol.js, read with node) each time the manual is
built.

Standard library only: build.py imports this module, and MkDocs runs in the interpreter it names.
"""

import json
import os
import re
import subprocess
from pathlib import Path

from tools.docs_package import unpack_docs

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "mkdocs.yml"
SITE = ROOT / "site"
PERFORMANCE = ROOT / "docs" / "performance.md"
EMBEDDING = ROOT / "docs" / "embedding.md"
EMBED_PROTOCOL = ROOT / "static" / "embed-protocol.js"

#: A figure block of a page: its name and its text, which the bench writes.
BLOCK = re.compile(r"<!-- bench:(?P<name>[\w-]+) -->\n(?P<text>.*?)<!-- /bench:(?P=name) -->", re.S)
#: The block of the embedding page written from the embed host protocol's declaration.
DECLARED = re.compile(
    r"(<!-- declared:embed-protocol -->\n)(?P<text>.*?)(<!-- /declared:embed-protocol -->)", re.S
)


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
    """Build the manual into `out` (site/ by default), print MkDocs' messages; return 0 if built.

    The embedding page's table of messages is first written anew from their declaration.
    """
    put_embed_protocol()
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


def embed_protocol():
    """The embed host protocol as static/embed-protocol.js declares it (node imports the module).

    Returns
    -------
    dict
        ``tag``; ``requests``, ``fields``, ``notices`` and ``states``: each name with its words.
    """
    script = (
        "const m = await import(process.argv[1]); console.log(JSON.stringify({tag: m.TAG, "
        "requests: m.REQUESTS, fields: m.REQUEST_FIELDS, notices: m.NOTICES, states: m.STATES}))"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script, EMBED_PROTOCOL.as_uri()],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def embed_protocol_block(protocol):
    """The embedding page's tables of messages, in Markdown, from `protocol` (embed_protocol()).

    Examples
    --------
    >>> protocol = {"tag": "embed", "requests": {"set": "the result"}, "fields": {"set": ["params"]},
    ...     "notices": {"height": "its height"}, "states": {"ready": "shown"}}
    >>> print(embed_protocol_block(protocol))  # doctest: +NORMALIZE_WHITESPACE
    | request | answer |
    |---|---|
    | `{type: "set", params}` | the result |
    <BLANKLINE>
    What a demo sends its host page, each `{ndlab: "embed", type, …}`:
    <BLANKLINE>
    | type | message |
    |---|---|
    | `height` | its height |
    <BLANKLINE>
    A demo's `state`, as its `state` messages and its element's `data-ndlab-state` say it
    (`waiting` until its frame is made):
    <BLANKLINE>
    - `ready`: shown
    """
    fields = protocol["fields"]
    requests = [
        "| `{" + ", ".join([f'type: "{name}"', *fields[name]]) + f"}}` | {words} |"
        for name, words in protocol["requests"].items()
    ]
    notices = [f"| `{name}` | {words} |" for name, words in protocol["notices"].items()]
    states = [f"- `{name}`: {words}" for name, words in protocol["states"].items()]
    return "\n".join(
        [
            "| request | answer |",
            "|---|---|",
            *requests,
            "",
            f'What a demo sends its host page, each `{{ndlab: "{protocol["tag"]}", type, …}}`:',
            "",
            "| type | message |",
            "|---|---|",
            *notices,
            "",
            "A demo's `state`, as its `state` messages and its element's `data-ndlab-state` say it"
            " (`waiting` until its frame is made):",
            "",
            *states,
        ]
    )


def put_embed_protocol(page=EMBEDDING):
    """Write the embed host protocol's tables into `page`'s ``declared:embed-protocol`` block."""
    text = Path(page).read_text()
    block = embed_protocol_block(embed_protocol())
    Path(page).write_text(DECLARED.sub(lambda m: f"{m[1]}{block}\n{m[3]}", text))
