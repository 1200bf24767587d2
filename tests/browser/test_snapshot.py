"""Python starts from the build's memory snapshot, and a snapshot of another runtime is refused."""

import json

import build
from pages import Guarded

READY_TIMINGS = "async () => (await ndlab.ready).timings"
RUN = """async () => {
  const r = await ndlab.run('gaussian_filter', {sigma: 2}, await ndlab.loadSample('camera'));
  return r.params;
}"""


def snapshot_path():
    return json.loads((build.DIST / "build.json").read_text())["snapshot"]


def test_python_starts_from_the_snapshot(browser, base_url):
    guarded = Guarded(browser, base_url)
    try:
        page = guarded.wait_ready()
        assert page.evaluate(READY_TIMINGS)["snapshot"] is True
        assert page.evaluate(RUN) == {"sigma": 2.0}
        assert guarded.console_errors == []
    finally:
        guarded.close()


def test_a_snapshot_of_another_runtime_is_refused_with_a_normal_start(browser, base_url):
    snapshot = bytearray((build.DIST / snapshot_path()).read_bytes())
    snapshot[16] ^= 0xFF  # the runtime's build id, which Pyodide checks, starts at byte 16
    warnings = []
    guarded = Guarded(browser)
    try:
        page = guarded.page
        page.on("console", lambda m: m.type == "warning" and warnings.append(m.text))
        page.route(
            f"**/{snapshot_path()}",
            lambda route: route.fulfill(
                body=bytes(snapshot), content_type="application/octet-stream"
            ),
        )
        page.goto(base_url)
        guarded.wait_ready()
        assert page.evaluate(READY_TIMINGS)["snapshot"] is False
        assert any("snapshot refused" in w and "build id" in w for w in warnings), warnings
        assert page.evaluate(RUN) == {"sigma": 2.0}
    finally:
        guarded.close()
