"""`trainer roleplay score SCENARIO TRANSCRIPT [--json]`: score a written transcript.

SCENARIO is an id of the configured content, or a scenario file; a file still uses the shared
lexicon and service standard of the configured content roots. The transcript is the YAML of
docs/content-format.md ("Transcripts"). Problems in either file are printed as
`path:line: where: what`; a turn that does not fit the scenario is named by its line.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from trainer.content.errors import ContentProblem
from trainer.content.loader import ContentLibrary, load_library, validate_document
from trainer.content.models import Scenario, Transcript
from trainer.content.yamlio import load_yaml
from trainer.i18n import Translator, translate
from trainer.services.context import TrainerContext, open_context
from trainer.services.roleplay.calibration import CaseResult, corpus_library
from trainer.services.roleplay.calibration import Report as CalibrationReport
from trainer.services.roleplay.describe import evidence_text, scorecard_lines, violation_text
from trainer.services.roleplay.engine import Context, RolePlay, TranscriptError, score_transcript
from trainer.settings import Settings


class RolePlayCommandError(Exception):
    """Lines to print on standard error before exiting with status 1."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def resolve_scenario(
    settings: Settings, context: TrainerContext, scenario_arg: str, tr: Translator
) -> tuple[Scenario, ContentLibrary]:
    """A scenario named by id, or read from a file on top of the configured content."""
    scenario_file = Path(scenario_arg)
    if scenario_file.suffix in (".yaml", ".yml") or scenario_file.is_file():
        if not scenario_file.is_file():
            raise RolePlayCommandError([tr("cli.no_such_path", path=scenario_file)])
        library = load_library(settings.all_content_roots(), [scenario_file])
        mine = [p for p in library.problems if p.path.resolve() == scenario_file.resolve()]
        if mine:
            raise RolePlayCommandError([problem.render(tr.lang) for problem in mine])
        loaded = next(
            (item for item in library.scenarios.values() if item.path == scenario_file), None
        )
        if loaded is None:
            raise RolePlayCommandError([tr("roleplay.not_a_scenario", path=scenario_file)])
        return loaded.model, library
    library = context.library
    found = library.scenario(scenario_arg)
    if found is None:
        raise RolePlayCommandError([tr("roleplay.unknown_scenario", scenario=scenario_arg)])
    return found, library


def _run_context(context: TrainerContext, library: ContentLibrary) -> Context:
    organisation = context.store.organisation()
    return Context(library.lexicon, library.standard, organisation.name if organisation else None)


def roleplay_score_command(
    settings: Settings, scenario_arg: str, transcript_path: Path, as_json: bool, tr: Translator
) -> int:
    lang = settings.language
    context = open_context(settings)
    scenario, library = resolve_scenario(settings, context, scenario_arg, tr)

    if not transcript_path.is_file():
        raise RolePlayCommandError([tr("cli.no_such_path", path=transcript_path)])
    document = load_yaml(transcript_path)
    if isinstance(document, ContentProblem):  # the YAML itself is broken
        raise RolePlayCommandError([document.render(lang)])
    transcript, problems = validate_document(document, Transcript)
    if transcript is None:
        raise RolePlayCommandError([problem.render(lang) for problem in problems])
    if transcript.scenario != scenario.id:
        line = document.line_of(("scenario",))
        message = tr(
            "roleplay.other_scenario", transcript=transcript.scenario, scenario=scenario.id
        )
        raise RolePlayCommandError([f"{transcript_path}:{line}: scenario: {message}"])

    try:
        card = score_transcript(
            scenario, transcript, transcript.lang, _run_context(context, library)
        )
    except TranscriptError as error:
        turn = int(error.values.get("turn", 1))
        loc = ("turns", min(turn, max(len(transcript.turns), 1)) - 1)
        where = f"{transcript_path}:{document.line_of(loc)}"
        raise RolePlayCommandError([f"{where}: {tr(error.catalog_key, **error.values)}"]) from None

    if as_json:
        print(json.dumps(card.as_json(lang), ensure_ascii=False, indent=2))
    else:
        title = f"{scenario.title.get(lang)} — {scenario.persona.name.get(lang)}"
        print("\n".join(scorecard_lines(card, lang, title)))
    return 0


