"""SciPy's kernels behind ndlab's heaviest operations and their alternatives, timed by
``measure()`` in a bare Pyodide worker and in CPython (see tools/bench.py's ``kernels``)."""

import json
import time

import numpy as np
from scipy import fft, linalg, ndimage

from ndlab import filters, morphology
from ndlab.bridge import pixels

image = np.random.default_rng(0).uniform(0, 255, (768, 1024))
spectrum = fft.fft2(image)
half = fft.rfft2(image)
channel = np.round(ndimage.uniform_filter(image, 3))  # 8-bit values, as from a photograph
disk = morphology.structuring_element("disk", 3)
colour = np.stack([image, image[::-1], image[:, ::-1]], axis=-1)  # a result in colour
cases = {
    "histogram of a colour result, np.histogram per channel": lambda: [
        np.histogram(colour[..., c], bins=256, range=(colour.min(), colour.max())) for c in range(3)
    ],
    "histogram of a colour result, ndlab (one bincount)": lambda: pixels.histogram(colour),
    "median 3×3, ndimage": lambda: ndimage.median_filter(channel, size=3),
    "median 3×3, ndlab (8-bit path)": lambda: filters.median_filter(channel),
    "grey erosion disk 3, ndimage": lambda: ndimage.grey_erosion(channel, footprint=disk),
    "grey erosion disk 3, ndlab (8-bit path)": lambda: morphology.grey_erosion(channel),
    "white top-hat disk 3, ndimage": lambda: ndimage.white_tophat(channel, footprint=disk),
    "white top-hat disk 3, ndlab (8-bit path)": lambda: morphology.white_tophat(channel),
    "grey erosion disk 3, ndlab (float path)": lambda: morphology.grey_erosion(channel + 0.5),
    "SVD, scipy.linalg gesdd (ndlab)": lambda: linalg.svd(image, full_matrices=False),
    "SVD, scipy.linalg gesvd": lambda: linalg.svd(
        image, full_matrices=False, lapack_driver="gesvd"
    ),
    "SVD, numpy.linalg": lambda: np.linalg.svd(image, full_matrices=False),
    "fft2, scipy.fft (ndlab)": lambda: fft.fft2(image),
    "fft2, numpy.fft": lambda: np.fft.fft2(image),
    "rfft2, scipy.fft": lambda: fft.rfft2(image),
    "ifft2 real part, scipy.fft (ndlab)": lambda: fft.ifft2(spectrum).real,
    "ifft2 real part, numpy.fft": lambda: np.fft.ifft2(spectrum).real,
    "irfft2, scipy.fft": lambda: fft.irfft2(half, s=image.shape),
}


def fastest(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def measure():
    repeats = {name: 1 if name.startswith("SVD") else 5 for name in cases}
    return json.dumps({name: fastest(f, repeats[name]) for name, f in cases.items()})
