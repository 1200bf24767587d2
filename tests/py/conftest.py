"""Shared fixtures (pytest.ini puts py/ on the path, so tests import the working tree's ndlab)."""

import pytest
from hypothesis import HealthCheck, settings

from cases import make_image

# No per-example deadline: on a 2-core machine shared with other work an example that takes 20 ms
# alone can take over hypothesis's default 200 ms, which fails the test for nothing.
settings.register_profile("loaded", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("loaded")


@pytest.fixture(params=["grey", "rgb", "rgba"])
def image(request):
    return make_image(request.param)
