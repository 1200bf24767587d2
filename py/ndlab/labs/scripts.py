"""Write a lab out as the script a learner would write: load, compute, print, plot.

A lab function ends with ``return {...}``, a dict literal that names its
plots, heat maps, tables, values and sentences (see
:mod:`ndlab.labs.outputs`). :func:`script` keeps the function's body as it
is written, comments and all, and turns that final dict into what a learner
writes instead: ``print`` calls for the values, tables and sentences, then
matplotlib calls that draw each plot and heat map with its title, axis
labels and legend. The script prints the numbers the page shows and draws
its figures, with none of ndlab's output dicts.
"""

import ast
import functools
import inspect
import json
import sys
import textwrap

import numpy as np

from .. import __version__
from ..codegen import dependencies
from .data import CREDIT, LOADERS
from .outputs import MISSING

WIDTH = 100  # the project's line length, which the scripts keep too

#: Prints a line of numbers as the page shows them: a dash where a number is missing. The page
#: receives NaN and infinities as null (:func:`ndlab.labs.outputs.to_json`) and shows null, as
#: it shows None, as :data:`ndlab.labs.outputs.MISSING` (static/views/common.js, ``format``).
SHOWN = f'''def print_as_shown(*values, sep=" "):
    """Print `values` as the page shows them: {MISSING} for a missing number (None, NaN, inf)."""
    missing = [v is None or (isinstance(v, numbers.Real) and not math.isfinite(v)) for v in values]
    print(*("{MISSING}" if gone else v for v, gone in zip(values, missing)), sep=sep)'''
SHOWN_IMPORTS = ("import math", "import numbers")

#: The pyplot call and its style arguments for each kind of series.
DRAW = {
    "line": ("plt.plot", ()),
    "dashed": ("plt.plot", ('"--"',)),
    "points": ("plt.plot", ('"o"',)),
    "step": ("plt.step", ('where="post"',)),  # y[i] holds from x[i] to x[i + 1]
    "bar": ("plt.bar", ()),
}


def script(item, params, data=None):
    """Return the standalone script of lab `item` run with `params`.

    Parameters
    ----------
    item : Lab
        The lab.
    params : dict
        Validated parameters; written as assignments at the top.
    data : numpy.ndarray, optional
        The learner's data; without it the script loads the chapter's file.

    Returns
    -------
    str
        Python source: a docstring with the lab's title and idea, imports,
        parameters, the data, the lab's own computation, ``print`` calls for
        its answers and matplotlib code drawing its plots.

    Examples
    --------
    >>> from ndlab.labs.core import get_lab
    >>> item = get_lab("quad_integral")
    >>> lines = script(item, item.validate({})).splitlines()
    >>> [line for line in lines if line.startswith('print_as_shown("integral')], lines[-1]
    (['print_as_shown("integral:", value)'], 'plt.show()')
    """
    imports, definitions = dependencies(item.function)
    constants = [
        _constant_source(definition, item.function.__globals__).strip("\n")
        for definition in definitions[:-1]
    ]
    program, figures, shown = _written(item.function)
    if shown:
        imports = (*imports, *SHOWN_IMPORTS)
    load = []
    if item.data is not None:
        argument = next(iter(inspect.signature(item.function).parameters))
        load_import, load = _data_source(item.data, params, data, argument)
        imports = (*imports, load_import)
    unused = item.data.unused(data) if item.data is not None else {}
    settings = _settings(params, unused)
    parts = [
        _docstring(item.title, item.about),
        _imports([*imports, "import matplotlib.pyplot as plt"]),
        *constants,
        "\n".join(settings),
        "\n".join(load),
        program,  # starts with a blank line if with a function: two blank lines before it
        figures,
    ]
    return "\n\n".join(part for part in parts if part) + "\n"


def _settings(params, unused):
    """Return the lines that set `params`, each group under a comment.

    The parameters named in `unused` (name: reason) change nothing with
    the learner's data, and say so under their reason.
    """
    groups = {"# The lab's parameters: change them and run the script again.": None}
    groups |= {f"# Not used with your data: {reason}.": reason for reason in unused.values()}
    lines = []
    for comment, reason in groups.items():
        names = [key for key in params if unused.get(key) == reason]
        if names:
            lines += [comment, *(f"{key} = {_literal(params[key])}" for key in names)]
    return lines


@functools.cache
def _docstring(title, about):
    return f'"""{title}, as run by ndlab {__version__}.\n\n{textwrap.fill(about, WIDTH - 1)}\n"""'


@functools.cache
def _written(function):
    """Return the parts of `function`'s script that its parameters do not change.

    That is its body followed by the lines that print its answers (after
    :data:`SHOWN` when they print numbers), the lines that draw its figures,
    and whether the script needs :data:`SHOWN`. Reading and parsing the
    source takes longer than the quicker labs themselves, and a lab runs
    again at every change of a parameter.
    """
    body, source, outputs = _body(function)
    if "print_as_shown" in source:
        raise ValueError(f"{function.__name__} must not name anything print_as_shown")
    answers, figures = _Writer(source).outputs(outputs, function.__name__)
    shown = any(line.lstrip().startswith("print_as_shown(") for line in answers)
    parts = [body, *([SHOWN] if shown else []), *(["\n".join(answers)] if answers else [])]
    return _spaced("\n\n".join(parts)), "\n".join([*figures, "plt.show()"]), shown


