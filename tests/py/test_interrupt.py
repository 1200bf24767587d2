import numpy as np
import pytest

import ndlab
from ndlab import interrupt


@pytest.fixture
def buffer():
    buf = [0]
    interrupt.install(buf)
    yield buf
    interrupt.install(None)


def test_check_does_nothing_without_a_request(buffer):
    interrupt.check()
    assert ndlab.run("gaussian_filter", np.zeros((4, 4))).image.shape == (4, 4)


def test_requested_cancel_stops_a_run_and_is_cleared(buffer):
    buffer[0] = 2
    with pytest.raises(KeyboardInterrupt):
        ndlab.run("gaussian_filter", np.zeros((4, 4, 3), np.uint8) + [1, 2, 3])
    assert buffer[0] == 0
    assert ndlab.run("gaussian_filter", np.zeros((4, 4))).image.shape == (4, 4)
