"""The rules `trainer serve` guards its sessions with: which pages may open one, which
addresses reach beyond this machine, and the settings that configure them."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.cli import main
from trainer.cli_serve import beyond_loopback, origin_allowed, own_origins
from trainer.settings import load_settings, web_origin


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("https://training.example.com", "https://training.example.com"),
        ("HTTPS://Training.Example.com:443/", "https://training.example.com"),
        ("http://10.0.0.5:80", "http://10.0.0.5"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("https://training.example.com/trainer", None),  # an origin has no path
        ("ftp://training.example.com", None),
        ("training.example.com", None),
        ("https://user@training.example.com", None),
        ("http://host:99999", None),
        ("null", None),  # what a sandboxed page or a file:// page sends
    ],
)
def test_web_origins_are_written_as_a_browser_sends_them(text: str, origin: str | None) -> None:
    assert web_origin(text) == origin


@pytest.mark.parametrize(
    ("host", "beyond"),
    [
        ("127.0.0.1", False),
        ("127.0.0.2", False),
        ("::1", False),
        ("localhost", False),
        ("0.0.0.0", True),
        ("", True),  # every interface
        ("::", True),
        ("192.168.1.20", True),
        ("training.example.com", True),
    ],
)
def test_what_listens_beyond_loopback(host: str, beyond: bool) -> None:
    assert beyond_loopback(host) is beyond


LOOPBACK = own_origins("127.0.0.1", 8000)


@pytest.mark.parametrize(
    ("origin", "host_header", "allowed"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000", True),
        ("http://localhost:8000", "127.0.0.1:8000", True),  # page at localhost, socket at .1
        ("http://[::1]:8000", "[::1]:8000", True),
        ("https://evil.example", "127.0.0.1:8000", False),
        ("http://127.0.0.1:9999", "127.0.0.1:8000", False),  # another service on this host
        ("http://rebind.example:8000", "rebind.example:8000", False),  # DNS rebinding
        ("null", "127.0.0.1:8000", False),
        (None, "127.0.0.1:8000", False),
        ("http://10.0.0.5:8000", "10.0.0.5:8000", True),  # on 0.0.0.0, reached by address
        ("http://10.0.0.5:8000", "10.0.0.6:8000", False),
    ],
)
def test_which_pages_may_open_a_session(
    origin: str | None, host_header: str, allowed: bool
) -> None:
    assert origin_allowed(origin, host_header, LOOPBACK) is allowed


def test_a_reverse_proxy_is_allowed_by_its_origin_only() -> None:
    allowed = LOOPBACK | {"https://training.example.com"}
    assert origin_allowed("https://training.example.com", "127.0.0.1:8000", allowed)
    assert origin_allowed("https://training.example.com:443", "127.0.0.1:8000", allowed)
    assert not origin_allowed("http://training.example.com", "127.0.0.1:8000", allowed)
    assert not origin_allowed("https://evil.example.com", "127.0.0.1:8000", allowed)


def test_serve_settings_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRAINER_CONFIG", str(tmp_path / "none.toml"))
    assert load_settings().serve_max_sessions == 20
    assert load_settings().serve_allowed_origins == []
    monkeypatch.setenv("TRAINER_SERVE_MAX_SESSIONS", "5")
    monkeypatch.setenv("TRAINER_SERVE_ALLOWED_ORIGINS", '["HTTPS://Training.Example.com/"]')
    settings = load_settings()
    assert settings.serve_max_sessions == 5
    assert settings.serve_allowed_origins == ["https://training.example.com"]
    # the options win, as everywhere
    options = load_settings(serve_max_sessions=3, serve_allowed_origins=["http://a.example"])
    assert options.serve_max_sessions == 3
    assert options.serve_allowed_origins == ["http://a.example"]


@pytest.mark.parametrize(
    ("options", "sentence"),
    [
        (["--max-sessions", "0"], "serve_max_sessions must be a whole number, 1 or more"),
        (
            ["--allow-origin", "training.example.com"],
            'serve_allowed_origins must be a list of web addresses such as "https://training.example.com"',
        ),
    ],
)
def test_serve_refuses_a_bad_option_before_listening(
    data_dir: Path, capsys: pytest.CaptureFixture[str], options: list[str], sentence: str
) -> None:
    assert main(["--lang", "en", "--data", str(data_dir), "serve", *options]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(sentence)
    assert "Serving" not in captured.out
