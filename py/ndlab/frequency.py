"""Fourier-domain views and filters (``scipy.fft``).

The filters follow the image-denoising example of the Scientific Python
Lecture Notes: transform, zero part of the spectrum, transform back and keep
the real part.
"""

import numpy as np
from scipy import fft

from .registry import Param, operation


@operation(
    category="frequency",
    title="Fourier spectrum",
    channels="grey",
    output="rescale",
    memory=5,
)
def fourier_spectrum(image):
    """Show the log-magnitude of the 2-D Fourier transform, zero frequency in the centre.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Grey levels.

    Returns
    -------
    (M, N) ndarray of float64
        ``log1p(abs(fftshift(fft2(image))))``: the centre is the mean
        brightness, points further out are finer patterns, and periodic
        noise shows as bright symmetric spots. Displayed rescaled.

    Examples
    --------
    >>> spectrum = fourier_spectrum(np.ones((4, 4)))
    >>> float(spectrum[2, 2]) == float(np.log1p(16)), float(spectrum.sum() - spectrum[2, 2])
    (True, 0.0)
    """
    return np.log1p(np.abs(fft.fftshift(fft.fft2(image))))


@operation(
    category="frequency",
    title="Fourier low-pass",
    params=[
        Param(
            "keep_fraction",
            "float",
            0.1,
            min=0.0,
            max=0.5,
            step=0.01,
            help="Fraction of the lowest frequencies kept along each axis, on each side.",
        )
    ],
    channels="each",
    output="clip",
    memory=5.5,
)
def fourier_lowpass(image, *, keep_fraction=0.1):
    """Remove fine detail and noise by zeroing the high frequencies of the spectrum.

    As in the Lecture Notes: in the unshifted ``fft2`` output, rows from
    ``int(M * keep_fraction)`` to ``int(M * (1 - keep_fraction))`` and the
    same columns hold the high frequencies; they are set to 0 and the real
    part of the inverse transform is returned.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    keep_fraction : float
        Kept fraction of the frequencies on each side of 0, along each axis:
        0 keeps nothing (black), 0.5 everything (the image unchanged).

    Returns
    -------
    (M, N) ndarray of float64
        Filtered channel. The sharp cut-off can ring near edges, and the
        transform wraps around, so opposite borders bleed into each other.

    Examples
    --------
    >>> image = np.tile([0.0, 200.0], (10, 5))
    >>> fourier_lowpass(image, keep_fraction=0.2).round(6)[0]
    array([100., 100., 100., 100., 100., 100., 100., 100., 100., 100.])
    """
    spectrum = fft.fft2(image)
    rows, cols = spectrum.shape
    spectrum[int(rows * keep_fraction) : int(rows * (1 - keep_fraction))] = 0
    spectrum[:, int(cols * keep_fraction) : int(cols * (1 - keep_fraction))] = 0
    return fft.ifft2(spectrum).real


@operation(
    category="frequency",
    title="Notch filter (periodic noise)",
    params=[
        Param(
            "min_frequency",
            "float",
            0.05,
            min=0.0,
            max=0.7,
            step=0.01,
            help="Frequencies below this (cycles per pixel) are never removed.",
            unit="1/px",
        ),
        Param(
            "percentile",
            "float",
            99.9,
            min=90.0,
            max=100.0,
            step=0.05,
            help="Spectrum values above this percentile count as noise peaks.",
        ),
    ],
    channels="each",
    output="clip",
    memory=7.5,
)
def notch_filter(image, *, min_frequency=0.05, percentile=99.9):
    """Remove periodic noise by zeroing isolated peaks of the spectrum.

    Periodic stripes are a few very strong Fourier coefficients away from
    the centre, while a photo's energy falls off smoothly with frequency (the
    Lecture Notes' moon-landing exercise). Coefficients whose frequency is at
    least `min_frequency` cycles per pixel and whose magnitude exceeds the
    given percentile of those magnitudes are set to 0; the real part of the
    inverse transform is returned.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    min_frequency : float
        Radius of the protected centre, in cycles per pixel (0.5 is the
        finest pattern along an axis): stripes with a period above ``1 /
        min_frequency`` pixels are kept.
    percentile : float
        Coefficients above this percentile of the unprotected magnitudes
        are removed; 100 removes nothing.

    Returns
    -------
    (M, N) ndarray of float64
        Filtered channel.

    Examples
    --------
    >>> rows, cols = np.indices((32, 32))
    >>> stripes = 100 + 50 * np.sin(2 * np.pi * cols / 4)
    >>> cleaned = notch_filter(stripes, percentile=99.0)
    >>> float(np.abs(cleaned - 100).max()) < 1e-9
    True
    """
    spectrum = fft.fft2(image)
    rows, cols = image.shape
    frequency = np.hypot(fft.fftfreq(rows)[:, np.newaxis], fft.fftfreq(cols))
    outside = frequency >= min_frequency
    magnitude = np.abs(spectrum)
    # The whole spectrum may be protected (min_frequency near its maximum).
    if outside.any():
        peaks = outside & (magnitude > np.percentile(magnitude[outside], percentile))
        spectrum[peaks] = 0
    return fft.ifft2(spectrum).real
