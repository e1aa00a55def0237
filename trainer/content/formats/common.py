"""What every importer shares: the result (a bank and what was skipped), ids, validation of
each question on its own, and writing the bank as YAML.

An importer turns a file into plain question dicts in the bank format of CONTENT.md. Each is
validated by the bank's own models one at a time, so a bad question is skipped with a reason
and its line (or row), and the rest still make a bank.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from trainer.content.models import Question, QuestionBank
from trainer.errors import TrainerError
from trainer.i18n import translate

_QUESTION: TypeAdapter[Question] = TypeAdapter(Question)
DEFAULT_CATEGORY = "imported"


class ImportFileError(TrainerError):
    """A file that cannot be imported at all (not the format its name says, too big to
    read safely); the sentence names the file."""

    area = "formats"


@dataclass(frozen=True)
class Skipped:
    """A question left out: where it was (line or row) and why (`formats.<key>`)."""

    line: int
    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        values = dict(self.values)
        if "detail_key" in values:  # a content-model sentence inside this one
            key = str(values.pop("detail_key"))
            values["detail"] = translate(lang, key, **values)
        return translate(lang, f"formats.{self.key}", **values)


@dataclass
class ImportResult:
    questions: list[dict[str, Any]] = field(default_factory=list)
    categories: dict[str, str] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    title: Any = None
    """The bank's title when the file names it (Moodle XML's parent category, a
    spreadsheet's header sheet); the caller's choice otherwise."""
    bank_id: str | None = None
    """The bank's id when the file gives it, likewise."""
    taken_ids: set[str] = field(default_factory=set, repr=False)
    """The ids of `questions`, kept as they are added: rebuilding it on every add made an
    import quadratic (32,000 GIFT questions took 110 s)."""

    def add(self, question: dict[str, Any], line: int) -> None:
        """Keep `question` if the bank's models accept it, or skip it with the reason."""
        if question["id"] in self.taken_ids:
            self.skipped.append(Skipped(line, "duplicate_id", {"id": question["id"]}))
            return
        try:
            _QUESTION.validate_python(question)
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"][1:]) or "question"
            context = dict(first.get("ctx") or {})
            values: dict[str, Any] = {"where": where, "detail": first["msg"]}
            if first["type"] == "content" and "key" in context:
                values.update({k: v for k, v in context.items() if k not in ("key", "at")})
                values["detail_key"] = f"content.{context['key']}"
                if context.get("at"):
                    values["where"] = ".".join([*map(str, first["loc"][1:]), context["at"]])
            self.skipped.append(Skipped(line, "invalid", values))
            return
        self.questions.append(question)
        self.taken_ids.add(question["id"])
        self.categories.setdefault(question["category"], question["category"])

    def bank(self, bank_id: str, title: str) -> dict[str, Any]:
        """The bank as plain data, ready to be written or validated."""
        return {
            "id": bank_id,
            "title": title,
            "categories": dict(self.categories) or {DEFAULT_CATEGORY: DEFAULT_CATEGORY},
            "questions": self.questions,
        }


def slug(text: str, fallback: str) -> str:
    """An id from free text (`Complaint handling` -> `complaint-handling`), or `fallback`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    made = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:64]
    return made or fallback


_KEY_ORDER = ("id", "type", "category", "difficulty", "points", "title", "tags", "stem")


def _ordered(question: dict[str, Any]) -> dict[str, Any]:
    first = {key: question[key] for key in _KEY_ORDER if key in question}
    return {**first, **{k: v for k, v in question.items() if k not in first}}


try:
    _Dumper: type[yaml.SafeDumper] = yaml.CSafeDumper
except AttributeError:  # PyYAML built without libyaml: the same text, slower
    _Dumper = yaml.SafeDumper
_QUESTIONS_A_BATCH = 500


def _dump(data: Any) -> str:
    return str(yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100))


def bank_yaml(bank: dict[str, Any]) -> str:
    """A bank as YAML in the layout trainers write by hand (id, type, category first).

    The questions are written a batch at a time, which gives the same text as one dump of
    the whole bank (a list under a key starts at the key's column) but keeps PyYAML's node
    tree to one batch: memory stays flat on a bank of 400,000 questions.
    """
    QuestionBank.model_validate(bank)  # never write a file the loader would refuse
    questions = bank["questions"]
    if not questions:
        return _dump(bank)
    head = _dump({key: value for key, value in bank.items() if key != "questions"})
    parts = [head, "questions:\n"]
    for start in range(0, len(questions), _QUESTIONS_A_BATCH):
        batch = questions[start : start + _QUESTIONS_A_BATCH]
        parts.append(_dump([_ordered(question) for question in batch]))
    return "".join(parts)
