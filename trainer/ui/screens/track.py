"""One track: its modules and lessons, with done marks and minutes."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from trainer.services.exams import minutes_left, ran_out_of_time
from trainer.services.notes import Note
from trainer.ui.screens.base import TrainerScreen

if TYPE_CHECKING:
    from trainer.content.models import Track
    from trainer.services.assessment import Result
    from trainer.storage.records import ExamAttempt

DONE_MARK, TODO_MARK = "✓", "·"


class TrackScreen(TrainerScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("n", "next_lesson", "keys.next_lesson"),
        Binding("e", "exam", "keys.exam"),
        Binding("r", "roleplays", "keys.roleplays"),
        Binding("l", "call_library", "keys.call_library"),
        Binding("q", "quality_reviews", "keys.quality_reviews"),
        Binding("a", "assessment", "keys.assessment"),
        Binding("u", "resume_exam", "keys.resume_exam"),
    ]

    def __init__(self, track_id: str) -> None:
        super().__init__()
        self.track_id = track_id

    @property
    def track(self) -> Track:
        track = self.context.library.track(self.track_id)
        assert track is not None, f"track {self.track_id} was checked before opening"
        return track

    def compose(self) -> ComposeResult:
        track, lang = self.track, self.trainer_app.tr.lang
        yield Header()
        # outside the scroll: the lesson list, focused, scrolls the lines above it away
        yield Static("", id="track-exam-open", classes="next-step")
        with VerticalScroll(id="track"):
            yield Static(track.title.get(lang), classes="card-title")
            if track.description is not None:
                yield Static(track.description.get(lang), classes="muted")
            yield Static("", id="track-progress-text")
            yield ProgressBar(total=len(track.lessons), show_eta=False, id="track-progress")
            yield Static("", id="track-exam")
            yield Static("", id="track-roleplay")
            yield Static("", id="track-quality")
            yield Static("", id="track-assessment")
            yield Static("", id="track-completion")
            yield OptionList(id="lessons")
        yield Footer(compact=True)

    def fill(self) -> None:
        track, lang = self.track, self.trainer_app.tr.lang
        person = self.trainer_app.signed_in_person
        done = self.context.progress.lessons_done(person, person.id, track.id)
        listing = self.query_one("#lessons", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        for module in track.modules:
            listing.add_option(Option(f"[b]{module.title.get(lang)}[/b]", disabled=True))
            for lesson in module.lessons:
                mark = DONE_MARK if lesson.id in done else TODO_MARK
                minutes = self.t("track.minutes", minutes=lesson.minutes)
                listing.add_option(
                    Option(f"  {mark} {lesson.title.get(lang)}  [dim]{minutes}[/dim]", id=lesson.id)
                )
        finished = sum(lesson.id in done for lesson in track.lessons)
        self.query_one("#track-progress-text", Static).update(
            self.t("home.lessons_done", done=finished, total=len(track.lessons))
        )
        self.query_one("#track-progress", ProgressBar).update(progress=finished)
        self.query_one("#track-exam", Static).update(self._exam_line())
        self.query_one("#track-roleplay", Static).update(self._roleplay_line())
        quality = self.query_one("#track-quality", Static)
        quality.update(self._quality_line())
        quality.display = bool(track.practice.quality_reviews)
        result = self._result()
        self.query_one("#track-assessment", Static).update(self._assessment_line(result))
        self.query_one("#track-completion", Static).update(self._completion_line(result))
        listing.highlighted = highlighted if highlighted is not None else 1
        listing.focus()

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(30, self._refresh_exam_line)  # the minutes left keep counting

    def _refresh_exam_line(self) -> None:
        self.query_one("#track-exam", Static).update(self._exam_line())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "exam":
            return self.track.exam is not None
        if action == "roleplays":
            return bool(self.context.roleplays.scenarios_of(self.track))
        if action == "call_library":
            return bool(self.context.library.calls)
        if action == "quality_reviews":
            return bool(self.track.practice.quality_reviews)
        if action == "resume_exam":
            return self._open_sitting() is not None
        return True

    def _open_sitting(self) -> ExamAttempt | None:
        if self.track.exam is None:
            return None
        return self.context.exams.open_attempt(self.trainer_app.signed_in_person, self.track_id)

    def action_resume_exam(self) -> None:
        from trainer.ui.screens.exam import ExamScreen

        sitting = self._open_sitting()
        if sitting is not None:
            self.app.push_screen(ExamScreen(sitting.id))

    def _exam_line(self) -> str:
        if self.track.exam is None:
            return ""
        status = self.context.exams.status(self.trainer_app.signed_in_person, self.track_id)
        best = f"{status.best_score:g}" if status.best_score is not None else "-"
        line = self.t("track.exam_line", best=best, used=status.attempts_used)
        notice = self.query_one("#track-exam-open", Static)
        notice.display = status.open_attempt is not None
        if status.open_attempt is not None:
            minutes = minutes_left(status.open_attempt)
            notice.update(self.t("track.exam_open", minutes=minutes))
        last = status.last_sitting
        if last is not None and ran_out_of_time(last):
            return f"{line}\n{self.t('exam.timed_out', score=f'{last.score or 0:g}')}"
        return line

    def _result(self) -> Result:
        person = self.trainer_app.signed_in_person
        return self.context.assessments.assess(person, person.id, self.track_id)

    def _completion_line(self, result: Result) -> str:
        """The completion checklist in one line: ☑ done, ☐ still to do."""
        lang = self.trainer_app.tr.lang
        marks = []
        for criterion in result.completion:
            values = Note(key="", values=criterion.values).render_values(lang)
            label = self.t(f"track.criterion_{criterion.key}", **values)
            marks.append(f"{'☑' if criterion.met else '☐'} {label}")
        return escape(self.t("track.completion", checklist="  ".join(marks)))

    def _assessment_line(self, result: Result) -> str:
        if result.passed:
            grade = self.t(f"assessment.grade_{result.grade}")
            return self.t("track.assessment_passed", grade=grade, final=f"{result.final:g}")
        return self.t("track.assessment_open", missing=len(result.missing))

    def _roleplay_line(self) -> str:
        scenarios = self.context.roleplays.scenarios_of(self.track)
        if not scenarios:
            return ""
        person = self.trainer_app.signed_in_person
        scores = [
            self.context.roleplays.best_exam_score(person, person.id, scenario.id)
            for scenario in scenarios
        ]
        best = max((score for score in scores if score is not None), default=None)
        shown = f"{best:g}" if best is not None else "-"
        assessed = len(self.track.practice.scenarios)
        return self.t("track.roleplay_line", count=len(scenarios), assessed=assessed, best=shown)

    def _quality_line(self) -> str:
        person = self.trainer_app.signed_in_person
        scores = self.context.assessments.quality_review_scores(person, person.id, self.track)
        done = sum(score is not None for score in scores)
        return self.t("track.quality_line", count=len(scores), done=done)

    def action_quality_reviews(self) -> None:
        from trainer.ui.screens.quality_reviews import QualityReviewsScreen

        self.app.push_screen(QualityReviewsScreen(self.track_id))

    def action_assessment(self) -> None:
        from trainer.ui.screens.assessment import AssessmentScreen

        self.app.push_screen(AssessmentScreen(self.track_id))

    def action_roleplays(self) -> None:
        from trainer.ui.screens.roleplays import RolePlaysScreen

        self.app.push_screen(RolePlaysScreen(self.track_id))

    def action_call_library(self) -> None:
        from trainer.ui.screens.call_library import CallLibraryScreen

        self.app.push_screen(CallLibraryScreen(self.track_id))

    def action_exam(self) -> None:
        from trainer.ui.screens.exam_intro import ExamIntroScreen

        self.app.push_screen(ExamIntroScreen(self.track_id))

    def on_screen_resume(self) -> None:
        if self.is_mounted and self.query("#lessons"):
            self.fill()  # a lesson may have been finished in the meantime

    @on(OptionList.OptionSelected, "#lessons")
    def open_lesson(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self._open(event.option.id)

    def _open(self, lesson_id: str) -> None:
        from trainer.ui.screens.lesson import LessonScreen

        self.app.push_screen(LessonScreen(self.track_id, lesson_id))

    def action_next_lesson(self) -> None:
        lesson_id = self.context.progress.next_lesson(self.trainer_app.signed_in_person, self.track)
        if lesson_id is None:
            self.notify(self.t("track.all_done"))
        else:
            self._open(lesson_id)
