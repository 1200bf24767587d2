"""Write the ``.zst`` twin of each file named on the command line: Zstandard, level 19, with a
128 MiB long-distance window (the snapshot's memory repeats itself far apart), the frame
holding its content size. The worker fetches these twins and unpacks them with zstd's decoder
compiled to WebAssembly (zstddec's). Level 19 takes about a minute for the build's three large
files on two cores, so each twin is kept in ``.cache/zstd/`` by its plain file's sha256 (until a
build no longer has that file).

Run by ``build.py build`` in its venv (``zstandard`` is pinned in requirements/build.txt).
"""

import hashlib
import shutil
import sys
from pathlib import Path

import zstandard

#: Measured on the snapshot, as level 9 → 19: its memory 11.3 → 9.8 MB (14.9 MB gzip-encoded),
#: its files 14.4 → 12.7 MB, Pyodide's WebAssembly 2.85 → 2.44 MB; zstd unpacks either as fast.
LEVEL = 19
PARAMETERS = {"enable_ldm": True, "window_log": 27, "threads": -1, "write_content_size": True}
CACHE = Path(__file__).resolve().parents[1] / ".cache" / "zstd"


def write_twin(path: Path) -> Path:
    """Write `path`.zst, from the cache when this file was packed before; return the cached twin."""
    data = path.read_bytes()
    kept = CACHE / f"{hashlib.sha256(data).hexdigest()}-{LEVEL}.zst"
    if not kept.exists():
        params = zstandard.ZstdCompressionParameters.from_level(LEVEL, **PARAMETERS)
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = kept.with_suffix(".part")
        partial.write_bytes(zstandard.ZstdCompressor(compression_params=params).compress(data))
        partial.replace(kept)
    shutil.copyfile(kept, path.with_name(path.name + ".zst"))
    return kept


if __name__ == "__main__":
    used = {write_twin(Path(name)) for name in sys.argv[1:]}
    for stale in set(CACHE.iterdir()) - used:
        stale.unlink()
