"""Synthetic sample images, generated rather than downloaded."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Sample:
    """A named sample image.

    Attributes
    ----------
    title, description : str
        Shown on the page.
    load : callable
        ``load()`` returns the image as a uint8 array.
    """

    title: str
    description: str
    load: Callable[[], np.ndarray]


def blobs_signal():
    """Return the raw 100×100 float signal behind the "blobs" sample.

    ``blobs_signal() > 1`` has 8 connected objects.
    """
    x, y = np.indices((100, 100))
    return np.sin(2 * np.pi * x / 50.0) * np.sin(2 * np.pi * y / 50.0) * (1 + x * y / 50.0**2) ** 2


def blobs():
    """Return :func:`blobs_signal` linearly scaled to 0–255 uint8."""
    signal = blobs_signal()
    scaled = (signal - signal.min()) / (signal.max() - signal.min()) * 255
    return np.rint(scaled).astype(np.uint8)


def random_blobs(shape, seed=0, scale=8.0, zoom=1):
    """Return a uint8 picture of random bright and dark blobs, for images of any size.

    Uniform noise blurred with a Gaussian of sigma `scale`, stretched to
    0–255, then enlarged `zoom` times (linear interpolation): blobs about
    ``2 * scale * zoom`` pixels across. ``random_blobs((1000, 1000), scale=3,
    zoom=8)`` is an 8000×8000 image in seconds, too large for the page.

    Examples
    --------
    >>> image = random_blobs((40, 60), zoom=2)
    >>> image.shape, image.dtype, int(image.min()), int(image.max())
    ((80, 120), dtype('uint8'), 0, 255)
    """
    from scipy import ndimage  # imported here: the page's start-up imports samples

    field = ndimage.gaussian_filter(np.random.default_rng(seed).random(shape), scale)
    field = np.rint(255 * (field - field.min()) / (field.max() - field.min())).astype(np.uint8)
    return ndimage.zoom(field, zoom, order=1) if zoom != 1 else field


def noisy_square():
    """Return a 128×128 dark image with a bright square and Gaussian noise."""
    image = np.full((128, 128), 40.0)
    image[32:96, 32:96] = 200.0
    image += np.random.default_rng(0).normal(0.0, 25.0, image.shape)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def colour_discs():
    """Return a 128×128 RGB image: three overlapping discs on a dark gradient."""
    rows, cols = np.indices((128, 128))
    image = np.empty((128, 128, 3))
    image[...] = (cols / 127 * 60)[..., np.newaxis]
    for channel, (row, col) in enumerate([(48, 48), (48, 80), (80, 64)]):
        inside = (rows - row) ** 2 + (cols - col) ** 2 < 32**2
        image[inside, channel] = 230
    return np.rint(image).astype(np.uint8)


#: Sample images by name, in display order.
SAMPLES = {
    "blobs": Sample(
        "Blobs",
        "100×100 sine pattern whose amplitude grows towards one corner; "
        "grey levels above 107 (signal above 1) form 8 blobs.",
        blobs,
    ),
    "noisy_square": Sample(
        "Noisy square",
        "128×128 bright square on a dark background with Gaussian noise (σ = 25).",
        noisy_square,
    ),
    "colour_discs": Sample(
        "Colour discs",
        "128×128 red, green and blue discs overlapping on a dark gradient.",
        colour_discs,
    ),
}
