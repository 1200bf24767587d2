"""Take the manual's screenshot of a learner's data in a lab: docs/screenshot-your-data.png.

    .cache/venv/bin/python tools/screenshot_your_data.py   (after python3 build.py build)

Serves dist/ on a free loopback port, opens the Sprogø lab in headless Chromium, pastes twelve of
the chapter's yearly maxima under Your data (a line of column names first), puts them in use, and
saves the panel, the parameters (n_years turned off) and the answer as a 256-colour PNG.
"""

import sys
import threading
from pathlib import Path

import numpy as np
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import server  # noqa: E402
from tools.chromium import CHROMIUM_FLAGS, find_chromium  # noqa: E402
from tools.layout import DIST  # noqa: E402
from tools.screenshot import save_palette_png  # noqa: E402

MAXIMA = np.load(ROOT / "data" / "scipy-lectures" / "max-speeds.npy")[:12]
TABLE = "year, max_speed\n" + "\n".join(f"{1990 + i}, {s:.2f}" for i, s in enumerate(MAXIMA))
OUT = ROOT / "docs" / "screenshot-your-data.png"
RESULT = "() => performance.getEntriesByName('ndlab:lab-result').length > 0"


def main():
    httpd = server.make_server(DIST, 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_port}/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_FLAGS))
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{url}#lab=wind_return_speed")
        page.wait_for_function(RESULT, timeout=300_000)
        page.click("#lab-data summary")
        page.fill("#lab-data-text", TABLE)
        page.evaluate("() => performance.clearMarks('ndlab:lab-result')")
        page.click("#lab-data-use")
        page.wait_for_function(RESULT, timeout=300_000)
        page.wait_for_function("() => document.querySelector('#param-n_years').disabled")
        box = page.evaluate(
            """() => {
              const rect = (s) => document.querySelector(s).getBoundingClientRect();
              const data = rect('#lab-data'), answer = rect('#lab-outputs .answer');
              const right = Math.max(data.right, rect('#lab-controls').right, answer.right);
              return {x: data.left - 16, y: data.top + scrollY - 8, width: right - data.left + 24,
                      height: answer.bottom - data.top + 16};
            }"""
        )
        shot = OUT.with_suffix(".full.png")
        page.screenshot(path=shot, full_page=True, clip=box)
        browser.close()
    httpd.shutdown()
    save_palette_png(shot, OUT)


if __name__ == "__main__":
    main()
