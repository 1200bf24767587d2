import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage
from scipy.cluster import vq

import ndlab
from cases import make_image
from ndlab import segmentation
from ndlab.convert import clip, paint_labels
from ndlab.samples import blobs, blobs_signal, random_blobs


@pytest.mark.parametrize(("k", "seed"), [(2, 0), (4, 1), (8, 5)])
def test_kmeans_paints_pixels_with_kmeans2_centres(k, seed):
    image = make_image("rgb")
    pixels = image.reshape(-1, 3).astype(float)
    centres, labels = vq.kmeans2(pixels, k, seed=seed, minit="++")
    result = ndlab.run("kmeans_colours", image, k=k, seed=seed)
    np.testing.assert_allclose(result.data, centres[labels].reshape(image.shape))
    assert len(np.unique(result.image.reshape(-1, 3), axis=0)) <= k
    assert result.info["clusters"] == k
    table = result.info["table"]
    assert [row[4] for row in table["rows"]] == np.bincount(labels, minlength=k).tolist()
    assert result.info["centres"] == [row[1:4] for row in table["rows"]]


def test_kmeans_repeats_with_the_seed():
    image = make_image("rgba")
    first, again = (ndlab.run("kmeans_colours", image, k=5, seed=2) for _ in range(2))
    np.testing.assert_array_equal(first.image, again.image)


@pytest.mark.parametrize("colours", [1, 3])
def test_kmeans_with_fewer_colours_than_clusters_keeps_them(colours):
    image = np.zeros((6, 6, 3), np.uint8)
    for number in range(colours):
        image[number * 2 :] = [40 * number, 200, 255 - 30 * number]
    result = ndlab.run("kmeans_colours", image, k=8)
    assert result.info["clusters"] == colours
    np.testing.assert_array_equal(result.image, image)


@pytest.mark.parametrize("plain_rows", [0, 100])
def test_kmeans_counts_colours_beyond_the_first_pixels(plain_rows):
    """Three colours, two of them only after the first 4096 pixels (then all are counted)."""
    image = np.zeros((120, 50, 3), np.uint8)
    image[plain_rows + 5 :] = [200, 10, 10]
    image[plain_rows + 12 :] = [10, 10, 200]
    result = ndlab.run("kmeans_colours", image, k=8)
    assert result.info["clusters"] == 3
    np.testing.assert_array_equal(result.image, image)


def test_kmeans_on_grey_keeps_grey():
    result = ndlab.run("kmeans_colours", make_image("grey"), k=3)
    assert result.image.shape == (24, 32, 3)
    assert (result.image[..., 0] == result.image[..., 1]).all()


def brute_force_table(image, labels, count):
    rows = []
    for number in range(1, count + 1):
        inside = labels == number
        where = np.argwhere(inside)
        weights = image[inside]
        centre = (where * weights[:, None]).sum(0) / weights.sum()
        rows.append(
            [number, int(inside.sum()), image[inside].mean(), image[inside].max()]
            + [*where.min(0).tolist(), *(where.max(0) + 1).tolist()]
            + centre.tolist()
        )
    return rows


@pytest.mark.parametrize("connectivity", [1, 2])
def test_label_table_matches_brute_force(connectivity):
    image = make_image("grey", shape=(30, 40))
    grey = image.astype(float)
    structure = ndimage.generate_binary_structure(2, connectivity)
    labels, count = ndimage.label(grey > 140, structure)
    result = ndlab.run("label", image, threshold=140, connectivity=connectivity)
    np.testing.assert_array_equal(result.data, labels)
    np.testing.assert_array_equal(result.image, paint_labels(labels))
    assert result.info["objects"] == count > 1
    table = result.info["table"]
    assert table["columns"][:4] == ["label", "area", "mean_intensity", "max_intensity"]
    expected = brute_force_table(grey, labels, count)
    np.testing.assert_allclose(np.array(table["rows"]), np.array(expected), atol=5e-4)


def test_connectivity_two_joins_diagonal_neighbours():
    image = np.zeros((4, 4), np.uint8)
    image[[0, 1, 2], [0, 1, 2]] = 255
    assert ndlab.run("label", image, connectivity=1).info["objects"] == 3
    assert ndlab.run("label", image, connectivity=2).info["objects"] == 1


@pytest.mark.parametrize("threshold", [100, 106, 107])
def test_labelling_blobs_finds_the_eight_objects_of_signal_above_one(threshold):
    # Signal 1 falls at grey level 106.86 of the uint8 sample, so no whole
    # threshold reproduces the mask exactly; 100 to 107 all give the 8 objects.
    result = ndlab.run("label", blobs(), threshold=threshold)
    assert result.info["objects"] == ndimage.label(blobs_signal() > 1)[1] == 8
    assert len(result.info["table"]["rows"]) == 8


def test_label_of_an_empty_mask_has_an_empty_table():
    result = ndlab.run("label", np.zeros((5, 5), np.uint8))
    assert result.info["objects"] == 0 and result.info["table"]["rows"] == []
    assert (result.image == 0).all()


