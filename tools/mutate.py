"""``build.py mutate``: mutation testing of py/ndlab with cosmic-ray."""

from __future__ import annotations

import ast
import functools
import random
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from tools.layout import CACHE, PACKAGE_DATA, ROOT, BuildError, log, run
from tools.toolchain import ensure_venv, venv_python

MUTATE = CACHE / "mutate"
#: What `build.py mutate` runs without arguments: modules of py/ndlab whose tests run in seconds
#: (a mutant costs one run of them); name others to run them too
MUTATE_DEFAULT = ("threshold.py",)
#: What pytest's exit status means when it is not 0 (https://docs.pytest.org/en/stable/reference/exit-codes.html)
PYTEST_EXIT = {
    1: "some tests failed",
    2: "the run was interrupted (an error while collecting)",
    3: "pytest had an internal error",
    4: "pytest was misused (a test file that does not exist?)",
    5: "no tests were collected",
}


@functools.cache
def imported_modules(path: Path) -> frozenset[str]:
    """The dotted names a Python file imports (``from ndlab import threshold`` gives both
    ``ndlab`` and ``ndlab.threshold``)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return frozenset(names)


def chosen_tests(module: str, root: Path = ROOT) -> list[str]:
    """The test files of tests/py that exercise a module of py/ndlab: its mirrored file
    (labs/optimize.py -> tests/py/labs/test_labs_optimize.py) and every file that imports it;
    all of tests/py when there are none (the module is reached through ndlab's API)."""
    path = Path(module)
    stem = f"labs_{path.stem}" if path.parent.name == "labs" else path.stem
    dotted = "ndlab." + path.with_suffix("").as_posix().replace("/", ".")
    tests = sorted((root / "tests" / "py").rglob("test_*.py"))
    chosen = [
        test for test in tests if test.stem == f"test_{stem}" or dotted in imported_modules(test)
    ]
    return [test.relative_to(root).as_posix() for test in chosen] or ["tests/py"]


def check_baseline(command: list, cwd: Path) -> None:
    """Run the tests on the unmutated copy; refuse to score mutants against tests that fail or
    collect nothing (cosmic-ray counts any failing run, for any reason, as a killed mutant)."""
    status = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True)
    if status.returncode != 0:
        reason = PYTEST_EXIT.get(status.returncode, f"exit status {status.returncode}")
        tail = "\n".join((status.stdout + status.stderr).strip().splitlines()[-15:])
        raise BuildError(
            f"the tests fail before any mutation ({reason}), so no mutant can be scored; "
            f"fix them first. `{' '.join(map(str, command[2:]))}` in {cwd}:\n{tail}"
        )


def stage_copy(module: str) -> Path:
    """A copy of the repository's package, Python tests, data and the page's scripts in
    .cache/mutate/, laid out as in the repository (tests find data/ where they do in it, and
    tests/py/bridge/test_bridge_errors.py reads the hints static/ and worker/ name)."""
    if not PACKAGE_DATA.is_dir():  # the wheel's data, which the labs load: written by the build
        run([venv_python(), "-m", "tools.content", "chapter_data"], cwd=ROOT)
    stage = MUTATE / module.replace("/", "-")
    shutil.rmtree(stage, ignore_errors=True)
    for part in ("py/ndlab", "tests/py", "data", "static", "worker"):
        ignore = shutil.ignore_patterns("__pycache__")
        shutil.copytree(ROOT / part, stage / part, ignore=ignore)
    ini = "[pytest]\npythonpath = py tests/py\nfilterwarnings = error\n"
    (stage / "pytest.ini").write_text(ini)
    return stage


def keep_sample(session: Path, size: int) -> int:
    """Keep `size` of the mutants cosmic-ray listed in `session`, drawn with a fixed seed from
    the mutations in a stable order (job ids are random), so that a run can be repeated; returns
    how many it listed."""
    with sqlite3.connect(session) as db:
        rows = db.execute(
            "SELECT job_id FROM mutation_specs ORDER BY operator_name, occurrence, start_pos_row"
        )
        jobs = [row[0] for row in rows]
        kept = set(random.Random(0).sample(jobs, min(size, len(jobs))))
        dropped = [(job,) for job in jobs if job not in kept]
        db.executemany("DELETE FROM mutation_specs WHERE job_id = ?", dropped)
        db.executemany("DELETE FROM work_items WHERE job_id = ?", dropped)
    return len(jobs)


def report_counts(report: str) -> tuple[int, int] | None:
    """The mutants run and those that survived, from cr-report's text; None when there were
    none (a module with nothing to mutate, such as a package's ``__init__.py`` of imports)."""
    total = int(re.search(r"total jobs: (\d+)", report)[1])
    if not total:  # cr-report then prints no counts
        return None
    return total, int(re.search(r"surviving mutants: (\d+)", report)[1])


def mutate(modules: list[str], sample: int, tests: list[str] | None = None) -> int:
    """Mutation testing with cosmic-ray: each module of py/ndlab mutated one change at a time in
    a copy (.cache/mutate/), the tests that exercise it (`tests`, or those of chosen_tests) run
    against each mutant (all of them, or a seeded sample of `sample`: each costs one run of the
    tests); prints the score. Refuses to score when the tests fail on the unmutated copy."""
    python = ensure_venv("mutate")
    bin_dir = python.parent
    scores = []
    for module in modules or MUTATE_DEFAULT:
        if not (ROOT / "py" / "ndlab" / module).is_file():
            raise BuildError(f"py/ndlab/{module} does not exist")
        chosen = tests or chosen_tests(module)
        stage = stage_copy(module)
        command = [python, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *chosen]
        log(f"checking that {' '.join(chosen)} pass on the unmutated copy")
        check_baseline(command, stage)
        (stage / "cosmic-ray.toml").write_text(
            "[cosmic-ray]\n"
            f'module-path = "py/ndlab/{module}"\n'
            "timeout = 300.0\n"
            "excluded-modules = []\n"
            f'test-command = "{" ".join(map(str, command))}"\n'
            '[cosmic-ray.distributor]\nname = "local"\n'
        )
        log(f"mutating ndlab/{module}, against {' '.join(chosen)}")
        run([bin_dir / "cosmic-ray", "init", "cosmic-ray.toml", "session.sqlite"], cwd=stage)
        if sample:
            listed = keep_sample(stage / "session.sqlite", sample)
            log(f"ndlab/{module}: {listed} mutants in all, a seeded sample of {sample} run")
        run([bin_dir / "cosmic-ray", "exec", "cosmic-ray.toml", "session.sqlite"], cwd=stage)
        report = subprocess.run(
            [bin_dir / "cr-report", "--surviving-only", "--show-diff", "session.sqlite"],
            cwd=stage,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        (stage / "report.txt").write_text(report)
        counts = report_counts(report)
        if counts is None:
            log(f"ndlab/{module}: cosmic-ray finds nothing to mutate in it")
            continue
        total, survived = counts
        scores.append((module, total, survived))
        log(
            f"ndlab/{module}: {total - survived} of {total} mutants killed; survivors listed "
            f"in {(stage / 'report.txt').relative_to(ROOT)}"
        )
    killed = sum(t - s for _, t, s in scores)
    total = sum(t for _, t, _ in scores)
    log(f"mutation score: {killed} of {total} killed ({killed / max(total, 1):.0%})")
    return 0
