"""The one error envelope, and the one set of hints, of everything the page is told went wrong.

Every failure reaches the page as ``{"type", "message", "hint"}``, with ``fit`` for a run refused
for memory (:class:`ndlab.bridge.memory.NotEnoughMemory`) and ``about`` for a lab's invalid
parameter. The hints are written here only: the build writes :data:`HINTS` into ``hints.js``,
which static/protocol.js reads for the failures Python never sees (a worker that stopped, a start
that failed, a package or a file the site could not give).
"""

#: What the user is told to do, by situation (the keys are JavaScript names: protocol.js's HINTS).
HINTS = {
    "parameters": "Check the parameter values and try again.",
    "memory": "The image is too large for the browser's memory: downscale it or use a smaller one.",
    "labMemory": "The lab ran out of the browser's memory; try smaller sizes.",
    "kept": "Your image and settings are kept.",
    "bug": "This is a bug in ndlab; the page still works: try other settings, or report it.",
    "restarting": (
        "Python stopped working; a fresh Python is starting. Your image and settings are kept."
    ),
    "crashed": (
        "A fresh Python is starting; your image and settings are kept. "
        "Try a smaller image if this repeats."
    ),
    "startFailed": (
        "Python could not start. Reload the page; if it keeps failing, rebuild with "
        "`python3 build.py build`."
    ),
    "stalled": (
        "Check the connection and reload the page. If it stops at the same place again, try "
        "another browser (ndlab is tested in Firefox, Chrome and Safari's engine)."
    ),
    "unsupported": (
        "Open this page in a current Firefox, Chrome, Edge or Safari, with WebAssembly allowed "
        "(some locked-down settings turn it off)."
    ),
    "unknownSample": "See ndlab.samples().",
    "finiteArray": "Save the array with finite numbers only, then open it again.",
    "siteFile": "This site lacks one of its files: rebuild it (`python3 build.py build`).",
    "download": "Check the connection and try again: the page keeps what you had.",
    "packages": (
        "A package your code imports could not be loaded from this site. Rebuild it "
        "(`python3 build.py build`), or check the wheel given to `build.py package --wheel`."
    ),
}

#: What a run stopped by the page's Cancel says (Python raised KeyboardInterrupt, see
#: :mod:`ndlab.interrupt`): a cancellation, which the page shows as a note, not an error.
CANCELLED = "Cancelled: Python was interrupted and is still warm."


def envelope(exc, *, memory="memory", **extra):
    """Return the error envelope that tells the page about `exc`.

    Parameters
    ----------
    exc : BaseException
        What was raised.
    memory : str
        The hint for a MemoryError: ``"memory"`` (an image too large) or ``"labMemory"``.
    **extra
        More keys, such as ``about="parameters"``.

    Returns
    -------
    dict
        ``{"type", "message", "hint", ...}``. Every MemoryError has type ``"MemoryError"``
        (refused in advance, or raised by an allocation), with ``fit`` when refused in advance;
        a KeyboardInterrupt is the cancellation ``"AbortError"``; an exception that is not the
        user's (neither a ValueError nor a MemoryError) gets the hint that ndlab has a bug.

    Examples
    --------
    >>> envelope(ValueError("sigma must be finite, got nan"))["hint"]
    'Check the parameter values and try again.'
    >>> envelope(KeyboardInterrupt())["type"]
    'AbortError'
    """
    if isinstance(exc, KeyboardInterrupt):
        return {"type": "AbortError", "message": CANCELLED, "hint": HINTS["kept"], **extra}
    if isinstance(exc, MemoryError):
        error = {"type": "MemoryError", "message": str(exc), "hint": HINTS[memory], **extra}
        if hasattr(exc, "fit"):
            error["fit"] = exc.fit
        return error
    hint = HINTS["parameters"] if isinstance(exc, ValueError) else HINTS["bug"]
    return {"type": type(exc).__name__, "message": str(exc), "hint": hint, **extra}
