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
from .convert import MAPPINGS, clip, rgb_to_grey

_PILLOW_MODES = {2: "L", 3: "RGB", 4: "RGBA"}


@dataclass(frozen=True)
class Step:
    """One run to write out.

    Attributes
    ----------
    operation : Operation
        The operation that ran.
    params : dict
        Validated parameters; written as literals.
    shape, dtype : tuple, numpy.dtype
        Shape and dtype of the input array.
    layout : {"grey", "rgb", "rgba"}
        How the input was processed, see :func:`ndlab.convert.channel_layout`.
    has_info : bool
        Whether the function returned ``(array, info)``.
    after : tuple of str
        Lines appended after the step (a pipeline's own conversions).
    """

    operation: object
    params: dict
    shape: tuple
    dtype: np.dtype
    layout: str
    has_info: bool
    after: tuple = ()


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


def generate(operation, params, image, layout, *, has_info):
    """Return a script that reproduces one run of `operation`.

    Parameters
    ----------
    operation : Operation
        The operation that ran.
    params : dict
        Validated parameters; written as literals.
    image : ndarray
        The input array (only its shape and dtype are used).
    layout : {"grey", "rgb", "rgba"}
        How the input was processed, see :func:`ndlab.convert.channel_layout`.
    has_info : bool
        Whether the function returned ``(array, info)``.

    Returns
    -------
    str
        Python source defining ``result``, given a variable ``image``.
    """
    step = Step(operation, params, image.shape, image.dtype, layout, has_info)
    title = f"{operation.title}, as run by ndlab {__version__}.\n\n{operation.summary}"
    return script([step], title)


def script(steps, title):
    """Return one script running `steps` in order, each on the previous ``result``.

    Parameters
    ----------
    steps : sequence of Step
        The runs, in order; each step's ``image`` is the previous ``result``.
    title : str
        The script's docstring.

    Returns
    -------
    str
        Python source defining ``result``, given a variable ``image``; every
        function, constant and import appears once.
    """
    imports = {"import numpy as np": None}
    definitions = {}
    blocks = []
    for number, step in enumerate(steps, start=1):
        lines, functions = _step_lines(step)
        for function in functions:
            more_imports, more_definitions = dependencies(function)
            imports.update(dict.fromkeys(more_imports))
            definitions.update(dict.fromkeys(more_definitions))
        if len(steps) > 1:
            arguments = ", ".join(f"{key}={value!r}" for key, value in step.params.items())
            header = f"# Step {number}: {step.operation.title}"
            lines = [header + (f" ({arguments})" if arguments else "") + ".", *lines]
            if number < len(steps):
                lines.append("image = result")
        blocks.append("\n".join(lines))
    first = steps[0]
    mode = _PILLOW_MODES[first.shape[2] if len(first.shape) == 3 else 2]
    import_lines = ["import numpy as np"] + sorted(set(imports) - {"import numpy as np"})
    parts = [
        f'"""{title}\n"""\n\n' + "\n".join(import_lines),
        "# Load your own image, for example with Pillow:\n"
        "# from PIL import Image\n"
        f'# image = np.asarray(Image.open("photo.png").convert("{mode}"))',
        *definitions,
        "\n\n".join(blocks),
    ]
    return "\n\n\n".join(part.strip("\n") for part in parts) + "\n"


def _step_lines(step):
    """Return the statements of one step and the functions they call."""
    operation = step.operation
    name = operation.name
    arguments = "".join(f", {key}={value!r}" for key, value in step.params.items())
    mapping = MAPPINGS[operation.output]
    per_channel = step.layout != "grey" and operation.channels in ("each", "all")
    functions = [operation.function, mapping]
    if step.layout != "grey" and operation.channels == "grey":
        functions.insert(0, rgb_to_grey)

    lines = _input_lines(step)
    variable = "rgb" if operation.channels == "colour" else "img"
    if per_channel:
        lines.append(
            f"data = np.stack([{name}(rgb[..., c]{arguments}) for c in range(3)], axis=-1)"
        )
    elif step.has_info:
        lines += [f"data, info = {name}({variable}{arguments})", "print(info)"]
    else:
        lines.append(f"data = {name}({variable}{arguments})")
    lines.append(f"result = {mapping.__name__}(data)")
    if step.layout == "rgba" and per_channel:
        if operation.channels == "all":
            lines += [
                "# Transform the alpha channel like the colour channels.",
                f"alpha = clip({name}(image[..., 3].astype(np.float64){arguments}))",
            ]
            functions.append(clip)
        elif step.dtype == np.uint8:
            lines += ["# Keep the alpha channel unchanged.", "alpha = image[..., 3]"]
        else:
            lines += [
                "# Keep the alpha channel unchanged.",
                "alpha = clip(image[..., 3].astype(np.float64))",
            ]
            functions.append(clip)
        lines.append("result = np.dstack([result, alpha])")
    return lines + list(step.after), functions


def _input_lines(step):
    channels = step.operation.channels
    two_d = len(step.shape) == 2
    if step.layout == "grey":
        grey = "image" if two_d else "image[..., 0]"
        lines = [] if two_d else ["# The colour channels are identical, so the image is grey."]
        if channels == "colour":
            return lines + [f"rgb = np.stack([{grey}.astype(np.float64)] * 3, axis=-1)"]
        return lines + [f"img = {grey}.astype(np.float64)"]
    dropped = " (the alpha channel is dropped)" if step.layout == "rgba" else ""
    if channels in ("each", "all"):
        return [
            "# Process the red, green and blue channels separately, in float64.",
            "rgb = image[..., :3].astype(np.float64)",
        ]
    if channels == "colour":
        return [
            f"# Process the colour image as a whole{dropped}.",
            "rgb = image[..., :3].astype(np.float64)",
        ]
    return [
        f"# Convert to grey with luminance weights{dropped}.",
        "img = rgb_to_grey(image[..., :3].astype(np.float64))",
    ]