@pytest.mark.parametrize("min_size", [1, 5, 30])
@pytest.mark.parametrize("connectivity", [1, 2])
def test_remove_small_objects_matches_brute_force(min_size, connectivity):
    image = make_image("grey", shape=(30, 40))
    structure = ndimage.generate_binary_structure(2, connectivity)
    labels, count = ndimage.label(image > 140, structure)
    expected = np.zeros(labels.shape, bool)
    for number in range(1, count + 1):
        if (labels == number).sum() >= min_size:
            expected |= labels == number
    result = ndlab.run(
        "remove_small_objects", image, threshold=140, min_size=min_size, connectivity=connectivity
    )
    np.testing.assert_array_equal(result.data, expected)


def two_touching_discs():
    rows, cols = np.indices((40, 60))
    left = (rows - 20) ** 2 + (cols - 20) ** 2 < 12**2
    right = (rows - 20) ** 2 + (cols - 39) ** 2 < 12**2
    return np.where(left | right, 200, 0).astype(np.uint8), left, right


def test_watershed_separates_touching_discs():
    image, left, right = two_touching_discs()
    assert ndimage.label(image > 127)[1] == 1
    result = ndlab.run("watershed", image)
    labels = result.data
    assert result.info == {"objects": 2}
    assert set(np.unique(labels)) == {0, 1, 2}
    np.testing.assert_array_equal(labels > 0, image > 127)
    assert (labels[left & ~right] == labels[20, 15]).mean() > 0.95
    assert (labels[right & ~left] == labels[20, 45]).mean() > 0.95
    np.testing.assert_array_equal(result.image, paint_labels(labels))


def test_watershed_with_a_large_min_distance_keeps_one_object():
    rows, cols = np.indices((40, 60))
    big = (rows - 20) ** 2 + (cols - 20) ** 2 < 12**2
    small = (rows - 20) ** 2 + (cols - 37) ** 2 < 9**2
    image = np.where(big | small, 200, 0).astype(np.uint8)
    assert ndlab.run("watershed", image, min_distance=5).info == {"objects": 2}
    assert ndlab.run("watershed", image, min_distance=30).info == {"objects": 1}


@pytest.mark.parametrize("min_distance", [1, 5])
def test_watershed_keeps_the_peaks_no_higher_one_within_min_distance(min_distance):
    """A disc with a bump 14 pixels from its centre: the bump's own peak of distance stands
    within 5 pixels of the disc's larger distances, so at 5 it is no object of its own."""
    rows, cols = np.indices((40, 70))
    disc = (rows - 20) ** 2 + (cols - 20) ** 2 < 12**2
    bump = (rows - 20) ** 2 + (cols - 34) ** 2 < 6**2
    distance = ndimage.distance_transform_edt(disc | bump)
    window = ndimage.maximum_filter(distance, size=2 * min_distance + 1)
    peaks = ndimage.label((disc | bump) & (distance == window))[1]
    image = np.where(disc | bump, 200, 0).astype(np.uint8)
    result = ndlab.run("watershed", image, min_distance=min_distance)
    assert result.info == {"objects": peaks} == {"objects": {1: 2, 5: 1}[min_distance]}


def test_watershed_of_blobs_and_of_an_empty_mask():
    assert ndlab.run("watershed", blobs(), threshold=107).info["objects"] >= 8
    empty = ndlab.run("watershed", np.zeros((6, 6), np.uint8))
    assert empty.info == {"objects": 0} and (empty.data == 0).all()


def test_paint_labels_palette():
    painted = paint_labels(np.array([[0, 1, 2, 8, -1]]))
    np.testing.assert_array_equal(painted[0, 0], [0, 0, 0])
    np.testing.assert_array_equal(painted[0, 1], [230, 159, 0])
    np.testing.assert_array_equal(painted[0, 2], [86, 180, 233])
    np.testing.assert_array_equal(painted[0, 3], painted[0, 1])
    np.testing.assert_array_equal(painted[0, 4], [0, 0, 0])
    assert painted.dtype == np.uint8
    assert len({tuple(colour) for colour in paint_labels(np.arange(1, 8))}) == 7


def test_kmeans_result_is_clipped_centres():
    image = make_image("rgb")
    result = ndlab.run("kmeans_colours", image)
    np.testing.assert_array_equal(result.image, clip(result.data))


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    threshold=st.integers(60, 200),
    connectivity=st.integers(1, 2),
    measured=st.sampled_from(["itself", "float", "bool"]),
)
def test_label_measurements_are_ndimages_numbers(seed, threshold, connectivity, measured):
    """Means, maxima and centres equal ndimage.mean, maximum and center_of_mass exactly."""
    image = random_blobs((40, 56), seed=seed % 2**16, scale=2.0)
    intensity = {
        "itself": None,
        "float": np.random.default_rng(seed).uniform(1, 300, image.shape),
        "bool": image > threshold,
    }[measured]
    labels, info = segmentation.label(
        image.astype(float), threshold=threshold, connectivity=connectivity, intensity=intensity
    )
    measured = image.astype(float) if intensity is None else intensity
    index = np.arange(1, info["objects"] + 1)
    centres = ndimage.center_of_mass(measured, labels, index) if index.size else []
    expected = [
        [round(float(mean), 3), round(float(maximum), 3), round(float(r), 3), round(float(c), 3)]
        for mean, maximum, (r, c) in zip(
            ndimage.mean(measured, labels, index),
            ndimage.maximum(measured, labels, index),
            centres,
            strict=True,
        )
    ]
    assert [[row[2], row[3], row[8], row[9]] for row in info["table"]["rows"]] == expected
