"""The cross-browser tier: the main path of every feature, with the same assertions, in the three
engines learners use (tools/engines.py): Chromium, Firefox ESR and WebKitGTK (Safari's engine).

One browser session per engine for the module; everything is driven through the page's own API
(`window.ndlab`, `ndlabEmbed` on a host page), so no test knows which engine it runs in.
Run it alone with `python3 build.py test tests/browser/test_engines.py`.
"""

import base64
import io
import json
import zipfile
from urllib.parse import parse_qs

import numpy as np
import pytest

import ndlab
from conftest import serving, static_site
from ndlab import labs
from ndlab.dask_export import script_name
from ndlab.reading import canonical
from pages import untwinned
from test_capabilities import CANCEL_LAB_MID_RUN
from tools.engines import Chromium, Firefox, WebKit, missing
from tools.layout import DIST

ENGINES = {"chromium": Chromium, "firefox": Firefox, "webkit": WebKit}
SNAPSHOT = json.loads((DIST / "build.json").read_text())["snapshot"]
#: The memory of each of the build's snapshots (one per engine profile) and the packages' files.
MEMORY = tuple(made["file"] for made in SNAPSHOT["made"])
LARGE = (SNAPSHOT["files"], *MEMORY)

READY = "() => document.body.dataset.ready === 'true'"
# The sample's pixels as the page decoded them, and the .npy of a pipeline's last array.
PIXELS = """async (name) => {
  const image = await ndlab.loadSample(name);
  let s = ''; const d = image.data;
  for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
  return {width: image.width, height: image.height, b64: btoa(s)};
}"""
NPY = """async (name, steps) => {
  const bytes = await ndlab.npy(steps, await ndlab.loadSample(name));
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}"""
PIPELINE = [
    {"name": "gaussian_filter", "params": {"sigma": 2}},
    {"name": "threshold_otsu", "params": {}},
    {"name": "label", "params": {}},
]


@pytest.fixture(scope="module", params=ENGINES)
def engine(request, browser):
    why = missing(request.param)
    if why:
        pytest.fail(why)
    driver = Chromium(browser) if request.param == "chromium" else ENGINES[request.param]()
    yield driver
    driver.close()


@pytest.fixture(scope="module")
def page(engine, base_url):
    """The page in `engine`, Python ready."""
    engine.goto(base_url)
    engine.wait_until(READY)
    return engine


def test_start_first_result_and_the_snapshots_outcome(page, base_url):
    """Every engine restores a snapshot: the build made one in each engine that lays out
    functions its own way (Firefox restores Chromium's)."""
    timings = page.evaluate("async () => (await ndlab.ready).timings")
    assert timings["snapshot"] == "restored"
    assert (
        page.evaluate(
            "async () => (await ndlab.run('sobel', {}, await ndlab.loadSample('coins'))).image.width"
        )
        == 384
    )
    urls = page.requests()
    if urls is not None:
        assert all(
            url.startswith(("http://127.0.0.1", "blob:", "data:", "about:")) for url in urls
        ), urls
        # the snapshots' large files, or their twins (their small metadata is read first)
        large = [url for url in urls if untwinned(url).endswith(LARGE)]
        wheels = any(url.endswith(".whl") for url in urls)
        assert not (large and wheels), "both a snapshot and the wheels were downloaded"
        # one snapshot's memory (asked by the worker, and by the service worker for it)
        memory = {untwinned(url) for url in large if untwinned(url).endswith(MEMORY)}
        assert len(memory) == 1, memory


def test_pipeline_equals_cpython(page):
    shown = page.evaluate(PIXELS, "coins")
    rgba = np.frombuffer(base64.b64decode(shown["b64"]), np.uint8).reshape(
        shown["height"], shown["width"], 4
    )
    image = canonical(np.ascontiguousarray(rgba))
    blurred = np.load(io.BytesIO(base64.b64decode(page.evaluate(NPY, "coins", PIPELINE[:1]))))
    np.testing.assert_allclose(
        blurred, ndlab.run("gaussian_filter", image, sigma=2).data, atol=1e-9
    )
    labels = np.load(io.BytesIO(base64.b64decode(page.evaluate(NPY, "coins", PIPELINE))))
    expected = ndlab.run_pipeline(image, PIPELINE)
    np.testing.assert_array_equal(labels, expected.data)
    assert labels.max() > 10  # the coins, counted


RUN_LAB = "async (name, params) => (await ndlab.runLab(name, params)).outputs"


def test_lab_on_the_chapters_data_and_on_a_pasted_table(page):
    assert page.evaluate(RUN_LAB, "t_test", {})["text"] == labs.run("t_test").outputs["text"]
    table = "weight\tgroup\n" + "\n".join(f"{20 + k * 0.37:.2f}\t{1 + k % 2}" for k in range(12))
    shown = page.evaluate(RUN_LAB, "t_test", {"data": table})
    expected = labs.run("t_test", data=table).outputs
    assert shown["text"] == expected["text"]
    assert shown["values"] == pytest.approx(expected["values"], rel=1e-9)


def test_code_draws_a_matplotlib_figure(page):
    code = "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.title('three points')"
    result = page.evaluate(
        """async (code) => {
          const result = await ndlab.runCode(code, null);
          const png = new Uint8Array(await result.figures[0].arrayBuffer());
          return {error: result.error, figures: result.figures.length, signature: Array.from(png.slice(1, 4))};
        }""",
        code,
    )
    assert result == {"error": None, "figures": 1, "signature": list(b"PNG")}


