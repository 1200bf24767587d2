"""What the build writes with NumPy and Pillow, run in the venv (``python -m tools.content``):
the wheel's copy of the chapter's data, catalog.json, labs.json and the sample images.
"""

from __future__ import annotations

import json
import shutil
import sys
import zipfile

from tools.layout import (
    CHAPTER_CREDIT,
    CHAPTER_DATA,
    CHAPTER_DIR,
    CHAPTER_PHOTOS,
    DIST,
    PACKAGE_DATA,
    PHOTOS,
    BuildError,
    log,
    sha256,
)


def chapter_data() -> None:
    """(Runs in the venv.) Check the chapter's files and write the wheel's copy to py/ndlab/data/.

    Numeric files are copied; images are decoded to uint8 ``<file>.npy`` (Pyodide has no image
    decoder without Pillow, which the page does not load).
    """
    import numpy as np
    from PIL import Image

    shutil.rmtree(PACKAGE_DATA, ignore_errors=True)
    PACKAGE_DATA.mkdir()
    for name, expected in CHAPTER_DATA.items():
        source = CHAPTER_DIR / name
        if sha256(source) != expected:
            raise BuildError(f"{source} does not match its sha256 {expected}")
        if source.suffix in (".png", ".jpg"):
            with Image.open(source) as image:
                np.save(PACKAGE_DATA / f"{name}.npy", np.asarray(image.convert("L")))
        else:
            shutil.copy2(source, PACKAGE_DATA / name)


def generate(skimage_wheel: str) -> None:
    """(Runs in the venv.) Write catalog.json, labs.json, hints.js and the sample images into
    dist/."""
    import numpy as np
    from PIL import Image

    import ndlab
    import ndlab.bridge.errors
    import ndlab.labs

    (DIST / "catalog.json").write_text(json.dumps(ndlab.catalog(), indent=1))
    (DIST / "labs.json").write_text(json.dumps(ndlab.labs.catalog(outlines=True), indent=1))
    # the one set of hints, for what Python never sees too (static/protocol.js imports it)
    hints = json.dumps(ndlab.bridge.errors.HINTS, indent=1)
    (DIST / "hints.js").write_text(f"// ndlab.bridge.errors.HINTS\nexport default {hints};\n")
    samples_dir = DIST / "samples"
    samples_dir.mkdir(parents=True, exist_ok=True)
    samples = []

    def photo(name, title, credit, file_name):
        with Image.open(samples_dir / file_name) as im:
            width, height = im.size
        samples.append(
            dict(
                name=name,
                title=title,
                kind="photo",
                credit=credit,
                file=f"samples/{file_name}",
                width=width,
                height=height,
            )
        )

    with zipfile.ZipFile(skimage_wheel) as wheel:
        for name, (title, credit) in PHOTOS.items():
            (samples_dir / f"{name}.png").write_bytes(wheel.read(f"skimage/data/{name}.png"))
            photo(name, title, credit, f"{name}.png")
    for name, (file_name, title) in CHAPTER_PHOTOS.items():
        shutil.copy2(CHAPTER_DIR / file_name, samples_dir / file_name)
        photo(name, title, CHAPTER_CREDIT, file_name)
    # the chapter's files as the exported lab scripts load them, to download beside the code
    shutil.copytree(CHAPTER_DIR, DIST / "data" / "scipy-lectures")
    for name, sample in ndlab.SAMPLES.items():
        pixels = np.asarray(sample.load())
        Image.fromarray(pixels).save(samples_dir / f"{name}.png", optimize=True)
        samples.append(
            dict(
                name=name,
                title=sample.title,
                kind="synthetic",
                credit=sample.description,
                file=f"samples/{name}.png",
                width=pixels.shape[1],
                height=pixels.shape[0],
            )
        )
    (samples_dir / "samples.json").write_text(json.dumps(samples, indent=1))
    count = len(ndlab.catalog()["operations"])
    log(f"wrote    catalog.json ({count} operations) and {len(samples)} samples")


def main(argv: list[str]) -> None:
    """``chapter_data``, or ``generate SKIMAGE_WHEEL``."""
    if argv[0] == "chapter_data":
        chapter_data()
    else:
        generate(argv[1])


if __name__ == "__main__":
    main(sys.argv[1:])
