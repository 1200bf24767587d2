"""Declare labs once, run them, list them and write their code out.

A lab is a plain function ``lab(*, param=default, ...)`` whose body uses
only NumPy and SciPy and returns raw outputs (see :mod:`ndlab.labs.outputs`),
decorated with :func:`lab`. The decorator records it and returns the
function unchanged, so the same function runs in ndlab, in tests and in the
exported script.
"""

import inspect
from dataclasses import dataclass
from time import perf_counter

from .. import interrupt
from ..registry import Param, Registry, validate_params
from .outputs import outline, present
from .scripts import script

CATEGORIES = (
    "optimize",
    "stats",
    "interpolate",
    "integrate",
    "signal",
    "linalg",
    "special",
    "io",
    "exercises",
)

LABS = Registry("lab", CATEGORIES)


@dataclass(frozen=True)
class Lab:
    """A registered lab: the function plus how to present it.

    Attributes
    ----------
    function : callable
        ``function(*, **params)`` returning raw outputs.
    category, title : str
        Where and how the lab is listed.
    params : tuple of Param
        Keyword-only parameters, in signature order.
    about : str
        A paragraph for the page: the idea, what to try, what differs from
        the SciPy lecture notes.
    progress : bool
        Whether `function` also accepts ``progress(fraction, message)``.
    data : Data or None
        The data the function takes as its positional argument, if any.
    """

    function: object
    category: str
    title: str
    params: tuple[Param, ...]
    about: str
    progress: bool
    data: object = None

    @property
    def name(self):
        return self.function.__name__

    @property
    def doc(self):
        return inspect.getdoc(self.function) or ""

    @property
    def summary(self):
        return self.doc.partition("\n")[0]

    def validate(self, params):
        """Return the complete, validated parameters (defaults filled in)."""
        return validate_params(self.name, self.params, params)

    def to_dict(self):
        """Return the JSON-ready catalogue entry."""
        return {
            "name": self.name,
            "category": self.category,
            "title": self.title,
            "summary": self.summary,
            "about": self.about,
            "doc": self.doc,
            "params": [param.to_dict() for param in self.params],
            "data": self.data.to_dict() if self.data else None,
        }


def lab(*, category, title, about, params=(), progress=False, data=None):
    """Register the decorated function as a lab and return it unchanged.

    Parameters
    ----------
    category : str
        Catalogue section, one of :data:`CATEGORIES`.
    title : str
        Human-readable name.
    about : str
        A paragraph in our own words shown above the lab.
    params : sequence of Param
        Specs of the keyword-only parameters, in signature order.
    progress : bool
        Whether the function takes a ``progress`` keyword: a callable
        ``progress(fraction, message)`` or None.
    data : Data, optional
        The data the function takes as its one positional argument
        (:class:`ndlab.labs.data.Data`).

    Examples
    --------
    >>> @lab(category="io", title="Answer", about="Prints 42.")
    ... def answer():
    ...     '''Return the answer.'''
    ...     return {"values": {"answer": 42}}
    >>> run("answer").outputs["values"]
    {'answer': 42}
    >>> LABS.remove("answer")
    """
    LABS.check_category(category)

    names = {param.name for param in params}
    for field in ("makes", "alone"):
        unknown = set(getattr(data, field, ())) - names
        if unknown:
            raise ValueError(f"data.{field} names no parameter: {sorted(unknown)}")

    def register(function):
        LABS.add(Lab(function, category, title, tuple(params), about, progress, data))
        return function

    return register


def get_lab(name) -> Lab:
    """Return the lab called `name`.

    Raises
    ------
    ValueError
        If there is no such lab; the message lists the valid names.
    """
    return LABS.get(name)


def labs() -> list[Lab]:
    """Return all labs, ordered by category then declaration order."""
    return LABS.all()


@dataclass(frozen=True, eq=False)
class LabResult:
    """The outcome of :func:`run`.

    Attributes
    ----------
    name : str
        Lab name.
    params : dict
        Complete validated parameters.
    outputs : dict
        JSON-ready ``plots, heatmaps, tables, values, text``, see
        :func:`ndlab.labs.outputs.present`.
    code : str
        Standalone script, as a learner would write it: the lab's own
        NumPy/SciPy code, ``print`` calls for the same values, tables and
        sentences, and matplotlib code drawing the same plots
        (:func:`ndlab.labs.scripts.script`).
    timings : dict
        ``compute_ms`` spent in the lab function.
    """

    name: str
    params: dict
    outputs: dict
    code: str
    timings: dict


def run(name, /, progress=None, data=None, **params):
    """Run lab `name` with `params`, on the chapter's data or on `data`.

    Parameters
    ----------
    name : str
        Lab name, see :func:`catalog`.
    progress : callable, optional
        ``progress(fraction, message)``, called from labs that support it
        (a long search reports each step); ignored by the others. Each
        report is also a cancellation point (:func:`ndlab.interrupt.check`),
        so the page's Cancel stops such a lab mid-run.
    data : array_like or str, optional
        For a lab that takes data (its catalogue entry's ``data`` says
        which columns, units and limits): an array, a list of rows or a
        table as text (see :func:`ndlab.labs.data.parse_table`). Without
        it the lab runs on the chapter's file.
    **params
        Lab parameters; missing ones take their defaults.

    Returns
    -------
    LabResult

    Raises
    ------
    ValueError
        For an unknown lab, an invalid parameter (the message names it and
        the value received), a combination of values the lab refuses, or
        invalid data (the message names the row and column).

    Examples
    --------
    >>> result = run("quad_integral", function="1/(1+x^2)", a=0, b=1)
    >>> round(result.outputs["values"]["integral"], 6)
    0.785398
    """
    item = get_lab(name)
    params = item.validate(params)

    def report(fraction, message):
        interrupt.check()
        if progress is not None:
            progress(fraction, message)

    extra = {"progress": report} if item.progress else {}
    if item.data is None:
        if data is not None:
            raise ValueError(f"{name} takes no data; it computes its own")
        arguments = ()
    else:
        value = item.data.load(params) if data is None else data
        arguments = (None if value is None else item.data.check(value),)  # None: the lab's own
    started = perf_counter()
    raw = item.function(*arguments, **params, **extra)
    compute_ms = 1000 * (perf_counter() - started)
    code = script(item, params, None if data is None else arguments[0])
    return LabResult(name, params, present(raw), code, {"compute_ms": compute_ms})


def catalog(outlines=False):
    """Return the JSON-ready catalogue of labs.

    Parameters
    ----------
    outlines : bool
        Also run each lab with its default parameters and give the outline
        of its outputs as ``outputs`` (:func:`ndlab.labs.outputs.outline`):
        what the build writes to labs.json, so that the page can hold the
        outputs' room before Python has started.

    Returns
    -------
    dict
        ``{"labs": [...]}`` ordered by category, then declaration order;
        each entry has ``name, category, title, summary, about, doc,
        params, data`` (and ``outputs`` with `outlines`).

    Examples
    --------
    >>> catalog()["labs"][0]["category"]
    'optimize'
    >>> entry = catalog(outlines=True)["labs"][0]
    >>> [plot["id"] for plot in entry["outputs"]["plots"]]
    ['f']
    """
    entries = [item.to_dict() for item in labs()]
    if outlines:
        for entry in entries:
            entry["outputs"] = outline(run(entry["name"]).outputs)
    return {"labs": entries}
