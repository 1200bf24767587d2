"""The data a lab takes: the chapter's files by default, or the learner's array or table.

A lab whose input is data declares it once with :class:`Data`; its function
takes the data as its one positional argument. :func:`ndlab.labs.run` passes
the chapter's file when the learner gives nothing, and checks what the
learner gives with :meth:`Data.check`, whose messages name the row and the
column at fault. :func:`parse_table` reads a pasted table (CSV or columns
separated by spaces) with the same kind of messages.
"""

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: The chapter's files as the build puts them into the package (images decoded to ``.npy``).
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CREDIT = "Scientific Python Lectures (scipy-lectures.org), CC BY 4.0"
#: How the exported script reads each kind of file: (import line, expression with {file}).
LOADERS = {
    ".npy": ("import numpy as np", 'np.load("{file}")'),
    ".txt": ("import numpy as np", 'np.loadtxt("{file}")'),
    ".jpg": ("from PIL import Image", 'np.asarray(Image.open("{file}"))'),
}


@dataclass(frozen=True)
class Data:
    """Specification of the data a lab takes.

    Parameters
    ----------
    kind : {"table", "image", "matrix"}
        A table has rows of numbers, one column per entry of `columns`
        (a single column may also be given as a 1-D array); an image is a
        2-D array of grey levels; a matrix is a 2-D array of any shape
        within the limits.
    columns : tuple of str
        Each column's meaning and unit, for tables; empty otherwise.
    files : dict
        What the lab uses when the learner gives no data, keyed by the
        value of the parameter `by` (or by None when there is one): the
        name of one of the chapter's files, or a matrix as a tuple of rows.
        Empty when the lab then makes its own data (it receives None).
    min_rows, max_rows : int
        Limits of the number of rows (and, for a matrix, of columns).
    help : str
        One sentence on what the data is, shown with the lab.
    by : str, optional
        The parameter whose value picks the chapter's file.
    optional : int, optional
        How many of the first columns of a table may be left out (the lab
        then numbers the rows itself): with columns ``("t", "y")`` and 1,
        ``y`` alone will do.
    spaced : bool, optional
        Whether the first column of a table, when given, must increase in
        even steps (as the samples of a Fourier transform must), each step
        within :data:`SPACING` of their median.
    makes : tuple of str, optional
        The parameters that only shape the data the lab makes itself when
        it is given none (a true slope, a noise level, a seed): the page
        turns them off while the learner's data is in use.
    alone : tuple of str, optional
        The parameters used only when a table comes without its `optional`
        first columns (its last columns alone), which the lab then makes
        itself (as a record without years is split into `n_years`): the
        page turns them off while the learner's table gives those columns.
    fewest : str, optional
        Why the method needs at least `min_rows` rows, said to a learner
        whose data has fewer.
    """

    kind: str
    columns: tuple[str, ...]
    files: dict
    min_rows: int
    max_rows: int
    help: str
    by: str | None = None
    optional: int = 0
    spaced: bool = False
    makes: tuple[str, ...] = ()
    alone: tuple[str, ...] = ()
    fewest: str = ""

    def __post_init__(self):
        if self.kind not in ("table", "image", "matrix"):
            raise ValueError(f"kind must be 'table', 'image' or 'matrix', got {self.kind!r}")
        if (self.kind == "table") != bool(self.columns):
            raise ValueError("columns must be given exactly for tables")
        names = [name for name in self.files.values() if isinstance(name, str)]
        if any(Path(name).suffix not in LOADERS for name in names):
            raise ValueError(f"files must end with one of {tuple(LOADERS)}, got {self.files}")
        if not 0 <= self.optional < max(len(self.columns), 1):
            raise ValueError(f"optional must leave at least one column, got {self.optional}")

    def unused(self, data):
        """Return the parameters that change nothing when the lab is given `data`, and why.

        Parameters
        ----------
        data : numpy.ndarray or None
            The learner's data as :meth:`check` returns it, or None for the
            lab's own.

        Returns
        -------
        dict
            Each such parameter's name and the reason, a clause.

        Examples
        --------
        >>> spec = Data("table", ("t", "y"), {}, 2, 9, "", optional=1, makes=("n",), alone=("dt",))
        >>> spec.unused(None), list(spec.unused(np.ones(4)))
        ({}, ['n'])
        >>> spec.unused(np.ones((4, 2)))["dt"]
        'they apply only to a table without its first column (t)'
        """
        if data is None:
            return {}
        unused = dict.fromkeys(self.makes, "they shape only the data the lab makes itself")
        if self.kind == "table" and data.ndim == 2 and data.shape[1] == len(self.columns):
            columns = "column" if self.optional == 1 else f"{self.optional} columns"
            first = ", ".join(self.columns[: self.optional])
            reason = f"they apply only to a table without its first {columns} ({first})"
            unused |= dict.fromkeys(self.alone, reason)
        return unused

    def source(self, params):
        """Return the chapter's file name, or the matrix, used for `params` (None: none)."""
        return self.files.get(params[self.by] if self.by else None)

    def load(self, params):
        """Return the chapter's data for `params`, as its loader in :data:`LOADERS` reads it.

        Images come from the grey-level ``.npy`` that the build decoded with Pillow.
        """
        name = self.source(params)
        if name is None:
            return None
        if not isinstance(name, str):
            return np.array(name, dtype=np.float64)
        suffix = Path(name).suffix
        if suffix == ".txt":
            return np.loadtxt(DATA_DIR / name)
        if suffix == ".jpg":
            return np.load(DATA_DIR / f"{name}.npy")
        return np.load(DATA_DIR / name)

    def check(self, data):
        """Return `data` as a float64 array after checking it against this specification.

        Parameters
        ----------
        data : array_like
            A NumPy array, or a list of rows.

        Raises
        ------
        ValueError
            Naming the row and column (counted from 1) of a ragged row, a
            value that is not a number or not finite, or saying how many
            rows or columns were expected and received.

        Examples
        --------
        >>> Data("table", ("x", "y"), {None: "a.txt"}, 2, 10, "").check([[1, 2], [3]])
        Traceback (most recent call last):
        ...
        ValueError: row 2 has 1 value, row 1 has 2
        """
        if isinstance(data, np.ndarray) and data.dtype.kind in "iuf":
            array = data.astype(np.float64)
        else:
            array = _rows_to_array(data)
        if self.kind != "table":
            if array.ndim != 2:
                raise ValueError(f"the {self.kind} must be 2-D, got shape {array.shape}")
            if self.kind == "matrix" and not self.min_rows <= array.shape[1] <= self.max_rows:
                raise ValueError(
                    f"the matrix needs {self.min_rows} to {self.max_rows} columns, "
                    f"got {array.shape[1]}"
                )
        else:
            if array.ndim == 1:  # a single column
                array = array[:, np.newaxis]
            width = len(self.columns)
            if array.ndim != 2 or not width - self.optional <= array.shape[1] <= width:
                got = array.shape[1] if array.ndim == 2 else f"shape {array.shape}"
                alone = f" or {', '.join(self.columns[self.optional :])} alone" * (
                    self.optional > 0
                )
                raise ValueError(
                    f"the table needs {width} column(s) ({', '.join(self.columns)}){alone}, "
                    f"got {got}"
                )
        rows = array.shape[0]
        if not self.min_rows <= rows <= self.max_rows:
            why = f": {self.fewest}" if self.fewest and rows < self.min_rows else ""
            raise ValueError(
                f"the data needs {self.min_rows} to {self.max_rows} rows, got {rows}{why}"
            )
        bad = np.argwhere(~np.isfinite(array))
        if bad.size:
            row, column = bad[0]
            raise ValueError(
                f"row {row + 1}, column {column + 1} is {array[row, column]}, not a finite number"
            )
        if self.spaced and array.shape[1] == len(self.columns):
            _check_spacing(array[:, 0], self.columns[0])
        return array[:, 0] if self.kind == "table" and array.shape[1] == 1 else array

    def to_dict(self):
        """Return the JSON-ready description for the catalogue."""
        return {
            "kind": self.kind,
            "columns": list(self.columns),
            "files": sorted({name for name in self.files.values() if isinstance(name, str)}),
            "by": self.by,
            "optional": self.optional,
            "spaced": self.spaced,
            "makes": list(self.makes),
            "alone": list(self.alone),
            "min_rows": self.min_rows,
            "max_rows": self.max_rows,
            "help": self.help,
            "credit": CREDIT,
        }


