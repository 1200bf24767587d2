import numpy as np
import pytest
from scipy import ndimage

import ndlab
from cases import make_image


@pytest.mark.parametrize("size", [3, 7, 51])
def test_local_std_equals_the_standard_deviation_of_each_window(size):
    grey = ndlab.run("rgb_to_grey", make_image("rgb")).data
    expected = ndimage.generic_filter(grey, np.std, size=size, mode="reflect")
    result = ndlab.run("local_std", make_image("rgb"), size=size)
    np.testing.assert_allclose(result.data, expected, atol=1e-5)
    assert result.output == "rescale"


def test_texture_separates_regions_of_equal_brightness():
    # Left: flat grey 128; right: a checkerboard of 78 and 178, the same mean.
    rows, cols = np.indices((64, 128))
    image = np.where(cols < 64, 128.0, np.where((rows + cols) % 2, 178.0, 78.0))
    texture = ndlab.run("local_std", image.astype(np.uint8), size=5)
    segmented = ndlab.run("threshold_otsu", texture.image).data > 0
    assert not segmented[:, :60].any() and segmented[:, 66:].all()
