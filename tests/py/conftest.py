"""Shared fixtures; tests import ndlab from the working tree's py/ folder."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "py"))

from cases import make_image  # noqa: E402


@pytest.fixture(params=["grey", "rgb", "rgba"])
def image(request):
    return make_image(request.param)
