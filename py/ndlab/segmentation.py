"""Segmentation: colour clustering, connected components and their measurements.

Label images (0 for the background, 1, 2, ... for objects) are displayed
with ``output="labels"``, one colour per object.
"""

import numpy as np
from scipy import ndimage

from .convert import foreground
from .morphology import THRESHOLD
from .registry import Param, operation

_CONNECTIVITY = Param(
    "connectivity",
    "int",
    1,
    min=1,
    max=2,
    step=1,
    help="1: pixels touching by a side are connected; 2: by a corner too.",
)


@operation(
    category="segmentation",
    title="K-means colour clustering",
    params=[
        Param("k", "int", 4, min=1, max=16, step=1, help="Number of colour clusters."),
        Param(
            "seed",
            "int",
            0,
            min=0,
            max=2**31 - 1,
            step=1,
            help="Random seed of the k-means++ start: the same seed, the same clusters.",
        ),
    ],
    channels="colour",
    output="clip",
    memory=8,
)
def kmeans_colours(image, *, k=4, seed=0):
    """Paint each pixel with the centre of its k-means colour cluster.

    ``scipy.cluster.vq.kmeans2`` clusters the pixels' (red, green, blue)
    values, starting from k-means++ centres drawn with `seed`.

    Parameters
    ----------
    image : (M, N, 3) ndarray of float64
        Colour image; a grey image arrives as three equal channels.
    k : int
        Number of clusters; fewer if the image has fewer colours.
    seed : int
        Seed of the random start.

    Returns
    -------
    image : (M, N, 3) ndarray of float64
        The image in at most `k` colours.
    info : dict
        ``"clusters"``, ``"centres"`` (``[red, green, blue]`` lists) and a
        ``"table"`` with each cluster's centre and pixel count.

    Examples
    --------
    >>> image = np.zeros((2, 3, 3))
    >>> image[:, 1:] = [200.0, 100.0, 0.0]
    >>> painted, info = kmeans_colours(image, k=2)
    >>> sorted(info["centres"])
    [[0.0, 0.0, 0.0], [200.0, 100.0, 0.0]]
    """
    from scipy.cluster import vq  # imported here: scipy.cluster is slow to import at start-up

    pixels = image.reshape(-1, 3)
    # The k-means++ start needs k distinct colours. This count is exact for
    # whole grey levels and can only be too low otherwise (when two colours
    # share a key), which is safe. The first pixels usually hold k colours
    # already: counting them first spares sorting every pixel.
    keys = pixels @ [65536.0, 256.0, 1.0]
    distinct = np.unique(keys[:4096]).size
    if distinct < k:
        distinct = np.unique(keys).size
    centres, labels = vq.kmeans2(pixels, min(k, distinct), seed=seed, minit="++")
    counts = np.bincount(labels, minlength=len(centres))
    centre_lists = np.round(centres, 3).tolist()
    rows = [
        [number, *centre, int(count)]
        for number, (centre, count) in enumerate(zip(centre_lists, counts, strict=True))
    ]
    info = {
        "clusters": len(centres),
        "centres": centre_lists,
        "table": {"columns": ["cluster", "red", "green", "blue", "pixels"], "rows": rows},
    }
    return centres[labels].reshape(image.shape), info


@operation(
    category="segmentation",
    title="Label objects",
    params=[THRESHOLD, _CONNECTIVITY],
    channels="grey",
    output="labels",
    accepts="mask",
    measures=True,
    memory=4.5,
    chunking="labels",
)
def label(image, *, threshold=127, connectivity=1, intensity=None):
    """Number the connected objects of ``image > threshold`` and measure each.

    Parameters
    ----------
    image : (M, N) ndarray of float64 or bool
        Grey levels, or a mask used as it is.
    threshold : int
        Pixels brighter than this form the objects; unused when `image` is a mask.
    connectivity : int
        1 connects pixels sharing a side, 2 also those sharing a corner
        (``ndimage.generate_binary_structure(2, connectivity)``).
    intensity : (M, N) ndarray, optional
        The grey levels measured (in a pipeline, its input, as ImageJ's
        "redirect measurements" does); by default `image` itself.

    Returns
    -------
    labels : (M, N) ndarray of int32
        0 for the background, 1, 2, ... for the objects in raster order.
    info : dict
        ``"objects"``, the count, and a ``"table"`` with one row per object:
        its label; area in pixels; mean and max grey level; bounding box
        ``top, left, bottom, right`` as slice bounds (bottom and right
        exclusive, as ``ndimage.find_objects`` gives); and the
        intensity-weighted centre of mass ``centre_row, centre_col``.

    Examples
    --------
    >>> image = np.zeros((4, 6))
    >>> image[1:3, 1:3] = 200
    >>> image[2, 5] = 250
    >>> labels, info = label(image)
    >>> info["objects"], info["table"]["rows"][1]
    (2, [2, 1, 250.0, 250.0, 2, 5, 3, 6, 2.0, 5.0])
    """
    intensity = image if intensity is None else intensity
    structure = ndimage.generate_binary_structure(2, connectivity)
    labels, count = ndimage.label(foreground(image, threshold), structure)
    index = np.arange(1, count + 1)
    # The sums that ndimage.mean and ndimage.center_of_mass add up (one bincount each, in the
    # same order, so the same numbers) without their repeated counts and checks, and maxima by
    # np.maximum.at rather than ndimage.maximum's sort of every pixel: 3 to 30 times faster in
    # the page.
    flat = labels.ravel()
    areas = np.bincount(flat, minlength=count + 1)[1:]

    def sums(weights):
        return np.bincount(flat, weights=np.ravel(weights), minlength=count + 1)[1:]

    totals = sums(intensity)
    means = totals / areas.astype(np.float64)
    grid_rows, grid_cols = np.ogrid[: labels.shape[0], : labels.shape[1]]
    centres = zip(
        sums(intensity * grid_rows.astype(float)) / totals,
        sums(intensity * grid_cols.astype(float)) / totals,
        strict=True,
    )
    maxima = np.full(count + 1, -np.inf)
    np.maximum.at(maxima, flat, np.ravel(intensity))
    maxima = maxima[1:]
    boxes = ndimage.find_objects(labels)
    rows = [
        [int(number), int(area), round(float(mean), 3), round(float(maximum), 3)]
        + [box_rows.start, box_cols.start, box_rows.stop, box_cols.stop]
        + [round(float(row), 3), round(float(col), 3)]
        for number, area, mean, maximum, (box_rows, box_cols), (row, col) in zip(
            index, areas, means, maxima, boxes, centres, strict=True
        )
    ]
    columns = ["label", "area", "mean_intensity", "max_intensity"]
    columns += ["top", "left", "bottom", "right", "centre_row", "centre_col"]
    return labels, {"objects": count, "table": {"columns": columns, "rows": rows}}


