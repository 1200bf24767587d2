import numpy as np
import pytest
from scipy import ndimage

import ndlab
from conftest import make_image


@pytest.mark.parametrize("threshold", [0, 100, 127, 255])
@pytest.mark.parametrize("iterations", [1, 3])
def test_binary_opening_equals_scipy(threshold, iterations):
    image = make_image("grey")
    expected = ndimage.binary_opening(image > threshold, iterations=iterations)
    result = ndlab.run("binary_opening", image, threshold=threshold, iterations=iterations)
    np.testing.assert_array_equal(result.data, expected)
    np.testing.assert_array_equal(result.image, np.where(expected, 255, 0))


def test_binary_opening_uses_the_cross_structure():
    image = np.zeros((7, 7), np.uint8)
    image[1:4, 1:4] = 255  # a 3×3 square survives only a cross-shaped opening as a cross
    opened = ndlab.run("binary_opening", image).data
    expected = ndimage.binary_opening(
        image > 127, structure=ndimage.generate_binary_structure(2, 1)
    )
    np.testing.assert_array_equal(opened, expected)
    assert opened.sum() == 5


def test_binary_opening_removes_specks_but_keeps_blocks():
    image = np.zeros((12, 12), np.uint8)
    image[2:9, 2:9] = 200
    image[10, 10] = 200
    opened = ndlab.run("binary_opening", image).data
    assert not opened[10, 10]
    assert opened[5, 5]
