import base64

import numpy as np
import pytest

from ndlab.labs.outputs import VIRIDIS, check_outputs, colormap, present


def plot(x, y):
    series = {"label": "s", "x": x, "y": y, "kind": "line"}
    return {"id": "p", "title": "t", "x_label": "x", "y_label": "y", "series": [series]}


def test_present_converts_numpy_and_fills_sections():
    outputs = present(
        {
            "plots": [plot(np.arange(3), np.array([1.0, np.inf, np.nan]))],
            "values": {"n": np.int64(2), "ok": np.True_, "name": np.str_("a")},
        }
    )
    assert outputs["plots"][0]["series"][0]["x"] == [0, 1, 2]
    assert outputs["plots"][0]["series"][0]["y"] == [1.0, None, None]
    assert outputs["values"] == {"n": 2, "ok": True, "name": "a"}
    assert outputs["heatmaps"] == outputs["tables"] == outputs["text"] == []
    check_outputs(outputs)


def test_present_refuses_unknown_sections():
    with pytest.raises(ValueError, match="unknown output sections"):
        present({"images": []})


def test_heatmap_row_zero_is_the_top():
    z = np.array([[0.0, 0.0], [1.0, np.nan]])  # row 0 at ymin
    heatmap = present({"heatmaps": [{"id": "h", "title": "t", "extent": [0, 1, 0, 1], "z": z}]})
    heatmap = heatmap["heatmaps"][0]
    pixels = np.frombuffer(base64.b64decode(heatmap["rgba_b64"]), np.uint8).reshape(2, 2, 4)
    assert pixels[0, 0].tolist() == [*VIRIDIS[-1], 255]
    assert pixels[0, 1].tolist() == [0, 0, 0, 0]
    assert pixels[1, 0].tolist() == [*VIRIDIS[0], 255]
    assert (heatmap["width"], heatmap["height"], heatmap["range"]) == (2, 2, [0.0, 1.0])
    check_outputs({"plots": [], "heatmaps": [heatmap], "tables": [], "values": {}, "text": []})


def test_heatmap_range_clips_and_size_is_limited():
    z = np.array([[-5.0, 5.0]])
    heatmap = {"id": "h", "title": "t", "extent": [0, 1, 0, 1], "z": z, "range": [0, 1]}
    pixels = base64.b64decode(present({"heatmaps": [heatmap]})["heatmaps"][0]["rgba_b64"])
    assert list(pixels) == [*VIRIDIS[0], 255, *VIRIDIS[-1], 255]
    with pytest.raises(ValueError, match="at most 200×400"):
        present({"heatmaps": [dict(heatmap, z=np.zeros((201, 3)))]})


def test_colormap_interpolates_between_anchors():
    middle = colormap(np.array([0.05]))[0]
    expected = np.rint((np.array(VIRIDIS[0]) + VIRIDIS[1]) / 2)
    assert middle[:3].tolist() == expected.tolist()


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        ({"plots": [plot([1, 2], [1])]}, "differ in length"),
        ({"plots": [plot([1], [np.float64(1)])]}, "finite or None"),
        ({"plots": [plot([1], [float("nan")])]}, "finite or None"),
        ({"values": {"x": [1]}}, "is not a finite number"),
        ({"tables": [{"title": "t", "columns": ["a"], "rows": [[1, 2]]}]}, "wrong length"),
        ({"text": [3]}, "text must be strings"),
    ],
)
def test_check_outputs_rejects(outputs, message):
    full = {"plots": [], "heatmaps": [], "tables": [], "values": {}, "text": [], **outputs}
    with pytest.raises(ValueError, match=message):
        check_outputs(full)