def roleplay_play_command(
    settings: Settings, scenario_arg: str, save_to: Path | None, force: bool, tr: Translator
) -> int:
    """Play a scenario at the terminal, without signing in and without storing anything.

    Free-text turns are typed; at a choice, its number. `?` shows the turn's hint. The end
    prints the scorecard; `--save` writes the call as a transcript (a golden test's turns).
    """
    from trainer.cli_output import check_output, write_output

    if save_to is not None:
        check_output(save_to, force, tr)  # now, not after the whole call has been played
    lang = settings.language
    context = open_context(settings)
    scenario, library = resolve_scenario(settings, context, scenario_arg, tr)
    run = RolePlay(scenario, lang, _run_context(context, library))
    persona = scenario.persona.name.get(lang)
    print(f"{scenario.title.get(lang)} — {persona}")
    print(scenario.brief.get(lang).strip())
    print(tr("roleplay.play_how"))
    turns: list[dict[str, object]] = []
    while run.node is not None:
        node = run.node
        print(f"\n{persona}: {run.customer_line}")
        if node.input == "choice":
            for number, option in enumerate(node.options, start=1):
                print(f"  {number}. {option.text.get(lang)}")
        try:
            answer = input(tr("roleplay.play_prompt")).strip()
        except EOFError:
            print(tr("roleplay.play_abandoned"))
            break
        if answer == "?":
            print(node.hint.get(lang) if node.hint else tr("roleplay.no_hint_here"))
            continue
        if not answer:
            continue
        try:
            if node.input == "choice":
                if not answer.isdigit():
                    print(tr("roleplay.play_number", count=len(node.options)))
                    continue
                record = run.pick(int(answer))
                turns.append({"pick": int(answer)})
            else:
                record = run.say(answer)
                turns.append({"say": answer})
        except TranscriptError as error:
            print(tr(error.catalog_key, **error.values))
            continue
        for violation in record.violations:
            print(f"  ⚠ {violation_text(violation, lang)}")
    card = run.scorecard()
    print()
    print("\n".join(scorecard_lines(card, lang)))
    if save_to is not None:
        document = {"scenario": scenario.id, "lang": lang, "turns": turns}
        text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
        write_output(save_to, text.encode("utf-8"))
        print(tr("cli.written", path=save_to))
    return 0


def roleplay_calibrate_command(
    settings: Settings, paths: list[Path], as_json: bool, tr: Translator
) -> int:
    """Score reviewer-judged transcripts and print how well the scorer agrees (exit 1 when the
    figures miss the goals). Without PATH: the corpus bundled with trainer."""
    from trainer.locations import bundled_calibration_dir
    from trainer.services.roleplay.calibration import calibrate

    missing = [path for path in paths if not path.exists()]
    if missing:
        raise RolePlayCommandError([tr("cli.no_such_path", path=path) for path in missing])
    context = open_context(settings)
    folders = paths or [bundled_calibration_dir()]
    library = corpus_library(settings.all_content_roots(), context.library, folders)
    if library.problems:
        raise RolePlayCommandError([problem.render(tr.lang) for problem in library.problems])
    report = calibrate(folders, library.scenario, _run_context(context, library))
    if as_json:
        print(json.dumps(calibration_json(report, tr.lang), ensure_ascii=False, indent=2))
    else:
        print("\n".join(calibration_lines(report, tr)))
    return 0 if report.met else 1


