"""The functions of the Dask script that :func:`ndlab.dask_script` writes.

The script holds their source, which :mod:`ndlab.dask_export` reads from this file without
importing it: ndlab itself needs no Dask (the page's Python has none), while the script, and
the tests that import this module, need Dask, ``dask.distributed``, dask-image and Pillow.
"""

import argparse
import csv
from pathlib import Path

import dask
import dask.array as da
import numpy as np
from dask.distributed import Client, get_client
from PIL import Image
from scipy import ndimage

from .convert import is_grey, rgb_to_grey

#: The files a folder's images are read from (with Pillow), besides ``.npy`` arrays.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp")


def inputs(names):
    """Return the files named and, for each folder named, its images and ``.npy`` files sorted."""
    paths = []
    for path in map(Path, names):
        if path.is_dir():
            found = [p for p in path.iterdir() if p.suffix.lower() in (*IMAGE_SUFFIXES, ".npy")]
            paths += sorted(found)
        elif path.is_file():
            paths.append(path)
        else:
            raise SystemExit(f"{path}: no such file or folder")
    return paths


def load(path):
    """Read an image file (with Pillow) or a ``.npy`` array as ndlab does.

    Images other than grey, RGB and RGBA are read as RGBA, as a browser
    decodes them; colour with three equal channels is grey.
    """
    if path.suffix.lower() == ".npy":
        array = np.load(path)
    else:
        with Image.open(path) as picture:
            if picture.mode not in ("L", "RGB", "RGBA"):
                picture = picture.convert("RGBA")
            array = np.asarray(picture)
    return array[..., 0] if array.ndim == 3 and is_grey(array) else array


def chunked(array, chunk):
    """Return `array` as a Dask array of `chunk` × `chunk` pieces.

    With a cluster, the array is sent to it once, and split there, rather
    than written into the task graph.
    """
    try:
        whole = da.from_delayed(get_client().scatter(array), array.shape, array.dtype)
    except ValueError:  # no cluster: the array stays in this process
        whole = da.from_array(array, chunks=-1)
    return whole.rechunk((chunk, chunk) + array.shape[2:])


def grey_levels(image):
    """Return the float64 grey levels of `image` (NumPy or Dask), as grey operations get them."""
    if image.ndim == 2:
        return image.astype(np.float64)
    return rgb_to_grey(image[..., :3].astype(np.float64))


def colour_channels(image):
    """Return the float64 red, green and blue of `image` (grey repeated), for colour steps."""
    if image.ndim == 2:
        return np.stack([image.astype(np.float64)] * 3, axis=-1)
    return image[..., :3].astype(np.float64)


def each_channel(function, image, *, alpha=False):
    """Apply `function` to each colour channel of `image` in float64, or to its grey levels.

    The alpha channel of RGBA is kept as it is, or processed too with
    `alpha` (geometric transforms move transparency with the pixels).
    """
    if image.ndim == 2:
        return function(image.astype(np.float64))
    count = 4 if alpha else 3
    planes = [function(image[..., c].astype(np.float64)) for c in range(min(count, image.shape[2]))]
    planes += [image[..., c].astype(np.float64) for c in range(count, image.shape[2])]
    return np.stack(planes, axis=-1)


def in_chunks(function, image, depth, dtype=np.float64, **params):
    """Apply `function` to each chunk of `image` with `depth` pixels of its neighbours around it.

    Nothing is added beyond the image's own edges (``boundary="none"``), so
    `function` treats them as on the whole image; the overlaps are cut off
    afterwards. When `depth` covers the footprint of `function`, the result
    equals ``function(image)`` computed on the whole image.
    """
    depth = {axis: min(depth, size) for axis, size in enumerate(image.shape)}  # no more exists
    return image.map_overlap(function, depth=depth, boundary="none", dtype=dtype, **params)


def gathered(function, image, *, info=False, **params):
    """Apply `function` to the whole of `image`, gathered into this process's memory.

    For an operation that no chunking computes exactly. The result is
    chunked again like `image`; with `info`, ``(result, info)`` as
    `function` returns it.
    """
    returned = function(image.compute(), **params)
    array = returned[0] if info else returned
    result = chunked(array, image.chunksize[0])
    return (result, returned[1]) if info else result


