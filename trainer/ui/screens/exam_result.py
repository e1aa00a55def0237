"""After submitting: the score, how many were right, what counts, and what to do next."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from trainer.services.exams import ExamError
from trainer.storage.records import ExamAttempt
from trainer.ui.screens.base import TrainerScreen


class ExamResultScreen(TrainerScreen):
    CSS_PATH = "exams.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("r", "review", "keys.review"),
        Binding("m", "mistakes", "keys.practise_mistakes"),
    ]

    def __init__(self, attempt_id: str) -> None:
        super().__init__()
        self.attempt_id = attempt_id

    @property
    def attempt(self) -> ExamAttempt:
        return self.context.exams.attempt(self.trainer_app.signed_in_person, self.attempt_id)

    def compose(self) -> ComposeResult:
        attempt = self.attempt
        person = self.trainer_app.signed_in_person
        right = sum(1 for value in attempt.marks.values() if value >= 1.0)
        partly = sum(1 for value in attempt.marks.values() if 0 < value < 1.0)
        yield Header()
        with VerticalScroll(id="exam-result"):
            yield Static(self.t("exam.result_title"), classes="card-title")
            yield Static(
                self.t("exam.score", score=f"{attempt.score:g}"),
                id="result-score",
                classes="big-score",
            )
            yield Static(
                self.t(
                    "exam.right_count", right=right, partly=partly, total=len(attempt.question_ids)
                )
            )
            if attempt.practice:
                yield Static(self.t("exam.practice_note"), classes="muted")
            else:
                counted = self.context.exams.counted_score(person, person.id, attempt.track)
                yield Static(
                    self.t(
                        "exam.counted_score", score=f"{counted:g}" if counted is not None else "-"
                    )
                )
            yield Static(self.t("exam.next_hint"), classes="muted")
        yield Footer(compact=True)

    def action_review(self) -> None:
        from trainer.ui.screens.exam_review import ExamReviewScreen

        if not self.context.exams.may_review(self.trainer_app.signed_in_person, self.attempt):
            self.notify(self.t("exam.review_closed"), severity="warning")
            return
        self.app.push_screen(ExamReviewScreen(self.attempt_id))

    def action_mistakes(self) -> None:
        from trainer.ui.screens.exam import ExamScreen

        try:
            practice = self.context.exams.practise_mistakes(
                self.trainer_app.signed_in_person, self.attempt_id
            )
        except ExamError as error:
            self.notify(self.t(error.catalog_key, **error.values))
            return
        self.app.switch_screen(ExamScreen(practice.id))
