"""Content problems, each tied to a file and a line, with a message in either language.

A problem is kept as a catalog key and its values rather than a finished sentence, so
`trainer validate` can print it in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainer.i18n import translate

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class ContentProblem:
    """One thing wrong in one content file."""

    path: Path
    line: int
    where: str
    key: str
    values: dict[str, Any] = field(default_factory=dict)
    fallback: str = ""
    """pydantic's English message, used when the error type has no catalog entry."""

    def message(self, lang: str) -> str:
        if self.key == "raw":
            return self.fallback
        values = dict(self.values)
        if "detail_key" in values:  # a sentence of another catalog section, inside this one
            values["detail"] = translate(lang, str(values.pop("detail_key")), **values)
        return translate(lang, f"content.{self.key}", **values)

    def render(self, lang: str) -> str:
        """`path:line: where: what`, the form editors and CI logs link to."""
        where = f"{self.where}: " if self.where else ""
        return f"{self.path}:{self.line}: {where}{self.message(lang)}"


class ContentProblemError(Exception):
    """Raised where content is needed but a file is broken; carries every problem found."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        super().__init__("\n".join(problem.render("en") for problem in problems))
        self.problems = problems
