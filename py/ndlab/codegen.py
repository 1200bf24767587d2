"""Write runs out as short, self-contained NumPy/SciPy scripts.

A script contains the source of each operation that ran, of the helpers and
constants it uses and of the output mappings (see :mod:`ndlab.convert`),
followed by the conversion steps decided for one particular input, so that
running it on the same ``image`` gives ``result`` equal to ``Result.image``.
A pipeline script chains several runs, each on the previous ``result``.
"""

import ast
import builtins
import functools
import inspect
import textwrap
import types
from dataclasses import dataclass

import numpy as np

from . import __version__
from .convert import clip, rgb_to_grey
from .plan import plan, route

_PILLOW_MODES = {2: "L", 3: "RGB", 4: "RGBA"}


@functools.cache
def function_source(function):
    """Return the source of `function` without decorators, docstring cut to one line.

    Examples
    --------
    >>> from ndlab.filters import sobel
    >>> print(function_source(sobel))
    def sobel(image):
        \"\"\"Gradient magnitude from Sobel derivatives along rows and columns.\"\"\"
        return np.hypot(ndimage.sobel(image, axis=0), ndimage.sobel(image, axis=1))
    <BLANKLINE>
    """
    source = textwrap.dedent(inspect.getsource(function))
    node = ast.parse(source).body[0]
    lines = source.splitlines()
    docstring = ast.get_docstring(node)
    if docstring is not None:
        first = node.body[0]
        summary = docstring.partition("\n")[0]
        lines[first.lineno - 1 : first.end_lineno] = [f'{" " * first.col_offset}"""{summary}"""']
    # node.lineno is the ``def`` line: decorators come before it.
    return "\n".join(lines[node.lineno - 1 :]) + "\n"


@functools.cache
def dependencies(function):
    """Return what the source of `function` needs, as ``(imports, definitions)``.

    `imports` is a tuple of import lines for the modules it names;
    `definitions` a tuple of sources, dependencies first and `function`
    last: ndlab helper functions it calls and upper-case constants it reads.

    Examples
    --------
    >>> from ndlab.convert import rgb_to_grey
    >>> imports, definitions = dependencies(rgb_to_grey)
    >>> definitions[0]
    'GREY_WEIGHTS = (0.2125, 0.7154, 0.0721)\\n'
    """
    tree = ast.parse(function_source(function))
    stored = {node.arg for node in ast.walk(tree) if isinstance(node, ast.arg)}
    stored |= {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)
    }
    names = [
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    ]
    imports, definitions = [], []
    for name in dict.fromkeys(names):
        if name in stored or name not in function.__globals__ or name == function.__name__:
            continue
        value = function.__globals__[name]
        if isinstance(value, types.ModuleType):
            imports.append(_import_line(name, value))
        elif inspect.isfunction(value) and value.__module__.startswith("ndlab"):
            more_imports, more_definitions = dependencies(value)
            imports += more_imports
            definitions += more_definitions
        elif name.isupper() and not hasattr(builtins, name):
            definitions.append(f"{name} = {value!r}\n")
        else:
            raise ValueError(f"{function.__name__} uses {name!r}, which cannot be exported")
    definitions.append(function_source(function))
    return tuple(dict.fromkeys(imports)), tuple(dict.fromkeys(definitions))


def _import_line(name, module):
    full = module.__name__
    if full == "numpy" and name == "np":
        return "import numpy as np"
    parent, _, last = full.rpartition(".")
    if full == name:
        return f"import {name}"
    if last == name:
        return f"from {parent} import {name}"
    return f"import {full} as {name}"


@dataclass(frozen=True)
class Step:
    """One step as it ran, with what is needed to write it out (no array is kept).

    Attributes
    ----------
    operation : Operation
        The operation that ran.
    params : dict
        Validated parameters; written as literals.
    shape, dtype : tuple, numpy.dtype
        Shape and dtype of the array the step received.
    kind : {"image", "mask", "labels"}
        What that array is.
    layout : {"grey", "rgb", "rgba"}
        How it was processed, see :func:`ndlab.convert.channel_layout`.
    has_info : bool
        Whether the function returned ``(array, info)``.
    intensity : Step or None
        For a measuring operation in a pipeline: the first step, whose input
        (in grey) it measured.
    """

    operation: object
    params: dict
    shape: tuple
    dtype: np.dtype
    kind: str
    layout: str
    has_info: bool
    intensity: object = None


