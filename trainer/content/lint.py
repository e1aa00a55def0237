"""Checks across items and files: references, unique ids, lesson files, scenario graphs.

Each check yields a problem at the line of the value it is about. These run after every file
has loaded, so a reference to an item of another root resolves like any other.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from trainer.content.conditions import parse_condition, unknown_names
from trainer.content.errors import ContentProblem, Loc
from trainer.content.loader import ContentLibrary, Loaded
from trainer.content.models import (
    LEXICON_REFERENCE,
    STEPS,
    Call,
    CallForm,
    LocalizedText,
    PhraseList,
    QualityReviewCase,
    QuestionBank,
    Scenario,
    Track,
)
from trainer.content.yamlio import YamlDocument


def _problem(document: YamlDocument, loc: Loc, key: str, **values: object) -> ContentProblem:
    return ContentProblem(
        document.path, document.line_of(loc), document.describe(loc), key, dict(values)
    )


def lint_library(library: ContentLibrary) -> list[ContentProblem]:
    problems: list[ContentProblem] = []
    for document in library.lexicon_documents:
        problems.extend(_lint_lexicon(document))
    if library.standard_document is not None:
        for loc, pattern in library.standard.patterns():
            problems.extend(
                _check_pattern(library.standard_document, loc, pattern, set(library.lexicon))
            )
    for bank in library.banks.values():
        problems.extend(_lint_bank(bank))
    for case in library.quality_reviews.values():
        problems.extend(_lint_quality_review(case))
    for track in library.tracks.values():
        problems.extend(_lint_track(track, library))
    standard_rules = {rule.id for rule in library.standard.rules} | {"breach"}
    for scenario in library.scenarios.values():
        problems.extend(_lint_scenario(scenario, library.lexicon, standard_rules))
    if library.form_document is not None and library.form is not None:
        problems.extend(_lint_form(library.form, library.form_document))
    for call in library.calls.values():
        problems.extend(_lint_call(call, library))
    return problems


def _duplicates(ids: list[str]) -> set[str]:
    return {item for item, count in Counter(ids).items() if count > 1}


# ---------------------------------------------------------------- the call library


def _lint_form(form: CallForm, document: YamlDocument) -> Iterator[ContentProblem]:
    seen: set[str] = set()
    for index, item in enumerate(form.items):
        if item.id in seen:
            yield _problem(document, ("items", index, "id"), "duplicate_id", id=item.id)
        seen.add(item.id)


def _lint_call(loaded: Loaded[Call], library: ContentLibrary) -> Iterator[ContentProblem]:
    """A call's reference scores every item of the form within its maximum, and its moments
    point at turns of the call and items of the form."""
    call, document = loaded.model, loaded.document
    if call.scenario is not None and call.scenario not in library.scenarios:
        yield _problem(document, ("scenario",), "unknown_scenario", scenario=call.scenario)
    form = library.form
    if form is None:
        yield _problem(document, ("reference",), "no_call_form")
        return
    items = {item.id: item for item in form.items}
    for item_id, score in call.reference.scores.items():
        item = items.get(item_id)
        loc: Loc = ("reference", "scores", item_id)
        if item is None:
            yield _problem(document, loc, "unknown_form_item", item=item_id, known=", ".join(items))
        elif score.points > item.max:
            yield _problem(
                document,
                (*loc, "points"),
                "points_above_max",
                points=f"{score.points:g}",
                item=item_id,
                max=f"{item.max:g}",
            )
    unscored = [item_id for item_id in items if item_id not in call.reference.scores]
    if unscored:
        yield _problem(
            document, ("reference", "scores"), "items_unscored", items=", ".join(unscored)
        )
    for index, moment in enumerate(call.reference.moments):
        loc = ("reference", "moments", index)
        if moment.turn > len(call.turns):
            yield _problem(
                document, (*loc, "turn"), "moment_turn", turn=moment.turn, turns=len(call.turns)
            )
        if moment.item not in items:
            yield _problem(
                document,
                (*loc, "item"),
                "unknown_form_item",
                item=moment.item,
                known=", ".join(items),
            )


# ---------------------------------------------------------------- banks


def _lint_bank(loaded: Loaded[QuestionBank]) -> Iterator[ContentProblem]:
    bank, document = loaded.model, loaded.document
    repeated = _duplicates([question.id for question in bank.questions])
    known = {question.id for question in bank.questions}
    seen: set[str] = set()
    for index, question in enumerate(bank.questions):
        if question.id in repeated and question.id in seen:
            yield _problem(document, ("questions", index, "id"), "duplicate_id", id=question.id)
        seen.add(question.id)
        yield from _lint_excludes(document, index, question.id, question.excludes, known)
        if question.category not in bank.categories:
            yield _problem(
                document,
                ("questions", index, "category"),
                "unknown_category",
                category=question.category,
                known=", ".join(bank.categories),
            )


def _lint_excludes(
    document: YamlDocument, index: int, question_id: str, excludes: list[str], known: set[str]
) -> Iterator[ContentProblem]:
    for k, other in enumerate(excludes):
        if other == question_id or other not in known:
            yield _problem(
                document, ("questions", index, "excludes", k), "unknown_question", question=other
            )


def _lint_quality_review(loaded: Loaded[QualityReviewCase]) -> Iterator[ContentProblem]:
    case, document = loaded.model, loaded.document
    repeated = _duplicates([cause.id for cause in case.pareto.causes])
    seen: set[str] = set()
    for index, cause in enumerate(case.pareto.causes):
        if cause.id in repeated and cause.id in seen:
            yield _problem(document, ("pareto", "causes", index, "id"), "duplicate_id", id=cause.id)
        seen.add(cause.id)


# ---------------------------------------------------------------- tracks


def _lint_track(loaded: Loaded[Track], library: ContentLibrary) -> Iterator[ContentProblem]:
    track, document = loaded.model, loaded.document
    yield from _lint_track_ids(loaded)
    folder = loaded.path.parent
    for m, module in enumerate(track.modules):
        for n, lesson in enumerate(module.lessons):
            yield from _lint_lesson_body(
                document, ("modules", m, "lessons", n, "body"), lesson.body, folder
            )
    if track.exam is not None:
        asked: Counter[tuple[str, str]] = Counter()
        for k, rule in enumerate(track.exam.draw):
            loc: Loc = ("exam", "draw", k)
            bank = library.bank(rule.bank)
            if bank is None:
                yield _problem(document, (*loc, "bank"), "unknown_bank", bank=rule.bank)
                continue
            if rule.category not in bank.categories:
                yield _problem(
                    document,
                    (*loc, "category"),
                    "unknown_category",
                    category=rule.category,
                    known=", ".join(bank.categories),
                )
                continue
            asked[(rule.bank, rule.category)] += rule.count
            # questions that exclude each other count once: a paper holds one of them
            groups = bank.exclusion_groups()
            available = len({groups[q.id] for q in bank.in_category(rule.category)})
            if asked[(rule.bank, rule.category)] > available:
                yield _problem(
                    document,
                    (*loc, "count"),
                    "draw_too_many",
                    count=asked[(rule.bank, rule.category)],
                    available=available,
                    bank=rule.bank,
                    category=rule.category,
                )
    for k, case_id in enumerate(track.practice.quality_reviews):
        if case_id not in library.quality_reviews:
            yield _problem(
                document, ("practice", "quality_reviews", k), "unknown_quality_review", case=case_id
            )
    for field in ("scenarios", "optional"):
        for k, scenario_id in enumerate(getattr(track.practice, field)):
            if scenario_id not in library.scenarios:
                yield _problem(
                    document, ("practice", field, k), "unknown_scenario", scenario=scenario_id
                )
    for k, call_id in enumerate(track.practice.calibration):
        if call_id not in library.calls:
            yield _problem(document, ("practice", "calibration", k), "unknown_call", call=call_id)
    for k, scenario_id in enumerate(track.script_drill):
        if scenario_id not in library.scenarios:
            yield _problem(document, ("script_drill", k), "unknown_scenario", scenario=scenario_id)
    for k, required in enumerate(track.requires):
        if required == track.id or required not in library.tracks:
            yield _problem(document, ("requires", k), "unknown_track", track=required)


def _lint_track_ids(loaded: Loaded[Track]) -> Iterator[ContentProblem]:
    track, document = loaded.model, loaded.document
    seen_modules: set[str] = set()
    seen_lessons: set[str] = set()
    for m, module in enumerate(track.modules):
        if module.id in seen_modules:
            yield _problem(document, ("modules", m, "id"), "duplicate_id", id=module.id)
        seen_modules.add(module.id)
        for n, lesson in enumerate(module.lessons):
            if lesson.id in seen_lessons:
                yield _problem(
                    document, ("modules", m, "lessons", n, "id"), "duplicate_id", id=lesson.id
                )
            seen_lessons.add(lesson.id)


def lesson_file(body: str, folder: Path) -> Path | None:
    """The Markdown file a lesson body names, or None when the body is the text itself."""
    text = body.strip()
    if "\n" in text or not text.lower().endswith(".md"):
        return None
    return folder / text


def _lint_lesson_body(
    document: YamlDocument, loc: Loc, body: LocalizedText, folder: Path
) -> Iterator[ContentProblem]:
    for lang in ("zh", "en"):
        value = body.zh if lang == "zh" else body.en
        if not value:
            continue
        path = lesson_file(value, folder)
        if path is not None and not path.is_file():
            at = (*loc, lang) if isinstance(document.value_at(loc), dict) else loc
            yield _problem(document, at, "lesson_file_missing", file=value)


# ---------------------------------------------------------------- patterns


def _check_pattern(
    document: YamlDocument, loc: Loc, pattern: str, lexicon_names: set[str]
) -> Iterator[ContentProblem]:
    reference = LEXICON_REFERENCE.match(pattern.strip())
    if reference:
        if reference.group(1) not in lexicon_names:
            yield _problem(document, loc, "unknown_lexicon", name=reference.group(1))
        return
    try:
        re.compile(pattern)
    except re.error as error:
        yield _problem(document, loc, "bad_regex", pattern=pattern, detail=str(error))


def _lint_lexicon(document: YamlDocument) -> Iterator[ContentProblem]:
    data = document.data if isinstance(document.data, dict) else {}
    for name, lists in data.items():
        for lang, patterns in (lists or {}).items():
            for index, pattern in enumerate(patterns or []):
                yield from _check_pattern(document, (name, lang, index), str(pattern), set())


# ---------------------------------------------------------------- scenarios


def _lint_scenario(
    loaded: Loaded[Scenario], shared: dict[str, PhraseList], rule_ids: set[str]
) -> Iterator[ContentProblem]:
    scenario, document = loaded.model, loaded.document
    lexicon_names = set(shared) | set(scenario.lexicon)

    node_ids = [node.id for node in scenario.nodes]
    ending_ids = [ending.id for ending in scenario.endings]
    targets = set(node_ids) | set(ending_ids)
    seen: set[str] = set()
    for index, node_id in enumerate(node_ids):
        if node_id in seen:
            yield _problem(document, ("nodes", index, "id"), "duplicate_id", id=node_id)
        seen.add(node_id)
    for index, ending_id in enumerate(ending_ids):
        if ending_id in seen:
            yield _problem(document, ("endings", index, "id"), "duplicate_id", id=ending_id)
        seen.add(ending_id)
    if scenario.start is not None and scenario.start not in node_ids:
        yield _problem(document, ("start",), "unknown_goto", target=scenario.start)

    yield from _lint_scenario_graph(loaded, targets)
    yield from _lint_scenario_patterns(loaded, lexicon_names)
    yield from _lint_step_reach(loaded)
    yield from _lint_record_and_options(loaded, rule_ids)

    for t, test in enumerate(scenario.tests):
        if test.expect.ending is not None and test.expect.ending not in ending_ids:
            yield _problem(
                document,
                ("tests", t, "expect", "ending"),
                "unknown_ending",
                ending=test.expect.ending,
            )


def _lint_record_and_options(
    loaded: Loaded[Scenario], standard_rules: set[str]
) -> Iterator[ContentProblem]:
    """The record panel shows only the scenario's secrets; options break only known rules."""
    scenario, document = loaded.model, loaded.document
    for index, item in enumerate(scenario.record):
        if item.secret is not None and item.secret not in scenario.secrets:
            at: Loc = ("record", index, "secret")
            yield _problem(document, at, "record_unknown_secret", secret=item.secret)
    known = standard_rules | {rule.id for rule in scenario.rules}
    for n, node in enumerate(scenario.nodes):
        for k, option in enumerate(node.options):
            if option.breaks is not None and option.breaks not in known:
                at = ("nodes", n, "options", k, "breaks")
                yield _problem(document, at, "option_unknown_rule", rule=option.breaks)


