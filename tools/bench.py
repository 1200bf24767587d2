"""The benchmark behind `python3 build.py bench`: the page in headless Chromium against CPython.

Prints a markdown report and writes it, with the raw figures as JSON, to .cache/bench/. It
measures; it asserts nothing (timings belong here, not in tests).
"""

import argparse
import base64
import contextlib
import io
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image
from playwright.sync_api import sync_playwright

import build
import ndlab
from ndlab import labs
from ndlab.bridge.memory import CACHE_BYTES
from ndlab.bridge.pixels import canonical, to_rgba
from ndlab.pipeline import Cache
from tools.load import SLOW_RATE, classroom_load
from tools.server import make_server, other_site, running

OUT = build.CACHE / "bench"
WIDTH, HEIGHT = 1024, 768
MEGAPIXELS = WIDTH * HEIGHT / 1e6
READY = "() => document.body.dataset.ready === 'true'"
MARKS = """() => Object.fromEntries(['ndlab:controls', 'ndlab:result']
  .map(n => [n, performance.getEntriesByName(n)[0]?.startTime ?? null]))"""
PHOTO = f"""async () => {{
  const c = document.createElement('canvas'); c.width = {WIDTH}; c.height = {HEIGHT};
  const cx = c.getContext('2d');
  cx.drawImage(await createImageBitmap(await ndlab.loadSample('chelsea')), 0, 0, c.width, c.height);
  window.__photo = cx.getImageData(0, 0, c.width, c.height);
  let s = ''; const d = window.__photo.data;
  for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
  return btoa(s);
}}"""
# Each run gets a new copy of the photograph, so the worker loads it and computes from scratch:
# the overhead is everything the page spends beyond SciPy's own time (copies, conversions, display).
TIME_OPS = """async ([ops, repeats]) => {
  const out = {};
  for (const op of ops) {
    out[op] = [];
    for (let i = 0; i < repeats; i++) {
      const photo = new ImageData(new Uint8ClampedArray(window.__photo.data), window.__photo.width);
      const start = performance.now();
      const { timings } = await ndlab.run(op, {}, photo);
      out[op].push({ ...timings, total_ms: performance.now() - start });
    }
  }
  return out;
}"""
# A four-step pipeline run whole on a new input, then with its last step edited (the steps before
# come from the worker's cache).
PIPELINE_STEPS = [
    {"name": "gaussian_filter", "params": {"sigma": 2}},
    {"name": "rgb_to_grey", "params": {}},
    {"name": "threshold_otsu", "params": {}},
    {"name": "label", "params": {"connectivity": 1}},
]
TIME_PIPELINE = """async ([steps, repeats]) => {
  const out = { whole: [], edited: [] };
  for (let i = 0; i < repeats; i++) {
    const photo = new ImageData(new Uint8ClampedArray(window.__photo.data), window.__photo.width);
    let start = performance.now();
    const whole = await ndlab.runPipeline(steps, photo);
    out.whole.push({ total_ms: performance.now() - start, timings: whole.timings });
    const edited = structuredClone(steps);
    edited[3].params.connectivity = 2;
    start = performance.now();
    const again = await ndlab.runPipeline(edited, photo);
    out.edited.push({ total_ms: performance.now() - start, timings: again.timings });
  }
  return out;
}"""
TIME_LABS = """async ([names, repeats]) => {
  const out = {};
  for (const name of names) {
    out[name] = [];
    for (let i = 0; i < repeats; i++) out[name].push((await ndlab.runLab(name, {})).timings.compute_ms);
  }
  return out;
}"""
DRAG = """async ([seconds]) => {
  const range = document.querySelector('#controls input[type=range]');
  const long = [];
  new PerformanceObserver(l => long.push(...l.getEntries().map(e => e.duration))).observe({type: 'longtask'});
  const before = performance.getEntriesByName('ndlab:result').length;
  const start = performance.now();
  let i = 0;
  while (performance.now() - start < seconds * 1000) {
    const low = Number(range.min), high = Number(range.max);
    range.value = String(low + ((i++ % 40) / 40) * (high - low) / 2);
    range.dispatchEvent(new Event('input', {bubbles: true}));
    await new Promise(r => setTimeout(r, 16));
  }
  await new Promise(r => setTimeout(r, 500));
  const shown = performance.getEntriesByName('ndlab:result').slice(before);
  const drafts = shown.map(m => m.detail.draft).filter(k => k > 1);
  const median = xs => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {previews: shown.length, drafts: drafts.length, draft_factor: Math.max(1, ...drafts), seconds,
          ...Object.fromEntries(['round_trip_ms', 'python_ms', 'paint_ms'].map(
            key => [key, median(shown.map(m => m.detail[key]))])),
          long_tasks: long.length, longest_task_ms: Math.max(0, ...long)};
}"""


