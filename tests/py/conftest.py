"""Shared fixtures (pytest.ini puts py/ on the path, so tests import the working tree's ndlab)."""

import pytest

from cases import make_image


@pytest.fixture(params=["grey", "rgb", "rgba"])
def image(request):
    return make_image(request.param)
