"""The bridge called by the Pyodide worker for labs: JSON in, JSON out."""

import json

from .core import catalog, get_lab, run

_HINTS = {
    ValueError: "Check the parameter values and try again.",
    MemoryError: "The lab ran out of the browser's memory; try smaller sizes.",
    KeyboardInterrupt: "The lab was cancelled.",
}
_BUG_HINT = "This is a bug in ndlab; the page still works: try other parameters or report it."


def catalog_json():
    """Return :func:`ndlab.labs.catalog` as a JSON string."""
    return json.dumps(catalog(), allow_nan=False)


def run_lab_json(name, params_json, progress=None):
    """Run lab `name`; never raises.

    Parameters
    ----------
    name : str
        Lab name.
    params_json : str
        JSON object of parameters.
    progress : callable, optional
        ``progress(fraction, message)``, called by labs that report progress.

    Returns
    -------
    str
        JSON with ``name, params, outputs, code, timings`` or, on error,
        ``{"error": {"type", "message", "hint"}}``, with ``"about":
        "parameters"`` when a parameter is invalid (not the data).

    Examples
    --------
    >>> json.loads(run_lab_json("quad_integral", '{"b": 0}'))["outputs"]["values"]["integral"]
    0.0
    >>> json.loads(run_lab_json("quad_integral", '{"b": 99}'))["error"]["message"]
    'b must be between -10 and 10, got 99'
    """
    try:
        params = json.loads(params_json)
        if not isinstance(params, dict):
            raise ValueError(f"parameters must be a JSON object, got {params_json!r}")
        item = get_lab(name)
        try:
            item.validate({key: value for key, value in params.items() if key != "data"})
        except ValueError as exc:
            return _error(exc, about="parameters")
        result = run(name, progress=progress, **params)
        reply = {
            "name": result.name,
            "params": result.params,
            "outputs": result.outputs,
            "code": result.code,
            "timings": result.timings,
        }
        return json.dumps(reply, allow_nan=False)
    except (Exception, KeyboardInterrupt) as exc:
        return _error(exc)


def _error(exc, **extra):
    """Return the error JSON reported for `exc`, with `extra` keys."""
    hint = next((text for kind, text in _HINTS.items() if isinstance(exc, kind)), _BUG_HINT)
    error = {"type": type(exc).__name__, "message": str(exc), "hint": hint, **extra}
    return json.dumps({"error": error})
