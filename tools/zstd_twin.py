"""Write the ``.zst`` twin of each file named on the command line: Zstandard, level 9, with a
128 MiB long-distance window (the snapshot's memory repeats itself far apart), the frame
holding its content size. The worker fetches these twins and unpacks them with fzstd.

Run by ``build.py build`` in its venv (``zstandard`` is pinned in requirements/build.txt).
"""

import sys
from pathlib import Path

import zstandard

#: Level 9 with long-distance matching. Measured on the snapshot: its memory 14.9 MB gzip-encoded,
#: 11.3 MB so (9.8 MB at level 19, in ten times as long); its files 18.5 MB, 14.4 MB so.
PARAMETERS = {"enable_ldm": True, "window_log": 27, "threads": -1, "write_content_size": True}


def write_twin(path: Path) -> int:
    """Write `path`.zst; return its size."""
    params = zstandard.ZstdCompressionParameters.from_level(9, **PARAMETERS)
    packer = zstandard.ZstdCompressor(compression_params=params)
    data = path.read_bytes()
    twin = path.with_name(path.name + ".zst")
    twin.write_bytes(packer.compress(data))
    return twin.stat().st_size


if __name__ == "__main__":
    for name in sys.argv[1:]:
        write_twin(Path(name))
