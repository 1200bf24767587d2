"""The benchmark behind `python3 build.py bench`: the page in headless Chromium against CPython.

Prints a markdown report and writes it, with the raw figures as JSON, to .cache/bench/; with
``--docs``, also into the figure blocks of docs/performance.md (tools/docs.py). It measures; it
asserts nothing (timings belong here, not in tests).
"""

import argparse
import base64
import contextlib
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image
from playwright.sync_api import sync_playwright

import ndlab
from ndlab import labs
from ndlab.bridge.memory import CACHE_BYTES
from ndlab.bridge.pixels import to_rgba
from ndlab.pipeline import Cache
from ndlab.reading import canonical
from tools import docs
from tools.chromium import CHROMIUM_FLAGS, find_chromium
from tools.layout import CACHE, DIST, ROOT
from tools.load import SLOW_RATE, classroom_load
from tools.server import make_server, other_site, running

OUT = CACHE / "bench"
WIDTH, HEIGHT = 1024, 768
MEGAPIXELS = WIDTH * HEIGHT / 1e6
READY = "() => document.body.dataset.ready === 'true'"
#: The benchmark's scripts and pages for the browser (and the kernels, Python for both sides).
SCRIPTS = Path(__file__).with_name("bench")


def script(name):
    """The function that tools/bench/<name>.js exports, as Playwright's evaluate takes it."""
    text = (SCRIPTS / f"{name}.js").read_text()
    return text.split("export default ", 1)[1].strip().removesuffix(";")


MARKS = script("marks")
PHOTO = script("photo")
TIME_OPS = script("time-ops")
TIME_PIPELINE = script("time-pipeline")
TIME_LABS = script("time-labs")
DRAG = script("drag")
TIME_BATCH = script("time-batch")
OPEN_PHOTO = script("open-photo")
# A four-step pipeline run whole on a new input, then with its last step edited (the steps before
# come from the worker's cache).
PIPELINE_STEPS = [
    {"name": "gaussian_filter", "params": {"sigma": 2}},
    {"name": "rgb_to_grey", "params": {}},
    {"name": "threshold_otsu", "params": {}},
    {"name": "label", "params": {"connectivity": 1}},
]


def median(values):
    return statistics.median(values)


def serve(*args):
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    for line in server.stdout:
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if match:
            return server, match.group(0)
    raise RuntimeError("build.py serve did not start")


def startup(browser, url):
    """Page open → controls drawn, Python ready, first result painted; cold, then warm."""
    rows = {}
    context = browser.new_context()
    sizes = []
    context.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"]))
    page = context.new_page()
    for kind in ("cold", "warm"):
        page.goto(url) if kind == "cold" else page.reload()
        page.wait_for_function(READY, timeout=120_000)
        page.wait_for_function("() => performance.getEntriesByName('ndlab:result').length > 0")
        marks = page.evaluate(MARKS)
        timings = page.evaluate("async () => (await ndlab.ready).timings")
        rows[kind] = {
            "controls_ms": marks["ndlab:controls"],
            "ready_ms": timings["startup_ms"],
            "runtime_ms": timings["runtime_ms"],
            "load_ms": timings["load_ms"] - timings["runtime_ms"],
            "import_ms": timings["import_ms"],
            "first_result_ms": marks["ndlab:result"],
            "snapshot": timings["snapshot"],
        }
        if kind == "cold":
            page.wait_for_function(
                "() => document.documentElement.dataset.offline === 'ready'", timeout=60_000
            )
            rows["cold_bytes"] = sum(sizes)
    context.close()
    return rows


@contextlib.contextmanager
def floor_site():
    """Serve the floor beside dist/'s Pyodide files; yield its URL.

    The floor: official Pyodide loading NumPy and SciPy and importing scipy.ndimage in a worker,
    nothing else, from the same dist/pyodide files, server and browser as ndlab. Start-up figures
    are divided by it: these shared machines differ by 2x from day to day, the ratio holds. On
    request (``?kernels``) it then times tools/bench/kernels.py.
    """
    with tempfile.TemporaryDirectory() as site:
        site = Path(site)
        (site / "pyodide").symlink_to(DIST / "pyodide")
        shutil.copy2(SCRIPTS / "floor.html", site / "index.html")
        for name in ("floor.js", "floor-worker.js", "kernels.py"):
            shutil.copy2(SCRIPTS / name, site / name)
        with running(make_server(site, 0)) as url:
            yield url


