import json

import pytest

from ndlab import labs
from ndlab.labs import web


def test_catalog_json_round_trips():
    assert json.loads(web.catalog_json()) == labs.catalog()


def test_run_lab_json_matches_run():
    reply = json.loads(web.run_lab_json("find_roots", '{"x0": -3}'))
    result = labs.run("find_roots", x0=-3)
    assert set(reply) == {"name", "params", "outputs", "code", "timings"}
    assert reply["outputs"] == result.outputs
    assert reply["code"] == result.code
    assert reply["params"] == {"x0": -3.0, "method": "hybr"}


def test_progress_reaches_the_callback():
    calls = []
    web.run_lab_json("minimize_scalar_function", '{"niter": 2}', lambda *args: calls.append(args))
    assert len(calls) == 3


@pytest.mark.parametrize(
    ("name", "params_json", "kind", "message"),
    [
        ("find_roots", '{"x0": 99}', "ValueError", "x0 must be between -10 and 10, got 99"),
        ("nope", "{}", "ValueError", "unknown lab 'nope'"),
        ("find_roots", "[1]", "ValueError", "parameters must be a JSON object"),
        ("find_roots", "{x0", "JSONDecodeError", "Expecting property name"),
    ],
)
def test_errors_become_error_json(name, params_json, kind, message):
    error = json.loads(web.run_lab_json(name, params_json))["error"]
    assert error["type"] == kind
    assert error["message"].startswith(message)
    assert error["hint"] == "Check the parameter values and try again."


def test_bugs_get_the_bug_hint(monkeypatch):
    def fail(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(web, "run", fail)
    error = json.loads(web.run_lab_json("find_roots", "{}"))["error"]
    assert error == {"type": "ZeroDivisionError", "message": "boom", "hint": web._BUG_HINT}


def test_a_refused_parameter_is_told_apart_from_refused_data():
    table = "1, 2\n3, 4\n5, 6\n7, 9"
    bad_parameter = json.loads(web.run_lab_json("fit_curve", json.dumps({"a": 99, "data": table})))
    assert bad_parameter["error"]["about"] == "parameters"
    assert bad_parameter["error"]["message"] == "a must be between -5 and 5, got 99"
    bad_data = json.loads(web.run_lab_json("fit_curve", json.dumps({"data": "1, 2\n3, x"})))
    assert "about" not in bad_data["error"] and "line 2, column 2" in bad_data["error"]["message"]
