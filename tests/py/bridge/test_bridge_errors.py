"""One error envelope, one set of hints: Python's, which the page's JavaScript reads too."""

import re
from pathlib import Path

import pytest

from ndlab.bridge.errors import CANCELLED, HINTS, envelope
from ndlab.bridge.memory import NotEnoughMemory

ROOT = Path(__file__).resolve().parents[3]
SCRIPTS = sorted([*ROOT.glob("static/*.js"), *ROOT.glob("worker/*.js")])


@pytest.mark.parametrize(
    ("exc", "kind", "hint"),
    [
        (ValueError("sigma must be finite, got nan"), "ValueError", "parameters"),
        (MemoryError(), "MemoryError", "memory"),
        (NotEnoughMemory("needs 3 GB", 0.5), "MemoryError", "memory"),
        (LookupError("input 3 is not loaded"), "LookupError", "bug"),
        (ZeroDivisionError("boom"), "ZeroDivisionError", "bug"),
    ],
)
def test_each_failure_gets_its_type_message_and_hint(exc, kind, hint):
    error = envelope(exc)
    assert error["type"] == kind and error["message"] == str(exc)
    assert error["hint"] == HINTS[hint]
    assert error.get("fit") == getattr(exc, "fit", None)


def test_a_cancel_is_a_cancellation_and_extra_keys_are_kept():
    assert envelope(KeyboardInterrupt()) == {
        "type": "AbortError",
        "message": CANCELLED,
        "hint": HINTS["kept"],
    }
    error = envelope(ValueError("a must be between -5 and 5"), about="parameters")
    assert error["about"] == "parameters"
    assert envelope(MemoryError(), memory="labMemory")["hint"] == HINTS["labMemory"]


def test_javascript_names_only_hints_python_has_and_copies_none():
    named = set()
    for script in SCRIPTS:
        text = script.read_text()
        named |= set(re.findall(r"\bHINTS\.(\w+)", text))
        for key, hint in HINTS.items():
            assert hint not in text, f"{script.name} has its own copy of the {key!r} hint"
    assert named and named <= set(HINTS), named - set(HINTS)