# A batch of files of the photograph, chosen in the page's batch controls; long main-thread
# tasks meanwhile, and Python's memory (the WebAssembly heap, which never shrinks) after.
TIME_BATCH = """async ([count, output]) => {
  const files = [];
  for (let i = 0; i < count; i++) {
    const c = document.createElement('canvas'); c.width = window.__photo.width; c.height = window.__photo.height;
    const cx = c.getContext('2d');
    cx.putImageData(window.__photo, 0, 0);
    cx.fillText(String(i), 10 + i, 20);  // a different image each time
    files.push(new File([await new Promise(r => c.toBlob(r))], `photo-${i}.png`, {type: 'image/png'}));
  }
  document.querySelector('#batch').open = true;
  document.querySelector('#batch-output').value = output;
  const dt = new DataTransfer(); for (const f of files) dt.items.add(f);
  const long = [];
  const observer = new PerformanceObserver(l => long.push(...l.getEntries().map(e => e.duration)));
  observer.observe({type: 'longtask'});
  const input = document.querySelector('#batch-files'); input.files = dt.files;
  const start = performance.now();
  input.dispatchEvent(new Event('change'));
  const download = document.querySelector('#batch-download');
  while (download.hidden) await new Promise(r => setTimeout(r, 20));
  const ms = performance.now() - start;
  observer.disconnect();
  const done = document.querySelectorAll('#batch-list li[data-state=done]').length;
  const tiny = new ImageData(new Uint8ClampedArray([1, 2, 3, 255]), 1);
  const { memory_mb } = await ndlab.run('sobel', {}, tiny);
  return {count, done, ms, long_tasks: long.length, longest_task_ms: Math.max(0, ...long), memory_mb};
}"""


def median(values):
    return statistics.median(values)


def serve(*args):
    server = subprocess.Popen(
        [sys.executable, str(build.ROOT / "build.py"), "serve", "--port", "0", *args],
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
                "() => navigator.serviceWorker.controller !== null", timeout=60_000
            )
            rows["cold_bytes"] = sum(sizes)
    context.close()
    return rows


