"""A classroom's worth of browsers on one server: clients that fetch the whole site at once, each
file checked against the build manifest's sha256, while slow readers trickle a large file.

Used by ``build.py bench --classroom`` (the figures) and by tests/tools/test_load.py (a smaller
room, as a test). Loopback only: it is a load on this machine's own server.
"""

import concurrent.futures
import gzip
import hashlib
import http.client
import json
import time
import urllib.parse

#: How fast a slow reader reads, bytes per second (a phone on a crowded Wi-Fi)
SLOW_RATE = 256_000


def get(base_url, name, rate=None):
    """GET one file as a browser would (gzip accepted); return its bytes, decoded, and how many
    bytes came over the connection for them.

    Parameters
    ----------
    base_url : str
        ``http://127.0.0.1:PORT/``.
    name : str
        The file's path in the site, as the manifest lists it.
    rate : float, optional
        Read at most this many bytes per second (a slow reader); by default as fast as it comes.
    """
    parts = urllib.parse.urlsplit(base_url)
    if parts.hostname != "127.0.0.1":
        raise ValueError(f"base_url must be on 127.0.0.1, got {base_url!r}")
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(
            "GET", "/" + urllib.parse.quote(name), headers={"Accept-Encoding": "gzip"}
        )
        response = connection.getresponse()
        if response.status != 200:
            raise OSError(f"{name}: HTTP {response.status}")
        chunks, started = [], time.monotonic()
        while chunk := response.read(16_384):
            chunks.append(chunk)
            if rate:  # pace to `rate`: sleep until this many bytes were due
                received = sum(map(len, chunks))
                time.sleep(max(0.0, received / rate - (time.monotonic() - started)))
        body = b"".join(chunks)
        packed = response.getheader("Content-Encoding") == "gzip"
        return (gzip.decompress(body) if packed else body), len(body)
    finally:
        connection.close()


def fetch_site(base_url, digests):
    """Fetch every file of `digests` ({name: sha256}); return (bytes decoded, bytes over the
    connection, names whose content differed)."""
    decoded, wire, corrupted = 0, 0, []
    for name, digest in digests.items():
        data, sent = get(base_url, name)
        decoded, wire = decoded + len(data), wire + sent
        if hashlib.sha256(data).hexdigest() != digest:
            corrupted.append(name)
    return decoded, wire, corrupted


def slow_read(base_url, name, digest, rate):
    """Read one file at `rate` bytes per second; return (seconds, whether it was intact)."""
    started = time.monotonic()
    data, _ = get(base_url, name, rate)
    return time.monotonic() - started, hashlib.sha256(data).hexdigest() == digest


def classroom_load(
    base_url, clients=30, slow_readers=3, names=None, slow_file=None, slow_rate=SLOW_RATE
):
    """Run `clients` site fetches and `slow_readers` slow reads of `slow_file` at once.

    Parameters
    ----------
    base_url : str
        The site, on 127.0.0.1; its build.json is the manifest.
    clients, slow_readers : int
        How many fast clients fetch the whole site, and how many slow readers trickle a file.
    names : list of str, optional
        The files each client fetches (default: every file of the manifest).
    slow_file : str, optional
        What the slow readers read (default: the runtime's WebAssembly, the largest file the
        page needs before Python starts that is sent gzip-compressed).
    slow_rate : float
        Bytes per second each slow reader reads.

    Returns
    -------
    dict
        clients, files, MB (decoded, all clients), wire_MB_per_client (what one client received,
        gzip where the build has a twin), seconds (until the last fast client finished),
        MB_per_s (decoded), corrupted (names), slow_seconds (each slow reader), slow_intact.
    """
    manifest = json.loads(get(base_url, "build.json")[0])
    digests = manifest["sha256"]
    if names is not None:
        digests = {name: digests[name] for name in names}
    slow_file = slow_file or "pyodide/pyodide.asm.wasm"
    workers = clients + slow_readers
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        started = time.monotonic()
        slow = [
            pool.submit(slow_read, base_url, slow_file, manifest["sha256"][slow_file], slow_rate)
            for _ in range(slow_readers)
        ]
        fast = [pool.submit(fetch_site, base_url, digests) for _ in range(clients)]
        results = [f.result() for f in concurrent.futures.as_completed(fast)]
        seconds = time.monotonic() - started
        slow_results = [f.result() for f in slow]
    total = sum(decoded for decoded, _, _ in results)
    return {
        "clients": clients,
        "files": len(digests),
        "MB": total / 1e6,
        "wire_MB_per_client": results[0][1] / 1e6,
        "seconds": seconds,
        "MB_per_s": total / 1e6 / seconds,
        "corrupted": sorted({name for _, _, bad in results for name in bad}),
        "slow_seconds": [round(s, 1) for s, _ in slow_results],
        "slow_intact": all(intact for _, intact in slow_results),
    }
