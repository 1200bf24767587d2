import io

import numpy as np
import pytest
import scipy.io

from ndlab.bridge.arrays_io import load_array


def mat_bytes(**arrays):
    buffer = io.BytesIO()
    scipy.io.savemat(buffer, arrays)
    return buffer.getvalue()


def test_a_npy_file_holds_one_array_and_no_variables():
    buffer = io.BytesIO()
    np.save(buffer, np.ones((3, 4, 1), np.float32))
    array, variables, variable = load_array(buffer.getvalue(), "one.npy")
    assert array.shape == (3, 4) and array.dtype == np.float32  # H×W×1 is grey
    assert variables == [] and variable is None


def test_mat_lists_and_chooses_variables():
    grey = np.arange(20.0).reshape(4, 5)
    rgb = np.zeros((4, 5, 3), np.uint8)
    data = mat_bytes(grey=grey, rgb=rgb, cube=np.zeros((2, 2, 2)), note=np.array(["hi"]))
    array, variables, variable = load_array(data, "lab.mat")
    assert variables == ["grey", "rgb"] and variable == "grey"
    np.testing.assert_array_equal(array, grey)
    array, _, variable = load_array(data, "lab.mat", "rgb")
    assert variable == "rgb" and array.dtype == np.uint8 and array.shape == (4, 5, 3)
    with pytest.raises(ValueError, match="no usable variable 'cube'; usable: grey, rgb"):
        load_array(data, "lab.mat", "cube")


def test_npz_object_arrays_are_listed_as_unusable():
    buffer = io.BytesIO()
    np.savez(buffer, objects=np.array([{"a": 1}], dtype=object), grey=np.eye(3))
    _, variables, variable = load_array(buffer.getvalue(), "mixed.npz")
    assert variables == ["grey"] and variable == "grey"
