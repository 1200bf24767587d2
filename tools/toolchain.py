"""The build's tools: a Python 3.12 venv in .cache/venv and the npm packages of package-lock.json."""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tools.layout import (
    NODE_PYODIDE,
    PYODIDE_PYTHON,
    PYODIDE_VERSION,
    ROOT,
    VENV,
    BuildError,
    log,
    run,
    sha256,
)


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
