"""ndlab.usercode: a learner's code run with image bound, its output, result, figures and errors."""

import io

import numpy as np
import pytest
from PIL import Image

import ndlab
from cases import call_job
from ndlab import interrupt, labs
from ndlab.bridge import jobs
from ndlab.bridge.pixels import to_rgba
from ndlab.usercode import REPR_LIMIT, describe, imports_matplotlib, picture, run_code

RNG = np.random.default_rng(15)
GREY = RNG.integers(0, 256, (40, 50), dtype=np.uint8)
RGB = RNG.integers(0, 256, (30, 20, 3), dtype=np.uint8)


@pytest.mark.parametrize("image", [GREY, RGB], ids=["grey", "rgb"])
@pytest.mark.parametrize("sigma", [0.5, 4.0])
def test_a_results_code_edited_gives_the_pipeline_at_the_new_setting(image, sigma):
    """The exported script, with its sigma changed, is the pipeline run at that sigma."""
    steps = [{"name": "gaussian_filter", "params": {"sigma": 2.0}}, {"name": "threshold_otsu"}]
    code = ndlab.run_pipeline(image, steps).code.replace("sigma=2.0)", f"sigma={sigma})")
    outcome = run_code(code, image=image)
    assert outcome.error is None, outcome.error
    steps[0]["params"]["sigma"] = sigma
    expected = ndlab.run_pipeline(image, steps)
    np.testing.assert_array_equal(outcome.result, expected.image)
    np.testing.assert_array_equal(outcome.picture, expected.image)
    assert outcome.stdout == f"{expected.info}\n"  # the script prints Otsu's threshold


def test_image_is_a_copy_and_the_last_expression_is_the_result():
    image = GREY.copy()
    outcome = run_code("image[:] = 0\nimage.sum() + 1", image=image)
    np.testing.assert_array_equal(image, GREY)
    assert outcome.result == 1 and outcome.picture is None and outcome.output is None
    assert run_code("data").result is None  # bound, to nothing
    # `result` wins over the last expression
    assert run_code("result = 'kept'\n'last'").result == "kept"
    assert run_code("x = 1").result is None


def test_output_and_warnings_are_captured():
    code = "import sys, warnings\nprint('out')\nprint('err', file=sys.stderr)\nwarnings.warn('w')"
    outcome = run_code(code)
    assert outcome.stdout == "out\n"
    assert outcome.stderr.startswith("err\n<your code>:4: UserWarning: w")


@pytest.mark.parametrize(
    ("value", "output", "expected"),
    [
        (np.array([[0, 7]], np.uint8), "clip", [[0, 7]]),
        (np.array([[True, False]]), "mask", [[255, 0]]),
        (np.array([[-1.0, 0.0, 3.0]]), "rescale", [[0, 64, 255]]),
        (np.array([[10, 20]], np.int64), "rescale", [[0, 255]]),
        (np.ones((2, 2, 1), np.uint8), "clip", [[1, 1], [1, 1]]),
    ],
)
def test_pictures_of_results(value, output, expected):
    shown, name = picture(value)
    assert name == output and shown.dtype == np.uint8
    np.testing.assert_array_equal(shown, expected)


@pytest.mark.parametrize(
    "value",
    [np.zeros(5), np.zeros((2, 2, 2)), np.zeros((0, 3)), np.array([[np.nan]]), [[1, 2]], "x"],
)
def test_what_is_not_an_image_is_not_shown(value):
    assert picture(value) == (None, None)


def test_a_syntax_error_points_at_its_line():
    error = run_code("x = 1\n\ny = (x +\nz = 2\n").error
    assert error["type"] == "SyntaxError" and error["line"] == 3
    assert 'File "<your code>", line 3' in error["traceback"]
    assert "ndlab" not in error["traceback"]


def test_a_runtime_error_points_at_the_learners_line_not_at_ndlab_or_scipy():
    code = (
        "from scipy import ndimage\n\n"
        "def blur(a):\n"
        "    return ndimage.gaussian_filter(a, sigma=[1, 2, 3])\n\n"
        "blur(image)\n"
    )
    error = run_code(code, image=GREY.astype(float)).error
    assert error["type"] == "RuntimeError" and error["line"] == 4
    lines = error["traceback"].splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[1] == '  File "<your code>", line 6, in <module>'
    assert "usercode.py" not in error["traceback"]  # ndlab's own frames are left out
    assert "scipy" in error["traceback"]  # the library's frames below the learner's stay
    # an error in the last expression, and one raised before any line of the code ran
    assert run_code("x = 1\nx / 0").error["line"] == 2
    assert run_code("raise SystemExit(3)").error == {
        "type": "SystemExit",
        "message": "3",
        "line": 1,
        "traceback": "Traceback (most recent call last):\n"
        '  File "<your code>", line 1, in <module>\n'
        "    raise SystemExit(3)\nSystemExit: 3\n",
    }


