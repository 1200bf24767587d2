"""A lab's script as the page shows it (Copy, Download .py) runs in CPython and prints the page's
numbers: the values, table cells and sentences shown beside the plots."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CHAPTER_DATA = Path(__file__).resolve().parents[2] / "data" / "scipy-lectures"
RUN_LAB = "async ([name, params]) => await ndlab.runLab(name, params)"
NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")
# The numbers, table and sentences the page shows for a lab's results
SHOWN = """() => {
  const box = document.querySelector('#lab-outputs');
  const texts = (root, selector) => [...root.querySelectorAll(selector)].map((e) => e.textContent);
  return {
    sentences: texts(box, 'p.answer'),
    values: Object.fromEntries([...box.querySelectorAll('dl.values dt')].map(
      (dt) => [dt.textContent.replaceAll(' ', '_'), dt.nextElementSibling.textContent])),
    tables: [...box.querySelectorAll('div.table')].map((t) => ({
      title: t.querySelector('p').firstChild.textContent.trim(),
      columns: texts(t, 'th'),
      rows: [...t.querySelectorAll('tbody tr')].map((tr) => texts(tr, 'td')),
    })),
  };
}"""


def run_script(code, directory=CHAPTER_DATA):
    """Run `code` as a learner runs a saved script, in `directory`; return what it printed."""
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=directory,
        env=dict(os.environ, MPLBACKEND="Agg"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def shows(shown, printed):
    """Whether the page's `shown` cell (5 significant digits, "—" for none) shows `printed`."""
    if shown == "—":
        return printed in ("None", "nan")
    try:
        value = float(printed)
    except ValueError:
        return shown == printed
    mantissa, _, exponent = shown.partition("e")
    if "." not in mantissa:  # an integer, shown exactly
        return value == float(shown)
    unit = 10.0 ** (int(exponent or 0) - len(mantissa.partition(".")[2]))
    return abs(value - float(shown)) <= unit / 2 * (1 + 1e-9)


@pytest.mark.parametrize(
    ("name", "loads"), [("population_periodicity", "np.loadtxt("), ("alaska_temperatures", None)]
)
def test_the_script_shown_with_a_lab_prints_the_numbers_beside_it(fresh, base_url, name, loads):
    fresh.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = fresh.page
    page.goto(f"{base_url}#lab={name}")
    fresh.wait_ready()
    page.locator("#lab-outputs div.table").wait_for()
    code = page.locator("#lab-code").text_content()
    assert "plt.show()" in code and (loads is None or loads in code)  # the chapter's file
    with page.expect_download() as info:
        page.click("#lab-download-code")
    assert info.value.suggested_filename == f"{name}.py"
    assert Path(info.value.path()).read_text() == code
    page.click("#lab-copy-code")
    page.wait_for_function(
        "async () => (await navigator.clipboard.readText()).endsWith('plt.show()\\n')"
    )

    shown = page.evaluate(SHOWN)
    lines = run_script(code).split("\n")
    assert shown["sentences"] and all(sentence in lines for sentence in shown["sentences"])
    assert shown["values"]
    for key, value in shown["values"].items():
        [printed] = [line.removeprefix(f"{key}: ") for line in lines if line.startswith(f"{key}: ")]
        assert shows(value, printed), (key, value, printed)
    [table] = shown["tables"]
    start = lines.index(table["title"])
    assert lines[start + 1] == " | ".join(table["columns"])
    for offset, row in enumerate(table["rows"], start=2):
        cells = lines[start + offset].split(" | ")
        assert len(cells) == len(row) and all(map(shows, row, cells)), (row, cells)


@pytest.mark.parametrize(
    "name", ["alaska_temperatures", "population_periodicity", "quad_integral", "wind_return_speed"]
)
def test_exported_lab_code_prints_the_page_numbers(app, name):
    result = app.page.evaluate(RUN_LAB, [name, {}])
    printed_numbers = [float(x) for x in NUMBER.findall(run_script(result["code"]))]
    outputs = result["outputs"]
    shown = [float(x) for x in NUMBER.findall(" ".join(outputs.get("text", [])))]
    shown += [v for v in outputs.get("values", {}).values() if isinstance(v, float)]
    assert shown
    for value in shown:
        assert any(abs(value - p) <= 1e-6 * max(1.0, abs(value)) for p in printed_numbers), value
