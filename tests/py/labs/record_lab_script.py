"""Run an exported lab script as a learner would, and record what its figures draw.

Usage: ``python record_lab_script.py SCRIPT FIGURES_JSON`` with ``MPLBACKEND=Agg``. The script
runs as ``__main__`` (its printed lines go to stdout as usual); its ``plt.show()`` writes, for
each figure and each of its axes, the title, axis labels, y scale, images and the data of each
labelled line or bar, as JSON to FIGURES_JSON.
"""

import json
import math
import runpy
import sys

import matplotlib.pyplot as plt
from matplotlib.container import BarContainer


def numbers(values):
    """Return `values` as a list of floats, NaN as None (as the page's outputs hold them)."""
    return [float(v) if math.isfinite(v) else None for v in map(float, values)]


def artist(handle):
    if isinstance(handle, BarContainer):
        bars = handle.patches
        return {
            "x": numbers(bar.get_x() + bar.get_width() / 2 for bar in bars),
            "y": numbers(bar.get_height() for bar in bars),
        }
    return {"x": numbers(handle.get_xdata()), "y": numbers(handle.get_ydata())}


def axes_record(ax):
    handles, labels = ax.get_legend_handles_labels()
    return {
        "title": ax.get_title(),
        "x_label": ax.get_xlabel(),
        "y_label": ax.get_ylabel(),
        "y_scale": ax.get_yscale(),
        "legend": ax.get_legend() is not None,
        "images": [
            {
                "shape": list(image.get_array().shape),
                "extent": list(image.get_extent()),
                "range": list(image.get_clim()),
            }
            for image in ax.get_images()
        ],
        "series": [dict(artist(h), label=label) for h, label in zip(handles, labels, strict=True)],
    }


def show(*args, **kwargs):
    figures = [plt.figure(number) for number in plt.get_fignums()]
    record = [
        [axes_record(ax) for ax in figure.axes if ax.get_label() != "<colorbar>"]
        for figure in figures
    ]
    with open(sys.argv[2], "w") as stream:
        json.dump(record, stream)


if __name__ == "__main__":
    plt.show = show
    runpy.run_path(sys.argv[1], run_name="__main__")
