"""How completely the content covers each track: the figures `trainer validate` prints after
its summary, and the bundled-content test holds to the curriculum's minimums.

A track's questions are those of the bank categories its exam draws from; its role-plays are
its script drill, its practical and its optional practice scenarios.

It also measures the content against the seed documents' requirements: a register
(`docs/seed-requirements.yaml`) names, for each requirement, the lessons, questions,
scenarios and quality review cases that cover it, or why it is covered only in part or not
at all; `requirement_coverage` checks each reference against the loaded content.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from trainer.content.loader import ContentLibrary
from trainer.content.models import LocalizedText, PhraseList, Scenario, Track


@dataclass(frozen=True)
class TrackCoverage:
    track: str
    modules: list[str]
    lessons: int
    shortest_lesson: dict[str, int]
    """The fewest characters any lesson of the track has, per language."""
    questions: int
    question_types: dict[str, int]
    unexplained: list[str]
    modules_without_questions: list[str]
    """Modules no question category of the track's banks is named after."""
    modules_not_drawn: list[str]
    """Modules whose category the exam blueprint never draws from."""
    scenarios: list[str]


@dataclass(frozen=True)
class ScenarioCoverage:
    scenario: str
    nodes: int
    choice_nodes: int
    free_text_nodes: int
    endings: int
    golden_tests: int
    facts: int
    secrets: int


@dataclass(frozen=True)
class Coverage:
    tracks: list[TrackCoverage]
    scenarios: list[ScenarioCoverage]
    one_language: list[str] = field(default_factory=list)
    """Where a text a person reads exists in one language only ("file: where: lang")."""

    @property
    def questions(self) -> int:
        return sum(track.questions for track in self.tracks)


def coverage(library: ContentLibrary) -> Coverage:
    return Coverage(
        tracks=[_track(library, loaded.model) for loaded in library.tracks.values()],
        scenarios=[_scenario(loaded.model) for loaded in library.scenarios.values()],
        one_language=list(_one_language(library)),
    )


def _track(library: ContentLibrary, track: Track) -> TrackCoverage:
    drawn = {(rule.bank, rule.category) for rule in track.exam.draw} if track.exam else set()
    banks = {bank for bank, _ in drawn}
    questions = [
        question
        for bank_id in sorted(banks)
        if (bank := library.bank(bank_id)) is not None
        for question in bank.questions
    ]
    categories = {question.category for question in questions}
    module_ids = [module.id for module in track.modules]
    shortest = {
        lang: min(
            (len(library.lesson_markdown(track.id, lesson.id, lang)) for lesson in track.lessons),
            default=0,
        )
        for lang in ("zh", "en")
    }
    return TrackCoverage(
        track=track.id,
        modules=module_ids,
        lessons=len(track.lessons),
        shortest_lesson=shortest,
        questions=len(questions),
        question_types=dict(sorted(Counter(q.type for q in questions).items())),
        unexplained=[q.id for q in questions if q.explanation is None],
        modules_without_questions=[m for m in module_ids if m not in categories],
        modules_not_drawn=[m for m in module_ids if m not in {c for _, c in drawn}],
        scenarios=track.role_plays,
    )


def _scenario(scenario: Scenario) -> ScenarioCoverage:
    inputs = Counter(node.input for node in scenario.nodes)
    return ScenarioCoverage(
        scenario=scenario.id,
        nodes=len(scenario.nodes),
        choice_nodes=inputs["choice"],
        free_text_nodes=inputs["free_text"],
        endings=len(scenario.endings),
        golden_tests=len(scenario.tests),
        facts=len(scenario.facts),
        secrets=len(scenario.secrets),
    )


def _one_language(library: ContentLibrary) -> Iterator[str]:
    documents: list[tuple[str, BaseModel]] = [
        (str(loaded.path), loaded.model)
        for group in (library.tracks, library.banks, library.scenarios, library.quality_reviews)
        for loaded in group.values()
    ]
    if library.standard_document is not None:
        documents.append((str(library.standard_document.path), library.standard))
    documents += [(f"_lexicon: {name}", phrases) for name, phrases in library.lexicon.items()]
    for path, model in documents:
        for where, text in _texts(model, ""):
            for lang in ("zh", "en"):
                present = text.has(lang) if isinstance(text, LocalizedText) else text.patterns(lang)
                if not present:
                    yield f"{path}: {where or '-'}: {lang}"


def _texts(value: object, where: str) -> Iterator[tuple[str, LocalizedText | PhraseList]]:
    """Every localized text and phrase list inside a model, with a dotted path to it."""
    if isinstance(value, LocalizedText | PhraseList):
        yield where, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), f"{where}.{name}".lstrip("."))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            label = getattr(item, "id", None) or index
            yield from _texts(item, f"{where}[{label}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{where}.{key}")


# ---------------------------------------------------------------- seed requirements


class SeedRequirement(BaseModel):
    """One concrete requirement of the seed documents and what covers it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^r\d{3}-\d{2}$")
    """`r<seed>-<n>`: the seed file's number and the requirement's."""
    text: str = Field(min_length=1)
    by: list[str] = Field(default_factory=list)
    """`lesson:TRACK/LESSON`, `question:BANK/ID`, `scenario:ID`, `quality_review:ID`,
    `track:ID`."""
    partly: str | None = None
    """Why it is covered only in part."""
    missing: str | None = None
    """Why it is not covered at all."""

    @property
    def status(self) -> Literal["covered", "partly", "missing"]:
        if self.missing is not None or not self.by:
            return "missing"
        return "partly" if self.partly is not None else "covered"


@dataclass(frozen=True)
class RequirementCoverage:
    requirements: list[SeedRequirement]
    unresolved: list[str]
    """References to content that does not exist ("r000-01: lesson:x/y")."""

    def with_status(self, status: str) -> list[SeedRequirement]:
        return [item for item in self.requirements if item.status == status]


_REGISTER: TypeAdapter[list[SeedRequirement]] = TypeAdapter(list[SeedRequirement])


def load_requirements(path: Path) -> list[SeedRequirement]:
    """The register of seed requirements (`docs/seed-requirements.yaml`)."""
    return _REGISTER.validate_python(yaml.safe_load(path.read_text(encoding="utf-8")))


def _resolves(library: ContentLibrary, reference: str) -> bool:
    kind, _, target = reference.partition(":")
    owner, _, item = target.partition("/")
    if kind == "lesson":
        track = library.track(owner)
        return track is not None and any(lesson.id == item for lesson in track.lessons)
    if kind == "question":
        bank = library.bank(owner)
        return bank is not None and any(question.id == item for question in bank.questions)
    if kind == "scenario":
        return target in library.scenarios
    if kind == "quality_review":
        return target in library.quality_reviews
    if kind == "track":
        return target in library.tracks
    return False


def requirement_coverage(
    library: ContentLibrary, requirements: list[SeedRequirement]
) -> RequirementCoverage:
    unresolved = [
        f"{item.id}: {reference}"
        for item in requirements
        for reference in item.by
        if not _resolves(library, reference)
    ]
    return RequirementCoverage(requirements, unresolved)
