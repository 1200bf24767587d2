"""Lab names for parametrized tests (the parent conftest puts py/ on sys.path)."""

from ndlab import labs

LAB_NAMES = [entry["name"] for entry in labs.catalog()["labs"]]
