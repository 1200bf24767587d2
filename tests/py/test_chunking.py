"""Every operation's declared chunking, checked by running the Dask script's steps in chunks.

The script of a one-step pipeline (``ndlab.dask_script``) is executed here, on Dask's
synchronous scheduler, over an image cut into chunks smaller than most footprints, and compared
with ``ndlab.run_pipeline`` on the whole image: local operations at parameters drawn by
hypothesis, every operation at its defaults on RGBA (Otsu's histogram, labels across chunks and
the operations gathered whole included), and each declared depth shown to be needed.
"""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import ndlab
from cases import OPERATION_NAMES, make_image
from dask_cases import assert_same, label_mapping, mapped_rows, run_chunked, script_namespace
from ndlab.registry import CHUNKINGS, get_operation

CHUNK = 16
SHAPE = (48, 70)
LOCAL = [name for name in OPERATION_NAMES if not isinstance(get_operation(name).chunking, str)]
LOCAL = [name for name in LOCAL if get_operation(name).chunking is not None]
#: Parameters at which an operation is local, where its defaults are not (noise 0 is estimated).
LOCAL_PARAMS = {"wiener": {"noise": 100.0}}


def values_image(seed=0):
    """A float image of grey levels 0–255 that no operation sees as whole numbers."""
    return np.random.default_rng(seed).uniform(0, 255, SHAPE)


def param_value(param):
    """A hypothesis strategy for the valid values of `param`."""
    if param.type == "bool":
        return st.booleans()
    if param.type == "choice":
        return st.sampled_from(param.choices)
    low, high = (param.min, param.max) if param.min is not None else param.typical
    if param.type == "int":
        return st.integers(0, int((high - low) // param.step)).map(
            lambda k: int(low + k * param.step)
        )
    return st.floats(low, high)


def test_every_operation_declares_how_it_runs_in_chunks():
    for name in OPERATION_NAMES:
        operation = get_operation(name)
        defaults = {param.name: param.default for param in operation.params}
        depth = operation.depth({**defaults, **LOCAL_PARAMS.get(name, {})})
        assert operation.chunking in CHUNKINGS or operation.chunking is None or depth >= 0
    assert {"gaussian_filter", "median_filter", "sobel", "binary_opening"} <= set(LOCAL)


@pytest.mark.parametrize("name", LOCAL)
@settings(max_examples=4)
@given(data=st.data())
def test_local_operations_in_chunks_equal_the_whole_image(name, data):
    operation = get_operation(name)
    params = {
        param.name: data.draw(param_value(param), label=param.name) for param in operation.params
    }
    assume(operation.depth(params) is not None)
    try:
        whole = ndlab.run_pipeline(values_image(), [(name, params)]).data
    except ValueError:
        assume(False)  # parameters that only conflict together (an upper level below the lower)
    chunked, _ = run_chunked(script_namespace([(name, params)]), values_image(), CHUNK)
    assert_same(chunked, whole, operation.returns)


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_every_operation_at_its_defaults_on_rgba(name):
    image = make_image("rgba", SHAPE)
    steps = [(name, LOCAL_PARAMS.get(name, {}))]
    whole = ndlab.run_pipeline(image, steps)
    chunked, infos = run_chunked(script_namespace(steps), image, CHUNK)
    operation = get_operation(name)
    assert_same(chunked, whole.data, operation.returns)
    if name == "label":
        mapping = label_mapping(chunked, whole.data)
        ((_, info),) = infos
        assert mapped_rows(info["table"], mapping) == sorted(whole.info["table"]["rows"])
    elif whole.info:
        assert [info for _, info in infos] == [whole.info]


def default_depth(name):
    operation = get_operation(name)
    return operation.depth(LOCAL_PARAMS.get(name, {}))


# threshold_local is not here: at one pixel less its mean moves by 1e-4 of a level, no pixel flips.
@pytest.mark.parametrize("name", [n for n in LOCAL if n != "threshold_local" and default_depth(n)])
def test_one_pixel_less_than_the_declared_depth_differs(name):
    steps = [(name, LOCAL_PARAMS.get(name, {}))]
    namespace = script_namespace(steps)
    in_chunks = namespace["in_chunks"]
    namespace["in_chunks"] = lambda function, image, depth, **options: in_chunks(
        function, image, depth - 1, **options
    )
    short, _ = run_chunked(namespace, values_image(), CHUNK)
    whole = ndlab.run_pipeline(values_image(), steps).data
    with pytest.raises(AssertionError):
        assert_same(short, whole, get_operation(name).returns)
