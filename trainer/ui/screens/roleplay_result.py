"""The end of a call: pass or fail, each step's score with the words that earned it, every rule
broken with the better phrase, the mood over the call, and coaching."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from trainer.services.roleplay.describe import (
    evidence_text,
    order_line,
    verdict,
    violation_text,
)
from trainer.services.roleplay.scorecard import Scorecard
from trainer.services.roleplay.service import RolePlays
from trainer.storage.records import RolePlayRun
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.widgets import MoodMeter


class RolePlayResultScreen(TrainerScreen):
    CSS_PATH = "roleplay.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("r", "replay", "keys.replay"),
    ]

    def __init__(self, person_id: str, run_id: str, just_finished: bool = False) -> None:
        super().__init__()
        self.person_id = person_id
        self.run_id = run_id
        self.just_finished = just_finished

    @property
    def run(self) -> RolePlayRun:
        return self.context.roleplays.run(
            self.trainer_app.signed_in_person, self.person_id, self.run_id
        )

    @property
    def card(self) -> Scorecard:
        card = RolePlays.scorecard_of(self.run)
        assert card is not None, "only finished runs have a result screen"
        return card

    def compose(self) -> ComposeResult:
        lang = self.trainer_app.tr.lang
        run, card = self.run, self.card
        scenario = self.context.library.scenario(run.scenario)
        title = scenario.title.get(lang) if scenario else run.scenario
        style = "green" if card.passed else "red"
        yield Header()
        with VerticalScroll(id="roleplay-result"):
            yield Static(
                f"{escape(title)} · {self.t(f'roleplay.mode_{run.mode}')}", classes="card-title"
            )
            # the ending in the reader's language (the card keeps it in the call's)
            ending = next(
                (e for e in (scenario.endings if scenario else []) if e.id == card.ending), None
            )
            ending_text = ending.text.get(lang) if ending else card.ending_text
            if ending_text:
                yield Static(self.t("roleplay.card_ending", ending=escape(ending_text)))
            yield Static(
                f"[b {style}]{escape(self.t('roleplay.card_total', total=f'{card.total:g}'))}"
                f" · {escape(verdict(card, lang))}[/]",
                id="verdict",
            )
            yield Static(self.t("roleplay.card_steps"), classes="section-title")
            yield DataTable(id="steps", show_cursor=False, zebra_stripes=True)
            yield Static(
                self.t("roleplay.card_compliance", penalties=f"{card.penalties:g}"),
                classes="section-title",
            )
            lines = [violation_text(item, lang) for item in card.violations]
            yield Static(
                escape("\n".join(lines) or self.t("roleplay.card_no_violations")), id="violations"
            )
            order = order_line(card, lang)
            if order is not None:
                yield Static(order, id="order")
            yield MoodMeter(self.t("roleplay.mood"), id="result-mood")
            if card.coaching:
                yield Static(self.t("roleplay.card_coaching"), classes="section-title")
                yield Static(
                    escape("\n".join(f"• {note.render(lang)}" for note in card.coaching)),
                    id="coaching",
                )
            if run.mode == "practice":
                yield Static(self.t("roleplay.practice_note"), classes="muted")
        yield Footer(compact=True)

    def fill(self) -> None:
        lang = self.trainer_app.tr.lang
        card = self.card
        table = self.query_one("#steps", DataTable)
        table.clear(columns=True)
        table.add_columns(
            self.t("roleplay.column_step"),
            self.t("roleplay.column_score"),
            self.t("roleplay.column_evidence"),
        )
        for step, score in card.weighed_steps():
            evidence = (
                "\n".join(evidence_text(item, lang, with_note=False) for item in score.evidence)
                or "-"
            )
            table.add_row(
                self.t(f"roleplay.step_{step}"),
                f"{score.score:g} / {score.max:g}",
                evidence,
                height=max(1, len(score.evidence)),
            )
        self.query_one(MoodMeter).show(card.mood)

    def action_replay(self) -> None:
        from trainer.ui.screens.roleplay_replay import RolePlayReplayScreen

        self.app.push_screen(RolePlayReplayScreen(self.person_id, self.run_id))
