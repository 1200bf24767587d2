"""Tests of the .mat round trip lab (ndlab/labs/io.py)."""

import io

import numpy as np
import pytest
import scipy.io as sio

from ndlab import labs


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "uint8", "complex128", "bool"])
@pytest.mark.parametrize("compress", [False, True])
def test_mat_round_trip(dtype, compress):
    result = labs.run("mat_roundtrip", rows=5, cols=7, dtype=dtype, compress=compress)
    matrix, vector = result.outputs["tables"][0]["rows"]
    assert matrix[1:3] == ["(5, 7)", "(5, 7)"]
    assert matrix[4] == ("uint8" if dtype == "bool" else dtype)
    assert matrix[5] is True and vector[5] is True
    assert vector[2] == "(1, 7)"
    assert result.outputs["values"]["file_bytes"] > 0
    data_bytes = np.dtype(dtype).itemsize * 5 * 7 + 8 * 7  # the matrix, and 7 float64s
    assert f"bytes for {data_bytes} bytes of data" in result.outputs["text"][0]


def test_compression_shrinks_large_files_and_oned_as_column():
    plain = labs.run("mat_roundtrip", rows=100, cols=100).outputs["values"]["file_bytes"]
    small = labs.run("mat_roundtrip", rows=100, cols=100, compress=True).outputs["values"]
    assert small["file_bytes"] < plain / 4
    column = labs.run("mat_roundtrip", oned_as="column").outputs["tables"][0]["rows"][1]
    assert column[2] == "(4, 1)"


@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_compressed_size_is_that_of_the_chapter_matrix(dtype):
    """The compressed size depends on the values: SciPy's own savemat of the matrix the lab's
    code builds (0 to 6 repeating) and of its vector gives the same bytes."""
    matrix = (np.arange(5 * 7).reshape(5, 7) % 7).astype(dtype)
    buffer = io.BytesIO()
    arrays = {"matrix": matrix, "vector": np.linspace(0, 1, 7)}
    sio.savemat(buffer, arrays, do_compression=True, oned_as="row")
    result = labs.run("mat_roundtrip", rows=5, cols=7, dtype=dtype, compress=True)
    assert result.outputs["values"]["file_bytes"] == buffer.tell()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"dtype": "float16"}, "dtype must be one of"),
        ({"rows": 0}, "rows must be between 1 and 200"),
    ],
)
def test_bad_parameters_are_refused(params, message):
    with pytest.raises(ValueError, match=message):
        labs.run("mat_roundtrip", **params)
