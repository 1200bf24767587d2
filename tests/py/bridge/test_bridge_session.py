"""The session: inputs kept by id, slider previews drafted from measured costs, released whole."""

from types import SimpleNamespace

import numpy as np
import pytest

import ndlab
from cases import call_job
from ndlab.bridge import jobs
from ndlab.bridge.session import Session, UnknownInput
from ndlab.draft import MAX_FACTOR, shrink
from ndlab.samples import random_blobs

PHOTO = random_blobs((384, 384), seed=1, scale=10.0)


@pytest.fixture
def session(monkeypatch):
    """The worker's session, fresh for each test."""
    fresh = Session()
    monkeypatch.setattr(jobs, "SESSION", fresh)
    return fresh


@pytest.fixture
def photo(session):
    """A 384×384 colour input kept by the page's bridge."""
    rgba = np.dstack([PHOTO, PHOTO[::-1], PHOTO.T, np.full_like(PHOTO, 255)])
    return call_job("load", rgba)[0]["input"]


def _run(input_id, steps, preview):
    request = {"input": input_id, "steps": steps, "histogram": not preview, "preview": preview}
    meta, buffers = call_job("pipeline", **request)
    return buffers["image"], meta


def test_a_preview_is_a_draft_when_the_full_run_was_slow(session, photo):
    blur = [{"name": "gaussian_filter", "params": {"sigma": 2}}]
    _, meta = _run(photo, blur, preview=True)
    assert meta["draft"] == 1  # nothing measured yet: full size
    assert meta["code"] is not None
    # that run cost what it cost; say it cost a second, as on a slow machine
    session.costs[photo, 0, "gaussian_filter"] = 1000.0
    steps = [{"name": "gaussian_filter", "params": {"sigma": 4}}]
    out, meta = _run(photo, steps, preview=True)
    factor = meta["draft"]
    assert factor == MAX_FACTOR
    assert meta["code"] is None
    assert meta["display_shape"] == [384, 384]
    # the draft equals ndlab's own run on the shrunk input with sigma divided by the factor
    image, _ = session.inputs[photo]
    draft = [{"name": "gaussian_filter", "params": {"sigma": 1.0}}]
    expected = ndlab.run_pipeline(shrink(image, factor), draft)
    assert np.array_equal(out[..., :3], expected.image)
    # let go: the exact full-size result, whatever the earlier cost
    out, meta = _run(photo, steps, preview=False)
    assert meta["draft"] == 1 and out.shape == (384, 384, 4)
    assert np.array_equal(out[..., :3], ndlab.run_pipeline(image, steps).image)
    assert "sigma=4.0" in meta["code"]


def test_a_preview_of_a_fast_step_is_the_exact_result(session, photo):
    steps = [{"name": "flip", "params": {"axis": "vertical"}}]
    _run(photo, steps, preview=False)
    session.costs[photo, 0, "flip"] = session.costs[photo, None, None] = 1.0
    out, meta = _run(photo, [{"name": "flip", "params": {"axis": "horizontal"}}], preview=True)
    assert meta["draft"] == 1 and out.shape == (384, 384, 4)


def test_cached_steps_cost_nothing_in_the_estimate(session, photo):
    blur = {"name": "gaussian_filter", "params": {"sigma": 2}}
    steps = [blur, {"name": "threshold_global", "params": {"threshold": 100}}]
    _run(photo, steps, preview=False)
    session.costs[photo, 0, "gaussian_filter"] = 1000.0  # cached: not run again
    session.costs[photo, 1, "threshold_global"] = 3.0
    session.costs[photo, None, None] = 1.0
    assert session.cost(photo, steps) == 1.0  # all cached: the display only
    edited = [blur, {"name": "threshold_global", "params": {"threshold": 120}}]
    assert session.cost(photo, edited) == 4.0
    assert session.cost(photo, [blur, {"name": "threshold_otsu"}]) is None  # never measured there


def test_release_forgets_the_drafts(session, photo):
    session.costs[photo, 0, "gaussian_filter"] = 1000.0
    session.costs[photo, None, None] = 0.0
    _run(photo, [{"name": "gaussian_filter", "params": {"sigma": 3}}], preview=True)
    assert any(key[0] == photo for key in session.drafts)
    call_job("release", input=photo)
    assert not any(key[0] == photo for key in session.drafts)
    assert not any(key[0] == photo for key in session.costs)
    owners = {key[0] for key in session.cache._entries}
    assert not owners & {photo, *((photo, factor) for factor in range(2, MAX_FACTOR + 1))}
    with pytest.raises(UnknownInput, match="load it again"):
        session.input(photo)


def test_held_bytes_count_the_inputs_their_drafts_and_the_cache(session, photo):
    image, _ = session.inputs[photo]
    assert session.held_bytes() == image.nbytes
    session.costs[photo, 0, "gaussian_filter"] = 1000.0
    session.costs[photo, None, None] = 0.0
    _, meta = _run(photo, [{"name": "gaussian_filter", "params": {"sigma": 3}}], preview=True)
    small = session.drafts[photo, meta["draft"]]
    assert session.cache.nbytes > 0
    assert session.held_bytes() == image.nbytes + small.nbytes + session.cache.nbytes


def test_a_step_costs_its_computation_and_conversion_and_the_display_the_rest():
    """A run of 20 ms: a reused step (costs nothing now), a step of 3 + 2 ms, one of 4 + 1 ms."""
    steps = [SimpleNamespace(compute_ms=c, convert_ms=v) for c, v in ((9, 9), (3, 2), (4, 1))]
    timings = [{"reused": reused, "name": "blur"} for reused in (True, False, False)]
    result = SimpleNamespace(steps=steps, timings={"steps": timings})
    session = Session()
    session.record_costs("photo", result, 20.0)
    assert session.costs == {
        ("photo", 1, "blur"): 5,
        ("photo", 2, "blur"): 5,
        ("photo", None, None): 10.0,
    }