def script(steps, mapping, *, loading):
    """Return a script running `steps` in order, each on the previous step's array.

    Parameters
    ----------
    steps : sequence of Step
        The steps as they ran; the first receives ``image``.
    mapping : callable
        The function of :mod:`ndlab.convert` that made the displayed
        picture from the last step's array.
    loading : str
        Comment lines saying how to load ``image``.

    Returns
    -------
    str
        Python source that, given ``image``, assigns each step's array to a
        variable named for what it holds (``blurred``, ``mask``, ``labels``)
        and the displayed picture to ``result``. Every function, constant
        and import appears once; steps that report values print them.
    """
    imports = {"import numpy as np": None}
    definitions = {}
    blocks = []
    names = {"image", "result", "info", "np", "rgb_to_grey", "clip"}
    names |= {step.operation.name for step in steps} | {mapping.__name__}
    planned = plan([(step.operation, step.params) for step in steps], taken=names)
    for step, planned_step in zip(steps, planned, strict=True):
        lines, functions = _step_lines(step, planned_step.source, planned_step.name)
        if len(steps) > 1:
            lines.insert(0, f"# {planned_step.number}. {planned_step.title}")
        blocks.append("\n".join(lines))
        for function in functions:
            more_imports, more_definitions = dependencies(function)
            imports.update(dict.fromkeys(more_imports))
            definitions.update(dict.fromkeys(more_definitions))
    display, functions = _display_lines(steps[-1], planned[-1].name, mapping)
    for function in functions:
        more_imports, more_definitions = dependencies(function)
        imports.update(dict.fromkeys(more_imports))
        definitions.update(dict.fromkeys(more_definitions))
    blocks.append("\n".join(display))
    if len(steps) == 1:
        title = f"{steps[0].operation.title}, as run by ndlab {__version__}.\n\n"
        title += steps[0].operation.summary
    else:
        listing = "\n".join(f"{step.number}. {step.title}" for step in planned)
        title = f"A pipeline of {len(steps)} steps, as run by ndlab {__version__}.\n\n{listing}"
    import_lines = ["import numpy as np"] + sorted(set(imports) - {"import numpy as np"})
    parts = [
        f'"""{title}\n"""\n\n' + "\n".join(import_lines),
        loading,
        *definitions,
        "\n\n".join(blocks),
    ]
    return "\n\n\n".join(part.strip("\n") for part in parts) + "\n"


def loading_comment(shape, dtype, file=None):
    """Return comment lines saying how to load an input of `shape` and `dtype` as ``image``.

    Parameters
    ----------
    shape, dtype : tuple, numpy.dtype
        The input's.
    file : (str, str or None), optional
        The file name and variable it was read from (``.npy``, ``.npz``,
        ``.mat``).
    """
    if file is not None:
        name, variable = file
        if name.lower().endswith(".mat"):
            loading = f'scipy.io.loadmat("{name}")["{variable}"]'
            return f"# Load your array:\n# import scipy.io\n# image = {loading}"
        if name.lower().endswith(".npz"):
            return f'# Load your array:\n# image = np.load("{name}")["{variable}"]'
        return f'# Load your array:\n# image = np.load("{name}")'
    if dtype != np.uint8:
        return '# Load your array, for example:\n# image = np.load("array.npy")'
    mode = _PILLOW_MODES[shape[2] if len(shape) == 3 else 2]
    return (
        "# Load your own image, for example with Pillow:\n"
        "# from PIL import Image\n"
        f'# image = np.asarray(Image.open("photo.png").convert("{mode}"))'
    )


def _float(expression, dtype):
    return expression if dtype == np.float64 else f"{expression}.astype(np.float64)"


def grey_argument(step, source):
    """Return the expression of the float64 grey levels a "grey" function gets from `source`."""
    if step.layout == "grey":
        return _float(source if len(step.shape) == 2 else f"{source}[..., 0]", step.dtype)
    return f"rgb_to_grey({_float(f'{source}[..., :3]', step.dtype)})"


def _step_lines(step, source, name):
    """Return the statements of one step, assigning `name`, and the functions they call."""
    operation = step.operation
    function = operation.name
    arguments = "".join(f", {key}={value!r}" for key, value in step.params.items())
    functions = [operation.function]
    lines = []
    way = route(operation, step.kind, step.layout)
    if way in ("mask", "labels"):
        argument = source if way == "mask" else f"{source} > 0"
    elif way in ("each", "all"):
        count = 4 if step.layout == "rgba" and way == "all" else 3
        each = f"{function}({_float(f'{source}[..., c]', step.dtype)}{arguments})"
        planes = f"[{each} for c in range({count})]"
        if count == 3 and step.layout == "rgba":
            lines.append("# Each colour channel in turn; the alpha channel is kept.")
            planes += f" + [{_float(f'{source}[..., 3]', step.dtype)}]"
        else:
            lines.append("# Each channel in turn.")
        return lines + [f"{name} = np.stack({planes}, axis=-1)"], functions
    elif way == "colour":
        if step.layout == "grey":
            grey = source if len(step.shape) == 2 else f"{source}[..., 0]"
            argument = f"np.stack([{_float(grey, step.dtype)}] * 3, axis=-1)"
        else:
            argument = _float(f"{source}[..., :3]", step.dtype)
    else:
        argument = grey_argument(step, source)
        if step.layout != "grey":
            functions.insert(0, rgb_to_grey)
            lines.append("# Grey levels from the colour channels (luminance weights).")
    if step.intensity is not None:
        arguments += f", intensity={grey_argument(step.intensity, 'image')}"
        if step.intensity.layout != "grey":
            functions.insert(0, rgb_to_grey)
        lines.append("# Measure the grey levels of the input image.")
    call = f"{function}({argument}{arguments})"
    if step.has_info:
        return lines + [f"{name}, info = {call}", "print(info)"], functions
    return lines + [f"{name} = {call}"], functions


def _display_lines(step, source, mapping):
    """Return the statements that make the displayed picture ``result``, and their functions."""
    lines = ["# The picture shown, in uint8."]
    operation = step.operation
    if step.layout == "rgba" and operation.channels in ("each", "all"):
        colour, alpha = f"{mapping.__name__}({source}[..., :3])", f"clip({source}[..., 3])"
        return lines + [f"result = np.dstack([{colour}, {alpha}])"], [mapping, clip]
    return lines + [f"result = {mapping.__name__}({source})"], [mapping]
