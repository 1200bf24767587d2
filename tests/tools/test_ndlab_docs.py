"""The docs authors' package (docs_ext/ndlab_docs/) in CPython: demos read and checked against
the catalogue of dist/ as the wheel ships it, the same values accepted as ndlab's own ``Param``
accepts, fences read, and the wheel's files."""

import html
import json
import math
import re
from types import SimpleNamespace

import pytest
from ndlab_docs import demos, mkdocs_plugin

from ndlab.registry import Param
from tools.docs_package import site_files
from tools.layout import DIST

CATALOGUE = json.loads((DIST / "catalog.json").read_text())["operations"]
LABS = json.loads((DIST / "labs.json").read_text())["labs"]


@pytest.fixture(autouse=True)
def shipped_site(monkeypatch):
    """The package reads its catalogue from dist/, as the wheel's copy of it."""
    monkeypatch.setattr(demos, "SITE", DIST)
    demos.catalogue.cache_clear()
    yield
    demos.catalogue.cache_clear()


def test_element_carries_the_options_as_embed_js_reads_them():
    demo = demos.read({
        "name": "gaussian_laplace", "sample": "coins", "params": '{"sigma": 1}',
        "before": '[["gaussian_filter", {"sigma": 2}]]', "theme": "dark", "height": "640",
    })  # fmt: skip
    written = dict(re.findall(r'(data-[a-z]+)="([^"]*)"', demos.element(demo)))
    assert {k: html.unescape(v) for k, v in written.items()} == {
        "data-ndlab": "gaussian_laplace",
        "data-sample": "coins",
        "data-params": '{"sigma": 1}',
        "data-before": '[["gaussian_filter", {"sigma": 2}]]',
        "data-theme": "dark",
        "data-height": "640",
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"name": "camelbak"}, "no operation or lab is named 'camelbak' (did you mean 'camel"),
        ({"name": "sobel", "sample": "cat"}, "no sample image is named 'cat'"),
        ({"name": "sobel", "colour": "red"}, "unknown option 'colour'"),
        ({"name": "sobel", "params": "{axis: 1}"}, "params is not valid JSON"),
        ({"name": "sobel", "params": "[1]"}, "params must be a JSON object"),
        ({"name": "sobel", "before": '[["blur", {}]]'}, "no operation is named 'blur'"),
        ({"name": "sobel", "before": '["gaussian_filter"]'}, "step 1 of before must be"),
        ({"name": "camelback", "sample": "camera"}, "camelback is a lab: it takes no sample"),
        ({"name": "camelback", "params": '{"x0": 9}'}, "camelback: x0 must be between"),
        ({"name": "camelback", "params": '{"method": "newton"}'}, "method must be one of"),
        ({"name": "sobel", "theme": "purple"}, "theme is light, dark or auto"),
        ({"name": "sobel", "height": "tall"}, "height is a number of pixels"),
        ({"name": "camelback", "compact": "yes"}, "compact is true or false"),
        ({"sample": "camera"}, "the demo names no operation or lab"),
    ],
)  # fmt: skip
def test_bad_demos_are_explained(options, message):
    with pytest.raises(demos.DemoError, match=re.escape(message)):
        demos.read(options)


def probes(param):
    """Values around a parameter's declared range and of every JSON type."""
    values = [True, "word", None, [1], math.inf, 0.5, 2, -1, 1e9]
    for bound in (param["min"], param["max"]):
        if bound is not None:
            values += [bound, bound - 1, bound + 1, bound - 0.01, bound + 0.01]
    return values + list(param["choices"] or [])


@pytest.mark.parametrize("spec", CATALOGUE + LABS, ids=[s["name"] for s in CATALOGUE + LABS])
def test_accepts_what_ndlab_accepts(spec):
    """For every parameter of the catalogue, a value passes the docs build's check exactly when
    ndlab's own Param.validate (the reference, with numpy) takes it."""
    for declared in spec["params"]:
        reference = Param(
            **{**declared, "choices": declared["choices"] and tuple(declared["choices"])}
        )
        for value in probes(declared):
            try:
                reference.validate(value)
                accepted = True
            except ValueError:
                accepted = False
            problem = demos.value_problem(declared, value)
            assert (problem is None) == accepted, (spec["name"], declared["name"], value, problem)


def test_every_operation_and_lab_with_its_defaults_is_a_demo():
    for spec in CATALOGUE + LABS:
        params = {p["name"]: p["default"] for p in spec["params"]}
        demos.read({"name": spec["name"], "params": json.dumps(params)})


def test_compact_is_a_flag_or_true_or_false():
    element = demos.element
    assert element(demos.read({"name": "fit_curve", "compact": ""})).endswith(
        'data-compact=""></div>'
    )
    assert element(demos.read({"name": "fit_curve", "compact": "true"})).count("data-compact") == 1
    assert "compact" not in element(demos.read({"name": "fit_curve", "compact": "false"}))


def test_fence_lines_become_options():
    body = 'name: gaussian_filter\n\nsample: camera\nparams: {"sigma": 3}\n'
    assert mkdocs_plugin.fence_options(body) == {
        "name": "gaussian_filter",
        "sample": "camera",
        "params": '{"sigma": 3}',
    }
    with pytest.raises(demos.DemoError, match="line 2 of the block is not 'key: value'"):
        mkdocs_plugin.fence_options("name: sobel\nsample camera\n")


def test_fences_are_found_with_their_lines():
    page = "# T\n\n```ndlab\nname: sobel\n```\n\ntext\n\n````ndlab\nname: laplace\n````\n"
    fences = [m for m in mkdocs_plugin.FENCE.finditer(page) if m["info"] == "ndlab"]
    found = [(page.count("\n", 0, m.start()) + 1, m["body"]) for m in fences]
    assert found == [(3, "name: sobel\n"), (9, "name: laplace\n")]


def test_a_fence_shown_as_code_stays_code():
    """A recipe page shows the fence inside a longer one: that is code, not a demo; the demo
    after the blocks is one."""
    shown = "````markdown\n```ndlab\nname: sobel\n```\n````\n\n~~~\n```ndlab\n~~~\n"
    code = "```python\nx = 1\n```\n"
    page = f"{shown}\n{code}\n```ndlab\nname: laplace\n```\n"
    plugin = mkdocs_plugin.NdlabPlugin()
    plugin.on_config({})
    read = SimpleNamespace(file=SimpleNamespace(content_string=page, src_uri="recipe.md"))
    written = plugin.on_page_markdown(page, read, {}, None)
    assert written == f'{shown}\n{code}\n\n<div data-ndlab="laplace"></div>\n\n'
    assert plugin.pages_with_demos == {"recipe.md"}


def test_site_copy_leaves_out_twins_and_the_snapshot():
    files = site_files()
    assert "embed.html" in files and "static/embed.js" in files and "catalog.json" in files
    assert not [n for n in files if n.endswith((".gz", ".zst")) or n.startswith("snapshot/")]
    listed = json.loads(files["build.json"])
    assert listed["snapshot"] is None
    assert set(listed["files"]) <= set(files)
    assert listed["startup_bytes"] < 60e6
