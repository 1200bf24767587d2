import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import ndlab

MODULES = [module.name for module in pkgutil.iter_modules(ndlab.__path__) if not module.ispkg]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_run(module):
    module = importlib.import_module(f"ndlab.{module}")
    failures, _ = doctest.testmod(module, extraglobs={"np": np}, optionflags=doctest.ELLIPSIS)
    assert failures == 0
