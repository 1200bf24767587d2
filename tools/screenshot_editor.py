"""Take the manual's screenshot of the code editor: docs/screenshot-editor.png.

    .cache/venv/bin/python tools/screenshot_editor.py   (after python3 build.py build)

Serves dist/ on a free loopback port, opens the Cameraman with a Gaussian blur in headless
Chromium, edits the result's code into an edge map with a matplotlib histogram, runs it, and
saves the viewers and the editor as a 256-colour PNG (small enough to commit).
"""

import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import server  # noqa: E402
from tools.chromium import CHROMIUM_FLAGS, find_chromium  # noqa: E402
from tools.layout import DIST  # noqa: E402
from tools.screenshot import save_palette_png  # noqa: E402

CODE = """import numpy as np
import matplotlib.pyplot as plt
from scipy import ndimage

smooth = ndimage.gaussian_filter(image.astype(float), sigma=3)
edges = np.hypot(ndimage.sobel(smooth, 0), ndimage.sobel(smooth, 1))
print("strongest edge:", edges.max().round(1))
plt.figure(figsize=(5, 2.2))
plt.hist(edges.ravel(), bins=100, log=True)
plt.title("edge strengths")
result = edges
"""
OUT = ROOT / "docs" / "screenshot-editor.png"


def main():
    httpd = server.make_server(DIST, 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_port}/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_FLAGS))
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(f'{url}#sample=camera&steps=[["gaussian_filter",{{"sigma":2}}]]')
        page.wait_for_function("() => document.body.dataset.ready === 'true'", timeout=120_000)
        page.wait_for_function(
            "() => document.querySelector('#code').textContent.includes('result =')"
        )
        page.click("#edit-code")
        page.evaluate("() => { document.querySelector('details.code').open = false; }")
        page.locator("#editor .cm-content").click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(CODE)
        page.click("#editor .run")
        page.locator("#editor .figures img").wait_for(timeout=120_000)
        page.wait_for_function("() => document.querySelector('#editor .figures img').complete")
        box = page.evaluate(
            """() => {
              const views = document.querySelector('#views').getBoundingClientRect();
              const editor = document.querySelector('#editor').getBoundingClientRect();
              return {x: views.left - 8, y: views.top + scrollY - 8, width: views.width + 16,
                      height: editor.bottom - views.top + 16};
            }"""
        )
        shot = OUT.with_suffix(".full.png")
        page.screenshot(path=shot, full_page=True, clip=box)
        browser.close()
    httpd.shutdown()
    save_palette_png(shot, OUT)


if __name__ == "__main__":
    main()