def floor(browser, site_url):
    """Page open → scipy.ndimage imported in a bare Pyodide worker; cold, then warm (reload).

    ``ready_ms`` is counted from the page's start, ``startup_ms`` from the worker's, as ndlab's
    first result and Python ready are.
    """
    rows = {}
    context = browser.new_context()
    page = context.new_page()
    for kind in ("cold", "warm"):
        page.goto(site_url) if kind == "cold" else page.reload()
        page.wait_for_function("() => window.floor", timeout=120_000)
        rows[kind] = page.evaluate("window.floor")
    context.close()
    return rows


STAGES = ("runtime", "load", "import")


def startup_against_floor(browser, url, runs):
    """ndlab's start-up and the floor's, in alternating fresh profiles; medians, and ratios.

    Alternating keeps both under the same load: on shared machines a run differs from the next.
    """
    ndlab_rows, floor_rows = [], []
    with floor_site() as site_url:
        for _ in range(runs):
            floor_rows.append(floor(browser, site_url))
            ndlab_rows.append(startup(browser, url))
    summary = {"cold_bytes": median([r["cold_bytes"] for r in ndlab_rows])}
    for kind in ("cold", "warm"):
        ours = {
            key: median([r[kind][key] for r in ndlab_rows])
            for key in ndlab_rows[0][kind]
            if key != "snapshot"
        }
        ours["snapshot"] = sorted({r[kind]["snapshot"] for r in ndlab_rows})
        bare = {key: median([r[kind][key] for r in floor_rows]) for key in floor_rows[0][kind]}
        summary[kind] = ours
        summary[f"floor_{kind}"] = bare
        # Python ready is counted from the worker's start, the first result from the page's
        summary[f"ratio_{kind}"] = {
            "ready": ours["ready_ms"] / bare["startup_ms"],
            "first_result": ours["first_result_ms"] / bare["ready_ms"],
            **{stage: ours[f"{stage}_ms"] / bare[f"{stage}_ms"] for stage in STAGES},
        }
    return summary


def kernels(browser):
    """Lever 4: each kernel's time in a bare Pyodide worker and in CPython, and their ratio.

    SciPy's kernels behind ndlab's heaviest operations, with the alternatives that give the same
    results (to rounding for SVD and FFT, exactly for ndlab's own paths), back to back in one
    Pyodide worker and in CPython, each on one thread: the ratio within a worker is not shaken
    by the load on a shared machine.
    """
    with floor_site() as site_url:
        page = browser.new_page()
        page.goto(site_url + "?kernels")
        page.wait_for_function("() => window.kernels", timeout=600_000)
        timed = page.evaluate("window.kernels")
        page.close()
    scope = {}
    exec((SCRIPTS / "kernels.py").read_text(), scope)
    native = json.loads(scope["measure"]())
    return [
        {"name": name, "page_ms": ms, "cpython_ms": native[name], "ratio": ms / native[name]}
        for name, ms in timed.items()
    ]


def embeds(browser, url, runs):
    """A host page on another origin with three demos: open → first demo result, → all three."""
    rows = []
    with tempfile.TemporaryDirectory() as site:
        host_page = (SCRIPTS / "embed-host.html").read_text().replace("{ndlab}", url)
        (Path(site) / "index.html").write_text(host_page)
        shutil.copy2(SCRIPTS / "embed-host.js", site)
        with running(other_site(site)) as host:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1000, "height": 3000})
                page = context.new_page()
                page.goto(host)
                page.wait_for_function(
                    "() => Object.keys(window.readyAt).length === 3", timeout=120_000
                )
                times = sorted(page.evaluate("window.readyAt").values())
                ids = {
                    page.evaluate(
                        "(id) => ndlabEmbed.request(document.getElementById(id), {type: 'status'})",
                        i,
                    )["runtime"]["id"]
                    for i in ("blur", "edges", "lab")
                }
                rows.append({"first_ms": times[0], "all_ms": times[-1], "runtimes": len(ids)})
                context.close()
    return {key: median([r[key] for r in rows]) for key in rows[0]}


