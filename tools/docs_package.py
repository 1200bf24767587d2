"""``build.py package --docs``: the wheel ndlab_docs-VERSION-py3-none-any.whl, docs authors' tools.

The wheel holds the Sphinx extension and the MkDocs plugin (``docs_ext/ndlab_docs/``) and, as
their package data in ``ndlab_docs/site/``, ndlab's site as a plain static host serves it best:

- without the ``.gz`` and ``.zst`` twins of dist/ (``build.json`` lists none, so the worker asks
  for none);
- without the start-up snapshots (``snapshot/``, 196 MB as they are, 51 MB gzipped, a browser
  downloading 133 MB of them): a host that does not compress them would make each reader download
  them whole. Without them the worker starts Python the usual way, from Python and its packages'
  wheels, 41 MB as any host sends them (the wheels are compressed already); ``build.json`` says
  there is no snapshot and lists the copy's files.

Standard library only: a wheel is a zip with its metadata in ``NAME-VERSION.dist-info/``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path

from tools.layout import CACHE, DIST, PYODIDE_CORE, ROOT, closure, log, size
from tools.site import build, built

#: The package's source: the extension and the plugin (the site is added from dist/).
SOURCE = ROOT / "docs_ext" / "ndlab_docs"
NAME = "ndlab_docs"
#: Where ``unpack_docs`` lays the wheel's files out for the project's own manual.
UNPACKED = CACHE / "ndlab_docs"
#: What the site copy leaves out of dist/ (see above).
LEFT_OUT = ("snapshot/",)
ENTRY_POINTS = "[mkdocs.plugins]\nndlab = ndlab_docs.mkdocs_plugin:NdlabPlugin\n"
SUMMARY = "Live NumPy/SciPy demos of ndlab in Sphinx and MkDocs documentation"


def site_files() -> dict[str, bytes | Path]:
    """The files of the site copy (name in the site -> file in dist/, or bytes when rewritten)."""
    files: dict[str, bytes | Path] = {}
    for path in sorted(DIST.rglob("*")):
        name = path.relative_to(DIST).as_posix()
        if path.is_file() and not name.endswith((".gz", ".zst")) and not name.startswith(LEFT_OUT):
            files[name] = path
    listed = json.loads((DIST / "build.json").read_text())
    lock = json.loads((DIST / "pyodide" / "pyodide-lock.json").read_text())
    startup = [f"pyodide/{f}" for f in (*PYODIDE_CORE, "python_stdlib.zip", "pyodide-lock.json")]
    startup += [f"pyodide/{lock['packages'][n]['file_name']}" for n in closure(lock, ["ndlab"])]
    kept = {name: n for name, n in listed["files"].items() if name in files}
    listed.update(
        snapshot=None,
        startup_bytes=sum(kept[name] for name in startup),
        startup_bytes_plain=sum(kept[name] for name in startup),
        packed={},  # no twins: the worker fetches the plain files
        files=kept,
        sha256={name: d for name, d in listed["sha256"].items() if name in kept},
    )
    files["build.json"] = (json.dumps(listed, indent=1) + "\n").encode()
    return files


def metadata(version: str) -> dict[str, bytes]:
    """The dist-info files but RECORD (name in dist-info -> bytes)."""
    return {
        "METADATA": (
            f"Metadata-Version: 2.1\nName: ndlab-docs\nVersion: {version}\nSummary: {SUMMARY}\n"
            "License: see ndlab_docs/site/ (ndlab and the libraries it ships)\n"
            "Requires-Python: >=3.10\n"
        ).encode(),
        "WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: ndlab build.py\nRoot-Is-Purelib: true\n"
            b"Tag: py3-none-any\n"
        ),
        "entry_points.txt": ENTRY_POINTS.encode(),
    }


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def contents(version: str) -> dict[str, bytes | Path]:
    """The wheel's files but RECORD (name in the wheel -> bytes, or the file that holds them)."""
    info = f"{NAME}-{version}.dist-info"
    files: dict[str, bytes | Path] = {
        f"{NAME}/{p.relative_to(SOURCE).as_posix()}": p for p in sorted(SOURCE.rglob("*.py"))
    }
    files |= {f"{NAME}/site/{name}": f for name, f in site_files().items()}
    files |= {f"{info}/{name}": data for name, data in metadata(version).items()}
    return files


def package_docs(out_dir: Path = ROOT) -> Path:
    """Write ``ndlab_docs-VERSION-py3-none-any.whl`` into `out_dir` (dist/ built first if needed)."""
    if not built():
        build()
    version = json.loads((DIST / "build.json").read_text())["version"]
    info = f"{NAME}-{version}.dist-info"
    out = out_dir / f"{NAME}-{version}-py3-none-any.whl"
    record = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, item in contents(version).items():
            data = item if isinstance(item, bytes) else item.read_bytes()
            zf.writestr(name, data)
            record.append(record_line(name, data))
        zf.writestr(f"{info}/RECORD", "\n".join([*record, f"{info}/RECORD,,"]) + "\n")
    log(f"wrote    {out.name} ({size(out.stat().st_size)})")
    return out


def unpack_docs(folder: Path = UNPACKED) -> Path:
    """Lay the wheel's files out in `folder` as pip would install them, for a Python that has
    `folder` on its path (``PYTHONPATH``): the manual's MkDocs finds the plugin there, the same
    one the wheel holds, with no wheel written or installed. dist/ is built first if needed; the
    site's files are hard links to dist/'s where the file system allows. Returns `folder`."""
    if not built():
        build()
    version = json.loads((DIST / "build.json").read_text())["version"]
    shutil.rmtree(folder, ignore_errors=True)
    for name, item in contents(version).items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(item, bytes):
            target.write_bytes(item)
            continue
        try:
            os.link(item, target)
        except OSError:  # another file system: copy instead
            shutil.copy2(item, target)
    return folder
