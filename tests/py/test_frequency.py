from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy import fft, ndimage

import ndlab
from cases import make_image
from ndlab.convert import rescale


def test_spectrum_is_the_shifted_log_magnitude():
    image = make_image("rgb")
    grey = ndlab.run("rgb_to_grey", image).data
    expected = np.log1p(np.abs(fft.fftshift(fft.fft2(grey))))
    result = ndlab.run("fourier_spectrum", image)
    np.testing.assert_allclose(result.data, expected)
    np.testing.assert_array_equal(result.image, rescale(expected))


def lecture_notes_lowpass(image, keep_fraction):
    """The Scientific Python Lecture Notes' FFT denoising, verbatim apart from names."""
    im_fft2 = fft.fft2(image)
    r, c = im_fft2.shape
    im_fft2[int(r * keep_fraction) : int(r * (1 - keep_fraction))] = 0
    im_fft2[:, int(c * keep_fraction) : int(c * (1 - keep_fraction))] = 0
    return fft.ifft2(im_fft2).real


@pytest.mark.parametrize("keep_fraction", [0.0, 0.1, 0.25, 0.5])
def test_lowpass_follows_the_lecture_notes(keep_fraction):
    image = make_image("grey")
    expected = lecture_notes_lowpass(image.astype(float), keep_fraction)
    result = ndlab.run("fourier_lowpass", image, keep_fraction=keep_fraction)
    np.testing.assert_allclose(result.data, expected, atol=1e-9)
    if keep_fraction == 0.5:
        np.testing.assert_array_equal(result.image, image)


def smooth_picture(shape=(96, 128)):
    rows, cols = np.indices(shape)
    return 120 + 60 * np.exp(-((rows - 40) ** 2 + (cols - 70) ** 2) / 800) - 0.2 * cols


def test_lowpass_on_the_chapters_moon_landing_photograph():
    path = Path(__file__).resolve().parents[2] / "data" / "scipy-lectures" / "moonlanding.png"
    with Image.open(path) as image:
        moon = np.asarray(image)
    assert moon.shape == (474, 630)
    result = ndlab.run("fourier_lowpass", moon, keep_fraction=0.1)
    expected = lecture_notes_lowpass(moon.astype(float), 0.1)
    np.testing.assert_allclose(result.data, expected, atol=1e-9)
    # the periodic noise lives in the high frequencies: the result's Laplacian is much smaller
    high = ndimage.laplace(moon.astype(float)).std()
    assert ndimage.laplace(result.data).std() < 0.1 * high


@pytest.mark.parametrize(("period", "angle"), [(8.0, 0.0), (6.0, 30.0), (5.0, 90.0)])
def test_notch_filter_removes_periodic_noise(period, angle):
    clean = smooth_picture()
    noisy = ndlab.run("periodic_noise", clean, amplitude=40, period=period, angle=angle).data
    cleaned = ndlab.run("notch_filter", noisy).data
    before = np.abs(noisy - clean).mean()
    after = np.abs(cleaned - clean).mean()
    assert after < 0.2 * before


def test_notch_filter_zeroes_exactly_the_peaks_away_from_the_centre():
    image = make_image("grey", shape=(32, 40)).astype(float)
    spectrum = fft.fft2(image)
    frequency = np.hypot(fft.fftfreq(32)[:, None], fft.fftfreq(40))
    outside = frequency >= 0.1
    magnitude = np.abs(spectrum)
    spectrum[outside & (magnitude > np.percentile(magnitude[outside], 99.0))] = 0
    result = ndlab.run("notch_filter", image, min_frequency=0.1, percentile=99.0)
    np.testing.assert_allclose(result.data, fft.ifft2(spectrum).real, atol=1e-9)


def test_notch_filter_at_its_limits_leaves_the_image():
    image = make_image("grey", shape=(9, 9))
    np.testing.assert_array_equal(ndlab.run("notch_filter", image, percentile=100).image, image)
    np.testing.assert_array_equal(ndlab.run("notch_filter", image, min_frequency=0.7).image, image)