def operations(page, rgba, repeats):
    names = [op["name"] for op in ndlab.catalog()["operations"]]
    rows = []
    for name in names:
        # one operation in the page, then in CPython: the two see the same load on the machine
        t = page.evaluate(TIME_OPS, [[name], repeats])[name]
        image = canonical(rgba)
        native = [ndlab.run(name, image).timings["compute_ms"] for _ in range(repeats)]
        page_ms = median([x["compute_ms"] for x in t])
        overhead = median([x["total_ms"] - x["compute_ms"] for x in t])
        rows.append(
            {
                "name": name,
                "page_ms": page_ms,
                "cpython_ms": median(native),
                "ratio": page_ms / max(median(native), 1e-3),
                "overhead_ms_per_mp": overhead / MEGAPIXELS,
            }
        )
    return rows


def pipeline(page, rgba, repeats):
    """The four-step pipeline in the page and in CPython: whole, then with its last step edited."""
    timed = page.evaluate(TIME_PIPELINE, [PIPELINE_STEPS, repeats])
    image = canonical(rgba)
    native_whole, native_edited = [], []
    for _ in range(repeats):
        cache = Cache(CACHE_BYTES)
        start = time.perf_counter()
        ndlab.run_pipeline(image, PIPELINE_STEPS, cache=cache, key=1)
        native_whole.append(1000 * (time.perf_counter() - start))
        edited = [dict(step, params=dict(step["params"])) for step in PIPELINE_STEPS]
        edited[3]["params"]["connectivity"] = 2
        start = time.perf_counter()
        ndlab.run_pipeline(image, edited, cache=cache, key=1)
        native_edited.append(1000 * (time.perf_counter() - start))
    reused = [[s["reused"] for s in x["timings"]["steps"]] for x in timed["edited"]]
    return {
        "whole_ms": median([x["total_ms"] for x in timed["whole"]]),
        "edited_ms": median([x["total_ms"] for x in timed["edited"]]),
        "cpython_whole_ms": median(native_whole),
        "cpython_edited_ms": median(native_edited),
        "reused": reused[0],
    }


def lab_times(page, repeats):
    names = [lab["name"] for lab in labs.catalog()["labs"]]
    timed = page.evaluate(TIME_LABS, [names, repeats])
    rows = []
    for name in names:
        native = median([labs.run(name).timings["compute_ms"] for _ in range(repeats)])
        page_ms = median(timed[name])
        rows.append(
            {
                "name": name,
                "page_ms": page_ms,
                "cpython_ms": native,
                "ratio": page_ms / max(native, 1e-3),
            }
        )
    return rows


def drag(page, seconds, steps):
    """Previews per second while a slider of the last of `steps` moves, on the photograph."""
    link = json.dumps([[step["name"], step["params"]] for step in steps])  # the permalink's form
    page.evaluate(f"() => {{ location.hash = 'steps=' + encodeURIComponent('{link}'); }}")
    page.wait_for_function(f"() => document.querySelectorAll('#steps li').length === {len(steps)}")
    page.locator("#steps li button.step").last.click()
    page.wait_for_function("() => document.querySelector('#busy').hidden")
    page.evaluate(OPEN_PHOTO)
    page.locator("#original-caption", has_text="photo.png").wait_for()
    page.wait_for_function("() => document.querySelector('#busy').hidden")
    result = page.evaluate(DRAG, [seconds])
    result["previews_per_second"] = result["previews"] / seconds
    return result


