"""What every importer shares: the result (a bank and what was skipped), ids, validation of
each question on its own, and writing the bank as YAML.

An importer turns a file into plain question dicts in the bank format of CONTENT.md. Each is
validated by the bank's own models one at a time, so a bad question is skipped with a reason
and its line (or row), and the rest still make a bank.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
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
    notes: list[Skipped] = field(default_factory=list)
    """What was imported but changed on the way (an id made unique, an image left as its
    name): reported like a skipped question, by line, but the question is in the bank."""
    title: Any = None
    """The bank's title when the file names it (Moodle XML's parent category, a
    spreadsheet's header sheet); the caller's choice otherwise."""
    bank_id: str | None = None
    """The bank's id when the file gives it, likewise."""
    taken_ids: set[str] = field(default_factory=set, repr=False)
    """The ids of `questions`, kept as they are added: rebuilding it on every add made an
    import quadratic (32,000 GIFT questions took 110 s)."""
    _next_number: dict[str, int] = field(default_factory=dict, repr=False)

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

    def unique_id(self, wanted: str, line: int, notes: list[Skipped]) -> str:
        """`wanted`, or `wanted-2`, `-3`... when an earlier question has it (a title that
        repeats), with a note saying so added to `notes` (which the caller keeps only if
        the question is imported). The next number to try is kept for each id, so a
        title repeated 50,000 times costs 50,000 steps, not a billion."""
        if wanted not in self.taken_ids:
            return wanted
        stem = wanted[:58]
        number = self._next_number.get(stem, 2)
        while f"{stem}-{number}" in self.taken_ids:
            number += 1
        self._next_number[stem] = number + 1
        made = f"{stem}-{number}"
        notes.append(Skipped(line, "id_renamed", {"id": wanted, "new": made}))
        return made

    def report(self) -> list[Skipped]:
        """Every skipped question and every note, in the order of their lines."""
        return sorted([*self.skipped, *self.notes], key=lambda item: item.line)

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


# ---------------------------------------------------------------- text files


def decode_text(data: bytes, path: Path) -> str:
    """The text of a file to import, whatever Windows or Moodle saved it as: UTF-8 with or
    without a BOM, UTF-16 (a BOM, or without one when every other byte of ASCII text is
    zero), or GB18030 (which GBK and GB2312 are part of). Anything else raises
    `ImportFileError("not_text")`, one sentence suggesting UTF-8, never a codec's message."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")):
        if data.startswith(bom):
            return _decoded(data[len(bom) :], codec, path)
    if data.startswith(codecs.BOM_UTF16_BE):
        return _decoded(data[2:], "utf-16-be", path)
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return _decoded(data, utf16, path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise ImportFileError("not_text", path=path)
    text = _decoded(data, "gb18030", path)
    foreign = [char for char in text if ord(char) > 127]
    chinese = sum(1 for char in foreign if _CHINESE.match(char))
    if chinese < len(foreign) * 0.9:  # Latin-1, Shift-JIS... that GB18030 happens to take
        raise ImportFileError("not_text", path=path)
    return text


_CHINESE = re.compile(  # Chinese, its punctuation, and the signs Chinese text uses (℃ ① → ×)
    "[\u00b0\u00b1\u00b7\u00d7\u00f7\u2000-\u206f\u2100-\u27bf\u2e80-\u2fdf"
    "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)


def _utf16_without_bom(data: bytes) -> str | None:
    """`utf-16-le` or `-be` when the text is plainly UTF-16: of its first thousand byte
    pairs, a fifth or more have a zero byte on one side (ASCII letters, digits, spaces, line
    breaks) and far fewer on the other (a Chinese character's low byte may be zero: 一 is
    4E00)."""
    sample = data[:2000]
    pairs = len(sample) // 2
    if pairs < 2 or len(data) % 2:
        return None
    even_zero = sample[0 : pairs * 2 : 2].count(0)
    odd_zero = sample[1 : pairs * 2 : 2].count(0)
    if odd_zero >= pairs * 0.2 and even_zero * 2 < odd_zero:
        return "utf-16-le"
    if even_zero >= pairs * 0.2 and odd_zero * 2 < even_zero:
        return "utf-16-be"
    return None


def _decoded(data: bytes, codec: str, path: Path) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise ImportFileError("not_text", path=path) from None
    if any(ord(char) < 32 and char not in "\t\n\r\f\v" for char in text[:4096]):
        raise ImportFileError("not_text", path=path)  # binary that happened to decode
    return text


def read_text_file(path: Path, data: bytes | None = None) -> str:
    """The text of `path` (or of `data`, its bytes, already read), decoded as
    `decode_text` says; an unreadable file is one sentence too."""
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ImportFileError("unreadable", path=path, detail=error.strerror or error) from None
    return decode_text(data, path)


# ---------------------------------------------------------------- HTML


_BLOCKS = frozenset(
    (
        *("address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt"),
        *("fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5"),
        *("h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table"),
        *("tbody", "td", "tfoot", "th", "thead", "tr", "ul"),
    )
)
_DROPPED = frozenset(("script", "style", "head", "title"))


class _TextOfHtml(HTMLParser):
    """HTML to the text a reader sees: blocks and `<br>` on lines of their own, entities
    decoded, comments, scripts and styles dropped, an image as `[image: its name]`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images: list[str] = []
        self._dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self._dropping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "img":
            values = dict(attrs)
            name = values.get("alt") or (values.get("src") or "").rsplit("/", 1)[-1]
            self.images.append(name or "?")
            self.parts.append(f"[image: {name or '?'}]")
        elif tag in _BLOCKS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("- ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _DROPPED:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self._dropping = max(0, self._dropping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self.parts.append(re.sub(r"\s+", " ", data))


_LOOKS_HTML = re.compile(
    r"<(?:[a-zA-Z][a-zA-Z0-9]*[\s/>]|/[a-zA-Z]|!--)|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);"
)


def looks_like_html(text: str) -> bool:
    """Whether `text` has a tag, a comment or an entity in it."""
    return _LOOKS_HTML.search(text) is not None


def html_to_text(html: str) -> str:
    """The text of an HTML fragment, lines kept where the HTML breaks them (see `_TextOfHtml`)."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\u00a0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{2,}", "\n", "\n".join(lines)).strip()
