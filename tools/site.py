"""``build.py build``: dist/, the site, assembled from the page, the runtime and the packages."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re
import shutil
import time
from pathlib import Path

from tools import engines, server
from tools.downloads import fetch, vendored_qrcodegen
from tools.layout import (
    CACHE,
    CODEMIRROR_ENTRY,
    CODEMIRROR_PACKAGES,
    COMPRESSIBLE,
    DIST,
    NODE_PYODIDE,
    ON_DEMAND,
    PAGE_FILES,
    PYODIDE_CORE,
    PYODIDE_VERSION,
    ROOT,
    SKIMAGE,
    SNAPSHOT_ENGINES,
    SNAPSHOT_FILES,
    SNAPSHOT_LATER,
    VENDOR,
    WHEELS,
    ZSTD_DECODER,
    BuildError,
    closure,
    log,
    run,
    sha256,
    size,
    snapshot_of,
)
from tools.runtime import build_ndlab_wheel, pyodide_packages, write_lock
from tools.toolchain import ensure_node_modules, ensure_venv, venv_python

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
    write_zstd_decoder()
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


def write_zstd_decoder() -> None:
    """Write zstddec's WebAssembly, which its module holds as base64, as a file of dist/vendor/."""
    package, module, target = ZSTD_DECODER
    source = (ROOT / "node_modules" / package / module).read_text()
    found = re.search(r'const wasm = "([A-Za-z0-9+/=]+)"', source)
    if not found:
        raise BuildError(f"{package}'s {module} no longer holds its WebAssembly as base64")
    (DIST / "vendor" / target).write_bytes(base64.b64decode(found.group(1)))


WORKER_NAME = 'const WORKER_NAME = "ndlab";'


