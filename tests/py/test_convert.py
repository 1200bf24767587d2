import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ndlab.convert import (
    GREY_WEIGHTS,
    channel_layout,
    check_image,
    clip,
    exact_uint8,
    is_grey,
    paint_mask,
    rescale,
    rgb_to_grey,
)


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (np.zeros((3, 3), complex), "boolean, integer or float dtype, got complex128"),
        (np.array([["a"]]), "boolean, integer or float dtype"),
        (np.zeros(5), r"got shape \(5,\)"),
        (np.zeros((3, 3, 2)), r"got shape \(3, 3, 2\)"),
        (np.zeros((1, 3, 3, 3)), r"got shape \(1, 3, 3, 3\)"),
        (np.zeros((0, 3, 4)), "empty"),
        (np.array([[1.0, np.nan]]), "NaN or infinite"),
        (np.array([[1.0, -np.inf]]), "NaN or infinite"),
    ],
)
def test_check_image_rejects(image, message):
    with pytest.raises(ValueError, match=message):
        check_image(image)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.int32, np.float16, np.float64])
@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (2, 3, 3), (2, 3, 4)])
def test_check_image_accepts(dtype, shape):
    image = np.ones(shape, dtype)
    assert check_image(image) is image


def test_check_image_accepts_lists():
    assert check_image([[1, 2], [3, 4]]).shape == (2, 2)


@given(arrays(np.uint8, st.tuples(st.integers(1, 5), st.integers(1, 5))), st.booleans())
def test_equal_colour_channels_are_grey_whatever_the_alpha(grey, with_alpha):
    channels = [grey] * 3 + ([255 - grey] if with_alpha else [])
    image = np.dstack(channels)
    assert is_grey(image)
    assert channel_layout(image) == "grey"


@pytest.mark.parametrize("channel", [0, 1, 2])
@pytest.mark.parametrize("depth", [3, 4])
def test_one_different_pixel_makes_colour(channel, depth):
    image = np.full((4, 5, depth), 9, np.uint8)
    image[3, 4, channel] = 10
    assert not is_grey(image)
    assert channel_layout(image) == ("rgb" if depth == 3 else "rgba")


def test_two_dimensional_images_are_grey():
    assert channel_layout(np.arange(6).reshape(2, 3)) == "grey"


def test_rgb_to_grey_uses_the_stated_weights():
    assert sum(GREY_WEIGHTS) == pytest.approx(1.0)
    rgb = np.zeros((1, 3, 3))
    rgb[0, [0, 1, 2], [0, 1, 2]] = 255
    np.testing.assert_allclose(rgb_to_grey(rgb)[0], 255 * np.array(GREY_WEIGHTS))


def test_clip_rounds_half_to_even_and_clips():
    data = np.array([-3.0, 0.5, 1.5, 2.4999, 254.6, 300.0])
    np.testing.assert_array_equal(clip(data), [0, 0, 2, 2, 255, 255])
    assert clip(data).dtype == np.uint8


@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e6, 1e6)))
def test_rescale_spans_0_to_255(data):
    result = rescale(data)
    assert result.dtype == np.uint8
    if data.min() == data.max():
        assert (result == 0).all()
    else:
        assert result.min() == 0
        assert result.max() == 255
        assert (np.diff(result[np.argsort(data, kind="stable")].astype(int)) >= 0).all()


def test_mask_maps_bool_to_0_and_255():
    np.testing.assert_array_equal(paint_mask(np.array([True, False])), np.array([255, 0], np.uint8))


def slow_is_grey(image):
    return bool((image[..., 0] == image[..., 1]).all() and (image[..., 1] == image[..., 2]).all())


@given(
    arrays(np.uint8, st.tuples(st.integers(1, 6), st.integers(1, 6), st.sampled_from([3, 4]))),
    st.booleans(),
    st.integers(0, 2),
)
def test_fast_grey_check_agrees_with_the_definition(image, make_grey, channel):
    if make_grey:
        image[..., 1] = image[..., 0]
        image[..., 2] = image[..., 0]
        image[-1, -1, channel] ^= np.uint8(1) if image.shape[0] > 1 else np.uint8(0)
    assert is_grey(image) == slow_is_grey(image)
    assert is_grey(image[:, ::-1]) == slow_is_grey(image)  # not contiguous: the generic path


@given(arrays(np.float64, st.integers(1, 30), elements=st.floats(-1e4, 1e4)))
def test_clip_equals_rint_then_np_clip(data):
    np.testing.assert_array_equal(clip(data), np.clip(np.rint(data), 0, 255).astype(np.uint8))


def test_mask_uses_truthiness_and_rescale_accepts_integers():
    np.testing.assert_array_equal(paint_mask(np.array([0.0, 0.5, 2.0])), [0, 255, 255])
    np.testing.assert_array_equal(rescale(np.array([2, 4, 6])), [0, 128, 255])


@pytest.mark.parametrize(
    ("values", "exact"),
    [
        ([0.0, 1.0, 255.0], True),
        ([0.0, 0.5], False),
        ([-1.0, 3.0], False),
        ([256.0, 3.0], False),
        ([1e300, 3.0], False),
    ],
)
def test_exact_uint8_only_when_every_value_survives(values, exact):
    image = np.array(values)
    small = exact_uint8(image)
    assert (small.dtype == np.uint8) == exact
    np.testing.assert_array_equal(small, image)
