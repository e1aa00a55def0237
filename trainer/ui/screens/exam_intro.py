"""Before an exam: what it holds, the time limit, attempts left, the cool-down, past results."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from trainer.services.exams import ExamError
from trainer.storage.records import ExamAttempt
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.timefmt import local_time


class ExamIntroScreen(TrainerScreen):
    CSS_PATH = "exams.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("s", "start", "keys.start_exam"),
        Binding("r", "review", "keys.review"),
        Binding("m", "mistakes", "keys.practise_mistakes"),
    ]

    def __init__(self, track_id: str) -> None:
        super().__init__()
        self.track_id = track_id

    def _last_submitted(self) -> ExamAttempt | None:
        person = self.trainer_app.signed_in_person
        done = [
            a
            for a in self.context.exams.attempts(person, person.id, self.track_id)
            if a.submitted_at and not a.practice
        ]
        return done[-1] if done else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("review", "mistakes"):
            return self._last_submitted() is not None
        return True

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="exam-intro"):
            yield Static("", id="intro-title", classes="card-title")
            yield Static("", id="intro-facts")
            yield Static("", id="intro-history", classes="muted")
        yield Footer(compact=True)

    def fill(self) -> None:
        lang = self.trainer_app.tr.lang
        person = self.trainer_app.signed_in_person
        track = self.context.library.track(self.track_id)
        assert track is not None
        status = self.context.exams.status(person, self.track_id)
        self.query_one("#intro-title", Static).update(
            self.t("exam.intro_title", track=track.title.get(lang))
        )
        lines = [
            self.t("exam.facts", questions=status.questions, minutes=status.time_limit_minutes),
            self.t("exam.attempts_unlimited")
            if status.attempts_left is None
            else self.t("exam.attempts_left", left=status.attempts_left, total=status.attempts_max),
        ]
        if status.best_score is not None:
            lines.append(self.t("exam.best", score=f"{status.best_score:g}"))
        if status.open_attempt is not None:
            lines.append(self.t("exam.open_attempt"))
        elif status.next_allowed is not None:
            lines.append(self.t("exams.cooling_down", until=local_time(status.next_allowed)))
        lines.append("")
        lines.append(self.t("exam.how"))
        self.query_one("#intro-facts", Static).update("\n".join(lines))
        history = [
            self.t(
                "exam.history_line",
                when=local_time(a.submitted_at),
                score=f"{a.score:g}",
                kind=self.t("exam.practice") if a.practice else self.t("exam.counted"),
            )
            for a in self.context.exams.attempts(person, person.id, self.track_id)
            if a.submitted_at is not None and a.score is not None
        ]
        self.query_one("#intro-history", Static).update("\n".join(history))
        self.refresh_bindings()

    def on_screen_resume(self) -> None:
        if self.query("#intro-facts"):
            self.fill()

    def action_start(self) -> None:
        from trainer.ui.screens.exam import ExamScreen

        try:
            attempt = self.context.exams.start(self.trainer_app.signed_in_person, self.track_id)
        except ExamError as error:
            self.notify(self.t(error.catalog_key, **error.values), severity="warning")
            return
        self.app.push_screen(ExamScreen(attempt.id))

    def action_review(self) -> None:
        from trainer.ui.screens.exam_review import ExamReviewScreen

        last = self._last_submitted()
        if last is None:
            return
        if not self.context.exams.may_review(self.trainer_app.signed_in_person, last):
            self.notify(self.t("exam.review_closed"), severity="warning")
            return
        self.app.push_screen(ExamReviewScreen(last.id))

    def action_mistakes(self) -> None:
        from trainer.ui.screens.exam import ExamScreen

        last = self._last_submitted()
        if last is None:
            return
        try:
            practice = self.context.exams.practise_mistakes(
                self.trainer_app.signed_in_person, last.id
            )
        except ExamError as error:
            self.notify(self.t(error.catalog_key, **error.values))
            return
        self.app.push_screen(ExamScreen(practice.id))
