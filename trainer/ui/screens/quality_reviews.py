"""A track's quality review cases: each with the learner's best total; Enter starts one.
Below, the reviews handed in for the highlighted case; Enter there opens one's result."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from trainer.ui.screens.base import TrainerScreen
from trainer.ui.timefmt import local_time


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
            yield Static(self.t("quality_review.past_title"), classes="section-title")
            yield OptionList(id="reviews")
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
            self.show(reviews.cases_of(track)[0].id)
        else:
            listing.add_option(Option(self.t("quality_review.none"), disabled=True))
        listing.focus()

    def on_screen_resume(self) -> None:
        if self.query("#cases"):
            self.fill()

    @on(OptionList.OptionHighlighted, "#cases")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.show(event.option.id)

    def show(self, case_id: str) -> None:
        """The reviews the learner handed in for `case_id`, newest first."""
        person = self.trainer_app.signed_in_person
        past = self.query_one("#reviews", OptionList)
        past.clear_options()
        for attempt in reversed(self.context.quality_reviews.attempts(person, person.id, case_id)):
            verdict = self.t("quality_review.passed" if attempt.passed else "quality_review.failed")
            past.add_option(
                Option(
                    f"{local_time(attempt.finished_at)}  {attempt.total:g}  {verdict}",
                    id=f"{case_id}/{attempt.id}",
                )
            )
        if not past.option_count:
            past.add_option(Option(self.t("quality_review.no_past"), disabled=True))

    @on(OptionList.OptionSelected, "#reviews")
    def open_review(self, event: OptionList.OptionSelected) -> None:
        from trainer.ui.screens.quality_review_result import QualityReviewResultScreen

        if event.option.id:
            case_id, _, attempt_id = event.option.id.partition("/")
            self.app.push_screen(QualityReviewResultScreen(case_id, attempt_id))

    @on(OptionList.OptionSelected, "#cases")
    def selected(self, event: OptionList.OptionSelected) -> None:
        from trainer.ui.screens.quality_review import QualityReviewScreen

        if event.option.id:
            self.app.push_screen(QualityReviewScreen(self.track_id, event.option.id))
