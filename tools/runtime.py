"""The site's Python: the verified (and py-compiled) Pyodide packages, the ndlab wheel, the lock."""

from __future__ import annotations

import email.parser
import email.utils
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from tools import server
from tools.downloads import extract_packages
from tools.layout import (
    CACHE,
    NODE_PYODIDE,
    ON_DEMAND,
    ROOT,
    VENV,
    BuildError,
    closure,
    log,
    official_lock,
    run,
    sha256,
)
from tools.toolchain import venv_can_compile, venv_python


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


def build_ndlab_wheel(out: Path) -> Path:
    """Build ndlab's wheel into `out` from a copy of py/, so that the build's own files (build/,
    *.egg-info) never land in the sources, where they would make dist/ look out of date."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "py"
        junk = shutil.ignore_patterns("build", "*.egg-info", "__pycache__")
        shutil.copytree(ROOT / "py", source, ignore=junk)
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
                source,
            ],
            # fixed timestamps inside the zip: the same sources give the same wheel, and so the
            # same content-addressed URL, which browsers keep cached across builds
            env=dict(os.environ, SOURCE_DATE_EPOCH="315532800"),
        )
        (wheel,) = Path(tmp).glob("ndlab-*.whl")
        shutil.move(str(wheel), out / wheel.name)
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
