"""`trainer serve` as a browser and an attacker meet it: signing in through the served page,
websockets from foreign pages refused, the session limit, no first-run wizard in a browser,
and the warning when it listens beyond loopback.

One server on the demo organisation serves the whole module; each test leaves it with no
session open. The browser test drives Debian's Chromium through Playwright and reads the
screen from xterm.js's own buffer (the terminal draws on a canvas, so the page has no text).
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from trainer.i18n import Translator
from trainer.locations import DEMO_PASSWORD
from trainer.services.context import open_context
from trainer.services.demo import build_demo
from trainer.settings import Settings

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("TRAINER_REQUIRE_BROWSER") == "1"
MAX_SESSIONS = 2
EN = Translator("en")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    output: Path
    """stdout and stderr of `trainer serve`, as written so far."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def printed(self) -> str:
        return self.output.read_text("utf-8")

    def app_processes(self) -> int:
        """The app processes the server has running now (its children started with
        --served)."""
        count = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
                command = (stat.parent / "cmdline").read_bytes()
            except (OSError, IndexError, ValueError):
                continue  # a process that ended while being read
            if parent == self.process.pid and b"--served" in command:
                count += 1
        return count

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _serve(data: Path, folder: Path, *options: str) -> Served:
    """Start `trainer serve` on `data` and wait until it answers."""
    port = _free_port()
    output = folder / "serve-output.txt"
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("TRAINER_")
    }
    environment["TRAINER_CONFIG"] = str(folder / "no-config.toml")  # no one's own settings
    command = [sys.executable, "-m", "trainer", "--lang", "en", "--data", str(data), "serve"]
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [*command, "--port", str(port), *options],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=environment,
        )
    served = Served(process, port, output)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{served.url}/", timeout=2):
                return served
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    served.stop()
    raise AssertionError(f"trainer serve did not start:\n{served.printed()}")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("serve")
    data = folder / "demo"
    context = open_context(Settings(data_dir=data, language="en"))
    build_demo(context.store, context.library)
    served = _serve(data, folder, "--max-sessions", str(MAX_SESSIONS))
    yield served
    served.stop()


def _ws_url(served: Served) -> str:
    return f"ws://127.0.0.1:{served.port}/ws?width=100&height=32"


