"""Make the start-up snapshots of the built site: Python with ndlab imported, as memory.

Run by ``build.py build`` in its venv, once dist/ holds the runtime, the packages and the worker,
with the engines to make them in (tools/engines.py: Chromium, then WebKit where the machine has
it). It writes into dist/snapshot/ the packages' files unpacked as Pyodide installs them, one
after the other (``files.bin``), serves dist/ on 127.0.0.1, and in each engine runs
``makeSnapshot`` of worker/snapshot.js on those files. The page sends the memory back (a PUT to
this server); it is written as ``<engine>.bin``. The page also names the bytecode files of the
modules it imported. The files a restored Python may open (``shipped``), the same for every
snapshot, are then written in two parts: ``files.bin``, what a restore needs before its first result
(``at_start``), and ``later.bin``, the rest, which the worker fetches and installs once the
first job is answered. ``<engine>.json`` is each one's metadata: the engine's profile (how it lays out functions),
where each library went, the key of the runtime and packages it was made from, the lists of the
two parts' files, and the sha256 of the three files. An engine that
lays out functions as one before it makes none: its snapshot would be the same. The worker
restores the first snapshot that fits its engine, and starts Python the usual way when none does.
"""

import functools
import hashlib
import json
import sys
import zipfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools import engines, server  # noqa: E402
from tools.chromium import CHROMIUM_FLAGS, find_chromium  # noqa: E402
from tools.layout import SNAPSHOT_FILES, SNAPSHOT_LATER, closure, snapshot_of  # noqa: E402

#: Where Pyodide 0.27 installs a package's files, by its lock's install_dir.
INSTALL_DIRS = {"site": "/lib/python3.12/site-packages", "dynlib": "/usr/lib"}

PROFILE = """async () => (await import("/worker/snapshot-fit.js")).engineProfile()"""

MAKE = """async (index, image, upload) => {
  const { makeSnapshot, filesOf } = await import("/worker/snapshot.js");
  const { closure } = await import("/worker/snapshot-fit.js");
  const { loadPyodide } = await import("/pyodide/pyodide.mjs");
  const indexURL = new URL("/pyodide/", location.href).href;
  const lock = await (await fetch(indexURL + "pyodide-lock.json")).json();
  const entries = closure(lock, "ndlab");
  const files = filesOf(await (await fetch("/" + image)).arrayBuffer(), index);
  const { bytes, meta, bytecode } = await makeSnapshot(loadPyodide, indexURL, lock, entries, files);
  const sent = await fetch(upload, { method: "PUT", body: bytes });
  if (!sent.ok) throw new Error(`${upload} answered ${sent.status}`);
  return { meta, bytecode };
}"""

#: What compilers and type checkers read, never a running Python: Cython's sources and
#: declarations, C headers and sources, static libraries, type stubs, pkg-config and Meson files.
#: NumPy's and SciPy's code names them only to build against them (``numpy.get_include``,
#: ``scipy.special._get_include``, ``numpy.f2py``, ``numpy._configtool``), which a browser cannot.
BUILD_ONLY = (".pyx", ".pxd", ".pxi", ".h", ".c", ".a", ".pyi", ".pc", ".template", "meson.build")


def package_files(dist: Path) -> dict[str, bytes]:
    """ndlab's packages' files, each by its path in Pyodide's file system, in a stable order."""
    lock = json.loads((dist / "pyodide" / "pyodide-lock.json").read_text())
    files = {}
    for name in closure(lock, ["ndlab"]):
        entry = lock["packages"][name]
        folder = INSTALL_DIRS[entry["install_dir"]]
        with zipfile.ZipFile(dist / "pyodide" / entry["file_name"]) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    files[f"{folder}/{info.filename}"] = archive.read(info)
    return files


def shipped(path: str, imported: set[str]) -> bool:
    """Whether the file at `path` goes with the snapshots: not what only builds read
    (BUILD_ONLY), nor the bytecode of a module that every snapshot imported (`imported`), whose
    code is in their memory, so that Python never opens it again. Every other file, the bytecode
    of the modules imported later and ndlab's sources included, goes."""
    return not path.endswith(BUILD_ONLY) and path not in imported


def at_start(path: str, loaded: set[str]) -> bool:
    """Whether a restore needs the file at `path` before its first result: the libraries it loads
    (`loaded`) and the Python sources (ndlab's, which its code export reads). The others (the libraries and
    bytecode of modules imported later, the packages' data) wait in ``later.bin``: a job that
    opens one before they are installed runs again once they are (worker/jobs.js)."""
    return path in loaded or path.endswith(".py")


