"""build.py: verified downloads, the trimmed lock file, and the server's MIME types."""

import gzip
import hashlib
import io
import json
import re
import tarfile
import threading
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tools import content, server
from tools.downloads import extract_packages, package_source
from tools.engines import missing
from tools.layout import (
    CHAPTER_CREDIT,
    CHAPTER_DATA,
    CHAPTER_DIR,
    DIST,
    ON_DEMAND,
    PYODIDE_VERSION,
    ROOT,
    SNAPSHOT_ENGINES,
    BuildError,
    closure,
    official_lock,
    sha256,
)
from tools.package import describe_wheel
from tools.runtime import build_ndlab_wheel
from tools.site import stamp_csp
from tools.toolchain import ensure_venv

LOCK = official_lock()
NAMES = ["numpy", "scipy", "openblas"]


@pytest.fixture(scope="module")
def official_files():
    """The official Pyodide files, read from the cached, hash-pinned download."""
    read = package_source(None)
    return {LOCK["packages"][n]["file_name"]: read(LOCK["packages"][n]["file_name"]) for n in NAMES}


def test_closure_follows_dependencies():
    assert closure(LOCK, ["numpy", "scipy"]) == NAMES


def test_pyodide_dist_tarball_is_verified_and_extracted(tmp_path, official_files):
    tarball = tmp_path / "pyodide-0.27.7.tar.bz2"
    with tarfile.open(tarball, "w:bz2") as tar:
        for name, data in official_files.items():
            info = tarfile.TarInfo(f"pyodide/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    out = tmp_path / "out"
    out.mkdir()
    extract_packages(LOCK, NAMES, str(tarball), out)
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
    with pytest.raises(BuildError, match=f"{numpy_file}: sha256 .* differs"):
        extract_packages(LOCK, NAMES, str(source), out)


def test_missing_file_is_named(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(BuildError, match="numpy-2.0.2.*missing"):
        extract_packages(LOCK, ["numpy"], str(tmp_path / "empty"), tmp_path)


def test_built_lock_loads_ndlab_by_name():
    lock = json.loads((DIST / "pyodide" / "pyodide-lock.json").read_text())
    assert lock["info"]["version"] == PYODIDE_VERSION
    shipped = closure(LOCK, ["numpy", "scipy", *ON_DEMAND])
    assert set(lock["packages"]) == {"ndlab", *shipped}
    entry = lock["packages"]["ndlab"]
    assert entry["depends"] == ["numpy", "scipy"] and entry["imports"] == ["ndlab"]
    assert entry["sha256"] == sha256(DIST / "pyodide" / entry["file_name"])


def test_manifest_counts_startup_bytes():
    """As they travel (the worker unpacks the .zst twins of ``packed``) and as plain files."""
    info = json.loads((DIST / "build.json").read_text())
    assert info["startup_bytes"] > 20e6
    assert info["startup_bytes_plain"] > 2 * info["startup_bytes"]
    assert "pyodide/pyodide.asm.wasm" in info["packed"]
    for name, packed in info["packed"].items():
        twin = (DIST / f"{name}.zst").read_bytes()
        assert packed["size"] == len(twin) < info["files"][name]
        assert packed["sha256"] == hashlib.sha256(twin).hexdigest()
    # a fifth smaller, together, than their .gz twins, which the server sends to other clients
    gzipped = sum((DIST / f"{name}.gz").stat().st_size for name in info["packed"])
    assert sum(p["size"] for p in info["packed"].values()) < 0.8 * gzipped
    assert not [name for name in info["files"] if name.endswith((".gz", ".zst"))]
    assert (
        info["files"]["pyodide/pyodide.asm.wasm"]
        == (DIST / "pyodide/pyodide.asm.wasm").stat().st_size
    )


def test_a_snapshot_per_engine_profile_sharing_the_packages_files():
    """The build made a snapshot in each engine it has (WebKit lays out functions otherwise than
    Chromium): each one's metadata names its profile and the sha256 of its memory and of the
    packages' files, which are there once for all of them."""
    info = json.loads((DIST / "build.json").read_text())
    made = info["snapshot"]["made"]
    shared = [info["snapshot"][part] for part in ("files", "later")]
    assert [m["engine"] for m in made] == [e for e in SNAPSHOT_ENGINES if not missing(e)]
    metas = [json.loads((DIST / m["meta"]).read_text()) for m in made]
    profiles = {json.dumps(meta["profile"], sort_keys=True) for meta in metas}
    assert len(profiles) == len(made)
    for snapshot, meta in zip(made, metas, strict=True):
        files = {name: sha256(DIST / name) for name in (snapshot["file"], *shared)}
        assert meta["sha256"] == files
        assert set(files) <= set(info["packed"])
    names = {p.name for p in (DIST / "snapshot").iterdir() if not p.name.endswith((".gz", ".zst"))}
    assert names == {
        "files.bin",
        "later.bin",
        *(Path(m[k]).name for m in made for k in ("file", "meta")),
    }


def test_manifest_lists_each_files_sha256():
    """What the classroom load test checks every file it receives against."""
    info = json.loads((DIST / "build.json").read_text())
    assert info["sha256"].keys() == info["files"].keys()
    for name in ("index.html", "pyodide/pyodide.asm.wasm", "samples/coins.png"):
        assert info["sha256"][name] == sha256(DIST / name)


def test_the_shared_workers_name_is_what_it_runs():
    """Pages of two builds never share a worker: its name carries a digest of worker/ and the
    lock, so a changed worker script or package gives another name."""
    served = [*sorted((DIST / "worker").rglob("*.js")), DIST / "pyodide" / "pyodide-lock.json"]
    digest = hashlib.sha256("".join(sha256(p) for p in served).encode()).hexdigest()[:12]
    client = (DIST / "static" / "client.js").read_text()
    assert f'const WORKER_NAME = "ndlab-{digest}";' in client
    assert "`${WORKER_NAME}-${this.generation}`" in client


def test_the_page_reads_pythons_hints():
    """static/protocol.js imports hints.js, which the build writes from ndlab.bridge.errors."""
    from ndlab.bridge.errors import HINTS

    text = (DIST / "hints.js").read_text()
    assert json.loads(text.partition("export default ")[2].rstrip().removesuffix(";")) == HINTS


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
    httpd = server.make_server(DIST, 0)
    thread = threading.Thread(target=httpd.serve_forever)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{httpd.server_port}/{path}") as response:
            assert response.headers["Content-Type"].startswith(mime)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_server_sends_gzip_twins_to_clients_that_accept_them():
    httpd = server.make_server(DIST, 0)
    thread = threading.Thread(target=httpd.serve_forever)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_port}/pyodide/pyodide.asm.wasm"
    try:
        request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert response.headers["Content-Type"] == "application/wasm"
            body = gzip.decompress(response.read())
        with urllib.request.urlopen(url) as response:  # no Accept-Encoding: the plain file
            assert response.headers["Content-Encoding"] is None
            plain = response.read()
        assert body == plain == (DIST / "pyodide/pyodide.asm.wasm").read_bytes()
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture(scope="module")
def served():
    """dist/ served as `build.py serve` does; yields its base URL."""
    httpd = server.make_server(DIST, 0)
    thread = threading.Thread(target=httpd.serve_forever)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def csp_of_meta(html):
    """The content of the page's CSP meta tag."""
    (policy,) = re.findall(r'http-equiv="Content-Security-Policy"\s+content="([^"]*)"', html)
    return policy


PAGES = sorted(p.name for p in DIST.glob("*.html"))


@pytest.mark.parametrize("page", PAGES)
def test_html_pages_send_the_csp_of_their_meta_tag(served, page):
    for url in [served + page] + ([served] if page == "index.html" else []):
        for encoding in ("gzip", "identity"):
            request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
            with urllib.request.urlopen(request) as response:
                body = response.read()
                if response.headers["Content-Encoding"] == "gzip":
                    body = gzip.decompress(body)
                header = response.headers["Content-Security-Policy"]
            assert header == csp_of_meta(body.decode()) == server.CONTENT_SECURITY_POLICY, url


def test_csp_is_written_once_and_scripts_get_no_page_policy(served):
    # the sources hold a placeholder, never a second hand-written copy of the policy
    for source in sorted(ROOT.glob("*.html")):
        assert csp_of_meta(source.read_text()) == server.CSP_PLACEHOLDER, source.name
    with urllib.request.urlopen(served + "static/app.js") as response:
        assert response.headers["Content-Security-Policy"] is None


def test_pages_preload_every_module_their_script_imports():
    """A page preloads the modules it imports at any depth; not CodeMirror, imported on demand."""
    html = (DIST / "index.html").read_text()
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)" />', html))
    assert {"static/api.js", "static/client.js", "static/protocol.js"} <= preloaded
    assert "vendor/uplot/uPlot.esm.js" in preloaded  # imported by an imported module
    assert not any("codemirror" in href for href in preloaded)
    assert all((DIST / href).is_file() for href in preloaded)
    # every module of static/ but the embed's own and the service worker's
    shell = {f"static/{p.name}" for p in (ROOT / "static").glob("*.js")}
    assert shell - preloaded == {
        "static/app.js",
        "static/embed.js",
        "static/embed-protocol.js",
        "static/embed-view.js",
        "static/start-guard.js",
        "static/sw.js",
    }