async def _refused(served: Served, origin: str, **headers: str) -> tuple[int, str]:
    """Ask for the websocket as a page from `origin` would: the answer's status and text."""
    handshake = {
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    if origin:
        handshake["Origin"] = origin
    async with (
        aiohttp.ClientSession() as session,
        session.get(_ws_url(served), headers={**handshake, **headers}) as response,
    ):
        assert response.status != 101, f"a session was opened for {origin!r}"
        return response.status, await response.text()


async def _session(
    session: aiohttp.ClientSession, served: Served, origin: str
) -> aiohttp.ClientWebSocketResponse:
    """A session opened as a page from `origin`, once its app has drawn its first screen."""
    socket_ = await session.ws_connect(_ws_url(served), headers={"Origin": origin})
    message = await socket_.receive(timeout=30)
    assert message.type == aiohttp.WSMsgType.BINARY, message  # the terminal's first output
    return socket_


async def _wait_for_no_sessions(served: Served) -> None:
    deadline = time.monotonic() + 20
    while served.app_processes() and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    assert served.app_processes() == 0


def test_the_page_is_served_on_loopback(demo_server: Served) -> None:
    with urllib.request.urlopen(f"{demo_server.url}/", timeout=5) as response:
        assert response.status == 200
        page = response.read().decode("utf-8")
    assert f"ws://127.0.0.1:{demo_server.port}/ws" in page  # the terminal's websocket
    assert f"Serving trainer at http://127.0.0.1:{demo_server.port}" in demo_server.printed()
    assert "Warning" not in demo_server.printed()  # loopback: nothing to warn about


async def test_a_websocket_from_a_foreign_page_is_refused_before_any_process(
    demo_server: Served,
) -> None:
    # a page on another site, opened in the browser of someone who can reach the server
    status, text = await _refused(demo_server, "https://evil.example")
    assert status == 403
    assert "Refused a session for a page from https://evil.example" in text
    # DNS rebinding: a foreign name that resolves to this server, Origin and Host agreeing
    port = demo_server.port
    status, _ = await _refused(
        demo_server, f"http://rebind.example:{port}", Host=f"rebind.example:{port}"
    )
    assert status == 403
    # a client that sends no Origin at all is not a browser page of ours either
    status, _ = await _refused(demo_server, "")
    assert status == 403
    assert demo_server.app_processes() == 0


async def test_the_session_beyond_the_limit_is_refused(demo_server: Served) -> None:
    port = demo_server.port
    async with aiohttp.ClientSession() as session:
        # the server's own pages, under either loopback name
        first = await _session(session, demo_server, f"http://127.0.0.1:{port}")
        second = await _session(session, demo_server, f"http://localhost:{port}")
        try:
            assert demo_server.app_processes() == MAX_SESSIONS  # one process a session
            status, text = await _refused(demo_server, f"http://127.0.0.1:{port}")
            assert status == 503
            assert (
                text
                == f"All {MAX_SESSIONS} sessions of this server are in use. Try again once someone has closed their tab."
            )
            with pytest.raises(urllib.error.HTTPError) as full_page:
                urllib.request.urlopen(f"{demo_server.url}/", timeout=5)
            assert full_page.value.code == 503
            assert f"All {MAX_SESSIONS} sessions" in full_page.value.read().decode("utf-8")
            assert demo_server.app_processes() == MAX_SESSIONS
        finally:
            await first.close()
            await second.close()
    await _wait_for_no_sessions(demo_server)
    with urllib.request.urlopen(f"{demo_server.url}/", timeout=5) as response:
        assert response.status == 200  # places free again


def test_a_port_in_use_is_one_sentence(demo_server: Served, tmp_path: Path) -> None:
    taken = str(demo_server.port)
    result = subprocess.run(
        [sys.executable, "-m", "trainer", "--data", str(tmp_path), "serve", "--port", taken],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "TRAINER_LANGUAGE": "en", "TRAINER_CONFIG": str(tmp_path / "none")},
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"trainer serve cannot listen on 127.0.0.1 port {demo_server.port}: Address already in use."
    )
    assert "Traceback" not in result.stderr + result.stdout


# ---------------------------------------------------------------- in a browser

