"""tsc checks the JSDoc types of the page, the embeds and the worker."""

import subprocess

import build


def test_tsc_finds_no_type_errors():
    tsc = build.ROOT / "node_modules" / ".bin" / "tsc"
    checked = subprocess.run(
        [str(tsc), "-p", "jsconfig.json"], cwd=build.ROOT, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