# The floor: official Pyodide loading NumPy and SciPy and importing scipy.ndimage in a worker,
# nothing else, from the same dist/pyodide files, server and browser as ndlab. Start-up figures
# are divided by it: these shared machines differ by 2x from day to day, the ratio holds.
FLOOR_PAGE = """<!doctype html><meta charset="utf-8"><title>floor</title>
<script type="module" src="floor.js"></script>"""
FLOOR_PAGE_SCRIPT = """
const worker = new Worker("floor-worker.js" + location.search, {type: "module"});
worker.onmessage = (e) => {
  if ("kernels" in e.data) window.kernels = JSON.parse(e.data.kernels);
  else window.floor = {...e.data, ready_ms: performance.now()};
};
"""
FLOOR_WORKER = """
import { loadPyodide } from "./pyodide/pyodide.mjs";
const started = performance.now();
const pyodide = await loadPyodide({ indexURL: new URL("./pyodide/", import.meta.url).href });
const runtime = performance.now();
await pyodide.loadPackage(["numpy", "scipy"], { messageCallback: () => {} });
const loaded = performance.now();
pyodide.runPython("import scipy.ndimage");
const now = performance.now();
postMessage({ startup_ms: now - started, runtime_ms: runtime - started, load_ms: loaded - runtime, import_ms: now - loaded });
// afterwards, on request: the kernels, the same code as in CPython
if (new URL(self.location.href).searchParams.has("kernels")) {
  await pyodide.loadPackage("ndlab", { messageCallback: () => {} });
  pyodide.runPython(await (await fetch("kernels.py")).text());
  postMessage({ kernels: pyodide.runPython("measure()") });
}
"""
# SciPy's kernels behind ndlab's heaviest operations, with the alternatives that give the same
# results (to rounding for SVD and FFT, exactly for ndlab's own paths), back to back in one
# Pyodide worker and in CPython, each on one thread: the ratio within a worker is not shaken
# by the load on a shared machine.
KERNELS = """
import json
import time

import numpy as np
from scipy import fft, linalg, ndimage

from ndlab import filters, morphology
from ndlab.bridge import pixels

image = np.random.default_rng(0).uniform(0, 255, (768, 1024))
spectrum = fft.fft2(image)
half = fft.rfft2(image)
channel = np.round(ndimage.uniform_filter(image, 3))  # 8-bit values, as from a photograph
disk = morphology.structuring_element("disk", 3)
colour = np.stack([image, image[::-1], image[:, ::-1]], axis=-1)  # a result in colour
cases = {
    "histogram of a colour result, np.histogram per channel": lambda: [
        np.histogram(colour[..., c], bins=256, range=(colour.min(), colour.max()))
        for c in range(3)
    ],
    "histogram of a colour result, ndlab (one bincount)": lambda: pixels.histogram(colour),
    "median 3×3, ndimage": lambda: ndimage.median_filter(channel, size=3),
    "median 3×3, ndlab (8-bit path)": lambda: filters.median_filter(channel),
    "grey erosion disk 3, ndimage": lambda: ndimage.grey_erosion(channel, footprint=disk),
    "grey erosion disk 3, ndlab (8-bit path)": lambda: morphology.grey_erosion(channel),
    "white top-hat disk 3, ndimage": lambda: ndimage.white_tophat(channel, footprint=disk),
    "white top-hat disk 3, ndlab (8-bit path)": lambda: morphology.white_tophat(channel),
    "grey erosion disk 3, ndlab (float path)": lambda: morphology.grey_erosion(channel + 0.5),
    "SVD, scipy.linalg gesdd (ndlab)": lambda: linalg.svd(image, full_matrices=False),
    "SVD, scipy.linalg gesvd": lambda: linalg.svd(
        image, full_matrices=False, lapack_driver="gesvd"
    ),
    "SVD, numpy.linalg": lambda: np.linalg.svd(image, full_matrices=False),
    "fft2, scipy.fft (ndlab)": lambda: fft.fft2(image),
    "fft2, numpy.fft": lambda: np.fft.fft2(image),
    "rfft2, scipy.fft": lambda: fft.rfft2(image),
    "ifft2 real part, scipy.fft (ndlab)": lambda: fft.ifft2(spectrum).real,
    "ifft2 real part, numpy.fft": lambda: np.fft.ifft2(spectrum).real,
    "irfft2, scipy.fft": lambda: fft.irfft2(half, s=image.shape),
}


def fastest(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def measure():
    repeats = {name: 1 if name.startswith("SVD") else 5 for name in cases}
    return json.dumps({name: fastest(f, repeats[name]) for name, f in cases.items()})
"""


@contextlib.contextmanager
def floor_site():
    """Serve the floor's page and worker beside dist/'s Pyodide files; yield its URL."""
    with tempfile.TemporaryDirectory() as site:
        site = Path(site)
        (site / "pyodide").symlink_to(build.DIST / "pyodide")
        (site / "index.html").write_text(FLOOR_PAGE)
        (site / "floor.js").write_text(FLOOR_PAGE_SCRIPT)
        (site / "floor-worker.js").write_text(FLOOR_WORKER)
        (site / "kernels.py").write_text(KERNELS)
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
    """Lever 4: each kernel's time in a bare Pyodide worker and in CPython, and their ratio."""
    with floor_site() as site_url:
        page = browser.new_page()
        page.goto(site_url + "?kernels")
        page.wait_for_function("() => window.kernels", timeout=600_000)
        timed = page.evaluate("window.kernels")
        page.close()
    scope = {}
    exec(KERNELS, scope)
    native = json.loads(scope["measure"]())
    return [
        {"name": name, "page_ms": ms, "cpython_ms": native[name], "ratio": ms / native[name]}
        for name, ms in timed.items()
    ]


