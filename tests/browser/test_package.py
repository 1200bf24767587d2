"""The classroom package: unzipped into an empty folder, its launcher serves a working page,
which keeps working once the launcher is stopped, with a teacher's own wheel."""

import re
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from PIL import Image

from pages import TIMEOUT_S, Guarded
from test_offline import assert_works_offline, wait_for_precache
from tools.layout import DIST, BuildError
from tools.package import package


def helpers_wheel(folder):
    """A teacher's pure-Python wheel, as pip would make it: one module and its metadata."""
    path = folder / "class_helpers-1.0-py3-none-any.whl"
    info = "class_helpers-1.0.dist-info"
    files = {
        "class_helpers.py": "def mean_level(image):\n    return float(image.mean())\n",
        f"{info}/METADATA": "Metadata-Version: 2.1\nName: class-helpers\nVersion: 1.0\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/top_level.txt": "class_helpers\n",
    }
    files[f"{info}/RECORD"] = "".join(f"{name},,\n" for name in [*files, f"{info}/RECORD"])
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


# Learners' code importing the teacher's wheel and matplotlib, both shipped in the package.
HELPERS_CODE = """async () => {
  const r = await ndlab.runCode(
    'import class_helpers\\nimport matplotlib.pyplot as plt\\nplt.plot([1, 2])\\nprint(class_helpers.mean_level(image))',
    await ndlab.loadSample('coins'));
  return {stdout: r.stdout, figures: r.figures.length, error: r.error};
}"""


def test_unzipped_package_runs_an_operation(browser, tmp_path):
    archive = package(tmp_path / "ndlab-offline.zip", wheels=(helpers_wheel(tmp_path),))
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path / "unzipped")
    folder = tmp_path / "unzipped" / "ndlab"
    assert (folder / "Start ndlab (Windows).bat").exists()
    # served from this computer: the large files as they are, sent gzip-encoded, not .zst twins
    assert not list(folder.rglob("*.zst"))
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
        timings = guarded.page.evaluate("async () => (await ndlab.ready).timings")
        assert timings["snapshot"] == "restored"
        width = guarded.page.evaluate(
            "async () => (await ndlab.run('sobel', {}, await ndlab.loadSample('coins'))).image.width"
        )
        assert width == 384
        # matplotlib and the teacher's wheel are kept when code first imports them, not before
        assert guarded.page.evaluate(HELPERS_CODE)["error"] is None
        wait_for_precache(guarded.page)
    finally:
        launcher.terminate()
        launcher.wait(timeout=TIMEOUT_S)
        launcher.stdout.close()
    assert_works_offline(guarded, url)
    coins = np.asarray(Image.open(DIST / "samples" / "coins.png").convert("L"))
    ran = guarded.page.evaluate(HELPERS_CODE)
    assert ran == {"stdout": f"{coins.mean()}\n", "figures": 1, "error": None}
    guarded.close()


def test_a_wheel_that_is_not_pure_python_is_refused(tmp_path):
    wheel = tmp_path / "fast-1.0-cp312-cp312-linux_x86_64.whl"
    wheel.write_bytes(b"")
    with pytest.raises(BuildError, match="not a pure-Python wheel"):
        package(tmp_path / "out.zip", wheels=(wheel,))
