"""A lab's script as the page shows it (Copy, Download .py) runs in CPython and prints the page's
numbers: the values, table cells and sentences shown beside the plots."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

CHAPTER_DATA = Path(__file__).resolve().parents[2] / "data" / "scipy-lectures"
RUN_LAB = "async ([name, params]) => await ndlab.runLab(name, params)"
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
        return printed == "—"
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


def printed_as(value, printed):
    """Whether `printed`, a line's text in the script's output, is the page's `value` (a number
    arrives from JavaScript without its type: 0.0 as 0)."""
    if value is None:
        return printed == "—"  # as the page shows it
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return float(printed) == pytest.approx(value, rel=1e-6, abs=1e-12)
        except ValueError:
            return False
    return printed == str(value)


@pytest.mark.parametrize(
    "name", ["alaska_temperatures", "population_periodicity", "quad_integral", "wind_return_speed"]
)
def test_exported_lab_code_prints_the_page_numbers(app, name):
    """Each value the page gets is on its own ``name: value`` line, each sentence is a line, and
    each table is printed under its title, header then rows, cell by cell."""
    result = app.page.evaluate(RUN_LAB, [name, {}])
    outputs = result["outputs"]
    lines = run_script(result["code"]).split("\n")
    assert outputs["values"] and outputs["text"]
    for key, value in outputs["values"].items():
        [printed] = [line.removeprefix(f"{key}: ") for line in lines if line.startswith(f"{key}: ")]
        assert printed_as(value, printed), (key, value, printed)
    assert all(sentence in lines for sentence in outputs["text"]), outputs["text"]
    for table in outputs["tables"]:
        start = lines.index(table["title"])
        assert lines[start + 1] == " | ".join(table["columns"])
        for offset, row in enumerate(table["rows"], start=2):
            cells = lines[start + offset].split(" | ")
            assert len(cells) == len(row) and all(map(printed_as, row, cells)), (row, cells)
