"""Every operation at its defaults and at each numeric parameter's min and max, against a reference
computed here with NumPy and SciPy, never through ndlab's functions.

A reference that called the same SciPy function as the operation's body would only repeat it; so
each reference is another formulation of the same result (a filter as an explicit sum over its
window, a Fourier transform as a product of DFT matrices, an SVD from an eigendecomposition, a
grey morphology by ``scipy.ndimage.grey_*`` where ndlab runs its own), or, where none exists, the
properties the result must have (k-means, watershed). Each says which.
"""

from collections import deque

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from scipy import ndimage, special

import ndlab
from cases import OPERATION_NAMES, make_image
from ndlab.registry import get_operation

SHAPE = (12, 10)
#: BT.709 luminance, as the README and the catalogue say colour becomes grey.
WEIGHTS = (0.2125, 0.7154, 0.0721)


def limit_cases():
    """(name, params): each operation at its defaults, then at each bound of each parameter."""
    cases = []
    for name in OPERATION_NAMES:
        cases.append((name, {}))
        for param in get_operation(name).params:
            limits = (param.min, param.max) if param.min is not None else param.typical or ()
            cases += [(name, {param.name: value}) for value in limits if value is not None]
    return cases


CASES = limit_cases()


# --- windows, written out: ndimage's "reflect" border is np.pad's "symmetric" ---


def windows(x, size, mode="symmetric", **pad):
    """Every pixel's size×size window; ndimage centres an even window half a pixel up-left."""
    before, after = size // 2, size - 1 - size // 2
    return sliding_window_view(np.pad(x, [(before, after)] * 2, mode=mode, **pad), (size, size))


def convolve1d(x, kernel, axis):
    """``sum_k kernel[k] * x[i - (k - r)]`` along `axis`, reflected at the borders."""
    r = len(kernel) // 2
    padded = np.pad(np.moveaxis(x, axis, 0), [(r, r), (0, 0)], mode="symmetric")
    n = x.shape[axis]
    total = sum(w * padded[r - (k - r) : r - (k - r) + n] for k, w in enumerate(kernel))
    return np.moveaxis(total, 0, axis)


def gaussian_kernel(sigma, order):
    """The sampled Gaussian (normalised to sum 1) times its `order`-th derivative's polynomial."""
    x = np.arange(-int(4 * sigma + 0.5), int(4 * sigma + 0.5) + 1)
    phi = np.exp(-(x**2) / (2 * sigma**2))
    phi /= phi.sum()
    polynomial = {0: 1.0, 1: -x / sigma**2, 2: x**2 / sigma**4 - 1 / sigma**2}[order]
    return polynomial * phi


def smooth(x, sigma, orders=(0, 0)):
    """A separable Gaussian (derivative); sigma 0 is no blur."""
    for axis, order in enumerate(orders):
        if sigma > 0:
            x = convolve1d(x, gaussian_kernel(sigma, order), axis)
    return x


def dft_matrix(n, sign=-1):
    k = np.arange(n)
    return np.exp(sign * 2j * np.pi * np.outer(k, k) / n)


def dft2(x):
    """The 2-D DFT as a product of DFT matrices (not an FFT)."""
    return dft_matrix(x.shape[0]) @ x @ dft_matrix(x.shape[1])


def idft2(spectrum):
    rows, cols = spectrum.shape
    return (dft_matrix(rows, 1) @ spectrum @ dft_matrix(cols, 1)) / (rows * cols)


def at_percentile(x, q):
    """Linear interpolation between the sorted values (NumPy's default), written out."""
    ordered = np.sort(x, axis=None)
    return np.interp(q / 100 * (ordered.size - 1), np.arange(ordered.size), ordered)


def element(footprint, radius):
    """The structuring elements of the catalogue, from their definitions."""
    rows, cols = np.indices((2 * radius + 1, 2 * radius + 1)) - radius
    return {
        "cross": (rows == 0) | (cols == 0),
        "diamond": abs(rows) + abs(cols) <= radius,
        "square": np.ones(rows.shape, bool),
        "disk": rows**2 + cols**2 <= radius**2,
    }[footprint]


