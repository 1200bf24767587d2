import numpy as np
import pytest

import ndlab
from cases import make_image
from ndlab.convert import clip


@pytest.mark.parametrize("seed", [0, 7])
def test_gaussian_noise_equals_a_seeded_generator(seed):
    image = make_image("grey")
    expected = image + np.random.default_rng(seed).normal(0.0, 15.0, image.shape)
    result = ndlab.run("gaussian_noise", image, sigma=15, seed=seed)
    np.testing.assert_allclose(result.data, expected)
    np.testing.assert_array_equal(result.image, clip(expected))


@pytest.mark.parametrize("name", ["gaussian_noise", "salt_and_pepper"])
def test_noise_repeats_with_the_seed_and_changes_with_it(name):
    image = make_image("rgb")
    first, again = ndlab.run(name, image, seed=3), ndlab.run(name, image, seed=3)
    np.testing.assert_array_equal(first.image, again.image)
    assert not np.array_equal(first.image, ndlab.run(name, image, seed=4).image)


@pytest.mark.parametrize("name", ["gaussian_noise", "salt_and_pepper"])
def test_colour_channels_get_the_same_noise(name):
    flat = np.dstack([np.full((40, 50), 100, np.uint8)] * 2 + [np.full((40, 50), 60, np.uint8)])
    data = ndlab.run(name, flat).data
    np.testing.assert_array_equal(data[..., 0] - 100, data[..., 1] - 100)
    assert not np.array_equal(data[..., 0], np.full((40, 50), 100.0))


def test_gaussian_noise_has_the_requested_spread():
    data = ndlab.run("gaussian_noise", np.full((300, 300), 128, np.uint8), sigma=25).data
    assert abs(data.std() - 25) < 0.5 and abs(data.mean() - 128) < 0.5


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.5, 1.0])
def test_salt_and_pepper_replaces_the_fraction(fraction):
    image = np.full((200, 200), 100, np.uint8)
    data = ndlab.run("salt_and_pepper", image, fraction=fraction, seed=1).data
    draws = np.random.default_rng(1).random(image.shape)
    expected = np.where(draws < fraction / 2, 0.0, np.where(draws < fraction, 255.0, 100.0))
    np.testing.assert_array_equal(data, expected)
    assert abs(np.mean(data != 100) - fraction) < 0.01


def test_periodic_noise_is_a_sinusoid():
    rows, cols = np.indices((20, 30))
    theta = np.deg2rad(30.0)
    wave = 40 * np.sin(2 * np.pi * (cols * np.cos(theta) - rows * np.sin(theta)) / 8)
    data = ndlab.run("periodic_noise", np.full((20, 30), 100, np.uint8)).data
    np.testing.assert_allclose(data, 100 + wave)


def test_periodic_noise_angle_zero_gives_vertical_stripes():
    data = ndlab.run("periodic_noise", np.zeros((5, 16), np.uint8), angle=0, period=4).data
    np.testing.assert_allclose(data, np.tile(data[0], (5, 1)))
    np.testing.assert_allclose(data[0, :4], [0, 40, 0, -40], atol=1e-9)
