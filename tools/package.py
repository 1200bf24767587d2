"""``build.py package``: ndlab-offline.zip, the site and its launcher for offline classrooms."""

from __future__ import annotations

import hashlib
import json
import re
import time
import zipfile
from pathlib import Path

from tools.downloads import vendored_qrcodegen
from tools.layout import DIST, ROOT, WHEELS, BuildError, log, sha256, size
from tools.site import build, built

PACKAGE = ROOT / "ndlab-offline.zip"


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
    # Served from the teacher's computer, where bytes cost nothing: the worker fetches the large
    # files themselves, which start.py sends gzip-encoded, unpacked by the browser faster than the
    # worker unpacks their .zst twins (left out: 42 MB). Students of `--lan` fetch them so too.
    listed.update(packed={}, startup_bytes=listed["startup_bytes_plain"])
    replaced["build.json"] = json.dumps(listed, indent=1).encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(DIST.rglob("*")):
            name = path.relative_to(DIST).as_posix()
            if (
                path.is_file()
                and path.suffix != ".zst"
                and name.removesuffix(".gz") not in replaced
            ):
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
