"""Measuring the role-play scorer against a reviewer's judgments (docs/calibration.md).

A calibration case is a transcript with the judgment a strict QA reviewer wrote before it was
ever scored. `calibrate` plays each case through the engine and compares: mean absolute
difference and Pearson correlation of the totals, false negatives (reviewer >= 75, tool < 60),
false positives (reviewer < 40, tool >= 60), red lines (reviewer fatal) the tool also found
fatal, and the cases where the two disagree most, with the tool's evidence.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from trainer.content.errors import ContentProblem
from trainer.content.loader import ContentLibrary, load_library
from trainer.content.models import ContentModel, Id, Language, Scenario, ScriptTurn
from trainer.content.yamlio import load_yaml
from trainer.services.roleplay.engine import Context, RolePlay, TranscriptError
from trainer.services.roleplay.scorecard import Scorecard

GOOD_AT = 75.0
"""A reviewer total from which a call must pass."""
POOR_BELOW = 40.0
"""A reviewer total below which a call must fail."""
PASS_MARK = 60.0


@dataclass(frozen=True)
class Goals:
    mean_difference: float = 8.0
    correlation: float = 0.9
    false_negatives: float = 0.05
    false_positives: float = 0.03


class Judgment(ContentModel):
    total: float = Field(ge=0, le=100)
    steps: dict[str, float] = Field(default_factory=dict)
    fatal: bool = False
    why: str = ""
    revised: str | None = None
    """Why the judgment was changed after it was first written, if it ever was."""


class CalibrationCase(ContentModel):
    id: str | None = None
    scenario: Id
    lang: Language = "zh"
    family: Literal["good", "gaming", "subtle"] = "good"
    turns: list[ScriptTurn] = Field(min_length=1)
    judgment: Judgment


class CalibrationFile(ContentModel):
    cases: list[CalibrationCase] = Field(min_length=1)


@dataclass
class CaseResult:
    case: CalibrationCase
    case_id: str
    path: Path
    card: Scorecard | None
    problem: str | None = None
    ignored_turns: int = 0
    """Turns after the customer hung up (the reviewer imagined a call that went on)."""

    @property
    def tool_total(self) -> float:
        return self.card.total if self.card else 0.0

    @property
    def difference(self) -> float:
        return self.tool_total - self.case.judgment.total


@dataclass
class Report:
    results: list[CaseResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    goals: Goals = Goals()

    @property
    def scored(self) -> list[CaseResult]:
        return [result for result in self.results if result.card is not None]

    @property
    def mean_difference(self) -> float:
        scored = self.scored
        return sum(abs(r.difference) for r in scored) / len(scored) if scored else 0.0

    @property
    def correlation(self) -> float:
        return pearson(
            [r.case.judgment.total for r in self.scored], [r.tool_total for r in self.scored]
        )

    @property
    def good(self) -> list[CaseResult]:
        return [r for r in self.scored if r.case.judgment.total >= GOOD_AT]

    @property
    def poor(self) -> list[CaseResult]:
        return [r for r in self.scored if r.case.judgment.total < POOR_BELOW]

    @property
    def false_negatives(self) -> list[CaseResult]:
        return [r for r in self.good if r.tool_total < PASS_MARK]

    @property
    def false_positives(self) -> list[CaseResult]:
        return [r for r in self.poor if r.tool_total >= PASS_MARK]

    @property
    def red_lines(self) -> list[CaseResult]:
        return [r for r in self.scored if r.case.judgment.fatal]

    @property
    def red_lines_caught(self) -> list[CaseResult]:
        return [r for r in self.red_lines if r.card is not None and r.card.fatal]

    @property
    def false_fatal(self) -> list[CaseResult]:
        return [r for r in self.scored if r.card and r.card.fatal and not r.case.judgment.fatal]

    def share(self, part: list[CaseResult], whole: list[CaseResult]) -> float:
        return len(part) / len(whole) if whole else 0.0

    def worst(self, count: int = 10) -> list[CaseResult]:
        return sorted(self.scored, key=lambda r: -abs(r.difference))[:count]

    @property
    def met(self) -> bool:
        goals = self.goals
        return (
            not self.problems
            and bool(self.scored)
            and self.mean_difference <= goals.mean_difference
            and self.correlation >= goals.correlation
            and self.share(self.false_negatives, self.good) <= goals.false_negatives
            and self.share(self.false_positives, self.poor) <= goals.false_positives
            and len(self.red_lines_caught) == len(self.red_lines)
        )


def pearson(xs: list[float], ys: list[float]) -> float:
    """Pearson's r (0 where either side does not vary)."""
    n = len(xs)
    if n < 2:
        return 0.0
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    if var_x == 0 or var_y == 0:
        return 0.0
    return cov / math.sqrt(var_x * var_y)


