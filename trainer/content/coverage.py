"""How completely the content covers each track: the figures `trainer validate` prints after
its summary, and the bundled-content test holds to the curriculum's minimums.

A track's questions are those of the bank categories its exam draws from; its role-plays are
its script drill, its practical and its optional practice scenarios.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from pydantic import BaseModel

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
