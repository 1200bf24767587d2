"""tools/mutate.py: the tests a module is mutated against, and the refusal to score mutants when
those tests fail, or collect nothing, before any mutation."""

import sys

import pytest

import tools.mutate
from tools.layout import ROOT, BuildError
from tools.mutate import check_baseline, chosen_tests, report_counts, stage_copy

PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("def test_sum():\n    assert 1 + 1 == 3\n", "some tests failed"),
        ("import missing_module_of_nowhere\n", "the run was interrupted"),
        ("def helper():\n    pass\n", "no tests were collected"),
    ],
)
def test_failing_or_empty_tests_are_refused(tmp_path, text, reason):
    (tmp_path / "test_module.py").write_text(text)
    with pytest.raises(BuildError, match=f"before any mutation \\({reason}"):
        check_baseline([*PYTEST, "test_module.py"], tmp_path)


def test_a_test_file_that_does_not_exist_is_refused(tmp_path):
    with pytest.raises(BuildError, match="misused"):
        check_baseline([*PYTEST, "tests/py/test_nothing.py"], tmp_path)


def test_passing_tests_are_accepted(tmp_path):
    (tmp_path / "test_module.py").write_text("def test_sum():\n    assert 1 + 1 == 2\n")
    check_baseline([*PYTEST, "test_module.py"], tmp_path)


def test_a_module_runs_against_its_mirror_and_the_files_that_import_it():
    assert chosen_tests("threshold.py") == ["tests/py/test_threshold.py"]
    assert {"tests/py/test_codegen.py", "tests/py/test_registry.py"} <= set(
        chosen_tests("registry.py")
    )
    assert "tests/py/labs/test_labs_data.py" in chosen_tests("labs/data.py")


def test_a_module_no_test_names_runs_against_all_of_tests_py(tmp_path):
    (tmp_path / "tests" / "py").mkdir(parents=True)
    (tmp_path / "tests" / "py" / "test_api.py").write_text("import ndlab\n")
    assert chosen_tests("texture.py", tmp_path) == ["tests/py"]


def test_every_module_has_tests_that_exist():
    package = ROOT / "py" / "ndlab"
    for module in sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py")):
        assert all((ROOT / test).exists() for test in chosen_tests(module)), module


def test_the_copy_holds_what_the_tests_read(tmp_path, monkeypatch):
    """tests/py/bridge/test_bridge_errors.py reads the page's scripts: without static/ and
    worker/ in the copy it failed there, and bridge/errors.py could not be scored."""
    monkeypatch.setattr(tools.mutate, "MUTATE", tmp_path)
    stage = stage_copy("bridge/errors.py")
    check_baseline([*PYTEST, *chosen_tests("bridge/errors.py")], stage)


def test_the_report_is_read_and_a_module_without_mutants_is_no_error():
    report = "total jobs: 5\ncomplete: 5 (100.00%)\nsurviving mutants: 2 (40.00%)\n"
    assert report_counts(report) == (5, 2)
    assert report_counts("total jobs: 0\nno jobs completed\n") is None
