"""The start-up snapshots (worker/snapshot.js): Python restored with ndlab imported computes what a
usual start computes, its random state is its own, and when none of the build's snapshots fits
Python starts the usual way. Chromium restores the one made in Chromium (the cross-browser tier,
test_engines.py, sees each engine restore)."""

import json

import pytest

from conftest import LAN_HOST
from pages import Guarded, HeldBack, untwinned, wait_until
from tools.layout import DIST
from tools.server import make_server, running
from tools.snapshot import BUILD_ONLY, package_files
from tools.startup_bench import RESULT

# Compiled libraries of NumPy and SciPy, one imported only now (scipy.signal), and the path.
CODE = r"""
import sys
import numpy as np
from scipy import linalg, ndimage, signal, stats
rng = np.random.default_rng(3)
a = rng.random((40, 50))
parts = [ndimage.gaussian_filter(a, 2), signal.wiener(a, 5), ndimage.median_filter(a, 3)]
print([float(p.sum()) for p in parts], float(linalg.svd(a, compute_uv=False).sum()))
print(ndimage.label(a > 0.7)[1], float(stats.norm.ppf(0.975)))
print(sys.path.count(""), [m for m in ("ndlab.bridge.jobs", "numpy", "scipy") if m in sys.modules])
"""
SNAPSHOT = json.loads((DIST / "build.json").read_text())["snapshot"]
#: The snapshot Chromium restores, the first the build made.
CHROMIUMS = SNAPSHOT["made"][0]
#: Where Pyodide installs the packages.
SITE = "/lib/python3.12/site-packages"
#: The memory of each snapshot and the packages' files they share, each tens of megabytes.
LARGE = (SNAPSHOT["files"], SNAPSHOT["later"], *(made["file"] for made in SNAPSHOT["made"]))


def large_files(requested):
    """The snapshots' large files among the URLs `requested` (as themselves or their twins)."""
    return [u for u in requested if untwinned(u).endswith(LARGE)]


# The bytecode file of each module imported (its __spec__.cached), one a line.
IMPORTED = r"""
import sys
cached = {getattr(getattr(m, "__spec__", None), "cached", None) for m in list(sys.modules.values())}
print("\n".join(sorted(cached - {None})))
"""
# Two SciPy modules the snapshot did not import, each with its compiled libraries and bytecode.
LATER = r"""
import sys
print([name for name in ("scipy.integrate", "scipy.spatial") if name in sys.modules])
from scipy import integrate, spatial
hull = spatial.ConvexHull([[0, 0], [2, 0], [0, 2], [2, 2], [1, 1]])
print(float(hull.volume), round(integrate.quad(lambda x: x * x, 0, 3)[0], 9))
"""


#: How many compiled libraries the worker has loaded (each under its path, and its name).
LOADED = (
    "import js, pyodide_js\n"
    "print(sum(name.startswith('/') for name in js.Object.keys(pyodide_js._module.LDSO.loadedLibsByName)))"
)


# A lab whose data is in later.bin, run with what it says and whether it answered kept in the page.
LAB_WAITING = """() => {
  window.labSaid = []; window.labAnswer = null;
  const onProgress = ({message}) => window.labSaid.push(message);
  window.labRun = ndlab.runLab('wind_return_speed', {}, {onProgress});
  window.labRun.then(() => (window.labAnswer = 'answered'), () => (window.labAnswer = 'failed'));
}"""


def answer(body):
    """A route's handler that answers with JSON `body`."""
    return lambda route: route.fulfill(body=body, content_type="application/json")


def start(browser, url, meta=None, requested=None):
    """A fresh page whose worker gets, for the metadata of each of the build's snapshots, `meta`
    of it (a function) instead; returns it ready, with its start-up timings. Each request's URL
    made by the page or its worker is added to `requested` if given."""
    guarded = Guarded(browser)
    if requested is not None:
        guarded.context.on("request", lambda r: r.service_worker or requested.append(r.url))
    for made in SNAPSHOT["made"] if meta else ():
        body = json.dumps(meta(json.loads((DIST / made["meta"]).read_text())))
        guarded.context.route(f"**/{made['meta']}", answer(body))
    guarded.page.goto(url)
    page = guarded.wait_ready()
    return guarded, page.evaluate("async () => (await ndlab.ready).timings")


