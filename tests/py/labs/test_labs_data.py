"""Labs on the learner's data: arrays, rows and pasted tables; clear messages for bad ones."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from ndlab import labs
from ndlab.labs.core import get_lab
from ndlab.labs.data import Data, parse_table

CHAPTER_DATA = Path(__file__).resolve().parents[3] / "data" / "scipy-lectures"
TWO_COLUMNS = Data("table", ("x (s)", "y (m)"), {None: "a.txt"}, min_rows=2, max_rows=5, help="")
DATA_LABS = [entry["name"] for entry in labs.catalog()["labs"] if entry["data"]]
# labs that run on the chapter's data (or a matrix of their own) when given none
SOURCED_LABS = [name for name in DATA_LABS if get_lab(name).data.files]
# labs that took no data until issue 12: they run as before when given none
NEW_DATA_LABS = [
    "alaska_temperatures",
    "t_test",
    "gamma_fit",
    "detrend_resample_window",
    "fft_denoise",
    "median_wiener",
]


def test_the_catalogue_says_what_data_each_lab_takes():
    entries = {entry["name"]: entry["data"] for entry in labs.catalog()["labs"]}
    assert entries["population_periodicity"]["columns"] == ["year", "hares", "lynxes", "carrots"]
    assert entries["lidar_waveform"]["files"] == ["waveform_1.npy", "waveform_2.npy"]
    assert entries["lidar_waveform"]["by"] == "model"
    assert entries["glass_sand_bubbles"]["kind"] == "image"
    assert entries["wind_return_speed"]["credit"].endswith("CC BY 4.0")
    assert entries["quad_integral"] is None
    assert (
        entries["linear_algebra"]["kind"] == "matrix" and entries["linear_algebra"]["files"] == []
    )
    assert set(DATA_LABS) >= {"wind_return_speed", "lidar_waveform", "glass_sand_bubbles"}
    assert set(DATA_LABS) >= set(NEW_DATA_LABS)
    assert entries["alaska_temperatures"]["columns"] == ["month", "max (°C)", "min (°C)"]
    assert entries["alaska_temperatures"]["min_rows"] == 4
    assert entries["t_test"]["columns"] == ["value", "group"]
    assert entries["detrend_resample_window"]["optional"] == 1
    assert entries["fft_denoise"]["spaced"] and entries["fft_denoise"]["columns"][0] == "t (s)"
    assert entries["median_wiener"]["optional"] == 1 and entries["median_wiener"]["spaced"]


@pytest.mark.parametrize("name", SOURCED_LABS)
def test_the_chapters_file_given_as_data_gives_the_same_result(name):
    item = get_lab(name)
    params = item.validate({})
    file_name = item.data.source(params)
    if not isinstance(file_name, str):  # a matrix written in the lab
        data = [list(row) for row in file_name]
    elif file_name.endswith(".npy"):
        data = np.load(CHAPTER_DATA / file_name)
    elif file_name.endswith(".txt"):
        data = (CHAPTER_DATA / file_name).read_text()  # pasted as text, header line and all
    else:
        from PIL import Image

        with Image.open(CHAPTER_DATA / file_name) as image:
            data = np.asarray(image)
    assert labs.run(name, data=data).outputs == labs.run(name).outputs


def test_a_lab_that_makes_its_own_data_fits_the_same_points_given_as_data():
    drawn = labs.run("fit_curve", noise=3.0, seed=5).outputs
    samples = drawn["plots"][0]["series"][0]
    given = labs.run("fit_curve", data=list(zip(samples["x"], samples["y"], strict=True)))
    for key in ("a", "b", "a_error", "b_error"):
        assert given.outputs["values"][key] == pytest.approx(drawn["values"][key], rel=1e-9)
    assert [row[1] for row in given.outputs["tables"][0]["rows"]] == [None, None]  # no truth
    assert "points = np.array(" in given.code  # 80 numbers travel in the script
    assert "\npoints = None\n" in labs.run("fit_curve").code  # the lab draws its own points


def test_learner_rows_and_their_exported_script():
    years = np.arange(1990, 2010)
    cycles = 100 + 50 * np.sin(2 * np.pi * years[:, np.newaxis] / [5, 4, 10])
    rows = np.column_stack([years, cycles]).round(3).tolist()
    result = labs.run("population_periodicity", data=rows)
    assert [row[1] for row in result.outputs["tables"][0]["rows"]] == pytest.approx([5, 4, 10])
    assert "populations = np.array(" in result.code  # small data travels in the script


def test_large_learner_data_is_loaded_from_a_file_in_the_script():
    # test_lab_scripts.py runs such scripts beside the file and compares what they print
    record = np.random.default_rng(0).gamma(4, 5, 5000)
    result = labs.run("wind_return_speed", data=record)
    assert 'record = np.load("record.npy")' in result.code


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([[1, 2], [3, 4], [5]], "row 3 has 1 value, row 1 has 2"),
        ([[1, 2], [3, "four"]], "row 2, column 2 is 'four', not a number"),
        ([[1, 2], [3, None]], "row 2, column 2 is None, not a number"),
        ([[1, 2], [3, True]], "row 2, column 2 is True, not a number"),
        ([[1, 2], [np.nan, 4]], "row 2, column 1 is nan, not a finite number"),
        (np.array([[1, 2], [3, np.inf]]), "row 2, column 2 is inf, not a finite number"),
        ([[1, 2]], r"the data needs 2 to 5 rows, got 1"),
        (np.zeros((6, 2)), r"the data needs 2 to 5 rows, got 6"),
        (np.zeros((3, 3)), r"the table needs 2 column\(s\) \(x \(s\), y \(m\)\), got 3"),
        (np.zeros(3), r"the table needs 2 column\(s\) .*, got 1"),
        (42, "data must be an array, a list of rows or a table as text, got int"),
        (np.array([["1", "2"], ["3", "x"]]), "row 1, column 1 is '1', not a number"),
        (np.array([[True, False], [True, True]]), "row 1, column 1 is True, not a number"),
        ("x, y\n1, 2\n3, oops", "line 3, column 2 is 'oops', not a number"),
        ("1 2\n3 4 5", "line 2 has 3 values, line 1 has 2"),
        ("# only a comment", "the table has no rows of numbers"),
    ],
)
def test_malformed_data_gets_a_message_naming_the_place(data, message):
    with pytest.raises(ValueError, match=message):
        TWO_COLUMNS.check(data)


def test_a_matrix_takes_from_min_to_max_rows_and_columns():
    matrix = Data("matrix", (), {None: "a.txt"}, min_rows=2, max_rows=4, help="")
    for shape in ((2, 2), (4, 4), (2, 4)):
        assert matrix.check(np.ones(shape)).shape == shape
    for columns in (1, 5):
        with pytest.raises(ValueError, match=f"needs 2 to 4 columns, got {columns}"):
            matrix.check(np.ones((3, columns)))


@pytest.mark.parametrize("optional", [-1, 2])
def test_optional_columns_leave_at_least_one(optional):
    with pytest.raises(ValueError, match=f"must leave at least one column, got {optional}"):
        Data("table", ("x", "y"), {None: "a.txt"}, 2, 5, "", optional=optional)


def test_a_lab_refuses_bad_data_with_the_message():
    with pytest.raises(ValueError, match="row 2, column 1 is 'x', not a number"):
        labs.run("lidar_waveform", data=[1.0, "x"] + [0.0] * 20)
    with pytest.raises(ValueError, match="the image must be 2-D"):
        labs.run("glass_sand_bubbles", data=np.zeros((50, 50, 3)))
    with pytest.raises(ValueError, match="quad_integral takes no data"):
        labs.run("quad_integral", data=[1, 2, 3])


CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**6), 10**6),
    st.text(max_size=3),
    st.none(),
    st.booleans(),
    st.lists(st.floats(), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.one_of(CELLS, st.lists(CELLS, max_size=4)), max_size=8))
def test_hypothesis_malformed_rows_get_messages_never_crashes(rows):
    try:
        array = TWO_COLUMNS.check(rows)
    except ValueError as error:
        assert str(error).startswith(("row ", "the table needs", "the data needs")), error
    else:
        assert array.shape[1] == 2 and 2 <= array.shape[0] <= 5
        assert np.isfinite(array).all()


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("0123456789.,;e-+ \t\nxan#"), max_size=60))
def test_hypothesis_pasted_text_gets_messages_never_crashes(text):
    try:
        rows = parse_table(text)
    except ValueError as error:
        assert str(error).startswith(("line ", "the table has no rows")), error
    else:
        assert rows and len({len(row) for row in rows}) == 1
        assert np.isfinite(rows).all()


@settings(max_examples=100, deadline=None)
@given(
    table=st.lists(
        st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=2, max_size=2),
        min_size=2,
        max_size=5,
    ),
    separator=st.sampled_from([",", ";", "\t", " ", ", "]),
)
def test_hypothesis_a_pasted_table_reads_back_exactly(table, separator):
    text = "x, y\n" + "\n".join(separator.join(repr(value) for value in row) for row in table)
    assert TWO_COLUMNS.check(text).tolist() == table


NUMBERS = st.one_of(st.floats(-1e3, 1e3), st.integers(-3, 3))  # small integers: group labels
ODD_CELLS = st.sampled_from([np.nan, np.inf, -np.inf, "x", "", None, True, [1.0]])
CELL = st.one_of(NUMBERS, NUMBERS, NUMBERS, ODD_CELLS)


@st.composite
def tables(draw):
    """Tables of 1 to 4 columns, mostly numbers; some ragged, some with odd cells."""
    width = draw(st.integers(1, 4))
    row = st.lists(CELL, min_size=width, max_size=width)
    rows = draw(st.lists(st.one_of(row, row, row, st.lists(CELL, max_size=5)), max_size=40))
    return [cells[0] if width == 1 and len(cells) == 1 else cells for cells in rows]


@st.composite
def numbers(draw, width):
    """Tables of numbers `width` columns wide, each column of any numbers, of positive ones
    or of the labels 1 and 2: what the labs' computations get."""
    kinds = [NUMBERS, st.floats(0, 1e3, exclude_min=True), st.sampled_from([1, 2])]
    columns = [draw(st.sampled_from(kinds)) for _ in range(width)]
    rows = draw(
        st.lists(st.tuples(*columns), min_size=draw(st.sampled_from([0, 4, 4])), max_size=40)
    )
    return np.array(rows, dtype=np.float64).reshape(len(rows), width)


@st.composite
def series(draw):
    """Series in time steps that are even, or nearly (a gap, a repeat, a jitter)."""
    n = draw(st.integers(1, 40))
    t = draw(st.floats(-100, 100)) + draw(st.floats(1e-3, 10)) * np.arange(n)
    if n > 1 and draw(st.booleans()):
        t[draw(st.integers(1, n - 1)) :] += draw(st.floats(-1, 1))
    values = draw(st.lists(st.floats(-1e3, 1e3), min_size=n, max_size=n))
    return np.column_stack([t, values])


@pytest.mark.parametrize("name", NEW_DATA_LABS)
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_hypothesis_malformed_tables_for_the_new_data_labs_get_messages(name, data):
    """Every table either runs the lab or is refused with a ValueError, never another error."""
    width = len(get_lab(name).data.columns)
    data = data.draw(st.one_of(tables(), numbers(width), numbers(width), series()))
    try:
        result = labs.run(name, data=data)
    except ValueError as error:
        event("refused")
        assert str(error) and "\n" not in str(error), error
    else:
        event("ran")
        assert result.outputs["text"] and "your data" in " ".join(result.outputs["text"])