def batch(page, rgba, counts):
    """Batches of `counts` files (PNG and .npy out) in the page, and one file's work in CPython:
    decode its PNG (Pillow), run the pipeline, write a PNG and a .npy of the last array."""
    link = json.dumps([[step["name"], step["params"]] for step in PIPELINE_STEPS])
    page.evaluate(f"() => {{ location.hash = 'steps=' + encodeURIComponent('{link}'); }}")
    # the view's own run of the new pipeline is over: only the batch runs while it is timed
    page.wait_for_function(
        f"() => document.querySelectorAll('#steps li').length === {len(PIPELINE_STEPS)}"
    )
    page.wait_for_function("() => document.querySelector('#busy').hidden")
    runs = [page.evaluate(TIME_BATCH, [count, "both"]) for count in counts]
    native = []
    for _ in range(3):
        start = time.perf_counter()
        decoded = np.asarray(Image.open(io.BytesIO(png(rgba))).convert("RGBA"))
        result = ndlab.run_pipeline(canonical(decoded), PIPELINE_STEPS)
        png(to_rgba(result.image))
        np.save(io.BytesIO(), result.data)
        native.append(1000 * (time.perf_counter() - start))
    return {"runs": runs, "cpython_per_file_ms": median(native)}


def png(array):
    out = io.BytesIO()
    Image.fromarray(array).save(out, format="PNG")
    return out.getvalue()


def report(results):
    """The markdown report of the parts that ran (see ``--only``)."""
    lines = [f"# ndlab benchmark ({results['date']} UTC, {results['machine']})", ""]
    for part, write in PARTS.items():
        if part in results:
            lines += write(results)
    return "\n".join(lines)


def docs_block(lines, when, machine):
    """Parts of a report as a figure block of docs/performance.md: the command and the run that
    printed them, then the figures, each part's ``##`` title in bold (the page has the headings)."""
    command = " ".join(["python3 build.py bench", *(a for a in sys.argv[1:] if a != "--docs")])
    bold = [f"**{line[3:]}**" if line.startswith("## ") else line for line in lines]
    load = os.getloadavg()[0]  # these machines are shared: say how busy this one was
    printed = (
        f"Printed by `{command}` on {when} UTC ({machine}; load average {load:.1f} at the end)."
    )
    return "\n".join([printed, "", *bold])


