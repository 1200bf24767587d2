"""Lab names for parametrized tests."""

from ndlab import labs

LAB_NAMES = [entry["name"] for entry in labs.catalog()["labs"]]
