import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ndlab
from cases import OPERATION_NAMES, OUTPUT_KINDS, make_image
from ndlab.registry import OPERATIONS, Param, get_operation, operation, operations


def blur(image, *, sigma=1.0, mode="reflect"):
    """A function to register (a signature to compare with its specs)."""
    return image


BLUR_PARAMS = [
    Param("sigma", "float", 1.0),
    Param("mode", "choice", "reflect", choices=("reflect",)),
]


@pytest.mark.parametrize(
    ("params", "measures"),
    [
        (BLUR_PARAMS[:1], False),  # a keyword the specs do not declare
        (BLUR_PARAMS[::-1], False),  # not in signature order
        ([Param("sigma", "float", 2.0), BLUR_PARAMS[1]], False),  # another default
        (BLUR_PARAMS, True),  # no intensity= to measure
    ],
)
def test_specs_that_do_not_match_the_signature_are_refused(params, measures):
    with pytest.raises(ValueError, match="blur: its signature must be"):
        operation(category="filters", title="Blur", params=params, measures=measures)(blur)


def test_parameters_are_keyword_only_after_the_image():
    def positional(image, /, sigma=1.0):
        return image

    with pytest.raises(ValueError, match=r"must be \(image, \*, sigma=1.0\)"):
        operation(category="filters", title="Blur", params=BLUR_PARAMS[:1])(positional)


def test_matching_specs_register():
    operation(category="filters", title="Blur", params=BLUR_PARAMS)(blur)
    try:
        assert get_operation("blur").params == tuple(BLUR_PARAMS)
    finally:
        OPERATIONS.remove("blur")


def test_operations_are_ordered_by_category():
    names = [op.name for op in operations()]
    assert names == OPERATION_NAMES
    assert names.index("sobel") < names.index("rotate") < names.index("threshold_otsu")


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("gaussian_filter", {"sigma": -1.0}, "sigma must be between 0 and 20, got -1.0"),
        ("gaussian_filter", {"sigma": 20.5}, "sigma must be between 0 and 20, got 20.5"),
        ("gaussian_filter", {"sigma": "2"}, "sigma must be a number, got '2'"),
        ("gaussian_filter", {"sigma": True}, "sigma must be a number, got True"),
        ("gaussian_filter", {"sigma": None}, "sigma must be a number, got None"),
        ("gaussian_filter", {"sigma": float("nan")}, "sigma must be finite, got nan"),
        ("gaussian_filter", {"sigma": float("inf")}, "sigma must be finite, got inf"),
        ("median_filter", {"size": 2.5}, "size must be an integer, got 2.5"),
        ("median_filter", {"size": 0}, "size must be between 1 and 25, got 0"),
        ("rotate", {"reshape": 1}, "reshape must be true or false, got 1"),
        ("rotate", {"reshape": "yes"}, "reshape must be true or false, got 'yes'"),
        ("binary_opening", {"iterations": np.int64(21)}, "iterations must be between 1 and 20"),
        ("sobel", {"sigma": 1.0}, "sobel has no parameter 'sigma'; valid parameters: none"),
        (
            "rotate",
            {"angel": 1.0},
            "rotate has no parameter 'angel'; valid parameters: angle, reshape",
        ),
    ],
)
def test_invalid_params_are_named_in_the_error(name, params, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(")):
        ndlab.run(name, make_image("grey", shape=(4, 4)), **params)


def test_integral_floats_are_accepted_for_int_params():
    assert ndlab.run("median_filter", make_image("grey"), size=5.0).params == {"size": 5}


NUMERIC = [
    (op, param) for op in operations() for param in op.params if param.type in ("float", "int")
]


@pytest.mark.parametrize(("op", "param"), NUMERIC, ids=lambda x: getattr(x, "name", ""))
@given(value=st.floats(allow_nan=True, allow_infinity=True) | st.integers(-1000, 1000))
def test_numeric_params_accept_exactly_the_valid_values(op, param, value):
    valid = (
        math.isfinite(value)
        and (param.min is None or param.min <= value)
        and (param.max is None or value <= param.max)
        and (param.type == "float" or value == int(value))
    )
    if valid:
        assert op.validate({param.name: value})[param.name] == value
    else:
        with pytest.raises(ValueError) as error:
            op.validate({param.name: value})
        assert str(error.value).startswith(f"{param.name} must be ")
        assert str(error.value).endswith(f"got {value!r}")


@given(value=st.text() | st.lists(st.integers()) | st.none() | st.booleans())
def test_non_numbers_are_rejected(value):
    with pytest.raises(ValueError, match="^sigma must be a number"):
        get_operation("gaussian_filter").validate({"sigma": value})


def test_choice_params():
    param = Param("mode", "choice", "reflect", choices=("reflect", "nearest"))
    assert param.validate("nearest") == "nearest"
    with pytest.raises(ValueError, match="mode must be one of 'reflect', 'nearest', got 'wrap'"):
        param.validate("wrap")
    assert param.to_dict()["choices"] == ["reflect", "nearest"]


def test_one_sided_ranges_are_described():
    with pytest.raises(ValueError, match="at least 1, got 0"):
        Param("n", "int", 1, min=1).validate(0)
    with pytest.raises(ValueError, match="at most 1, got 2"):
        Param("n", "int", 1, max=1).validate(2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"type": "str", "default": "a"}, "type must be one of"),
        ({"type": "choice", "default": "a"}, "choices must be given"),
        ({"type": "float", "default": 5.0, "max": 1.0}, "x must be at most 1, got 5.0"),
        # a control's step of 0 would freeze its slider in the page
        ({"type": "float", "default": 1.0, "step": 0}, "x: step must be positive, got 0"),
        ({"type": "float", "default": 1.0, "step": -0.99}, "step must be positive"),
    ],
)
def test_bad_param_specs_fail_at_declaration(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Param("x", **kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"category": "misc"},
        {"category": "filters", "channels": "rgb"},
        {"category": "filters", "output": "wrap"},
        {"category": "segmentation", "channels": "each", "output": "labels"},
    ],
)
def test_bad_operation_declarations_fail(kwargs):
    with pytest.raises(ValueError, match="must be one of|needs channels"):
        operation(title="Bad", **kwargs)


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_each_operations_keep_the_shape_and_others_declare_all(name):
    operation = get_operation(name)
    if operation.channels != "each":
        return
    image = make_image("rgba", shape=(9, 11))
    assert ndlab.run(name, image).image.shape == image.shape


def test_operation_names_are_unique():
    with pytest.raises(ValueError, match="already registered"):
        sobel = get_operation("sobel")
        operation(category="filters", title="Again", params=sobel.params)(sobel.function)


def test_unknown_operation_name_of_any_type():
    with pytest.raises(ValueError, match="unknown operation"):
        get_operation(["sobel"])


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_output_kind_is_the_declared_one(name):
    """Every operation's result is mapped as tests/py/cases.py says (a new operation adds its
    line there), whatever the input."""
    assert set(OUTPUT_KINDS) == set(OPERATION_NAMES)
    for kind in ("grey", "rgb"):
        assert ndlab.run(name, make_image(kind)).output == OUTPUT_KINDS[name]
