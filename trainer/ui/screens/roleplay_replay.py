"""A past run, turn by turn: what the customer said, the agent's reply with the words that
earned points (green) or broke a rule (red) marked, and what a better reply would have been."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from trainer.content.models import STEPS
from trainer.services.roleplay.describe import rule_label
from trainer.services.roleplay.scorecard import Scorecard, TurnRecord
from trainer.services.roleplay.service import RolePlays
from trainer.ui.screens.base import TrainerScreen


class RolePlayReplayScreen(TrainerScreen):
    CSS_PATH = "roleplay.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("right,n", "move(1)", "keys.next_turn"),
        Binding("left,b", "move(-1)", "keys.previous_turn"),
    ]

    def __init__(self, person_id: str, run_id: str) -> None:
        super().__init__()
        self.person_id = person_id
        self.run_id = run_id
        self.index = 0

    @property
    def card(self) -> Scorecard:
        run = self.context.roleplays.run(
            self.trainer_app.signed_in_person, self.person_id, self.run_id
        )
        card = RolePlays.scorecard_of(run)
        assert card is not None
        return card

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="replay"):
            yield Static("", id="replay-counter", classes="card-title")
            yield Static("", id="replay-customer")
            yield Static("", id="replay-agent")
            yield Static("", id="replay-notes")
        yield Footer(compact=True)

    def fill(self) -> None:
        card = self.card
        if not card.turns:
            return
        self.index = max(0, min(self.index, len(card.turns) - 1))
        turn = card.turns[self.index]
        self.query_one("#replay-counter", Static).update(
            self.t(
                "roleplay.replay_counter",
                turn=turn.number,
                total=len(card.turns),
                before=f"{turn.mood_before:g}",
                after=f"{turn.mood_after:g}",
            )
        )
        customer = (
            f"[b]{escape(self.t('roleplay.customer'))}[/b]  {escape(turn.customer)}"
            if turn.customer
            else f"[dim]{escape(self.t('roleplay.line_connects'))}[/dim]"  # the agent opened
        )
        self.query_one("#replay-customer", Static).update(customer)
        reply = Text.assemble((self.t("roleplay.you"), "bold"), "  ")
        reply.append_text(highlighted(turn))
        self.query_one("#replay-agent", Static).update(reply)
        self.query_one("#replay-notes", Static).update(self._notes(turn))

    def _notes(self, turn: TurnRecord) -> str:
        lang = self.trainer_app.tr.lang
        lines = []
        if turn.guard is not None:
            guard = turn.guard.model_copy(
                update={"values": {**turn.guard.values, "turn": turn.number}}
            )
            lines.append(f"[yellow]{escape(guard.render(lang))}[/yellow]")
        # a step's points come from the acts or the rubric lines, whichever explain more: where
        # an act earned them in this turn, the rubric line that read the same words is not shown
        acted = {item.step for item in turn.evidence if item.act not in (None, "fact")}
        for item in turn.evidence:
            if item.source == "rubric" and item.step in acted:
                continue
            if item.points <= 0:
                continue  # found but worth nothing here: not something the agent earned
            named = item.step in STEPS or item.step == "standard"
            step = self.t(f"roleplay.step_{item.step}") if named else item.step
            source = (
                self.t(f"roleplay.act_{item.act}")
                if item.act
                else self.t(f"roleplay.source_{item.source}")
            )
            note = f" — {item.note.render(lang)}" if item.note else ""
            lines.append(
                f"[green]✓ {escape(step)} +{item.points:g} ({escape(source)}: "
                f"“{escape(item.text)}”){escape(note)}[/green]"
            )
        for violation in turn.violations:
            cost = (
                self.t("roleplay.card_fatal_rule") if violation.fatal else f"−{violation.penalty:g}"
            )
            words = f" “{violation.text}”" if violation.text else ""
            note = f" — {violation.note.render(lang)}" if violation.note else ""
            lines.append(
                f"[red]⚠ {escape(violation.label or rule_label(violation.rule, lang))}"
                f"{escape(words)} {cost}"
                f"{escape(note)}[/red]"
            )
        if turn.timed_out:
            lines.append(f"[yellow]{escape(self.t('roleplay.timed_out_note'))}[/yellow]")
        if not lines:
            lines.append(f"[dim]{escape(self.t('roleplay.nothing_earned'))}[/dim]")
        if turn.feedback:
            lines.append(f"[i]{escape(turn.feedback)}[/i]")
        if turn.better:
            lines += ["", f"[b]{escape(self.t('roleplay.better'))}[/b] {escape(turn.better)}"]
        return "\n".join(lines)

    def action_move(self, step: int) -> None:
        self.index += step
        self.fill()


def highlighted(turn: TurnRecord) -> Text:
    """The agent's words with evidence in green and broken rules in red."""
    text = Text(turn.text)
    if turn.kind == "say":
        for item in turn.evidence:
            if item.end > item.start:
                text.stylize("bold green underline", item.start, item.end)
        for violation in turn.violations:
            if violation.end > violation.start:
                text.stylize("bold red reverse", violation.start, violation.end)
    return text
