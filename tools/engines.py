"""The three browser engines learners use, behind one small interface: the cross-browser tier of the
tests drives them (tests/browser/test_engines.py), the benchmark (tools/startup_bench.py) and the
build, which makes a start-up snapshot in each engine that lays out functions its own way
(tools/snapshot.py).

- Chromium: Debian's, through Playwright (as the rest of the suite).
- Firefox ESR: Debian's `firefox-esr`, headless with a fresh profile, through WebDriver BiDi (its
  own remote protocol: no geckodriver needed) over a websocket (`websockets`, pinned in
  requirements/test.txt).
- WebKitGTK, Safari's engine: Debian's `WebKitWebDriver` (package webkit2gtk-driver) drives its
  MiniBrowser through classic WebDriver, plain HTTP; MiniBrowser needs a display: an Xvfb of our
  own.

Each engine has `goto(url)`, `evaluate(function_source, *args)` (JSON in and out, awaiting a
promise), `wait_until(predicate_source)` (polled in the page, so no engine waits with a short
timeout), `requests()` (the URLs the page and its workers asked for, where the engine reports
them) and `close()`.
"""

import contextlib
import itertools
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import urllib.request
from pathlib import Path

from tools.chromium import find_chromium

MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
# How long a page may take to answer one evaluation: Python's start on a busy 2-core machine.
SCRIPT_TIMEOUT_S = 300
# How long a browser or a process of its own may take to stop.
STOP_TIMEOUT_S = 180
# A function wrapped so that its arguments and its (awaited) value cross as JSON text.
WRAPPED = "async (json) => JSON.stringify((await ({function})(...JSON.parse(json))) ?? null)"
# A page-side wait: the predicate polled once a frame (a promise it returns is awaited).
WAIT_UNTIL = """async (timeout) => {
  const predicate = %s;
  const deadline = performance.now() + timeout * 1000;
  while (!(await predicate())) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}"""


class Engine:
    """What every engine offers; subclasses implement `_call` and the rest."""

    name = ""

    def evaluate(self, function, *args):
        """Call the JS `function` source with JSON `args` in the page; return its awaited value."""
        return json.loads(self._call(WRAPPED.replace("{function}", function), json.dumps(args)))

    def wait_until(self, predicate, timeout=SCRIPT_TIMEOUT_S - 10):
        """Wait until the JS `predicate` source (a function, may be async) is truthy."""
        if not self.evaluate(WAIT_UNTIL % predicate, timeout):
            raise TimeoutError(f"{self.name}: still false after {timeout} s: {predicate}")

    def requests(self):
        """The URLs requested so far, or None where the engine does not report them."""
        return None


class Chromium(Engine):
    """Debian's Chromium through Playwright, in a context of its own."""

    name = "chromium"

    def __init__(self, browser):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.urls = []
        self.context.on("request", lambda request: self.urls.append(request.url))

    def goto(self, url):
        self.page.goto(url)

    def _call(self, function, arg):
        return self.page.evaluate(function, arg)

    def requests(self):
        return list(self.urls)

    def close(self):
        self.context.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A fresh Firefox profile: no calls home, no first-run pages.
FIREFOX_PREFS = {
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "app.update.disabledForTesting": True,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "extensions.update.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "services.settings.server": "http://127.0.0.1:9/",
    "remote.prefs.recommended": True,
}


