"""Declare labs once, run them, list them and write their code out.

A lab is a plain function ``lab(*, param=default, ...)`` whose body uses
only NumPy and SciPy and returns raw outputs (see :mod:`ndlab.labs.outputs`),
decorated with :func:`lab`. The decorator records it and returns the
function unchanged, so the same function runs in ndlab, in tests and in the
exported script.
"""

import inspect
import textwrap
from dataclasses import dataclass
from time import perf_counter

import numpy as np

from .. import __version__, interrupt
from ..codegen import dependencies, function_source
from ..registry import Param, Registry, validate_params
from .data import CREDIT, LOADERS
from .outputs import present

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
        Standalone NumPy/SciPy script that prints the same values, tables
        and sentences.
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
    code = script(item, params, raw, None if data is None else arguments[0])
    return LabResult(name, params, present(raw), code, {"compute_ms": compute_ms})


def catalog():
    """Return the JSON-ready catalogue of labs.

    Returns
    -------
    dict
        ``{"labs": [...]}`` ordered by category, then declaration order;
        each entry has ``name, category, title, summary, about, doc,
        params``.

    Examples
    --------
    >>> catalog()["labs"][0]["category"]
    'optimize'
    """
    return {"labs": [item.to_dict() for item in labs()]}


def print_outputs(outputs):
    """Print the values, tables and sentences of a lab's outputs."""
    for name, value in outputs.get("values", {}).items():
        print(f"{name}: {value}")
    for table in outputs.get("tables", []):
        print(f"\n{table['title']}")
        print(" | ".join(table["columns"]))
        for row in table["rows"]:
            print(" | ".join(str(cell) for cell in row))
    for sentence in outputs.get("text", []):
        print(sentence)


_HINTS = {
    "plots": """\
# To draw the first plot with matplotlib:
# import matplotlib.pyplot as plt
# for series in outputs["plots"][0]["series"]:
#     plt.plot(series["x"], series["y"], label=series["label"])
# plt.legend(); plt.show()""",
    "heatmaps": """\
# To draw the first heat map with matplotlib (row 0 of "z" is at the bottom):
# import matplotlib.pyplot as plt
# heatmap = outputs["heatmaps"][0]
# plt.imshow(heatmap["z"], origin="lower", extent=heatmap["extent"], aspect="auto")
# plt.show()""",
}


def script(item, params, outputs, data=None):
    """Return a standalone script that runs lab `item` with `params` and prints its outputs.

    Parameters
    ----------
    item : Lab
        The lab.
    params : dict
        Validated parameters; written as literals.
    outputs : dict
        What the lab returned; a comment shows how to draw its first plot
        or heat map.
    data : numpy.ndarray, optional
        The learner's data; without it the script loads the chapter's file.

    Returns
    -------
    str
        Python source: imports, the constants and function the lab uses,
        :func:`print_outputs`, and the call.
    """
    imports, definitions = dependencies(item.function)
    constants = [
        _constant_source(definition, item.function.__globals__) for definition in definitions[:-1]
    ]
    arguments = [f"{key}={value!r}" for key, value in params.items()]
    load = []
    if item.data is not None:
        argument = next(iter(inspect.signature(item.function).parameters))
        arguments.insert(0, argument)
        load_import, load = _data_source(item.data, params, data, argument)
        imports = (*imports, load_import)
    import_lines = ["import numpy as np"] + sorted(set(imports) - {"import numpy as np"})
    call = f"outputs = {item.name}({', '.join(arguments)})"
    if len(call) > 100:
        call = f"outputs = {item.name}(\n" + "".join(f"    {a},\n" for a in arguments) + ")"
    parts = [
        f'"""{item.title}, as run by ndlab {__version__}.\n\n{item.summary}\n"""\n\n'
        + "\n".join(import_lines),
        *constants,
        definitions[-1],
        function_source(print_outputs),
        "\n".join([*load, call, "print_outputs(outputs)"]),
        *[hint for section, hint in _HINTS.items() if outputs.get(section)][:1],
    ]
    return "\n\n\n".join(part.strip("\n") for part in parts) + "\n"


def _data_source(spec, params, data, argument):
    """Return the import and the lines that load a lab's data in its exported script."""
    if data is None:
        source = spec.source(params)
        if source is None:
            return "import numpy as np", [f"{argument} = None  # the lab makes its own data"]
        if not isinstance(source, str):  # a matrix written in the lab
            data = np.array(source, dtype=np.float64)
        else:
            load_import, expression = LOADERS[source[source.rindex(".") :]]
            return load_import, [
                f"# {source}: {CREDIT}",
                f"{argument} = {expression.format(file=source)}",
            ]
    if data.size <= 200:
        rows = textwrap.wrap(
            repr(data.tolist()), width=92, break_long_words=False, break_on_hyphens=False
        )
        return "import numpy as np", [
            f"{argument} = np.array(\n" + "".join(f"    {row}\n" for row in rows) + ")"
        ]
    return "import numpy as np", [
        f"# your data, saved with np.save({argument + '.npy'!r}, {argument})",
        f"{argument} = np.load({argument + '.npy'!r})",
    ]


def _constant_source(definition, namespace):
    """Return a constant's ``NAME = value``, a long tuple laid out like ruff would.

    Labs are self-contained, so every definition but the lab's own is a constant.
    """
    name = definition.partition(" = ")[0]
    value = namespace[name]
    if len(definition.rstrip("\n")) <= 100 or not isinstance(value, tuple):
        return definition
    items = [f"{item!r}," for item in value]
    if not all(isinstance(item, tuple) for item in value):
        items = textwrap.wrap(" ".join(items), width=96)
    return f"{name} = (\n" + "".join(f"    {line}\n" for line in items) + ")"
