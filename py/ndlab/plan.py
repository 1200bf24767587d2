"""How each step of a pipeline meets the array the step before gave it: one rule, three readers.

A step receives an array of a kind ("image", "mask" or "labels") laid out as "grey", "rgb" or
"rgba" (:func:`ndlab.convert.channel_layout`); its operation declares what it works on
(``channels``, ``accepts`` and ``measures``, see :func:`ndlab.registry.operation`).
:func:`route` decides how the two meet, :func:`measures_input` whether the step measures the
pipeline's input, and :func:`plan` lays out a pipeline: each step's number, what it receives,
and the names and titles that exported code gives it. :mod:`ndlab.pipeline` runs the routes,
:mod:`ndlab.codegen` writes them for the input that ran, and :mod:`ndlab.dask_export` for any
input (its script learns the layout of each file as it runs).
"""

from dataclasses import dataclass

#: The ways a step meets its input, by the name :func:`route` gives them.
ROUTES = {
    "mask": "an operation on masks given a mask takes it as it is",
    "labels": "an operation on masks given labels takes labels > 0",
    "each": "each colour channel in turn, in float64; alpha is kept as it is",
    "all": "each channel in turn, in float64, alpha too",
    "colour": "red, green and blue in float64 (grey repeated); alpha is dropped",
    "grey": "the grey levels in float64 (colour by its luminance)",
}


def route(operation, kind, layout=None):
    """Return how `operation` meets an array of `kind` laid out as `layout`: a key of ROUTES.

    Parameters
    ----------
    operation : Operation
        The step's operation.
    kind : {"image", "mask", "labels"}
        What the array holds: the pipeline's input, or what the step before returns.
    layout : {"grey", "rgb", "rgba"} or None
        How the array is laid out; None when it is not known yet (the Dask
        script's steps meet every file's layout as it runs, and "each" or
        "all" then take a grey one as "grey").

    Examples
    --------
    >>> from ndlab.registry import get_operation
    >>> blur = get_operation("gaussian_filter")
    >>> route(blur, "image", "rgb"), route(blur, "image", "grey"), route(blur, "image")
    ('each', 'grey', 'each')
    >>> route(get_operation("label"), "labels"), route(get_operation("label"), "image", "rgb")
    ('labels', 'grey')
    """
    if operation.accepts == "mask" and kind != "image":
        return kind
    if operation.channels in ("each", "all") and layout == "grey":
        return "grey"
    return operation.channels


def measures_input(operation, number):
    """Whether step `number` (from 1) measures the pipeline's input rather than its own.

    A measuring operation after the first step measures the grey levels of
    the pipeline's input, when that has the step's height and width (a step
    before may have changed the size); the first step's own input is that input.

    Examples
    --------
    >>> from ndlab.registry import get_operation
    >>> measures_input(get_operation("label"), 1), measures_input(get_operation("label"), 3)
    (False, True)
    """
    return operation.measures and number > 1


@dataclass(frozen=True)
class StepPlan:
    """One step of a pipeline as exported code writes it.

    Attributes
    ----------
    number : int
        Its place in the pipeline, from 1.
    operation : Operation
        What it runs.
    params : dict
        Its validated parameters.
    kind : {"image", "mask", "labels"}
        What it receives.
    source, name : str
        The variable it reads (``image`` for the first step) and the one it assigns.
    """

    number: int
    operation: object
    params: dict
    kind: str
    source: str
    name: str

    @property
    def title(self):
        """The step's title and parameters."""
        return describe(self.operation, self.params)


def plan(normalised, taken=()):
    """Return the :class:`StepPlan` of each step of `normalised`, ``[(operation, params)]``.

    Each step reads the variable the step before assigns, the first ``image``;
    each assigns a new name for what its operation returns, none of `taken`.

    Examples
    --------
    >>> from ndlab.pipeline import normalise_steps
    >>> steps = normalise_steps([("gaussian_filter", {}), ("threshold_otsu", {}), ("label", {})])
    >>> [(step.source, step.kind, step.name) for step in plan(steps, taken={"image"})]
    [('image', 'image', 'blurred'), ('blurred', 'image', 'mask'), ('mask', 'mask', 'labels')]
    """
    taken = set(taken)
    steps, source, kind = [], "image", "image"
    for number, (operation, params) in enumerate(normalised, start=1):
        name = variable(operation, taken)
        steps.append(StepPlan(number, operation, params, kind, source, name))
        source, kind = name, operation.returns
    return steps


def describe(operation, params):
    """The title of `operation` and its parameters, as exported scripts list steps.

    Examples
    --------
    >>> from ndlab.registry import get_operation
    >>> describe(get_operation("gaussian_filter"), {"sigma": 2.0})
    'Gaussian blur (sigma=2.0)'
    """
    arguments = ", ".join(f"{key}={value!r}" for key, value in params.items())
    return operation.title + (f" ({arguments})" if arguments else "")


def variable(operation, taken):
    """A new variable name for what `operation` returns (blurred, mask, labels, mask_2...).

    The name is added to `taken`, a set.
    """
    base = operation.result_name
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base}_{number}"
    taken.add(name)
    return name
