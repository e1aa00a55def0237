"""Settings: a TOML file in the user's config folder, `TRAINER_*` environment variables and
command-line options, in rising order of precedence, validated by pydantic.

    # ~/.config/trainer/config.toml
    language = "en"
    content_roots = ["/srv/acme-content"]
    data_dir = "/srv/trainer-data"

`TRAINER_CONFIG` names another settings file (tests use it to stay out of the home folder).
"""

from __future__ import annotations

import json
import os
import tomllib
import typing
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from trainer import locations

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")


def settings_file() -> Path:
    """The settings file in force: `TRAINER_CONFIG` or the user's config folder."""
    override = os.environ.get("TRAINER_CONFIG")
    return Path(override) if override else locations.config_file()


ENV_PREFIX = "TRAINER_"


class Settings(BaseModel):
    """Everything a run of trainer needs to know before it opens data or content.

    Built from explicit values only; `load_settings` gathers the file and the environment.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: Language = "zh"
    """Language of the interface and of content; the other language is the fallback."""
    content_roots: list[Path] = Field(default_factory=list)
    """Extra content roots after the bundled one; a later root overrides an item by id."""
    data_dir: Path = Field(default_factory=locations.default_data_dir)
    """Folder holding the roster and one file per person."""
    theme: str = "textual-dark"
    """Textual theme of the app."""
    bundled_content: bool = True
    """Whether the bundled content root comes first; off for a company that ships its own."""

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


def load_settings(**overrides: Any) -> Settings:
    """Settings from file and environment, with command-line `overrides` on top.

    Overrides that are None (an option not given) are left out, so they do not mask the file.
    Raises pydantic's ValidationError for a bad value and TOMLDecodeError for a broken file.
    """
    given = {key: value for key, value in overrides.items() if value not in (None, [], ())}
    return Settings(**{**_from_file(), **_from_environment(), **given})


def _from_file() -> dict[str, Any]:
    path = settings_file()
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _from_environment() -> dict[str, Any]:
    """`TRAINER_<FIELD>` variables; a list is written as JSON (`'["/srv/a", "/srv/b"]'`), and
    one that is not JSON is passed on as text for validation to refuse."""
    found: dict[str, Any] = {}
    for name, field in Settings.model_fields.items():
        raw = os.environ.get(f"{ENV_PREFIX}{name.upper()}")
        if raw is None:
            continue
        if typing.get_origin(field.annotation) is list:
            try:
                found[name] = json.loads(raw)
            except json.JSONDecodeError:
                found[name] = raw
        else:
            found[name] = raw
    return found
