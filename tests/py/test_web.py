import json

import numpy as np
import pytest

import ndlab
from conftest import make_image
from ndlab import web


def call(name, rgba, params=None):
    out, meta = web.run_rgba(name, rgba, json.dumps(params or {}))
    return out, json.loads(meta)


@pytest.mark.parametrize(
    ("kind", "channels_in"), [("grey_rgba", "grey"), ("rgba", "rgba"), ("opaque", "rgb")]
)
def test_run_rgba_round_trip(kind, channels_in):
    rgba = make_image("grey_rgba" if kind == "grey_rgba" else "rgba")
    if kind == "opaque":
        rgba[..., 3] = 255
    out, meta = call("gaussian_filter", rgba, {"sigma": 1})
    assert out.dtype == np.uint8
    assert out.flags.c_contiguous
    assert out.shape == rgba.shape
    assert meta["channels_in"] == channels_in
    assert meta["shape"] == list(rgba.shape[:2])
    assert meta["params"] == {"sigma": 1.0}
    assert meta["output"] == "clip"
    assert set(meta) == {
        "name",
        "params",
        "output",
        "info",
        "code",
        "shape",
        "channels_in",
        "timings",
    }
    assert set(meta["timings"]) == {"compute_ms", "convert_ms"}
    expected = ndlab.run("gaussian_filter", web.canonical(rgba), sigma=1).image
    np.testing.assert_array_equal(out, web.to_rgba(expected))


def test_grey_results_are_replicated_with_opaque_alpha():
    out, meta = call("threshold_otsu", make_image("rgba"))
    assert meta["info"]["threshold"] > 0
    assert (out[..., 0] == out[..., 1]).all() and (out[..., 0] == out[..., 2]).all()
    assert (out[..., 3] == 255).all()


def test_code_runs_on_the_canonical_image():
    rgba = make_image("rgba")
    rgba[..., 3] = 255
    out, meta = call("rotate", rgba, {"angle": 10})
    namespace = {"image": web.canonical(rgba)}
    exec(meta["code"], namespace)
    np.testing.assert_array_equal(web.to_rgba(namespace["result"]), out)
    assert out.shape[0] > rgba.shape[0]


@pytest.mark.parametrize(
    ("name", "params_json", "message"),
    [
        ("gaussian_filter", '{"sigma": -1}', "sigma must be between 0 and 20, got -1"),
        ("gaussian_filter", '{"sigma": NaN}', "sigma must be finite, got nan"),
        ("blur", "{}", "unknown operation 'blur'"),
        ("sobel", "[1]", "parameters must be a JSON object"),
    ],
)
def test_value_errors_become_error_json(name, params_json, message):
    out, meta = web.run_rgba(name, make_image("rgba"), params_json)
    assert out.shape == (0, 0, 4) and out.dtype == np.uint8
    error = json.loads(meta)["error"]
    assert error["type"] == "ValueError"
    assert error["message"].startswith(message)
    assert error["hint"] == "Check the parameter values and try again."


@pytest.mark.parametrize(
    ("exception", "hint"),
    [
        (MemoryError, "too large"),
        (KeyboardInterrupt, "cancelled"),
        (ZeroDivisionError, "bug in ndlab"),
    ],
)
def test_other_exceptions_become_error_json(monkeypatch, exception, hint):
    def fail(*args, **kwargs):
        raise exception("boom")

    monkeypatch.setattr(web, "run", fail)
    out, meta = web.run_rgba("sobel", make_image("rgba"), "{}")
    error = json.loads(meta)["error"]
    assert out.shape == (0, 0, 4)
    assert error["type"] == exception.__name__
    assert error["message"] == "boom"
    assert hint in error["hint"]


def test_invalid_json_is_reported():
    error = json.loads(web.run_rgba("sobel", make_image("rgba"), "{sigma")[1])["error"]
    assert error["type"] == "JSONDecodeError"
    assert error["hint"] == "Check the parameter values and try again."


def test_oversized_images_are_refused(monkeypatch):
    monkeypatch.setattr(web, "MAX_PIXELS", 100)
    error = json.loads(web.run_rgba("sobel", make_image("rgba", shape=(11, 10)), "{}")[1])["error"]
    assert "megapixel limit" in error["message"] and "downscale" in error["message"]
    with pytest.raises(ValueError, match="megapixel"):
        web.alloc(20, 20)


def test_alloc_returns_writable_rgba():
    buffer = web.alloc(3, 5)
    assert buffer.shape == (3, 5, 4) and buffer.dtype == np.uint8 and buffer.flags.writeable


@pytest.mark.parametrize("name", list(ndlab.SAMPLES))
def test_sample_rgba(name):
    rgba = web.sample_rgba(name)
    assert rgba.dtype == np.uint8 and rgba.ndim == 3 and rgba.shape[2] == 4
    assert rgba.flags.c_contiguous
    assert (rgba[..., 3] == 255).all()


def test_unknown_sample():
    with pytest.raises(ValueError, match="unknown sample 'lena'; valid samples: blobs"):
        web.sample_rgba("lena")


def test_catalog_json_round_trips():
    assert json.loads(web.catalog_json()) == ndlab.catalog()


def test_canonical_layouts():
    rgba = make_image("rgba")
    assert web.canonical(rgba) is rgba
    rgba[..., 3] = 255
    assert web.canonical(rgba).shape == rgba.shape[:2] + (3,)
    assert web.canonical(make_image("grey_rgba")).ndim == 2
