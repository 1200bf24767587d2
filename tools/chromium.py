"""The Chromium that the tests, the benchmark and the snapshot drive, and its flags."""

from __future__ import annotations

import os
import shutil

# Chromium flags that work on these machines (no sandbox as root, no calls home). Google's services
# that Chromium 156 still calls with the flags of the first lines (the tests' network guard saw
# the account list, on-demand components and autofill's form data) are pointed at a closed port
# on loopback.
CLOSED = "http://127.0.0.1:9/"
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    f"--gaia-url={CLOSED}",
    f"--component-updater=url-source={CLOSED}",
    f"--autofill-server-url={CLOSED}",
    f"--google-apis-url={CLOSED}",
    f"--variations-server-url={CLOSED}",
)


def find_chromium() -> str | None:
    candidates = [os.environ.get("NDLAB_CHROMIUM")]
    candidates += [shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")]
    return next((c for c in candidates if c), None)