def _body(function):
    """Return `function`'s body as source, its whole source, and the dict it returns.

    The body keeps its comments and loses its docstring, its final return
    and the ``if progress is not None:`` blocks that report to the page.
    """
    source = textwrap.dedent(inspect.getsource(function))
    node = ast.parse(source).body[0]
    last = node.body[-1]
    if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Dict)):
        raise ValueError(
            f"{function.__name__} must end with return {{...}}: its script is written from it"
        )
    first = node.body[0]
    start = first.end_lineno if ast.get_docstring(node) is not None else first.lineno - 1
    lines = source.splitlines()
    reports = [
        statement
        for statement in ast.walk(node)
        if isinstance(statement, ast.If) and ast.unparse(statement.test) == "progress is not None"
    ]
    for statement in sorted(reports, key=lambda s: s.lineno, reverse=True):
        lines[statement.lineno - 1 : statement.end_lineno] = []
    end = last.lineno - 1 - sum(s.end_lineno - s.lineno + 1 for s in reports)
    body = textwrap.dedent("\n".join(lines[start:end]))
    return body.strip("\n"), source, last.value


def _spaced(source):
    """Return `source` with two blank lines around each top-level function, as PEP 8 asks.

    A function on the first line gets one blank line before it, to which
    the script adds the blank line that separates its parts.
    """
    lines = source.split("\n")
    for node in reversed(ast.parse(source).body):
        if isinstance(node, ast.FunctionDef):
            start = node.lineno - 1
            while start and lines[start - 1].lstrip().startswith("#"):  # its comment goes with it
                start -= 1
            before = "\n".join(lines[:start]).rstrip("\n")
            after = "\n".join(lines[node.end_lineno :]).lstrip("\n")
            function = "\n".join(lines[start : node.end_lineno])
            spaced = (f"{before}\n\n\n" if before else "\n") + function
            lines = (spaced + (f"\n\n\n{after}" if after else "")).split("\n")
    return "\n".join(lines)


