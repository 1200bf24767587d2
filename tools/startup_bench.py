"""The start-up part of the benchmark: ndlab against the floor, in any of the three engines, on
loopback or through a limited link.

The floor is official Pyodide loading NumPy and SciPy and importing scipy.ndimage in a worker,
nothing else, from the same dist/pyodide files, served alike and opened in the same browser as
ndlab. Start-up figures are divided by it: these shared machines differ by 2x from day to day, the
ratio holds. Each site is reached through a proxy of tools/throttle.py that counts the bytes it
delivers, over one `Link` for both (unlimited on loopback), so every engine's bytes are counted
alike, as the server sent them.

The engines are the cross-browser tier's (tools/engines.py): Chromium through Playwright,
Firefox ESR over WebDriver BiDi, WebKitGTK's MiniBrowser through WebKitWebDriver; each visit in a
fresh profile of its own.
"""

import contextlib
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tools import engines
from tools.layout import DIST, ROOT
from tools.server import make_server, other_site, process_url, running
from tools.throttle import Link, Meter, through

#: The benchmark's scripts and pages for the browser (and the kernels, Python for both sides).
SCRIPTS = Path(__file__).with_name("bench")
READY = "() => document.body.dataset.ready === 'true'"
RESULT = "() => performance.getEntriesByName('ndlab:result').length > 0"
TIMINGS = "async () => ({...(await ndlab.ready).timings, origin: performance.timeOrigin})"
FLOOR = "() => window.floor && {...window.floor, origin: performance.timeOrigin}"
#: The stages of a start: the runtime, the packages, the import of ndlab.bridge.jobs (ndlab) or of
#: scipy.ndimage (the floor).
STAGES = ("runtime", "load", "import")
#: How a host serves each site: "gzip" as `build.py serve` does (gzip twins sent gzip-encoded,
#: isolation headers), "plain" as `python3 -m http.server` in the folder does.
HOSTS = ("gzip", "plain")


def script(name):
    """The function that tools/bench/<name>.js exports, as the engines' evaluate takes it."""
    text = (SCRIPTS / f"{name}.js").read_text()
    return text.split("export default ", 1)[1].strip().removesuffix(";")


MARKS = script("marks")


def ndlab_site(host="gzip"):
    """dist/ served by a process of its own, as `host` serves it; use it in a ``with``."""
    if host == "gzip":
        return process_url([sys.executable, ROOT / "build.py", "serve", "--port", "0"])
    command = [sys.executable, "-u", "-m", "http.server", "0", "-b", "127.0.0.1", "-d", DIST]
    return process_url(command, stderr=subprocess.DEVNULL)  # not a line per request


@contextlib.contextmanager
def floor_site(host="gzip"):
    """Serve the floor beside dist/'s Pyodide files, as `host` serves a site; yield its URL.

    On request (``?kernels``) the floor then times tools/bench/kernels.py.
    """
    with tempfile.TemporaryDirectory() as site:
        site = Path(site)
        (site / "pyodide").symlink_to(DIST / "pyodide")
        shutil.copy2(SCRIPTS / "floor.html", site / "index.html")
        for name in ("floor.js", "floor-worker.js", "kernels.py"):
            shutil.copy2(SCRIPTS / name, site / name)
        server = make_server(site, 0) if host == "gzip" else other_site(site)
        with running(server) as url:
            yield url


def opener(name, chromium):
    """A function that opens engine `name` in a fresh profile (for Chromium, a new context of the
    Playwright browser `chromium`)."""
    why = engines.missing(name)
    if why:
        raise RuntimeError(why)
    return {
        "chromium": lambda: engines.Chromium(chromium),
        "firefox": engines.Firefox,
        "webkit": engines.WebKit,
    }[name]


