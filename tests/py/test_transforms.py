import numpy as np
import pytest
from scipy import ndimage

import ndlab
from conftest import make_image


@pytest.mark.parametrize("angle", [-180.0, -45.0, 0.0, 30.0, 90.0])
@pytest.mark.parametrize("reshape", [True, False])
def test_rotate_equals_scipy_bilinear(angle, reshape):
    image = make_image("grey")
    expected = ndimage.rotate(image.astype(float), angle, reshape=reshape, order=1)
    result = ndlab.run("rotate", image, angle=angle, reshape=reshape)
    np.testing.assert_array_equal(result.image, np.clip(np.rint(expected), 0, 255))


def test_rotate_by_90_transposes_the_shape():
    assert ndlab.run("rotate", make_image("rgb", shape=(10, 20)), angle=90).image.shape == (
        20,
        10,
        3,
    )


def test_rotate_without_reshape_keeps_the_shape():
    image = make_image("rgba")
    assert ndlab.run("rotate", image, angle=45, reshape=False).image.shape == image.shape


def test_rotated_rgba_has_transparent_corners():
    image = make_image("rgba")
    image[..., 3] = 255
    result = ndlab.run("rotate", image, angle=45)
    assert result.image.shape[2] == 4
    alpha = result.image[..., 3]
    assert alpha[0, 0] == 0
    assert alpha[alpha.shape[0] // 2, alpha.shape[1] // 2] == 255


def test_rotate_by_zero_is_identity():
    image = make_image("rgba")
    np.testing.assert_array_equal(ndlab.run("rotate", image, angle=0).image, image)
