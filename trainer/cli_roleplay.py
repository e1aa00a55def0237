"""`trainer roleplay score SCENARIO TRANSCRIPT [--json]`: score a written transcript.

SCENARIO is an id of the configured content, or a scenario file; a file still uses the shared
lexicon and service standard of the configured content roots. The transcript is the YAML of
CONTENT.md ("Transcripts"). Problems in either file are printed as `path:line: where: what`;
a turn that does not fit the scenario is named by its line.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from trainer.content.errors import ContentProblem
from trainer.content.loader import ContentLibrary, load_library, validate_document
from trainer.content.models import Scenario, Transcript
from trainer.content.yamlio import load_yaml
from trainer.i18n import Translator
from trainer.services.context import TrainerContext, open_context
from trainer.services.roleplay.describe import scorecard_lines, violation_text
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
    settings: Settings, scenario_arg: str, save_to: Path | None, tr: Translator
) -> int:
    """Play a scenario at the terminal, without signing in and without storing anything.

    Free-text turns are typed; at a choice, its number. `?` shows the turn's hint. The end
    prints the scorecard; `--save` writes the call as a transcript (a golden test's turns).
    """
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
        save_to.write_text(
            yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        print(tr("cli.written", path=save_to))
    return 0