def _lint_scenario_graph(loaded: Loaded[Scenario], targets: set[str]) -> Iterator[ContentProblem]:
    scenario, document = loaded.model, loaded.document
    edges: dict[str, list[str]] = {}
    for n, node in enumerate(scenario.nodes):
        edges[node.id] = []
        for k, option in enumerate(node.options):
            if option.goto not in targets:
                yield _problem(
                    document, ("nodes", n, "options", k, "goto"), "unknown_goto", target=option.goto
                )
            edges[node.id].append(option.goto)
        for k, branch in enumerate(node.next):
            if branch.goto not in targets:
                yield _problem(
                    document, ("nodes", n, "next", k, "goto"), "unknown_goto", target=branch.goto
                )
            edges[node.id].append(branch.goto)
            if branch.if_ is not None:
                names = unknown_names(parse_condition(branch.if_), set(scenario.facts))
                for name in names:
                    yield _problem(
                        document, ("nodes", n, "next", k, "if"), "condition_unknown_name", name=name
                    )
        if node.input == "free_text":
            if not node.next:
                yield _problem(document, ("nodes", n), "no_way_out", node=node.id)
            elif node.next[-1].if_ is not None:
                yield _problem(
                    document, ("nodes", n, "next", len(node.next) - 1), "last_branch_conditional"
                )

    reached: set[str] = set()
    pending = [scenario.start_node]
    while pending:
        current = pending.pop()
        if current in reached:
            continue
        reached.add(current)
        pending.extend(edges.get(current, []))
    for n, node in enumerate(scenario.nodes):
        if node.id not in reached:
            yield _problem(document, ("nodes", n, "id"), "node_unreachable", node=node.id)
    for e, ending in enumerate(scenario.endings):
        # the engine itself ends a call at `hangup` once mood falls to `hangup_at`
        if ending.id not in reached and not (ending.id == "hangup" and scenario.mood.hangup_at > 0):
            yield _problem(document, ("endings", e, "id"), "ending_unreachable", ending=ending.id)


