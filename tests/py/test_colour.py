import numpy as np
import pytest

import ndlab
from cases import make_image
from ndlab.convert import GREY_WEIGHTS, clip


@pytest.mark.parametrize("kind", ["rgb", "rgba"])
def test_to_greyscale_uses_the_stated_weights(kind):
    image = make_image(kind)
    rgb = image[..., :3].astype(float)
    expected = 0.2125 * rgb[..., 0] + 0.7154 * rgb[..., 1] + 0.0721 * rgb[..., 2]
    result = ndlab.run("rgb_to_grey", image)
    assert GREY_WEIGHTS == (0.2125, 0.7154, 0.0721)
    np.testing.assert_allclose(result.data, expected)
    np.testing.assert_array_equal(result.image, clip(expected))


def test_to_greyscale_equals_the_grey_conversion_of_grey_operations():
    image = make_image("rgb")
    grey = ndlab.run("rgb_to_grey", image).data
    assert ndlab.run("threshold_global", image).data.tolist() == (grey > 127).tolist()


def test_grey_image_stays_the_same():
    image = make_image("grey")
    np.testing.assert_array_equal(ndlab.run("rgb_to_grey", image).image, image)


@pytest.mark.parametrize(("channel", "index"), [("red", 0), ("green", 1), ("blue", 2)])
def test_split_channel(channel, index):
    image = make_image("rgba")
    result = ndlab.run("split_channel", image, channel=channel)
    np.testing.assert_array_equal(result.image, image[..., index])
    assert result.image.ndim == 2
