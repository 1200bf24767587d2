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
from ndlab import labs, web
from tools.load import SLOW_RATE, classroom_load
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
TIME_OPS = """async ([ops, repeats]) => {
  const out = {};
  for (const op of ops) {
    out[op] = [];
    for (let i = 0; i < repeats; i++) out[op].push((await ndlab.run(op, {}, window.__photo)).timings);
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
    range.value = String(0.5 + (i++ % 40) / 10);
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
        native = []
        for _ in range(repeats):
            _, meta = web.run_rgba(name, rgba, "{}")
            native.append(json.loads(meta)["timings"]["compute_ms"])
        t = timed[name]
        page_ms = median([x["compute_ms"] for x in t])
        overhead = median(
            [x["python_ms"] - x["compute_ms"] + x["copy_in_ms"] + x["copy_out_ms"] for x in t]
        )
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


def drag(page, seconds):
    page.click("#op-list button[data-op='gaussian_filter']")
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
    d = results["drag"]
    lines += [
        "",
        f"## Slider drag (Gaussian blur, {WIDTH}×{HEIGHT}, {d['seconds']} s)",
        "",
        f"{d['previews_per_second']:.1f} previews per second reached the screen; {d['long_tasks']} main-thread "
        f"tasks over 50 ms (longest {d['longest_task_ms']:.0f} ms).",
        "",
    ]
    return "\n".join(lines)


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


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="fresh browser profiles for start-up")
    parser.add_argument("--repeats", type=int, default=3, help="runs per operation and lab")
    parser.add_argument("--drag-seconds", type=float, default=4.0)
    parser.add_argument(
        "--classroom",
        type=int,
        metavar="CLIENTS",
        help="instead, the classroom load test with this many clients (30 for a class)",
    )
    args = parser.parse_args()
    if args.classroom:
        return classroom_bench(args.classroom)
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
            results["drag"] = drag(page, args.drag_seconds)
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
    sys.exit(main())