def write_files(files: dict[str, bytes], out: Path) -> list[tuple[str, int]]:
    """Write `files` one after the other into `out`; return each one's path and size, in order."""
    with out.open("wb") as image:
        for data in files.values():
            image.write(data)
    return [(path, len(data)) for path, data in files.items()]


def size_of(listed: list[tuple[str, int]]) -> str:
    """The size of the files `listed` (as write_files returns them), in MB."""
    return f"{sum(n for _, n in listed) / 1e6:.1f} MB"


class Receiver(server.Handler):
    """dist/ as tools/server.py serves it, and a PUT of a snapshot's memory, kept in `received`
    by path (a subclass's own dict)."""

    received: dict[str, bytes]

    def do_PUT(self):
        self.received[self.path] = self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(204)
        self.end_headers()


def make(dist: Path, names: list[str]) -> list[dict]:
    """Make the snapshots of `dist` in the engines `names`, in order, from all the packages'
    files; then write the files they ship (`shipped`) and their metadata; return it."""
    (dist / SNAPSHOT_FILES).parent.mkdir(exist_ok=True)
    files = package_files(dist)
    everything = write_files(files, dist / SNAPSHOT_FILES)
    received: dict[str, bytes] = {}
    handler = type("Receiver", (Receiver,), {"received": received})
    httpd = server.LimitedServer(("127.0.0.1", 0), functools.partial(handler, directory=str(dist)))
    made: list[tuple[dict, dict]] = []  # each snapshot's paths and metadata
    imported: list[set[str]] = []  # each snapshot's imported modules' bytecode files
    with server.running(httpd) as url, sync_playwright() as p:
        for name in names:
            if name == "chromium":
                browser = p.chromium.launch(
                    executable_path=find_chromium(), args=list(CHROMIUM_FLAGS)
                )
                engine = engines.Chromium(browser)
            else:
                browser, engine = None, engines.WebKit()
            try:
                engine.goto(f"{url}pyodide/pyodide-lock.json")
                profile = engine.evaluate(PROFILE)
                same = next((done for done, meta in made if meta["profile"] == profile), None)
                if same:
                    print(f"[snapshot] {name} lays out functions as {same['engine']}: none made")
                    continue
                paths = snapshot_of(name)
                result = engine.evaluate(MAKE, everything, SNAPSHOT_FILES, f"/{paths['file']}")
            finally:
                engine.close()
                if browser:
                    browser.close()
            (dist / paths["file"]).write_bytes(received.pop(f"/{paths['file']}"))
            made.append((paths, result["meta"]))
            imported.append(set(result["bytecode"]))
    left_out = set.intersection(*imported) if imported else set()
    loaded = {library["path"] for _, meta in made for library in meta["libraries"]}
    kept = {path: data for path, data in files.items() if shipped(path, left_out)}
    index = write_files(
        {path: data for path, data in kept.items() if at_start(path, loaded)},
        dist / SNAPSHOT_FILES,
    )
    later = write_files(
        {path: data for path, data in kept.items() if not at_start(path, loaded)},
        dist / SNAPSHOT_LATER,
    )
    print(
        f"[snapshot] the packages' files: {len(index)} at start, {size_of(index)}; "
        f"{len(later)} later, {size_of(later)} (of {len(everything)}, {size_of(everything)})"
    )
    shared = {
        name: hashlib.sha256((dist / name).read_bytes()).hexdigest()
        for name in (SNAPSHOT_FILES, SNAPSHOT_LATER)
    }
    for paths, meta in made:
        meta["files"], meta["later"] = index, later
        # the worker checks each file's bytes against these before it uses them
        meta["sha256"] = {
            paths["file"]: hashlib.sha256((dist / paths["file"]).read_bytes()).hexdigest(),
            **shared,
        }
        (dist / paths["meta"]).write_text(json.dumps(meta))
    return [{"engine": paths["engine"], **meta} for paths, meta in made]


if __name__ == "__main__":
    for meta in make(Path(sys.argv[1]), sys.argv[2:]):
        print(
            f"[snapshot] made in {meta['engine']} ({meta['profile']}): "
            f"{len(meta['libraries'])} libraries, {len(meta['files'])} files"
        )