def test_a_npy_file(page):
    array = np.arange(12.0).reshape(3, 4) ** 2
    buffer = io.BytesIO()
    np.save(buffer, array)
    shown = page.evaluate(
        """async (b64) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const input = await ndlab.readArray(new File([bytes], 'squares.npy'));
          const npy = await ndlab.npy([{name: 'gaussian_filter', params: {sigma: 1}}], input);
          let s = ''; for (const b of npy) s += String.fromCharCode(b);
          return {shape: input.meta.shape, npy: btoa(s)};
        }""",
        base64.b64encode(buffer.getvalue()).decode(),
    )
    assert shown["shape"] == [3, 4]
    blurred = np.load(io.BytesIO(base64.b64decode(shown["npy"])))
    np.testing.assert_allclose(blurred, ndlab.run("gaussian_filter", array, sigma=1).data)


# Two .npy files given to the batch as a learner chooses them; the zip it offers, as base64 (the
# download's link is caught before the browser saves it).
BATCH = """async (files) => {
  const chosen = new DataTransfer();
  for (const [name, b64] of files) chosen.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
  let zip;
  const url = URL.createObjectURL;
  URL.createObjectURL = (blob) => ((zip = blob), url(blob));
  HTMLAnchorElement.prototype.click = () => {};
  document.querySelector('#batch-output').value = 'npy';
  const input = document.querySelector('#batch-files');
  input.files = chosen.files;
  input.dispatchEvent(new Event('change'));
  const button = document.querySelector('#batch-download');
  while (button.hidden) await new Promise((resolve) => setTimeout(resolve, 50));
  button.click();
  const bytes = new Uint8Array(await zip.arrayBuffer());
  let s = ''; for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}"""


def test_a_batch_into_a_zip(page):
    arrays = {f"ramp{k}.npy": np.add.outer(np.arange(5.0), k * np.arange(7.0)) for k in (1, 2)}
    files = []
    for name, array in arrays.items():
        buffer = io.BytesIO()
        np.save(buffer, array)
        files.append([name, base64.b64encode(buffer.getvalue()).decode()])
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(page.evaluate(BATCH, files))))
    # the workspace's pipeline, as its link names it
    hash_ = parse_qs(page.evaluate("() => location.hash.slice(1)"))
    steps = [{"name": name, "params": params} for name, params in json.loads(hash_["steps"][0])]
    records = ["failures.csv", "pipeline.json", script_name(steps)]  # as test_batch.py's
    assert sorted(archive.namelist()) == sorted(["ramp1.npy", "ramp2.npy", *records])
    assert archive.read("failures.csv").decode().splitlines()[1:] == []
    for name, array in arrays.items():
        expected = ndlab.run_pipeline(array, steps).data
        np.testing.assert_allclose(np.load(io.BytesIO(archive.read(name))), expected, atol=1e-9)


def test_cancel_on_both_paths(page, plain_url):
    """Where the engine can share memory with the worker Python is interrupted and stays warm;
    elsewhere (and without isolation) a warm spare takes over."""
    for url in (None, plain_url):
        if url:
            page.goto(url)
            page.wait_until(READY)
        interruptible = page.evaluate("() => ndlab.interruptible")
        if not interruptible:
            page.wait_until("async () => (await ndlab.status()).spare === 'ready'")
        result = page.evaluate(CANCEL_LAB_MID_RUN)
        assert result["outcome"] == "AbortError", result
        assert ("still warm" if interruptible else "spare took over") in result["message"]
        assert page.evaluate(RUN_LAB, "t_test", {})["text"] == labs.run("t_test").outputs["text"]
    assert url is plain_url and not interruptible


HOST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>
<script src="{ndlab}static/embed.js" defer></script></head><body>
<div id="a" data-ndlab="gaussian_filter" data-sample="camera"></div>
<div id="b" data-ndlab="sobel" data-sample="coins"></div>
<div id="c" data-ndlab="fit_curve"></div></body></html>"""


def test_three_embeds_on_another_origin_share_one_python(engine, base_url, tmp_path):
    (tmp_path / "index.html").write_text(HOST.format(ndlab=base_url))
    with static_site(tmp_path) as url:
        engine.goto(url)
        demos = "['a', 'b', 'c'].map((id) => document.getElementById(id).dataset.ndlabState)"
        engine.wait_until(f"() => {demos}.every((s) => s === 'ready' || s === 'error')")
        assert engine.evaluate(f"() => {demos}") == ["ready"] * 3, engine.evaluate(
            "() => document.body.innerText"
        )
        runtimes = engine.evaluate(
            "async () => Promise.all(['a', 'b', 'c'].map(async (id) =>"
            " (await ndlabEmbed.request(document.getElementById(id), {type: 'status'})).runtime))"
        )
    assert len({r["id"] for r in runtimes}) == 1, runtimes


# The paths the service worker's cache holds.
CACHED = """async () => {
  const cache = await caches.open((await caches.keys()).find((n) => n.startsWith('ndlab-')));
  return (await cache.keys()).map((r) => new URL(r.url).pathname);
}"""


def test_offline_reload_with_the_server_stopped(engine):
    with serving() as url:
        engine.goto(url)
        engine.wait_until(READY)
        # the service worker keeps what the start fetched, and the rest once a result is shown
        engine.wait_until("() => document.documentElement.dataset.offline === 'ready'")
    engine.goto(url)
    engine.wait_until(READY)
    assert (
        engine.evaluate(
            "async () => (await ndlab.run('sobel', {}, await ndlab.loadSample('coins'))).image.width"
        )
        == 384
    )
    # the cache holds what this engine's start used: one snapshot's memory and the packages' files
    cached = [untwinned(path) for path in engine.evaluate(CACHED)]
    assert len([path for path in cached if path.endswith(MEMORY)]) == 1, cached
    assert any(path.endswith(SNAPSHOT["files"]) for path in cached), cached
    assert not [path for path in cached if path.endswith(".whl")], cached
