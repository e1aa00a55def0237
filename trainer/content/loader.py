"""Loading content roots into a validated library, collecting every problem on the way.

A content root holds `tracks/`, `question_banks/`, `scenarios/`, `calls/` (the call
library, with its call-quality form `calls/_form.yaml`) and `quality_reviews/`. Roots are
read in order; an item of a later root replaces the item with the same id of an earlier one.
A broken file never stops the others from loading: its problems are collected, each with its
line, and the library holds everything that did load.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from trainer.content.errors import ContentProblem, ContentProblemError, Loc
from trainer.content.models import (
    Call,
    CallForm,
    PhraseList,
    QualityReviewCase,
    QuestionBank,
    Scenario,
    ServiceStandard,
    Track,
)
from trainer.content.yamlio import YamlDocument, load_yaml

ModelT = TypeVar("ModelT", bound=BaseModel)

LEXICON_FILE = "_lexicon.yaml"
STANDARD_FILE = "_standard.yaml"
FORM_FILE = "_form.yaml"
KIND_BY_FOLDER = {
    "tracks": "track",
    "question_banks": "bank",
    "scenarios": "scenario",
    "calls": "call",
    "quality_reviews": "quality_review",
}
_LEXICON_ADAPTER: TypeAdapter[dict[str, PhraseList]] = TypeAdapter(dict[str, PhraseList])

# pydantic error types -> catalog keys (under `content.`) and the context values they use.
_ERROR_KEYS: dict[str, str] = {
    "missing": "missing",
    "extra_forbidden": "unknown_field",
    "string_type": "expected_text",
    "int_type": "expected_integer",
    "int_parsing": "expected_integer",
    "int_from_float": "expected_integer",
    "float_type": "expected_number",
    "float_parsing": "expected_number",
    "bool_type": "expected_bool",
    "bool_parsing": "expected_bool",
    "list_type": "expected_list",
    "tuple_type": "expected_list",
    "dict_type": "expected_mapping",
    "model_type": "expected_mapping",
    "model_attributes_type": "expected_mapping",
    "literal_error": "expected_one_of",
    "enum": "expected_one_of",
    "greater_than_equal": "at_least",
    "greater_than": "above",
    "less_than_equal": "at_most",
    "less_than": "below",
    "too_short": "too_short",
    "too_long": "too_long",
    "string_too_short": "expected_nonempty",
    "string_too_long": "text_too_long",
    "string_pattern_mismatch": "bad_id",
    "union_tag_invalid": "unknown_question_type",
    "union_tag_not_found": "missing_type",
}


@dataclass(frozen=True)
class Loaded(Generic[ModelT]):
    """A validated item with the document it came from (for lines in later checks)."""

    model: ModelT
    document: YamlDocument

    @property
    def path(self) -> Path:
        return self.document.path


@dataclass
class ContentLibrary:
    """Everything loaded from the content roots, and every problem met."""

    roots: list[Path] = field(default_factory=list)
    tracks: dict[str, Loaded[Track]] = field(default_factory=dict)
    banks: dict[str, Loaded[QuestionBank]] = field(default_factory=dict)
    scenarios: dict[str, Loaded[Scenario]] = field(default_factory=dict)
    quality_reviews: dict[str, Loaded[QualityReviewCase]] = field(default_factory=dict)
    lexicon: dict[str, PhraseList] = field(default_factory=dict)
    lexicon_documents: list[YamlDocument] = field(default_factory=list)
    standard: ServiceStandard = field(default_factory=ServiceStandard)
    """The service standard of the last root that has one (no rules when none has)."""
    standard_document: YamlDocument | None = None
    calls: dict[str, Loaded[Call]] = field(default_factory=dict)
    form: CallForm | None = None
    """The call-quality form of the last root that has one (`calls/_form.yaml`)."""
    form_document: YamlDocument | None = None
    problems: list[ContentProblem] = field(default_factory=list)
    files_read: int = 0

    def track(self, track_id: str) -> Track | None:
        loaded = self.tracks.get(track_id)
        return loaded.model if loaded else None

    def lesson_markdown(self, track_id: str, lesson_id: str, lang: str) -> str:
        """A lesson's Markdown in `lang` (the other language when `lang` has none).

        A body that names a `.md` file is read from beside the track file.
        """
        from trainer.content.lint import lesson_file

        loaded = self.tracks[track_id]
        lesson = next(item for item in loaded.model.lessons if item.id == lesson_id)
        body = lesson.body.get(lang)
        path = lesson_file(body, loaded.path.parent)
        if path is None:
            return body
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            problem = ContentProblem(
                loaded.path,
                1,
                f"{track_id}/{lesson_id}",
                "unreadable",
                {"detail": f"{path}: {error}"},
            )
            raise ContentProblemError([problem]) from None

    def bank(self, bank_id: str) -> QuestionBank | None:
        loaded = self.banks.get(bank_id)
        return loaded.model if loaded else None

    def scenario(self, scenario_id: str) -> Scenario | None:
        loaded = self.scenarios.get(scenario_id)
        return loaded.model if loaded else None

    def call(self, call_id: str) -> Call | None:
        loaded = self.calls.get(call_id)
        return loaded.model if loaded else None

    def quality_review(self, case_id: str) -> QualityReviewCase | None:
        loaded = self.quality_reviews.get(case_id)
        return loaded.model if loaded else None

    def summary(self) -> dict[str, Any]:
        """Counts for the one-screen summary of `trainer validate` and the trainer home."""
        tracks = [loaded.model for loaded in self.tracks.values()]
        question_types: Counter[str] = Counter(
            question.type for loaded in self.banks.values() for question in loaded.model.questions
        )
        return {
            "tracks": len(tracks),
            "modules": sum(len(track.modules) for track in tracks),
            "lessons": sum(len(track.lessons) for track in tracks),
            "banks": len(self.banks),
            "questions": sum(question_types.values()),
            "question_types": dict(sorted(question_types.items())),
            "scenarios": len(self.scenarios),
            "quality_reviews": len(self.quality_reviews),
            "lexicon": len(self.lexicon),
            "calls": len(self.calls),
            "files": self.files_read,
        }


def problems_from_validation(
    document: YamlDocument, error: ValidationError, prefix: Loc = (), skip_tag: bool = False
) -> list[ContentProblem]:
    """One problem per pydantic error, placed on the line its `loc` points at.

    `skip_tag` drops the first element of each location: the union tag (`single`) pydantic
    puts there when the document is one question of the discriminated union.
    """
    problems = []
    for detail in error.errors(include_url=False):
        loc: Loc = (*prefix, *(detail["loc"][1:] if skip_tag else detail["loc"]))
        context = dict(detail.get("ctx") or {})
        kind = detail["type"]
        values: dict[str, Any] = {}
        if kind == "content":
            key = str(context.pop("key"))
            at = context.pop("at", None)  # a validator of a whole item may name the field at fault
            if isinstance(at, list | tuple):  # a place inside the field: ("rows", 2)
                loc = (*loc, *at)
            elif at:
                loc = (*loc, at)
            values = context
        elif kind in _ERROR_KEYS:
            key = _ERROR_KEYS[kind]
            values = {
                "field": loc[-1] if loc else "",
                "expected": context.get("expected", context.get("expected_tags", "")),
                "tag": context.get("tag", ""),
                "limit": context.get("ge", context.get("gt", context.get("le", context.get("lt")))),
                "min": context.get("min_length", ""),
                "max": context.get("max_length", ""),
                "value": _short(detail.get("input")),
            }
        else:
            key = "raw"
        problems.append(
            ContentProblem(
                path=document.path,
                line=document.line_of(loc),
                where=document.describe(loc),
                key=key,
                values=values,
                fallback=detail["msg"],
            )
        )
    return problems


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def validate_document(
    document: YamlDocument, model: type[ModelT]
) -> tuple[ModelT | None, list[ContentProblem]]:
    """Validate one parsed file against `model`."""
    if not isinstance(document.data, dict):
        return None, [ContentProblem(document.path, 1, "", "expected_top_mapping")]
    try:
        return model.model_validate(document.data), []
    except ValidationError as error:
        return None, problems_from_validation(document, error)


def kind_of(path: Path) -> str | None:
    """`track`, `bank`, `scenario`, `call`, `quality_review`, `lexicon`, `standard` or `form`,
    from the file's name and folder."""
    if path.name == LEXICON_FILE:
        return "lexicon"
    if path.name == STANDARD_FILE:
        return "standard"
    if path.name == FORM_FILE and path.parent.name == "calls":
        return "form"
    return KIND_BY_FOLDER.get(path.parent.name)


