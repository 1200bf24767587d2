"""Write a run out as a short, self-contained NumPy/SciPy script.

The script contains the operation's own source and the output mapping's
source (see :mod:`ndlab.convert`), followed by the conversion steps decided
for one particular input, so that running it on the same ``image`` gives
``result`` equal to ``Result.image``.
"""

import ast
import functools
import inspect
import textwrap

from . import __version__
from .convert import GREY_WEIGHTS, MAPPINGS

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


def generate(operation, params, image, layout, *, has_info, alpha_transformed):
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
    alpha_transformed : bool
        Whether the alpha channel was passed through the operation because
        the shape changed (only for "rgba" with ``channels="each"``).

    Returns
    -------
    str
        Python source defining ``result``, given a variable ``image``.
    """
    name = operation.name
    arguments = "".join(f", {key}={value!r}" for key, value in params.items())
    per_channel = layout != "grey" and operation.channels == "each"
    keeps_alpha = layout == "rgba" and per_channel
    alpha_needs_clip = keeps_alpha and (alpha_transformed or image.dtype != "uint8")
    mappings = [operation.output]
    if alpha_needs_clip and operation.output != "clip":
        mappings.append("clip")

    steps = _input_steps(operation, image, layout)
    if per_channel:
        steps.append(
            f"data = np.stack([{name}(rgb[..., c]{arguments}) for c in range(3)], axis=-1)"
        )
    elif has_info:
        steps += [f"data, info = {name}(img{arguments})", "print(info)"]
    else:
        steps.append(f"data = {name}(img{arguments})")
    steps.append(f"result = {operation.output}(data)")
    if keeps_alpha:
        steps += _alpha_steps(name, arguments, image, alpha_transformed)

    imports = ["import numpy as np"]
    if "ndimage" in operation.function.__code__.co_names:
        imports.append("from scipy import ndimage")
    mode = _PILLOW_MODES[image.shape[2] if image.ndim == 3 else 2]
    parts = [
        f'"""{operation.title}, as run by ndlab {__version__}.\n\n{operation.summary}\n"""\n\n'
        + "\n".join(imports),
        "# Load your own image, for example with Pillow:\n"
        "# from PIL import Image\n"
        f'# image = np.asarray(Image.open("photo.png").convert("{mode}"))',
        function_source(operation.function),
        *(function_source(MAPPINGS[mapping]) for mapping in mappings),
        "\n".join(steps),
    ]
    return "\n\n\n".join(part.strip("\n") for part in parts) + "\n"


def _input_steps(operation, image, layout):
    if layout == "grey" and image.ndim == 2:
        return ["img = image.astype(np.float64)"]
    if layout == "grey":
        return [
            "# The colour channels are identical, so the image is treated as grey.",
            "img = image[..., 0].astype(np.float64)",
        ]
    steps = ["rgb = image[..., :3].astype(np.float64)"]
    if operation.channels == "each":
        return ["# Process the red, green and blue channels separately, in float64.", *steps]
    red, green, blue = GREY_WEIGHTS
    dropped = " (the alpha channel is dropped)" if layout == "rgba" else ""
    return [
        f"# Convert to grey with luminance weights{dropped}.",
        *steps,
        f"img = {red!r} * rgb[..., 0] + {green!r} * rgb[..., 1] + {blue!r} * rgb[..., 2]",
    ]


def _alpha_steps(name, arguments, image, alpha_transformed):
    if alpha_transformed:
        return [
            "# The shape changed, so the alpha channel is transformed like a colour channel.",
            f"alpha = clip({name}(image[..., 3].astype(np.float64){arguments}))",
            "result = np.dstack([result, alpha])",
        ]
    alpha = "image[..., 3]" if image.dtype == "uint8" else "clip(image[..., 3].astype(np.float64))"
    return ["# Keep the alpha channel unchanged.", f"result = np.dstack([result, {alpha}])"]
