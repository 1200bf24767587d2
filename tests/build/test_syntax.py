"""Every Python file of the repository compiles on each Python the README promises (≥ 3.11), so
syntax new in 3.12 (a backslash or the same quotes inside an f-string's braces) cannot stop a
3.11 machine from collecting the suite."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OLDEST_PYTHON = "3.11"

# Compiles the files named by its arguments, prints one line per file that does not compile.
COMPILE_ALL = """import sys
for path in sys.argv[1:]:
    try:
        compile(open(path, 'rb').read(), path, 'exec', dont_inherit=True)
    except SyntaxError as e:
        print(f'{path}:{e.lineno}: {e.msg}')
"""


def tracked_python_files():
    listed = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return listed.stdout.split()


def interpreters():
    """This interpreter (the one the tests run with, often 3.12), and the oldest Python the README
    promises when the machine has it."""
    return {"running": sys.executable, OLDEST_PYTHON: shutil.which(f"python{OLDEST_PYTHON}")}


@pytest.mark.parametrize("name", interpreters())
def test_every_python_file_compiles(name):
    python = interpreters()[name]
    if python is None:
        pytest.skip(f"no python{OLDEST_PYTHON} on this machine")
    files = tracked_python_files()
    assert len(files) > 50  # the listing worked
    run = subprocess.run(
        [python, "-c", COMPILE_ALL, *files], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout == "", f"{python} cannot compile:\n{run.stdout}"
