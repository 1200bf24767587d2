"""tools/throttle.py: the benchmark's shared link carries no faster than its rate, to every
connection together, and adds its latency to each request."""

import contextlib
import socket
import threading
import time

import pytest

from tools.throttle import CHUNK, Link, Meter, through

PAYLOAD = bytes(range(256)) * 1024  # 256 kB
#: The clock's own resolution: what a measured duration may be short by.
RESOLUTION = time.get_clock_info("monotonic").resolution


@pytest.fixture(scope="module")
def upstream():
    """A server that answers each connection's first bytes with PAYLOAD, then closes it."""
    listener = socket.create_server(("127.0.0.1", 0))

    def answer(connection):
        with connection:
            connection.recv(64)
            connection.sendall(PAYLOAD)

    def accept():
        with contextlib.suppress(OSError):
            while True:
                threading.Thread(target=answer, args=(listener.accept()[0],)).start()

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    listener.shutdown(socket.SHUT_RDWR)
    listener.close()


def fetch(url):
    """Ask `url`'s server and read its answer to the end; return the bytes."""
    host, port = url.removeprefix("http://").strip("/").split(":")
    with socket.create_connection((host, int(port))) as connection:
        connection.sendall(b"GET")
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


def timed(*urls):
    """Fetch every URL at once; return the seconds until all came, and what came."""
    answers = [None] * len(urls)

    def get(i):
        answers[i] = fetch(urls[i])

    threads = [threading.Thread(target=get, args=(i,)) for i in range(len(urls))]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - start, answers


def test_one_connection_takes_at_least_its_bytes_over_the_rate(upstream):
    link, meter = Link(16), Meter()  # 2 MB/s
    with through(link, upstream, meter) as url:
        seconds, [answer] = timed(url)
    assert answer == PAYLOAD
    assert meter.total() == len(PAYLOAD)
    # the first chunk may go at once; each one after waits for its turn
    assert seconds >= (len(PAYLOAD) - CHUNK) / link.rate - RESOLUTION


def test_connections_share_one_link(upstream):
    link, meters = Link(16), [Meter(), Meter()]
    with through(link, upstream, meters[0]) as one, through(link, upstream, meters[1]) as two:
        seconds, answers = timed(one, two, two)
    assert answers == [PAYLOAD] * 3
    assert [m.total() for m in meters] == [len(PAYLOAD), 2 * len(PAYLOAD)]
    assert seconds >= (3 * len(PAYLOAD) - CHUNK) / link.rate - RESOLUTION


def test_each_request_waits_the_latency_and_a_meter_counts_until_a_moment(upstream):
    link, meter = Link(None, latency=0.25), Meter()
    with through(link, upstream, meter) as url:
        before = time.time()
        seconds, [answer] = timed(url)
    assert answer == PAYLOAD
    assert seconds >= link.latency - RESOLUTION
    assert meter.total(until=before) == 0
    assert meter.total(until=time.time()) == len(PAYLOAD)
