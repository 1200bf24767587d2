"""What the page's Python may hold: the largest image, the bytes of one run, the cache's share.

A run is refused before it starts when :func:`ndlab.estimate_memory` says it would not fit, and
the refusal says at what scale of the image's width and height it would (the page offers to run
there). That scale must run: the estimate that refuses and the one that offers are the same, and
the offer counts the input refused as still held, beside its smaller copy.
"""

import math

from ..api import estimate_memory
from ..registry import get_operation

#: Largest accepted image, in pixels (about 160 MB as RGBA).
MAX_PIXELS = 40_000_000

#: Bytes one run may allocate. Chromium lets Pyodide's WebAssembly memory grow to 4 GiB
#: (measured: NumPy allocations succeed until the heap reaches 4.28 GB), but Pyodide 0.27.7 gives
#: JavaScript array addresses as signed 32-bit numbers, so a result placed above 2 GiB cannot be
#: copied out ("Start offset -1483882968 is outside the bounds of the buffer"). Runs keep to the
#: lower 2 GiB, less 128 MiB for Python, NumPy and SciPy themselves (75 MB when ready).
MEMORY_LIMIT = 2**31 - 2**27

#: Bytes of step results kept between runs, so that editing the last step reruns only it: a
#: quarter of what Python may use, room for the four float64 steps of a 10-megapixel photograph
#: in colour. A run that needs more memory first empties the cache.
CACHE_BYTES = 2**29


class NotEnoughMemory(MemoryError):
    """An operation refused before running: it would need more than :data:`MEMORY_LIMIT`.

    Attributes
    ----------
    fit : float
        The scale of the image's width and height at which the run fits.
    """

    def __init__(self, message, fit):
        super().__init__(message)
        self.fit = fit


def check_size(height, width):
    """Raise ValueError if a height × width image exceeds :data:`MAX_PIXELS`."""
    if height * width > MAX_PIXELS:
        raise ValueError(
            f"the image has {height * width / 1e6:.1f} megapixels ({width}×{height}), "
            f"more than the {MAX_PIXELS / 1e6:g} megapixel limit; downscale it first"
        )


def check_memory(name, shape, params, *, input_bytes, held_bytes):
    """Raise NotEnoughMemory if running `name` on an array of `shape` would not fit.

    The run needs the operation's estimate, its display (H×W×4 bytes, and as many again while
    it is copied out), and what Python holds already. At scale s of the width and height, the
    estimate, the display and a copy of the input shrink by s², and nothing else: the input
    refused stays held until the page lets it go, beside the smaller copy it runs on.

    Parameters
    ----------
    name : str
        Operation name.
    shape : tuple of int
        The array as the operation receives it.
    params : dict
        Its parameters.
    input_bytes : int
        Bytes of the input the pipeline started from (included in `held_bytes`).
    held_bytes : int
        Bytes Python holds during the run whatever it computes: the inputs, their drafts and
        the cached step results.

    Raises
    ------
    NotEnoughMemory
        If the run needs more than :data:`MEMORY_LIMIT`; the message says how much it needs and
        at what scale it fits.
    ValueError
        For an unknown operation or an invalid parameter.

    Examples
    --------
    >>> grey = (8000, 6000)
    >>> check_memory("flip", grey, {}, input_bytes=48_000_000, held_bytes=48_000_000)
    >>> check_memory("adjust_gamma", grey, {}, input_bytes=48_000_000, held_bytes=48_000_000)
    Traceback (most recent call last):
    ...
    ndlab.bridge.memory.NotEnoughMemory: Gamma correction on this 6000×8000 grey ... at 95% of ...
    """
    computed = estimate_memory(name, shape, **params) + 2 * 4 * shape[0] * shape[1]
    needed = computed + held_bytes
    if needed <= MEMORY_LIMIT:
        return
    fit = math.sqrt(max(MEMORY_LIMIT - held_bytes, 0) / (computed + input_bytes))
    fit = math.floor(100 * fit) / 100
    kind = "grey" if len(shape) == 2 else "colour"
    raise NotEnoughMemory(
        f"{get_operation(name).title} on this {shape[1]}×{shape[0]} {kind} image would need about "
        f"{needed / 1e9:.1f} GB, more than the {MEMORY_LIMIT / 1e9:.1f} GB Python can use in "
        f"the browser; at {fit:.0%} of its width and height it fits",
        fit,
    )