#: How far each step of an evenly spaced column may be from their median, relative to it.
SPACING = 0.01


def _check_spacing(column, name):
    """Raise a ValueError naming the first row where `column` does not step evenly upwards."""
    with np.errstate(all="ignore"):  # huge values overflow into inf, which is refused below
        steps = np.diff(column)
        step = np.median(steps)  # a gap or a repeated time then stands out, at its row
        uneven = np.flatnonzero(~(np.abs(steps - step) <= SPACING * step))
    if not 0 < step < np.inf:
        raise ValueError(
            f"column 1 ({name}) must increase in even steps; it goes from {column[0]:g} in row 1 "
            f"to {column[-1]:g} in row {column.size}"
        )
    if uneven.size:
        row = uneven[0] + 1  # counted from 0: the step from row - 1 to row is uneven
        raise ValueError(
            f"row {row + 1}, column 1 ({name}) is {column[row]:g}, a step of "
            f"{steps[row - 1]:g} from row {row}; the steps must be even, each "
            f"within {SPACING:.0%} of their median {step:g}"
        )


def _rows_to_array(data):
    """Return rows (lists of numbers, or single numbers) or a table as text as a 2-D array."""
    if isinstance(data, str):
        data = parse_table(data)
    try:
        rows = [row if isinstance(row, (list, tuple, np.ndarray)) else [row] for row in data]
    except TypeError:
        kind = type(data).__name__
        message = f"data must be an array, a list of rows or a table as text, got {kind}"
        raise ValueError(message) from None
    width = len(rows[0]) if rows else 0
    for index, row in enumerate(rows):
        if len(row) != width:
            plural = "" if len(row) == 1 else "s"
            raise ValueError(f"row {index + 1} has {len(row)} value{plural}, row 1 has {width}")
        for column, value in enumerate(row):
            if isinstance(value, (bool, np.bool_)) or not isinstance(
                value, (int, float, np.number)
            ):
                shown = value.item() if isinstance(value, np.generic) else value
                raise ValueError(f"row {index + 1}, column {column + 1} is {shown!r}, not a number")
    return np.array(rows, dtype=np.float64).reshape(len(rows), width)


