"""The network guard of the browser tests: a proxy on 127.0.0.1 that records and refuses.

Each context of the test Chromium has one of these as its proxy (pages.GuardedBrowser), and
Chromium itself another (its ``--proxy-server``, for its own requests). Chromium sends requests to
loopback addresses directly (its implicit bypass rule), so the pages under test reach ndlab's own
servers on 127.0.0.1; every other request comes to a proxy, is written down and answered 403:
nothing leaves the machine.
"""

import contextlib
import socketserver
import threading
import urllib.parse

from pages import TIMEOUT_S

REFUSAL = b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class RecordingProxy(socketserver.ThreadingTCPServer):
    """Record each request's line (``GET http://host/path`` or ``CONNECT host:443``), refuse it.

    Parameters
    ----------
    host : str
        The loopback address to listen on; the port is chosen free.

    Examples
    --------
    >>> with RecordingProxy().running() as proxy:
    ...     flag = f"--proxy-server=http://{proxy.address}"
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host="127.0.0.1"):
        super().__init__((host, 0), _Refuse)
        self.changed = threading.Condition()
        self.requests = []

    @property
    def address(self):
        """``host:port`` to give Chromium."""
        host, port = self.server_address[:2]
        return f"{host}:{port}"

    def record(self, line):
        with self.changed:
            self.requests.append(line)
            self.changed.notify_all()

    def take(self):
        """Return the requests recorded so far and forget them."""
        with self.changed:
            taken, self.requests = self.requests, []
        return taken

    def wait_for(self, predicate):
        """Wait until ``predicate(requests)`` holds; return whether it did within TIMEOUT_S."""
        with self.changed:
            return self.changed.wait_for(lambda: predicate(self.requests), TIMEOUT_S)

    @contextlib.contextmanager
    def running(self):
        """Serve on a background thread while the block runs."""
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.shutdown()
            self.server_close()


def host_of(line):
    """The host a recorded request line asked for.

    Examples
    --------
    >>> host_of("CONNECT example.org:443 HTTP/1.1"), host_of("GET http://example.org/a HTTP/1.1")
    ('example.org', 'example.org')
    """
    method, target = line.split()[:2]
    if method == "CONNECT":
        return target.rsplit(":", 1)[0]
    return urllib.parse.urlsplit(target).hostname


class _Refuse(socketserver.StreamRequestHandler):
    timeout = TIMEOUT_S  # a connection that sends no request line in this long is dropped

    def handle(self):
        line = self.rfile.readline(8192).decode("latin-1").strip()
        if not line:
            return
        self.server.record(line)
        while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
            pass  # the headers: read, so that the refusal is not a connection reset
        self.wfile.write(REFUSAL)
