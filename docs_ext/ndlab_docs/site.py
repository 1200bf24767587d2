"""ndlab's site shipped in this package, and copying it into built docs.

``site/`` holds ndlab's built site, as ``python3 build.py package --docs`` put it in the wheel:
the files an embedded demo loads (the embed view, the Pyodide worker, Python and its packages,
the sample images), its catalogues, and the full page its "Open in ndlab" link opens.
"""

import shutil
from pathlib import Path

SITE = Path(__file__).resolve().parent / "site"
#: The embed script, relative to the site.
EMBED_JS = "static/embed.js"


def copy_site(target):
    """Copy ndlab's site into the folder `target`, leaving files already there at the same size
    and not older (a rebuild of the docs copies nothing again).

    Returns
    -------
    int
        How many files were copied.
    """
    copied = 0
    for source in sorted(SITE.rglob("*")):
        if not source.is_file():
            continue
        dest = Path(target) / source.relative_to(SITE)
        there = dest.stat() if dest.exists() else None
        mine = source.stat()
        if there and there.st_size == mine.st_size and there.st_mtime >= mine.st_mtime:
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)
        copied += 1
    return copied


def script_url(ndlab_url):
    """The embed script's URL in an ndlab hosted at `ndlab_url` (a folder's URL)."""
    return ndlab_url.rstrip("/") + "/" + EMBED_JS
