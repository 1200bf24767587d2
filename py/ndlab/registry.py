"""Declare operations once: parameter specs, the registry and validation.

An operation is a plain function ``op(image, *, param=default, ...)`` whose
body uses only NumPy and SciPy, decorated with :func:`operation`. The
decorator records it in the registry and returns the function unchanged, so
the same function runs in ndlab, in tests and in exported code.
"""

import inspect
import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

PARAM_TYPES = ("float", "int", "bool", "choice")
#: Units of parameters measured on the image, and the power of the pixel size in each: a length
#: or an area in pixels, a frequency in cycles per pixel (drafts scale them, see ndlab.draft).
UNITS = {"px": 1, "px²": 2, "1/px": -1}
CATEGORIES = (
    "filters",
    "noise",
    "transforms",
    "threshold",
    "morphology",
    "histogram",
    "segmentation",
    "frequency",
    "linear algebra",
    "colour",
)
CHANNELS = ("each", "all", "grey", "colour")
OUTPUTS = ("clip", "rescale", "mask", "labels")
#: What flows between the steps of a pipeline: values, a boolean mask, or integer labels.
KINDS = ("image", "mask", "labels")
#: What exported code calls an image an operation of each category returns.
RESULT_NAMES = {
    "filters": "filtered",
    "noise": "noisy",
    "transforms": "transformed",
    "morphology": "morphed",
    "histogram": "equalized",
    "segmentation": "segmented",
    "frequency": "filtered",
    "linear algebra": "approximation",
    "colour": "converted",
}
#: How an operation that is not local runs on an image in chunks (see :mod:`ndlab.dask_export`).
CHUNKINGS = ("histogram", "labels")
#: Peak memory of a typical run, in float64 copies of the input's channels: ndlab's own copies
#: (float channels, the results, their stack, the display image) and a filter's temporaries.
DEFAULT_MEMORY = 4.5


class Registry:
    """Named things (operations, labs) registered once and listed in category order.

    Parameters
    ----------
    kind : str
        What they are, for messages ("operation", "lab").
    categories : tuple of str
        The categories, in display order.
    """

    def __init__(self, kind, categories):
        self.kind = kind
        self.categories = categories
        self._items = {}

    def add(self, item):
        """Register `item` (anything with ``name`` and ``category``) under its name."""
        self.check_category(item.category)
        if item.name in self._items:
            raise ValueError(f"{self.kind} {item.name!r} is already registered")
        self._items[item.name] = item

    def check_category(self, category):
        """Raise ValueError unless `category` is one of the registry's categories."""
        if category not in self.categories:
            raise ValueError(f"category must be one of {self.categories}, got {category!r}")

    def remove(self, name):
        """Forget `name` (for examples and tests that register a throwaway item)."""
        del self._items[name]

    def get(self, name):
        """Return the item called `name`; ValueError listing the valid names if none."""
        if not isinstance(name, str) or name not in self._items:
            valid = ", ".join(item.name for item in self.all())
            raise ValueError(f"unknown {self.kind} {name!r}; valid {self.kind}s: {valid}")
        return self._items[name]

    def all(self):
        """Return every item, ordered by category then registration order."""
        return sorted(self._items.values(), key=lambda item: self.categories.index(item.category))


OPERATIONS = Registry("operation", CATEGORIES)