def run(page, code):
    out = page.evaluate("async (code) => ndlab.runCode(code, null)", code)
    assert out["error"] is None, out["error"]
    return out["stdout"]


def other_packages(meta):
    return {**meta, "key": meta["key"].replace("scipy ", "scipy 0")}


def test_a_restored_python_computes_what_a_usual_start_computes(browser, base_url):
    restored, timings = start(browser, base_url)
    assert timings["snapshot"] == "restored"
    requested = []
    usual, refused = start(browser, base_url, meta=other_packages, requested=requested)
    assert refused["snapshot"].startswith("refused: it was made for other packages (scipy ")
    # known from the metadata: none of the snapshots' large files is requested
    assert not large_files(requested)
    # the usual start requests the packages ahead, and Pyodide takes those responses
    wheels = [u.rsplit("/", 1)[1].split("-")[0] for u in requested if "/h-" in u]
    assert sorted(wheels) == ["ndlab", "numpy", "openblas", "scipy"]
    assert run(restored.page, CODE) == run(usual.page, CODE)
    assert run(restored.page, CODE).endswith("1 ['ndlab.bridge.jobs', 'numpy', 'scipy']\n")
    # a package loaded after the restore: matplotlib, drawing
    figure = restored.page.evaluate(
        "async () => (await ndlab.runCode('import matplotlib.pyplot as plt\\nplt.plot([1, 3, 2])', null)).figures.length"
    )
    assert figure == 1
    restored.close()
    usual.close()


def test_each_restored_python_has_its_own_random_state(browser, base_url):
    code = "import random\nimport numpy as np\nprint(np.random.rand(), random.random())"
    draws = []
    for _ in range(2):
        guarded, timings = start(browser, base_url)
        assert timings["snapshot"] == "restored"
        draws.append(run(guarded.page, code))
        guarded.close()
    first, second = (d.split() for d in draws)
    assert first[0] != second[0] and first[1] != second[1]


def shifted_table(meta):
    first = {**meta["libraries"][0], "tableLength": meta["libraries"][0]["tableLength"] + 1}
    return {**meta, "libraries": [first, *meta["libraries"][1:]]}


