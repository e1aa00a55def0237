"""Review of a submitted attempt: each question, the learner's answer, the right one, why.
The learner reviews their own; their mentor or a trainer opens anyone's from the learner's
record (`person_id`)."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from trainer.services.exams import ExamError
from trainer.services.review import describe_answer, right_answer
from trainer.storage.records import ExamAttempt
from trainer.ui.screens.base import TrainerScreen


class ExamReviewScreen(TrainerScreen):
    CSS_PATH = "exams.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "keys.back")]

    def __init__(self, attempt_id: str, person_id: str | None = None) -> None:
        super().__init__()
        self.attempt_id = attempt_id
        self.person_id = person_id
        """Whose attempt, when not the signed-in person's own."""

    def _attempt(self) -> ExamAttempt:
        actor = self.trainer_app.signed_in_person
        if self.person_id is None or self.person_id == actor.id:
            return self.context.exams.attempt(actor, self.attempt_id)
        found = self.context.exams.attempts(actor, self.person_id)  # checks who may read
        attempt = next((a for a in found if a.id == self.attempt_id), None)
        if attempt is None:
            raise ExamError("unknown_attempt", attempt=self.attempt_id)
        return attempt

    def compose(self) -> ComposeResult:
        attempt = self._attempt()
        answer_key = "exam.your_answer" if self.person_id is None else "exam.given_answer"
        lang = self.trainer_app.tr.lang
        yes_no = (self.t("exam.true"), self.t("exam.false"))
        yield Header()
        with VerticalScroll(id="exam-review"):
            yield Static(
                self.t("exam.review_title", score=f"{attempt.score:g}"), classes="card-title"
            )
            for number, item in enumerate(self.context.exams.paper(attempt), start=1):
                question = item.question
                value = attempt.marks.get(item.key, 0.0)
                verdict = "✓" if value >= 1 else ("◐" if value > 0 else "✗")
                given = describe_answer(
                    question, item.order, attempt.answers.get(item.key), lang, yes_no
                )
                lines = [
                    f"[b]{number}. {verdict} {escape(question.stem.get(lang))}[/b]",
                    self.t(
                        answer_key,
                        answer=escape(given) if given else self.t("exam.unanswered"),
                    ),
                    self.t(
                        "exam.right_answer",
                        answer=escape(right_answer(question, item.order, lang, yes_no)),
                    ),
                ]
                if question.explanation is not None:
                    lines.append(f"[dim]{escape(question.explanation.get(lang))}[/dim]")
                yield Static("\n".join(lines), classes="review-item")
        yield Footer(compact=True)
