"""The jobs as the worker calls them: JSON and a buffer in, a reply and buffers out, no raise."""

import io
import json
import re

import numpy as np
import pytest
import scipy.io

import ndlab
from cases import call_job, make_image
from ndlab import labs
from ndlab.bridge import errors, jobs, memory, session
from ndlab.bridge.pixels import to_rgba
from ndlab.convert import rescale
from ndlab.reading import canonical


def load(rgba):
    reply, _ = call_job("load", rgba)
    return reply["input"]


def run(input_id, steps, **options):
    """Run a pipeline job; return its reply, its display and its values (None if not sent)."""
    reply, buffers = call_job("pipeline", input=input_id, steps=steps, **options)
    return reply, buffers.get("image"), buffers.get("values")


def call(name, rgba, params=None):
    """Load `rgba` and run one step on it, as the page does."""
    reply, out, _ = run(load(rgba), [{"name": name, "params": params or {}}])
    return out, reply


@pytest.mark.parametrize(
    ("kind", "channels_in"), [("grey_rgba", "grey"), ("rgba", "rgba"), ("opaque", "rgb")]
)
def test_run_steps_round_trip(kind, channels_in):
    rgba = make_image("grey_rgba" if kind == "grey_rgba" else "rgba")
    if kind == "opaque":
        rgba[..., 3] = 255
    out, meta = call("gaussian_filter", rgba, {"sigma": 1})
    assert out.dtype == np.uint8
    assert out.flags.c_contiguous
    assert out.shape == rgba.shape
    assert meta["channels_in"] == channels_in
    assert meta["shape"][:2] == list(rgba.shape[:2])
    assert meta["params"] == {"sigma": 1.0}
    assert meta["output"] == "clip" and meta["returns"] == "image"
    assert set(meta) == {
        "name",
        "params",
        "output",
        "returns",
        "info",
        "infos",
        "code",
        "shape",
        "dtype",
        "range",
        "histogram",
        "channels_in",
        "timings",
        "draft",
    }
    assert meta["draft"] == 1  # not a preview: full size
    assert set(meta["timings"]) == {"compute_ms", "convert_ms", "steps"}
    expected = ndlab.run("gaussian_filter", canonical(rgba), sigma=1).image
    np.testing.assert_array_equal(out, to_rgba(expected))


def test_grey_results_are_replicated_with_opaque_alpha():
    out, meta = call("threshold_otsu", make_image("rgba"))
    assert meta["info"]["threshold"] > 0 and meta["returns"] == "mask"
    assert (out[..., 0] == out[..., 1]).all() and (out[..., 0] == out[..., 2]).all()
    assert (out[..., 3] == 255).all()


def test_code_runs_on_the_canonical_image():
    rgba = make_image("rgba")
    rgba[..., 3] = 255
    out, meta = call("rotate", rgba, {"angle": 10})
    namespace = {"image": canonical(rgba)}
    exec(meta["code"], namespace)
    np.testing.assert_array_equal(to_rgba(namespace["result"]), out)
    assert out.shape[0] > rgba.shape[0]


def test_steps_run_on_full_precision_and_edits_reuse_the_steps_before():
    rgba = make_image("rgba")
    rgba[..., 3] = 255
    input_id = load(rgba)
    steps = [
        {"name": "gaussian_filter", "params": {"sigma": 1.5}},
        {"name": "rgb_to_grey"},
        {"name": "threshold_global", "params": {"threshold": 100.5}},
    ]
    meta, out, values = run(input_id, steps, values=True)
    assert values is None  # a mask is read from its pixels
    expected = ndlab.run_pipeline(canonical(rgba), steps)
    np.testing.assert_array_equal(out, to_rgba(expected.image))
    assert meta["code"] == expected.code and meta["dtype"] == "bool"
    steps[2]["params"]["threshold"] = 90
    meta, _, _ = run(input_id, steps)
    assert [s["reused"] for s in meta["timings"]["steps"]] == [True, True, False]
    meta, _, values = run(input_id, steps[:1], values=True)
    assert values.dtype == np.float32 and values.shape == expected.steps[0].data.shape
    np.testing.assert_allclose(values, expected.steps[0].data, rtol=1e-6)
    blurred = expected.steps[0].data
    low, high = blurred.min(), blurred.max()
    counted = meta["histogram"]["counts"]
    for channel in range(3):
        # np.histogram's bins, but for values within rounding of an edge
        reference = np.histogram(blurred[..., channel], bins=256, range=(low, high))[0]
        assert np.abs(np.array(counted[channel]) - reference).sum() <= 2
        # the definition, counted independently: bin floor((v - min) / (max - min) * 256)
        bins = np.minimum(((blurred[..., channel] - low) * (256 / (high - low))).astype(int), 255)
        assert counted[channel] == [int(np.sum(bins == b)) for b in range(256)]
    meta, _, values = run(input_id, steps[:1], histogram=False)  # a preview
    assert values is None and meta["histogram"] is None
    reply, buffers = call_job("npy", input=input_id, steps=steps[:2])
    saved = np.load(io.BytesIO(buffers["bytes"]))
    assert reply == {}
    np.testing.assert_array_equal(saved, expected.steps[1].data)
    call_job("release", input=input_id)
    error = run(input_id, steps)[0]["error"]
    assert error["type"] == "UnknownInput" and "load it again" in error["message"]


