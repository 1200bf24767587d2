"""ndlab: NumPy/SciPy image operations with a catalogue and code export.

Each operation is one plain function registered with its parameter spec;
:func:`run` validates parameters, converts the input, applies the function
and maps the result to uint8; :func:`run_pipeline` chains operations on
full-precision arrays; :func:`catalog` describes everything for the web page.
"""

__version__ = "0.1.0"

# Importing the operation modules registers their operations; within a
# category they are listed in declaration order.
from . import (  # noqa: F401, E402
    colour,
    filters,
    frequency,
    histogram,
    linalg,
    morphology,
    noise,
    segmentation,
    texture,
    threshold,
    transforms,
)
from .api import catalog, estimate_memory, run  # noqa: E402
from .dask_export import dask_script  # noqa: E402
from .pipeline import Result, run_pipeline  # noqa: E402
from .samples import SAMPLES  # noqa: E402

__all__ = [
    "SAMPLES",
    "Result",
    "__version__",
    "catalog",
    "dask_script",
    "estimate_memory",
    "run",
    "run_pipeline",
]
