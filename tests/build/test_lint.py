"""Biome (pinned in package.json, configured in biome.jsonc) lints and formats the JavaScript of
the page, the worker and the benchmark at 100 columns, and ruff (pinned in
requirements/test.txt, configured in ruff.toml) the Python."""

import subprocess
import sys

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


def ruff(*args):
    """Run the pinned ruff (requirements/test.txt, configured in ruff.toml) on the repository."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "."], cwd=ROOT, capture_output=True, text=True
    )
    return done.returncode, done.stdout + done.stderr


def test_ruff_finds_no_lint_errors():
    status, printed = ruff("check", "--no-cache")
    assert status == 0, printed


def test_python_is_formatted():
    """`ruff format .` writes what this checks."""
    status, printed = ruff("format", "--check", "--no-cache")
    assert status == 0, printed
