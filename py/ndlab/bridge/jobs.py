"""The jobs the worker runs in Python: one function each, all of one shape.

A job takes the request's fields (a dict, from the JSON the page sent; see static/protocol.js)
and at most one buffer the worker copied in (canvas pixels as :func:`alloc`'s array, or a file's
bytes), and returns the reply (a dict, sent as JSON) and the buffers that go back, copied out
once each: ``image`` (uint8 H×W×4 pixels), ``values`` (float32), ``bytes`` (a file) and
``figures`` (PNG files). The worker calls :func:`call`, which never raises: a failure is the
reply ``{"error": envelope}`` (:func:`ndlab.bridge.errors.envelope`). Every job works on
:data:`SESSION`, the inputs this Python holds.
"""

import contextlib
import io
import json
from pathlib import Path
from time import perf_counter

import numpy as np

from .. import dask_export
from ..reading import canonical, checked_array, read_array_file
from ..registry import get_operation
from ..usercode import describe, run_code
from .errors import envelope
from .memory import check_size
from .pixels import alloc, array_pixels, histogram, to_rgba
from .session import Session

#: What the worker calls (it fills the array of :func:`alloc` with the pixels of a load job).
__all__ = ["alloc", "call", "missing_chapter_files"]

#: The inputs of this Python, their step results and costs.
SESSION = Session()

#: The chapter's data files, where learners' code runs so that it finds them by name (the same
#: folder as ndlab.labs.data.DATA_DIR, named here so that running code does not import the labs).
CHAPTER_FILES = Path(__file__).resolve().parents[1] / "data"


def call(kind, request_json, buffer=None, progress=None):
    """Run job `kind` for the worker; never raises.

    Parameters
    ----------
    kind : str
        A key of :data:`JOBS` (the request's ``type``).
    request_json : str
        The request's other fields, as a JSON object.
    buffer : ndarray or bytes, optional
        The pixels (from :func:`alloc`) or the file's bytes the job reads.
    progress : callable, optional
        ``progress(fraction, message)``, for jobs that report progress (labs).

    Returns
    -------
    reply : str
        The reply as JSON, or ``{"error": {"type", "message", "hint", ...}}``.
    buffers : dict
        The buffers to send back, by name ({} on error).

    Examples
    --------
    >>> reply, buffers = call("load", "{}", np.full((2, 3, 4), 255, np.uint8))
    >>> json.loads(reply)["shape"], buffers
    ([2, 3], {})
    >>> json.loads(call("pipeline", '{"input": 0, "steps": []}')[0])["error"]["type"]
    'UnknownInput'
    """
    try:
        if kind not in JOBS:
            raise ValueError(f"unknown job {kind!r}; jobs: {', '.join(JOBS)}")
        request = json.loads(request_json)
        if not isinstance(request, dict):
            raise ValueError(f"a request must be a JSON object, got {request_json!r}")
        reply, buffers = JOBS[kind](request, buffer, progress)
        return json.dumps(reply, allow_nan=False), buffers
    except (Exception, KeyboardInterrupt) as exc:
        return json.dumps({"error": envelope(exc)}), {}


def _steps(request):
    steps = request.get("steps")
    if not isinstance(steps, list):
        raise ValueError(f"steps must be a JSON array, got {steps!r}")
    return steps


def load(request, pixels, progress=None):
    """Keep browser pixels as an input: grey as 2-D, opaque colour as RGB.

    The request may name the ``input`` id to keep them under, the page's choice (so that the job
    about them can follow at once); without it the next id is counted. Replies ``{"input": id,
    "shape", "dtype"}``.
    """
    check_size(*pixels.shape[:2])
    image = canonical(pixels)
    input_id = SESSION.keep(image, input_id=request.get("input"))
    return {"input": input_id, "shape": list(image.shape), "dtype": str(image.dtype)}, {}


def read_array(request, data, progress=None):
    """Keep the array of a ``.npy``, ``.npz`` or ``.mat`` file as an input, and show it.

    The request names the ``filename`` (its extension picks the format) and the ``variable`` to
    open from a ``.npz`` or ``.mat`` file ("" or none: the first usable one), see
    :func:`ndlab.reading.read_array_file`, the Dask script's reader too; `data` is the file's bytes.

    Replies ``{variables, variable, shape, dtype, scaled, range, input}``: the usable arrays of
    the file ([] for .npy), the one opened (null for .npy), whether its values were stretched to
    be shown and from what range (:func:`ndlab.bridge.pixels.array_pixels`), and the id pipelines
    run on (null, with ``problem`` saying why, for an array operations cannot take, such as one
    with NaN). Sends back its ``image``: 2-D is grey, H×W×3 and H×W×4 colour.
    """
    filename = request["filename"]
    array, variables, variable = read_array_file(
        bytes(data), filename, request.get("variable") or ""
    )
    check_size(*array.shape[:2])
    pixels, value_range = array_pixels(array)
    reply = {
        "variables": variables,
        "variable": variable,
        "shape": list(array.shape),
        "dtype": str(array.dtype),
        "scaled": value_range is not None,
        "range": value_range,
        "input": None,
    }
    try:
        reply["input"] = SESSION.keep(checked_array(array, filename), (filename, variable))
    except ValueError as exc:
        reply["problem"] = str(exc)
    return reply, {"image": to_rgba(pixels)}


