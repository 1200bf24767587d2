"""Start ndlab from the offline package: serve the site on 127.0.0.1 and open the browser.

    python3 start.py [--port 8000] [--no-browser] [--lan]

With --lan it serves the classroom: on every network interface, printing the address students
type and its QR code (the projector's copy is at /classroom.svg). Needs Python 3.8 or newer;
nothing is fetched from the network.
"""

import argparse
import sys
import webbrowser
from pathlib import Path

from classroom import announce, svg_for_port
from server import make_server

HERE = Path(__file__).resolve().parent


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.add_argument(
        "--lan", action="store_true", help="serve other computers of this network too"
    )
    args = parser.parse_args()
    host, classroom_svg = ("0.0.0.0", svg_for_port) if args.lan else ("127.0.0.1", None)
    try:
        httpd = make_server(HERE / "site", args.port, host, classroom_svg=classroom_svg)
    except OSError:  # the port is taken (another copy is running?): take a free one
        httpd = make_server(HERE / "site", 0, host, classroom_svg=classroom_svg)
    url = f"http://127.0.0.1:{httpd.server_port}/"
    print(f"ndlab is served at {url}  (close this window or press Ctrl+C to stop)", flush=True)
    if args.lan:
        print(announce(httpd.server_port), flush=True)
    if not args.no_browser:
        webbrowser.open(url)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