def measure_chunk(labels, intensity, top, left):
    """Return one chunk's part of the measurements, a row per object in it.

    Rows are label, area, sum of `intensity`, its sums weighted by row and
    by column, its maximum, and the bounding box (top, left, bottom, right);
    `top` and `left` place the chunk in the image.
    """
    index = np.unique(labels)
    index = index[index > 0]
    rows, cols = np.indices(labels.shape)
    sums = [
        ndimage.sum_labels(weights, labels, index)
        for weights in (np.ones(labels.shape), intensity, intensity * (rows + top))
    ]
    sums.append(ndimage.sum_labels(intensity * (cols + left), labels, index))
    maxima = ndimage.maximum(intensity, labels, index)
    boxes = ndimage.find_objects(labels)
    corners = [
        (box[0].start + top, box[1].start + left, box[0].stop + top, box[1].stop + left)
        for box in (boxes[number - 1] for number in index)
    ]
    return np.column_stack([index, *sums, maxima, np.reshape(corners, (-1, 4))])


def measure(labels, count, intensity):
    """Return ndlab's table of the objects of `labels` (Dask), measuring `intensity`.

    Each chunk is measured where it lies (:func:`measure_chunk`) and the
    parts are combined: areas and sums add up, maxima and bounding boxes
    extend. (dask-image's own measurements pass over the whole image once
    per object.) The columns are those of ndlab's labelling step.
    """
    intensity = intensity.rechunk(labels.chunks)
    starts = [np.cumsum((0, *sizes[:-1])) for sizes in labels.chunks]
    parts = [
        dask.delayed(measure_chunk)(block, weights, starts[0][i], starts[1][j])
        for (i, j), block, weights in zip(
            np.ndindex(*labels.numblocks),
            labels.to_delayed().ravel(),
            intensity.to_delayed().ravel(),
            strict=True,
        )
    ]
    part = np.concatenate([np.empty((0, 10)), *dask.compute(*parts)])
    number = part[:, 0].astype(int)
    sums = np.zeros((count + 1, 4))
    np.add.at(sums, number, part[:, 1:5])
    maxima = np.full(count + 1, -np.inf)
    np.maximum.at(maxima, number, part[:, 5])
    box = np.tile([np.inf, np.inf, -np.inf, -np.inf], (count + 1, 1))
    np.minimum.at(box[:, :2], number, part[:, 6:8])
    np.maximum.at(box[:, 2:], number, part[:, 8:10])
    rows = [
        [n, int(area), round(total / area, 3), round(float(maxima[n]), 3)]
        + [int(edge) for edge in box[n]]
        + [round(row_sum / total, 3), round(col_sum / total, 3)]
        for n, (area, total, row_sum, col_sum) in enumerate(sums[1:].tolist(), start=1)
    ]
    columns = ["label", "area", "mean_intensity", "max_intensity"]
    columns += ["top", "left", "bottom", "right", "centre_row", "centre_col"]
    return {"columns": columns, "rows": rows}


def write_tables(path, tables):
    """Write `tables`, ``[(input name, step, table)]``, as one CSV: input, step, the columns."""
    columns = list(dict.fromkeys(column for _, _, table in tables for column in table["columns"]))
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["input", "step", *columns])
        for name, step, table in tables:
            for row in table["rows"]:
                cells = dict(zip(table["columns"], row, strict=True))
                writer.writerow([name, step, *(cells.get(column, "") for column in columns)])


def main(pipeline, description):
    """Run `pipeline` on the inputs named on the command line; write its arrays and tables."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="image files, folders, .npy")
    parser.add_argument("--out", required=True, type=Path, help="folder for the results")
    parser.add_argument("--scheduler", help="a Dask scheduler's address (default: a LocalCluster)")
    parser.add_argument("--chunk", type=int, default=1024, help="chunk side in pixels")
    args = parser.parse_args()
    paths = inputs(args.inputs)
    args.out.mkdir(parents=True, exist_ok=True)
    tables = []
    # Without an address, Client starts a LocalCluster sized to the cores and stops it at the end.
    with Client(args.scheduler) as client:
        print(f"Dask scheduler {client.scheduler.address}, {len(client.nthreads())} workers")
        for path in paths:
            result, infos = pipeline(chunked(load(path), args.chunk))
            np.save(args.out / f"{path.stem}.npy", result.compute())
            for step, info in infos:
                values = {key: value for key, value in info.items() if key != "table"}
                print(f"{path.name}, {step}: {values}")
                if "table" in info:
                    tables.append((path.name, step, info["table"]))
            print(f"{path.name} -> {args.out / (path.stem + '.npy')}")
    if tables:
        write_tables(args.out / "measurements.csv", tables)