# The page's script keeps its xterm.js terminal to itself; the test's copy of the script
# hands it to the page as `window.trainerTerminal`, so the test can read what it shows.
TERMINAL_MADE = "this.terminal=new v.Terminal("
SCREEN_TEXT = """() => {
    const terminal = window.trainerTerminal;
    if (!terminal) return "";
    const lines = [];
    for (let row = 0; row < terminal.rows; row++) {
        const line = terminal.buffer.active.getLine(row);
        lines.push(line ? line.translateToString(true) : "");
    }
    return lines.join("\\n");
}"""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _browser_missing() -> str | None:
    """Why the browser test cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium; .ci/run installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "needs Playwright (pip install -e '.[test]')"
    return None


@pytest.fixture
def browser_page() -> Iterator[object]:
    missing = _browser_missing()
    if missing is not None:
        if REQUIRE_BROWSER:
            pytest.fail(f"TRAINER_REQUIRE_BROWSER=1, but this machine {missing}")
        pytest.skip(missing)
    from playwright.sync_api import Route, sync_playwright

    def expose_terminal(route: Route) -> None:
        response = route.fetch()
        script = response.text()
        assert TERMINAL_MADE in script, "textual-serve's script changed: update TERMINAL_MADE"
        exposed = script.replace(
            TERMINAL_MADE, "this.terminal=window.trainerTerminal=new v.Terminal("
        )
        route.fulfill(response=response, body=exposed)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.route("**/static/js/textual.js", expose_terminal)
        try:
            yield page
        finally:
            browser.close()


def test_a_browser_signs_in_and_reaches_the_home_screen(
    demo_server: Served, browser_page: object
) -> None:
    from playwright.sync_api import Page

    assert isinstance(browser_page, Page)
    page = browser_page

    def wait_for_screen(condition: str) -> None:
        page.wait_for_function(
            f"() => {{ const text = ({SCREEN_TEXT})(); return {condition}; }}", timeout=30_000
        )

    page.goto(f"{demo_server.url}/")
    wait_for_screen("text.includes('Who are you?')")
    page.focus(".xterm-helper-textarea")  # keys to the terminal, no click on the app
    page.keyboard.type("zhao", delay=30)
    wait_for_screen("text.includes('(zhao-lei)') && !text.includes('(emily-carter)')")
    page.keyboard.press("Enter")  # on to the password: the terminal's cursor moves below its label
    wait_for_screen(
        "window.trainerTerminal.buffer.active.cursorY"
        " > text.split('\\n').findIndex(line => line.includes('Password'))"
    )
    page.keyboard.type(DEMO_PASSWORD, delay=30)
    wait_for_screen(f"text.includes('{'•' * len(DEMO_PASSWORD)}')")
    page.keyboard.press("Enter")
    wait_for_screen("text.includes('Your training tracks')")
    screen = page.evaluate(SCREEN_TEXT)
    assert "Welcome, 赵磊 (learner)" in screen
    assert "Recent results" in screen
    assert "Who are you?" not in screen
    page.close()  # the session ends with the tab


# ---------------------------------------------------------------- an empty folder, on a network


async def _screen_stream(served: Served, until: str, seconds: float = 30) -> str:
    """What a session's terminal is sent until `until` shows, escape codes removed."""
    received = b""
    text = ""
    async with aiohttp.ClientSession() as session:
        socket_ = await session.ws_connect(
            _ws_url(served), headers={"Origin": f"http://127.0.0.1:{served.port}"}
        )
        try:
            deadline = time.monotonic() + seconds
            while until not in text and time.monotonic() < deadline:
                try:
                    message = await socket_.receive(timeout=deadline - time.monotonic())
                except TimeoutError:
                    break
                if message.type == aiohttp.WSMsgType.BINARY:
                    received += message.data
                    decoded = received.decode("utf-8", errors="replace")
                    text = re.sub(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-B]", "", decoded)
                elif message.type != aiohttp.WSMsgType.TEXT:
                    break
        finally:
            await socket_.close()
    return text


async def test_served_on_a_network_with_no_organisation(tmp_path: Path) -> None:
    data = tmp_path / "empty"
    data.mkdir()
    served = _serve(data, tmp_path, "--host", "0.0.0.0")
    try:
        printed = served.printed()
        assert (
            "Warning: 0.0.0.0 is not this machine's loopback address, so anyone who can reach port"
            in printed
        )
        assert "behind a TLS reverse proxy" in printed
        assert EN("serve.needs_organisation") in printed  # the host's hint
        # listening everywhere, the page names the address the browser used, not 0.0.0.0
        with urllib.request.urlopen(f"{served.url}/", timeout=5) as response:
            page = response.read().decode("utf-8")
        assert f"ws://127.0.0.1:{served.port}/ws" in page
        assert "0.0.0.0" not in page
        # the browser is told how the host creates the organisation, never shown the wizard
        screen = await _screen_stream(served, until="Nobody can sign in here yet")
        assert "Nobody can sign in here yet" in screen
        assert EN("setup.title") not in screen
        assert EN("setup.organisation") not in screen
    finally:
        served.stop()
    assert not (data / "roster.json").exists() or "organisation" not in (
        data / "roster.json"
    ).read_text("utf-8")
