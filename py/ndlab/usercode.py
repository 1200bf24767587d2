"""Run a learner's own Python code, as the page's editor does.

The code runs as a script with ``image`` (and, for a lab, ``data``) bound; what it prints is
captured, the array it leaves in ``result`` (or its last expression) is mapped to a picture as
an operation's output would be, figures drawn with matplotlib come back as PNG bytes, and an
exception is reported with the line of the learner's code it came from.
"""

import ast
import contextlib
import importlib
import io
import linecache
import os
import sys
import traceback
import warnings
from dataclasses import dataclass, field

import numpy as np

from . import interrupt
from .convert import paint_mask, rescale

#: The file name of the learner's code in tracebacks.
FILENAME = "<your code>"

#: Lines of the learner's code run between two checks for a cancel request.
CHECK_EVERY = 200

#: How much of a result that is not a picture is shown, in characters.
REPR_LIMIT = 2000


@dataclass
class Outcome:
    """What a piece of code did.

    Attributes
    ----------
    result : object
        ``result`` as the code left it, else its last expression's value, else None.
    picture : ndarray of uint8 or None
        `result` mapped for display when it is a 2-D, H×W×3 or H×W×4 array of numbers.
    output : str or None
        The mapping: "clip" (uint8, as it is), "mask" (bool: white = true) or "rescale"
        (stretched from its range).
    stdout, stderr : str
        What the code printed; warnings go to stderr, as in a script.
    figures : list of bytes
        The matplotlib figures it left open, as PNG files.
    error : dict or None
        ``{"type", "message", "line", "traceback"}`` when it raised: `line` is the line of
        the code (from 1) where it failed, or None if it failed before reaching it.
    """

    result: object = None
    picture: np.ndarray | None = None
    output: str | None = None
    stdout: str = ""
    stderr: str = ""
    figures: list = field(default_factory=list)
    error: dict | None = None


