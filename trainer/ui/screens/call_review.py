"""Scoring a library call on the call-quality form: the transcript on the left (scrolls), one
level to pick per form item on the right, the running total below; Ctrl+S submits and opens
the result beside the reference."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Select, Static

from trainer.content.models import Call, CallForm
from trainer.services.call_review import call_total
from trainer.ui.screens.base import TrainerScreen


def transcript_widgets(call: Call, lang: str, agent: str, customer: str) -> list[Static]:
    """Each turn as its number and speaker, then the words indented below, numbered from 1
    as the marked moments count them; the agent's turns stand out from the customer's."""
    widgets = []
    for number, turn in enumerate(call.turns, start=1):
        speaker = f"[b $accent]{agent}[/]" if turn.speaker == "agent" else f"[b]{customer}[/b]"
        widgets.append(Static(f"[dim]{number:>2}[/dim] {speaker}"))
        widgets.append(Static(escape(turn.text.get(lang)), classes="turn-text"))
    return widgets


class CallReviewScreen(TrainerScreen):
    CSS_PATH = "call_library.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("ctrl+s", "submit", "keys.submit_review", priority=True),
    ]

    def __init__(self, call_id: str) -> None:
        super().__init__()
        self.call_id = call_id
        self.levels: dict[str, int] = {}
        """The level picked per form item (0 = best), kept across a language switch."""

    @property
    def call(self) -> Call:
        return self.context.calls.call(self.call_id)

    @property
    def form(self) -> CallForm:
        return self.context.calls.form

    def compose(self) -> ComposeResult:
        lang = self.trainer_app.tr.lang
        call, form = self.call, self.form
        yield Header()
        yield Static(
            escape(self.t("review.review_title", call=call.title.get(lang))), classes="card-title"
        )
        with Horizontal(id="review-columns"):
            with VerticalScroll(id="transcript") as transcript:
                transcript.border_title = self.t("review.transcript_title")
                yield Static(escape(call.situation.get(lang)), classes="muted")
                yield from transcript_widgets(
                    call, lang, self.t("review.turn_agent"), self.t("review.turn_customer")
                )
            with VerticalScroll(id="review-form") as panel:
                panel.border_title = self.t("review.form_title")
                for item in form.items:
                    heading = f"[b]{escape(item.title.get(lang))}[/b]  " + escape(
                        self.t("review.item_max", max=f"{item.max:g}")
                    )
                    yield Static(heading)
                    notes = [item.checks.get(lang)] if item.checks else []
                    if item.veto:
                        notes.append(self.t("review.veto_item"))
                    if notes:
                        yield Static(escape("\n".join(notes)), classes="muted")
                    # each option's value is its level's index (0 = best), as text
                    options = [
                        (f"{level.points:g} · {level.title.get(lang)}", str(index))
                        for index, level in enumerate(item.levels)
                    ]
                    picked = self.levels.get(item.id)
                    yield Select(
                        options,
                        prompt=self.t("review.pick_level"),
                        id=f"item-{item.id}",
                        value=str(picked) if picked is not None else Select.NULL,
                    )
        yield Static("", id="running-total")
        yield Footer(compact=True)

    def fill(self) -> None:
        self._show_total()

    @on(Select.Changed)
    def level_picked(self, event: Select.Changed) -> None:
        item_id = (event.select.id or "").removeprefix("item-")
        if isinstance(event.value, str):
            self.levels[item_id] = int(event.value)
        else:
            self.levels.pop(item_id, None)
        self._show_total()

    def points(self) -> dict[str, float]:
        """The points of the levels picked so far, per form item."""
        return {
            item.id: item.levels[self.levels[item.id]].points
            for item in self.form.items
            if item.id in self.levels
        }

    def _show_total(self) -> None:
        points = self.points()
        form = self.form
        total = call_total(form, points) if len(points) == len(form.items) else sum(points.values())
        self.query_one("#running-total", Static).update(
            self.t(
                "review.running_total",
                total=f"{total:g}",
                scored=len(points),
                items=len(form.items),
            )
        )

    def action_submit(self) -> None:
        lang = self.trainer_app.tr.lang
        unscored = [item.title.get(lang) for item in self.form.items if item.id not in self.levels]
        if unscored:
            separator = "、" if lang == "zh" else ", "
            self.notify(
                self.t("review.incomplete", items=separator.join(unscored)), severity="warning"
            )
            return
        from trainer.ui.dialogs import ConfirmDialog

        def confirmed(answer: bool | None) -> None:
            if answer:
                self._submit()

        self.app.push_screen(
            ConfirmDialog(self.trainer_app.tr, self.t("review.confirm_submit")), confirmed
        )

    def _submit(self) -> None:
        from trainer.ui.screens.call_review_result import CallReviewResultScreen

        person = self.trainer_app.signed_in_person
        record = self.context.calls.submit(
            person, self.call_id, self.points(), self.trainer_app.tr.lang
        )
        self.app.switch_screen(CallReviewResultScreen(person.id, record.id, just_submitted=True))
