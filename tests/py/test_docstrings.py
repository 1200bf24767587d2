import doctest
import importlib

import numpy as np
import pytest

MODULES = [
    "api",
    "codegen",
    "convert",
    "filters",
    "morphology",
    "registry",
    "samples",
    "threshold",
    "transforms",
    "web",
]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_run(module):
    module = importlib.import_module(f"ndlab.{module}")
    failures, _ = doctest.testmod(module, extraglobs={"np": np}, optionflags=doctest.ELLIPSIS)
    assert failures == 0
