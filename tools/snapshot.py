"""Make the start-up snapshot of the built site: Python with ndlab imported, as memory.

Run by ``build.py build`` in its venv, once dist/ holds the runtime, the packages and the worker.
It writes into dist/snapshot/ the packages' files unpacked as Pyodide installs them, one after
the other (``files.bin``), serves dist/ on 127.0.0.1, opens it in headless Chromium, runs
``makeSnapshot`` of worker/snapshot.js there on those files, and writes what it returns:
``ndlab.bin`` (the memory) and ``ndlab.json`` (where each library went, the key of the runtime
and packages it was made from, the list of files, and the sha256 of the two files). The worker restores it, and starts Python
the usual way when it does not fit.
"""

import hashlib
import json
import sys
import threading
import zipfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools import server  # noqa: E402
from tools.layout import SNAPSHOT, closure  # noqa: E402

#: Where Pyodide 0.27 installs a package's files, by its lock's install_dir.
INSTALL_DIRS = {"site": "/lib/python3.12/site-packages", "dynlib": "/usr/lib"}

MAKE = """async ([index, image]) => {
  const { makeSnapshot, filesOf } = await import("/worker/snapshot.js");
  const { closure } = await import("/worker/snapshot-fit.js");
  const { loadPyodide } = await import("/pyodide/pyodide.mjs");
  const indexURL = new URL("/pyodide/", location.href).href;
  const lock = await (await fetch(indexURL + "pyodide-lock.json")).json();
  const entries = closure(lock, "ndlab");
  const files = filesOf(await (await fetch("/" + image)).arrayBuffer(), index);
  const { bytes, meta } = await makeSnapshot(loadPyodide, indexURL, lock, entries, files);
  window.snapshotBytes = bytes;
  return meta;
}"""

SAVE = """() => {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([window.snapshotBytes]));
  a.download = "ndlab.bin";
  document.body.append(a);
  a.click();
}"""


def write_files(dist: Path, out: Path) -> list[tuple[str, int]]:
    """Write ndlab's packages' files one after the other into `out`; return each one's path in
    Pyodide's file system and its size, in order."""
    lock = json.loads((dist / "pyodide" / "pyodide-lock.json").read_text())
    index = []
    with out.open("wb") as image:
        for name in closure(lock, ["ndlab"]):
            entry = lock["packages"][name]
            folder = INSTALL_DIRS[entry["install_dir"]]
            with zipfile.ZipFile(dist / "pyodide" / entry["file_name"]) as archive:
                for info in archive.infolist():
                    if not info.is_dir():
                        image.write(archive.read(info))
                        index.append((f"{folder}/{info.filename}", info.file_size))
    return index


def make(dist: Path, chromium: str, flags: list[str]) -> dict:
    """Write the files of tools/layout.py's SNAPSHOT into `dist`; return the metadata."""
    (dist / SNAPSHOT["file"]).parent.mkdir(exist_ok=True)
    index = write_files(dist, dist / SNAPSHOT["files"])
    httpd = server.make_server(dist, 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=flags)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{httpd.server_port}/pyodide/pyodide-lock.json")
            meta = page.evaluate(MAKE, [index, SNAPSHOT["files"]])
            with page.expect_download() as download:
                page.evaluate(SAVE)
            download.value.save_as(dist / SNAPSHOT["file"])
            browser.close()
    finally:
        httpd.shutdown()
    meta["files"] = index
    # the worker checks each file's bytes against these before it restores anything
    meta["sha256"] = {
        name: hashlib.sha256((dist / name).read_bytes()).hexdigest()
        for name in (SNAPSHOT["file"], SNAPSHOT["files"])
    }
    (dist / SNAPSHOT["meta"]).write_text(json.dumps(meta))
    return meta


if __name__ == "__main__":
    meta = make(Path(sys.argv[1]), sys.argv[2], sys.argv[3:])
    print(f"[snapshot] {len(meta['libraries'])} libraries, {len(meta['files'])} files")
