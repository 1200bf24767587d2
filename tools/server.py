"""The static server of ndlab's built site: used by `build.py serve` and by the offline
package's launcher (start.py), so it needs only Python's standard library."""

import contextlib
import email.utils
import functools
import http.server
import os
import re
import threading
import urllib.parse

#: The page's Content-Security-Policy, in this one place: the server sends it with every HTML
#: response and the build writes it into each page's <meta http-equiv="Content-Security-Policy">,
#: whose content in the sources is CSP_PLACEHOLDER. The meta tag protects a page served by a host
#: that cannot set headers; the header also covers what comes before the meta tag is parsed.
#: 'wasm-unsafe-eval' lets the worker compile Pyodide's WebAssembly; nothing else is evaluated.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "
    "connect-src 'self'; img-src 'self' blob: data:; style-src 'self'; object-src 'none'; "
    "base-uri 'none'"
)
CSP_PLACEHOLDER = "{{content-security-policy}}"

#: Files whose URL changes whenever their content does live under a folder named for a digest of
#: that content (see versioned_folder): browsers may keep them for a year without asking again.
IMMUTABLE = "public, max-age=31536000, immutable"
VERSIONED = re.compile(r"/h-[0-9a-f]{16}/")


def versioned_folder(sha256_hex):
    """The folder name for a file with this sha256 digest (matches VERSIONED)."""
    return f"h-{sha256_hex[:16]}"


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with the MIME types Pyodide needs, cross-origin isolated by default.

    Isolation (COOP/COEP) gives the page SharedArrayBuffer, so a running computation can be
    cancelled through Pyodide's interrupt buffer instead of by replacing the worker.
    """

    isolated = True
    status = 0  # of the response being sent
    html = False  # whether it is an HTML page

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
        ".whl": "application/zip",
        ".zip": "application/zip",
    }

    def send_head(self):
        """Send the .gz twin of a file to a client that accepts gzip (the build writes them)."""
        path = self.translate_path(self.path)
        packed = path + ".gz"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not os.path.isfile(packed):
            return super().send_head()
        stat = os.stat(packed)
        since = self.headers.get("If-Modified-Since")
        if since and email.utils.parsedate_to_datetime(since).timestamp() >= int(stat.st_mtime):
            self.send_response(http.HTTPStatus.NOT_MODIFIED)
            self.end_headers()
            return None
        self.send_response(http.HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(stat.st_size))
        self.send_header("Last-Modified", self.date_time_string(stat.st_mtime))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return open(packed, "rb")  # noqa: SIM115 (the base class closes it after copying)

    def send_response(self, code, message=None):
        self.status = code
        self.html = False
        super().send_response(code, message)

    def send_header(self, keyword, value):
        if keyword.lower() == "content-type" and value.startswith("text/html"):
            self.html = True
        super().send_header(keyword, value)

    def end_headers(self):
        if self.isolated:
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        if self.html:
            self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        path = urllib.parse.urlsplit(self.path).path
        found = self.status in (http.HTTPStatus.OK, http.HTTPStatus.NOT_MODIFIED)
        versioned = found and VERSIONED.search(path)
        self.send_header("Cache-Control", IMMUTABLE if versioned else "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format, *args):
        if os.environ.get("NDLAB_SERVE_LOG"):
            super().log_message(format, *args)


def make_server(directory, port, host="127.0.0.1", isolated=True):
    """Serve `directory` on host:port (port 0 picks a free one), with or without COOP/COEP."""
    name = "IsolatedHandler" if isolated else "PlainHandler"
    handler_class = type(name, (Handler,), {"isolated": isolated})
    handler = functools.partial(handler_class, directory=str(directory))
    return http.server.ThreadingHTTPServer((host, port), handler)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Python's plain static files, without ndlab's headers, and without a log line per request."""

    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def running(server):
    """Serve on a background thread while the block runs; yield the server's URL."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()


def other_site(directory):
    """A plain site on another 127.0.0.1 port, as a documentation host that embeds ndlab's demos
    (used by the tests and the benchmark); use it as ``with running(other_site(d)) as url``."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    return http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