def test_page_without_csp_meta_stops_the_build(tmp_path):
    page = tmp_path / "bare.html"
    page.write_text("<!doctype html><title>no policy</title>")
    with pytest.raises(BuildError, match="bare.html needs one"):
        stamp_csp([page])


def test_only_content_addressed_files_are_cached_for_good(served):
    lock = json.loads((DIST / "pyodide" / "pyodide-lock.json").read_text())
    for entry in lock["packages"].values():
        folder, name = entry["file_name"].split("/")
        digest = sha256(DIST / "pyodide" / folder / name)
        assert folder == server.versioned_folder(digest)  # the URL names the content
        with urllib.request.urlopen(f"{served}pyodide/{entry['file_name']}") as response:
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # everything else may change under the same URL: browsers must ask again (cheaply, with 304)
    for path in (
        "",
        "index.html",
        "build.json",
        "sw.js",
        "pyodide/pyodide-lock.json",
        "pyodide/pyodide.asm.wasm",
        "pyodide/python_stdlib.zip",
        "worker/worker.js",
    ):
        with urllib.request.urlopen(served + path) as response:
            assert response.headers["Cache-Control"] == "no-cache", path
    missing = served + f"pyodide/{server.versioned_folder('0' * 64)}/gone.whl"
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(missing)
    error.value.close()
    assert error.value.headers["Cache-Control"] == "no-cache"  # a 404 is not kept for a year