def calibration_json(report: CalibrationReport, lang: str) -> dict[str, object]:
    def case(result: CaseResult) -> dict[str, object]:
        card = result.card
        return {
            "id": result.case_id,
            "file": str(result.path),
            "scenario": result.case.scenario,
            "lang": result.case.lang,
            "family": result.case.family,
            "reviewer": result.case.judgment.total,
            "tool": result.tool_total,
            "difference": round(result.difference, 1),
            "reviewer_fatal": result.case.judgment.fatal,
            "tool_fatal": bool(card and card.fatal),
            "steps": {step: score.score for step, score in card.steps.items()} if card else {},
            "reviewer_steps": result.case.judgment.steps,
            "evidence": evidence_lines(result, lang),
        }

    return {
        "cases": len(report.scored),
        "mean_difference": round(report.mean_difference, 2),
        "correlation": round(report.correlation, 3),
        "false_negatives": [r.case_id for r in report.false_negatives],
        "good_cases": len(report.good),
        "false_positives": [r.case_id for r in report.false_positives],
        "poor_cases": len(report.poor),
        "red_lines": len(report.red_lines),
        "red_lines_caught": len(report.red_lines_caught),
        "red_lines_missed": [
            r.case_id for r in report.red_lines if r not in report.red_lines_caught
        ],
        "false_fatal": [r.case_id for r in report.false_fatal],
        "goals_met": report.met,
        "problems": report.problems,
        "results": [case(result) for result in report.results],
    }


def evidence_lines(result: CaseResult, lang: str) -> list[str]:
    """What the tool heard in a case, as the scorecard says it: each step with the acts and
    words behind its points, the rules broken, the turns that earned nothing and why."""
    card = result.card
    if card is None:
        return [result.problem or ""]
    lines = []
    for step, score in card.weighed_steps():
        heard = "; ".join(evidence_text(item, lang, with_note=False) for item in score.evidence)
        name = translate(lang, f"roleplay.step_{step}")
        lines.append(f"{name} {score.score:g}/{score.max:g}: {heard or '-'}")
    lines += [violation_text(violation, lang) for violation in card.violations]
    for turn in card.turns:
        if turn.guard is not None:
            values = {**turn.guard.values, "turn": turn.number}
            lines.append(turn.guard.model_copy(update={"values": values}).render(lang))
    if result.ignored_turns:
        lines.append(translate(lang, "roleplay.calibrate_ignored", turns=result.ignored_turns))
    return lines


def calibration_lines(report: CalibrationReport, tr: Translator) -> list[str]:
    goals = report.goals
    good, poor = report.good, report.poor
    lines = [*report.problems]
    lines.append(tr("roleplay.calibrate_cases", count=len(report.scored)))
    lines.append(
        tr(
            "roleplay.calibrate_difference",
            value=f"{report.mean_difference:.1f}",
            goal=f"{goals.mean_difference:g}",
        )
    )
    lines.append(
        tr(
            "roleplay.calibrate_correlation",
            value=f"{report.correlation:.3f}",
            goal=f"{goals.correlation:g}",
        )
    )
    for key, part, whole, goal in (
        ("false_negatives", report.false_negatives, good, goals.false_negatives),
        ("false_positives", report.false_positives, poor, goals.false_positives),
    ):
        share = f"{100 * report.share(part, whole):.1f}"
        values = {"count": len(part), "of": len(whole), "share": share, "goal": f"{100 * goal:g}"}
        lines.append(tr(f"roleplay.calibrate_{key}", **values))
    lines.append(
        tr(
            "roleplay.calibrate_red_lines",
            caught=len(report.red_lines_caught),
            of=len(report.red_lines),
            wrong=len(report.false_fatal),
        )
    )
    lines.append("")
    lines.append(tr("roleplay.calibrate_worst"))
    for result in report.worst():
        lines.append(
            f"  {result.difference:+6.1f}  {result.case_id}  "
            + tr(
                "roleplay.calibrate_case",
                reviewer=f"{result.case.judgment.total:g}",
                tool=f"{result.tool_total:g}",
                path=result.path,
            )
        )
        lines.append(f"          {result.case.judgment.why}")
        lines += [f"          · {line}" for line in evidence_lines(result, tr.lang)]
    lines.append("")
    lines.append(tr("roleplay.calibrate_met" if report.met else "roleplay.calibrate_missed"))
    return lines
