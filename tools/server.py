"""The static server of ndlab's built site: used by `build.py serve` and by the offline
package's launcher (start.py), so it needs only Python's standard library."""

import contextlib
import email.utils
import functools
import http.server
import io
import os
import re
import subprocess
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


#: A client silent this long (seconds) is dropped, so a stuck one cannot hold a thread for good.
CONNECTION_TIMEOUT = 30
#: Connections served at once; more are answered 503 at once (a room of thirty browsers opens
#: about six each while the page loads).
MAX_CONNECTIONS = 256


class Handler(http.server.SimpleHTTPRequestHandler):
    """The site's files, with the MIME types Pyodide needs, cross-origin isolated by default.

    Isolation (COOP/COEP) gives the page SharedArrayBuffer, so a running computation can be
    cancelled through Pyodide's interrupt buffer instead of by replacing the worker. Only GET and
    HEAD are answered (other methods get 501), folders are not listed, and a path with a ``..``
    segment is refused rather than quietly mapped into the site.
    """

    isolated = True
    timeout = CONNECTION_TIMEOUT
    classroom_svg = None  # port -> bytes of /classroom.svg, when serving a classroom
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
        url_path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if ".." in re.split(r"[/\\]", url_path):
            self.send_error(http.HTTPStatus.BAD_REQUEST, "Paths may not leave the site")
            return None
        if url_path == "/classroom.svg" and self.classroom_svg:
            # ?view=<the page's fragment>: the code opens that view (the page's Teach panel)
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            view = query.get("view", [""])[0]
            return self.send_bytes(
                self.classroom_svg(self.server.server_port, view), "image/svg+xml"
            )
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

    def send_bytes(self, data, content_type):
        """Answer with `data`; return it as the file object send_head returns."""
        self.send_response(http.HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)

    def list_directory(self, path):
        """Folders are not listed: only the site's files are served."""
        self.send_error(http.HTTPStatus.NOT_FOUND, "No such file")
        return None

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


class LimitedServer(http.server.ThreadingHTTPServer):
    """A thread per connection, at most MAX_CONNECTIONS at once; past that, 503 and close."""

    daemon_threads = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request, client_address):
        if not self.slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(BUSY)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


BUSY = (
    b"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 0\r\n"
    b"Connection: close\r\n\r\n"
)


def make_server(directory, port, host="127.0.0.1", isolated=True, classroom_svg=None):
    """Serve `directory` on host:port (port 0 picks a free one), with or without COOP/COEP;
    `classroom_svg`, when given, makes /classroom.svg from the port served (tools/classroom.py's
    svg_for_port)."""
    name = "IsolatedHandler" if isolated else "PlainHandler"
    attributes = {
        "isolated": isolated,
        "classroom_svg": classroom_svg and staticmethod(classroom_svg),
    }
    handler_class = type(name, (Handler,), attributes)
    handler = functools.partial(handler_class, directory=str(directory))
    return LimitedServer((host, port), handler)


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


@contextlib.contextmanager
def process_url(command, stderr=None):
    """Run a server `command` (a list) that prints its ``http://127.0.0.1:PORT/`` URL, after any
    lines of log; yield the URL and stop the server when the block ends. Raises RuntimeError
    when the command stops without printing one."""
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True)
    try:
        for line in server.stdout:
            match = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if match:
                break
        else:
            raise RuntimeError(f"{' '.join(map(str, command))} stopped without printing its URL")
        yield match[0]
    finally:
        server.terminate()
        server.wait()
        server.stdout.close()


def other_site(directory):
    """A plain site on another 127.0.0.1 port, as a documentation host that embeds ndlab's demos
    (used by the tests and the benchmark); use it as ``with running(other_site(d)) as url``."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    return http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
