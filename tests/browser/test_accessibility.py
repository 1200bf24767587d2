"""axe-core in the page: no serious or critical accessibility violation."""

import json
from urllib.parse import quote

import pytest

from pages import Guarded
from tools.layout import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
COINS = "#sample=coins&steps=" + quote(json.dumps([["gaussian_filter", {}], ["label", {}]]))
PAGES = {
    "images": COINS,
    "lab": "#lab=camelback",
    "lab data": "#lab=lidar_waveform",
    "presenter": COINS,
    "editor": COINS
    + "&code="
    + quote("import numpy as np\nresult = np.flipud(image)  # upside down\n"),
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("view", PAGES)
def test_no_serious_violations(browser, base_url, view, scheme):
    """In the light and the dark theme (the system's choice): contrast is among axe's checks."""
    # axe is injected as an inline script, which the page's own CSP rightly forbids
    guarded = Guarded(browser, base_url + PAGES[view], bypass_csp=True, color_scheme=scheme)
    page = guarded.wait_ready()
    page.locator("#result-caption:has-text('Label'), #lab-outputs .answer").first.wait_for()
    if view == "lab data":  # the open "Your data" panel with a preview and the data's credit
        page.locator("#lab-data summary").click()
        page.fill("#lab-data-text", "t, y\n0, 1.5\n1, 2.5")
        page.locator("#lab-data .lab-data-preview table").wait_for()
    if view == "editor":  # a link's code in the editor, then run: its output and result shown
        page.locator("#editor .run").click()
        page.locator("#result-caption:has-text('Your code')").wait_for()
    if view == "presenter":
        page.keyboard.press("p")
        page.wait_for_function("() => document.body.classList.contains('presenter')")
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background == {"light": "rgb(247, 247, 245)", "dark": "rgb(21, 24, 28)"}[scheme]
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    guarded.close()
    assert serious == [], "\n".join(serious)
