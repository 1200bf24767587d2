"""tsc checks the JSDoc types of the page, the embeds and the worker."""

import subprocess

from tools.layout import ROOT


def test_tsc_finds_no_type_errors():
    tsc = ROOT / "node_modules" / ".bin" / "tsc"
    checked = subprocess.run(
        [str(tsc), "-p", "jsconfig.json"], cwd=ROOT, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
