"""`trainer roleplay score SCENARIO TRANSCRIPT [--json]`: score a written transcript.

SCENARIO is an id of the configured content, or a scenario file; a file still uses the shared
lexicon and service standard of the configured content roots. The transcript is the YAML of
CONTENT.md ("Transcripts"). Problems in either file are printed as `path:line: where: what`;
a turn that does not fit the scenario is named by its line.
"""

from __future__ import annotations

import json
from pathlib import Path

from trainer.content.errors import ContentProblem
from trainer.content.loader import load_library, validate_document
from trainer.content.models import Scenario, Transcript
from trainer.content.yamlio import load_yaml
from trainer.i18n import Translator
from trainer.services.context import open_context
from trainer.services.roleplay.describe import scorecard_lines
from trainer.services.roleplay.engine import Context, TranscriptError, score_transcript
from trainer.settings import Settings


class RolePlayCommandError(Exception):
    """Lines to print on standard error before exiting with status 1."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def roleplay_score_command(
    settings: Settings, scenario_arg: str, transcript_path: Path, as_json: bool, tr: Translator
) -> int:
    lang = settings.language
    context = open_context(settings)
    scenario_file = Path(scenario_arg)
    if scenario_file.suffix in (".yaml", ".yml") or scenario_file.is_file():
        if not scenario_file.is_file():
            raise RolePlayCommandError([tr("cli.no_such_path", path=scenario_file)])
        library = load_library(settings.all_content_roots(), [scenario_file])
        mine = [p for p in library.problems if p.path.resolve() == scenario_file.resolve()]
        if mine:
            raise RolePlayCommandError([problem.render(lang) for problem in mine])
        loaded = next(
            (item for item in library.scenarios.values() if item.path == scenario_file), None
        )
        if loaded is None:
            raise RolePlayCommandError([tr("roleplay.not_a_scenario", path=scenario_file)])
        scenario: Scenario = loaded.model
    else:
        library = context.library
        found = library.scenario(scenario_arg)
        if found is None:
            raise RolePlayCommandError([tr("roleplay.unknown_scenario", scenario=scenario_arg)])
        scenario = found

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

    organisation = context.store.organisation()
    run_context = Context(
        library.lexicon, library.standard, organisation.name if organisation else None
    )
    try:
        card = score_transcript(scenario, transcript, transcript.lang, run_context)
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
