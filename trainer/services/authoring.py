"""Editing a question bank file in place: add, duplicate, delete, reorder and rewrite
questions, then save with every comment and every untouched line kept byte for byte.

The loader reads banks with libyaml for speed; editing uses ruamel.yaml's round-trip mode to
parse. Saving does not re-emit the file through ruamel, though: its emitter rewrites lines
nobody touched (`[{value: 10}]` comes out as `[value: 10]`) and leaves a comment above a
question behind when the question moves, since it hangs the comment on the previous one.
Instead the file is cut into its head, one piece per question (the comment and blank lines
right above it travel with it) and its tail; a save writes the head, tail and unedited
questions as they were read and only the edited ones as the trainer typed them. Each
question is edited as its own YAML text, checked by the bank's models as it is typed: the
sentence names the line of the question text and the field. Saving checks the whole bank
and writes atomically; nothing invalid reaches the file.

Bundled banks are never written: their edits are saved to the same file name under the
data folder's own content root, which is read after the bundled one and so overrides it.
"""

from __future__ import annotations

import io
import re
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
from trainer.locations import CONTENT_FOLDERS, bundled_content_root
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
class _Item:
    """One question of the bank and its text."""

    data: CommentedMap
    text: str
    """The question as YAML starting at column 0, as the editor shows it."""
    leading: str = ""
    """The comment and blank lines right above it in the file: they move with it."""
    original: str | None = None
    """Its lines as read from the file, dash included, while nobody has edited it."""


@dataclass(frozen=True)
class _Layout:
    """How the file around the questions looks: kept as read."""

    head: str
    tail: str
    dash_column: int
    content_column: int


@dataclass
class BankDocument:
    """A bank file open for editing. `path` is where it is saved: the file itself, or, for
    a bundled bank, its override in the data folder's own content root (`overrides` then
    names the bundled file, which is never written)."""

    path: Path
    data: CommentedMap
    items: list[_Item]
    layout: _Layout | None
    """None when the questions are not a block list cut into pieces (`questions: []`): the
    whole file is then written by ruamel."""
    overrides: Path | None = None
    dirty: bool = False

    @classmethod
    def open(
        cls, path: Path, save_to: Path | None = None, overrides: Path | None = None
    ) -> BankDocument:
        try:
            text = path.read_text(encoding="utf-8")
            data = _yaml().load(text)
        except (OSError, YAMLError) as error:
            raise AuthoringError("unreadable", path=path, detail=error) from None
        if not isinstance(data, CommentedMap) or not isinstance(data.get("questions"), list):
            raise AuthoringError("not_a_bank", path=path)
        items, layout = _cut(text, data["questions"])
        return cls(save_to or path, data, items, layout, overrides)

    @property
    def is_override(self) -> bool:
        """Whether this is a copy of a bundled bank, saved in the data folder."""
        return self.overrides is not None

    @property
    def questions(self) -> list[CommentedMap]:
        return [item.data for item in self.items]

    def ids(self) -> list[str]:
        return [str(item.data.get("id", "")) for item in self.items]

    def index(self, question_id: str) -> int:
        try:
            return self.ids().index(question_id)
        except ValueError:
            raise AuthoringError("unknown_question", question=question_id) from None

    def question_text(self, question_id: str) -> str:
        """One question as YAML, comments included, for the editor."""
        return self.items[self.index(question_id)].text

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
        index = self.index(question_id)
        old = self.items[index]
        if checked.data is not None and text != old.text:
            self.items[index] = _Item(checked.data, _ending(text), old.leading)
            self.dirty = True
        return checked

    def add(self, text: str, after: str | None = None) -> QuestionCheck:
        checked = self.check(text)
        if checked.data is not None:
            position = self.index(after) + 1 if after is not None else len(self.items)
            self.items.insert(position, _Item(checked.data, _ending(text)))
            self.dirty = True
        return checked

    def duplicate(self, question_id: str) -> str:
        """A copy right after the question, with a new id; returns the id."""
        taken = set(self.ids())
        number = 2
        while f"{question_id}-{number}" in taken:
            number += 1
        new_id = f"{question_id}-{number}"[:64]
        text = _with_id(self.question_text(question_id), new_id)
        self.items.insert(self.index(question_id) + 1, _Item(_yaml().load(text), text))
        self.dirty = True
        return new_id

    def delete(self, question_id: str) -> None:
        del self.items[self.index(question_id)]
        self.dirty = True

    def move(self, question_id: str, step: int) -> None:
        index = self.index(question_id)
        target = index + step
        if 0 <= target < len(self.items):
            items = self.items
            items[index], items[target] = items[target], items[index]
            self.dirty = True

    def text(self) -> str:
        layout = self.layout
        if layout is None:
            self.data["questions"] = CommentedSeq(self.questions)
            buffer = io.StringIO()
            _yaml().dump(self.data, buffer)
            return buffer.getvalue()
        pieces = [layout.head]
        for item in self.items:
            pieces.append(item.leading)
            pieces.append(
                item.original
                if item.original is not None
                else _indented(item.text, layout.dash_column, layout.content_column)
            )
        pieces.append(layout.tail)
        return "".join(pieces)

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
        # what is on disk now is the original of every question
        self.data = _yaml().load(text)
        self.items, self.layout = _cut(text, self.data["questions"])
        self.dirty = False