@dataclass(frozen=True)
class Param:
    """Specification of one keyword-only parameter of an operation.

    Parameters
    ----------
    name : str
        Keyword name in the function signature.
    type : {"float", "int", "bool", "choice"}
        Value type. Integral floats such as ``3.0`` are accepted for "int".
    default : object
        Default value; must equal the signature's default.
    min, max : float, optional
        Inclusive bounds of numeric parameters.
    step : float, optional
        Suggested increment for user interfaces; positive.
    choices : tuple, optional
        Allowed values of a "choice" parameter.
    help : str
        One sentence shown next to the control.
    typical : (float, float), optional
        The range a slider offers when `min` or `max` is not set: values
        outside it are valid (a threshold on float data of any scale).
    unit : {"px", "px²", "1/px"}, optional
        A length, an area or a frequency measured in pixels of the image: a
        draft on a copy k times smaller divides it by k, k² or 1/k (see
        :mod:`ndlab.draft`).
    none : str, optional
        For a number that SciPy may choose itself from the data (such as
        UnivariateSpline's ``s=None``): None is a valid value, and this says
        what SciPy then uses; the page offers it as a choice beside the
        number. The default may then be None.
    """

    name: str
    type: str
    default: Any
    min: float | None = None
    max: float | None = None
    step: float | None = None
    choices: tuple | None = None
    help: str = ""
    typical: tuple | None = None
    unit: str | None = None
    none: str | None = None

    def __post_init__(self):
        if self.unit is not None and (self.unit not in UNITS or self.type not in ("int", "float")):
            units = ", ".join(UNITS)
            message = f"{self.name}: unit must be one of {units} on a number, got {self.unit!r}"
            raise ValueError(message)
        if self.type not in PARAM_TYPES:
            raise ValueError(f"{self.name}: type must be one of {PARAM_TYPES}, got {self.type!r}")
        if (self.type == "choice") != (self.choices is not None):
            raise ValueError(f"{self.name}: choices must be given exactly for type 'choice'")
        if self.none is not None and self.type not in ("int", "float"):
            raise ValueError(f"{self.name}: only a number may be left to SciPy (none)")
        if self.step is not None and not self.step > 0:
            raise ValueError(f"{self.name}: step must be positive, got {self.step!r}")
        self.validate(self.default)

    def validate(self, value):
        """Return `value` converted to this parameter's type.

        Raises
        ------
        ValueError
            If `value` has the wrong type, is not finite, is out of range or
            is not one of the choices. The message names the parameter and
            the value received.
        """
        if value is None and self.none is not None:
            return None
        if self.type == "bool":
            if not isinstance(value, (bool, np.bool_)):
                raise ValueError(f"{self.name} must be true or false, got {value!r}")
            return bool(value)
        if self.type == "choice":
            if value not in self.choices:
                allowed = ", ".join(map(repr, self.choices))
                raise ValueError(f"{self.name} must be one of {allowed}, got {value!r}")
            return value
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise ValueError(f"{self.name} must be a number, got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"{self.name} must be finite, got {value!r}")
        if self.type == "int" and value != int(value):
            raise ValueError(f"{self.name} must be an integer, got {value!r}")
        converted = int(value) if self.type == "int" else float(value)
        too_low = self.min is not None and converted < self.min
        too_high = self.max is not None and converted > self.max
        if too_low or too_high:
            raise ValueError(f"{self.name} must be {self._range_text()}, got {value!r}")
        return converted

    def _range_text(self):
        if self.min is not None and self.max is not None:
            return f"between {self.min:g} and {self.max:g}"
        if self.min is not None:
            return f"at least {self.min:g}"
        return f"at most {self.max:g}"

    def to_dict(self):
        """Return the JSON-ready specification."""
        return {
            "name": self.name,
            "type": self.type,
            "default": self.default,
            "min": self.min,
            "max": self.max,
            "step": self.step,
            "choices": None if self.choices is None else list(self.choices),
            "help": self.help,
            "typical": None if self.typical is None else list(self.typical),
            "unit": self.unit,
            "none": self.none,
        }


def validate_params(owner, specs, params):
    """Return `params` complete and validated against `specs` (defaults filled in).

    Parameters
    ----------
    owner : str
        Name of the operation or lab, for messages.
    specs : sequence of Param
        The parameters it takes.
    params : mapping
        The values given.

    Raises
    ------
    ValueError
        If a name is unknown or a value is invalid; the message names both.
    """
    known = [spec.name for spec in specs]
    for key in params:
        if key not in known:
            valid = ", ".join(known) or "none"
            raise ValueError(f"{owner} has no parameter {key!r}; valid parameters: {valid}")
    return {spec.name: spec.validate(params.get(spec.name, spec.default)) for spec in specs}


@dataclass(frozen=True)
class Operation:
    """A registered operation: the function plus how to present and apply it.

    Attributes
    ----------
    function : callable
        ``function(image, *, **params)``, see :func:`operation`.
    category, title : str
        Where and how the operation is listed.
    params : tuple of Param
        Keyword-only parameters, in signature order.
    channels : {"each", "all", "grey", "colour"}
        What the function receives, see :func:`operation`.
    output : {"clip", "rescale", "mask", "labels"}
        How the result is mapped to uint8 for display.
    memory : float or callable
        Peak memory of a run in float64 copies of the input, see :func:`operation`.
    accepts : {"image", "mask"}
        What the function works on, see :func:`operation`.
    measures : bool
        Whether the function takes grey levels to measure as ``intensity=``.
    name_as : str or None
        What exported code calls the result, see :func:`operation`.
    chunking : int, callable, str or None
        How the operation runs on an image in chunks, see :func:`operation`.
    """

    function: Callable
    category: str
    title: str
    params: tuple[Param, ...]
    channels: str
    output: str
    memory: float | Callable[[dict], float] = DEFAULT_MEMORY
    accepts: str = "image"
    measures: bool = False
    name_as: str | None = None
    chunking: int | Callable[[dict], int] | str | None = None

    @property
    def name(self):
        return self.function.__name__

    @property
    def returns(self):
        """What the operation gives the next step: "image", "mask" or "labels"."""
        return self.output if self.output in ("mask", "labels") else "image"

    @property
    def result_name(self):
        """The variable exported code assigns the result to: "blurred", "mask", "labels"..."""
        if self.name_as:
            return self.name_as
        return self.returns if self.returns != "image" else RESULT_NAMES[self.category]

    @property
    def doc(self):
        return inspect.getdoc(self.function) or ""

    @property
    def summary(self):
        return self.doc.partition("\n")[0]

    def validate(self, params: Mapping[str, Any]) -> dict:
        """Return the complete, validated parameters (defaults filled in)."""
        return validate_params(self.name, self.params, params)

    def depth(self, params: Mapping[str, Any]) -> int | None:
        """Return how many pixels around each pixel its result depends on, or None if not local.

        A local operation gives the same result on the whole image as on chunks that each
        include that many pixels of their neighbours (the depth of Dask's ``map_overlap``).

        Examples
        --------
        >>> get_operation("gaussian_filter").depth({"sigma": 2.0})
        8
        >>> get_operation("threshold_otsu").depth({}) is None
        True
        """
        if isinstance(self.chunking, str) or self.chunking is None:
            return None
        params = self.validate(params)
        return self.chunking(params) if callable(self.chunking) else self.chunking

    def memory_bytes(self, shape, params: Mapping[str, Any]) -> int:
        """Return an upper estimate of the bytes a run on an image of `shape` allocates.

        It is ``memory`` × pixels × channels × 8 (one float64 per value), where the channels are
        those of the input (1, 3 or 4), or 3 for "colour" operations, which see RGB.

        Raises
        ------
        ValueError
            If a parameter is invalid.

        Examples
        --------
        >>> get_operation("gaussian_filter").memory_bytes((1000, 1000, 3), {})
        108000000
        """
        params = self.validate(params)
        channels = 3 if self.channels == "colour" else (shape[2] if len(shape) == 3 else 1)
        factor = self.memory(params) if callable(self.memory) else self.memory
        return math.ceil(factor * shape[0] * shape[1] * channels * 8)

    def to_dict(self):
        """Return the JSON-ready catalogue entry."""
        return {
            "name": self.name,
            "category": self.category,
            "title": self.title,
            "summary": self.summary,
            "doc": self.doc,
            "channels": self.channels,
            "output": self.output,
            "accepts": self.accepts,
            "returns": self.returns,
            "params": [param.to_dict() for param in self.params],
        }


def operation(
    *,
    category,
    title,
    params=(),
    channels="each",
    output="clip",
    memory=DEFAULT_MEMORY,
    accepts="image",
    measures=False,
    name_as=None,
    chunking=None,
):
    """Register the decorated function as an operation and return it unchanged.

    Parameters
    ----------
    category : str
        Catalogue section, one of :data:`CATEGORIES`.
    title : str
        Human-readable name.
    params : sequence of Param
        Specs of the keyword-only parameters, in signature order, with the
        signature's defaults (checked when the function is registered).
    channels : {"each", "all", "grey", "colour"}
        What the function receives, always float64 on a 0–255 scale:

        - "each": every RGB channel of a colour image in turn, as a 2-D
          array; it returns an array of the same shape. An alpha channel is
          kept unchanged.
        - "all": like "each", and the alpha channel too, so that geometric
          transforms move transparency with the pixels; the shape may change.
        - "grey": one 2-D array, colour being converted to grey first.
        - "colour": one H×W×3 array, grey being stacked to three equal
          channels; it returns H×W×3 or H×W. Alpha is dropped.

        "grey" and "colour" functions may return ``(array, info)`` with
        `info` a JSON-ready dict (see :class:`ndlab.Result`).
    output : {"clip", "rescale", "mask", "labels"}
        Mapping of the result to uint8, see :mod:`ndlab.convert`; "labels"
        paints an integer label image in colours and needs "grey" or
        "colour" channels.
    memory : float or callable, optional
        Peak memory of a run, as a number of float64 copies of the input
        (of its channels; of three for "colour"), ndlab's own copies
        included; or a function of the validated parameters giving it (an
        enlarging zoom). The page refuses, before running, what would not
        fit in the browser's memory (:meth:`Operation.memory_bytes`);
        ``tests/py/test_memory.py`` checks each value against the measured
        peak.
    accepts : {"image", "mask"}, optional
        "mask": a "grey" function that works on a boolean mask, made with
        :func:`ndlab.convert.foreground` from its `threshold` parameter
        when it receives values. In a pipeline it is given the previous
        step's mask as it is (labels as ``labels > 0``); any other function
        receives masks and labels as float64.
    measures : bool, optional
        The function takes a keyword ``intensity=None``, an array of the
        image's shape to measure instead of `image`; a pipeline passes its
        input (in grey), so a table of objects found in a mask reports the
        photograph's grey levels.
    name_as : str, optional
        What exported code calls the result ("blurred"); by default "mask",
        "labels", or a name for the category's images ("filtered").
    chunking : int, callable, {"histogram", "labels"} or None, optional
        How the operation runs on an image too large for one machine's pass, in chunks
        (:func:`ndlab.dask_script`):

        - an int, or a function of the validated parameters giving one: the operation is
          local, its result at a pixel depends on the pixels at most that far away (its
          footprint's half-width), so chunks that overlap by that much give the whole
          image's result; 0 for pixel-wise operations (the only chunking of "colour"
          ones, which the script applies to the Dask array itself);
        - "histogram": a threshold chosen from the 256-bin histogram of the whole image
          (Otsu's), computed in a first pass over all chunks;
        - "labels": connected objects numbered across chunks, and measured;
        - None (the default): no chunking gives the whole image's result exactly (a
          Fourier transform, a random seed drawn over the image, a shape change); the
          operation runs on the whole array, and the script and the page say so.

        ``tests/py/test_chunking.py`` checks every declared depth.

    Examples
    --------
    >>> @operation(category="filters", title="Negative")
    ... def negative(image):
    ...     '''Invert grey levels.'''
    ...     return 255 - image
    >>> get_operation("negative").title
    'Negative'
    >>> OPERATIONS.remove("negative")
    """
    OPERATIONS.check_category(category)
    if channels not in CHANNELS:
        raise ValueError(f"channels must be one of {CHANNELS}, got {channels!r}")
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {OUTPUTS}, got {output!r}")
    if output == "labels" and channels not in ("grey", "colour"):
        raise ValueError(f"output 'labels' needs channels 'grey' or 'colour', got {channels!r}")
    local = callable(chunking) or (isinstance(chunking, int) and chunking >= 0)
    if not (local or chunking is None or chunking in CHUNKINGS):
        raise ValueError(f"chunking must be a depth, a function, {CHUNKINGS} or None: {chunking!r}")
    if accepts not in ("image", "mask") or (accepts == "mask" and channels != "grey"):
        raise ValueError(
            f"accepts must be 'image', or 'mask' with channels 'grey', got {accepts!r}"
        )

    def register(function):
        check_signature(function, params, measures)
        OPERATIONS.add(
            Operation(
                function,
                category,
                title,
                tuple(params),
                channels,
                output,
                memory,
                accepts,
                measures,
                name_as,
                chunking,
            )
        )
        return function

    return register


def check_signature(function, params, measures):
    """Raise ValueError unless `function` takes ``image`` then, keyword-only, the `params` in
    their order with their defaults (and ``intensity=None`` when it `measures`).

    Examples
    --------
    >>> def blur(image, sigma=1.0): ...
    >>> check_signature(blur, [Param("sigma", "float", 1.0)], measures=False)
    Traceback (most recent call last):
    ...
    ValueError: blur: its signature must be (image, *, sigma=1.0), got (image, sigma=1.0)
    """
    signature = inspect.signature(function)
    arguments = signature.parameters.values()
    positional = [p.name for p in arguments if p.kind != p.KEYWORD_ONLY]
    keyword = {p.name: p.default for p in arguments if p.kind == p.KEYWORD_ONLY}
    intensity = keyword.pop("intensity", "absent")
    declared = [(param.name, param.default) for param in params]
    if (
        positional != ["image"]
        or intensity != (None if measures else "absent")
        or list(keyword.items()) != declared
    ):
        wanted = ", ".join(
            ["image", "*", *(f"{name}={default!r}" for name, default in declared)]
            + (["intensity=None"] if measures else [])
        )
        raise ValueError(f"{function.__name__}: its signature must be ({wanted}), got {signature}")


def get_operation(name) -> Operation:
    """Return the registered operation called `name`.

    Raises
    ------
    ValueError
        If there is no such operation; the message lists the valid names.
    """
    return OPERATIONS.get(name)


def operations() -> list[Operation]:
    """Return all operations, ordered by category then declaration order."""
    return OPERATIONS.all()
