"""Before an exam: what it holds, the time limit, attempts left, the cool-down, past results."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from trainer.services.exams import ExamError, ExamStatus, minutes_left, ran_out_of_time
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
        if action == "start":  # shown but dimmed while the rules refuse a start
            person = self.trainer_app.signed_in_person
            step = self.context.exams.status(person, self.track_id).next_step
            return True if step in ("start", "resume") else None
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
        facts = self.t("exam.facts", questions=status.questions, minutes=status.time_limit_minutes)
        lines = [facts]
        if status.best_score is not None:
            lines.append(self.t("exam.best", score=f"{status.best_score:g}"))
        last = status.last_sitting
        if last is not None and ran_out_of_time(last) and status.open_attempt is None:
            lines.append(self.t("exam.timed_out", score=f"{last.score or 0:g}"))
        lines.append(self._what_next(status))
        lines.append("")
        lines.append(self.t("exam.how"))
        self.query_one("#intro-facts", Static).update("\n".join(lines))
        history = [
            self.t(
                "exam.history_line",
                when=local_time(a.submitted_at),
                score=f"{a.score:g}",
                kind=self.t(
                    "exam.practice"
                    if a.practice
                    else "exam.kind_timed_out"
                    if ran_out_of_time(a)
                    else "exam.counted"
                ),
            )
            for a in self.context.exams.attempts(person, person.id, self.track_id)
            if a.submitted_at is not None and a.score is not None
        ]
        self.query_one("#intro-history", Static).update("\n".join(history))
        self.refresh_bindings()

    def _what_next(self, status: ExamStatus) -> str:
        """One sentence on what the learner can do, and when: the rule `Exams.start` applies."""
        step, total, left = status.next_step, status.attempts_max, status.attempts_left
        if step == "resume":
            assert status.open_attempt is not None
            return self.t("exam.step_resume", minutes=minutes_left(status.open_attempt))
        if step == "no_attempts_left":
            return self.t("exam.step_no_attempts", total=total)
        if step == "cooling_down":
            until = local_time(status.next_allowed)
            if total is None:
                return self.t("exam.step_cooling_unlimited", until=until)
            return self.t("exam.step_cooling_limited", left=left, total=total, until=until)
        if total is None:
            return self.t("exam.step_start_unlimited")
        return self.t("exam.step_start_limited", number=status.attempts_used + 1, total=total)

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
