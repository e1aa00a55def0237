"""A handed-in quality review: the total, each part's marks and the reasons behind them."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from trainer.services.quality_reviews import PARTS, notes_of
from trainer.storage.records import QualityReviewAttempt
from trainer.ui.screens.base import TrainerScreen

if TYPE_CHECKING:
    from trainer.content.models import QualityReviewCase


class QualityReviewResultScreen(TrainerScreen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "keys.back")]

    def __init__(self, case_id: str, attempt_id: str) -> None:
        super().__init__()
        self.case_id = case_id
        self.attempt_id = attempt_id

    @property
    def case(self) -> QualityReviewCase:
        return self.context.quality_reviews.case(self.case_id)

    @property
    def attempt(self) -> QualityReviewAttempt:
        person = self.trainer_app.signed_in_person
        found = self.context.store.person_file(person.id).get(QualityReviewAttempt, self.attempt_id)
        assert found is not None, "the attempt was just written"
        return found

    def compose(self) -> ComposeResult:
        lang = self.trainer_app.tr.lang
        attempt = self.attempt
        verdict = self.t("quality_review.passed" if attempt.passed else "quality_review.failed")
        yield Header()
        with VerticalScroll(id="quality-review-result"):
            yield Static(
                escape(self.t("quality_review.result_title", title=self.case.title.get(lang))),
                classes="card-title",
            )
            yield Static(
                self.t(
                    "quality_review.result_total",
                    total=f"{attempt.total:g}",
                    verdict=verdict,
                    pass_mark=f"{self.case.pass_mark:g}",
                ),
                id="qr-result-total",
                classes="ok" if attempt.passed else "",
            )
            for part in PARTS:
                marks = attempt.parts.get(part, {})
                yield Static(
                    "[b]"
                    + self.t(
                        "quality_review.part_line",
                        part=self.t(f"quality_review.part_{part}"),
                        score=f"{marks.get('score', 0):g}",
                        max=f"{marks.get('max', 0):g}",
                    )
                    + "[/b]",
                    classes="section-title",
                )
                reasons = [f"• {note.render(lang)}" for note in notes_of(attempt, part)]
                yield Static(escape("\n".join(reasons)), id=f"qr-result-{part}")
        yield Footer(compact=True)
