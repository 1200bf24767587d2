"""What the tests of the Dask script share: running its pipeline here, and comparing labels.

Not in cases.py, which every test module imports: these need Dask.
"""

import dask
import numpy as np

import ndlab


def script_namespace(steps):
    """Return the globals of ``ndlab.dask_script(steps)`` executed as a module (not as __main__)."""
    namespace = {"__name__": "dask_script"}
    exec(compile(ndlab.dask_script(steps), "dask_script.py", "exec"), namespace)
    return namespace


def run_chunked(namespace, image, chunk):
    """Run the script's pipeline on `image` cut into `chunk`-pixel chunks, in this process."""
    with dask.config.set(scheduler="synchronous"):
        result, infos = namespace["pipeline"](namespace["chunked"](image, chunk))
        return result.compute(), infos


def label_mapping(labels, reference):
    """Return {label: reference label}, asserting the two label images differ only in numbering."""
    np.testing.assert_array_equal(labels > 0, reference > 0)
    base = int(reference.max()) + 1
    pairs = np.unique(labels.astype(np.int64) * base + reference)  # each pair of labels met
    found, expected = np.divmod(pairs, base)
    assert len(set(found.tolist())) == len(set(expected.tolist())) == len(pairs), (
        "an object split or two merged"
    )
    return dict(zip(found.tolist(), expected.tolist(), strict=True))


def assert_same(chunked, whole, returns):
    """Assert a chunked result equals the whole image's: values, masks, or labels renumbered."""
    assert chunked.shape == whole.shape
    assert chunked.dtype == whole.dtype
    if returns == "labels":
        label_mapping(chunked, whole)
    elif returns == "mask" or whole.dtype.kind in "biu":
        np.testing.assert_array_equal(chunked, whole)
    else:
        # Filters made of running sums (box, local variance) add in another order in a chunk.
        np.testing.assert_allclose(chunked, whole, rtol=1e-10, atol=1e-9)


def mapped_rows(table, mapping):
    """The rows of a labelling table with their labels renumbered by `mapping`, sorted."""
    return sorted([mapping[row[0]], *row[1:]] for row in table["rows"])
