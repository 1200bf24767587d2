"""build.py is the command line over tools/: imports run one way (build.py -> tools/, never back)
and no module of tools/ imports one that imports it, at any depth."""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def import_graph(root):
    """Which of build.py and tools/*.py each of them imports, anywhere in its code.

    ``tools.x`` and ``from tools import x`` name tools/x.py; a bare ``import x`` does too (the
    offline package's start.py imports server.py beside it) unless x is in the standard library.
    """
    modules = {"build": root / "build.py"}
    modules |= {f"tools.{p.stem}": p for p in sorted((root / "tools").glob("*.py"))}
    graph = {}
    for name, path in modules.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
                imported |= {f"{node.module}.{alias.name}" for alias in node.names}
        bare = {f"tools.{n}" for n in imported if n not in sys.stdlib_module_names}
        graph[name] = sorted((imported | bare) & modules.keys() - {name})
    return graph


def cycles(graph):
    """Every import cycle of `graph`, each as the list of modules around it."""
    found, done = [], set()

    def visit(name, path):
        if name in path:
            found.append([*path[path.index(name) :], name])
            return
        if name in done:
            return
        for child in graph[name]:
            visit(child, [*path, name])
        done.add(name)

    for name in graph:
        visit(name, [])
    return found


def test_no_module_of_tools_imports_build():
    graph = import_graph(ROOT)
    assert [name for name, imported in graph.items() if "build" in imported] == []
    assert {"tools.site", "tools.package", "tools.mutate"} <= set(graph["build"])


def test_tools_have_no_import_cycle():
    assert cycles(import_graph(ROOT)) == []


def test_a_planted_cycle_and_a_planted_import_of_build_are_found(tmp_path):
    (tmp_path / "tools").mkdir()
    (tmp_path / "build.py").write_text("from tools import site\n")
    (tmp_path / "tools" / "site.py").write_text("import time\nfrom tools.layout import ROOT\n")
    (tmp_path / "tools" / "layout.py").write_text("def f():\n    from tools import site\n")
    (tmp_path / "tools" / "bench.py").write_text("import build\nimport site\n")
    graph = import_graph(tmp_path)
    assert graph["tools.bench"] == ["build"]  # and not the standard library's site
    assert cycles(graph) == [["tools.site", "tools.layout", "tools.site"]]
