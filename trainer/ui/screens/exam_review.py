"""Review of a submitted attempt: each question, the learner's answer, the right one, why."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from trainer.services.review import describe_answer, right_answer
from trainer.ui.screens.base import TrainerScreen


class ExamReviewScreen(TrainerScreen):
    CSS_PATH = "exams.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "keys.back")]

    def __init__(self, attempt_id: str) -> None:
        super().__init__()
        self.attempt_id = attempt_id

    def compose(self) -> ComposeResult:
        attempt = self.context.exams.attempt(self.trainer_app.signed_in_person, self.attempt_id)
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
                        "exam.your_answer",
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
