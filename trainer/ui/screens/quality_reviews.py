"""A track's quality review cases: each with the learner's best total; Enter starts one."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from trainer.ui.screens.base import TrainerScreen


class QualityReviewsScreen(TrainerScreen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "keys.back")]

    def __init__(self, track_id: str) -> None:
        super().__init__()
        self.track_id = track_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="quality-reviews"):
            yield Static(self.t("quality_review.list_title"), classes="card-title")
            yield OptionList(id="cases")
            yield Static(self.t("quality_review.start_hint"), classes="muted")
        yield Footer(compact=True)

    def fill(self) -> None:
        lang = self.trainer_app.tr.lang
        track = self.context.library.track(self.track_id)
        assert track is not None
        person = self.trainer_app.signed_in_person
        listing = self.query_one("#cases", OptionList)
        listing.clear_options()
        reviews = self.context.quality_reviews
        for case in reviews.cases_of(track):
            best = reviews.best_score(person, person.id, case.id)
            state = (
                self.t("quality_review.best", score=f"{best:g}")
                if best is not None
                else self.t("quality_review.not_done")
            )
            counted = self.t("quality_review.counted")
            listing.add_option(
                Option(f"{case.title.get(lang)}  [dim]{state} · {counted}[/dim]", id=case.id)
            )
        if listing.option_count:
            listing.highlighted = 0
        else:
            listing.add_option(Option(self.t("quality_review.none"), disabled=True))
        listing.focus()

    def on_screen_resume(self) -> None:
        if self.query("#cases"):
            self.fill()

    @on(OptionList.OptionSelected, "#cases")
    def selected(self, event: OptionList.OptionSelected) -> None:
        from trainer.ui.screens.quality_review import QualityReviewScreen

        if event.option.id:
            self.app.push_screen(QualityReviewScreen(self.track_id, event.option.id))
