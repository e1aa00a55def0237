"""UI and command-line strings in Chinese and English.

Each language has a TOML catalog beside this file (`zh.toml`, `en.toml`) with the same keys
and the same `{placeholders}`; a unit test keeps them in step. Look a string up with
`translate(lang, key, **values)` or a bound `Translator`.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

_CATALOG_DIR = Path(__file__).resolve().parent
LANGUAGES = ("zh", "en")


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every string of one language, keyed by dotted name."""
    with (_CATALOG_DIR / f"{lang}.toml").open("rb") as handle:
        return _flatten(tomllib.load(handle))


def translate(lang: str, key: str, /, **values: Any) -> str:
    """The string `key` in `lang` (English when `lang` is unknown), formatted with `values`."""
    strings = catalog(lang if lang in LANGUAGES else "en")
    template = strings[key]
    return template.format(**values) if values else template


class Translator:
    """`translate` bound to one language: `tr = Translator("zh"); tr("signin.title")`."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, /, **values: Any) -> str:
        return translate(self.lang, key, **values)


__all__ = ["LANGUAGES", "Translator", "catalog", "translate"]
