"""Hostile and broken input: each gives a clear message, and the page and its image survive."""

import io
import shutil

import numpy as np
import pytest
import scipy.io
from PIL import Image

from pages import Guarded, page_pixels
from tools.layout import DIST
from tools.server import make_server, running


@pytest.fixture
def page(fresh, base_url):
    fresh.page.goto(base_url + "#sample=camera")
    fresh.wait_ready()
    fresh.page.locator("#result-caption", has_text="512×512").wait_for()
    return fresh.page


def png_bytes(array):
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def truncated_png():
    data = png_bytes(np.random.default_rng(0).integers(0, 256, (200, 200, 3), dtype=np.uint8))
    return data[: len(data) // 2]


def huge_png():
    buffer = io.BytesIO()
    Image.new("L", (20000, 20000), 90).save(buffer, format="PNG")
    return buffer.getvalue()


def object_npy():
    """A real .npy of Python objects: loading it would unpickle, which ndlab refuses."""
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    return buffer.getvalue()


def mat_without_arrays():
    buffer = io.BytesIO()
    scipy.io.savemat(buffer, {"note": "no numbers here"})
    return buffer.getvalue()


FILES = {
    "truncated.png": (truncated_png, "damaged or incomplete"),
    "text.png": (lambda: b"just some text, not a picture", "not an image"),
    "huge.png": (huge_png, "400 megapixels"),
    "empty.mat": (mat_without_arrays, "no"),
    "garbage.npy": (lambda: b"\x93NUMPY garbage", "npy"),
    "objects.npy": (object_npy, "object"),
}


@pytest.mark.parametrize("name", FILES)
def test_broken_file_is_refused_and_image_kept(page, tmp_path, name):
    make, expected = FILES[name]
    before = page_pixels(page, "document.querySelector('#original')")
    path = tmp_path / name
    path.write_bytes(make())
    page.set_input_files("#file-input", str(path))
    message = page.locator("#message")
    message.wait_for(state="visible")
    assert expected.lower() in message.inner_text().lower()
    assert np.array_equal(page_pixels(page, "document.querySelector('#original')"), before)
    # and the page still computes
    width = page.evaluate(
        "async () => (await ndlab.run('sobel', {}, await ndlab.loadSample('coins'))).image.width"
    )
    assert width == 384


@pytest.mark.parametrize(
    "params, name",
    [
        ({"sigma": "NaN"}, "sigma"),
        ({"sigma": None}, "sigma"),
        ({"sigma": 1e308}, "sigma"),
        ({"sigma": True}, "sigma"),
        ({"__class__": 1}, "__class__"),
        ({"sigma": [1, 2]}, "sigma"),
    ],
)
def test_hostile_parameters_are_named_in_the_error(page, params, name):
    error = page.evaluate(
        """async (params) => {
          try { await ndlab.run('gaussian_filter', params, await ndlab.loadSample('camera')); return null; }
          catch (e) { return {type: e.type, message: e.message}; }
        }""",
        params,
    )
    assert error is not None and error["type"] == "ValueError" and name in error["message"]


def test_infinite_parameter_from_js_is_refused(page):
    # JSON has no Infinity or NaN: they arrive as null, which is refused by name
    error = page.evaluate(
        """async () => {
          try { await ndlab.run('rotate', {angle: Infinity}, await ndlab.loadSample('camera')); return null; }
          catch (e) { return e.message; }
        }"""
    )
    assert error and "angle" in error


def test_unknown_operation_and_malformed_input(page):
    errors = page.evaluate(
        """async () => {
          const out = [];
          for (const [name, input] of [['no_such_op', await ndlab.loadSample('camera')],
                                       ['sobel', {data: new Uint8Array(7), width: 2, height: 2}],
                                       ['sobel', {data: new Uint8Array(0), width: 0, height: 0}],
                                       ['sobel', 'a string']]) {
            try { await ndlab.run(name, {}, input); out.push(null); } catch (e) { out.push(e.message); }
          }
          return out;
        }"""
    )
    assert "no_such_op" in errors[0]
    assert "Expected 16 bytes" in errors[1]
    assert "not valid" in errors[2]
    assert "ImageData" in errors[3]


def test_a_tampered_package_is_refused(browser, tmp_path):
    """A site whose SciPy differs from what pyodide-lock.json names never runs it: Python does
    not start, and the page says why. (The start-up snapshots, which hold the packages' files as
    the build checked them, are missing here, so that the wheel is what Python would load.)"""
    site = tmp_path / "site"
    shutil.copytree(DIST, site)
    for path in site.glob("snapshot/*.json*"):  # the snapshots' metadata, and .gz twins
        path.unlink()
    (wheel,) = site.glob("pyodide/h-*/scipy-*.whl")
    wheel.write_bytes(wheel.read_bytes() + b"tampered")
    with running(make_server(site, 0)) as url:
        guarded = Guarded(browser, url)
        page = guarded.page
        page.locator("#runtime-text", has_text="Python failed to start").wait_for()
        message = page.locator("#message").inner_text()
        guarded.close()
    assert "is not the file pyodide-lock.json names" in message and "scipy-1.14.1" in message
