"""tools/classroom.py: the classroom address as a QR code, in the terminal and as SVG."""

import xml.etree.ElementTree as ET

from tools import classroom

URL = "http://192.168.1.20:8000/"


def finder_at(rows, top, left):
    """Whether a QR finder pattern (7×7: dark ring, light ring, dark 3×3 core) starts there."""
    for y in range(7):
        for x in range(7):
            ring = max(abs(y - 3), abs(x - 3))
            if rows[top + y][left + x] != (ring != 2):
                return False
    return True


def test_modules_have_finder_patterns_in_three_corners_and_a_quiet_zone():
    rows = classroom.modules(URL)
    q, n = classroom.QUIET_ZONE, len(rows)
    assert finder_at(rows, q, q) and finder_at(rows, q, n - q - 7) and finder_at(rows, n - q - 7, q)
    assert not finder_at(rows, n - q - 7, n - q - 7)
    border = rows[:q] + rows[-q:] + [row[:q] + row[-q:] for row in rows]
    assert not any(any(row) for row in border)


def test_terminal_text_draws_two_rows_per_line_light_as_blocks():
    rows = classroom.modules(URL)
    lines = classroom.terminal_text(URL).split("\n")
    assert len(lines) == (len(rows) + 1) // 2
    for y, line in enumerate(lines):
        for x, char in enumerate(line):
            top = rows[2 * y][x]
            bottom = rows[2 * y + 1][x] if 2 * y + 1 < len(rows) else False
            assert char == {(False, False): "█", (False, True): "▀", (True, False): "▄"}.get(
                (top, bottom), " "
            )


def test_svg_page_is_the_code_and_the_address():
    svg = ET.fromstring(classroom.svg_page(URL).encode())
    ns = {"svg": "http://www.w3.org/2000/svg"}
    dark = svg.find("svg:path", ns).get("d")
    rows = classroom.modules(URL)
    assert dark.count("h1v1h-1z") == sum(map(sum, rows))
    assert "M4,4h1v1h-1z" in dark  # the first finder pattern's corner, inside the quiet zone
    assert svg.find("svg:text", ns).text == URL


def test_lan_address_is_an_ipv4_address():
    parts = classroom.lan_address().split(".")
    assert len(parts) == 4 and all(0 <= int(p) < 256 for p in parts)


def test_projector_code_opens_the_view_shown_or_the_address_when_too_long():
    ns = {"svg": "http://www.w3.org/2000/svg"}
    text = lambda svg: ET.fromstring(svg).find("svg:text", ns).text  # noqa: E731
    address = classroom.address(8000)
    assert text(classroom.svg_for_port(8000, "lab=fit_curve&a=2")) == f"{address}#lab=fit_curve&a=2"
    assert text(classroom.svg_for_port(8000)) == address
    assert text(classroom.svg_for_port(8000, "lesson=" + "x" * 5000)) == address
