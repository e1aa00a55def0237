"""Settings: a TOML file in the user's config folder, `TRAINER_*` environment variables and
command-line options, in rising order of precedence, validated by pydantic.

    # ~/.config/trainer/config.toml
    language = "en"
    content_roots = ["/srv/acme-content"]
    data_dir = "/srv/trainer-data"

`TRAINER_CONFIG` names another settings file (tests use it to stay out of the home folder).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from trainer import locations

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")


def settings_file() -> Path:
    """The settings file in force: `TRAINER_CONFIG` or the user's config folder."""
    override = os.environ.get("TRAINER_CONFIG")
    return Path(override) if override else locations.config_file()


class Settings(BaseSettings):
    """Everything a run of trainer needs to know before it opens data or content."""

    model_config = SettingsConfigDict(env_prefix="TRAINER_", extra="forbid", frozen=True)

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

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=settings_file())
        return (init_settings, env_settings, toml)

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
    """
    given = {key: value for key, value in overrides.items() if value not in (None, [], ())}
    return Settings(**given)