def pipeline(request, buffer=None, progress=None):
    """Run a pipeline on an input, reusing the steps cached since the last edit.

    Request: ``input`` (an id), ``steps`` (``[{"name", "params"}]``), ``values`` (also send
    the last array's values as float32, to read them under the cursor; images only: masks and
    labels are read from their pixels), ``histogram`` (count the last array's values, images
    only; a slider preview leaves it out: counting costs about a third of the conversion),
    ``preview`` (a slider preview: when the steps to compute took longer than
    :data:`ndlab.draft.BUDGET_MS` at full size, run a draft on a copy k times smaller instead;
    ``draft`` in the reply is k, with the ``display_shape`` to show it at and no ``code``).

    Replies ``name, params, output, returns, info, infos`` (one per step), ``code, shape, dtype,
    range, histogram, channels_in, timings, draft``; sends back the last step's display as
    ``image``, and its ``values`` when asked for.
    """
    started = perf_counter()
    input_id = request["input"]
    result, factor = SESSION.run(input_id, _steps(request), request.get("preview", False))
    finishing = perf_counter()
    out = to_rgba(result.image)
    data = result.data
    returns = get_operation(result.name).returns
    value_range = [float(data.min()), float(data.max())]
    counted = request.get("histogram", True) and returns == "image"
    reply = {
        "name": result.name,
        "params": result.params,
        "output": result.output,
        "returns": returns,
        "info": result.info,
        "infos": [outcome.info for outcome in result.steps],
        "code": result.code,
        "shape": list(data.shape),
        "dtype": str(data.dtype),
        "range": value_range,
        "histogram": histogram(data, value_range=value_range) if counted else None,
        "channels_in": result.channels_in,
    }
    buffers = {"image": out}
    if request.get("values", False) and returns == "image":
        buffers["values"] = np.ascontiguousarray(data, np.float32)
    convert_ms = result.timings["convert_ms"] + 1000 * (perf_counter() - finishing)
    reply["timings"] = dict(result.timings, convert_ms=convert_ms)
    reply["draft"] = factor
    if factor == 1:
        SESSION.record_costs(input_id, result, 1000 * (perf_counter() - started))
    else:
        reply["code"] = None  # the code of the full run comes with it
        # the input's size when the steps keep the size, else the draft's enlarged
        same = data.shape[:2] == SESSION.draft(input_id, factor).shape[:2]
        shape = SESSION.input(input_id)[0].shape[:2] if same else np.multiply(out.shape[:2], factor)
        reply["display_shape"] = [int(n) for n in shape]
    return reply, buffers


def npy(request, buffer=None, progress=None):
    """Send back the pipeline's last array as a ``.npy`` file (``bytes``), from the cache.

    The array is the full-precision result: float64 values, bool for a mask, integers for
    labels; H×W×4 for colour with alpha. Request: ``input`` and ``steps`` as for
    :func:`pipeline`.
    """
    result, _ = SESSION.run(request["input"], _steps(request))
    return {}, {"bytes": _npy_bytes(result.data)}


def _npy_bytes(array):
    file = io.BytesIO()
    np.save(file, array, allow_pickle=False)
    return file.getvalue()


def dask_script(request, buffer=None, progress=None):
    """Reply the pipeline's Dask script and the notes on steps run whole: ``{script, notes}``.

    See :func:`ndlab.dask_script`; request: ``steps``.
    """
    steps = _steps(request)
    return {"script": dask_export.dask_script(steps), "notes": dask_export.dask_notes(steps)}, {}


def release(request, buffer=None, progress=None):
    """Forget input ``input``, its cached steps and drafts; replies ``{}``."""
    SESSION.release(request["input"])
    return {}, {}