def site_with(folder, name, data):
    """The built site in `folder` (links to dist/'s files) with `data` as its file `name` and no
    twin of it. Served as tools/server.py serves any file: a Playwright route would pass the
    snapshot's 60 MB through its protocol, which takes minutes on a loaded machine."""
    for path in DIST.rglob("*"):
        relative = path.relative_to(DIST)
        if path.is_dir() or str(relative) in (name, f"{name}.gz", f"{name}.zst"):
            continue
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).symlink_to(path)
    (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize("origin", ["this computer", "a LAN address"])
def test_a_damaged_snapshot_is_refused_and_python_starts_as_usual(
    origin, browser, student_browser, tmp_path
):
    """One byte flipped in the snapshot's middle, its length kept. From this computer the worker
    hashes it with WebCrypto; a LAN address over http is no secure context, has no WebCrypto, and
    the browser checks the download against its `integrity`."""
    damaged = bytearray((DIST / CHROMIUMS["file"]).read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    with running(make_server(site_with(tmp_path, CHROMIUMS["file"], damaged), 0)) as url:
        if origin == "this computer":
            guarded, timings = start(browser, url)
            reason = f"{CHROMIUMS['file']} is not the file {CHROMIUMS['meta']} names"
        else:
            guarded, timings = start(student_browser, url.replace("127.0.0.1", LAN_HOST))
            assert guarded.page.evaluate("() => isSecureContext || !!crypto.subtle") is False
            reason = "Failed to fetch"  # all a failed integrity check tells a page
        assert timings["snapshot"].startswith("refused: ") and reason in timings["snapshot"]
        assert run(guarded.page, CODE).endswith("1 ['ndlab.bridge.jobs', 'numpy', 'scipy']\n")
        guarded.close()


def test_a_damaged_twin_is_refused_and_python_starts_as_usual(browser, tmp_path):
    """One byte flipped in the .zst twin of the snapshot's memory: the worker checks the twin
    against the sha256 build.json lists for it while it unpacks it."""
    twin = f"{CHROMIUMS['file']}.zst"
    damaged = bytearray((DIST / twin).read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    with running(make_server(site_with(tmp_path, twin, damaged), 0)) as url:
        guarded, timings = start(browser, url)
        assert timings["snapshot"].startswith("refused: ")
        assert f"{twin} is not the file build.json names" in timings["snapshot"]
        assert run(guarded.page, CODE).endswith("1 ['ndlab.bridge.jobs', 'numpy', 'scipy']\n")
        guarded.close()


def test_a_snapshot_whose_libraries_go_elsewhere_is_refused_and_python_starts_as_usual(
    browser, base_url
):
    guarded, timings = start(browser, base_url, meta=shifted_table)
    assert timings["snapshot"].startswith("refused: ")
    assert "would go to function-table slot" in timings["snapshot"]
    assert run(guarded.page, CODE).endswith("1 ['ndlab.bridge.jobs', 'numpy', 'scipy']\n")
    guarded.close()


def made_in_another_engine(meta):
    return {**meta, "profile": {"countArgs": True, "sameFunction": False}}


def test_a_snapshot_made_in_another_engine_is_refused_before_it_downloads(browser, base_url):
    """When every snapshot was made in an engine whose function table differs (WebKit's), that is
    known from their metadata: none of their large files is requested, the wheels are."""
    requested = []
    guarded, timings = start(browser, base_url, meta=made_in_another_engine, requested=requested)
    assert timings["snapshot"] == (
        "refused: it was made in an engine that lays out functions otherwise "
        "(sameFunction is true here, false where it was made)"
    )
    assert not large_files(requested)
    assert any(u.endswith(".whl") for u in requested)
    assert run(guarded.page, CODE).endswith("1 ['ndlab.bridge.jobs', 'numpy', 'scipy']\n")
    guarded.close()


def test_the_packages_files_are_what_a_restored_python_may_open(browser, base_url):
    """The snapshots' files are the packages' files but what only builds read (Cython's, C's,
    static libraries, stubs) and the bytecode of the modules a start imports with ndlab, as a
    usual start names them: their code is in the snapshot's memory. Those a restore needs (the
    libraries it loads, and ndlab's sources) come first; the others after."""
    assert {".pyx", ".pxd", ".h", ".c", ".a", ".pyi"} <= set(BUILD_ONLY)
    guarded, timings = start(browser, base_url, meta=other_packages)
    assert timings["snapshot"].startswith("refused: ")
    imported = set(run(guarded.page, IMPORTED).split())
    guarded.close()
    everything = package_files(DIST)
    assert {
        f"{SITE}/numpy/__init__.pyc",
        f"{SITE}/scipy/__init__.pyc",
    } <= imported & everything.keys()
    expected = [p for p in everything if not p.endswith(BUILD_ONLY) and p not in imported]
    for made in SNAPSHOT["made"]:
        meta = json.loads((DIST / made["meta"]).read_text())
        loaded = {library["path"] for library in meta["libraries"]}
        first = [p for p in expected if p in loaded or p.endswith(".py")]
        assert [path for path, _ in meta["files"]] == first
        assert [path for path, _ in meta["later"]] == [p for p in expected if p not in first]
        for part in ("files", "later"):
            size = sum(n for _, n in meta[part])
            assert size == (DIST / SNAPSHOT[part]).stat().st_size


def test_the_libraries_a_restore_left_out_are_loaded_once_the_first_job_is_answered(
    browser, base_url
):
    """The restore loads the libraries importing ndlab loads; once the first job is answered the
    worker loads the others in the background, so that a first lab does not compile them."""
    meta = json.loads((DIST / CHROMIUMS["meta"]).read_text())
    every = sum(path.endswith(".so") for path, _ in meta["files"] + meta["later"])
    assert len(meta["libraries"]) < every
    guarded, timings = start(browser, base_url)
    assert timings["snapshot"] == "restored"
    wait_until(
        guarded.page,
        f"async () => (await ndlab.runCode({json.dumps(LOADED)}, null)).stdout === '{every}\\n'",
    )
    guarded.close()


def test_a_module_the_snapshot_did_not_import_imports_after_the_restore(browser, base_url):
    """Neither the modules nor their compiled libraries are in the snapshot: the modules load from
    the packages' files, their libraries too (by Python on import, or by the worker once the first
    job is answered, whichever comes first; OpenBLAS, which they need, by the restore)."""
    meta = json.loads((DIST / CHROMIUMS["meta"]).read_text())
    loaded = {lib["path"].rsplit("/", 1)[1].split(".")[0] for lib in meta["libraries"]}
    assert {"libopenblas", "_nd_image"} <= loaded
    assert not {"_qhull", "_quadpack"} & loaded
    guarded, timings = start(browser, base_url)
    assert timings["snapshot"] == "restored"
    assert run(guarded.page, LATER) == "[]\n4.0 9.0\n"
    guarded.close()


def test_a_first_result_needs_only_the_files_of_the_start_and_a_lab_waits_for_the_others(
    browser, base_url
):
    """later.bin held back: the page's first result comes all the same; a lab whose data is in
    it says it waits, then answers once it comes, as it answers after."""
    guarded = Guarded(browser)
    later = HeldBack(guarded.context, f"**/{SNAPSHOT['later']}*")
    guarded.page.goto(base_url)
    page = guarded.wait_ready()
    assert page.evaluate("async () => (await ndlab.ready).timings.snapshot") == "restored"
    page.wait_for_function(RESULT)
    page.evaluate(LAB_WAITING)
    page.wait_for_function("() => window.labSaid.some((m) => m.startsWith('Downloading the rest'))")
    assert page.evaluate("() => window.labAnswer") is None
    later.release(page)
    waited = page.evaluate("async () => JSON.stringify((await window.labRun).outputs)")
    again = page.evaluate(
        "async () => JSON.stringify((await ndlab.runLab('wind_return_speed', {})).outputs)"
    )
    assert waited == again
    guarded.close()


def test_a_lab_opened_by_its_link_says_it_waits_for_the_files_for_later(browser, base_url):
    """What a learner sees: the lab's busy label says why it waits, then the lab's result."""
    guarded = Guarded(browser)
    later = HeldBack(guarded.context, f"**/{SNAPSHOT['later']}*")
    guarded.page.goto(f"{base_url}#lab=fit_curve")
    busy = guarded.page.locator("#lab-busy")
    busy.filter(has_text="Downloading the rest of NumPy's and SciPy's files…").wait_for()
    later.release(guarded.page)
    guarded.page.wait_for_function("() => performance.getEntriesByName('ndlab:lab-result').length")
    assert busy.is_hidden()
    guarded.close()


def test_files_for_later_that_do_not_download_are_named_and_fetched_again_when_next_needed(
    browser, base_url
):
    guarded = Guarded(browser)
    pattern = f"**/{SNAPSHOT['later']}*"
    guarded.context.route(pattern, lambda route: route.abort())
    guarded.page.goto(base_url)
    page = guarded.wait_ready()
    failed = page.evaluate(
        """async () => {
          try { await ndlab.runLab('fit_curve', {}); return null; }
          catch (e) { return {message: e.message, hint: e.hint}; }
        }"""
    )
    assert failed["message"].startswith("The packages' files this needs did not download:")
    assert failed["hint"].startswith("Check the connection and try again")
    guarded.context.unroute(pattern)
    values = page.evaluate("async () => (await ndlab.runLab('fit_curve', {})).outputs.values")
    assert values
    guarded.close()
