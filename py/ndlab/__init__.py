"""ndlab: NumPy/SciPy image operations with a catalogue and code export.

Each operation is one plain function registered with its parameter spec;
:func:`run` validates parameters, converts the input, applies the function
and maps the result to uint8, and :func:`catalog` describes everything for
the web page.
"""

__version__ = "0.1.0"

# Importing the operation modules registers their operations, in this order.
from . import filters, morphology, threshold, transforms  # noqa: F401, E402
from .api import Result, catalog, run  # noqa: E402
from .samples import SAMPLES  # noqa: E402

__all__ = ["SAMPLES", "Result", "__version__", "catalog", "run"]
