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
from trainer.services.roleplay.engine import Context, RolePlay, TranscriptError, score_transcript


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


UNIVERSAL_REPLY = {
    "zh": "您好，星河电商客服，工号1024。非常抱歉给您添麻烦了，我理解您的心情。跟您确认一下您说的"
    "情况。我马上为您处理，今天17点前给您回电。感谢您的来电，再见！",
    "en": "Hello, Galaxy Mart customer service, agent ID 1024. I'm very sorry for the trouble, I "
    "understand how you feel. Let me confirm what you said. I'll handle it right away and call "
    "you back by 5 pm today. Thank you for calling, goodbye!",
}
"""One reply with every step in it, typed at every turn: a counted role-play must fail it."""


def universal_run(scenario: Scenario, lang: str, context: Context) -> RolePlay:
    """The universal reply at every free-text turn, the best option at every choice."""
    run = RolePlay(scenario, lang, context)
    while run.node is not None:
        node = run.node
        if node.input == "choice":
            best = max(node.options, key=lambda o: (sum(o.score.values()), o.mood))
            run.pick(node.options.index(best) + 1)
        else:
            run.say(UNIVERSAL_REPLY[lang])
    return run


def scenario_warnings(library: ContentLibrary) -> list[ContentProblem]:
    """Advice on scenarios that load and pass their tests but would mislead a learner: an
    option no golden test picks, a counted scenario the universal reply passes, a customer
    line that speaks of a promised time the agent may not have given."""
    context = Context(library.lexicon, library.standard)
    counted = {s for loaded in library.tracks.values() for s in loaded.model.practice.scenarios}
    warnings: list[ContentProblem] = []
    for scenario_id, loaded in library.scenarios.items():
        scenario, document = loaded.model, loaded.document
        found: list[tuple[Loc, str, dict[str, object]]] = []
        picked = _picked_options(scenario, context)
        for n, node in enumerate(scenario.nodes):
            for k, _ in enumerate(node.options):
                if (node.id, k + 1) not in picked:
                    found.append(
                        (("nodes", n, "options", k), "warn_option_untested", {"number": k + 1})
                    )
            line = (node.customer.zh or "") + (node.customer.en or "") if node.customer else ""
            if "{callback_time}" in line and not _reached_only_after_a_time(scenario, node.id):
                found.append((("nodes", n, "customer"), "warn_slot_unpromised", {}))
        if scenario_id in counted:
            for lang in ("zh", "en"):
                card = universal_run(scenario, lang, context).scorecard()
                if card.passed:
                    passes: dict[str, object] = {"lang": lang, "total": f"{card.total:g}"}
                    found.append((("id",), "warn_universal_passes", passes))
        for loc, key, values in found:
            at = document.line_of(loc)
            warnings.append(ContentProblem(document.path, at, document.describe(loc), key, values))
    return warnings


def _picked_options(scenario: Scenario, context: Context) -> set[tuple[str, int]]:
    """(node, option number) of every pick some golden test makes."""
    picked: set[tuple[str, int]] = set()
    for test in scenario.tests:
        run = RolePlay(scenario, test.lang, context)
        for turn in test.turns:
            node = run.node
            if node is None:
                break
            if turn.pick is not None:
                picked.add((node.id, turn.pick))
            try:
                run.play(turn)
            except TranscriptError:
                break
    return picked


def _reached_only_after_a_time(scenario: Scenario, node_id: str) -> bool:
    """Whether every way into the node requires a definite callback time first."""
    ways = [
        branch.if_ or ""
        for node in scenario.nodes
        for branch in node.next
        if branch.goto == node_id
    ]
    ways += ["" for node in scenario.nodes for option in node.options if option.goto == node_id]
    if scenario.start_node == node_id:
        ways.append("")
    return bool(ways) and all("timed_callback" in way for way in ways)
