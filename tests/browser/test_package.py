"""The classroom package: unzipped into an empty folder, its launcher serves a working page,
which keeps working once the launcher is stopped."""

import re
import subprocess
import sys
import zipfile

import build
from pages import Guarded
from test_offline import assert_works_offline, wait_for_precache


def test_unzipped_package_runs_an_operation(browser, tmp_path):
    archive = build.package(tmp_path / "ndlab-offline.zip")
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path / "unzipped")
    folder = tmp_path / "unzipped" / "ndlab"
    assert (folder / "Start ndlab (Windows).bat").exists()
    launcher = subprocess.Popen(
        [sys.executable, "start.py", "--port", "0", "--no-browser"],
        cwd=folder,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+/", launcher.stdout.readline()).group(0)
        guarded = Guarded(browser, url)
        guarded.wait_ready()
        width = guarded.page.evaluate(
            "async () => (await ndlab.run('sobel', {}, await ndlab.loadSample('coins'))).image.width"
        )
        assert width == 384
        wait_for_precache(guarded.page)
    finally:
        launcher.terminate()
        launcher.wait(timeout=10)
        launcher.stdout.close()
    assert_works_offline(guarded, url)
    guarded.close()
