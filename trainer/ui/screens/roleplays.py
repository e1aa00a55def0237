"""A track's role-plays: pick a scenario, read its brief, start practice or the exam run, and
open any past run's scorecard."""

from __future__ import annotations

import re
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from trainer.content.models import STEPS, Scenario
from trainer.services.roleplay.service import Mode, RolePlayError
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.timefmt import local_time


def flowing(text: str, lang: str) -> str:
    """Text written as a YAML block, with its line breaks inside paragraphs taken out."""
    joiner = "" if lang == "zh" else " "
    return re.sub(r"(?<!\n)\n(?!\n)", joiner, text.strip())


class RolePlaysScreen(TrainerScreen):
    CSS_PATH = "roleplay.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("p", "start('practice')", "keys.practice_run"),
        Binding("x", "start('exam')", "keys.exam_run"),
    ]

    def __init__(self, track_id: str) -> None:
        super().__init__()
        self.track_id = track_id
        self.scenario_id: str | None = None

    @property
    def scenarios(self) -> list[Scenario]:
        track = self.context.library.track(self.track_id)
        assert track is not None
        return self.context.roleplays.scenarios_of(track)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="roleplays"):
            yield Static(self.t("roleplay.list_title"), classes="card-title")
            with Horizontal(id="roleplay-columns"):
                yield OptionList(id="scenarios")
                yield Static("", id="brief")
            yield Static(self.t("roleplay.runs_title"), classes="section-title")
            yield OptionList(id="runs")
        yield Footer(compact=True)

    def fill(self) -> None:
        lang = self.trainer_app.tr.lang
        listing = self.query_one("#scenarios", OptionList)
        listing.clear_options()
        track = self.context.library.track(self.track_id)
        assert track is not None
        for scenario in self.scenarios:
            difficulty = self.t(f"roleplay.difficulty_{scenario.difficulty}")
            # which runs count: the script drill's and the practical assessment's
            if scenario.id in track.script_drill:
                tag = f"  [b]{self.t('roleplay.tag_drill')}[/b]"
            elif scenario.id in track.practice.scenarios:
                tag = f"  [b]{self.t('roleplay.tag_assessed')}[/b]"
            else:
                tag = ""
            listing.add_option(
                Option(f"{scenario.title.get(lang)}  [dim]{difficulty}[/dim]{tag}", id=scenario.id)
            )
        if self.scenarios:
            ids = [scenario.id for scenario in self.scenarios]
            index = ids.index(self.scenario_id) if self.scenario_id in ids else 0
            listing.highlighted = index
            self.show(ids[index])
        else:
            self.query_one("#brief", Static).update(self.t("roleplay.none"))
        listing.focus()

    def on_screen_resume(self) -> None:
        if self.scenario_id is not None and self.query("#brief"):
            self.show(self.scenario_id)

    @on(OptionList.OptionHighlighted, "#scenarios")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.show(event.option.id)

    @on(OptionList.OptionSelected, "#scenarios")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.action_start("practice")

    def show(self, scenario_id: str) -> None:
        """The brief of a scenario and the signed-in learner's runs of it."""
        self.scenario_id = scenario_id
        lang = self.trainer_app.tr.lang
        scenario = self.context.roleplays.scenario(scenario_id)
        person = self.trainer_app.signed_in_person
        persona = scenario.persona
        profile = f" — {persona.profile.get(lang)}" if persona.profile else ""
        weights = " · ".join(
            f"{self.t(f'roleplay.step_{step}')} {scenario.scoring.steps.get(step, 0):g}"
            for step in STEPS
            if scenario.scoring.steps.get(step, 0) > 0
        )
        timer = (
            self.t("roleplay.timer_line", seconds=scenario.reply_seconds)
            if scenario.reply_seconds
            else self.t("roleplay.no_timer")
        )
        lines = [
            f"[b]{self.t('roleplay.caller')}[/b] {persona.name.get(lang)}{profile}",
            f"[b]{self.t('roleplay.difficulty')}[/b] "
            f"{self.t(f'roleplay.difficulty_{scenario.difficulty}')} · {timer}",
            "",
            flowing(scenario.brief.get(lang), lang),
            "",
            f"[b]{self.t('roleplay.scored_on')}[/b] {weights}",
            self.t("roleplay.pass_line", pass_mark=f"{scenario.scoring.pass_mark:g}"),
            "",
            self.t("roleplay.start_keys"),
        ]
        best = self.context.roleplays.best_exam_score(person, person.id, scenario_id)
        if best is not None:
            lines.insert(-1, self.t("roleplay.best_exam", score=f"{best:g}"))
        self.query_one("#brief", Static).update("\n".join(lines))

        runs = self.query_one("#runs", OptionList)
        runs.clear_options()
        for run in reversed(self.context.roleplays.runs(person, person.id, scenario_id)):
            mode = self.t(f"roleplay.mode_{run.mode}")
            if run.finished_at is None:
                result = self.t(f"roleplay.unfinished_{run.mode}")
            else:
                verdict = self.t("roleplay.passed" if run.passed else "roleplay.not_passed")
                result = f"{run.total:g} · {verdict}"
            runs.add_option(Option(f"{local_time(run.started_at)}  {mode}  {result}", id=run.id))
        if not runs.option_count:
            runs.add_option(Option(self.t("roleplay.no_runs"), disabled=True))
        else:
            runs.highlighted = 0

    @on(OptionList.OptionSelected, "#runs")
    def open_run(self, event: OptionList.OptionSelected) -> None:
        if not event.option.id:
            return
        person = self.trainer_app.signed_in_person
        run = self.context.roleplays.run(person, person.id, event.option.id)
        if run.finished_at is None:
            self._play(run.mode)
            return
        from trainer.ui.screens.roleplay_result import RolePlayResultScreen

        self.app.push_screen(RolePlayResultScreen(person.id, run.id))

    def action_start(self, mode: Mode) -> None:
        if self.scenario_id is None:
            return
        if (
            mode == "exam"
            and self.context.roleplays.open_run(
                self.trainer_app.signed_in_person, self.scenario_id, "exam"
            )
            is None
        ):
            from trainer.ui.dialogs import ConfirmDialog

            def confirmed(answer: bool | None) -> None:
                if answer:
                    self._play("exam")

            self.app.push_screen(
                ConfirmDialog(self.trainer_app.tr, self.t("roleplay.confirm_exam")), confirmed
            )
            return
        self._play(mode)

    def _play(self, mode: Mode) -> None:
        from trainer.ui.screens.roleplay import RolePlayScreen

        assert self.scenario_id is not None
        person = self.trainer_app.signed_in_person
        roleplays = self.context.roleplays
        try:
            existing = roleplays.open_run(person, self.scenario_id, mode)
            if existing is not None:
                live = roleplays.resume(person, existing)
                self.notify(self.t("roleplay.resumed"))
            else:
                live = roleplays.start(person, self.scenario_id, mode, self.trainer_app.tr.lang)
        except RolePlayError as error:
            self.notify(self.t(error.catalog_key, **error.values), severity="warning")
            return
        self.app.push_screen(RolePlayScreen(live))
