"""Every lab, with random valid parameters, gives valid outputs or a clear ValueError."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lab_cases import LAB_NAMES
from ndlab import labs
from ndlab.labs.core import get_lab


def values_of(param):
    if param.type == "bool":
        return st.booleans()
    if param.type == "choice":
        return st.sampled_from(param.choices)
    if param.type == "int":
        return st.integers(int(param.min), int(param.max))
    return st.floats(param.min, param.max, allow_nan=False)


@pytest.mark.parametrize("name", LAB_NAMES)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_parameters(name, data):
    params = {p.name: data.draw(values_of(p), label=p.name) for p in get_lab(name).params}
    try:
        result = labs.run(name, **params)
    except ValueError as error:
        # Only refusals of a combination of values, each naming a parameter as a word of its own
        # (not as a letter inside another word: "n" is in "only")
        assert any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", str(error)) for p in params), error
        return
    labs.check_outputs(result.outputs)