def stamp_worker_name() -> None:
    """Name the shared worker by what it runs (worker/ and Python's packages, by the lock): pages
    of another build start a worker of their own rather than talk to this one."""
    served = [*sorted((DIST / "worker").rglob("*.js")), DIST / "pyodide" / "pyodide-lock.json"]
    digest = hashlib.sha256("".join(sha256(path) for path in served).encode()).hexdigest()[:12]
    client = DIST / "static" / "client.js"
    text = client.read_text()
    assert text.count(WORKER_NAME) == 1, f"{WORKER_NAME} is not once in static/client.js"
    client.write_text(text.replace(WORKER_NAME, WORKER_NAME.replace("ndlab", f"ndlab-{digest}")))


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
    """Every file of dist/ with its size and sha256; the size and sha256 of the .zst twin of each
    file the worker fetches and unpacks itself where it can (``packed``); the bytes the worker downloads
    before Python is ready, so (``startup_bytes``) and as the plain files."""
    files = {
        p.relative_to(DIST).as_posix(): p.stat().st_size
        for p in sorted(DIST.rglob("*"))
        if p.is_file() and p.suffix not in (".gz", ".zst")
    }
    made = made_snapshots()
    snapshot = {"files": SNAPSHOT_FILES, "later": SNAPSHOT_LATER, "made": made} if made else None
    twins = {name: DIST / f"{name}.zst" for name in fetched_files(made)}
    packed = {
        name: {"size": twin.stat().st_size, "sha256": sha256(twin)}
        for name, twin in twins.items()
        if twin.exists()
    }
    digests = {name: sha256(DIST / name) for name in files}
    lock = json.loads((DIST / "pyodide" / "pyodide-lock.json").read_text())
    startup = [f"pyodide/{f}" for f in (*PYODIDE_CORE, "python_stdlib.zip", "pyodide-lock.json")]
    if snapshot:  # a start from the first snapshot (the others' memory weighs about as much)
        startup += [made[0]["file"], SNAPSHOT_FILES]
    else:
        startup += [f"pyodide/{lock['packages'][n]['file_name']}" for n in closure(lock, ["ndlab"])]
    unpacking = [f"vendor/{ZSTD_DECODER[2]}"] if packed else []  # the worker's decoder for them
    # What the service worker adds after the first result. Not Python's runtime and packages, nor
    # the snapshot: it keeps those as the worker downloads them, so its cache holds what this
    # browser's start needs (the snapshot or, where that is refused, the packages) and the
    # packages learners' code imported, whatever files the worker chose to fetch.
    precache = [f for f in files if f.split("/")[0] not in ("pyodide", "snapshot")]
    build_id = hashlib.sha256(
        "".join(f"{name}{digest}" for name, digest in digests.items()).encode()
    ).hexdigest()[:12]
    return {
        "id": build_id,
        "version": json.loads((ROOT / "package.json").read_text())["version"],
        "pyodide": PYODIDE_VERSION,
        "startup_bytes": sum(
            packed[f]["size"] if f in packed else files[f] for f in startup + unpacking
        ),
        "startup_bytes_plain": sum(files[f] for f in startup),
        "packed": packed,
        "snapshot": snapshot,
        "precache": precache,
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
    run([venv_python(), "-m", "tools.content", "chapter_data"], cwd=ROOT)
    wheel = build_ndlab_wheel(runtime)
    write_lock(stage, wheel, runtime)
    log(f"wrote    {wheel.name} and pyodide-lock.json")

    run(
        [venv_python(), "-m", "tools.content", "generate", skimage],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=ROOT / "py"),
    )
    copy_page()
    stamp_worker_name()
    stamp_csp(sorted(DIST.glob("*.html")))
    preload_modules(sorted(DIST.glob("*.html")))
    snapshot()
    saved = precompress()
    log(f"wrote    .gz copies of {len(COMPRESSIBLE)} kinds of file, {size(saved)} less to send")
    fetched = [DIST / name for name in fetched_files(made_snapshots())]
    run([venv_python(), ROOT / "tools" / "zstd_twin.py", *fetched])
    log(f"wrote    .zst copies of the {len(fetched)} large files the worker fetches itself")
    info = manifest()
    (DIST / "build.json").write_text(json.dumps(info, indent=1))
    # The service worker lives at the root (its scope) and knows which build it caches.
    sw = (ROOT / "static" / "sw.js").read_text()
    (DIST / "sw.js").write_text(f'const BUILD_ID = "{info["id"]}";\n{sw}')
    if info["snapshot"]:
        parts = [(f"memory ({m['engine']})", m["file"]) for m in info["snapshot"]["made"]]
        parts.append(("packages' files (shared): at start", SNAPSHOT_FILES))
        parts.append(("after the first result", SNAPSHOT_LATER))
        sizes = [
            f"{name} {size(info['files'][path])} ({size(info['packed'][path]['size'])} as its .zst twin)"
            for name, path in parts
        ]
        log(f"the start-up snapshots: {', '.join(sizes)}")
    total = sum(info["files"].values())
    startup = f"{size(info['startup_bytes'])} ({size(info['startup_bytes_plain'])} unpacked)"
    log(f"dist/: {len(info['files'])} files, {size(total)}; Python start-up downloads {startup}")
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
    """Make dist/snapshot/ (tools/snapshot.py) in each engine of SNAPSHOT_ENGINES at hand; an
    engine without a snapshot of its profile works the same, only Python starts the usual way."""
    at_hand = [name for name in SNAPSHOT_ENGINES if not engines.missing(name)]
    for name in SNAPSHOT_ENGINES:
        if name not in at_hand:
            log(f"{engines.missing(name)}: built without its start-up snapshot")
    if not at_hand:
        log("no engine to make a snapshot in: Python starts the usual way in every browser")
        return
    run([venv_python(), ROOT / "tools" / "snapshot.py", DIST, *at_hand])
    log(f"made     the start-up snapshots in {', '.join(at_hand)}")


def made_snapshots() -> list[dict[str, str]]:
    """The build's snapshots in dist/, in the order the worker tries them (their metadata says
    which engines each fits)."""
    return [snapshot_of(e) for e in SNAPSHOT_ENGINES if (DIST / snapshot_of(e)["meta"]).exists()]


def fetched_files(made: list[dict[str, str]]) -> list[str]:
    """The large files of dist/ the worker fetches itself, as their .zst twins where it can:
    Pyodide's WebAssembly, the snapshots' memories and the packages' files they share (Pyodide's
    scripts are imported instead)."""
    snapshots = (SNAPSHOT_FILES, SNAPSHOT_LATER, *(m["file"] for m in made)) if made else ()
    return ["pyodide/pyodide.asm.wasm", *snapshots]


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


def built() -> bool:
    """True when dist/ is at least as new as every source it is made from."""
    stamp = DIST / "build.json"
    if not stamp.exists():
        return False
    names = (*PAGE_FILES, "py", "data", "build.py", "tools", "package-lock.json", "requirements")
    sources = [ROOT / n for n in names]
    # (bytecode caches are no source: Python writes them whenever a module is first imported)
    newest = max(
        (
            p.stat().st_mtime
            for s in sources
            for p in ([s] if s.is_file() else s.rglob("*"))
            if "__pycache__" not in p.parts
        ),
        default=0,
    )
    return stamp.stat().st_mtime >= newest
