"""The rules by which a file becomes the array ndlab runs on (ndlab/reading.py).

The references are written from each picture's known values by the rules measured in Chromium
(tests/browser/test_dask_export.py compares the Dask script with the page itself); the array
files' messages are those of the page (tests/py/bridge/test_bridge_jobs.py).
"""

import io

import numpy as np
import pytest
import scipy.io
from PIL import Image

from ndlab.reading import browser_rgba, canonical, checked_array, is_array_file, read_array_file


def reopened(picture, **options):
    """`picture` saved as PNG (or as `options` say) and opened again, as from a file."""
    buffer = io.BytesIO()
    picture.save(buffer, **{"format": "PNG", **options})
    return Image.open(io.BytesIO(buffer.getvalue()))


def test_sixteen_bits_keep_their_high_byte():
    values = np.arange(0, 65536, 7, dtype=np.uint16)[:9000].reshape(90, 100)
    rgba = browser_rgba(reopened(Image.fromarray(values)))
    assert rgba.dtype == np.uint8
    np.testing.assert_array_equal(rgba[..., 0], values >> 8)
    np.testing.assert_array_equal(canonical(rgba), values >> 8)


def test_transparency_is_kept_premultiplied_in_eight_bits():
    colour, alpha = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    rgba = np.dstack([colour, 255 - colour, colour // 2, alpha]).astype(np.uint8)
    got = browser_rgba(reopened(Image.fromarray(rgba))).astype(int)
    np.testing.assert_array_equal(got[..., 3], alpha)
    np.testing.assert_array_equal(got[alpha == 255], rgba[alpha == 255])
    assert (got[alpha == 0][:, :3] == 0).all()  # fully transparent: black
    # partly transparent: what 8 bits of colour × alpha keep, so a level at most (more when
    # alpha is small: the page's canvas cannot tell the colours apart)
    partly = (alpha > 0) & (alpha < 255)
    error = np.abs(got[..., :3] - rgba[..., :3].astype(int))[partly]
    assert error.max() <= 128 and (error[alpha[partly] > 128] <= 1).all()


@pytest.mark.parametrize(
    "orientation, turn", [(3, lambda a: a[::-1, ::-1]), (6, lambda a: np.rot90(a, -1))]
)
def test_the_exif_orientation_is_applied(orientation, turn):
    colour = np.random.default_rng(0).integers(0, 256, (30, 40, 3), dtype=np.uint8)
    picture = Image.fromarray(colour)
    exif = picture.getexif()
    exif[0x0112] = orientation
    rgba = browser_rgba(reopened(picture, exif=exif))
    np.testing.assert_array_equal(rgba[..., :3], turn(colour))


def test_arrays_are_read_as_the_page_reads_them():
    buffer = io.BytesIO()
    np.savez(buffer, flat=np.arange(4.0), image=np.ones((3, 5, 1)))
    array, variables, name = read_array_file(buffer.getvalue(), "a.npz")
    assert (array.shape, variables, name) == ((3, 5), ["image"], "image")
    with pytest.raises(ValueError, match="gaps.npy: image contains NaN"):
        checked_array(np.full((2, 2), np.nan), "gaps.npy")
    assert is_array_file("a.NPZ") and is_array_file("b.mat") and not is_array_file("c.png")


def mat_bytes(**arrays):
    buffer = io.BytesIO()
    scipy.io.savemat(buffer, arrays)
    return buffer.getvalue()


def test_a_npy_file_holds_one_array_and_no_variables():
    buffer = io.BytesIO()
    np.save(buffer, np.ones((3, 4, 1), np.float32))
    array, variables, variable = read_array_file(buffer.getvalue(), "one.npy")
    assert array.shape == (3, 4) and array.dtype == np.float32  # H×W×1 is grey
    assert variables == [] and variable is None


def test_mat_lists_and_chooses_variables():
    grey = np.arange(20.0).reshape(4, 5)
    rgb = np.zeros((4, 5, 3), np.uint8)
    data = mat_bytes(grey=grey, rgb=rgb, cube=np.zeros((2, 2, 2)), note=np.array(["hi"]))
    array, variables, variable = read_array_file(data, "lab.mat")
    assert variables == ["grey", "rgb"] and variable == "grey"
    np.testing.assert_array_equal(array, grey)
    array, _, variable = read_array_file(data, "lab.mat", "rgb")
    assert variable == "rgb" and array.dtype == np.uint8 and array.shape == (4, 5, 3)
    with pytest.raises(ValueError, match="no usable variable 'cube'; usable: grey, rgb"):
        read_array_file(data, "lab.mat", "cube")


def test_npz_object_arrays_are_listed_as_unusable():
    buffer = io.BytesIO()
    np.savez(buffer, objects=np.array([{"a": 1}], dtype=object), grey=np.eye(3))
    _, variables, variable = read_array_file(buffer.getvalue(), "mixed.npz")
    assert variables == ["grey"] and variable == "grey"