def test_histogram_is_of_the_values():
    data = npy_bytes(np.linspace(-3.0, 5.0, 100).reshape(10, 10))
    reply, _ = call_job("read_array", data, filename="a.npy")
    meta, _, _ = run(reply["input"], [{"name": "gaussian_filter"}])
    assert meta["histogram"]["range"] == meta["range"]
    assert -3 < meta["range"][0] < meta["range"][1] < 5
    assert sum(meta["histogram"]["counts"][0]) == 100
    assert meta["output"] == "rescale"


@pytest.mark.parametrize(
    ("name", "params_json", "message"),
    [
        ("gaussian_filter", '{"sigma": -1}', "sigma must be between 0 and 20, got -1"),
        ("gaussian_filter", '{"sigma": NaN}', "sigma must be finite, got nan"),
        ("blur", "{}", "unknown operation 'blur'"),
    ],
)
def test_value_errors_become_error_json(name, params_json, message):
    input_id = load(make_image("rgba"))
    request = f'{{"input": {input_id}, "steps": [{{"name": "{name}", "params": {params_json}}}]}}'
    reply, buffers = jobs.call("pipeline", request)
    assert buffers == {}
    error = json.loads(reply)["error"]
    assert error["type"] == "ValueError"
    assert error["message"].startswith(message)
    assert error["hint"] == "Check the parameter values and try again."


@pytest.mark.parametrize(
    ("exception", "hint"), [(MemoryError, "too large"), (ZeroDivisionError, "bug in ndlab")]
)
def test_other_exceptions_become_error_json(monkeypatch, exception, hint):
    def fail(*args, **kwargs):
        raise exception("boom")

    monkeypatch.setattr(session, "run_pipeline", fail)
    reply, buffers = call_job("pipeline", input=load(make_image("rgba")), steps=[])
    error = reply["error"]
    assert buffers == {}
    assert error["type"] == exception.__name__
    assert error["message"] == "boom"
    assert hint in error["hint"]


