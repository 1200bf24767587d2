"""A classroom on one laptop's network: the address students type, as text and as a QR code.

Used by ``start.py --lan`` and ``build.py serve --lan``; needs Python's standard library and
Nayuki's ``qrcodegen`` module (one pure-Python file, which the build vendors beside it).
"""

import html
import socket

from qrcodegen import DataTooLongError, QrCode

QUIET_ZONE = 4  # the blank border, in modules, that scanners need around a QR code


def lan_address():
    """This machine's address on its local network, or 127.0.0.1 when it has none.

    Returns
    -------
    str
        The IPv4 address of the interface that traffic to other machines leaves by.

    Examples
    --------
    >>> lan_address().count(".")
    3
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # UDP: no packet is sent, a route is chosen
            return probe.getsockname()[0]
        except OSError:  # no network at all
            return "127.0.0.1"


def modules(text):
    """The QR code of `text` as rows of booleans (True is dark), its quiet zone included.

    Examples
    --------
    >>> rows = modules("http://192.168.1.20:8000/")
    >>> len(rows) == len(rows[0]) == 29 + 2 * QUIET_ZONE
    True
    """
    code = QrCode.encode_text(text, QrCode.Ecc.MEDIUM)
    span = range(-QUIET_ZONE, code.get_size() + QUIET_ZONE)
    return [[code.get_module(x, y) for x in span] for y in span]


def terminal_text(text):
    """The QR code of `text` drawn with block characters, two rows of modules per line.

    Light modules are drawn and dark ones left blank, so the code reads right on a terminal
    with a dark background (the common default).
    """
    rows = modules(text)
    rows.append([False] * len(rows[0]))  # an even number of rows
    blocks = {(False, False): "█", (False, True): "▀", (True, False): "▄", (True, True): " "}
    # zip without strict=, which Python 3.8 (the offline package's oldest) does not have
    pairs = zip(rows[::2], rows[1::2])  # noqa: B905
    return "\n".join("".join(blocks[cell] for cell in zip(*pair)) for pair in pairs)  # noqa: B905


def svg_page(text):
    """An SVG page for the projector: the QR code of `text` with `text` written under it."""
    rows = modules(text)
    size = len(rows)
    dark = "".join(
        f"M{x},{y}h1v1h-1z" for y, row in enumerate(rows) for x, on in enumerate(row) if on
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size + 6}">'
        f"<title>ndlab: open {html.escape(text)}</title>"
        f'<rect width="{size}" height="{size + 6}" fill="#fff"/>'
        f'<path d="{dark}" fill="#000" shape-rendering="crispEdges"/>'
        f'<text x="{size / 2}" y="{size + 3}" font-size="2.6" font-family="sans-serif" '
        f'text-anchor="middle">{html.escape(text)}</text></svg>\n'
    )


def address(port):
    """The address students type to reach this machine's `port`."""
    return f"http://{lan_address()}:{port}/"


def svg_for_port(port, view=""):
    """The projector's page (/classroom.svg) for a server on `port`, as bytes; `view`, a page's
    URL fragment, makes the code open that view (an image pipeline, a lab, a lesson's step)."""
    url = address(port) + (f"#{view}" if view else "")
    try:
        return svg_page(url).encode()
    except DataTooLongError:  # a long lesson holds more than a QR code: the address alone
        return svg_page(address(port)).encode()


def announce(port):
    """What the teacher's terminal shows: the address students type, its QR code, and where the
    projector's copy of the code is."""
    url = address(port)
    return (
        f"Students open {url}  (same Wi-Fi or network as this computer)\n"
        f"{terminal_text(url)}\n"
        f"For the projector: http://127.0.0.1:{port}/classroom.svg\n"
        f"From that address the page works while this computer serves it, not offline."
    )