def test_ndlab_wheel_is_reproducible(tmp_path):
    ensure_venv("build")
    first = build_ndlab_wheel(tmp_path)
    digest = sha256(first)
    first.unlink()
    assert sha256(build_ndlab_wheel(tmp_path)) == digest


def test_the_chapters_data_is_in_the_wheel_and_the_samples():
    lock = json.loads((DIST / "pyodide" / "pyodide-lock.json").read_text())
    wheel = DIST / "pyodide" / lock["packages"]["ndlab"]["file_name"]
    with zipfile.ZipFile(wheel) as zf:
        names = {name.removeprefix("ndlab/data/") for name in zf.namelist()}
        assert zf.read("ndlab/data/waveform_1.npy") == (CHAPTER_DIR / "waveform_1.npy").read_bytes()
    numeric = {name for name in CHAPTER_DATA if name.endswith((".npy", ".txt"))}
    assert numeric | {"moonlanding.png.npy", "MV_HFV_012.jpg.npy"} <= names
    samples = json.loads((DIST / "samples" / "samples.json").read_text())
    chapter = {s["name"]: s for s in samples if s["credit"] == CHAPTER_CREDIT}
    assert set(chapter) == {"moonlanding", "micrograph"}
    assert (chapter["micrograph"]["width"], chapter["micrograph"]["height"]) == (1024, 943)
    for sample in chapter.values():
        assert sample["kind"] == "photo"  # credited in the page's footer
        assert (DIST / sample["file"]).read_bytes() == (
            CHAPTER_DIR / Path(sample["file"]).name
        ).read_bytes()
    for name in CHAPTER_DATA:
        assert (DIST / "data" / "scipy-lectures" / name).is_file()


