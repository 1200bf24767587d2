"""The functions of the Dask script that :func:`ndlab.dask_script` writes.

The script holds their source, which :mod:`ndlab.dask_export` reads from this file without
importing it: ndlab itself needs no Dask (the page's Python has none), while the script, and
the tests that import this module, need Dask, ``dask.distributed``, dask-image and Pillow.
"""

import argparse
import csv
import json
import re
import shutil
import sys
from pathlib import Path

import dask
import dask.array as da
import numpy as np
from dask.distributed import Client, get_client
from PIL import Image, UnidentifiedImageError
from scipy import ndimage

from .convert import rgb_to_grey
from .reading import browser_rgba, canonical, checked_array, is_array_file, read_array_file

#: What the script writes beside the arrays, as the page's batch writes it into its zip: the
#: steps run, the files that failed and why, and per step that measures, its table of every file.
PIPELINE_FILE = "pipeline.json"
FAILURES_FILE = "failures.csv"
TABLE_FILE = "measurements-step{number}-{name}.csv"


def inputs(names):
    """Return ``(name, path)`` of the files named and of every file in the folders named.

    A folder's files are found in its subfolders too, hidden ones left out (``.DS_Store``), and
    named by their path from the folder's parent (``images/a.png``), as the page's batch names
    a folder's files; a file named alone goes by its name. Sorted by name, numbers by value.
    """
    found = []
    for path in map(Path, names):
        if path.is_dir():
            for file in path.rglob("*"):
                name = file.relative_to(path.parent).as_posix()
                if file.is_file() and not any(part.startswith(".") for part in name.split("/")):
                    found.append((name, file))
        elif path.is_file():
            found.append((path.name, path))
        else:
            raise SystemExit(f"{path}: no such file or folder")
    return sorted(found, key=lambda item: _natural(item[0]))


def _natural(name):
    """A key that sorts names as people do: image2 before image10, case aside."""
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", name.lower())
    ]


def load(path):
    """Return the array ndlab's page runs on for the file at `path`; ValueError saying why not.

    Images are decoded with Pillow into the pixels a browser gives the page
    (:func:`browser_rgba`), then kept as the page keeps them (grey as 2-D,
    opaque colour as RGB); ``.npy``, ``.npz`` (its first usable array) and
    ``.mat`` files are read as the page reads them.
    """
    if is_array_file(path.name):
        array, _, _ = read_array_file(path.read_bytes(), path.name)
        return checked_array(array, path.name)
    try:
        picture = Image.open(path)
    except UnidentifiedImageError:
        raise ValueError(f"“{path.name}” is not an image Pillow can read.") from None
    with picture:
        try:
            picture.load()
        except (OSError, SyntaxError, ValueError):  # Pillow's errors for a damaged file
            raise ValueError(
                f"“{path.name}” is damaged or incomplete: it could not be fully decoded."
            ) from None
        return canonical(browser_rgba(picture))


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


def unique_stem(name, used):
    """`name` without its extension, made unique among `used` by a number, as the batch does."""
    stem = re.sub(r"\.[^./]*$", "", name)
    unique, number = stem, 2
    while unique in used:
        unique, number = f"{stem}-{number}", number + 1
    used.add(unique)
    return unique


def size_text(shape):
    """A shape as the page says sizes: width×height, then the channels (``160×120 RGB``)."""
    channels = {3: " RGB", 4: " RGBA"}[shape[2]] if len(shape) == 3 else ""
    return f"{shape[1]}×{shape[0]}{channels}"


def write_csv(path, header, rows):
    """Write a CSV, numbers as the page's batch writes them (220, not 220.0)."""
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(
                int(cell) if isinstance(cell, float) and cell.is_integer() else cell for cell in row
            )


def main(pipeline, steps, description):
    """Run `pipeline` on the inputs named on the command line; write its arrays and records.

    Each file that cannot be read or run is skipped and listed, with why, in
    failures.csv; the others go on. The exit status is 1 when some failed.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="image files, folders, arrays")
    parser.add_argument("--out", required=True, type=Path, help="folder for the results")
    parser.add_argument("--scheduler", help="a Dask scheduler's address (default: a LocalCluster)")
    parser.add_argument("--chunk", type=int, default=1024, help="chunk side in pixels")
    args = parser.parse_args()
    files = inputs(args.inputs)
    args.out.mkdir(parents=True, exist_ok=True)
    Image.MAX_IMAGE_PIXELS = None  # a guard against strangers' files; these are the user's own
    tables, failures, stems = {}, [], set()
    # Without an address, Client starts a LocalCluster sized to the cores and stops it at the end.
    with Client(args.scheduler) as client:
        print(f"Dask scheduler {client.scheduler.address}, {len(client.nthreads())} workers")
        for name, path in files:
            try:
                result, infos = pipeline(chunked(load(path), args.chunk))
                array = result.compute()
            except Exception as exc:  # the file is listed as failed, and the others go on
                message = (
                    str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"
                )
                failures.append([name, message])
                print(f"{name}: failed: {message}", file=sys.stderr)
                continue
            saved = args.out / f"{unique_stem(name, stems)}.npy"
            saved.parent.mkdir(parents=True, exist_ok=True)
            np.save(saved, array)
            counts = []
            for (number, title), info in infos:
                values = {key: value for key, value in info.items() if key != "table"}
                print(f"{name}, {title}: {values}")
                if "table" in info:
                    table = TABLE_FILE.format(number=number, name=steps[number - 1]["name"])
                    columns, rows = info["table"]["columns"], info["table"]["rows"]
                    tables.setdefault(table, [["file", *columns]])
                    tables[table] += [[name, *row] for row in rows]
                    counts.append(str(len(rows)))
            counted = f" · {', '.join(counts)} table rows" if counts else ""
            print(f"{name}: done · {size_text(array.shape)} {array.dtype}{counted} -> {saved}")
    for table, (header, *rows) in tables.items():
        write_csv(args.out / table, header, rows)
    write_csv(args.out / FAILURES_FILE, ["file", "error"], failures)
    (args.out / PIPELINE_FILE).write_text(json.dumps(steps, indent=2) + "\n")
    script = Path(sys.argv[0])
    if script.resolve().parent != args.out.resolve():
        shutil.copy(script, args.out)
    failed = f", {len(failures)} failed (see {args.out / FAILURES_FILE})" if failures else ""
    print(f"{len(files) - len(failures)} of {len(files)} files done{failed}")
    if failures:
        raise SystemExit(1)