_DASH = re.compile(r"( *)- +")
"""The start of a question's first line in a block list: indentation, dash, spaces."""


def _cut(text: str, questions: CommentedSeq) -> tuple[list[_Item], _Layout | None]:
    """The questions of `text`, each with its own lines, and the file around them; the
    layout is None when the list is not one that can be cut (flow style, empty, or an
    item that does not start its line)."""
    if not text.endswith("\n"):
        text += "\n"  # so that a question moved from the end still ends its line
    lines = text.splitlines(keepends=True)
    dumped = [_Item(question, _dumped(question)) for question in questions]
    if not questions or questions.fa.flow_style():
        return dumped, None
    starts: list[int] = []
    columns = set()
    for index in range(len(questions)):
        line, column = questions.lc.item(index)
        match = _DASH.fullmatch(lines[line][:column])
        if match is None:
            return dumped, None
        starts.append(line)
        columns.add((len(match.group(1)), column))
    if len(columns) != 1:
        return dumped, None
    (dash_column, content_column) = columns.pop()
    # the questions end at the first line after the last one's start that is indented
    # less than a question's keys: the next top-level key, or the end of the file
    end = len(lines)
    for number in range(starts[-1] + 1, len(lines)):
        line = lines[number]
        if not _is_comment_or_blank(line) and _indent(line) < content_column:
            end = number
            break
    tail_start = _above(lines, end, starts[-1] + 1)
    leading_starts = [_above(lines, start, 0) for start in starts]
    items = []
    for index, question in enumerate(questions):
        stop = leading_starts[index + 1] if index + 1 < len(starts) else tail_start
        original = "".join(lines[starts[index] : stop])
        items.append(
            _Item(
                question,
                _dedented(original, content_column),
                "".join(lines[leading_starts[index] : starts[index]]),
                original,
            )
        )
    layout = _Layout(
        "".join(lines[: leading_starts[0]]),
        "".join(lines[tail_start:]),
        dash_column,
        content_column,
    )
    return items, layout


def _above(lines: list[str], start: int, floor: int) -> int:
    """The first of the comment and blank lines right above line `start`."""
    while start > floor and _is_comment_or_blank(lines[start - 1]):
        start -= 1
    return start


def _is_comment_or_blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _dedented(original: str, column: int) -> str:
    """A question's lines from the file as the editor shows them, starting at column 0."""
    lines = original.splitlines(keepends=True)
    shown = [lines[0][column:]]
    for line in lines[1:]:
        shown.append(line[min(column, _indent(line)) :] if line.strip() else "\n")
    return "".join(shown)


def _indented(text: str, dash_column: int, content_column: int) -> str:
    """An edited question's text as lines of the bank's list."""
    lines = _ending(text).splitlines(keepends=True)
    first = " " * dash_column + "-" + " " * (content_column - dash_column - 1) + lines[0]
    rest = [" " * content_column + line if line.strip() else "\n" for line in lines[1:]]
    return "".join([first, *rest])


def _ending(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def _dumped(question: CommentedMap) -> str:
    buffer = io.StringIO()
    _yaml().dump(question, buffer)
    return buffer.getvalue()


_SCALAR = re.compile(r"\"[^\"]*\"|'[^']*'|[^\s#,}]+")


def _with_id(text: str, new_id: str) -> str:
    """`text` with its id's value replaced, every other line as it was."""
    data = _yaml().load(text)
    line, column = data.lc.value("id")
    lines = text.splitlines(keepends=True)
    match = _SCALAR.match(lines[line], column)
    if match is None:  # an id written some way not foreseen: write the whole copy afresh
        data["id"] = new_id
        return _dumped(data)
    lines[line] = lines[line][: match.start()] + new_id + lines[line][match.end() :]
    return "".join(lines)


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


def save_path(bank_file: Path, own_content_root: Path) -> Path:
    """Where edits of `bank_file` are saved: the file itself, unless it is bundled content,
    which is never written (in an editable install it is the repository): then the same
    name under the data folder's own content root, which overrides the bundled bank."""
    bundled = bundled_content_root().resolve()
    try:
        relative = bank_file.resolve().relative_to(bundled)
    except ValueError:
        return bank_file
    if relative.parts[0] not in CONTENT_FOLDERS:  # a company root inside a checkout
        return bank_file
    return own_content_root / relative


def open_bank(library: Any, bank_id: str, own_content_root: Path) -> BankDocument:
    """The bank `bank_id` as loaded, open for editing, saved where `save_path` says; an
    override saved before is opened as the copy of the bundled bank it is."""
    path = bank_path(library, bank_id)
    target = save_path(path, own_content_root)
    if target != path:
        return BankDocument.open(path, save_to=target, overrides=path)
    try:
        relative = path.resolve().relative_to(own_content_root.resolve())
    except ValueError:
        return BankDocument.open(path)
    bundled = bundled_content_root() / relative
    return BankDocument.open(path, overrides=bundled if bundled.is_file() else None)
