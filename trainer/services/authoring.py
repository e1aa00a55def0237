"""Editing a question bank file in place: add, duplicate, delete, reorder and rewrite
questions, then save with every comment and the order of everything else kept.

The loader reads banks with libyaml for speed; editing uses ruamel.yaml's round-trip mode,
which keeps comments, key order and flow style. Each question is edited as its own YAML
text (with the comments inside it), checked by the bank's models as it is typed: the
sentence names the line of the question text and the field. Saving checks the whole bank
and writes atomically; nothing invalid reaches the file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from trainer.content.errors import ContentProblem
from trainer.content.loader import problems_from_validation
from trainer.content.models import Question, QuestionBank
from trainer.content.yamlio import YamlDocument, parse_yaml
from trainer.errors import TrainerError
from trainer.storage.files import atomic_write_bytes

_QUESTION: TypeAdapter[Question] = TypeAdapter(Question)


class AuthoringError(TrainerError):
    area = "authoring"


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: comments, order and flow style survive
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap lines nobody edited
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    return yaml


@dataclass
class QuestionCheck:
    """The result of checking one question's text: the question, or what is wrong."""

    data: CommentedMap | None
    problems: list[ContentProblem] = field(default_factory=list)

    def sentence(self, lang: str) -> str:
        return "; ".join(
            f"{p.line}: {p.where + ': ' if p.where else ''}{p.message(lang)}" for p in self.problems
        )


@dataclass
class BankDocument:
    """A bank file open for editing."""

    path: Path
    data: CommentedMap
    dirty: bool = False

    @classmethod
    def open(cls, path: Path) -> BankDocument:
        try:
            data = _yaml().load(path.read_text(encoding="utf-8"))
        except (OSError, YAMLError) as error:
            raise AuthoringError("unreadable", path=path, detail=error) from None
        if not isinstance(data, CommentedMap) or not isinstance(data.get("questions"), list):
            raise AuthoringError("not_a_bank", path=path)
        return cls(path, data)

    @property
    def questions(self) -> CommentedSeq:
        questions: CommentedSeq = self.data["questions"]
        return questions

    def ids(self) -> list[str]:
        return [str(question.get("id", "")) for question in self.questions]

    def index(self, question_id: str) -> int:
        try:
            return self.ids().index(question_id)
        except ValueError:
            raise AuthoringError("unknown_question", question=question_id) from None

    def question_text(self, question_id: str) -> str:
        """One question as YAML, comments included, for the editor."""
        buffer = io.StringIO()
        _yaml().dump(self.questions[self.index(question_id)], buffer)
        return buffer.getvalue()

    def check(self, text: str, replacing: str | None = None) -> QuestionCheck:
        """Whether `text` is a valid question (and its id free, unless it is `replacing`)."""
        path = Path("question.yaml")
        document = parse_yaml(path, text)
        if isinstance(document, ContentProblem):
            return QuestionCheck(None, [document])
        if not isinstance(document.data, dict):
            return QuestionCheck(None, [ContentProblem(path, 1, "", "expected_top_mapping")])
        problems = _validate_question(document)
        if problems:
            return QuestionCheck(None, problems)
        question_id = str(document.data.get("id"))
        if question_id != replacing and question_id in self.ids():
            line = document.line_of(("id",))
            return QuestionCheck(
                None, [ContentProblem(path, line, "id", "duplicate_id", {"id": question_id})]
            )
        parsed = _yaml().load(text)
        return QuestionCheck(parsed)

    def replace(self, question_id: str, text: str) -> QuestionCheck:
        checked = self.check(text, replacing=question_id)
        if checked.data is not None:
            self.questions[self.index(question_id)] = checked.data
            self.dirty = True
        return checked

    def add(self, text: str, after: str | None = None) -> QuestionCheck:
        checked = self.check(text)
        if checked.data is not None:
            position = self.index(after) + 1 if after is not None else len(self.questions)
            self.questions.insert(position, checked.data)
            self.dirty = True
        return checked

    def duplicate(self, question_id: str) -> str:
        """A copy right after the question, with a new id; returns the id."""
        taken = set(self.ids())
        number = 2
        while f"{question_id}-{number}" in taken:
            number += 1
        new_id = f"{question_id}-{number}"[:64]
        copy = _yaml().load(self.question_text(question_id))
        copy["id"] = new_id
        self.questions.insert(self.index(question_id) + 1, copy)
        self.dirty = True
        return new_id

    def delete(self, question_id: str) -> None:
        del self.questions[self.index(question_id)]
        self.dirty = True

    def move(self, question_id: str, step: int) -> None:
        index = self.index(question_id)
        target = index + step
        if 0 <= target < len(self.questions):
            questions = self.questions
            questions[index], questions[target] = questions[target], questions[index]
            self.dirty = True

    def text(self) -> str:
        buffer = io.StringIO()
        _yaml().dump(self.data, buffer)
        return buffer.getvalue()

    def save(self) -> None:
        """Write the bank back, if the whole of it is valid."""
        text = self.text()
        document = parse_yaml(self.path, text)
        if isinstance(document, ContentProblem):
            raise AuthoringError("invalid_bank", detail=document.message("en"))
        try:
            QuestionBank.model_validate(document.data)
        except ValidationError as error:
            problem = problems_from_validation(document, error)[0]
            raise AuthoringError("invalid_bank", detail=problem.message("en")) from None
        atomic_write_bytes(self.path, text.encode("utf-8"), keep_backup=True, shared=True)
        self.dirty = False


def _validate_question(document: YamlDocument) -> list[ContentProblem]:
    try:
        _QUESTION.validate_python(document.data)
    except ValidationError as error:
        # the question is the whole document here: drop the union tag from each location
        return problems_from_validation(document, error, skip_tag=True)
    return []


NEW_QUESTION = """\
id: {id}
type: single
category: {category}
difficulty: 2
stem: {{zh: 新题目, en: New question}}
options:
  - {{text: {{zh: 正确选项, en: The right option}}, correct: true}}
  - {{text: {{zh: 错误选项, en: A wrong option}}}}
explanation: {{zh: 解释, en: Why}}
"""


def new_question_text(document: BankDocument) -> str:
    """A template for a new question with a free id, in the bank's first category."""
    taken = set(document.ids())
    number = len(taken) + 1
    while f"new-{number:03d}" in taken:
        number += 1
    categories = list(document.data.get("categories") or {"imported": ""})
    return NEW_QUESTION.format(id=f"new-{number:03d}", category=categories[0])


def bank_path(library: Any, bank_id: str) -> Path:
    loaded = library.banks.get(bank_id)
    if loaded is None:
        raise AuthoringError("unknown_bank", bank=bank_id)
    path: Path = loaded.path
    return path
