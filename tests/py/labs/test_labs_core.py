import doctest
import importlib
import inspect
import json
import pkgutil

import numpy as np
import pytest

from lab_cases import LAB_NAMES
from ndlab import interrupt, labs
from ndlab.labs import core
from ndlab.labs.outputs import check_outputs

MODULES = [info.name for info in pkgutil.iter_modules(labs.__path__)]


@pytest.fixture(scope="module", params=LAB_NAMES)
def result(request):
    return labs.run(request.param)


def test_catalog_lists_every_lab_in_category_order():
    catalog = labs.catalog()
    assert json.loads(json.dumps(catalog, allow_nan=False)) == catalog  # as labs.json
    entries = catalog["labs"]
    order = [labs.CATEGORIES.index(entry["category"]) for entry in entries]
    assert order == sorted(order)
    assert len(set(LAB_NAMES)) == len(LAB_NAMES)
    for entry in entries:
        keys = {"name", "category", "title", "summary", "about", "doc", "params", "data"}
        assert set(entry) == keys
        assert entry["summary"] and entry["about"] and entry["title"]


@pytest.mark.parametrize("name", LAB_NAMES)
def test_param_specs_match_the_signature(name):
    item = core.get_lab(name)
    signature = inspect.signature(item.function)
    parameters = list(signature.parameters.values())
    if item.data is not None:  # the data comes first, as the one positional argument
        assert parameters.pop(0).kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    keywords = {p.name: p.default for p in parameters if p.name != "progress"}
    assert all(p.kind is p.KEYWORD_ONLY for p in parameters)
    assert keywords == {param.name: param.default for param in item.params}
    assert ("progress" in signature.parameters) == item.progress


def test_every_step_of_a_labs_controls_is_positive():
    """A control's step of 0 or less would freeze its slider in the page."""
    steps = [
        (entry["name"], param["name"], param["step"])
        for entry in labs.catalog()["labs"]
        for param in entry["params"]
        if param.get("step") is not None
    ]
    assert steps and all(step > 0 for _, _, step in steps), steps


def test_outputs_are_valid(result):
    check_outputs(result.outputs)
    assert json.loads(json.dumps(result.outputs, allow_nan=False)) == result.outputs
    assert result.timings["compute_ms"] > 0
    assert result.params == {p.name: p.default for p in core.get_lab(result.name).params}


def test_unknown_lab_and_parameter_are_refused():
    with pytest.raises(ValueError, match="unknown lab 'nope'; valid labs: minimize_scalar"):
        labs.run("nope")
    with pytest.raises(ValueError, match="find_roots has no parameter 'guess'"):
        labs.run("find_roots", guess=1)
    with pytest.raises(ValueError, match="x0 must be between -10 and 10, got 11"):
        labs.run("find_roots", x0=11)
    with pytest.raises(ValueError, match="method must be one of"):
        labs.run("find_roots", method="newton")


def test_lab_declaration_is_checked():
    with pytest.raises(ValueError, match="category must be one of"):
        core.lab(category="plots", title="t", about="a")
    with pytest.raises(ValueError, match="already registered"):
        core.lab(category="io", title="t", about="a")(core.get_lab("find_roots").function)


def test_progress_is_reported():
    calls = []
    labs.run("minimize_scalar_function", niter=4, progress=lambda *args: calls.append(args))
    assert [fraction for fraction, _ in calls] == [0, 0.25, 0.5, 0.75, 1.0]
    assert calls[-1][1] == "basin hopping: step 4 of 4"


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_run(module):
    module = importlib.import_module(f"ndlab.labs.{module}")
    failures, _ = doctest.testmod(module, extraglobs={"np": np}, optionflags=doctest.ELLIPSIS)
    assert failures == 0


@pytest.mark.parametrize(
    ("name", "params"), [("minimize_scalar_function", {"niter": 50}), ("camelback", {"starts": 8})]
)
def test_cancel_stops_a_lab_at_its_next_progress_report(name, params):
    buffer = [0]
    calls = []

    def progress(fraction, message):
        calls.append(fraction)
        buffer[0] = 2  # the page asks to cancel while the lab runs

    interrupt.install(buffer)
    try:
        with pytest.raises(KeyboardInterrupt):
            labs.run(name, progress=progress, **params)
        assert calls == [0] and buffer[0] == 0  # stopped at the next report, request cleared
        assert labs.run(name, **params).outputs["values"]  # and the next run is whole
    finally:
        interrupt.install(None)


def test_data_makes_names_only_the_labs_parameters():
    """`Data.makes` lists the parameters the page turns off with a learner's data: each is one."""
    from ndlab.labs.data import Data
    from ndlab.registry import Param

    data = Data("table", ("x",), {}, 2, 10, "Numbers.", makes=("noise", "slope"))
    with pytest.raises(ValueError, match="slope"):
        core.lab(
            category="stats", title="t", about="a", params=[Param("noise", "float", 1.0)], data=data
        )
    for entry in labs.catalog()["labs"]:
        if entry.get("data"):
            assert set(entry["data"]["makes"]) <= {p["name"] for p in entry["params"]}


def test_compute_time_is_the_labs_call_in_milliseconds(monkeypatch):
    """The clock read before and after the lab's function, two seconds apart."""
    seconds = iter([10.0, 12.0])
    monkeypatch.setattr(core, "perf_counter", lambda: next(seconds))
    assert labs.run("find_roots").timings["compute_ms"] == 2000.0