class _Writer:
    """Writes the prints and plots of a lab's final dict, quoting the lab's own expressions."""

    def __init__(self, source):
        self.source = source
        self.lines = []

    def outputs(self, node, name):
        """Return the lines that print the answers and the lines that draw the figures."""
        sections = _fields(node, f"what {name} returns")
        if "values" in sections:
            self.values(sections["values"], name)
        if "tables" in sections:
            self.each(sections["tables"], 0, "table", self.table)
        if "text" in sections:
            self.each(sections["text"], 0, "sentence", self.sentence)
        answers, self.lines = self.lines, []
        if "heatmaps" in sections:
            self.each(sections["heatmaps"], 0, "heatmap", self.heatmap)
        if "plots" in sections:
            self.each(sections["plots"], 0, "plot", self.plot)
        return answers, self.lines

    def text(self, node):
        """Return `node` as the lab writes it, its continuation lines dedented."""
        if not hasattr(node, "lineno"):  # a loop variable this writer made up
            return ast.unparse(node)
        first, *rest = ast.get_source_segment(self.source, node).split("\n")
        dedented = [line[min(node.col_offset, len(line) - len(line.lstrip())) :] for line in rest]
        return "\n".join([first, *dedented])

    def line(self, depth, text):
        self.lines.append("    " * depth + text)

    def call(self, depth, function, *args):
        """Write ``function(*args)`` on one line, or one argument a line if it is too long."""
        pad = "    " * depth
        one = f"{pad}{function}({', '.join(args)})"
        if "\n" not in one and len(one) <= WIDTH:
            self.lines.append(one)
            return
        self.lines.append(f"{pad}{function}(")
        comma = "," if len(args) > 1 else ""  # as ruff formats a call split over lines
        self.lines += [textwrap.indent(f"{arg}{comma}", pad + "    ") for arg in args]
        self.lines.append(f"{pad})")

    def figure(self, depth):
        """Start a figure, after a blank line if it follows another (not first in a loop)."""
        if self.lines and not self.lines[-1].endswith(":"):
            self.lines.append("")
        self.line(depth, "plt.figure()")

    def each(self, node, depth, name, write):
        """Call ``write(item, depth)`` for each item of list expression `node`, in loops as needed.

        `node` is a list display (whose ``*starred`` items are expanded in
        turn), ``items if condition else []``, a comprehension, or any other
        iterable, over which the script loops with variable `name`.
        """
        if isinstance(node, ast.List):
            for item in node.elts:
                if isinstance(item, ast.Starred):
                    self.each(item.value, depth, name, write)
                else:
                    write(item, depth)
        elif isinstance(node, ast.IfExp):
            self.line(depth, f"if {self.text(node.test)}:")
            self.each(node.body, depth + 1, name, write)
            if not (isinstance(node.orelse, ast.List) and not node.orelse.elts):
                self.line(depth, "else:")
                self.each(node.orelse, depth + 1, name, write)
        elif isinstance(node, (ast.ListComp, ast.GeneratorExp)):
            for loop in node.generators:
                self.line(depth, f"for {self.text(loop.target)} in {self.text(loop.iter)}:")
                depth += 1
                for condition in loop.ifs:
                    self.line(depth, f"if {self.text(condition)}:")
                    depth += 1
            write(node.elt, depth)
        else:
            self.line(depth, f"for {name} in {self.text(node)}:")
            write(ast.Name(name), depth + 1)

    def values(self, node, name):
        fields = _fields(node, f"{name}'s values")
        for key, value in fields.items():
            self.call(0, "print_as_shown", _literal(f"{key}:"), self.text(value))

    def table(self, node, depth):
        fields = _fields(node, "a table")
        self.line(depth, "print()")
        self.call(depth, "print", self.text(fields["title"]))
        columns = fields["columns"]
        if all(isinstance(column, ast.Constant) for column in getattr(columns, "elts", [None])):
            self.call(depth, "print", _literal(" | ".join(c.value for c in columns.elts)))
        else:
            self.row(columns, depth)
        self.each(fields["rows"], depth, "row", self.row)

    def row(self, node, depth):
        cells = [self.text(cell) for cell in node.elts] if isinstance(node, ast.List) else None
        self.call(depth, "print_as_shown", *(cells or [f"*{self.text(node)}"]), 'sep=" | "')

    def sentence(self, node, depth):
        self.call(depth, "print", self.text(node))

    def plot(self, node, depth):
        fields = _fields(node, "a plot")
        self.figure(depth)
        self.each(fields["series"], depth, "series", self.series)
        self.call(depth, "plt.title", self.text(fields["title"]))
        self.call(depth, "plt.xlabel", self.text(fields["x_label"]))
        self.call(depth, "plt.ylabel", self.text(fields["y_label"]))
        if "log_y" in fields:
            self.line(depth, f"if {self.text(fields['log_y'])}:")
            self.line(depth + 1, 'plt.yscale("log")')
        self.line(depth, "plt.legend()")

    def series(self, node, depth, kind=None):
        fields = _fields(node, "a series")
        if kind is None:
            kind = getattr(fields["kind"], "value", None)
            if kind not in DRAW:
                raise ValueError(f"a series' kind must be written as one of {tuple(DRAW)}")
        function, style = DRAW[kind]
        xy = [self.text(fields["x"]), self.text(fields["y"])]
        self.call(depth, function, *xy, *style, f"label={self.text(fields['label'])}")

    def heatmap(self, node, depth):
        fields = _fields(node, "a heat map")
        self.figure(depth)
        # Row 0 of z lies at the bottom, as on the page.
        args = [self.text(fields["z"]), 'origin="lower"', f"extent={self.text(fields['extent'])}"]
        if "range" in fields:
            low, high = fields["range"].elts
            args += [f"vmin={self.text(low)}", f"vmax={self.text(high)}"]
        self.call(depth, "plt.imshow", *args, 'aspect="auto"')
        self.line(depth, "plt.colorbar()")
        for key, kind in (("paths", "line"), ("points", "points")):
            if key in fields:
                self.each(fields[key], depth, key[:-1], functools.partial(self.series, kind=kind))
        self.call(depth, "plt.title", self.text(fields["title"]))
        if "paths" in fields or "points" in fields:
            self.line(depth, "plt.legend()")


def _fields(node, what):
    """Return the entries of dict literal `node` by key; `what` names it in the error."""
    if not isinstance(node, ast.Dict) or not all(isinstance(k, ast.Constant) for k in node.keys):
        raise ValueError(f"{what} must be a dict literal with constant keys to be written out")
    return {key.value: value for key, value in zip(node.keys, node.values, strict=True)}


def _literal(value):
    """Return `value` as Python source, strings in double quotes as ruff writes them."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


def _imports(lines):
    """Return import lines as isort writes them: the standard library first, then the rest."""
    names = {}  # module: names, for the ``from module import name`` lines
    for line in lines:
        if line.startswith("from "):
            _, module, _, name = line.split(" ", 3)
            names.setdefault(module, set()).add(name)
    lines = {line for line in lines if not line.startswith("from ")}
    lines |= {f"from {module} import {', '.join(sorted(names[module]))}" for module in names}
    standard = {line for line in lines if line.split()[1].split(".")[0] in sys.stdlib_module_names}

    def order(line):
        return (line.startswith("from "), line)

    groups = [sorted(standard, key=order), sorted(lines - standard, key=order)]
    return "\n\n".join("\n".join(group) for group in groups if group)


def _data_source(spec, params, data, argument):
    """Return the import and the lines that load a lab's data in its exported script."""
    if data is None:
        source = spec.source(params)
        if source is None:
            return "import numpy as np", [
                "# None: the lab's own data, as below; or yours, for instance",
                f'# {argument} = np.loadtxt("my_data.csv", delimiter=",")',
                f"{argument} = None",
            ]
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
        f'# your data, saved with np.save("{argument}.npy", {argument})',
        f'{argument} = np.load("{argument}.npy")',
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
