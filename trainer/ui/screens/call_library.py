"""The call library: pick a recorded call, read its situation and your reviews of it, then
score it on the call-quality form (calibration) or spot what went wrong."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from trainer.ui.screens.base import TrainerScreen
from trainer.ui.timefmt import local_time


class CallLibraryScreen(TrainerScreen):
    CSS_PATH = "call_library.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("s", "score", "keys.score_call"),
        Binding("w", "spot", "keys.spot_faults"),
    ]

    def __init__(self, track_id: str) -> None:
        super().__init__()
        self.track_id = track_id
        self.call_id: str | None = None

    @property
    def assessed(self) -> list[str]:
        track = self.context.library.track(self.track_id)
        return track.practice.calibration if track else []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "spot":
            return not self._reference_hidden()
        return True

    def _reference_hidden(self) -> bool:
        """A call the track assesses keeps its marked moments hidden until the learner's
        first review of it: spotting them first would give the counted review away."""
        if self.call_id is None or self.call_id not in self.assessed:
            return False
        person = self.trainer_app.signed_in_person
        return not self.context.calls.reviews(person, person.id, self.call_id)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="call-library"):
            yield Static(self.t("review.library_title"), classes="card-title")
            yield Static(self.t("review.library_hint"), classes="muted")
            with Horizontal(id="call-columns"):
                yield OptionList(id="calls")
                yield Static("", id="call-brief")
            yield Static(self.t("review.your_reviews"), classes="section-title")
            yield OptionList(id="call-reviews")
        yield Footer(compact=True)

    def fill(self) -> None:
        lang = self.trainer_app.tr.lang
        calls = self.context.calls
        listing = self.query_one("#calls", OptionList)
        listing.clear_options()
        # the calls the track assesses first: they are what the learner comes here for
        ordered = sorted(calls.calls(), key=lambda call: call.id not in self.assessed)
        for call in ordered:
            tag = f"  [b]{self.t('review.counted_tag')}[/b]" if call.id in self.assessed else ""
            listing.add_option(Option(f"{escape(call.title.get(lang))}{tag}", id=call.id))
        if not ordered:
            self.query_one("#call-brief", Static).update(self.t("review.none"))
            return
        ids = [call.id for call in ordered]
        index = ids.index(self.call_id) if self.call_id in ids else 0
        listing.highlighted = index
        self.show(ids[index])
        listing.focus()

    def on_screen_resume(self) -> None:
        if self.call_id is not None and self.query("#call-brief"):
            self.show(self.call_id)

    @on(OptionList.OptionHighlighted, "#calls")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.show(event.option.id)

    @on(OptionList.OptionSelected, "#calls")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.action_score()

    def show(self, call_id: str) -> None:
        """The call's situation, and the signed-in person's reviews of it, newest first."""
        self.call_id = call_id
        self.refresh_bindings()  # spotting depends on the call
        lang = self.trainer_app.tr.lang
        calls = self.context.calls
        call = calls.call(call_id)
        languages = "/".join(self.t(f"review.lang_{code}") for code in call.languages)
        lines = [
            f"[b]{escape(call.title.get(lang))}[/b]",
            escape(self.t("review.languages", languages=languages)),
            "",
            escape(call.situation.get(lang)),
            "",
            self.t("review.start_keys"),
        ]
        self.query_one("#call-brief", Static).update("\n".join(lines))
        person = self.trainer_app.signed_in_person
        reviews = self.query_one("#call-reviews", OptionList)
        reviews.clear_options()
        for review in reversed(calls.reviews(person, person.id, call_id)):
            verdict = self.t(
                "review.within_short" if review.within_tolerance else "review.outside_short"
            )
            text = self.t(
                "review.review_row",
                when=local_time(review.at),
                total=f"{review.total:g}",
                reference=f"{review.reference_total:g}",
                agreement=f"{review.agreement:g}",
                verdict=verdict,
            )
            reviews.add_option(Option(escape(text), id=review.id))
        if not reviews.option_count:
            reviews.add_option(Option(self.t("review.no_reviews"), disabled=True))

    @on(OptionList.OptionSelected, "#call-reviews")
    def open_review(self, event: OptionList.OptionSelected) -> None:
        from trainer.ui.screens.call_review_result import CallReviewResultScreen

        if event.option.id:
            person = self.trainer_app.signed_in_person
            self.app.push_screen(CallReviewResultScreen(person.id, event.option.id))

    def action_score(self) -> None:
        from trainer.ui.screens.call_review import CallReviewScreen

        if self.call_id is not None:
            self.app.push_screen(CallReviewScreen(self.call_id))

    def action_spot(self) -> None:
        from trainer.ui.screens.call_spot import CallSpotScreen

        if self.call_id is not None and not self._reference_hidden():
            self.app.push_screen(CallSpotScreen(self.call_id))
