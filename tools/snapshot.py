"""Make the start-up snapshot of the built site: Python with ndlab imported, as memory.

Run by ``build.py build`` in its venv, once dist/ holds the runtime, the packages and the worker.
It serves dist/ on 127.0.0.1, opens it in headless Chromium, runs ``makeSnapshot`` of
worker/snapshot.js there, and writes what it returns into dist/snapshot/: ``ndlab.bin`` (the
memory) and ``ndlab.json`` (where each library went, and the key of the runtime and packages it
was made from). The worker restores it, and starts Python the usual way when it does not fit.
"""

import json
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
import server  # noqa: E402

MAKE = """async () => {
  const { makeSnapshot, closure } = await import("/worker/snapshot.js");
  const { loadPyodide } = await import("/pyodide/pyodide.mjs");
  const indexURL = new URL("/pyodide/", location.href).href;
  const lock = await (await fetch(indexURL + "pyodide-lock.json")).json();
  const entries = closure(lock, "ndlab");
  const archives = await Promise.all(entries.map(async (e) => (await fetch(indexURL + e.file_name)).arrayBuffer()));
  const { bytes, meta } = await makeSnapshot(loadPyodide, indexURL, lock, entries, archives);
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


def make(dist: Path, chromium: str, flags: list[str]) -> dict:
    """Write dist/snapshot/ndlab.bin and ndlab.json; return the metadata."""
    httpd = server.make_server(dist, 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    out = dist / "snapshot"
    out.mkdir(exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=flags)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{httpd.server_port}/pyodide/pyodide-lock.json")
            meta = page.evaluate(MAKE)
            with page.expect_download() as download:
                page.evaluate(SAVE)
            download.value.save_as(out / "ndlab.bin")
            browser.close()
    finally:
        httpd.shutdown()
    (out / "ndlab.json").write_text(json.dumps(meta))
    return meta


if __name__ == "__main__":
    meta = make(Path(sys.argv[1]), sys.argv[2], sys.argv[3:])
    print(f"{len(meta['libraries'])} libraries")