def test_a_changed_chapter_file_stops_the_build(tmp_path, monkeypatch):
    for name in CHAPTER_DATA:
        (tmp_path / name).write_bytes((CHAPTER_DIR / name).read_bytes())
    (tmp_path / "populations.txt").write_text("1900 1 2 3\n")
    monkeypatch.setattr(content, "CHAPTER_DIR", tmp_path)
    monkeypatch.setattr(content, "PACKAGE_DATA", tmp_path / "out")
    with pytest.raises(BuildError, match="populations.txt does not match its sha256"):
        content.chapter_data()


def test_matplotlib_is_shipped_verified_but_not_loaded_at_start_up():
    lock = json.loads((DIST / "pyodide" / "pyodide-lock.json").read_text())
    startup = closure(lock, ["ndlab"])
    # (verified against the official lock when extracted, like NumPy's: see the tests above;
    # py-compiling rewrites them, and the built lock names the rewritten files)
    for name in closure(LOCK, ON_DEMAND):
        entry = lock["packages"][name]
        assert sha256(DIST / "pyodide" / entry["file_name"]) == entry["sha256"]
    assert "matplotlib" in lock["packages"] and "matplotlib" not in startup
    assert "micropip" in lock["packages"] and "micropip" not in startup
    assert json.loads((DIST / "wheels" / "wheels.json").read_text()) == []


def test_codemirror_bundle_exports_what_the_editor_imports():
    bundle = (DIST / "vendor" / "codemirror" / "codemirror.js").read_text()
    exported = re.search(r"export\s*\{([^}]*)\}", bundle)[1]
    names = {part.split(" as ")[-1].strip() for part in exported.split(",")}
    editor = (ROOT / "static" / "editor.js").read_text()
    imported = re.search(r"const \{([^}]*)\} = await loadCodeMirror\(\)", editor)[1]
    assert {name.strip() for name in imported.split(",")} - {""} <= names
    assert "@codemirror/view" in (DIST / "vendor" / "codemirror" / "LICENSE").read_text()


def make_wheel(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name in members:
            zf.writestr(name, "")
    return path


def test_a_teachers_wheel_is_described_by_its_modules(tmp_path):
    wheel = make_wheel(
        tmp_path / "class_helpers-1.0-py3-none-any.whl",
        [
            "helpers/__init__.py",
            "helpers/plots.py",
            "extra.py",
            "class_helpers-1.0.dist-info/METADATA",
        ],
    )
    entry = describe_wheel(wheel)
    assert entry["name"] == "class_helpers" and entry["version"] == "1.0"
    assert entry["imports"] == ["extra", "helpers"]
    assert entry["sha256"] == sha256(wheel)


@pytest.mark.parametrize(
    ("name", "members", "problem"),
    [
        ("fast-1.0-cp312-cp312-linux_x86_64.whl", ["fast.py"], "not a pure-Python wheel"),
        ("notes-1.0-py3-none-any.whl", ["notes-1.0.dist-info/METADATA"], "no Python module"),
    ],
)
def test_a_wheel_the_page_cannot_use_is_refused(tmp_path, name, members, problem):
    with pytest.raises(BuildError, match=problem):
        describe_wheel(make_wheel(tmp_path / name, members))
