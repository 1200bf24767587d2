"""The bridge between the Pyodide worker and ndlab: what the worker calls, nothing else.

- :mod:`~ndlab.bridge.jobs`: one function per job the page asks for, all of one shape, and
  :func:`~ndlab.bridge.jobs.call`, the worker's one entry;
- :mod:`~ndlab.bridge.session`: the inputs this Python holds, their cached steps and costs;
- :mod:`~ndlab.bridge.memory`: what a run may use, and at what scale a refused one fits;
- :mod:`~ndlab.bridge.errors`: the one error envelope and the one set of hints;
- :mod:`~ndlab.bridge.pixels`: RGBA in and out, how a file's array is shown, value histograms;
- reading ``.npy``, ``.npz`` and ``.mat`` files and browser pixels is :mod:`ndlab.reading`,
  shared with the Dask script.

Importing :mod:`ndlab.bridge.jobs` is what the start-up snapshot captures (worker/snapshot.js).
"""