def _lint_scenario_patterns(
    loaded: Loaded[Scenario], lexicon_names: set[str]
) -> Iterator[ContentProblem]:
    scenario, document = loaded.model, loaded.document
    for name, phrases in scenario.lexicon.items():
        for lang in ("zh", "en"):
            for index, pattern in enumerate(phrases.patterns(lang)):
                yield from _check_pattern(document, ("lexicon", name, lang, index), pattern, set())
    for n, node in enumerate(scenario.nodes):
        for r, line in enumerate(node.rubric):
            for field_name, patterns in (
                ("any", line.any),
                ("all", line.all),
                ("except", line.except_),
            ):
                for index, pattern in enumerate(patterns):
                    loc: Loc = ("nodes", n, "rubric", r, field_name, index)
                    yield from _check_pattern(document, loc, pattern, lexicon_names)
    for r, rule in enumerate(scenario.rules):
        for field_name, patterns in (("forbid", rule.forbid), ("except", rule.except_)):
            for index, pattern in enumerate(patterns):
                yield from _check_pattern(
                    document, ("rules", r, field_name, index), pattern, lexicon_names
                )


def reachable_step_points(scenario: Scenario) -> dict[str, float]:
    """The most points each step could earn over a run that visits every node once."""
    weights = scenario.scoring.steps
    reach: dict[str, float] = dict.fromkeys(STEPS, 0.0)
    for node in scenario.nodes:
        for step in STEPS:
            cap = weights.get(step, 0)
            if node.input == "choice":
                best = max((option.score.get(step, 0) for option in node.options), default=0)
            else:
                best = sum(
                    line.points for line in node.rubric if line.step == step and line.points > 0
                )
            reach[step] += min(max(best, 0), cap)
    if scenario.facts:
        reach["listen"] += scenario.scoring.facts_points()
    return reach


def _lint_step_reach(loaded: Loaded[Scenario]) -> Iterator[ContentProblem]:
    scenario, document = loaded.model, loaded.document
    reach = reachable_step_points(scenario)
    for step, weight in scenario.scoring.steps.items():
        if weight > 0 and reach[step] + 1e-9 < weight:
            yield _problem(
                document,
                ("scoring", "steps", step),
                "step_unreachable",
                step=step,
                reach=f"{reach[step]:g}",
                weight=f"{weight:g}",
            )
