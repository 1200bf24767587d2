"""Turn a lab's raw outputs into JSON-ready ones, and check them.

A lab function returns a dict with any of these keys; arrays and NumPy
scalars are allowed anywhere, so the lab's code stays plain:

- ``plots``: ``[{"id", "title", "x_label", "y_label", "series": [{"label",
  "x", "y", "kind"}], "log_y"?, "click"?}]`` with kind "line", "dashed" (a
  reference that should not hide the lines over it), "points", "step" or
  "bar" (a "step" value ``y[i]`` holds from ``x[i]`` to ``x[i + 1]``, so
  histograms pass their edges and the counts followed by 0);
  ``"click": {"x": "x0"}`` names the parameter that a click on the plot
  sets.
- ``heatmaps``: ``[{"id", "title", "extent": [xmin, xmax, ymin, ymax], "z",
  "range"?, "paths"?, "points"?, "click"?}]`` where ``z`` is a 2-D array
  whose row 0 lies at ``ymin`` (matplotlib's ``origin="lower"``) and
  ``range`` clips the colour scale. :func:`present` replaces ``z`` by a
  viridis RGBA image (row 0 at the top) as ``width, height, rgba_b64,
  colormap, range``; NaN pixels are transparent.
- ``tables``: ``[{"title", "columns", "rows"}]``.
- ``values``: ``{name: number or str}``.
- ``text``: ``[sentence, ...]``.
"""

import base64
import math
import numbers

import numpy as np

KINDS = ("line", "dashed", "points", "step", "bar")
SECTIONS = ("plots", "heatmaps", "tables", "values", "text")
#: How the page shows a number that is missing (None; NaN and infinities arrive as None), and the
#: labs' scripts print it.
MISSING = "—"
MAX_HEATMAP = (200, 400)  # height, width

#: Matplotlib's viridis at 0, 0.1, ..., 1, interpolated linearly in between.
VIRIDIS = (
    (68, 1, 84),
    (72, 36, 117),
    (65, 68, 135),
    (53, 95, 141),
    (42, 120, 142),
    (33, 145, 140),
    (34, 168, 132),
    (68, 191, 112),
    (122, 209, 81),
    (189, 223, 38),
    (253, 231, 37),
)


def present(raw):
    """Return JSON-ready outputs from a lab's raw outputs.

    Every section is present (empty if the lab did not fill it); arrays
    become lists, NumPy scalars Python numbers, and NaN or infinity None.

    Examples
    --------
    >>> present({"values": {"x": np.float64(np.nan), "n": np.int64(3)}})["values"]
    {'x': None, 'n': 3}
    """
    unknown = set(raw) - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown output sections {sorted(unknown)}; valid: {SECTIONS}")
    outputs = {key: raw.get(key, {} if key == "values" else []) for key in SECTIONS}
    outputs["heatmaps"] = [_render(heatmap) for heatmap in outputs["heatmaps"]]
    return to_json(outputs)


def to_json(value):
    """Return `value` with arrays as lists, NumPy scalars as Python ones, NaN/inf as None."""
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return to_json(value.item())
    if isinstance(value, (list, tuple, np.ndarray)):
        return [to_json(item) for item in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.str_):
        return str(value)
    return value


def outline(outputs):
    """Return the outline of JSON-ready outputs: what sizes them on the page, without their data.

    Every section is kept as it is except the arrays: a plot's series keep
    their label and kind, not their ``x`` and ``y``; a heat map keeps its
    size, extent and range, not its pixels. The catalogue gives each lab the
    outline of its outputs with its default parameters
    (:func:`ndlab.labs.core.catalog`), so that an embedded demo can hold their
    room before Python has started and its first result does not move the
    page around it.

    Examples
    --------
    >>> plot = {"id": "p", "title": "T", "x_label": "x", "y_label": "y",
    ...         "series": [{"label": "s", "x": [0, 1], "y": [1, 2], "kind": "line"}]}
    >>> outline(present({"plots": [plot], "text": ["Done."]}))["plots"][0]["series"]
    [{'label': 's', 'kind': 'line'}]
    """
    plots = [
        {**plot, "series": [{"label": s["label"], "kind": s["kind"]} for s in plot["series"]]}
        for plot in outputs["plots"]
    ]
    heatmaps = [
        {key: value for key, value in heatmap.items() if key not in ("rgba_b64", "paths", "points")}
        for heatmap in outputs["heatmaps"]
    ]
    return {**outputs, "plots": plots, "heatmaps": heatmaps}


def colormap(t):
    """Return uint8 RGBA colours for `t` in [0, 1]; NaN gives transparent black.

    Examples
    --------
    >>> colormap(np.array([0.0, 1.0, np.nan])).tolist()
    [[68, 1, 84, 255], [253, 231, 37, 255], [0, 0, 0, 0]]
    """
    anchors = np.linspace(0, 1, len(VIRIDIS))
    table = np.asarray(VIRIDIS, dtype=np.float64)
    finite = np.isfinite(t)
    filled = np.where(finite, t, 0.0)
    rgb = np.stack([np.interp(filled, anchors, table[:, c]) for c in range(3)], axis=-1)
    alpha = np.where(finite, 255.0, 0.0)[..., np.newaxis]
    rgba = np.concatenate([rgb, alpha], axis=-1)
    rgba[~finite] = 0
    return np.rint(rgba).astype(np.uint8)