def components(mask, connectivity):
    """Connected components by breadth-first search, numbered in raster order of first pixels."""
    steps = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if 0 < abs(dr) + abs(dc)]
    steps = [s for s in steps if abs(s[0]) + abs(s[1]) <= connectivity]
    labels = np.zeros(mask.shape, int)
    count = 0
    for start in zip(*np.nonzero(mask), strict=True):
        if labels[start]:
            continue
        count += 1
        labels[start], queue = count, deque([start])
        while queue:
            r, c = queue.popleft()
            for dr, dc in steps:
                near = (r + dr, c + dc)
                inside = 0 <= near[0] < mask.shape[0] and 0 <= near[1] < mask.shape[1]
                if inside and mask[near] and not labels[near]:
                    labels[near] = count
                    queue.append(near)
    return labels, count


# --- references: each receives what the operation receives (a channel, grey levels or RGB) ---


def wiener(x, size, noise):
    """scipy.signal.wiener's formula over zero-padded windows; its 0/0 leaves the pixel."""
    window = windows(x, size, mode="constant")
    mean, var = window.mean(axis=(2, 3)), window.var(axis=(2, 3))
    noise = noise or var.mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(var < noise, mean, mean + (1 - noise / var) * (x - mean))
    return np.where(np.isnan(out), x, out)


def derivative_magnitude(x, rows, cols):
    return np.sqrt(
        convolve1d(convolve1d(x, rows, 0), cols, 1) ** 2
        + (convolve1d(convolve1d(x, cols, 0), rows, 1) ** 2)
    )


def erode(mask, footprint, radius, iterations, erosion=True):
    """Binary erosion (or dilation) as all (any) of each window under the element, repeated;
    outside the image counts as background, as ndimage's border_value=0."""
    chosen = element(footprint, radius)
    for _ in range(iterations):
        window = windows(mask, 2 * radius + 1, mode="constant")[..., chosen]
        mask = window.all(axis=-1) if erosion else window.any(axis=-1)
    return mask


def grey(footprint, radius, *passes):
    """Grey erosions and dilations with scipy.ndimage (ndlab runs its own running extremes)."""

    def run(x):
        for name in passes:
            x = getattr(ndimage, f"grey_{name}")(x, footprint=element(footprint, radius))
        return x

    return run


def periodic(x, amplitude, period, angle):
    """sin(a - b) = sin a cos b - cos a sin b: a wave along columns times one along rows."""
    theta = np.deg2rad(angle)
    a = 2 * np.pi * np.arange(x.shape[1]) * np.cos(theta) / period
    b = 2 * np.pi * np.arange(x.shape[0]) * np.sin(theta) / period
    return x + amplitude * (np.outer(np.cos(b), np.sin(a)) - np.outer(np.sin(b), np.cos(a)))


def mapped(x, matrix, offset, shape, order, mode):
    """An output pixel p reads the input at matrix @ p + offset (ndimage.map_coordinates)."""
    out = np.indices(shape).reshape(2, -1).astype(float)
    where = np.asarray(matrix) @ out + np.reshape(offset, (2, 1))
    values = ndimage.map_coordinates(x, where, order=order, mode=mode)
    if order == 0:  # half way between two pixels either is the nearest: NaN, not compared
        values[np.any(abs(where % 1 - 0.5) < 1e-9, axis=0)] = np.nan
    return values.reshape(shape)


def rotate(x, angle, reshape, order, mode):
    """Turn about the centres of the input and the output, whose size bounds the turned corners."""
    c, s = special.cosdg(angle), special.sindg(angle)  # exact at multiples of 90°
    matrix = np.array([[c, s], [-s, c]])  # from an output pixel to the input, about the centres
    size = np.array(x.shape)
    corners = matrix @ [[0, 0, size[0], size[0]], [0, size[1], 0, size[1]]]
    shape = tuple((np.ptp(corners, axis=1) + 0.5).astype(int)) if reshape else x.shape
    offset = (size - 1) / 2 - matrix @ ((np.array(shape) - 1) / 2)
    return mapped(x, matrix, offset, shape, order, mode)


def zoom(x, factor, order):
    shape = tuple(int(round(n * factor)) for n in x.shape)
    scale = [(n - 1) / (m - 1) if m > 1 else 1.0 for n, m in zip(x.shape, shape, strict=True)]
    return mapped(x, np.diag(scale), (0, 0), shape, order, "constant")