class Firefox(Engine):
    """Debian's Firefox ESR, headless, driven through WebDriver BiDi."""

    name = "firefox"

    def __init__(self):
        from websockets.sync.client import connect

        self.profile = tempfile.mkdtemp(prefix="ndlab-firefox-")
        Path(self.profile, "user.js").write_text(
            "".join(
                f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in FIREFOX_PREFS.items()
            )
        )
        self.process = subprocess.Popen(
            [
                firefox(),
                "--headless",
                "--no-remote",
                "--profile",
                self.profile,
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for line in self.process.stderr:  # Firefox says where it listens, then keeps logging
            match = re.search(r"WebDriver BiDi listening on (ws://\S+)", line)
            if match:
                break
        else:
            raise RuntimeError("firefox-esr stopped before WebDriver BiDi listened")
        threading_drain(self.process.stderr)
        self.socket = connect(match[1] + "/session", max_size=None, open_timeout=None)
        self.ids = itertools.count(1)
        self.urls = []
        self.send("session.new", capabilities={})
        self.send("session.subscribe", events=["network.beforeRequestSent"])
        self.context = self.send("browsingContext.getTree")["contexts"][0]["context"]

    def send(self, method, **params):
        """Send one command; collect the events that arrive before its answer."""
        id_ = next(self.ids)
        self.socket.send(json.dumps({"id": id_, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("method") == "network.beforeRequestSent":
                self.urls.append(message["params"]["request"]["url"])
            elif message.get("id") == id_:
                if message.get("type") == "error":
                    raise RuntimeError(f"firefox: {message['error']}: {message.get('message')}")
                return message["result"]

    def goto(self, url):
        self.send("browsingContext.navigate", context=self.context, url=url, wait="complete")

    def _call(self, function, arg):
        result = self.send(
            "script.callFunction",
            functionDeclaration=function,
            arguments=[{"type": "string", "value": arg}],
            target={"context": self.context},
            awaitPromise=True,
        )
        if result["type"] == "exception":
            details = result["exceptionDetails"]
            raise RuntimeError(f"firefox: {details['text']}")
        return result["result"]["value"]

    def requests(self):
        self.send("session.status")  # collects the events that came since
        return list(self.urls)

    def close(self):
        with contextlib.suppress(Exception):
            self.send("session.end")
            self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=STOP_TIMEOUT_S)
        self.process.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)


def threading_drain(stream):
    """Read `stream` to its end in the background, so the process never blocks on a full pipe."""
    threading.Thread(target=lambda: stream.read(), daemon=True).start()


class WebKit(Engine):
    """WebKitGTK's MiniBrowser on an Xvfb display, driven by WebKitWebDriver (classic WebDriver)."""

    name = "webkit"

    def __init__(self):
        display = f":{free_port() % 1000 + 100}"
        self.xvfb = subprocess.Popen(
            ["Xvfb", display, "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port = free_port()
        self.driver = subprocess.Popen(
            ["WebKitWebDriver", f"--port={port}"],
            env=dict(os.environ, DISPLAY=display),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{port}"
        capabilities = {
            "browserName": "MiniBrowser",
            "webkitgtk:browserOptions": {"binary": MINIBROWSER, "args": ["--automation"]},
        }
        self.session = self.request_until_up(capabilities)
        self.post("timeouts", script=SCRIPT_TIMEOUT_S * 1000, pageLoad=SCRIPT_TIMEOUT_S * 1000)

    def request_until_up(self, capabilities):
        """Start a session once the driver listens (it takes a moment to start)."""
        while True:
            try:
                answer = self.http(
                    "POST", "/session", {"capabilities": {"alwaysMatch": capabilities}}
                )
                return answer["sessionId"]
            except ConnectionRefusedError:
                # not listening yet: wait a moment for it, unless it has stopped
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.driver.wait(timeout=0.1)
                    raise RuntimeError("WebKitWebDriver stopped before it listened") from None

    def http(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=SCRIPT_TIMEOUT_S + 60) as response:
                return json.loads(response.read())["value"]
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"webkit: {json.loads(error.read())['value']}") from None
        except urllib.error.URLError as error:
            raise error.reason from None

    def post(self, command, **body):
        return self.http("POST", f"/session/{self.session}/{command}", body)

    def goto(self, url):
        self.post("url", url=url)

    def _call(self, function, arg):
        script = (
            "const done = arguments[1];"
            f"({function})(arguments[0]).then(done, (e) => done(JSON.stringify({{__error: String(e)}})));"
        )
        text = self.post("execute/async", script=script, args=[arg])
        error = json.loads(text)
        if isinstance(error, dict) and "__error" in error:
            raise RuntimeError(f"webkit: {error['__error']}")
        return text

    def close(self):
        with contextlib.suppress(Exception):
            self.http("DELETE", f"/session/{self.session}")
        for process in (self.driver, self.xvfb):
            process.terminate()
            process.wait(timeout=STOP_TIMEOUT_S)


def firefox():
    return os.environ.get("NDLAB_FIREFOX") or shutil.which("firefox-esr") or shutil.which("firefox")


def missing(name):
    """Why engine `name` cannot run here, or None."""
    needed = {
        "chromium": [find_chromium()],
        "firefox": [firefox()],
        "webkit": [
            shutil.which("WebKitWebDriver"),
            shutil.which("Xvfb"),
            Path(MINIBROWSER).exists() or None,
        ],
    }[name]
    if all(needed):
        return None
    packages = {
        "chromium": "chromium",
        "firefox": "firefox-esr",
        "webkit": "webkit2gtk-driver xvfb",
    }
    return f"no {name} here: apt-get install {packages[name]} (.ci/run does)"