def corpus_library(
    roots: list[Path], library: ContentLibrary, folders: Iterable[Path]
) -> ContentLibrary:
    """The configured content (`library`, loaded from `roots`), plus the scenarios a corpus
    brings in its own `scenarios/` folder: written only to be measured on, never offered to
    learners, they let the corpus reach beyond the bundled scenarios."""
    extra = [
        path
        for folder in folders
        if (folder / "scenarios").is_dir()
        for path in sorted((folder / "scenarios").glob("*.yaml"))
    ]
    return load_library(roots, extra) if extra else library


def case_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files under `paths` (folders read recursively, except a `scenarios/` folder:
    the corpus's own scenarios), in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*.y*ml")
                if p.suffix in (".yaml", ".yml") and "scenarios" not in p.relative_to(path).parts
            )
        else:
            found.append(path)
    return found


def load_cases(path: Path) -> tuple[list[tuple[str, CalibrationCase]], list[str]]:
    """The cases of one file with their ids, and a sentence for each that cannot be read."""
    from trainer.content.loader import validate_document

    document = load_yaml(path)
    if isinstance(document, ContentProblem):
        return [], [document.render("en")]
    many = isinstance(document.data, dict) and "cases" in document.data
    model: type[ContentModel] = CalibrationFile if many else CalibrationCase
    loaded, found = validate_document(document, model)
    problems = [problem.render("en") for problem in found]
    if loaded is None and many and isinstance(document.data.get("cases"), list):
        # one broken case is reported with its line; the others are still measured
        items: list[CalibrationCase | None] = []
        for item in document.data["cases"]:
            try:
                items.append(CalibrationCase.model_validate(item))
            except ValidationError:
                items.append(None)
    elif isinstance(loaded, CalibrationFile):
        items = list(loaded.cases)
    else:
        items = [loaded] if isinstance(loaded, CalibrationCase) else []
    cases: list[tuple[str, CalibrationCase]] = []
    for index, case in enumerate(items):
        if case is not None:
            case_id = case.id or (f"{path.stem}#{index + 1}" if many else path.stem)
            cases.append((case_id, case))
    return cases, problems


def play_case(case: CalibrationCase, scenario: Scenario, context: Context) -> CaseResult:
    """Score one case, every turn of it: the customer never hangs up here (the reviewer
    judged all that was said); turns after the call's end are counted, not played."""
    run = RolePlay(scenario, case.lang, context, patient=True)
    result = CaseResult(case, case.id or "", Path(), None)
    for number, turn in enumerate(case.turns, start=1):
        if run.finished:
            result.ignored_turns = len(case.turns) - number + 1
            break
        try:
            run.play(turn)
        except TranscriptError as error:
            result.problem = f"turn {number}: {error.catalog_key} {error.values}"
            return result
    result.card = run.scorecard()
    return result


def calibrate(
    paths: Iterable[Path],
    scenario_of: Callable[[str], Scenario | None],
    context: Context,
    goals: Goals = Goals(),
) -> Report:
    """Score every case under `paths` against its judgment."""
    report = Report(goals=goals)
    seen: set[str] = set()
    for path in case_files(paths):
        cases, problems = load_cases(path)
        report.problems += problems
        for case_id, case in cases:
            if case_id in seen:
                report.problems.append(f"{path}: {case_id}: the id is used twice")
            seen.add(case_id)
            scenario = scenario_of(case.scenario)
            if scenario is None:
                report.problems.append(f"{path}: {case_id}: unknown scenario {case.scenario}")
                continue
            result = play_case(case, scenario, context)
            result.case_id, result.path = case_id, path
            if result.problem:
                report.problems.append(f"{path}: {case_id}: {result.problem}")
            report.results.append(result)
    return report