_SEPARATOR = re.compile(r"\s*[,;\t]\s*|\s+")


def parse_table(text):
    """Return the numbers of a pasted table as a list of rows of floats.

    Columns are separated by commas, semicolons, tabs or spaces; blank lines
    and lines starting with ``#`` are skipped, and so is a first line of
    column names.

    Raises
    ------
    ValueError
        Naming the line and column of a value that is not a number or not
        finite, or of a line whose number of values differs from the first.

    Examples
    --------
    >>> parse_table("year, hare\\n1900, 30e3\\n1901, 47.2e3")
    [[1900.0, 30000.0], [1901.0, 47200.0]]
    >>> parse_table("1 2\\n3 x")
    Traceback (most recent call last):
    ...
    ValueError: line 2, column 2 is 'x', not a number
    """
    rows, first = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cells = _SEPARATOR.split(line)
        values = []
        for column, cell in enumerate(cells, start=1):
            try:
                value = float(cell)
            except ValueError:
                if not rows and first is None:
                    values = None  # a header line
                    break
                message = f"line {number}, column {column} is {cell!r}, not a number"
                raise ValueError(message) from None
            if not math.isfinite(value):
                raise ValueError(f"line {number}, column {column} is {cell!r}, not a finite number")
            values.append(value)
        if values is None:
            first = number
            continue
        if rows and len(values) != len(rows[0][1]):
            raise ValueError(
                f"line {number} has {len(values)} values, line {rows[0][0]} has {len(rows[0][1])}"
            )
        rows.append((number, values))
    if not rows:
        raise ValueError("the table has no rows of numbers")
    return [values for _, values in rows]