def notch(x, min_frequency, percentile):
    spectrum = dft2(x)
    # the DFT's k-th frequency, in cycles per pixel: k / n, or (k - n) / n past the middle
    rows, cols = (((np.arange(n) + n // 2) % n - n // 2) / n for n in x.shape)
    outside = np.hypot(rows[:, np.newaxis], cols) >= min_frequency
    magnitude = abs(spectrum)
    if outside.any():
        spectrum[outside & (magnitude > at_percentile(magnitude[outside], percentile))] = 0
    return idft2(spectrum).real


def lowpass(x, keep_fraction):
    spectrum = dft2(x)
    for axis, n in enumerate(x.shape):
        index = [slice(None)] * 2
        index[axis] = slice(int(n * keep_fraction), int(n * (1 - keep_fraction)))
        spectrum[tuple(index)] = 0
    return idft2(spectrum).real


def low_rank(x, rank):
    """Eckart–Young from the eigenvectors of AᵀA: A V Vᵀ with V the top `rank` of them."""
    out, lost, total = np.empty_like(x), 0.0, 0.0
    kept = min(rank, *x.shape[:2])
    for c in range(3):
        a = x[..., c]
        values, vectors = np.linalg.eigh(a.T @ a)  # ascending
        top = vectors[:, ::-1][:, :kept]
        out[..., c] = a @ top @ top.T
        lost += np.sum((a - out[..., c]) ** 2)
        total += np.sum(a**2)
    rows, cols = x.shape[:2]
    ratio = round(kept * (rows + cols + 1) / (rows * cols), 4)
    return out, {"rank": kept, "compression_ratio": ratio, "relative_error": np.sqrt(lost / total)}


def otsu(x):
    """The whole grey level t of greatest between-class variance of floor(x) <= t and > t."""
    levels = np.floor(x).ravel()
    variances = []
    for t in range(256):
        below, above = levels[levels <= t], levels[levels > t]
        weight = below.size * above.size / levels.size**2
        variances.append(weight * (below.mean() - above.mean()) ** 2 if weight else 0.0)
    t = int(np.argmax(variances))
    return x > t, {"threshold": t}


def equalize(x):
    """Each level's rank: how many pixels are at or below it, stretched from the darkest's."""
    levels = np.clip(x, 0, 255).astype(int)
    ordered = np.sort(levels, axis=None)
    at_or_below = np.searchsorted(ordered, levels, side="right")
    darkest = np.searchsorted(ordered, ordered[0], side="right")
    return 255 * (at_or_below - darkest) / (levels.size - darkest)


def stretch(x, low, high):
    black, white = at_percentile(x, low), at_percentile(x, high)
    return (x - black) * (255 / (white - black))


def objects(x, threshold, connectivity):
    """Components found by search, measured with ndimage's own measurement functions."""
    labels, count = components(x > threshold, connectivity)
    index = np.arange(1, count + 1)
    measures = zip(
        ndimage.sum_labels(np.ones_like(x), labels, index),
        ndimage.mean(x, labels, index),
        ndimage.maximum(x, labels, index),
        ndimage.find_objects(labels),
        ndimage.center_of_mass(x, labels, index),
        strict=True,
    )
    rows = [
        [n, int(area), round(mean, 3), round(top, 3), r.start, c.start, r.stop, c.stop]
        + [round(row, 3), round(col, 3)]
        for n, (area, mean, top, (r, c), (row, col)) in zip(index, measures, strict=True)
    ]
    return labels, {"objects": count, "table": rows}


def small_removed(x, threshold, min_size, connectivity):
    labels, count = components(x > threshold, connectivity)
    sizes = np.array([np.sum(labels == n) for n in range(count + 1)])
    return (labels > 0) & (sizes[labels] >= min_size)


def filled(x, threshold):
    """A hole is a background component (4-connected) that touches no border."""
    background, _ = components(x <= threshold, 1)
    border = np.r_[background[[0, -1]].ravel(), background[:, [0, -1]].ravel()]
    return (x > threshold) | ((background > 0) & ~np.isin(background, border))


def gamma(x, gamma):
    """v ** γ as exp(γ log v), 0 staying 0."""
    with np.errstate(divide="ignore"):
        return 255 * np.exp(gamma * np.log(np.clip(x, 0, 255) / 255))


REFERENCES = {
    "gaussian_filter": lambda x, sigma: smooth(x, sigma),
    "median_filter": lambda x, size: np.median(windows(x, size), axis=(2, 3)),
    "uniform_filter": lambda x, size: windows(x, size).mean(axis=(2, 3)),
    "wiener": wiener,
    "unsharp_mask": lambda x, radius, amount: x + amount * (x - smooth(x, radius)),
    "sobel": lambda x: derivative_magnitude(x, [1, 0, -1], [1, 2, 1]),
    "prewitt": lambda x: derivative_magnitude(x, [1, 0, -1], [1, 1, 1]),
    "laplace": lambda x: convolve1d(x, [1, -2, 1], 0) + convolve1d(x, [1, -2, 1], 1),
    "gaussian_gradient_magnitude": lambda x, sigma: np.hypot(
        smooth(x, sigma, (1, 0)), smooth(x, sigma, (0, 1))
    ),
    "gaussian_laplace": lambda x, sigma: smooth(x, sigma, (2, 0)) + smooth(x, sigma, (0, 2)),
    # Generator.normal(0, σ) is σ times its standard normal draws
    "gaussian_noise": lambda x, sigma, seed: (
        x + sigma * np.random.default_rng(seed).standard_normal(x.shape)
    ),
    # draws below fraction / 2 become black, then up to fraction white, the rest are kept
    "salt_and_pepper": lambda x, fraction, seed: np.choose(
        np.digitize(np.random.default_rng(seed).random(x.shape), [fraction / 2, fraction]),
        [np.zeros_like(x), np.full_like(x, 255), x],
    ),
    "periodic_noise": periodic,
    "rotate": rotate,
    "zoom": zoom,
    "shift": lambda x, rows, cols, order, mode: mapped(
        x, np.eye(2), (-rows, -cols), x.shape, order, mode
    ),
    "crop": lambda x, top, bottom, left, right: x[top : len(x) - bottom, left : x.shape[1] - right],
    "flip": lambda x, axis: x[:, ::-1],
    "affine_transform": lambda x, m00, m01, m02, m10, m11, m12, order, mode: mapped(
        x, [[m00, m01], [m10, m11]], (m02, m12), x.shape, order, mode
    ),
    "threshold_otsu": otsu,
    "threshold_global": lambda x, keep, threshold, upper: x > threshold,
    "threshold_local": lambda x, method, block_size, offset: (
        x > smooth(x, (block_size - 1) / 6) - offset
    ),
    "binary_erosion": lambda x, threshold, footprint, radius, iterations: erode(
        x > threshold, footprint, radius, iterations
    ),
    "binary_dilation": lambda x, threshold, footprint, radius, iterations: erode(
        x > threshold, footprint, radius, iterations, erosion=False
    ),
    "binary_opening": lambda x, threshold, footprint, radius, iterations: erode(
        erode(x > threshold, footprint, radius, iterations), footprint, radius, iterations, False
    ),
    "binary_closing": lambda x, threshold, footprint, radius, iterations: erode(
        erode(x > threshold, footprint, radius, iterations, False), footprint, radius, iterations
    ),
    "fill_holes": filled,
    "grey_erosion": lambda x, footprint, radius: grey(footprint, radius, "erosion")(x),
    "grey_dilation": lambda x, footprint, radius: grey(footprint, radius, "dilation")(x),
    "grey_opening": lambda x, footprint, radius: grey(footprint, radius, "erosion", "dilation")(x),
    "grey_closing": lambda x, footprint, radius: grey(footprint, radius, "dilation", "erosion")(x),
    "white_tophat": lambda x, footprint, radius: (
        x - grey(footprint, radius, "erosion", "dilation")(x)
    ),
    "black_tophat": lambda x, footprint, radius: (
        grey(footprint, radius, "dilation", "erosion")(x) - x
    ),
    "morphological_gradient": lambda x, footprint, radius: (
        grey(footprint, radius, "dilation")(x) - grey(footprint, radius, "erosion")(x)
    ),
    "equalize_hist": equalize,
    "contrast_stretch": stretch,
    "adjust_gamma": gamma,
    "label": objects,
    "remove_small_objects": small_removed,
    # the standard deviation of each reflected window, by NumPy
    "local_std": lambda x, size: windows(x, size).std(axis=(2, 3)),
    "fourier_spectrum": lambda x: np.log1p(
        abs(np.roll(dft2(x), (x.shape[0] // 2, x.shape[1] // 2), axis=(0, 1)))
    ),
    "fourier_lowpass": lowpass,
    "notch_filter": notch,
    "svd_approximation": low_rank,
    "rgb_to_grey": lambda x: x @ WEIGHTS,
    "split_channel": lambda x, channel: x[..., 0],
}
#: Images on which a limit leaves pixels: a crop of 4000 rows, a zoom by 0.05.
SHAPES = {
    ("crop", "top"): (4001, 6),
    ("crop", "bottom"): (4001, 6),
    ("crop", "left"): (6, 4001),
    ("crop", "right"): (6, 4001),
    ("zoom", "factor"): (40, 30),
}
#: What each call of an operation receives, by its declared channels.
RECEIVED = {
    "each": lambda x: [x[..., c] for c in range(3)],
    "all": lambda x: [x[..., c] for c in range(3)],
    "grey": lambda x: [x @ WEIGHTS],
    "colour": lambda x: [x],
}


def case_id(case):
    name, params = case
    return "-".join([name, *(f"{key}={value:g}" for key, value in params.items())] or [name])


def run_case(name, params):
    """Run `name` on an RGB image; return the result and what each call of it received."""
    image = make_image("rgb", shape=SHAPES.get((name, *params), SHAPE))
    result = ndlab.run(name, image, **params)
    return result, RECEIVED[get_operation(name).channels](image.astype(np.float64))


def assert_info(info, expected):
    for key, value in expected.items():
        actual = info[key]["rows"] if key == "table" else info[key]
        np.testing.assert_allclose(np.asarray(actual, float), np.asarray(value, float), atol=1.1e-3)


REFERENCED = [case for case in CASES if case[0] in REFERENCES]


@pytest.mark.parametrize("case", REFERENCED, ids=case_id)
def test_each_operation_at_its_limits_equals_its_reference(case):
    name, params = case
    result, received = run_case(name, params)
    full = {param.name: param.default for param in get_operation(name).params} | params
    references = [REFERENCES[name](x, **full) for x in received]
    info = {}
    if isinstance(references[0], tuple):
        [(expected, info)] = references
    else:
        expected = references[0] if len(references) == 1 else np.dstack(references)
    assert_info(result.info, info)
    assert result.data.shape == expected.shape
    if result.data.dtype.kind in "bi":
        np.testing.assert_array_equal(result.data, expected)
    else:
        compared = ~np.isnan(expected)
        assert compared.mean() > 0.9
        np.testing.assert_allclose(result.data[compared], expected[compared], rtol=1e-9, atol=1e-6)


def test_every_operation_has_a_reference_or_properties():
    assert set(REFERENCES) | {"kmeans_colours", "watershed"} == set(OPERATION_NAMES)


@pytest.mark.parametrize("case", [c for c in CASES if c[0] == "kmeans_colours"], ids=case_id)
def test_kmeans_at_its_limits_paints_each_cluster_its_mean(case):
    """Properties: each colour shown is the mean of the pixels painted with it, the table counts
    them, and there are at most k colours (k-means converged has no other formulation)."""
    result, [x] = run_case(*case)
    k = {"k": 4} | case[1]
    colours, painted, counts = np.unique(
        result.data.reshape(-1, 3), axis=0, return_inverse=True, return_counts=True
    )
    assert len(colours) <= k["k"] and len(colours) == result.info["clusters"]
    for c in range(3):
        means = ndimage.mean(x[..., c].ravel(), painted.ravel(), np.arange(len(colours)))
        np.testing.assert_allclose(colours[:, c], means, rtol=1e-9)
    table = sorted(tuple(row[1:]) for row in result.info["table"]["rows"])
    np.testing.assert_allclose(
        table, [(*colour, n) for colour, n in zip(colours, counts, strict=True)], atol=1e-3
    )


@pytest.mark.parametrize("case", [c for c in CASES if c[0] == "watershed"], ids=case_id)
def test_watershed_at_its_limits_floods_the_mask_from_its_distance_peaks(case):
    """Properties: the markers are the peaks of the distance to the background (by ndimage's
    brute-force transform) within the window, each keeps its number, and the objects fill the
    mask and nothing else."""
    result, [x] = run_case(*case)
    params = {"threshold": 127, "min_distance": 5} | case[1]
    mask = x > params["threshold"]
    distance = ndimage.distance_transform_bf(mask)
    size = 2 * params["min_distance"] + 1
    peaks = mask & (distance == windows(distance, size).max(axis=(2, 3)))
    markers, count = components(peaks, 1)
    assert result.info == {"objects": count}
    np.testing.assert_array_equal(result.data[peaks], markers[peaks])
    np.testing.assert_array_equal(result.data > 0, mask if count else np.zeros_like(mask))
    assert result.data.max() == count
