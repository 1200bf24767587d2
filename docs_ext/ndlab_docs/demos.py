"""A demo as a docs author writes it: its options read, checked against ndlab's catalogue, and
written as the element ndlab's embed script turns into a live demo.

The Sphinx directive and the MkDocs fence both give the options as text (``name``, ``sample``,
``params``, ``before``, ``theme``, ``height``); both use :func:`read` and :func:`element`.
"""

import difflib
import functools
import html
import json
import math
from dataclasses import dataclass, field

from ndlab_docs.site import SITE

#: The options of a demo, with what each holds (the Sphinx directive's and the fence's keys).
OPTIONS = {
    "name": "an operation or a lab",
    "sample": "a sample image, for an operation",
    "params": 'a JSON object of parameters, {"sigma": 3}',
    "before": 'a pipeline\'s steps before this one, [["gaussian_filter", {"sigma": 2}]]',
    "theme": "light, dark or auto",
    "height": "the frame's height in pixels (without it the frame fits its content)",
    "compact": "true: the controls and figures only, for a lab in a column of text",
}
THEMES = ("light", "dark", "auto")


class DemoError(ValueError):
    """A demo that ndlab could not show; the message says what to change."""


@dataclass(frozen=True)
class Demo:
    """A demo's options, checked."""

    name: str
    sample: str | None = None
    params: dict = field(default_factory=dict)
    before: list = field(default_factory=list)
    theme: str | None = None
    height: int | None = None
    compact: bool = False


@functools.cache
def catalogue():
    """ndlab's operations, labs and sample images, by name, as the shipped site lists them."""

    def listed(path, key=None):
        data = json.loads((SITE / path).read_text(encoding="utf-8"))
        return {entry["name"]: entry for entry in (data[key] if key else data)}

    return {
        "operation": listed("catalog.json", "operations"),
        "lab": listed("labs.json", "labs"),
        "sample": listed("samples/samples.json"),
    }


def read(options):
    """A :class:`Demo` from its options as text (name -> text); raises :class:`DemoError`.

    Examples
    --------
    >>> read({"name": "gaussian_filter", "sample": "camera", "params": '{"sigma": 3}'}).params
    {'sigma': 3}
    >>> read({"name": "gausian_filter"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ndlab_docs.demos.DemoError: no operation or lab is named 'gausian_filter' (did you mean ...?)
    """
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise DemoError(f"unknown option {unknown[0]!r}; a demo takes {', '.join(OPTIONS)}")
    name = (options.get("name") or "").strip()
    if not name:
        raise DemoError("the demo names no operation or lab (name: gaussian_filter, say)")
    params = parse_json(options, "params", {}, dict, "a JSON object")
    before = parse_json(options, "before", [], list, "a JSON list of [name, params] steps")
    demo = Demo(
        name=name,
        sample=(options.get("sample") or "").strip() or None,
        params=params,
        before=[step_of(step, i) for i, step in enumerate(before, 1)],
        theme=choose_theme(options.get("theme")),
        height=parse_height(options.get("height")),
        compact=parse_compact(options),
    )
    check(demo)
    return demo


def parse_json(options, key, default, kind, what):
    text = (options.get(key) or "").strip()
    if not text:
        return default
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DemoError(f"{key} is not valid JSON ({exc.msg}): {text}") from None
    if not isinstance(value, kind):
        raise DemoError(f"{key} must be {what}, not {text}")
    return value


def step_of(step, number):
    """A step of `before` as ``[name, params]``."""
    if (
        not isinstance(step, list)
        or len(step) != 2
        or not isinstance(step[0], str)
        or not isinstance(step[1], dict)
    ):
        raise DemoError(f"step {number} of before must be [name, {{params}}], not {step!r}")
    return step


def choose_theme(text):
    theme = (text or "").strip() or None
    if theme is not None and theme not in THEMES:
        raise DemoError(f"theme is light, dark or auto, not {theme!r}")
    return None if theme == "auto" else theme


def parse_height(text):
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 10 <= int(text) <= 9999:
        raise DemoError(f"height is a number of pixels from 10 to 9999, not {text!r}")
    return int(text)


def parse_compact(options):
    """``compact`` given alone (Sphinx's ``:compact:``) or as true/false."""
    if "compact" not in options:
        return False
    text = (options["compact"] or "").strip().lower()
    if text not in ("", "true", "false"):
        raise DemoError(f"compact is true or false, not {text!r}")
    return text != "false"


def check(demo):
    """Raise :class:`DemoError` unless ndlab knows the demo's names and accepts its values."""
    known = catalogue()
    if demo.name in known["lab"]:
        if demo.sample or demo.before:
            raise DemoError(f"{demo.name} is a lab: it takes no sample and no steps before it")
        check_params(known["lab"][demo.name], demo.params, "lab")
        return
    if demo.name not in known["operation"]:
        raise DemoError(
            unknown(demo.name, {**known["operation"], **known["lab"]}, "operation or lab")
        )
    if demo.sample is not None and demo.sample not in known["sample"]:
        raise DemoError(unknown(demo.sample, known["sample"], "sample image"))
    for name, params in demo.before:
        if name not in known["operation"]:
            raise DemoError(unknown(name, known["operation"], "operation"))
        check_params(known["operation"][name], params, "operation")
    check_params(known["operation"][demo.name], demo.params, "operation")


def unknown(name, names, what):
    """The message for a name ndlab does not know, with the nearest known name."""
    near = difflib.get_close_matches(name, list(names), n=1)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    return f"no {what} is named {name!r}{hint}"


def check_params(spec, params, what):
    """Raise :class:`DemoError` unless every parameter is one of `spec`'s and its value one that
    ndlab's ``Param.validate`` accepts (the same rules, for values read from JSON)."""
    declared = {p["name"]: p for p in spec["params"]}
    for key, value in params.items():
        if key not in declared:
            valid = ", ".join(declared) or "none"
            raise DemoError(
                f"the {what} {spec['name']} has no parameter {key!r}; valid parameters: {valid}"
            )
        problem = value_problem(declared[key], value)
        if problem:
            raise DemoError(f"{spec['name']}: {key} {problem}, got {json.dumps(value)}")


def value_problem(param, value):
    """What `value` must be for the declared parameter `param` when it is not, or None."""
    kind = param["type"]
    if value is None and param.get("none"):  # a number left to SciPy
        return None
    if kind == "bool":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "choice":
        allowed = ", ".join(map(json.dumps, param["choices"]))
        return None if value in param["choices"] else f"must be one of {allowed}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "must be a number"
    if not math.isfinite(value):
        return "must be finite"
    if kind == "int" and value != int(value):
        return "must be an integer"
    low, high = param["min"], param["max"]
    if low is not None and value < low or high is not None and value > high:
        if low is not None and high is not None:
            return f"must be between {low:g} and {high:g}"
        return f"must be at least {low:g}" if low is not None else f"must be at most {high:g}"
    return None


def element(demo):
    """The HTML element of a demo, as ndlab's embed script reads it."""
    attributes = {
        "data-ndlab": demo.name,
        "data-sample": demo.sample,
        "data-params": json.dumps(demo.params) if demo.params else None,
        "data-before": json.dumps(demo.before) if demo.before else None,
        "data-theme": demo.theme,
        "data-height": str(demo.height) if demo.height else None,
        "data-compact": "" if demo.compact else None,
    }
    written = " ".join(
        f'{key}="{html.escape(value, quote=True)}"'
        for key, value in attributes.items()
        if value is not None
    )
    return f"<div {written}></div>"
