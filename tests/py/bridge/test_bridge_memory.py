"""A run that would not fit is refused before it starts, and the scale it offers runs."""

import math

import numpy as np
import pytest

import ndlab
from cases import call_job, make_image
from ndlab.bridge import jobs, memory
from ndlab.bridge.pixels import to_rgba
from ndlab.bridge.session import Session


@pytest.fixture(autouse=True)
def session(monkeypatch):
    """A fresh session: an earlier test's inputs would count too."""
    monkeypatch.setattr(jobs, "SESSION", Session())


def load(rgba):
    return call_job("load", np.ascontiguousarray(rgba))[0]["input"]


def run(input_id, name, params):
    reply, buffers = call_job("pipeline", input=input_id, steps=[{"name": name, "params": params}])
    return reply, buffers.get("image")


def test_page_bridge_refuses_what_would_not_fit_and_says_at_what_scale_it_fits(monkeypatch):
    rgba = to_rgba(make_image("rgb", (300, 400)))
    needed = ndlab.estimate_memory("gaussian_filter", (300, 400, 3)) + 2 * rgba.nbytes
    monkeypatch.setattr(memory, "MEMORY_LIMIT", needed // 2)
    reply, out = run(load(rgba), "gaussian_filter", {})
    error = reply["error"]
    assert out is None
    kept = 300 * 400 * 3  # the input itself, held by the bridge
    # a copy at scale s beside the input: s² (needed + kept) + kept fits
    fit = math.floor(100 * math.sqrt((needed // 2 - kept) / (needed + kept))) / 100
    assert error["type"] == "MemoryError" and error["fit"] == fit == 0.67
    assert "Gaussian blur on this 400×300 colour image would need about" in error["message"]
    assert "at 67% of its width and height it fits" in error["message"]
    assert "downscale" in error["hint"]
    # at that scale it runs
    height, width = (math.floor(n * error["fit"]) for n in rgba.shape[:2])
    monkeypatch.setattr(jobs, "SESSION", Session())
    reply, out = run(load(rgba[:height, :width]), "gaussian_filter", {})
    assert "error" not in reply and out.shape == (height, width, 4)


@pytest.mark.parametrize(
    ("kind", "name", "params"),
    [
        ("rgb", "adjust_gamma", {"gamma": 2}),
        ("grey", "gaussian_filter", {"sigma": 3}),
        ("rgba", "median_filter", {"size": 5}),
        ("rgb", "rotate", {"angle": 30, "reshape": True}),
    ],
)
@pytest.mark.parametrize("room", [0.5, 0.8, 0.95])
def test_the_scale_offered_runs_while_the_refused_input_is_still_held(
    monkeypatch, kind, name, params, room
):
    """The page's refusal offers a scale; a copy scaled so (as image-view.js's `scaled` does)
    runs even before the refused input is let go (a page holds it until it is collected), and
    a copy a little larger does not: the offer and the check count the same bytes."""
    rgba = to_rgba(make_image(kind, (300, 400)))
    first = load(rgba)
    image, _ = jobs.SESSION.input(first)
    shape = image.shape
    needed = ndlab.estimate_memory(name, shape, **params) + 2 * rgba.nbytes + image.nbytes
    monkeypatch.setattr(memory, "MEMORY_LIMIT", int(room * needed))
    refused, _ = run(first, name, params)
    fit = refused["error"]["fit"]
    assert 0 < fit < 1

    def scaled(scale):
        return rgba[: math.floor(300 * scale), : math.floor(400 * scale)]

    reply, out = run(load(scaled(fit)), name, params)
    assert "error" not in reply, reply["error"]["message"]
    assert jobs.SESSION.input(first)[0] is image  # still held
    larger, _ = run(load(scaled(fit + 0.02)), name, params)
    assert larger["error"]["type"] == "MemoryError"


def test_an_image_over_the_limit_is_refused_saying_its_size_and_the_limit(monkeypatch):
    monkeypatch.setattr(memory, "MAX_PIXELS", 2**25)  # 33.554432 megapixels
    memory.check_size(2**12, 2**13)  # exactly the limit
    message = (
        r"the image has 35\.0 megapixels \(7000×5000\), more than the 33\.5544 megapixel limit; "
        "downscale it first"
    )
    with pytest.raises(ValueError, match=message):
        memory.check_size(5000, 7000)
