"""One learner's record, for their mentor (or a trainer, from the gradebook or the people screen):
figures, the four steps as competencies with their trend,
role-play runs to open, exam attempts, a timeline, the mentor's notes, and the sign-off."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.cells import cell_len as cell_width
from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from trainer.errors import TrainerError
from trainer.numbers import figure
from trainer.services.mentoring import (
    Activity,
    Competency,
    MenteeRow,
    competencies,
    local_day,
    weakest_of,
)
from trainer.services.reports import trend_text
from trainer.storage.records import ExamAttempt, RolePlayRun
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.timefmt import local_time

BAR_WIDTH = 24


def competency_bar(competency: Competency) -> str:
    """`█████████░░░░` for the step's average share of its points."""
    if competency.average is None:
        return "░" * BAR_WIDTH
    filled = round(BAR_WIDTH * competency.average / 100)
    return "█" * filled + "░" * (BAR_WIDTH - filled)


class MenteeScreen(TrainerScreen):
    CSS_PATH = "records.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("a", "add_note", "keys.add_note"),
        Binding("e", "edit_note", "keys.edit_note"),
        Binding("s", "sign_off", "keys.sign_off"),
        Binding("w", "withdraw_sign_off", "keys.withdraw_sign_off"),
        Binding("x", "report", "keys.mentor_report"),
    ]

    def __init__(self, person_id: str) -> None:
        super().__init__()
        self.person_id = person_id

    @property
    def row(self) -> MenteeRow:
        return self.context.mentoring.row(self.trainer_app.signed_in_person, self.person_id)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="mentee"):
            yield Static("", id="mentee-title", classes="card-title")
            yield Static("", id="mentee-figures")
            yield Static(self.t("mentor.competencies"), classes="section-title")
            yield Static("", id="mentee-competencies")
            yield Static(self.t("mentor.runs"), classes="section-title")
            yield OptionList(id="mentee-runs")
            yield Static(self.t("mentor.notes"), classes="section-title")
            yield Static("", id="mentee-notes")
            yield Static(self.t("mentor.timeline"), classes="section-title")
            yield Static("", id="mentee-timeline", classes="muted")
        yield Footer(compact=True)

    @property
    def mentored(self) -> bool:
        """Whether the learner has (had) a mentor: a trainer opens anyone's record from the
        gradebook or the people screen, and a learner with no mentor has no period to show."""
        return bool(self.context.mentoring.mentorships(self.person_id))

    def fill(self) -> None:
        actor = self.trainer_app.signed_in_person
        lang = self.trainer_app.tr.lang
        if self.mentored:
            found, weakest = self._mentee_figures()
        else:
            found, weakest = self._learner_figures()

        names = {c.step: self.t(f"roleplay.step_{c.step}") for c in found}
        width = max(cell_width(name) for name in names.values())
        bars = []
        for competency in found:
            name = names[competency.step]
            label = name + " " * (width - cell_width(name))
            mark = " ◀" if competency.step == weakest else ""
            bars.append(
                f"{escape(label)}  {competency_bar(competency)}  "
                f"{escape(trend_text(competency, lang))}{mark}"
            )
        self.query_one("#mentee-competencies", Static).update("\n".join(bars))

        runs = self.query_one("#mentee-runs", OptionList)
        runs.clear_options()
        for run in reversed(self.context.roleplays.runs(actor, self.person_id)):
            if run.finished_at is not None:
                runs.add_option(Option(self._run_text(run), id=run.id))
        for attempt in reversed(self.context.exams.attempts(actor, self.person_id)):
            if attempt.submitted_at is not None:
                runs.add_option(Option(self._attempt_text(attempt), id=f"exam:{attempt.id}"))
        if not runs.option_count:
            runs.add_option(Option(self.t("mentor.nothing_yet"), disabled=True))

        notes = self.context.mentoring.notes(actor, self.person_id)
        names = {listed.id: listed.name for listed in self.context.directory.people()}
        self.query_one("#mentee-notes", Static).update(
            "\n".join(
                f"{local_time(note.created_at)} · {escape(names.get(note.mentor, note.mentor))}: "
                f"{escape(note.text)}"
                + (f" [dim]({escape(self.t('mentor.edited'))})[/dim]" if note.edited_at else "")
                for note in notes
            )
            or self.t("reports.no_notes")
        )
        events = self.context.mentoring.timeline(actor, self.person_id)[:12]
        self.query_one("#mentee-timeline", Static).update(
            "\n".join(
                escape(
                    f"{local_time(event.at)}  {self.t(f'mentor.event_{event.kind}')}  "
                    f"{self._subject(event.kind, event.subject)}  {self._detail(event, names)}"
                )
                for event in events
            )
        )
        self.refresh_bindings()

    def _mentee_figures(self) -> tuple[list[Competency], str | None]:
        """The mentee's title and figures, with the mentorship period and sign-off."""
        row = self.row
        days = (
            self.t("reports.days_left", days=row.days_left)
            if row.days_left >= 0
            else f"[b red]{escape(self.t('reports.overdue', days=-row.days_left))}[/]"
        )
        signed = self.t("mentor.signed_off") if row.signed_off else self.t("mentor.not_signed_off")
        titles = [self._track_title(track_id) for track_id in row.tracks]
        self.query_one("#mentee-title", Static).update(
            f"{escape(row.name)} · {escape(', '.join(titles))}"
        )
        attention = "、".join(self.t(f"reports.attention_{a}") for a in row.attention)
        lines = [
            self.t("mentor.period", start=local_day(row.start), end=local_day(row.end))
            + f" · {days} · {escape(signed)}",
            escape(
                self.t(
                    "mentor.figures",
                    lessons=f"{row.lessons_done}/{row.lessons_total}",
                    theory=figure(row.best_theory),
                    practical=figure(row.best_practical),
                    last=local_time(row.last_activity) if row.last_activity else "-",
                )
            ),
        ]
        if attention:
            lines.append(f"[b red]⚠ {escape(attention)}[/]")
        self.query_one("#mentee-figures", Static).update("\n".join(lines))
        return row.competencies, row.weakest_step

    def _learner_figures(self) -> tuple[list[Competency], str | None]:
        """A learner without a mentor, as a trainer sees them: their gradebook row."""
        actor = self.trainer_app.signed_in_person
        row, records = self.context.gradebook.learner(actor, self.person_id)
        person = self.context.store.person(self.person_id)
        tracks = person.tracks if person else []
        titles = ", ".join(self._track_title(track_id) for track_id in tracks)
        self.query_one("#mentee-title", Static).update(f"{escape(row.name)} · {escape(titles)}")
        status = self.t(f"gradebook.status_{row.status}")
        lines = [
            escape(f"{self.t('gradebook.record_no_mentor')} · {status}"),
            escape(
                self.t(
                    "mentor.figures",
                    lessons=f"{row.lessons_done}/{row.lessons_total}",
                    theory=figure(row.best_theory),
                    practical=figure(row.practical),
                    last=local_time(row.last_activity) if row.last_activity else "-",
                )
            ),
        ]
        self.query_one("#mentee-figures", Static).update("\n".join(lines))
        found = competencies([run for run in records.runs if run.finished_at is not None])
        return found, weakest_of(found)

    def _detail(self, event: Activity, names: dict[str, str]) -> str:
        """What follows the subject, in the interface language and with people by name."""
        parts = [self.t(f"roleplay.mode_{event.mode}")] if event.mode else []
        if event.by:
            parts.append(names.get(event.by, event.by) + (":" if event.detail else ""))
        if event.detail:
            parts.append(event.detail)
        return " ".join(parts)

    def _track_title(self, track_id: str) -> str:
        track = self.context.library.track(track_id)
        return track.title.get(self.trainer_app.tr.lang) if track else track_id

    def _subject(self, kind: str, subject: str) -> str:
        """A timeline event's subject by its title: the lesson, exam track or scenario."""
        lang = self.trainer_app.tr.lang
        if kind == "lesson" and "/" in subject:
            track_id, lesson_id = subject.split("/", 1)
            track = self.context.library.track(track_id)
            lesson = next((x for x in track.lessons if x.id == lesson_id), None) if track else None
            return lesson.title.get(lang) if lesson else subject
        if kind in ("exam", "sign_off", "sign_off_withdrawn"):
            return self._track_title(subject)
        if kind == "roleplay":
            scenario = self.context.library.scenario(subject)
            return scenario.title.get(lang) if scenario else subject
        return subject

    def _run_text(self, run: RolePlayRun) -> str:
        scenario = self.context.library.scenario(run.scenario)
        title = scenario.title.get(self.trainer_app.tr.lang) if scenario else run.scenario
        verdict = self.t("roleplay.passed" if run.passed else "roleplay.not_passed")
        mode = self.t(f"roleplay.mode_{run.mode}")
        return f"{local_time(run.finished_at)}  {title} · {mode} · {run.total:g} · {verdict}"

    def _attempt_text(self, attempt: ExamAttempt) -> str:
        kind = self.t("exam.practice") if attempt.practice else self.t("exam.counted")
        score = f"{attempt.score:g}" if attempt.score is not None else "-"
        title = self._track_title(attempt.track)
        return f"{local_time(attempt.submitted_at)}  {title} · {kind} · {score}"

    def on_screen_resume(self) -> None:
        if self.query("#mentee-notes"):
            self.fill()

    @on(OptionList.OptionSelected, "#mentee-runs")
    def open_run(self, event: OptionList.OptionSelected) -> None:
        from trainer.ui.screens.exam_review import ExamReviewScreen
        from trainer.ui.screens.roleplay_result import RolePlayResultScreen

        option = event.option.id
        if option and option.startswith("exam:"):
            self.app.push_screen(ExamReviewScreen(option.removeprefix("exam:"), self.person_id))
        elif option:
            self.app.push_screen(RolePlayResultScreen(self.person_id, option))

    # ------------------------------------------------------------ actions

    def _my_notes(self) -> list[str]:
        actor = self.trainer_app.signed_in_person
        notes = self.context.mentoring.notes(actor, self.person_id)
        return [note.id for note in notes if note.mentor == actor.id]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        actor = self.trainer_app.signed_in_person
        if action in ("add_note", "sign_off"):
            return actor.has_role("mentor")
        if action == "withdraw_sign_off":
            return bool(self.context.mentoring.signed_tracks(self.person_id))
        if action == "edit_note":
            return bool(self._my_notes())
        if action == "report":
            return self.mentored
        return True

    def _note_dialog(self, title: str, value: str, save: Callable[[str], object]) -> None:
        from trainer.ui.dialogs import TextDialog

        def submit(text: str) -> str | None:
            try:
                save(text)
            except TrainerError as error:
                return self.t(error.catalog_key, **error.values)
            self.fill()
            return None

        self.app.push_screen(
            TextDialog(
                self.trainer_app.tr, title, self.t("mentor.note_label"), submit, value, is_work=True
            )
        )

    def action_add_note(self) -> None:
        actor = self.trainer_app.signed_in_person
        self._note_dialog(
            self.t("mentor.add_note_title", name=self.row.name),
            "",
            lambda text: self.context.mentoring.add_note(actor, self.person_id, text),
        )

    def action_edit_note(self) -> None:
        from trainer.storage.records import MentorNote

        mine = self._my_notes()
        if not mine:
            return
        actor = self.trainer_app.signed_in_person
        note = self.context.store.roster.get(MentorNote, mine[-1])
        assert note is not None
        self._note_dialog(
            self.t("mentor.edit_note_title"),
            note.text,
            lambda text: self.context.mentoring.edit_note(actor, note.id, text),
        )

    def action_sign_off(self) -> None:
        from trainer.ui.dialogs import ConfirmDialog

        actor = self.trainer_app.signed_in_person
        row = self.row
        tracks = row.tracks or []

        def confirmed(answer: bool | None) -> None:
            if not answer:
                return
            try:
                for track in tracks:
                    self.context.mentoring.sign_off(actor, self.person_id, track)
            except TrainerError as error:
                self.notify(self.t(error.catalog_key, **error.values), severity="warning")
                return
            self.notify(self.t("mentor.signed", name=row.name))
            self.fill()

        titles = ", ".join(self._track_title(track) for track in tracks) or "-"
        question = escape(self.t("mentor.confirm_sign_off", name=row.name, tracks=titles))
        gaps = self._sign_off_gaps(tracks)
        if gaps:  # the mentor decides, but sees first what is not done
            listed = "\n".join(f"• {escape(gap)}" for gap in gaps)
            question = (
                f"[b]{escape(self.t('mentor.sign_off_gaps'))}[/b]\n{listed}\n\n"
                f"{question}\n[b]{escape(self.t('mentor.sign_off_anyway'))}[/b]"
            )
        self.app.push_screen(ConfirmDialog(self.trainer_app.tr, question), confirmed)

    def _sign_off_gaps(self, tracks: list[str]) -> list[str]:
        """What is not done yet on `tracks`, each sentence prefixed by its track when there
        are several."""
        actor, lang = self.trainer_app.signed_in_person, self.trainer_app.tr.lang
        found = []
        for track in tracks:
            for note in self.context.assessments.sign_off_gaps(actor, self.person_id, track):
                text = note.render(lang)
                found.append(f"{self._track_title(track)}: {text}" if len(tracks) > 1 else text)
        return found

    def action_withdraw_sign_off(self) -> None:
        from trainer.ui.dialogs import TextDialog

        actor = self.trainer_app.signed_in_person
        row = self.row
        tracks = self.context.mentoring.signed_tracks(self.person_id)
        if not tracks:
            return

        def withdraw(reason: str) -> str | None:
            try:
                for track in tracks:
                    self.context.mentoring.withdraw_sign_off(actor, self.person_id, track, reason)
            except TrainerError as error:
                return self.t(error.catalog_key, **error.values)
            self.notify(self.t("mentor.withdrawn", name=row.name))
            self.fill()
            return None

        titles = ", ".join(self._track_title(track) for track in tracks)
        self.app.push_screen(
            TextDialog(
                self.trainer_app.tr,
                self.t("mentor.withdraw_title", name=row.name, tracks=titles),
                self.t("mentor.withdraw_label"),
                withdraw,
                is_work=True,
            )
        )

    def action_report(self) -> None:
        from trainer.ui.dialogs.report import report_dialog

        self.app.push_screen(report_dialog(self, self.row.mentor, self.person_id))