def content_files(root: Path) -> list[Path]:
    """The YAML files of a content root, in a stable order (lexicon first, for references)."""
    files: list[Path] = []
    for folder in ("scenarios", "question_banks", "quality_reviews", "tracks", "calls"):
        directory = root / folder
        if directory.is_dir():
            files.extend(sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]))
    return sorted(files, key=lambda path: path.name not in (LEXICON_FILE, STANDARD_FILE, FORM_FILE))


def is_content_root(path: Path) -> bool:
    return path.is_dir() and any((path / folder).is_dir() for folder in KIND_BY_FOLDER)


class _Builder:
    """Adds files to a library one at a time."""

    def __init__(self, library: ContentLibrary) -> None:
        self.library = library

    def add_file(self, path: Path) -> None:
        kind = kind_of(path)
        if kind is None:
            self.library.problems.append(ContentProblem(path, 1, "", "unknown_kind"))
            return
        loaded = load_yaml(path)
        self.library.files_read += 1
        if isinstance(loaded, ContentProblem):
            self.library.problems.append(loaded)
            return
        if kind == "lexicon":
            self._add_lexicon(loaded)
        elif kind == "standard":
            standard, problems = validate_document(loaded, ServiceStandard)
            self.library.problems.extend(problems)
            if standard is not None:
                self.library.standard, self.library.standard_document = standard, loaded
        elif kind == "track":
            self._add(loaded, Track, self.library.tracks)
        elif kind == "form":
            form, problems = validate_document(loaded, CallForm)
            self.library.problems.extend(problems)
            if form is not None:
                self.library.form, self.library.form_document = form, loaded
        elif kind == "bank":
            self._add(loaded, QuestionBank, self.library.banks)
        elif kind == "call":
            self._add(loaded, Call, self.library.calls)
        elif kind == "quality_review":
            self._add(loaded, QualityReviewCase, self.library.quality_reviews)
        else:
            self._add(loaded, Scenario, self.library.scenarios)

    def _add(
        self, document: YamlDocument, model: type[ModelT], into: dict[str, Loaded[ModelT]]
    ) -> None:
        item, problems = validate_document(document, model)
        self.library.problems.extend(problems)
        if item is not None:
            into[item.id] = Loaded(item, document)  # type: ignore[attr-defined]

    def _add_lexicon(self, document: YamlDocument) -> None:
        if not isinstance(document.data, dict):
            self.library.problems.append(
                ContentProblem(document.path, 1, "", "expected_top_mapping")
            )
            return
        try:
            phrases = _LEXICON_ADAPTER.validate_python(document.data)
        except ValidationError as error:
            self.library.problems.extend(problems_from_validation(document, error))
            return
        self.library.lexicon.update(phrases)
        self.library.lexicon_documents.append(document)


def load_library(roots: Sequence[Path], extra_files: Iterable[Path] = ()) -> ContentLibrary:
    """Load every root in order, then `extra_files` on top, and run the cross-file checks."""
    from trainer.content.lint import lint_library

    library = ContentLibrary(roots=list(roots))
    builder = _Builder(library)
    for root in roots:
        if not root.is_dir():
            library.problems.append(ContentProblem(root, 1, "", "root_missing"))
            continue
        for path in content_files(root):
            builder.add_file(path)
    for path in extra_files:
        builder.add_file(path)
    library.problems.extend(lint_library(library))
    return library
