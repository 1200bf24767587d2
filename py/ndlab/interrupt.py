"""Cancellation points for long computations.

Pyodide notices a cancel request only every few dozen interpreter steps, so an operation made of
a few long SciPy calls (one per colour channel) would run to its end. ndlab calls :func:`check`
between such calls instead. In CPython it does nothing; in the browser the worker passes the
page's shared interrupt buffer to :func:`install`.
"""

_buffer = None


def install(buffer):
    """Raise KeyboardInterrupt at the next :func:`check` once ``buffer[0]`` is non-zero.

    Parameters
    ----------
    buffer : sequence of int
        The page's shared ``Int32Array`` (in Pyodide, a proxy of it); the page writes 2 (SIGINT)
        into its first element to cancel.
    """
    global _buffer
    _buffer = buffer


def check():
    """Raise KeyboardInterrupt if a cancel was requested, and clear the request."""
    if _buffer is not None and _buffer[0]:
        _buffer[0] = 0  # so Pyodide's own polling does not raise a second time
        raise KeyboardInterrupt
