"""tools/load.py against tools/server.py: a room of clients at once, every file intact."""

import json

import pytest

from tools import load, server
from tools.layout import DIST

MANIFEST = json.loads((DIST / "build.json").read_text())
SMALL = [name for name, size in MANIFEST["files"].items() if size < 300_000]


@pytest.fixture(scope="module")
def site():
    with server.running(server.make_server(DIST, 0)) as url:
        yield url


def test_thirty_clients_and_slow_readers_get_every_file_intact(site):
    """Small files keep it short; the slow readers hold their connections throughout."""
    result = load.classroom_load(
        site,
        clients=30,
        slow_readers=3,
        names=SMALL,
        slow_file="pyodide/python_stdlib.zip",
        slow_rate=1_000_000,
    )
    assert result["files"] == len(SMALL) > 20
    assert result["corrupted"] == [] and result["slow_intact"]
    expected = sum(len(load.get(site, name)[0]) for name in SMALL)
    assert result["MB"] == pytest.approx(30 * expected / 1e6)
    size = MANIFEST["files"]["pyodide/python_stdlib.zip"]
    assert all(s >= 0.9 * size / 1_000_000 for s in result["slow_seconds"])  # they were slow


def test_a_file_that_differs_from_the_manifest_is_reported(site):
    digests = {name: MANIFEST["sha256"][name] for name in SMALL[:3]}
    digests[SMALL[1]] = "0" * 64
    decoded, wire, corrupted = load.fetch_site(site, digests)
    assert corrupted == [SMALL[1]] and decoded > 0 and wire > 0


def test_gzip_twins_are_decoded(site):
    name = "static/app.js"
    assert (DIST / f"{name}.gz").exists()
    data, wire = load.get(site, name)
    assert data == (DIST / name).read_bytes()
    assert wire == (DIST / f"{name}.gz").stat().st_size


def test_only_loopback():
    with pytest.raises(ValueError, match="127.0.0.1"):
        load.get("http://192.0.2.1:8000/", "index.html")
