"""Spot what went wrong: a frontline exercise on a library call. The learner marks the agent's
turns that went wrong, then Ctrl+S shows which of the reference's marked faults they found,
which they missed, and which marks the reference does not share. Practice: nothing stored."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, SelectionList, Static

from trainer.services.call_review import spot
from trainer.ui.screens.base import TrainerScreen


class CallSpotScreen(TrainerScreen):
    CSS_PATH = "call_library.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("ctrl+s", "check", "keys.check_spots", priority=True),
    ]

    def __init__(self, call_id: str) -> None:
        super().__init__()
        self.call_id = call_id

    def compose(self) -> ComposeResult:
        lang = self.trainer_app.tr.lang
        call = self.context.calls.call(self.call_id)
        yield Header()
        with VerticalScroll(id="call-spot"):
            yield Static(
                escape(self.t("review.spot_title", call=call.title.get(lang))),
                classes="card-title",
            )
            yield Static(escape(call.situation.get(lang)), classes="muted")
            yield Static(self.t("review.spot_hint"))
            choices = [
                (
                    f"{number:>2} {self.t('review.turn_' + turn.speaker)}: "
                    + escape(turn.text.get(lang)),
                    number,
                )
                for number, turn in enumerate(call.turns, start=1)
            ]
            yield SelectionList[int](*choices, id="spot-turns")
            yield Static("", id="spot-result")
        yield Footer(compact=True)

    def fill(self) -> None:
        self.query_one("#spot-turns", SelectionList).focus()

    def action_check(self) -> None:
        lang = self.trainer_app.tr.lang
        call = self.context.calls.call(self.call_id)
        picked = set(self.query_one("#spot-turns", SelectionList).selected)
        result = spot(call, picked)
        what = {m.turn: m.what.get(lang) for m in call.reference.moments if m.fault}
        lines = [
            self.t(
                "review.spot_result",
                found=len(result.found),
                faults=len(result.found) + len(result.missed),
                extra=len(result.extra),
                score=f"{result.score:g}",
            )
        ]
        lines += [self.t("review.spot_found", turn=t, what=what[t]) for t in result.found]
        lines += [self.t("review.spot_missed", turn=t, what=what[t]) for t in result.missed]
        lines += [self.t("review.spot_extra", turn=t) for t in result.extra]
        self.query_one("#spot-result", Static).update(escape("\n".join(lines)))
