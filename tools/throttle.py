"""A limited link for the benchmark: sites reached through one shared, slow connection.

Learners are not on loopback. ``python3 build.py bench --link 30`` puts the floor and ndlab behind
one `Link` of 30 Mbit/s, each behind a proxy of its own (`through`) that counts the bytes it
delivers (`Meter`), so both sites share the link as two tabs of one learner would.

The link is a queue of bytes: each chunk of a response waits for the moment the link has carried
every chunk reserved before it, at the link's rate, whichever connection it belongs to; each
request waits `latency` seconds before it reaches the server (a response comes that much later).

Standard library only.
"""

import contextlib
import socket
import threading
import time
import urllib.parse

#: The proxy forwards at most this many bytes at a time (4.4 ms of a 30 Mbit/s link).
CHUNK = 16 * 1024


def wait_until(moment):
    """Sleep until time.monotonic() reaches `moment`."""
    while (left := moment - time.monotonic()) > 0:
        time.sleep(left)


class Link:
    """One link shared by every connection through it.

    Parameters
    ----------
    mbit : float or None
        Its rate in Mbit/s (10**6 bits per second); None for no limit (a meter on loopback).
    latency : float
        Seconds added before each request reaches its server.

    Examples
    --------
    >>> link = Link(30, latency=0.02)
    >>> link.rate  # bytes per second
    3750000.0
    """

    def __init__(self, mbit=None, latency=0.0):
        self.rate = mbit * 1e6 / 8 if mbit else None
        self.latency = latency
        self.lock = threading.Lock()
        self.free_at = 0.0  # the time.monotonic() at which the link has carried all it took

    def carry(self, size):
        """Return when the link has carried `size` more bytes, after those taken before them."""
        if self.rate is None:
            return
        with self.lock:
            self.free_at = max(self.free_at, time.monotonic()) + size / self.rate
            done = self.free_at
        wait_until(done)


class Meter:
    """The bytes one site delivered, each chunk with the wall-clock time (``time.time()``) it left.

    Wall-clock time, as a page's ``performance.timeOrigin + performance.now()`` is, so that a
    page's moment (its first result) tells which bytes came before it.
    """

    def __init__(self):
        self.sent = []

    def add(self, size):
        self.sent.append((time.time(), size))

    def reset(self):
        self.sent = []

    def total(self, until=None):
        """Bytes delivered in all, or up to the time `until` (seconds since the epoch)."""
        return sum(size for at, size in list(self.sent) if until is None or at <= until)


@contextlib.contextmanager
def through(link, upstream, meter):
    """Serve a proxy to the site at URL `upstream` over `link`; yield the proxy's URL.

    Every connection to the proxy gets a connection of its own to the upstream server; the bytes
    the server sends back cross `link` and are counted in `meter`.
    """
    address = urllib.parse.urlsplit(upstream)
    target = (address.hostname, address.port)
    listener = socket.create_server(("127.0.0.1", 0))

    def accept():
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # the listener was closed: the block is over
                return
            threading.Thread(target=connect, args=(client,), daemon=True).start()

    def connect(client):
        with client, contextlib.suppress(OSError), socket.create_connection(target) as server:
            requests = threading.Thread(target=forward_requests, args=(client, server), daemon=True)
            requests.start()
            forward(server, client, lambda size, _: (link.carry(size), meter.add(size)))
            requests.join()

    def forward_requests(client, server):
        with contextlib.suppress(OSError):
            forward(client, server, lambda _, arrived: wait_until(arrived + link.latency))

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread (Linux)
        listener.close()


def forward(source, destination, before_sending):
    """Copy `source` to `destination` until it ends; ``before_sending(size, arrived)`` runs before
    each chunk goes (it waits for the link or the latency), with the chunk's arrival time."""
    while chunk := source.recv(CHUNK):
        before_sending(len(chunk), time.monotonic())
        destination.sendall(chunk)
    destination.shutdown(socket.SHUT_WR)
