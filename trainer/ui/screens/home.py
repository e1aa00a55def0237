"""Home after signing in: the learner's tracks and next step, the trainer's content and people."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, ListItem, ListView, ProgressBar, Static

from trainer.services.exams import minutes_left, ran_out_of_time
from trainer.storage.records import ExamAttempt, Person
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.timefmt import local_time
from trainer.ui.widgets.mentee_table import MenteeTable

if TYPE_CHECKING:
    from trainer.content.models import Lesson, Track


class TrackItem(ListItem):
    """A track on the home screen: its title, lessons done and a progress bar."""

    def __init__(
        self, track_id: str, title: str, progress_text: str, done: int, total: int
    ) -> None:
        super().__init__(id=f"track-{track_id}")
        self.track_id = track_id
        self.title_text = title
        self.progress_text = progress_text
        self.done = done
        self.total = total

    def compose(self) -> ComposeResult:
        yield Static(self.title_text, classes="track-title")
        yield Static(self.progress_text, classes="muted")
        yield ProgressBar(total=self.total, show_eta=False)

    def on_mount(self) -> None:
        self.query_one(ProgressBar).update(progress=self.done)


class HomeScreen(TrainerScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_step", "keys.next_step"),
        Binding("p", "people", "keys.people"),
        Binding("g", "gradebook", "keys.gradebook"),
        Binding("v", "problems", "keys.problems"),
        Binding("c", "certificates", "keys.certificates"),
        Binding("x", "report", "keys.mentor_report"),
        Binding("s", "stats", "keys.stats"),
        Binding("b", "banks", "keys.banks"),
        Binding("o", "sign_out", "keys.sign_out"),
        Binding("u", "resume_exam", "keys.resume_exam"),
    ]

    _resumed_before = False

    @property
    def person(self) -> Person:
        return self.trainer_app.signed_in_person

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show only the keys this person's roles can use."""
        if self.trainer_app.user is None:  # signed out, the screen on its way out
            return False
        if action == "next_step":
            return self.person.has_role("learner")
        if action in ("people", "gradebook", "problems", "certificates", "stats", "banks"):
            return self.person.has_role("trainer")
        if action == "report":
            return self.person.has_role("mentor")
        if action == "resume_exam":
            return self._open_sittings() != []
        return True

    def _open_sittings(self) -> list[tuple[Track, ExamAttempt]]:
        """The learner's exams in progress, one a track at most, in the order of the tracks."""
        if not self.person.has_role("learner"):
            return []
        sittings = []
        for track_id in self.person.tracks:
            track = self.context.library.track(track_id)
            if track is None or track.exam is None:
                continue
            sitting = self.context.exams.open_attempt(self.person, track_id)
            if sitting is not None:
                sittings.append((track, sitting))
        return sittings

    def _exam_notices(self) -> list[str]:
        """An exam in progress (its clock runs while the app is closed), and one submitted
        by its clock while the learner was away, which would otherwise show a bare score."""
        lang = self.trainer_app.tr.lang
        notices = [
            self.t("home.exam_open", track=track.title.get(lang), minutes=minutes_left(sitting))
            for track, sitting in self._open_sittings()
        ]
        for track_id in self.person.tracks:
            track = self.context.library.track(track_id)
            if track is None or track.exam is None:
                continue
            status = self.context.exams.status(self.person, track_id)
            last = status.last_sitting
            if status.open_attempt is None and last is not None and ran_out_of_time(last):
                notices.append(
                    self.t(
                        "home.exam_timed_out",
                        track=track.title.get(lang),
                        score=f"{last.score or 0:g}",
                    )
                )
        return notices

    def action_resume_exam(self) -> None:
        from trainer.ui.screens.exam import ExamScreen

        sittings = self._open_sittings()
        if sittings:
            self.app.push_screen(ExamScreen(sittings[0][1].id))

    def compose(self) -> ComposeResult:
        person = self.person
        roles = self.t("home.separator").join(self.t(f"role.{role}") for role in person.roles)
        yield Header()
        with VerticalScroll(id="home"):
            yield Static(
                self.t("home.welcome", name=person.name, roles=roles), classes="card-title"
            )
            if person.has_role("learner"):
                yield from self._learner_part(person)
            if person.has_role("mentor") or person.has_role("trainer"):
                yield from self._mentor_part()
            if person.has_role("trainer"):
                yield from self._trainer_part()
        yield Footer(compact=True)

    def _learner_part(self, person: Person) -> ComposeResult:
        lang = self.trainer_app.tr.lang
        yield Static(self.t("home.your_tracks"), classes="section-title")
        notices = self._exam_notices()
        if notices:
            yield Static("\n".join(notices), id="exam-notice", classes="next-step")
        yield Static("", id="next-step", classes="next-step")
        if not person.tracks:
            yield Static(self.t("home.no_tracks"), classes="muted")
            return
        done = self.context.progress.lessons_done(person, person.id)
        items = []
        for track_id in person.tracks:
            track = self.context.library.track(track_id)
            if track is None:
                yield Static(self.t("home.track_missing", track=track_id), classes="error")
                continue
            finished = sum(lesson.id in done for lesson in track.lessons)
            text = self.t("home.lessons_done", done=finished, total=len(track.lessons))
            if track.exam is not None:
                best = self.context.exams.status(person, track.id).best_score
                exam = (
                    self.t("home.exam_best", score=f"{best:g}")
                    if best is not None
                    else self.t("home.exam_none")
                )
                text = f"{text} · {exam}"
            practice = track.practice
            if practice.scenarios or practice.calibration or practice.quality_reviews:
                text = f"{text} · {self._practical_text(person, track)}"
            items.append(
                TrackItem(track.id, track.title.get(lang), text, finished, len(track.lessons))
            )
        yield ListView(*items, id="tracks")
        recent = self._recent_results(person)
        if recent:
            yield Static(self.t("home.recent"), classes="section-title")
            yield Static("\n".join(recent), id="recent")

    def _practical_text(self, person: Person, track: Track) -> str:
        assessments = self.context.assessments
        practical = assessments.practical_score(person, person.id, track)
        if practical is not None:
            return self.t("home.practical", score=f"{practical:g}")
        items = assessments.practical_items(person, person.id, track)
        done = sum(item.score is not None for item in items)
        # a practical of role-plays only keeps saying so; with calls to review too, "items"
        only_roleplays = all(item.kind == "scenario" for item in items)
        key = "practical_progress" if only_roleplays else "practical_items"
        return self.t(f"home.{key}", done=done, total=len(items))

    def _recent_results(self, person: Person, count: int = 3) -> list[str]:
        """The latest exam attempts and finished role-plays, newest first."""
        lang = self.trainer_app.tr.lang
        results: list[tuple[dt.datetime, str]] = []
        for attempt in self.context.exams.attempts(person, person.id):
            if attempt.submitted_at is not None and attempt.score is not None:
                track = self.context.library.track(attempt.track)
                title = track.title.get(lang) if track else attempt.track
                kind = self.t(
                    "exam.practice"
                    if attempt.practice
                    else "exam.kind_timed_out"
                    if ran_out_of_time(attempt)
                    else "exam.counted"
                )
                results.append(
                    (
                        attempt.submitted_at,
                        self.t(
                            "home.recent_exam", track=title, kind=kind, score=f"{attempt.score:g}"
                        ),
                    )
                )
        for run in self.context.roleplays.runs(person, person.id):
            if run.finished_at is not None and run.total is not None:
                scenario = self.context.library.scenario(run.scenario)
                title = scenario.title.get(lang) if scenario else run.scenario
                verdict = self.t("roleplay.passed" if run.passed else "roleplay.not_passed")
                results.append(
                    (
                        run.finished_at,
                        self.t(
                            "home.recent_roleplay",
                            scenario=title,
                            kind=self.t(f"roleplay.mode_{run.mode}"),
                            score=f"{run.total:g}",
                            verdict=verdict,
                        ),
                    )
                )
        results.sort(key=lambda item: item[0], reverse=True)
        return [f"{local_time(moment)}  {text}" for moment, text in results[:count]]

    def _mentor_part(self) -> ComposeResult:
        """A mentor's own mentees; for a trainer who mentors nobody, every mentorship."""
        person = self.person
        everyone = person.has_role("trainer") and not person.has_role("mentor")
        rows = self.context.mentoring.dashboard(person, "*" if everyone else None)
        if everyone and not rows:
            return
        title = "mentor.all_mentees" if everyone else "mentor.your_mentees"
        yield Static(self.t(title), classes="section-title")
        if not rows:
            yield Static(self.t("mentor.no_mentees"), classes="muted")
            return
        needing = sum(1 for row in rows if row.attention)
        yield Static(self.t("mentor.summary", count=len(rows), attention=needing), classes="muted")
        table = MenteeTable(id="mentees")
        table.show(rows, self.trainer_app.tr)
        yield table

    @on(DataTable.RowSelected, "#mentees")
    def open_mentee(self, event: DataTable.RowSelected) -> None:
        from trainer.ui.screens.mentee import MenteeScreen

        if event.row_key.value:
            self.app.push_screen(MenteeScreen(str(event.row_key.value)))

    def action_report(self) -> None:
        from trainer.ui.dialogs.report import report_dialog

        self.app.push_screen(report_dialog(self, self.person.id, None))

    def _trainer_part(self) -> ComposeResult:
        library = self.context.library
        summary = library.summary()
        problems = len(self.context.content_problems)
        yield Static(self.t("home.content"), classes="section-title")
        yield Static(self.t("home.content_summary", **summary))
        if problems:
            yield Static(self.t("home.content_problems", count=problems), classes="error")
        else:
            yield Static(self.t("home.content_ok"), classes="ok")
        yield Static(self.t("home.people", count=len(self.context.accounts.people())))

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(30, self._refresh_exam_notice)  # the minutes left keep counting

    def _refresh_exam_notice(self) -> None:
        for notice in self.query("#exam-notice").results(Static):
            notice.update("\n".join(self._exam_notices()))

    def fill(self) -> None:
        if not self.person.has_role("learner"):
            if self.query("#mentees"):
                self.query_one("#mentees", MenteeTable).focus()
            return
        step = self._next_step()
        lang = self.trainer_app.tr.lang
        text = (
            self.t(
                "home.next_lesson", lesson=step[1].title.get(lang), track=step[0].title.get(lang)
            )
            if step
            else self.t("home.nothing_next")
            if self.person.tracks  # with no track, "every lesson is done" would be untrue
            else ""
        )
        next_step = self.query_one("#next-step", Static)
        next_step.update(text)
        next_step.display = bool(text)
        if self.query("#tracks"):
            self.query_one("#tracks", ListView).focus()

    def on_screen_resume(self) -> None:
        if self._resumed_before:  # back from a track or lesson: lessons may have been finished
            self.call_later(self.recompose)
        self._resumed_before = True

    def _next_step(self) -> tuple[Track, Lesson] | None:
        for track_id in self.person.tracks:
            track = self.context.library.track(track_id)
            if track is None:
                continue
            lesson_id = self.context.progress.next_lesson(self.person, track)
            if lesson_id is not None:
                lesson = next(lesson for lesson in track.lessons if lesson.id == lesson_id)
                return track, lesson
        return None

    @on(ListView.Selected, "#tracks")
    def open_track(self, event: ListView.Selected) -> None:
        from trainer.ui.screens.track import TrackScreen

        if isinstance(event.item, TrackItem):
            self.app.push_screen(TrackScreen(event.item.track_id))

    def action_next_step(self) -> None:
        from trainer.ui.screens.lesson import LessonScreen

        step = self._next_step()
        if step is None:
            self.notify(self.t("home.nothing_next"))
            return
        track, lesson = step
        self.app.push_screen(LessonScreen(track.id, lesson.id))

    def action_people(self) -> None:
        from trainer.ui.screens.people import PeopleScreen

        self.app.push_screen(PeopleScreen())

    def action_gradebook(self) -> None:
        from trainer.ui.screens.gradebook import GradebookScreen

        self.app.push_screen(GradebookScreen())

    def action_problems(self) -> None:
        from trainer.ui.screens.problems import ProblemsScreen

        self.app.push_screen(ProblemsScreen())

    def action_banks(self) -> None:
        from trainer.ui.screens.bank_editor import BankEditorScreen

        self.app.push_screen(BankEditorScreen())

    def action_stats(self) -> None:
        from trainer.ui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen())

    def action_certificates(self) -> None:
        from trainer.ui.screens.certificates import CertificatesScreen

        self.app.push_screen(CertificatesScreen())

    def action_sign_out(self) -> None:
        self.trainer_app.sign_out()
