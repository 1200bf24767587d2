"""The benchmark behind `python3 build.py bench`: the page in headless Chromium against CPython.

Prints a markdown report and writes it, with the raw figures as JSON, to .cache/bench/. It
measures; it asserts nothing (timings belong here, not in tests).
"""

import argparse
import base64
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
from playwright.sync_api import sync_playwright

import build
import ndlab
from ndlab import labs, web
from ndlab.pipeline import Cache
from tools.server import other_site, running

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
  return {previews: performance.getEntriesByName('ndlab:result').length - before, seconds,
          long_tasks: long.length, longest_task_ms: Math.max(0, ...long)};
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


def startup(browser, url, runs):
    """Page open → controls drawn, Python ready, first result painted; cold and warm."""
    rows = {"cold": [], "warm": []}
    transferred = []
    for _ in range(runs):
        context = browser.new_context()
        sizes = []
        context.on(
            "requestfinished", lambda r, sizes=sizes: sizes.append(r.sizes()["responseBodySize"])
        )
        page = context.new_page()
        for kind in ("cold", "warm"):
            page.goto(url) if kind == "cold" else page.reload()
            page.wait_for_function(READY, timeout=120_000)
            page.wait_for_function("() => performance.getEntriesByName('ndlab:result').length > 0")
            marks = page.evaluate(MARKS)
            ready = page.evaluate("async () => (await ndlab.ready).timings.startup_ms")
            rows[kind].append(
                {
                    "controls_ms": marks["ndlab:controls"],
                    "ready_ms": ready,
                    "first_result_ms": marks["ndlab:result"],
                }
            )
            if kind == "cold":
                page.wait_for_function(
                    "() => navigator.serviceWorker.controller !== null", timeout=60_000
                )
                transferred.append(sum(sizes))
        context.close()
    summary = {
        kind: {key: median([r[key] for r in values]) for key in values[0]}
        for kind, values in rows.items()
    }
    summary["cold_bytes"] = median(transferred)
    return summary


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
    names = [op["name"] for op in json.loads(web.catalog_json())["operations"]]
    timed = page.evaluate(TIME_OPS, [names, repeats])
    rows = []
    for name in names:
        image = web.canonical(rgba)
        native = [ndlab.run(name, image).timings["compute_ms"] for _ in range(repeats)]
        t = timed[name]
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
    image = web.canonical(rgba)
    native_whole, native_edited = [], []
    for _ in range(repeats):
        cache = Cache(web.CACHE_BYTES)
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
    page.evaluate(
        f"() => {{ location.hash = 'steps=' + encodeURIComponent('{json.dumps(steps)}'); }}"
    )
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


def report(results):
    s = results["startup"]
    ops = results["operations"]
    ratios = [r["ratio"] for r in ops]
    lines = [
        f"# ndlab benchmark ({results['machine']})",
        "",
        f"## Start-up (median of {results['runs']} fresh profiles)",
        "",
        "| | controls drawn | Python ready | first result painted |",
        "|---|---|---|---|",
    ]
    for kind in ("cold", "warm"):
        k = s[kind]
        lines.append(
            f"| {kind} | {k['controls_ms']:.0f} ms | {k['ready_ms']:.0f} ms | {k['first_result_ms']:.0f} ms |"
        )
    lines += [
        "",
        f"Bytes transferred on a cold start (page, Python, NumPy, SciPy, samples, service-worker precache): "
        f"{s['cold_bytes'] / 1e6:.1f} MB.",
        "",
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
    lab_rows = results["labs"]
    lines += [
        "",
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
    e = results["embeds"]
    lines += [
        "",
        "## Three embedded demos on a host page of another origin (cold, median)",
        "",
        f"First demo's result {e['first_ms']:.0f} ms after the host page opened; all three "
        f"{e['all_ms']:.0f} ms; Python runtimes used: {e['runtimes']:.0f}.",
    ]
    p = results["pipeline"]
    steps = ", ".join(step["name"] for step in PIPELINE_STEPS)
    lines += [
        "",
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
    ]
    for d in results["drag"]:
        lines += [
            "",
            f"## Slider drag ({d['label']}, {WIDTH}×{HEIGHT}, {d['seconds']} s)",
            "",
            f"{d['previews_per_second']:.1f} previews per second reached the screen; {d['long_tasks']} "
            f"main-thread tasks over 50 ms (longest {d['longest_task_ms']:.0f} ms).",
        ]
    lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="fresh browser profiles for start-up")
    parser.add_argument("--repeats", type=int, default=3, help="runs per operation and lab")
    parser.add_argument("--drag-seconds", type=float, default=4.0)
    args = parser.parse_args()
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
                "date": time.strftime("%Y-%m-%d %H:%M"),
            }
            results["startup"] = startup(browser, url, args.runs)
            results["embeds"] = embeds(browser, url, args.runs)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            page.wait_for_function(READY, timeout=120_000)
            pixels = base64.b64decode(page.evaluate(PHOTO))
            rgba = np.frombuffer(pixels, np.uint8).reshape(HEIGHT, WIDTH, 4).copy()
            results["operations"] = operations(page, rgba, args.repeats)
            results["labs"] = lab_times(page, args.repeats)
            results["pipeline"] = pipeline(page, rgba, args.repeats)
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


if __name__ == "__main__":
    main()
