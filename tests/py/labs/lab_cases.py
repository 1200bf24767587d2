"""Lab names for parametrized tests (tests/py/conftest.py puts py/ on sys.path)."""

from ndlab import labs

LAB_NAMES = [entry["name"] for entry in labs.catalog()["labs"]]