def report_startup(results):
    s = results["startup"]
    lines = [
        f"## Start-up against the floor (median of {results['runs']} fresh profiles each, alternating)",
        "",
        "The floor: official Pyodide 0.27.7 in a worker loading NumPy and SciPy and importing "
        "`scipy.ndimage`, nothing else, from the same files, server and browser. Python ready "
        "counts from the worker's start, the rest from the page's.",
        "",
        "| | floor ready | controls drawn | Python ready (runtime + packages + import) "
        "| first result painted | ready / floor | first result / floor |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in ("cold", "warm"):
        k, f, r = s[kind], s[f"floor_{kind}"], s[f"ratio_{kind}"]
        lines.append(
            f"| {kind} | {f['ready_ms']:.0f} ms | {k['controls_ms']:.0f} ms "
            f"| {k['ready_ms']:.0f} ms ({k['runtime_ms']:.0f} + {k['load_ms']:.0f} + "
            f"{k['import_ms']:.0f}) | {k['first_result_ms']:.0f} ms "
            f"| {r['ready']:.2f} | {r['first_result']:.2f} |"
        )
    lines += [
        "",
        "Python started from the build's snapshot (worker/snapshot.js): "
        + "; ".join(f"{kind} {', '.join(s[kind]['snapshot'])}" for kind in ("cold", "warm"))
        + ". A restore counts as the runtime's stage: it replaces all three.",
        "",
        "Stage by stage, ndlab / the floor (starting the runtime, loading the packages, "
        "importing `ndlab.bridge.jobs` / `scipy.ndimage`):",
        "",
    ]
    lines += [
        f"- {kind}: " + ", ".join(f"{st} {s[f'ratio_{kind}'][st]:.2f}" for st in STAGES)
        for kind in ("cold", "warm")
    ]
    return lines + [
        "",
        f"Bytes transferred on a cold start (page, Python, NumPy, SciPy, samples, service-worker precache): "
        f"{s['cold_bytes'] / 1e6:.1f} MB.",
        "",
    ]


def report_operations(results):
    ops = results["operations"]
    ratios = [r["ratio"] for r in ops]
    lines = [
        f"## Operations on a {WIDTH}×{HEIGHT} colour photograph (median of {results['repeats']})",
        "",
        f"Page vs CPython SciPy time: median ratio {median(ratios):.2f}, worst {max(ratios):.2f} "
        f"({max(ops, key=lambda r: r['ratio'])['name']}); ndlab's overhead in the page: median "
        f"{median([r['overhead_ms_per_mp'] for r in ops]):.1f} ms per megapixel.",
        "",
        "| operation | page ms | CPython ms | ratio | overhead ms/MP |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['name']} | {r['page_ms']:.1f} | {r['cpython_ms']:.1f} | {r['ratio']:.2f} | {r['overhead_ms_per_mp']:.1f} |"
        for r in ops
    ]
    return lines + [""]


def report_labs(results):
    lab_rows = results["labs"]
    lines = [
        f"## Labs at their defaults (median of {results['repeats']})",
        "",
        f"Median ratio {median([r['ratio'] for r in lab_rows]):.2f}.",
        "",
        "| lab | page ms | CPython ms | ratio |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {r['name']} | {r['page_ms']:.1f} | {r['cpython_ms']:.1f} | {r['ratio']:.2f} |"
        for r in lab_rows
    ]
    return lines + [""]


def report_kernels(results):
    return [
        "## Kernels and their alternatives (768×1024 float64, fastest of 1 SVD, 5 others)",
        "",
        "| kernel | page ms | CPython ms (1 thread) | ratio |",
        "|---|---:|---:|---:|",
        *(
            f"| {r['name']} | {r['page_ms']:.0f} | {r['cpython_ms']:.1f} | {r['ratio']:.2f} |"
            for r in results["kernels"]
        ),
        "",
    ]


def report_embeds(results):
    e = results["embeds"]
    return [
        "## Three embedded demos on a host page of another origin (cold, median)",
        "",
        f"First demo's result {e['first_ms']:.0f} ms after the host page opened; all three "
        f"{e['all_ms']:.0f} ms; Python runtimes used: {e['runtimes']:.0f}.",
        "",
    ]


def report_pipeline(results):
    p = results["pipeline"]
    steps = ", ".join(step["name"] for step in PIPELINE_STEPS)
    return [
        f"## A four-step pipeline ({steps}) on the {WIDTH}×{HEIGHT} photograph (median)",
        "",
        "| | page ms | CPython ms | ratio |",
        "|---|---:|---:|---:|",
        f"| whole, new input | {p['whole_ms']:.0f} | {p['cpython_whole_ms']:.0f} | "
        f"{p['whole_ms'] / p['cpython_whole_ms']:.2f} |",
        f"| last step edited | {p['edited_ms']:.0f} | {p['cpython_edited_ms']:.0f} | "
        f"{p['edited_ms'] / p['cpython_edited_ms']:.2f} |",
        "",
        f"Steps reused after the edit: {p['reused']}.",
        "",
    ]


def report_drag(results):
    lines = []
    for d in results["drag"]:
        lines += [
            f"## Slider drag ({d['label']}, {WIDTH}×{HEIGHT}, {d['seconds']} s)",
            "",
            f"{d['previews_per_second']:.1f} previews per second reached the screen, "
            f"{d['drafts']} of {d['previews']} drafts (at most 1/{d['draft_factor']} size), "
            f"medians: the round trip {d['round_trip_ms']:.0f} ms, of which Python "
            f"{d['python_ms']:.0f} ms, then painting {d['paint_ms']:.0f} ms; "
            f"{d['long_tasks']} main-thread tasks over 50 ms (longest {d['longest_task_ms']:.0f} ms).",
            "",
        ]
    return lines


def report_batch(results):
    b = results["batch"]
    steps = ", ".join(step["name"] for step in PIPELINE_STEPS)
    lines = [
        f"## Batches of PNG files of the {WIDTH}×{HEIGHT} photograph ({steps}; PNG and .npy out)",
        "",
        "| files | done | page s | per file ms | CPython per file ms | ratio | main-thread tasks "
        "over 50 ms (longest ms) | Python memory after, MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in b["runs"]:
        per_file = r["ms"] / r["count"]
        lines.append(
            f"| {r['count']} | {r['done']} | {r['ms'] / 1000:.1f} | {per_file:.0f} | "
            f"{b['cpython_per_file_ms']:.0f} | {per_file / b['cpython_per_file_ms']:.2f} | "
            f"{r['long_tasks']} ({r['longest_task_ms']:.0f}) | {r['memory_mb']:.0f} |"
        )
    return [
        *lines,
        "",
        "CPython per file: decode the PNG (Pillow), run the pipeline, write a PNG and a .npy.",
        "",
    ]


#: The parts of the report, in its order, by the key of their figures in the results; each has a
#: figure block of the same name in docs/performance.md.
PARTS = {
    "startup": report_startup,
    "operations": report_operations,
    "labs": report_labs,
    "kernels": report_kernels,
    "embeds": report_embeds,
    "pipeline": report_pipeline,
    "drag": report_drag,
    "batch": report_batch,
}


def classroom_bench(clients, to_docs=False):
    """The classroom load test on `build.py serve` (a process of its own, as in class): `clients`
    browsers' worth of fetches of the whole site at once, and three slow readers. Prints and
    writes .cache/bench/classroom.md (and the block "classroom" of the docs if `to_docs`)."""
    server, url = serve()
    try:
        result = classroom_load(url, clients=clients)
    finally:
        server.terminate()
        server.wait(timeout=10)
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    when = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    figures = [
        f"- {result['clients']} clients each fetched all {result['files']} files of the site "
        f"(gzip accepted): {result['MB']:.0f} MB decoded in {result['seconds']:.1f} s, "
        f"{result['MB_per_s']:.0f} MB/s; files differing from the manifest's sha256: "
        f"{len(result['corrupted'])}",
        f"- One client's share, the whole site as a first visit's service worker precaches it: "
        f"{result['wire_MB_per_client']:.1f} MB over the connection (gzip where the build "
        f"has a twin; counted by the client, as the server sent it)",
        f"- {len(result['slow_seconds'])} slow readers at {SLOW_RATE / 1e3:.0f} kB/s, "
        f"meanwhile: {', '.join(f'{s} s' for s in result['slow_seconds'])}, "
        f"{'intact' if result['slow_intact'] else 'CORRUPTED'}",
    ]
    text = "\n".join([f"# Classroom load ({when} UTC, {machine}, loopback)", "", *figures])
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "classroom.md").write_text(text + "\n")
    if to_docs:
        title = ["## Classroom load (loopback)", ""]
        docs.put_bench({"classroom": docs_block([*title, *figures], when, machine)})
    print(text)
    return 0 if not result["corrupted"] and result["slow_intact"] else 1


#: The pipeline of the Dask comparison: a filter, a global threshold, labelling and measurements.
DASK_STEPS = [("gaussian_filter", {"sigma": 2.0}), ("threshold_otsu", {}), ("label", {})]


def dask_bench(size=8000, chunk=1024, to_docs=False):
    """The exported Dask script on a LocalCluster against ``ndlab.run_pipeline`` in one process.

    Both on one `size` × `size` image of random blobs, saving the last array as ``.npy``; the
    script's time includes starting its cluster, as a user's run does. Prints and writes
    .cache/bench/dask.md (and the block "dask" of the docs if `to_docs`).
    """
    from ndlab.samples import random_blobs

    image = random_blobs((size // 8, size // 8), seed=7, scale=3, zoom=8)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        np.save(folder / "image.npy", image)
        (folder / "pipeline_dask.py").write_text(ndlab.dask_script(DASK_STEPS))
        command = [sys.executable, "pipeline_dask.py", "image.npy", "--out", "out"]
        started = time.perf_counter()
        printed = subprocess.run(
            [*command, "--chunk", str(chunk)],
            cwd=folder,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        dask_seconds = time.perf_counter() - started
        started = time.perf_counter()
        result = ndlab.run_pipeline(image, DASK_STEPS)
        np.save(folder / "one.npy", result.data)
        one_seconds = time.perf_counter() - started
    workers = re.search(r"(\d+) workers", printed).group(1)
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    when = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    figures = [
        f"- Gaussian blur, Otsu threshold, labelling with measurements on a {size}×{size} "
        f"image ({result.info['objects']} objects), its last array saved as .npy:",
        f"- the exported Dask script, {chunk}×{chunk} chunks, its own LocalCluster of "
        f"{workers} workers (started in the time): {dask_seconds:.1f} s",
        f"- ndlab.run_pipeline in one process: {one_seconds:.1f} s",
        f"- Dask / one process: {dask_seconds / one_seconds:.2f}",
    ]
    text = "\n".join([f"# Dask against one process ({when} UTC, {machine})", "", *figures])
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "dask.md").write_text(text + "\n")
    if to_docs:
        title = ["## Dask against one process", ""]
        docs.put_bench({"dask": docs_block([*title, *figures], when, machine)})
    print(text)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="fresh browser profiles for start-up")
    parser.add_argument("--repeats", type=int, default=3, help="runs per operation and lab")
    parser.add_argument("--drag-seconds", type=float, default=4.0)
    parser.add_argument("--batch", type=int, default=12, help="files in the measured batch")
    parser.add_argument(
        "--only",
        choices=("startup", "compute", "drag", "batch", "dask"),
        help="measure only start-up against the floor, only operations and labs, only slider "
        "drags, only batches, or only the exported Dask script against one process (no browser)",
    )
    parser.add_argument(
        "--classroom",
        type=int,
        metavar="CLIENTS",
        help="instead, the classroom load test with this many clients (30 for a class)",
    )
    parser.add_argument(
        "--docs",
        action="store_true",
        help="also write the figures of the parts measured into docs/performance.md",
    )
    args = parser.parse_args()
    if args.classroom:
        return classroom_bench(args.classroom, args.docs)
    if args.only == "dask":
        return dask_bench(to_docs=args.docs)
    server, url = serve()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_FLAGS))
            results = {
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, {browser.version}",
                "runs": args.runs,
                "repeats": args.repeats,
                "date": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
            }
            if args.only in (None, "startup"):
                results["startup"] = startup_against_floor(browser, url, args.runs)
            if args.only is None:
                results["embeds"] = embeds(browser, url, args.runs)
            if args.only != "startup":
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(url)
                page.wait_for_function(READY, timeout=120_000)
                pixels = base64.b64decode(page.evaluate(PHOTO, [WIDTH, HEIGHT]))
                rgba = np.frombuffer(pixels, np.uint8).reshape(HEIGHT, WIDTH, 4).copy()
            if args.only in (None, "batch"):
                # one file, then many: Python's memory stays where one file took it
                results["batch"] = batch(page, rgba, [1, args.batch])
            if args.only in (None, "compute"):
                results["operations"] = operations(page, rgba, args.repeats)
                results["labs"] = lab_times(page, args.repeats)
                results["pipeline"] = pipeline(page, rgba, args.repeats)
                results["kernels"] = kernels(browser)
            if args.only in (None, "drag"):
                blur = [{"name": "gaussian_filter", "params": {}}]
                last = [*PIPELINE_STEPS[:3], {"name": "binary_opening", "params": {}}]
                results["drag"] = [
                    dict(drag(page, args.drag_seconds, blur), label="Gaussian blur"),
                    dict(
                        drag(page, args.drag_seconds, last),
                        label="the last of four steps (binary opening after blur, grey, Otsu)",
                    ),
                ]
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    OUT.mkdir(parents=True, exist_ok=True)
    text = report(results)
    (OUT / "latest.json").write_text(json.dumps(results, indent=1))
    (OUT / "latest.md").write_text(text)
    print(text)
    print(f"\n(written to {OUT.relative_to(ROOT)}/latest.md and latest.json)")
    if args.docs:
        when, machine = results["date"], results["machine"]
        blocks = {part: write(results) for part, write in PARTS.items() if part in results}
        docs.put_bench({part: docs_block(b, when, machine) for part, b in blocks.items()})
        print(f"(and into {docs.PERFORMANCE.relative_to(ROOT)})")
    if args.only is None:
        print()
        return dask_bench(to_docs=args.docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
