import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import ndlab

# ndlab's modules and the bridge's (the labs' are tested in tests/py/labs)
MODULES = [
    module.name
    for module in pkgutil.walk_packages(ndlab.__path__, "ndlab.")
    if not module.ispkg and not module.name.startswith("ndlab.labs.")
]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_run(module):
    module = importlib.import_module(module)
    failures, _ = doctest.testmod(module, extraglobs={"np": np}, optionflags=doctest.ELLIPSIS)
    assert failures == 0