def lab(request, buffer=None, progress=None):
    """Run SciPy lab ``name`` with ``params`` (a JSON object; ``data`` among them for a lab that
    takes a table); `progress` gets ``(fraction, message)`` from labs that report it.

    Replies ``{name, params, outputs, code, timings}``, see :func:`ndlab.labs.run`; an invalid
    parameter (not the data) is the error with ``"about": "parameters"``. ndlab.labs is
    imported on first use, so that start-up does not pay for it.

    Examples
    --------
    >>> json.loads(call("lab", '{"name": "quad_integral", "params": {"b": 0}}')[0])["outputs"][
    ...     "values"
    ... ]["integral"]
    0.0
    >>> json.loads(call("lab", '{"name": "quad_integral", "params": {"b": 99}}')[0])["error"][
    ...     "message"
    ... ]
    'b must be between -10 and 10, got 99'
    """
    from ..labs.core import get_lab, run

    params = request.get("params", {})
    if not isinstance(params, dict):
        raise ValueError(f"parameters must be a JSON object, got {params!r}")
    item = get_lab(request["name"])
    try:
        item.validate({key: value for key, value in params.items() if key != "data"})
    except ValueError as exc:
        return {"error": envelope(exc, about="parameters")}, {}
    try:
        result = run(item.name, progress=progress, **params)
    except MemoryError as exc:
        return {"error": envelope(exc, memory="labMemory")}, {}
    reply = {
        "name": result.name,
        "params": result.params,
        "outputs": result.outputs,
        "code": result.code,
        "timings": result.timings,
    }
    return reply, {}


def code(request, buffer=None, progress=None):
    """Run a learner's ``code`` with ``image`` bound to input ``input``'s array (null: None).

    ``data`` is bound to ``data``: a table given to a lab as text (bound as the float array
    :func:`ndlab.labs.data.parse_table` reads from it), a list of rows, or null for none. The code
    runs in the folder of the chapter's data files (:data:`CHAPTER_FILES`), so that a lab's script
    finds them by name as it would beside them (the worker fetches the pictures it names first,
    see :func:`missing_chapter_files`).

    Replies ``{stdout, stderr, user_error, result}``: `user_error` is the code's own error
    ``{type, message, line, traceback}`` or null; `result` describes ``result`` as
    :func:`pipeline` does (``output, returns, shape, dtype, range, histogram``), or ``{"repr"}``
    when it is not an image, or null. Sends back the ``figures`` drawn with matplotlib, as PNG
    files, and when ``result`` is an image its display (``image``), ``values`` and ``.npy`` file
    (``bytes``).
    """
    input_id = request.get("input")
    image = None if input_id is None else SESSION.input(input_id)[0]
    data = request.get("data")
    if isinstance(data, str):
        from ..labs.data import parse_table  # the labs are imported by then

        data = np.array(parse_table(data))
    elif data is not None:
        data = np.array(data, dtype=np.float64)
    here = CHAPTER_FILES if CHAPTER_FILES.is_dir() else "."
    with contextlib.chdir(here):
        outcome = run_code(request["code"], image=image, data=data)
    reply = {"stdout": outcome.stdout, "stderr": outcome.stderr, "user_error": outcome.error}
    buffers = {"figures": outcome.figures}
    if outcome.picture is None:
        reply["result"] = None if outcome.result is None else {"repr": describe(outcome.result)}
        return reply, buffers
    result = np.asarray(outcome.result)
    mask = outcome.output == "mask"
    reply["result"] = {
        "output": outcome.output,
        "returns": "mask" if mask else "image",
        "shape": list(result.shape),
        "dtype": str(result.dtype),
        "range": [float(result.min()), float(result.max())],
        "histogram": None if mask else histogram(result),
    }
    buffers.update(image=to_rgba(outcome.picture), bytes=_npy_bytes(result))
    if not mask:
        buffers["values"] = np.ascontiguousarray(result, np.float32)
    return reply, buffers


def missing_chapter_files(code):
    """Return the paths of the chapter's pictures that `code` names and the data folder lacks.

    The wheel holds the chapter's images decoded (``MV_HFV_012.jpg.npy``), for the labs; a
    learner's script opens the picture itself, so the worker fetches it into the folder before
    the :func:`code` job.

    Examples
    --------
    >>> [Path(p).name for p in missing_chapter_files("Image.open('MV_HFV_012.jpg')")]
    ['MV_HFV_012.jpg']
    >>> missing_chapter_files("np.loadtxt('populations.txt')")
    []
    """
    pictures = sorted(path.name.removesuffix(".npy") for path in CHAPTER_FILES.glob("*.*.npy"))
    return [
        str(CHAPTER_FILES / name)
        for name in pictures
        if name in code and not (CHAPTER_FILES / name).exists()
    ]


#: The jobs by request type (static/protocol.js's JOB).
JOBS = {
    "load": load,
    "read_array": read_array,
    "pipeline": pipeline,
    "npy": npy,
    "dask_script": dask_script,
    "release": release,
    "lab": lab,
    "code": code,
}
