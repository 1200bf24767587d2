"""SciPy labs: the SciPy chapter of the Scientific Python Lecture Notes, live.

Each lab is one plain function, registered with its parameter specs by
:func:`~ndlab.labs.core.lab`, that computes with NumPy and SciPy and returns
plots, heat maps, tables, values and sentences (see
:mod:`ndlab.labs.outputs`). :func:`run` validates parameters and returns a
:class:`LabResult` whose ``code`` is the script a learner would write: the
lab's own code, then ``print`` calls for the same numbers and matplotlib
calls for the same plots (:mod:`ndlab.labs.scripts`); :func:`catalog` lists
every lab for the page.

A lab's source is its exported code, so each lab body is self-contained:
small pieces (a random generator, a model function) are repeated across
labs on purpose rather than shared through helpers.
"""

# Importing the lab modules registers their labs; within a category they
# are listed in declaration order.
from . import (  # noqa: F401
    exercises,
    integrate,
    interpolate,
    io,
    linalg,
    optimize,
    signal,
    special,
    stats,
)
from .core import CATEGORIES, LabResult, catalog, run  # noqa: E402
from .outputs import check_outputs  # noqa: E402

__all__ = ["CATEGORIES", "LabResult", "catalog", "check_outputs", "run"]
