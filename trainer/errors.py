"""The base of every error a person can cause and fix: a catalog key and its values.

Each area (accounts, access, exams, storage) subclasses it with its catalog section, so any
caller, the CLI or a screen, turns one into a sentence the same way:
`translate(lang, error.catalog_key, **error.values)`.
"""

from __future__ import annotations

from typing import Any, ClassVar


class TrainerError(Exception):
    area: ClassVar[str]
    """The catalog section holding this kind of error's sentences."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(f"{self.area}.{key}")
        self.key = key
        self.values = values

    @property
    def catalog_key(self) -> str:
        return f"{self.area}.{self.key}"