def test_output_printed_before_an_error_is_kept():
    outcome = run_code("print('before')\n1 / 0")
    assert outcome.stdout == "before\n" and outcome.error["type"] == "ZeroDivisionError"


class Buffer(list):
    """Stands for the page's shared interrupt buffer: cancel after `after` reads."""

    def __init__(self, after):
        super().__init__([0])
        self.after = after

    def __getitem__(self, index):
        self.after -= 1
        if self.after == 0:
            self[0] = 2
        return super().__getitem__(index)


def test_an_endless_loop_stops_when_cancelled():
    interrupt.install(Buffer(after=3))
    try:
        with pytest.raises(KeyboardInterrupt):
            run_code("n = 0\nwhile True:\n    n += 1\n")
    finally:
        interrupt.install(None)
    # the trace function is removed again: later code runs at full speed, untraced
    import sys

    assert sys.gettrace() is None


def test_figures_come_back_as_png_and_are_closed():
    code = (
        "import matplotlib.pyplot as plt\n"
        "plt.plot([1, 3, 2])\n"
        "plt.figure(figsize=(2, 1))\n"
        "plt.imshow(image)\n"
        "plt.show()\n"
    )
    outcome = run_code(code, image=GREY)
    assert outcome.error is None and outcome.stderr == ""
    sizes = [Image.open(io.BytesIO(png)).size for png in outcome.figures]
    assert sizes == [(640, 480), (200, 100)]  # matplotlib's 100 dpi
    assert run_code("import matplotlib.pyplot as plt\nplt.get_fignums()").result == []


def test_imports_matplotlib():
    assert imports_matplotlib("from matplotlib import pyplot")
    assert imports_matplotlib("def f():\n    import matplotlib.pyplot as plt")
    assert not imports_matplotlib("import matplotlibx")
    assert not imports_matplotlib("import (")


def test_the_bridge_returns_pixels_values_npy_and_figures():
    input_id = call_job("load", to_rgba(GREY))[0]["input"]
    meta, buffers = call_job("code", input=input_id, code="result = image / 2.0")
    assert meta["user_error"] is None and meta["result"]["output"] == "rescale"
    assert meta["result"]["range"] == [GREY.min() / 2, GREY.max() / 2]
    np.testing.assert_array_equal(np.load(io.BytesIO(buffers["bytes"])), GREY / 2.0)
    np.testing.assert_array_equal(buffers["values"], (GREY / 2.0).astype(np.float32))
    np.testing.assert_array_equal(buffers["image"][..., 0], picture(GREY / 2.0)[0])
    assert buffers["figures"] == []
    # the code's own error travels as user_error; ndlab's own, as error
    meta, _ = call_job("code", input=input_id, code="result = nope")
    assert meta["user_error"]["type"] == "NameError"
    meta, _ = call_job("code", input=10**9, code="result = 1")
    assert meta["error"]["type"] == "UnknownInput"
    # a lab's table, read as the lab reads it, and its script finding the chapter's files
    meta, _ = call_job("code", input=None, code="data.sum()", data="year,n\n1900,20\n1901,1")
    assert meta["result"] == {"repr": "np.float64(3822.0)"}
    code = labs.run("population_periodicity").code
    meta, _ = call_job("code", input=None, code=code, data=None)
    assert meta["user_error"] is None
    assert meta["stdout"].startswith(f"hare_period: {expected_hare_period()}\n")
    call_job("release", input=input_id)


def expected_hare_period():
    """The hares' dominant period, as the chapter computes it (its steps written out)."""
    from scipy import fft

    years, hares = np.loadtxt(jobs.CHAPTER_FILES / "populations.txt")[:, :2].T
    power = np.abs(fft.rfft(hares - hares.mean())) ** 2
    periods = 1 / fft.rfftfreq(years.size, d=1.0)[1:]
    return periods[power[1:].argmax()]


def test_a_long_result_is_shown_cut_to_the_limit_with_an_ellipsis():
    long = "x" * (2 * REPR_LIMIT)
    shown = describe(long)
    assert len(shown) == REPR_LIMIT and shown.endswith("…")
    assert repr(long).startswith(shown[:-1])
    exact = "y" * (REPR_LIMIT - 2)  # its repr, with the quotes, is exactly the limit
    assert describe(exact) == repr(exact)
