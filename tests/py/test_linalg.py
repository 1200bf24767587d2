import numpy as np
import pytest

import ndlab
from cases import make_image


def truncated(channel, rank):
    u, s, vt = np.linalg.svd(channel, full_matrices=False)
    return u[:, :rank] @ np.diag(s[:rank]) @ vt[:rank]


@pytest.mark.parametrize("rank", [1, 5, 24, 100])
def test_svd_approximation_equals_truncated_svd(rank):
    image = make_image("rgb")
    channels = [image[..., c].astype(float) for c in range(3)]
    kept = min(rank, 24)
    expected = np.dstack([truncated(channel, kept) for channel in channels])
    result = ndlab.run("svd_approximation", image, rank=rank)
    np.testing.assert_allclose(result.data, expected, atol=1e-8)
    difference = np.sqrt(sum(((c - expected[..., i]) ** 2).sum() for i, c in enumerate(channels)))
    norm = np.sqrt(sum((c**2).sum() for c in channels))
    assert result.info["rank"] == kept
    assert result.info["relative_error"] == pytest.approx(difference / norm, abs=1e-6)
    assert result.info["compression_ratio"] == pytest.approx(
        kept * (24 + 32 + 1) / (24 * 32), abs=1e-4
    )


def test_full_rank_reproduces_the_image():
    image = make_image("rgba")
    result = ndlab.run("svd_approximation", image, rank=500)
    np.testing.assert_array_equal(result.image, image[..., :3])
    assert result.info["relative_error"] == 0.0


def test_grey_input_reports_its_own_ratio_and_error():
    image = make_image("grey")
    info = ndlab.run("svd_approximation", image, rank=3).info
    s = np.linalg.svd(image.astype(float), compute_uv=False)
    assert info["relative_error"] == pytest.approx(
        np.sqrt((s[3:] ** 2).sum() / (s**2).sum()), abs=1e-6
    )
    assert ndlab.run("svd_approximation", np.zeros((4, 4), np.uint8)).info["relative_error"] == 0.0
