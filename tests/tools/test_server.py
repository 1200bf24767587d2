"""tools/server.py: only the site's files, refusals, timeouts and a cap on connections."""

import contextlib
import http.client
import itertools
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import zxingcpp

from tests.browser.pages import TIMEOUT_S
from tools import server
from tools.downloads import vendored_qrcodegen
from tools.layout import ROOT


@pytest.fixture
def site(tmp_path):
    """A small site: a page, a folder without an index, and a file beside the site."""
    (tmp_path / "site" / "folder").mkdir(parents=True)
    (tmp_path / "site" / "index.html").write_text("<!doctype html><title>home</title>")
    (tmp_path / "site" / "folder" / "a.txt").write_text("a")
    (tmp_path / "secret.txt").write_text("not for students")
    return tmp_path / "site"


@pytest.fixture
def served(site):
    """(host, port) of the site served on 127.0.0.1."""
    httpd = server.make_server(site, 0)
    with server.running(httpd):
        yield httpd.server_address[:2]


def ask(address, method, path):
    """Send one request exactly as written (no client-side clean-up); return (status, body)."""
    with socket.create_connection(address, timeout=TIMEOUT_S) as sock:
        sock.sendall(f"{method} {path} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_site_files_are_served(served):
    status, body = ask(served, "GET", "/")
    assert status == 200 and b"<title>home</title>" in body
    assert ask(served, "GET", "/folder/a.txt") == (200, b"a")


def test_folders_are_not_listed(served):
    status, body = ask(served, "GET", "/folder/")
    assert status == 404 and b"a.txt" not in body


@pytest.mark.parametrize(
    "path", ["/../secret.txt", "/folder/../../secret.txt", "/%2e%2e/secret.txt", "/..%5csecret.txt"]
)
def test_paths_out_of_the_site_are_refused(served, path):
    status, body = ask(served, "GET", path)
    assert status == 400 and b"not for students" not in body


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
def test_methods_other_than_get_and_head_are_refused(served, method):
    status, _ = ask(served, method, "/index.html")
    assert status == 501


def test_head_is_answered(served):
    assert ask(served, "HEAD", "/index.html") == (200, b"")


def test_classroom_page_only_when_serving_a_classroom(site):
    assert ask_once(server.make_server(site, 0), "/classroom.svg")[0] == 404
    httpd = server.make_server(
        site, 0, classroom_svg=lambda port, view: f"<svg>{port} {view}</svg>".encode()
    )
    status, body = ask_once(httpd, "/classroom.svg?view=lab%3Dcamelback")
    assert status == 200 and body == f"<svg>{httpd.server_port} lab=camelback</svg>".encode()


def ask_once(httpd, path):
    with server.running(httpd):
        return ask(httpd.server_address[:2], "GET", path)


def test_a_silent_client_is_dropped(site, monkeypatch):
    monkeypatch.setattr(server.Handler, "timeout", 1)
    httpd = server.make_server(site, 0)
    with server.running(httpd), socket.create_connection(httpd.server_address[:2]) as sock:
        sock.settimeout(
            TIMEOUT_S
        )  # far beyond the server's 1 s: recv returns when the server hangs up
        started = time.monotonic()
        assert sock.recv(1) == b""
        assert time.monotonic() - started < 30


def test_connections_past_the_cap_get_503_and_the_rest_are_served(site, monkeypatch):
    monkeypatch.setattr(server, "MAX_CONNECTIONS", 2)
    httpd = server.make_server(site, 0)
    address = httpd.server_address[:2]
    with server.running(httpd):
        idle = [socket.create_connection(address) for _ in range(2)]  # hold both slots
        try:
            # the server takes the idle ones before this one: it accepts in order
            status, _ = ask(address, "GET", "/")
            assert status == 503
        finally:
            for sock in idle:
                sock.close()
        assert ask_until_served(address) == 200  # the slots come back


def ask_until_served(address):
    """GET / until it is not 503 (the closed connections' threads end soon after)."""
    deadline = time.monotonic() + TIMEOUT_S
    while (status := ask(address, "GET", "/")[0]) == 503 and time.monotonic() < deadline:
        pass
    return status


@contextlib.contextmanager
def serve(*args):
    """`build.py serve --port 0 ARGS`; yields the process and its port."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = next(
            int(m[1]) for line in process.stdout if (m := re.search(r"127\.0\.0\.1:(\d+)/", line))
        )
        yield process, port
    finally:
        process.terminate()
        process.wait(timeout=TIMEOUT_S)
        process.stdout.close()


def reachable(host, port):
    try:
        connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT_S)
        connection.request("GET", "/build.json")
        return connection.getresponse().status == 200
    except ConnectionRefusedError:
        return False


def test_serve_stays_on_loopback_without_lan():
    """127.0.0.2 stands for another interface (on Linux all of 127/8 is this machine)."""
    with serve() as (_, port):
        assert reachable("127.0.0.1", port) and not reachable("127.0.0.2", port)


def terminal_pixels(lines):
    """What a terminal with a dark background shows of a code drawn in block characters (two
    rows of modules a line, light ones drawn), as a grey image, a pixel a module."""
    halves = [
        [[255 if char in light else 0 for char in line.rstrip("\n")] for light in ("█▀", "█▄")]
        for line in lines
    ]
    return np.array(halves, dtype=np.uint8).reshape(2 * len(lines), -1)


def svg_pixels(svg):
    """The code of /classroom.svg (a white page, a black square path per dark module) as a grey
    image, a pixel a module."""
    root = ET.fromstring(svg)
    width = int(root.get("viewBox").split()[2])
    image = np.full((width, width), 255, dtype=np.uint8)
    for x, y in re.findall(
        r"M(\d+),(\d+)h1v1h-1z", root.find("{http://www.w3.org/2000/svg}path").get("d")
    ):
        image[int(y), int(x)] = 0
    return image


def decode(image):
    """The text of the one QR code in a grey image, read as a scanner reads it: dark on light only
    (a code drawn the wrong way round does not read)."""
    scaled = np.kron(image, np.ones((8, 8), dtype=np.uint8))  # modules of 8 pixels, as a photo
    (code,) = zxingcpp.read_barcodes(
        scaled, formats=zxingcpp.BarcodeFormat.QRCode, try_invert=False
    )
    return code.text


def test_serve_lan_binds_every_interface_and_shows_the_address_and_its_qr_code():
    with serve("--lan") as (process, port):
        assert reachable("127.0.0.2", port)
        students = process.stdout.readline()
        assert re.match(rf"Students open http://[\d.]+:{port}/ ", students)
        url = students.split()[2]
        qr = list(itertools.takewhile(lambda line: "/classroom.svg" not in line, process.stdout))
        assert decode(terminal_pixels(qr)) == url, qr
        assert "not offline" in process.stdout.readline()
        svg = urllib.request.urlopen(
            f"http://127.0.0.1:{port}/classroom.svg", timeout=TIMEOUT_S
        ).read()
        assert decode(svg_pixels(svg)) == url


def test_the_package_launcher_serves_a_classroom_with_the_standard_library_only(site, tmp_path):
    """start.py --lan laid out as in ndlab-offline.zip, run by a Python that imports nothing
    but its standard library and the files beside start.py (-E -s -S: no environment, no
    site-packages)."""
    folder = tmp_path / "ndlab"
    shutil.copytree(site, folder / "site")
    for path in ("tools/start.py", "tools/server.py", "tools/classroom.py"):
        shutil.copy2(ROOT / path, folder)
    shutil.copy2(vendored_qrcodegen(), folder)
    launcher = subprocess.Popen(
        [sys.executable, "-E", "-s", "-S", "start.py", "--lan", "--port", "0", "--no-browser"],
        cwd=folder,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(re.search(r"127\.0\.0\.1:(\d+)/", launcher.stdout.readline())[1])
        assert launcher.stdout.readline().startswith("Students open http://")
        assert ask(("127.0.0.2", port), "GET", "/")[0] == 200  # every interface
        assert ask(("127.0.0.1", port), "GET", "/classroom.svg")[0] == 200
    finally:
        launcher.terminate()
        launcher.wait(timeout=TIMEOUT_S)
        launcher.stdout.close()
