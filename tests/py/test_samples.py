import numpy as np
import pytest
from scipy import ndimage

from ndlab import SAMPLES
from ndlab.samples import blobs, blobs_signal


@pytest.mark.parametrize("name", list(SAMPLES))
def test_samples_are_deterministic_uint8_images(name):
    sample = SAMPLES[name]
    image = sample.load()
    assert image.dtype == np.uint8
    assert image.ndim in (2, 3)
    assert sample.title and sample.description
    np.testing.assert_array_equal(image, sample.load())


def test_sample_shapes():
    assert SAMPLES["blobs"].load().shape == (100, 100)
    assert SAMPLES["noisy_square"].load().shape == (128, 128)
    assert SAMPLES["colour_discs"].load().shape == (128, 128, 3)


def test_blobs_signal_has_eight_objects_above_one():
    assert ndimage.label(blobs_signal() > 1)[1] == 8


def test_blobs_image_spans_full_range_and_keeps_eight_objects():
    image = blobs()
    assert (image.min(), image.max()) == (0, 255)
    assert ndimage.label(image > 107)[1] == 8


def test_noisy_square_is_bright_inside():
    image = SAMPLES["noisy_square"].load().astype(float)
    assert image[40:88, 40:88].mean() > 150 > 60 > image[:24].mean()
