#!/usr/bin/env python3
"""Build, serve and test ndlab.

    python3 build.py build [--pyodide-dist PATH]   assemble dist/ (cached, works offline when warm)
    python3 build.py serve [--port 8000] [--lan]   build if needed, serve dist/ on 127.0.0.1
                                                   (--lan: to a classroom, on every interface)
    python3 build.py test [PYTEST ARGS]            install test tools, build, run the whole suite
    python3 build.py bench [--runs N]              measure the page against CPython (not a test)
    python3 build.py bench --only startup --browser chromium firefox webkit
                                                   start-up against the floor in each browser
    python3 build.py bench --link 30               start-up over one shared 30 Mbit/s link, from
                                                   build.py serve and from a plain static host
    python3 build.py bench --classroom 30          serve 30 clients at once from build.py serve
    python3 build.py package [--wheel FILE ...]    write ndlab-offline.zip for offline classrooms
                                                   (--wheel: a teacher's pure-Python wheel with it)
    python3 build.py package --docs                write ndlab_docs-VERSION-py3-none-any.whl: the
                                                   Sphinx extension and MkDocs plugin, with the site
    python3 build.py mutate [--sample N] [MODULE ...]  mutation testing of py/ndlab (cosmic-ray)
                                                   (--tests PATH ...: the tests to run)
    python3 build.py docs                          build the manual, docs/, as a site in site/

Standard library only: the steps that need NumPy, Pillow or pyodide-build run in a virtual
environment this script makes in .cache/venv from the pinned requirements/ files.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from tools import docs, server
from tools.chromium import find_chromium
from tools.docs_package import package_docs
from tools.downloads import vendored_qrcodegen
from tools.layout import DIST, ROOT, BuildError
from tools.mutate import MUTATE_DEFAULT, mutate
from tools.package import package
from tools.site import build, built
from tools.toolchain import ensure_venv


def serve(port: int, host: str, isolated: bool = True, lan: bool = False) -> None:
    """Serve dist/ (built first when a source is newer); with `lan`, on every interface, printing
    the address students type and its QR code."""
    if not built():
        build()
    if not lan:
        httpd = server.make_server(DIST, port, host, isolated)
        print(f"ndlab is served at http://{host}:{httpd.server_port}/  (Ctrl+C stops)", flush=True)
    else:
        sys.path.insert(0, str(vendored_qrcodegen().parent))
        from tools import classroom

        httpd = server.make_server(DIST, port, "0.0.0.0", isolated, classroom.svg_for_port)
        print(f"ndlab is served at http://127.0.0.1:{httpd.server_port}/  (Ctrl+C stops)")
        print(classroom.announce(httpd.server_port), flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass


def test(pytest_args: list[str]) -> int:
    python = ensure_venv("test")
    if not built():
        build()
    chromium = find_chromium()
    if chromium is None:
        raise BuildError(
            "no Chromium for the browser tests: install it (Debian: apt-get install chromium) "
            "or set NDLAB_CHROMIUM to its path"
        )
    env = dict(os.environ, NDLAB_CHROMIUM=chromium, PYTHONPATH=str(ROOT / "py"))
    return subprocess.run(
        [python, "-m", "pytest", *(pytest_args or ["tests"])], cwd=ROOT, env=env
    ).returncode


def bench(bench_args: list[str]) -> int:
    """Run tools/bench.py: start-up, every operation and lab page vs CPython, slider previews."""
    python = ensure_venv("test")
    if not built():
        build()
    if find_chromium() is None:
        raise BuildError(
            "the benchmark needs Chromium (apt-get install chromium, or set NDLAB_CHROMIUM)"
        )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "py")]))
    # The page computes on one thread: so does the CPython reference (and on a shared machine
    # OpenBLAS's threads, one per core, would fight the other work for the cores).
    env["OPENBLAS_NUM_THREADS"] = "1"
    return subprocess.run(
        [python, ROOT / "tools" / "bench.py", *bench_args], cwd=ROOT, env=env, check=False
    ).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    p_build = commands.add_parser("build", help="assemble dist/")
    p_build.add_argument(
        "--pyodide-dist",
        metavar="PATH",
        help="an official Pyodide 0.27.7 release (folder or tarball) to take the packages from",
    )
    p_serve = commands.add_parser("serve", help="build if needed and serve dist/")
    p_serve.add_argument("--port", type=int, default=8000)
    p_serve.add_argument("--host", default="127.0.0.1")
    p_serve.add_argument(
        "--lan",
        action="store_true",
        help="serve a classroom: every interface, with the address to type and its QR code",
    )
    p_serve.add_argument(
        "--no-isolation",
        action="store_true",
        help="omit the COOP/COEP headers (as a host that cannot set them would)",
    )
    commands.add_parser("test", help="run the whole test suite (arguments go to pytest)")
    commands.add_parser(
        "bench", help="measure the page against CPython (prints, writes .cache/bench/)"
    )
    p_package = commands.add_parser(
        "package", help="write ndlab-offline.zip: the site and a launcher"
    )
    p_package.add_argument(
        "--wheel",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="a pure-Python wheel to ship with it: learners' code installs it on import",
    )
    p_package.add_argument(
        "--docs",
        action="store_true",
        help="write the docs authors' wheel instead: a Sphinx extension and a MkDocs plugin",
    )
    commands.add_parser("docs", help="build the manual, docs/, as a site in site/ (MkDocs)")
    p_mutate = commands.add_parser("mutate", help="mutation testing of py/ndlab (cosmic-ray)")
    p_mutate.add_argument(
        "modules", nargs="*", help=f"modules of py/ndlab (default: {' '.join(MUTATE_DEFAULT)})"
    )
    p_mutate.add_argument(
        "--sample", type=int, default=0, help="run a seeded sample of this many mutants per module"
    )
    p_mutate.add_argument(
        "--tests",
        nargs="+",
        metavar="PATH",
        help="the tests to run against each mutant (default: the module's mirrored test file and "
        "those that import it, or all of tests/py)",
    )
    # test and bench pass everything after their name on, as written (pytest's -k, bench's --runs)
    argv = sys.argv[1:] if argv is None else argv
    passed_on = argv[1:] if argv[:1] in (["test"], ["bench"]) else []
    args = parser.parse_args(argv[:1] if passed_on else argv)
    if args.command == "package" and args.docs and args.wheel:
        parser.error("--wheel goes with the classroom package, not with --docs")
    try:
        if args.command == "build":
            build(args.pyodide_dist)
        elif args.command == "serve":
            serve(args.port, args.host, not args.no_isolation, args.lan)
        elif args.command == "test":
            return test(passed_on)
        elif args.command == "package" and args.docs:
            package_docs()
        elif args.command == "package":
            package(wheels=tuple(args.wheel))
        elif args.command == "bench":
            return bench(passed_on)
        elif args.command == "docs":
            return docs.build(ensure_venv("test"))
        elif args.command == "mutate":
            return mutate(args.modules, args.sample, args.tests)
    except BuildError as exc:
        print(f"[build] error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