def imports_matplotlib(code):
    """Whether `code` imports matplotlib (False for code that does not parse).

    Examples
    --------
    >>> imports_matplotlib("import matplotlib.pyplot as plt")
    True
    >>> imports_matplotlib("import numpy as np")
    False
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        if any(name.split(".")[0] == "matplotlib" for name in names):
            return True
    return False


def run_code(code, *, image=None, data=None):
    """Run `code` with `image` and `data` bound; never raises for the code's own errors.

    KeyboardInterrupt, raised when a cancel is requested (:mod:`ndlab.interrupt`, checked
    every :data:`CHECK_EVERY` lines of the code), is not caught: the caller reports it.

    Parameters
    ----------
    code : str
        Python source, run as a script.
    image : ndarray, optional
        Bound to ``image`` (a copy: the caller's array is not changed).
    data : object, optional
        Bound to ``data`` (a lab's data; None for none).

    Returns
    -------
    Outcome

    Examples
    --------
    >>> outcome = run_code("print('hello')\\nresult = image * 2", image=np.ones((2, 2)))
    >>> outcome.stdout, outcome.result.tolist(), outcome.output
    ('hello\\n', [[2.0, 2.0], [2.0, 2.0]], 'rescale')
    >>> run_code("x = 1\\ny = x +").error["line"]
    2
    """
    outcome = Outcome()
    stdout, stderr = io.StringIO(), io.StringIO()
    image = None if image is None else image.copy()
    namespace = {"__name__": "__main__", "image": image, "data": data}
    os.environ.setdefault("MPLBACKEND", "Agg")  # figures are drawn to PNG, never shown
    if imports_matplotlib(code):
        # Imported outside the learner's streams: the first import builds matplotlib's font
        # cache and says so on stderr, which is not the learner's output.
        importlib.import_module("matplotlib.pyplot")
    linecache.cache[FILENAME] = (len(code), None, code.splitlines(True), FILENAME)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            with warnings.catch_warnings():
                # printed to stderr once per place, as a script would
                warnings.simplefilter("default")
                warnings.showwarning = _print_warning
                warnings.filterwarnings("ignore", "FigureCanvasAgg is non-interactive")
                last = _execute(code, namespace)
    except KeyboardInterrupt:
        _close_figures()
        raise
    except BaseException as exc:  # SystemExit too: the learner's code must not end Python
        outcome.error = _describe(exc)
        last = None
    outcome.stdout, outcome.stderr = stdout.getvalue(), stderr.getvalue()
    outcome.figures = _close_figures()
    if outcome.error is None:
        outcome.result = namespace["result"] if "result" in namespace else last
        outcome.picture, outcome.output = picture(outcome.result)
    return outcome


def _print_warning(message, category, filename, lineno, file=None, line=None):
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def _execute(code, namespace):
    """Run `code` in `namespace`; return the value of its last statement if an expression."""
    tree = ast.parse(code, FILENAME)
    tail = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    body = compile(tree, FILENAME, "exec")
    with _cancellable():
        exec(body, namespace)
        if tail is None:
            return None
        return eval(compile(ast.Expression(tail.value), FILENAME, "eval"), namespace)


@contextlib.contextmanager
def _cancellable():
    """Check for a cancel request every :data:`CHECK_EVERY` lines of the learner's code.

    Its own loops would otherwise run to their end; ndlab's operations check between their
    long calls themselves.
    """
    lines = 0

    def line(frame, event, arg):
        nonlocal lines
        if event == "line":
            lines += 1
            if lines % CHECK_EVERY == 0:
                interrupt.check()
        return line

    def call(frame, event, arg):
        return line if frame.f_code.co_filename == FILENAME else None

    previous = sys.gettrace()
    sys.settrace(call)
    try:
        yield
    finally:
        sys.settrace(previous)


def _describe(exc):
    """The error dict of an exception raised by the learner's code."""
    if isinstance(exc, SyntaxError) and exc.filename == FILENAME:
        line = exc.lineno
        frames = []
    else:
        frames = traceback.extract_tb(exc.__traceback__)
        # drop the frames of this module above the learner's first line
        first = next((i for i, f in enumerate(frames) if f.filename == FILENAME), len(frames))
        frames = frames[first:]
        line = next((f.lineno for f in reversed(frames) if f.filename == FILENAME), None)
    text = "".join(traceback.format_exception_only(type(exc), exc))
    if frames:
        stack = "".join(traceback.format_list(frames))
        text = f"Traceback (most recent call last):\n{stack}{text}"
    return {"type": type(exc).__name__, "message": str(exc), "line": line, "traceback": text}


def _close_figures():
    """Return the open matplotlib figures as PNG bytes, and close them."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return []
    figures = []
    for number in pyplot.get_fignums():
        buffer = io.BytesIO()
        pyplot.figure(number).savefig(buffer, format="png")
        figures.append(buffer.getvalue())
    pyplot.close("all")
    return figures


def picture(value):
    """Return (uint8 picture, mapping name) of `value`, or (None, None) if it is no image.

    An image is a non-empty 2-D, H×W×1, H×W×3 or H×W×4 array of booleans or finite numbers:
    uint8 is shown as it is, bool as a mask, other numbers stretched from their range.

    Examples
    --------
    >>> picture(np.array([[0.0, 2.0]]))[0].tolist()
    [[0, 255]]
    >>> picture("not an image")
    (None, None)
    """
    if not isinstance(value, np.ndarray) or value.size == 0 or value.dtype.kind not in "biuf":
        return None, None
    if value.ndim == 3 and value.shape[2] == 1:
        value = value[..., 0]
    if not (value.ndim == 2 or (value.ndim == 3 and value.shape[2] in (3, 4))):
        return None, None
    if value.dtype == np.uint8:
        return np.ascontiguousarray(value), "clip"
    if value.dtype == bool:
        return paint_mask(value), "mask"
    if not np.isfinite(value).all():
        return None, None
    return rescale(value), "rescale"


def describe(value):
    """A short text for a result that is not shown as a picture (None for None).

    Examples
    --------
    >>> describe(42)
    '42'
    """
    if value is None:
        return None
    text = repr(value)
    return text if len(text) <= REPR_LIMIT else f"{text[: REPR_LIMIT - 1]}…"
