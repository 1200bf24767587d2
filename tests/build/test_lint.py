"""Biome (pinned in package.json, configured in biome.jsonc) lints and formats the JavaScript of
the page, the worker and the benchmark at 100 columns, as ruff does the Python."""

import subprocess

from tools.layout import ROOT


def biome(*args):
    """Run the pinned Biome on the repository; return its exit status and what it printed."""
    done = subprocess.run(
        [str(ROOT / "node_modules" / ".bin" / "biome"), *args, "--colors=off", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return done.returncode, done.stdout + done.stderr


def test_biome_finds_no_lint_errors():
    status, printed = biome("lint", "--max-diagnostics=none")
    assert status == 0, printed


def test_javascript_is_formatted():
    """`node_modules/.bin/biome format --write .` writes what this checks."""
    status, printed = biome("format", "--max-diagnostics=none")
    assert status == 0, printed
