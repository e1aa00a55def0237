"""Sitting an exam: one question at a time, the clock and progress always in view.

Every answer is saved the moment it is given (typed answers once typing pauses), with the
question the learner is at, so a closed terminal resumes here with the same paper. Practice
sets (practise my mistakes) run on the same screen without a clock and never count.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, ProgressBar, Select, Static

from trainer.content.models import MultipleChoice, SingleChoice, TrueFalse
from trainer.services.exams import ExamError, PaperQuestion
from trainer.storage.records import ExamAttempt, now
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.timefmt import countdown
from trainer.ui.widgets import AnswerArea


class ExamScreen(TrainerScreen):
    CSS_PATH = "exams.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "move(1)", "keys.next_question"),
        Binding("ctrl+b", "move(-1)", "keys.previous_question"),
        Binding("ctrl+f", "flag", "keys.flag"),
        Binding("ctrl+l", "question_list", "keys.question_list"),
        Binding("ctrl+s", "submit", "keys.submit"),
        Binding("escape", "leave", "keys.leave_exam"),
        # options are labelled A, B, C: their letter picks them, and so does their number
        *(Binding(str(n), f"pick({n})", show=False) for n in range(1, 10)),
        *(Binding(letter, f"pick({n})", show=False) for n, letter in enumerate("abcdefghi", 1)),
    ]

    def __init__(self, attempt_id: str) -> None:
        super().__init__()
        self.attempt_id = attempt_id
        self.attempt: ExamAttempt | None = None
        self.paper: list[PaperQuestion] = []
        self.index = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="exam"):
            with Horizontal(id="exam-bar"):
                yield Static("", id="exam-counter")
                yield ProgressBar(show_eta=False, show_percentage=False, id="exam-progress")
                yield Static("", id="exam-clock")
            yield Static("", id="exam-flag", classes="muted")
            with VerticalScroll(id="exam-question"):
                yield Static("", id="exam-stem")
        yield Footer(compact=True)

    def _load(self) -> ExamAttempt:
        return self.context.exams.attempt(self.trainer_app.signed_in_person, self.attempt_id)

    def fill(self) -> None:
        if self.attempt is None:
            self.attempt = self._load()
            self.paper = self.context.exams.paper(self.attempt)
            self.index = min(self.attempt.position, len(self.paper) - 1)
            if self.attempt.deadline is not None:
                self.set_interval(1, self.tick)
        self.show_question()
        self.tick()

    # ------------------------------------------------------------ display

    @property
    def current(self) -> PaperQuestion:
        return self.paper[self.index]

    def show_question(self) -> None:
        """Show the current question: a new answer area replaces the old one."""
        attempt = self.attempt
        assert attempt is not None
        item = self.current
        lang = self.trainer_app.tr.lang
        self._show_progress(attempt)
        flagged = item.key in attempt.flagged
        self.query_one("#exam-flag", Static).update(self.t("exam.flagged") if flagged else "")
        kind = self.t(f"exam.how_{item.question.type}")
        self.query_one("#exam-stem", Static).update(
            f"[b]{item.question.stem.get(lang)}[/b]\n[dim]{kind}[/dim]"
        )
        for old in self.query(AnswerArea):
            old.remove()
        area = AnswerArea(
            item.key, item.question, item.order, attempt.answers.get(item.key), self.trainer_app.tr
        )
        self.query_one("#exam-question", VerticalScroll).mount(area)
        self.call_after_refresh(area.focus_answer)

    def _show_progress(self, attempt: ExamAttempt) -> None:
        """The question number, how many are answered, and the bar that shows it."""
        answered = len(attempt.answers)
        self.query_one("#exam-counter", Static).update(
            self.t("exam.counter", number=self.index + 1, total=len(self.paper), answered=answered)
        )
        self.query_one("#exam-progress", ProgressBar).update(
            total=len(self.paper), progress=answered
        )

    def tick(self) -> None:
        attempt = self.attempt
        clock = self.query_one("#exam-clock", Static)
        if attempt is None or attempt.deadline is None:
            clock.update(self.t("exam.practice_clock"))
            return
        left = (attempt.deadline - now()).total_seconds()
        clock.update(self.t("exam.time_left", time=countdown(left)))
        clock.set_class(left < 60, "error")
        if left <= 0:
            self._finish(time_up=True)

    # ------------------------------------------------------------ answering

    @on(AnswerArea.Answered)
    def save_answer(self, event: AnswerArea.Answered) -> None:
        try:
            self.attempt = self.context.exams.answer(
                self.trainer_app.signed_in_person,
                self.attempt_id,
                event.key,
                event.answer,
                position=self.index,
            )
        except ExamError as error:
            if error.key == "time_up":
                self._finish(time_up=True)
                return
            raise
        self._show_progress(self.attempt)

    def _flush(self) -> None:
        for area in self.query(AnswerArea):
            area.flush()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick":  # only where there are options: elsewhere the keys are typing
            on_paper = bool(self.paper) and self.attempt is not None
            has_options = on_paper and isinstance(
                self.current.question, SingleChoice | MultipleChoice | TrueFalse
            )
            return has_options and not isinstance(self.focused, Input | Select)
        return True

    def action_pick(self, number: int) -> None:
        for area in self.query(AnswerArea):
            area.pick(number)

    def action_move(self, step: int) -> None:
        self.go_to(self.index + step)

    def go_to(self, index: int) -> None:
        if not 0 <= index < len(self.paper) or index == self.index:
            return
        self._flush()
        self.index = index
        self.context.exams.move(self.trainer_app.signed_in_person, self.attempt_id, index)
        self.show_question()

    def action_flag(self) -> None:
        self.attempt = self.context.exams.toggle_flag(
            self.trainer_app.signed_in_person, self.attempt_id, self.current.key
        )
        self.show_question()

    def action_question_list(self) -> None:
        from trainer.ui.dialogs.question_list import QuestionListDialog

        assert self.attempt is not None
        self._flush()
        rows = [
            (
                item.key in self.attempt.answers,
                item.key in self.attempt.flagged,
                item.question.stem.get(self.trainer_app.tr.lang),
            )
            for item in self.paper
        ]
        self.app.push_screen(QuestionListDialog(self.trainer_app.tr, rows, self.index), self._jump)

    def _jump(self, index: int | None) -> None:
        if index is not None:
            self.go_to(index)

    def action_submit(self) -> None:
        from trainer.ui.dialogs.confirm import ConfirmDialog

        self._flush()
        attempt = self.attempt = self._load()
        unanswered = sum(key not in attempt.answers for key in attempt.question_ids)
        flagged = len(attempt.flagged)
        text = self.t("exam.confirm_submit", unanswered=unanswered, flagged=flagged)
        self.app.push_screen(ConfirmDialog(self.trainer_app.tr, text), self._submit_confirmed)

    def _submit_confirmed(self, confirmed: bool | None) -> None:
        if confirmed:
            self._finish(time_up=False)

    def _finish(self, time_up: bool) -> None:
        from trainer.ui.screens.exam_result import ExamResultScreen

        person = self.trainer_app.signed_in_person
        attempt = self._load()
        if attempt.submitted_at is None:
            at = attempt.deadline if time_up else None
            attempt = self.context.exams.submit(person, self.attempt_id, at=at)
        if time_up:
            self.notify(self.t("exams.time_up"), severity="warning")
        self.app.switch_screen(ExamResultScreen(attempt.id))

    def action_leave(self) -> None:
        self._flush()
        if self.attempt is not None and self.attempt.deadline is not None:
            self.notify(self.t("exam.left_open"))
        self.app.pop_screen()
