"""Settings: a TOML file in the user's config folder, `TRAINER_*` environment variables and
command-line options, in rising order of precedence.

    # ~/.config/trainer/config.toml
    language = "en"
    content_roots = ["/srv/acme-content"]
    data_dir = "/srv/trainer-data"

`TRAINER_CONFIG` names another settings file (tests use it to stay out of the home folder).

Eight plain fields are checked here by hand rather than by a pydantic model: settings are read
before the first screen, and pydantic's model machinery was a fifth of the time to it
(bench/startup.py). Each refusal names the setting and says what it should be, in a catalog
sentence (`settings.*`), so it reads in either language.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tomllib
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from trainer import locations
from trainer.errors import TrainerError

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")


def settings_file() -> Path:
    """The settings file in force: `TRAINER_CONFIG` or the user's config folder."""
    override = os.environ.get("TRAINER_CONFIG")
    return Path(override) if override else locations.config_file()


ENV_PREFIX = "TRAINER_"


class SettingsError(TrainerError):
    """A setting with a value it cannot have. `name` is the setting; `source` says where the
    value came from: "file", "environment" or "option"."""

    area = "settings"

    def __init__(self, key: str, name: str, source: str) -> None:
        super().__init__(key, name=name)
        self.name = name
        self.source = source


@dataclass(frozen=True)
class Settings:
    """Everything a run of trainer needs to know before it opens data or content.

    Built from explicit values only; `load_settings` gathers the file and the environment.
    """

    language: Language = "zh"
    """Language of the interface and of content; the other language is the fallback."""
    content_roots: list[Path] = field(default_factory=list)
    """Extra content roots after the bundled one; a later root overrides an item by id."""
    data_dir: Path = field(default_factory=locations.default_data_dir)
    """Folder holding the roster and one file per person."""
    theme: str = "textual-dark"
    """Textual theme of the app."""
    bundled_content: bool = True
    """Whether the bundled content root comes first; off for a company that ships its own."""
    serve_max_sessions: int = 20
    """`trainer serve`: browser sessions at once, each one app process; the next is refused."""
    serve_allowed_origins: list[str] = field(default_factory=list)
    """`trainer serve`: web origins besides the server's own whose pages may open a session,
    such as the TLS reverse proxy's `https://training.example.com`. The first is also the
    address the served page tells the browser to connect to."""
    certificate_verify_url: str = ""
    """Where someone outside the organisation can check a certificate, such as
    `https://training.example.com/verify`. Printed on each certificate ("Verify at <url> with
    code XXXX") and encoded in its QR code as `<url>?code=XXXX`; left empty, the certificate
    asks the reader to have the issuing organisation's training department verify the code."""
    database_url: str = ""
    """A PostgreSQL database (`postgresql://user:password@host/db`) holding the organisation
    instead of the data folder's files, for several hosts; the data folder still keeps the
    certificate PDFs and the organisation's own content. Empty: the data folder holds all."""

    @property
    def own_content_root(self) -> Path:
        """`content/` in the data folder: where banks imported in the app are written. It is
        read after the bundled root whenever it exists, so they need no setting."""
        return self.data_dir / "content"

    def all_content_roots(self) -> list[Path]:
        """The bundled root (unless switched off), the data folder's own `content/` if it
        exists, then the configured roots, in order."""
        roots = [locations.bundled_content_root()] if self.bundled_content else []
        if self.own_content_root.is_dir():
            roots.append(self.own_content_root)
        return roots + [root.expanduser() for root in self.content_roots]

    def with_data_dir(self, data_dir: Path) -> Settings:
        return dataclasses.replace(self, data_dir=data_dir)


SETTING_NAMES = tuple(item.name for item in dataclasses.fields(Settings))


def load_settings(**overrides: Any) -> Settings:
    """Settings from file and environment, with command-line `overrides` on top.

    Overrides that are None (an option not given) are left out, so they do not mask the file.
    Raises SettingsError for a bad value and TOMLDecodeError for a broken file.
    """
    given = {key: value for key, value in overrides.items() if value not in (None, [], ())}
    values: dict[str, Any] = {}
    for source, found in (
        ("file", _from_file()),
        ("environment", _from_environment()),
        ("option", given),
    ):
        for name, raw in found.items():
            values[name] = _checked(name, raw, source)
    return Settings(**values)


