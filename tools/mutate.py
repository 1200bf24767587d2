"""``build.py mutate``: mutation testing of py/ndlab with cosmic-ray."""

from __future__ import annotations

import random
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from tools.layout import CACHE, ROOT, log, run
from tools.toolchain import ensure_venv

MUTATE = CACHE / "mutate"
#: What `build.py mutate` runs without arguments: modules of py/ndlab whose mirrored tests run in
#: seconds (a mutant costs one run of them); name others to run them too
MUTATE_DEFAULT = ("threshold.py",)


def mirrored_tests(module: str) -> str:
    """The tests of a module of py/ndlab, as the suite mirrors them (labs/optimize.py ->
    tests/py/labs/test_labs_optimize.py)."""
    path = Path(module)
    if path.parent.name == "labs":
        return f"tests/py/labs/test_labs_{path.stem}.py"
    return f"tests/py/test_{path.stem}.py"


def keep_sample(session: Path, size: int) -> None:
    """Keep `size` of the mutants cosmic-ray listed in `session`, drawn with a fixed seed from
    the mutations in a stable order (job ids are random), so that a run can be repeated."""
    with sqlite3.connect(session) as db:
        rows = db.execute(
            "SELECT job_id FROM mutation_specs ORDER BY operator_name, occurrence, start_pos_row"
        )
        jobs = [row[0] for row in rows]
        kept = set(random.Random(0).sample(jobs, min(size, len(jobs))))
        dropped = [(job,) for job in jobs if job not in kept]
        db.executemany("DELETE FROM mutation_specs WHERE job_id = ?", dropped)
        db.executemany("DELETE FROM work_items WHERE job_id = ?", dropped)


def mutate(modules: list[str], sample: int) -> int:
    """Mutation testing with cosmic-ray: each module of py/ndlab mutated one change at a time in
    a copy (.cache/mutate/), its mirrored tests run against each mutant (all of them, or a
    seeded sample of `sample`: each costs one run of the tests); prints the score."""
    python = ensure_venv("mutate")
    bin_dir = python.parent
    scores = []
    for module in modules or MUTATE_DEFAULT:
        tests = mirrored_tests(module)
        stage = MUTATE / module.replace("/", "-")
        shutil.rmtree(stage, ignore_errors=True)
        shutil.copytree(ROOT / "py" / "ndlab", stage / "ndlab")
        shutil.copytree(ROOT / "tests" / "py", stage / "tests" / "py")
        ini = "[pytest]\npythonpath = . tests/py\nfilterwarnings = error\n"
        (stage / "pytest.ini").write_text(ini)
        (stage / "cosmic-ray.toml").write_text(
            "[cosmic-ray]\n"
            f'module-path = "ndlab/{module}"\n'
            "timeout = 300.0\n"
            "excluded-modules = []\n"
            f'test-command = "{python} -m pytest -x -q -p no:cacheprovider {tests}"\n'
            '[cosmic-ray.distributor]\nname = "local"\n'
        )
        log(f"mutating ndlab/{module}, against {tests}")
        run([bin_dir / "cosmic-ray", "init", "cosmic-ray.toml", "session.sqlite"], cwd=stage)
        if sample:
            keep_sample(stage / "session.sqlite", sample)
        run([bin_dir / "cosmic-ray", "exec", "cosmic-ray.toml", "session.sqlite"], cwd=stage)
        report = subprocess.run(
            [bin_dir / "cr-report", "--surviving-only", "--show-diff", "session.sqlite"],
            cwd=stage,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        (stage / "report.txt").write_text(report)
        total = int(re.search(r"total jobs: (\d+)", report)[1])
        survived = int(re.search(r"surviving mutants: (\d+)", report)[1])
        scores.append((module, total, survived))
        log(
            f"ndlab/{module}: {total - survived} of {total} mutants killed; survivors listed "
            f"in {(stage / 'report.txt').relative_to(ROOT)}"
        )
    killed = sum(t - s for _, t, s in scores)
    total = sum(t for _, t, _ in scores)
    log(f"mutation score: {killed} of {total} killed ({killed / total:.0%})")
    return 0
