"""Playing the golden tests of scenario files, for `trainer validate` and the trainer home.

A golden test is a transcript with what its scorecard must show (`expect`: least and most
total, ending, passed, fatal). A failing one becomes a content problem at the line of the
expectation that did not hold, naming the test and what differed.
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.content.errors import ContentProblem, Loc
from trainer.content.loader import ContentLibrary, Loaded
from trainer.content.models import Scenario
from trainer.services.roleplay.engine import Context, TranscriptError, score_transcript


@dataclass(frozen=True)
class GoldenSummary:
    """How a scenario's golden tests came out."""

    scenario: str
    passed: int
    total: int


def golden_summary(library: ContentLibrary) -> list[GoldenSummary]:
    """Per scenario with golden tests, how many pass (scenarios with other problems are not
    run: their tests count as none passed)."""
    broken = {p.path for p in library.problems if not p.key.startswith("golden_")}
    context = Context(library.lexicon, library.standard)
    summary = []
    for scenario_id, loaded in sorted(library.scenarios.items()):
        tests = loaded.model.tests
        if not tests:
            continue
        if loaded.path in broken:
            summary.append(GoldenSummary(scenario_id, 0, len(tests)))
            continue
        failing = {problem.values.get("test") for problem in _play_tests(loaded, context)}
        summary.append(GoldenSummary(scenario_id, len(tests) - len(failing), len(tests)))
    return summary


def golden_problems(
    library: ContentLibrary, organisation: str | None = None
) -> list[ContentProblem]:
    """Every failed expectation of every golden test of the library's scenarios."""
    context = Context(library.lexicon, library.standard, organisation)
    problems: list[ContentProblem] = []
    for loaded in library.scenarios.values():
        problems.extend(_play_tests(loaded, context))
    return problems


def _play_tests(loaded: Loaded[Scenario], context: Context) -> list[ContentProblem]:
    scenario, document = loaded.model, loaded.document
    problems: list[ContentProblem] = []

    def problem(loc: Loc, key: str, **values: object) -> ContentProblem:
        return ContentProblem(
            document.path, document.line_of(loc), document.describe(loc), key, dict(values)
        )

    for index, test in enumerate(scenario.tests):
        name = test.name or f"#{index + 1}"
        try:
            card = score_transcript(scenario, test.turns, test.lang, context)
        except TranscriptError as error:
            turn = int(error.values.get("turn", 1))
            loc: Loc = ("tests", index, "turns", min(turn, len(test.turns)) - 1)
            problems.append(
                problem(
                    loc, "golden_unfit", test=name, detail_key=error.catalog_key, **error.values
                )
            )
            continue
        expect = test.expect
        at = ("tests", index, "expect")
        if expect.min_total is not None and card.total < expect.min_total:
            problems.append(
                problem(
                    (*at, "min_total"),
                    "golden_total_low",
                    test=name,
                    total=f"{card.total:g}",
                    expected=f"{expect.min_total:g}",
                )
            )
        if expect.max_total is not None and card.total > expect.max_total:
            problems.append(
                problem(
                    (*at, "max_total"),
                    "golden_total_high",
                    test=name,
                    total=f"{card.total:g}",
                    expected=f"{expect.max_total:g}",
                )
            )
        if expect.ending is not None and card.ending != expect.ending:
            problems.append(
                problem(
                    (*at, "ending"),
                    "golden_ending",
                    test=name,
                    ending=card.ending or "-",
                    expected=expect.ending,
                )
            )
        if expect.passed is not None and card.passed != expect.passed:
            problems.append(
                problem(
                    (*at, "passed"),
                    "golden_passed",
                    test=name,
                    passed=str(card.passed).lower(),
                    expected=str(expect.passed).lower(),
                    total=f"{card.total:g}",
                )
            )
        if expect.fatal is not None and card.fatal != expect.fatal:
            rules = ", ".join(v.rule for v in card.violations if v.fatal) or "-"
            problems.append(
                problem(
                    (*at, "fatal"),
                    "golden_fatal",
                    test=name,
                    fatal=str(card.fatal).lower(),
                    expected=str(expect.fatal).lower(),
                    rules=rules,
                )
            )
    return problems