def test_a_cancel_is_a_cancellation_with_the_kept_hint(monkeypatch):
    """Python's KeyboardInterrupt (the page's Cancel) reaches the page as the worker sent it."""

    def cancel(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(session, "run_pipeline", cancel)
    reply, buffers = call_job("pipeline", input=load(make_image("rgba")), steps=[])
    assert buffers == {}
    assert reply["error"] == {
        "type": "AbortError",
        "message": "Cancelled: Python was interrupted and is still warm.",
        "hint": errors.HINTS["kept"],
    }
    assert "cancelled" in reply["error"]["message"].lower()


def test_invalid_json_is_reported():
    reply, _ = jobs.call("pipeline", '{"input": 1, "steps": [{sigma]}')
    error = json.loads(reply)["error"]
    assert error["type"] == "JSONDecodeError"
    assert error["hint"] == "Check the parameter values and try again."


def test_unknown_jobs_and_requests_that_are_not_objects_are_reported():
    error = json.loads(jobs.call("resize", "{}")[0])["error"]
    assert error["type"] == "ValueError" and "unknown job 'resize'" in error["message"]
    error = json.loads(jobs.call("pipeline", "[]")[0])["error"]
    assert "a request must be a JSON object" in error["message"]
    error = call_job("pipeline", input=1, steps="gaussian_filter")[0]["error"]
    assert "steps must be a JSON array" in error["message"]


def test_a_reply_that_is_not_strict_json_is_an_error_not_a_raise(monkeypatch):
    monkeypatch.setitem(jobs.JOBS, "release", lambda *args: ({"value": float("nan")}, {}))
    error = call_job("release", input=1)[0]["error"]
    assert error["type"] == "ValueError" and "JSON" in error["message"]


def test_oversized_images_are_refused(monkeypatch):
    monkeypatch.setattr(memory, "MAX_PIXELS", 100)
    error = call_job("load", make_image("rgba", shape=(11, 10)))[0]["error"]
    assert "megapixel limit" in error["message"] and "downscale" in error["message"]
    with pytest.raises(ValueError, match="megapixel"):
        jobs.alloc(20, 20)


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def mat_bytes(**arrays):
    buffer = io.BytesIO()
    scipy.io.savemat(buffer, arrays)
    return buffer.getvalue()


def read(data, filename, variable=""):
    reply, buffers = call_job("read_array", data, filename=filename, variable=variable)
    return buffers.get("image"), reply


@pytest.mark.parametrize(
    ("array", "scaled"),
    [
        (np.arange(12, dtype=np.uint8).reshape(3, 4), False),
        (np.linspace(-1, 1, 12).reshape(3, 4), True),
        (np.arange(12, dtype=np.int16).reshape(3, 4) * 100, True),
        (np.eye(3, 4, dtype=bool), False),
    ],
)
def test_read_npy_grey(array, scaled):
    out, meta = read(npy_bytes(array), "data.npy")
    assert out.shape == (3, 4, 4) and out.dtype == np.uint8
    assert meta["scaled"] is scaled
    assert meta["shape"] == [3, 4] and meta["dtype"] == str(array.dtype)
    assert meta["variables"] == [] and meta["variable"] is None
    if array.dtype == np.uint8:
        np.testing.assert_array_equal(out[..., 0], array)
    elif array.dtype == bool:
        np.testing.assert_array_equal(out[..., 0], np.where(array, 255, 0))
    else:
        assert out[..., 0].min() == 0 and out[..., 0].max() == 255
        assert meta["range"] == [float(array.min()), float(array.max())]
        np.testing.assert_array_equal(out[..., 0], rescale(array.astype(float)))
    assert (out[..., 3] == 255).all()


def test_read_npy_colour_and_non_finite_values():
    rgb = np.random.default_rng(0).random((5, 6, 3))
    rgb[0, 0, 0] = np.nan
    out, meta = read(npy_bytes(rgb), "colour.NPY")
    assert out.shape == (5, 6, 4) and meta["scaled"]
    assert out[0, 0, 0] == 0
    assert meta["input"] is None and "finite" in meta["problem"]
    rgba = np.random.default_rng(0).integers(0, 256, (5, 6, 4), dtype=np.uint8)
    out, _ = read(npy_bytes(rgba), "rgba.npy")
    np.testing.assert_array_equal(out, rgba)


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (npy_bytes(np.array([{"a": 1}], dtype=object)), "objects.npy", "Python objects"),
        (npy_bytes(np.zeros(5)), "line.npy", "got \\(5 float64\\)"),
        (npy_bytes(np.zeros((2, 2, 2))), "cube.npy", "2-D, H×W×3 or H×W×4"),
        (b"not an array", "junk.npy", "not a readable .npy file"),
        (b"x", "photo.png", "can open .npy, .npz and .mat"),
        (
            mat_bytes(name=np.array(["text"]), cube=np.zeros((2, 2, 2))),
            "empty.mat",
            "no numeric 2-D.*found: name .*, cube \\(2×2×2 float64\\)",
        ),
        (b"MATLAB junk", "junk.mat", "not a readable .mat file"),
    ],
)
def test_read_array_errors_are_json(data, filename, message):
    out, meta = read(data, filename)
    assert out is None
    assert meta["error"]["type"] == "ValueError"
    assert re.search(message, meta["error"]["message"])


def test_read_array_refuses_oversized_arrays(monkeypatch):
    monkeypatch.setattr(memory, "MAX_PIXELS", 10)
    _, meta = read(npy_bytes(np.zeros((4, 4))), "big.npy")
    assert "megapixel" in meta["error"]["message"]


def test_read_mat_shows_the_variable_chosen():
    grey = np.arange(20.0).reshape(4, 5)
    rgb = np.zeros((4, 5, 3), np.uint8)
    rgb[..., 1] = 200
    data = mat_bytes(grey=grey, rgb=rgb, cube=np.zeros((2, 2, 2)), note=np.array(["hi"]))
    out, meta = read(data, "lab.mat")
    assert meta["variables"] == ["grey", "rgb"]
    assert meta["variable"] == "grey" and meta["shape"] == [4, 5] and meta["scaled"]
    out, meta = read(data, "lab.mat", "rgb")
    assert meta["variable"] == "rgb" and not meta["scaled"]
    np.testing.assert_array_equal(out[..., :3], rgb)
    _, meta = read(data, "lab.mat", "cube")
    assert "no usable variable 'cube'; usable: grey, rgb" in meta["error"]["message"]


def test_read_npz():
    buffer = io.BytesIO()
    np.savez(buffer, first=np.ones((2, 3)), second=np.zeros((3, 3), np.uint8))
    out, meta = read(buffer.getvalue(), "arrays.npz", "second")
    assert meta["variables"] == ["first", "second"] and out.shape == (3, 3, 4)


def test_lab_job_matches_run():
    reply, buffers = call_job("lab", name="find_roots", params={"x0": -3})
    result = labs.run("find_roots", x0=-3)
    assert set(reply) == {"name", "params", "outputs", "code", "timings"} and buffers == {}
    assert reply["outputs"] == result.outputs
    assert reply["code"] == result.code
    assert reply["params"] == {"x0": -3.0, "method": "hybr"}