@operation(
    category="segmentation",
    title="Remove small objects",
    params=[
        THRESHOLD,
        Param(
            "min_size",
            "int",
            64,
            min=1,
            max=100000,
            step=1,
            help="Objects with fewer pixels than this are removed.",
            unit="px²",
        ),
        _CONNECTIVITY,
    ],
    channels="grey",
    output="mask",
    accepts="mask",
    memory=2.5,
)
def remove_small_objects(image, *, threshold=127, min_size=64, connectivity=1):
    """Keep the connected objects of ``image > threshold`` with at least `min_size` pixels.

    Parameters
    ----------
    image : (M, N) ndarray of float64 or bool
        Grey levels, or a mask used as it is.
    threshold : int
        Pixels brighter than this form the objects; unused when `image` is a mask.
    min_size : int
        Smallest area kept, in pixels.
    connectivity : int
        1 connects pixels sharing a side, 2 also those sharing a corner.

    Returns
    -------
    (M, N) ndarray of bool
        The mask without its small objects.

    Examples
    --------
    >>> image = np.zeros((4, 6))
    >>> image[1:3, 1:3] = 200
    >>> image[2, 5] = 250
    >>> remove_small_objects(image, min_size=2).astype(int)
    array([[0, 0, 0, 0, 0, 0],
           [0, 1, 1, 0, 0, 0],
           [0, 1, 1, 0, 0, 0],
           [0, 0, 0, 0, 0, 0]])
    """
    structure = ndimage.generate_binary_structure(2, connectivity)
    labels, _ = ndimage.label(foreground(image, threshold), structure)
    keep = np.bincount(labels.ravel()) >= min_size
    keep[0] = False
    return keep[labels]


@operation(
    category="segmentation",
    title="Separate touching objects (watershed)",
    params=[
        THRESHOLD,
        Param(
            "min_distance",
            "int",
            5,
            min=1,
            max=100,
            step=1,
            help="Smallest distance between object centres, in pixels.",
            unit="px",
        ),
    ],
    channels="grey",
    output="labels",
    accepts="mask",
    memory=5.4,
)
def watershed(image, *, threshold=127, min_distance=5):
    """Split touching round objects of ``image > threshold`` along their necks.

    The distance of each foreground pixel to the background peaks at object
    centres. Those peaks (pixels equal to the maximum of the distance within
    ``min_distance`` of them, plateaus counting once) seed
    ``ndimage.watershed_ift``, which floods the inverted distance, scaled to
    uint16, from them; the floods meet at the necks.

    Parameters
    ----------
    image : (M, N) ndarray of float64 or bool
        Grey levels, or a mask used as it is.
    threshold : int
        Pixels brighter than this form the objects; unused when `image` is a mask.
    min_distance : int
        Peaks closer than this to a higher peak are not seeds; larger values
        split less. An object close to a larger one may get no seed of its
        own and then shares that object's label.

    Returns
    -------
    labels : (M, N) ndarray of int32
        0 for the background, 1, 2, ... for the separated objects.
    info : dict
        ``{"objects": count}``.

    Examples
    --------
    >>> rows, cols = np.indices((20, 34))
    >>> left = (rows - 10) ** 2 + (cols - 10) ** 2 < 64
    >>> right = (rows - 10) ** 2 + (cols - 23) ** 2 < 64
    >>> labels, info = watershed(255.0 * (left | right))
    >>> info, int(labels[10, 10]), int(labels[10, 23])
    ({'objects': 2}, 1, 2)
    """
    mask = foreground(image, threshold)
    distance = ndimage.distance_transform_edt(mask)
    peaks = mask & (distance == ndimage.maximum_filter(distance, size=2 * min_distance + 1))
    markers, count = ndimage.label(peaks)
    depth = np.rint(65535 * (1 - distance / max(distance.max(), 1))).astype(np.uint16)
    labels = ndimage.watershed_ift(depth, markers)
    labels[~mask] = 0
    return labels, {"objects": count}