def _checked(name: str, raw: Any, source: str) -> Any:
    """The value of setting `name` in its proper type, or a SettingsError saying why not.
    Environment values arrive as text: lists as JSON, booleans as words."""
    if name not in SETTING_NAMES:
        raise SettingsError("unknown", name, source)
    if name == "language":
        if raw not in LANGUAGES:
            raise SettingsError("language", name, source)
        return raw
    if name == "theme":
        if not isinstance(raw, str) or not raw.strip():
            raise SettingsError("text", name, source)
        return raw.strip()
    if name == "data_dir":
        if not isinstance(raw, str | Path) or not str(raw).strip():
            raise SettingsError("folder", name, source)
        return Path(raw).expanduser()
    if name == "content_roots":
        if source == "environment":
            try:
                raw = json.loads(raw)
            except json.JSONDecodeError:
                raise SettingsError("folders", name, source) from None
        if not isinstance(raw, list | tuple) or not all(
            isinstance(item, str | Path) and str(item).strip() for item in raw
        ):
            raise SettingsError("folders", name, source)
        return [Path(item) for item in raw]
    if name == "serve_max_sessions":
        return _count(raw, name, source)
    if name == "serve_allowed_origins":
        return _origins(raw, name, source)
    if name == "certificate_verify_url":
        return _web_address(raw, name, source)
    if name == "database_url":
        return _database_address(raw, name, source)
    # bundled_content, the one switch
    if isinstance(raw, bool):
        return raw
    if source == "environment" and isinstance(raw, str):
        word = raw.strip().lower()
        if word in _TRUE_WORDS or word in _FALSE_WORDS:
            return word in _TRUE_WORDS
    raise SettingsError("switch", name, source)


def _count(raw: Any, name: str, source: str) -> int:
    if source == "environment" and isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise SettingsError("count", name, source)
    return raw


def _origins(raw: Any, name: str, source: str) -> list[str]:
    if source == "environment":
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raise SettingsError("origins", name, source) from None
    if not isinstance(raw, list | tuple):
        raise SettingsError("origins", name, source)
    origins = [web_origin(item) if isinstance(item, str) else None for item in raw]
    if None in origins:
        raise SettingsError("origins", name, source)
    return [origin for origin in origins if origin is not None]


def _database_address(raw: Any, name: str, source: str) -> str:
    """A postgresql:// address; empty text means the data folder's own files."""
    if not isinstance(raw, str):
        raise SettingsError("database_url", name, source)
    text = raw.strip()
    if text and not text.startswith(("postgresql://", "postgres://")):
        raise SettingsError("database_url", name, source)
    return text


def _web_address(raw: Any, name: str, source: str) -> str:
    """An http(s) address with a host; empty text switches the setting off."""
    if not isinstance(raw, str):
        raise SettingsError("web_address", name, source)
    text = raw.strip()
    if not text:
        return ""
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError:
        raise SettingsError("web_address", name, source) from None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.fragment
        or any(char.isspace() for char in text)
    ):
        raise SettingsError("web_address", name, source)
    return text


def web_origin(text: str) -> str | None:
    """`text` as a browser writes it in an `Origin` header (`https://host` or
    `http://host:port`: lower case, no default port, no path), or None when it is not the
    address of a web site."""
    try:
        parts = urllib.parse.urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if (
        parts.scheme not in ("http", "https")
        or not host
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username is not None
    ):
        return None
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    default_port = 80 if parts.scheme == "http" else 443
    shown_port = f":{port}" if port is not None and port != default_port else ""
    return f"{parts.scheme}://{host}{shown_port}"


_TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
_FALSE_WORDS = frozenset({"false", "no", "off", "0"})


def _from_file() -> dict[str, Any]:
    path = settings_file()
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _from_environment() -> dict[str, Any]:
    """`TRAINER_<SETTING>` variables, as text (`TRAINER_CONFIG` names the file, not a
    setting)."""
    found: dict[str, Any] = {}
    for name in SETTING_NAMES:
        raw = os.environ.get(f"{ENV_PREFIX}{name.upper()}")
        if raw is not None:
            found[name] = raw
    return found