def visit_ndlab(engine, url, meter):
    """Page open → controls drawn, Python ready, first result painted; cold, then warm (a return
    visit, with the service worker), and the bytes delivered before the first result."""
    rows = {}
    for kind in ("cold", "warm"):
        meter.reset()
        engine.goto(url)
        engine.wait_until(READY)
        engine.wait_until(RESULT)
        marks = engine.evaluate(MARKS)
        timings = engine.evaluate(TIMINGS)
        result_at = (timings["origin"] + marks["ndlab:result"]) / 1000
        rows[kind] = {
            "controls_ms": marks["ndlab:controls"],
            "ready_ms": timings["startup_ms"],
            "runtime_ms": timings["runtime_ms"],
            "load_ms": timings["load_ms"] - timings["runtime_ms"],
            "import_ms": timings["import_ms"],
            "first_result_ms": marks["ndlab:result"],
            "bytes": meter.total(until=result_at),
            "snapshot": timings["snapshot"],
        }
        if kind == "cold":
            # the page marks the service worker's precache done or failed (none without a worker)
            engine.wait_until(
                "() => document.documentElement.dataset.offline !== undefined"
                " || !navigator.serviceWorker?.controller"
            )
            rows[kind]["all_bytes"] = meter.total()
    return rows


def visit_floor(engine, url, meter):
    """Page open → scipy.ndimage imported in a bare Pyodide worker; cold, then warm (reload).

    ``ready_ms`` is counted from the page's start, ``startup_ms`` from the worker's, as ndlab's
    first result and Python ready are.
    """
    rows = {}
    for kind in ("cold", "warm"):
        meter.reset()
        engine.goto(url)
        engine.wait_until(FLOOR)
        floor = engine.evaluate(FLOOR)
        ready_at = (floor.pop("origin") + floor["ready_ms"]) / 1000
        rows[kind] = {**floor, "bytes": meter.total(until=ready_at)}
        if kind == "cold":
            rows[kind]["all_bytes"] = meter.total()
    return rows


def median_row(rows):
    """The median of each figure of `rows`; the snapshot's outcomes, each once."""
    row = {k: statistics.median(r[k] for r in rows) for k in rows[0] if k != "snapshot"}
    if "snapshot" in rows[0]:
        row["snapshot"] = sorted({r["snapshot"] for r in rows})
    return row


def startup_against_floor(open_engine, host="gzip", runs=3, link=None):
    """ndlab's start-up and the floor's in `runs` fresh profiles each, alternating; medians and
    ratios. Both sites are served as `host` serves them, through `link` (default: unlimited).

    Alternating keeps both under the same load: on shared machines a run differs from the next.
    """
    link = link or Link()
    meters = {"ndlab": Meter(), "floor": Meter()}
    ndlab_rows, floor_rows = [], []
    with (
        ndlab_site(host) as ndlab_upstream,
        floor_site(host) as floor_upstream,
        through(link, ndlab_upstream, meters["ndlab"]) as url,
        through(link, floor_upstream, meters["floor"]) as floor_url,
    ):
        for _ in range(runs):
            for visit, site, rows, meter in (
                (visit_floor, floor_url, floor_rows, meters["floor"]),
                (visit_ndlab, url, ndlab_rows, meters["ndlab"]),
            ):
                engine = open_engine()
                try:
                    rows.append(visit(engine, site, meter))
                finally:
                    engine.close()
    summary = {}
    for kind in ("cold", "warm"):
        ours = median_row([r[kind] for r in ndlab_rows])
        bare = median_row([r[kind] for r in floor_rows])
        summary[kind], summary[f"floor_{kind}"] = ours, bare
        # Python ready is counted from the worker's start, the first result from the page's
        summary[f"ratio_{kind}"] = {
            "ready": ours["ready_ms"] / bare["startup_ms"],
            "first_result": ours["first_result_ms"] / bare["ready_ms"],
            "bytes": ours["bytes"] / max(bare["bytes"], 1),
            **{stage: ours[f"{stage}_ms"] / bare[f"{stage}_ms"] for stage in STAGES},
        }
    summary["ratio_cold"]["all_bytes"] = (
        summary["cold"]["all_bytes"] / summary["floor_cold"]["all_bytes"]
    )
    return summary
