"""build.py: verified downloads, the trimmed lock file, and the server's MIME types."""

import io
import json
import tarfile
import threading
import urllib.request
from pathlib import Path

import pytest

import build

ROOT = Path(__file__).resolve().parents[2]

LOCK = build.official_lock()
NAMES = ["numpy", "scipy", "openblas"]


@pytest.fixture(scope="module")
def official_files():
    """The official Pyodide files, read from the cached, hash-pinned download."""
    read = build.package_source(None)
    return {LOCK["packages"][n]["file_name"]: read(LOCK["packages"][n]["file_name"]) for n in NAMES}


def test_closure_follows_dependencies():
    assert build.closure(LOCK, ["numpy", "scipy"]) == NAMES


def test_pyodide_dist_tarball_is_verified_and_extracted(tmp_path, official_files):
    tarball = tmp_path / "pyodide-0.27.7.tar.bz2"
    with tarfile.open(tarball, "w:bz2") as tar:
        for name, data in official_files.items():
            info = tarfile.TarInfo(f"pyodide/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    out = tmp_path / "out"
    out.mkdir()
    build.extract_packages(LOCK, NAMES, str(tarball), out)
    for name, data in official_files.items():
        assert (out / name).read_bytes() == data


def test_tampered_file_stops_the_build(tmp_path, official_files):
    source = tmp_path / "pyodide"
    source.mkdir()
    for name, data in official_files.items():
        (source / name).write_bytes(data)
    numpy_file = LOCK["packages"]["numpy"]["file_name"]
    (source / numpy_file).write_bytes(official_files[numpy_file] + b"tampered")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(build.BuildError, match=f"{numpy_file}: sha256 .* differs"):
        build.extract_packages(LOCK, NAMES, str(source), out)


def test_missing_file_is_named(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(build.BuildError, match="numpy-2.0.2.*missing"):
        build.extract_packages(LOCK, ["numpy"], str(tmp_path / "empty"), tmp_path)


def test_built_lock_loads_ndlab_by_name():
    lock = json.loads((build.DIST / "pyodide" / "pyodide-lock.json").read_text())
    assert lock["info"]["version"] == build.PYODIDE_VERSION
    assert set(lock["packages"]) == {"ndlab", *NAMES}
    entry = lock["packages"]["ndlab"]
    assert entry["depends"] == ["numpy", "scipy"] and entry["imports"] == ["ndlab"]
    assert entry["sha256"] == build.sha256(build.DIST / "pyodide" / entry["file_name"])


def test_manifest_counts_startup_bytes():
    info = json.loads((build.DIST / "build.json").read_text())
    assert info["startup_bytes"] > 20e6
    assert (
        info["files"]["pyodide/pyodide.asm.wasm"]
        == (build.DIST / "pyodide/pyodide.asm.wasm").stat().st_size
    )


@pytest.mark.parametrize(
    "path, mime",
    [
        ("pyodide/pyodide.asm.wasm", "application/wasm"),
        ("pyodide/pyodide.mjs", "text/javascript"),
        ("catalog.json", "application/json"),
        ("index.html", "text/html"),
    ],
)
def test_server_mime_types(path, mime):
    server = build.make_server(0)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/{path}") as response:
            assert response.headers["Content-Type"].startswith(mime)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_server_sends_gzip_twins_to_clients_that_accept_them():
    import gzip

    server = build.make_server(0)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/pyodide/pyodide.asm.wasm"
    try:
        request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert response.headers["Content-Type"] == "application/wasm"
            body = gzip.decompress(response.read())
        with urllib.request.urlopen(url) as response:  # no Accept-Encoding: the plain file
            assert response.headers["Content-Encoding"] is None
            plain = response.read()
        assert body == plain == (build.DIST / "pyodide/pyodide.asm.wasm").read_bytes()
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
