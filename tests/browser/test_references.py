"""The page's results against references that do not go through ndlab: direct SciPy and NumPy
calls in CPython, at parameters other than the defaults, with each operation's output kind written
here, not taken from the result. At most one grey level apart, on a bounded share of pixels."""

import numpy as np
import pytest
from scipy import ndimage as ndi

from pages import page_pixels

GREY_WEIGHTS = (0.2125, 0.7154, 0.0721)  # ITU-R BT.709, as scikit-image's rgb2gray
ONE_LEVEL_SHARE = 0.001  # pixels that may differ by one level (rounding of x.5 in WebAssembly)


def clip(data):
    return np.clip(np.rint(data), 0, 255).astype(np.uint8)


def rescale(data):
    return np.rint((data - data.min()) / (data.max() - data.min()) * 255).astype(np.uint8)


def mask(data):
    return np.where(data, 255, 0).astype(np.uint8)


def otsu_levels(grey):
    """Otsu's threshold over the levels floor(grey), by brute force: for each t, the
    between-class variance w0 * w1 * (mean0 - mean1)**2 of the pixels at levels <= t and > t."""
    levels = np.floor(grey).ravel()
    best, threshold = -1.0, None
    for t in range(256):
        below = levels <= t
        w0 = below.mean()
        if 0 < w0 < 1:
            variance = w0 * (1 - w0) * (levels[below].mean() - levels[~below].mean()) ** 2
            if variance > best:
                best, threshold = variance, t
    return threshold


# name, params (not the defaults), the output kind, and the reference on one float64 channel
# (or the grey picture)
CASES = [
    ("gaussian_filter", {"sigma": 3.5}, "clip", lambda x: ndi.gaussian_filter(x, sigma=3.5)),
    ("median_filter", {"size": 7}, "clip", lambda x: ndi.median_filter(x, size=7)),
    ("uniform_filter", {"size": 9}, "clip", lambda x: ndi.uniform_filter(x, size=9)),
    (
        "unsharp_mask",
        {"radius": 3.0, "amount": 1.5},
        "clip",
        lambda x: x + 1.5 * (x - ndi.gaussian_filter(x, sigma=3.0)),
    ),
    (
        "sobel",
        {},
        "rescale",
        lambda x: np.hypot(ndi.sobel(x, axis=0), ndi.sobel(x, axis=1)),
    ),
    ("laplace", {}, "rescale", ndi.laplace),
    (
        "gaussian_laplace",
        {"sigma": 3.5},
        "rescale",
        lambda x: ndi.gaussian_laplace(x, sigma=3.5),
    ),
    (
        "gaussian_gradient_magnitude",
        {"sigma": 1.5},
        "rescale",
        lambda x: ndi.gaussian_gradient_magnitude(x, sigma=1.5),
    ),
    ("adjust_gamma", {"gamma": 2.2}, "clip", lambda x: 255 * (x / 255) ** 2.2),
    ("flip", {"axis": "vertical"}, "clip", lambda x: x[::-1]),
    ("zoom", {"factor": 0.5, "order": 0}, "clip", lambda x: ndi.zoom(x, 0.5, order=0)),
    (
        "rotate",
        {"angle": 17.0, "reshape": False, "order": 3, "mode": "reflect"},
        "clip",
        lambda x: ndi.rotate(x, 17.0, reshape=False, order=3, mode="reflect"),
    ),
    ("threshold_global", {"threshold": 90}, "mask", lambda x: x > 90),
    ("threshold_otsu", {}, "mask", lambda x: x > otsu_levels(x)),
]
GREY_ONLY = {"threshold_global", "threshold_otsu"}  # colour is converted to grey first
MAPPING = {"clip": clip, "rescale": rescale, "mask": mask}


def reference(rgba, name, kind, function):
    """What SciPy/NumPy give for these browser pixels, mapped to 8 bits the documented way."""
    rgb = rgba[..., :3].astype(np.float64)
    if (rgb == rgb[..., :1]).all():  # a grey picture: one channel
        return MAPPING[kind](function(rgb[..., 0]))[..., None].repeat(3, axis=2)
    if name in GREY_ONLY:
        grey = rgb @ np.array(GREY_WEIGHTS)
        return MAPPING[kind](function(grey))[..., None].repeat(3, axis=2)
    return MAPPING[kind](np.stack([function(rgb[..., c]) for c in range(3)], axis=-1))


@pytest.mark.parametrize("sample", ["camera", "coffee"])
@pytest.mark.parametrize("name, params, kind, function", CASES, ids=[c[0] for c in CASES])
def test_page_equals_scipy(app, sample, name, params, kind, function):
    page = app.page
    rgba = page_pixels(page, f"ndlab.loadSample('{sample}')")
    output = page.evaluate(
        """async ([name, params, sample]) => {
          window.__ref = await ndlab.run(name, params, await ndlab.loadSample(sample));
          return window.__ref.output;
        }""",
        [name, params, sample],
    )
    assert output == kind
    got = page_pixels(page, "window.__ref.image")
    expected = reference(rgba, name, kind, function)
    assert got.shape[:2] == expected.shape[:2]
    assert (got[..., 3] == 255).all()
    diff = np.abs(got[..., :3].astype(int) - expected.astype(int))
    assert diff.max() <= 1, f"{diff.max()} grey levels apart"
    assert (diff > 0).mean() <= ONE_LEVEL_SHARE, f"{(diff > 0).mean():.2%} of pixels differ"


@pytest.mark.parametrize("sample", ["camera", "coins", "astronaut", "coffee", "chelsea"])
def test_otsu_threshold_is_the_brute_force_one(app, sample):
    rgba = page_pixels(app.page, f"ndlab.loadSample('{sample}')")
    rgb = rgba[..., :3].astype(np.float64)
    grey = rgb[..., 0] if (rgb == rgb[..., :1]).all() else rgb @ np.array(GREY_WEIGHTS)
    info = app.page.evaluate(
        "async (s) => (await ndlab.run('threshold_otsu', {}, await ndlab.loadSample(s))).info",
        sample,
    )
    assert info["threshold"] == otsu_levels(grey)