def test_lab_progress_reaches_the_callback():
    calls = []
    report = lambda *args: calls.append(args)  # noqa: E731
    call_job("lab", None, report, name="minimize_scalar_function", params={"niter": 2})
    assert len(calls) == 3


@pytest.mark.parametrize(
    ("request_json", "kind", "message"),
    [
        (
            '{"name": "find_roots", "params": {"x0": 99}}',
            "ValueError",
            "x0 must be between -10 and 10, got 99",
        ),
        ('{"name": "nope", "params": {}}', "ValueError", "unknown lab 'nope'"),
        ('{"name": "find_roots", "params": [1]}', "ValueError", "parameters must be a JSON object"),
        ('{"name": "find_roots", "params": {x0}', "JSONDecodeError", "Expecting property name"),
    ],
)
def test_lab_errors_become_error_json(request_json, kind, message):
    error = json.loads(jobs.call("lab", request_json)[0])["error"]
    assert error["type"] == kind
    assert error["message"].startswith(message)
    assert error["hint"] == "Check the parameter values and try again."


def test_lab_bugs_get_the_bug_hint(monkeypatch):
    def fail(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(labs.core, "run", fail)
    error = call_job("lab", name="find_roots", params={})[0]["error"]
    assert error == {"type": "ZeroDivisionError", "message": "boom", "hint": errors.HINTS["bug"]}


def test_a_lab_out_of_memory_gets_the_lab_hint(monkeypatch):
    def fail(*args, **kwargs):
        raise MemoryError("no room")

    monkeypatch.setattr(labs.core, "run", fail)
    error = call_job("lab", name="find_roots", params={})[0]["error"]
    assert error["type"] == "MemoryError" and error["hint"] == errors.HINTS["labMemory"]


def test_a_refused_lab_parameter_is_told_apart_from_refused_data():
    table = "1, 2\n3, 4\n5, 6\n7, 9"
    bad_parameter, _ = call_job("lab", name="fit_curve", params={"a": 99, "data": table})
    assert bad_parameter["error"]["about"] == "parameters"
    assert bad_parameter["error"]["message"] == "a must be between -5 and 5, got 99"
    bad_data, _ = call_job("lab", name="fit_curve", params={"data": "1, 2\n3, x"})
    assert "about" not in bad_data["error"] and "line 2, column 2" in bad_data["error"]["message"]


def test_pixels_are_kept_under_the_id_the_page_chose_and_a_run_follows():
    """The page chooses an id (static/api.js, from 2**31), so that its run can follow at once."""
    chosen = 2**31 + 12345
    reply, _ = call_job("load", make_image("rgba"), input=chosen)
    assert reply["input"] == chosen
    result, image, _ = run(chosen, [{"name": "gaussian_filter", "params": {"sigma": 1}}])
    assert "error" not in result and image is not None
    again, _ = call_job("load", make_image("rgba"), input=chosen)
    assert again["error"]["type"] == "ValueError" and "held already" in again["error"]["message"]
    call_job("release", input=chosen)


@pytest.mark.parametrize("chosen", [1, 2**53, 2.5, "7", True])
def test_an_id_outside_the_pages_range_is_refused(chosen):
    reply, _ = call_job("load", make_image("rgba"), input=chosen)
    assert reply["error"]["type"] == "ValueError"
    assert "from 2**31 to 2**53" in reply["error"]["message"]


def test_a_full_run_records_what_its_display_cost_beyond_its_steps(monkeypatch):
    """The job's clock read one second later each time: started, finishing, the display's
    conversion, the end, so the run cost 3000 ms, of which the steps' own are recorded apart."""
    seconds = iter(range(100))
    monkeypatch.setattr(jobs, "perf_counter", lambda: next(seconds))
    input_id = load(make_image("rgba"))
    run(input_id, [{"name": "gaussian_filter", "params": {}}])
    steps = jobs.SESSION.costs[input_id, 0, "gaussian_filter"]
    assert jobs.SESSION.costs[input_id, None, None] == pytest.approx(3000 - steps)


def test_a_chapter_picture_the_code_names_is_fetched_unless_it_is_there(tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "CHAPTER_FILES", tmp_path)
    np.save(tmp_path / "face.png.npy", np.zeros((2, 2)))
    np.save(tmp_path / "MV_HFV_012.jpg.npy", np.zeros((2, 2)))
    (tmp_path / "MV_HFV_012.jpg").write_bytes(b"fetched already")
    code = "Image.open('face.png'); Image.open('MV_HFV_012.jpg')"
    assert jobs.missing_chapter_files(code) == [str(tmp_path / "face.png")]
    assert jobs.missing_chapter_files("np.loadtxt('populations.txt')") == []