def _render(heatmap):
    heatmap = dict(heatmap)
    z = np.asarray(heatmap.pop("z"), dtype=np.float64)
    if z.ndim != 2 or z.shape[0] > MAX_HEATMAP[0] or z.shape[1] > MAX_HEATMAP[1]:
        raise ValueError(
            f"heat map {heatmap.get('id')!r} must be 2-D, at most 200×400, got {z.shape}"
        )
    finite = z[np.isfinite(z)]
    low, high = heatmap.get("range") or (
        (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
    )
    span = high - low if high > low else 1.0
    rgba = colormap(np.clip((z[::-1] - low) / span, 0, 1))
    heatmap.update(
        width=z.shape[1],
        height=z.shape[0],
        rgba_b64=base64.b64encode(rgba.tobytes()).decode("ascii"),
        colormap="viridis",
        range=[low, high],
    )
    return heatmap


def check_outputs(outputs):
    """Raise ValueError unless `outputs` is valid JSON-ready lab output.

    Checks the sections and keys described in the module docstring, that
    every number is a finite Python int or float (or None), that the ``x``
    and ``y`` of each series have equal lengths, that each table row has
    one cell per column, and that heat map pixels match their size.
    """
    _expect(set(outputs) == set(SECTIONS), f"sections must be {SECTIONS}, got {sorted(outputs)}")
    for plot in outputs["plots"]:
        where = f"plot {plot.get('id')!r}"
        _keys(plot, {"id", "title", "x_label", "y_label", "series"}, {"log_y", "click"}, where)
        for series in plot["series"]:
            _keys(series, {"label", "x", "y", "kind"}, set(), where)
            _expect(series["kind"] in KINDS, f"{where}: kind must be one of {KINDS}")
            _xy(series, f"{where}, series {series['label']!r}")
        _click(plot.get("click", {}), where)
    for heatmap in outputs["heatmaps"]:
        where = f"heat map {heatmap.get('id')!r}"
        required = {"id", "title", "extent", "width", "height", "rgba_b64", "colormap", "range"}
        _keys(heatmap, required, {"paths", "points", "click"}, where)
        _numbers(heatmap["extent"], where, 4)
        _numbers(heatmap["range"], where, 2)
        size = heatmap["height"] * heatmap["width"] * 4
        _expect(len(base64.b64decode(heatmap["rgba_b64"])) == size, f"{where}: pixel count")
        too_large = heatmap["height"] > MAX_HEATMAP[0] or heatmap["width"] > MAX_HEATMAP[1]
        _expect(not too_large, f"{where}: larger than {MAX_HEATMAP}")
        for path in heatmap.get("paths", []):
            _keys(path, {"label", "x", "y"}, set(), where)
            _xy(path, where)
        for point in heatmap.get("points", []):
            _keys(point, {"label", "x", "y"}, set(), where)
            _numbers([point["x"], point["y"]], where, 2)
        _click(heatmap.get("click", {}), where)
    for table in outputs["tables"]:
        where = f"table {table.get('title')!r}"
        _keys(table, {"title", "columns", "rows"}, set(), where)
        _expect(all(isinstance(column, str) for column in table["columns"]), f"{where}: columns")
        for row in table["rows"]:
            _expect(len(row) == len(table["columns"]), f"{where}: row {row} has the wrong length")
            _cells(row, where)
    _expect(isinstance(outputs["values"], dict), "values must be a dict")
    _cells(outputs["values"].values(), "values")
    _expect(all(isinstance(line, str) for line in outputs["text"]), "text must be strings")


def _expect(condition, message):
    if not condition:
        raise ValueError(message)


def _keys(entry, required, optional, where):
    _expect(isinstance(entry, dict), f"{where}: expected a dict, got {entry!r}")
    missing, extra = required - set(entry), set(entry) - required - optional
    _expect(
        not missing and not extra, f"{where}: missing {missing or '{}'}, unknown {extra or '{}'}"
    )


def _is_number(value):
    return value is None or (type(value) in (int, float) and math.isfinite(value))


def _numbers(values, where, length=None):
    values = list(values)
    _expect(length is None or len(values) == length, f"{where}: expected {length} numbers")
    _expect(all(_is_number(value) for value in values), f"{where}: numbers must be finite or None")


def _cells(values, where):
    for value in values:
        _expect(
            _is_number(value) or type(value) in (str, bool),
            f"{where}: {value!r} is not a finite number, a string or a bool",
        )


def _xy(entry, where):
    _expect(isinstance(entry["x"], list) and isinstance(entry["y"], list), f"{where}: x, y lists")
    _expect(len(entry["x"]) == len(entry["y"]), f"{where}: x and y differ in length")
    _numbers(entry["x"] + entry["y"], where)


def _click(click, where):
    _expect(set(click) <= {"x", "y"}, f"{where}: click keys must be x and y")
    _expect(all(isinstance(name, str) for name in click.values()), f"{where}: click names params")
