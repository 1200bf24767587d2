"""Synthetic noise, to test denoising filters on real pictures.

Random noise is drawn from ``np.random.default_rng(seed)``: the same seed
gives the same noise, in ndlab, in the page and in exported code. For a
colour image each channel receives the same noise pattern, so the noise is
grey (luminance) noise, and a grey image stays grey.
"""

import numpy as np

from .registry import Param, operation

_SEED = Param(
    "seed", "int", 0, min=0, max=2**31 - 1, step=1, help="Random seed: same seed, same noise."
)


@operation(
    category="noise",
    title="Gaussian noise",
    params=[
        Param(
            "sigma",
            "float",
            20.0,
            min=0.0,
            max=255.0,
            step=1.0,
            help="Standard deviation of the noise, in grey levels.",
        ),
        _SEED,
    ],
    channels="each",
    output="clip",
)
def gaussian_noise(image, *, sigma=20.0, seed=0):
    """Add normally distributed noise.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    sigma : float
        Standard deviation of the noise, in grey levels.
    seed : int
        Seed of ``np.random.default_rng``.

    Returns
    -------
    (M, N) ndarray of float64
        Noisy channel; values beyond 0–255 are clipped for display.

    Examples
    --------
    >>> noisy = gaussian_noise(np.full((200, 200), 100.0), sigma=10.0)
    >>> round(float(noisy.std()))
    10
    """
    rng = np.random.default_rng(seed)
    return image + rng.normal(0.0, sigma, image.shape)


@operation(
    category="noise",
    title="Salt-and-pepper noise",
    params=[
        Param(
            "fraction",
            "float",
            0.05,
            min=0.0,
            max=1.0,
            step=0.01,
            help="Fraction of pixels replaced, half by white and half by black.",
        ),
        _SEED,
    ],
    channels="each",
    output="clip",
)
def salt_and_pepper(image, *, fraction=0.05, seed=0):
    """Set random pixels to white (salt) or black (pepper).

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    fraction : float
        Expected fraction of pixels replaced: half of them become 255, the
        other half 0.
    seed : int
        Seed of ``np.random.default_rng``.

    Returns
    -------
    (M, N) ndarray of float64
        Noisy channel.

    Examples
    --------
    >>> noisy = salt_and_pepper(np.full((100, 100), 100.0), fraction=0.2)
    >>> [round(float(np.mean(noisy == level)), 1) for level in (0, 100, 255)]
    [0.1, 0.8, 0.1]
    """
    draws = np.random.default_rng(seed).random(image.shape)
    noisy = image.copy()
    noisy[draws < fraction / 2] = 0
    noisy[(fraction / 2 <= draws) & (draws < fraction)] = 255
    return noisy


@operation(
    category="noise",
    title="Periodic noise",
    params=[
        Param(
            "amplitude",
            "float",
            40.0,
            min=0.0,
            max=255.0,
            step=1.0,
            help="Height of the stripes, in grey levels.",
        ),
        Param(
            "period",
            "float",
            8.0,
            min=2.0,
            max=1000.0,
            step=0.5,
            help="Distance between stripes, in pixels.",
            unit="px",
        ),
        Param(
            "angle",
            "float",
            30.0,
            min=-180.0,
            max=180.0,
            step=1.0,
            help="Direction of the stripes' waves: 0 varies along columns, 90 along rows.",
        ),
    ],
    channels="each",
    output="clip",
    memory=5.5,
)
def periodic_noise(image, *, amplitude=40.0, period=8.0, angle=30.0):
    """Add sinusoidal stripes, like interference in a scanned or transmitted picture.

    The stripes are two sharp peaks in the Fourier spectrum, at frequency
    ``1 / period`` cycles per pixel, so :func:`ndlab.frequency.notch_filter`
    can remove them.

    Parameters
    ----------
    image : (M, N) ndarray of float64
        Input channel.
    amplitude : float
        The added wave goes from ``-amplitude`` to ``+amplitude``.
    period : float
        Wavelength, in pixels.
    angle : float
        Direction in which the wave travels, in degrees counter-clockwise
        from the columns axis: 0 gives vertical stripes.

    Returns
    -------
    (M, N) ndarray of float64
        Striped channel.

    Examples
    --------
    >>> periodic_noise(np.zeros((1, 4)), amplitude=10.0, period=4.0, angle=0.0).round(6)
    array([[  0.,  10.,   0., -10.]])
    """
    rows, cols = np.indices(image.shape)
    theta = np.deg2rad(angle)
    phase = 2 * np.pi * (cols * np.cos(theta) - rows * np.sin(theta)) / period
    return image + amplitude * np.sin(phase)
