"""`trainer serve` answers browsers on loopback and stops cleanly."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_serve_answers_on_loopback(data_dir: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "trainer",
            "--lang",
            "en",
            "--data",
            str(data_dir),
            "serve",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200
                    page = response.read().decode("utf-8")
                    break
            except OSError:
                time.sleep(0.3)
        assert "<html" in page.lower()
        assert "trainer" in page
        assert f"ws://127.0.0.1:{port}/ws" in page or "/ws" in page  # the terminal's websocket
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=15)
    assert f"Serving trainer at http://127.0.0.1:{port}" in output