EMBED_HOST = """<!doctype html><title>Three demos</title>
<script src="{ndlab}static/embed.js" defer></script>
<script>
  window.readyAt = {{}};
  new MutationObserver((changes) => {{
    for (const c of changes) if (c.target.dataset.ndlabState === 'ready') window.readyAt[c.target.id] ??= performance.now();
  }}).observe(document.documentElement, {{subtree: true, attributeFilter: ['data-ndlab-state']}});
</script>
<div id="blur" data-ndlab="gaussian_filter" data-sample="camera" data-params='{{"sigma": 3}}'></div>
<div id="edges" data-ndlab="sobel" data-sample="coins"></div>
<div id="lab" data-ndlab="camelback"></div>
"""


def embeds(browser, url, runs):
    """A host page on another origin with three demos: open → first demo result, → all three."""
    rows = []
    with tempfile.TemporaryDirectory() as site:
        (Path(site) / "index.html").write_text(EMBED_HOST.format(ndlab=url))
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
    page.evaluate(
        """async () => {
          const c = document.createElement('canvas'); c.width = window.__photo.width; c.height = window.__photo.height;
          c.getContext('2d').putImageData(window.__photo, 0, 0);
          const blob = await new Promise(r => c.toBlob(r));
          const dt = new DataTransfer(); dt.items.add(new File([blob], 'photo.png', {type: 'image/png'}));
          const input = document.querySelector('#file-input'); input.files = dt.files;
          input.dispatchEvent(new Event('change'));
        }"""
    )
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
    for part, write in (
        ("startup", report_startup),
        ("operations", report_operations),
        ("labs", report_labs),
        ("kernels", report_kernels),
        ("embeds", report_embeds),
        ("pipeline", report_pipeline),
        ("drag", report_drag),
        ("batch", report_batch),
    ):
        if part in results:
            lines += write(results)
    return "\n".join(lines)


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


def classroom_bench(clients):
    """The classroom load test on `build.py serve` (a process of its own, as in class): `clients`
    browsers' worth of fetches of the whole site at once, and three slow readers. Prints and
    writes .cache/bench/classroom.md."""
    server, url = serve()
    try:
        result = classroom_load(url, clients=clients)
    finally:
        server.terminate()
        server.wait(timeout=10)
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    text = "\n".join(
        [
            f"# Classroom load ({time.strftime('%Y-%m-%d %H:%M')}, {machine}, loopback)",
            "",
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
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "classroom.md").write_text(text + "\n")
    print(text)
    return 0 if not result["corrupted"] and result["slow_intact"] else 1


#: The pipeline of the Dask comparison: a filter, a global threshold, labelling and measurements.
DASK_STEPS = [("gaussian_filter", {"sigma": 2.0}), ("threshold_otsu", {}), ("label", {})]


def dask_bench(size=8000, chunk=1024):
    """The exported Dask script on a LocalCluster against ``ndlab.run_pipeline`` in one process.

    Both on one `size` × `size` image of random blobs, saving the last array as ``.npy``; the
    script's time includes starting its cluster, as a user's run does. Prints and writes
    .cache/bench/dask.md.
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
    text = "\n".join(
        [
            f"# Dask against one process ({time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, "
            f"{machine})",
            "",
            f"- Gaussian blur, Otsu threshold, labelling with measurements on a {size}×{size} "
            f"image ({result.info['objects']} objects), its last array saved as .npy:",
            f"- the exported Dask script, {chunk}×{chunk} chunks, its own LocalCluster of "
            f"{workers} workers (started in the time): {dask_seconds:.1f} s",
            f"- ndlab.run_pipeline in one process: {one_seconds:.1f} s",
            f"- Dask / one process: {dask_seconds / one_seconds:.2f}",
        ]
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "dask.md").write_text(text + "\n")
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
    args = parser.parse_args()
    if args.classroom:
        return classroom_bench(args.classroom)
    if args.only == "dask":
        return dask_bench()
    server, url = serve()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=build.find_chromium(), args=list(build.CHROMIUM_FLAGS)
            )
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
                pixels = base64.b64decode(page.evaluate(PHOTO))
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
    print(f"\n(written to {OUT.relative_to(build.ROOT)}/latest.md and latest.json)")
    if args.only is None:
        print()
        return dask_bench()
    return 0


if __name__ == "__main__":
    sys.exit(main())
