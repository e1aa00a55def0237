"""Home after signing in: the person's tracks and progress, and the trainer's content view."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Header, ProgressBar, Static

from trainer.ui.screens.base import TrainerScreen


class HomeScreen(TrainerScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "sign_out", "keys.sign_out"),
    ]

    def compose(self) -> ComposeResult:
        person = self.trainer_app.user
        assert person is not None, "home needs someone signed in"
        lang = self.trainer_app.tr.lang
        roles = self.t("home.separator").join(self.t(f"role.{role}") for role in person.roles)
        yield Header()
        with VerticalScroll(id="home"):
            yield Static(
                self.t("home.welcome", name=person.name, roles=roles), classes="card-title"
            )
            if person.has_role("learner"):
                yield Static(self.t("home.your_tracks"), classes="section-title")
                if not person.tracks:
                    yield Static(self.t("home.no_tracks"), classes="muted")
                library = self.context.library
                done = self.context.progress.lessons_done(person, person.id)
                for track_id in person.tracks:
                    track = library.track(track_id)
                    if track is None:
                        yield Static(self.t("home.track_missing", track=track_id), classes="error")
                        continue
                    finished = sum(lesson.id in done for lesson in track.lessons)
                    with Vertical(classes="card track"):
                        yield Static(track.title.get(lang), classes="track-title")
                        yield Static(
                            self.t("home.lessons_done", done=finished, total=len(track.lessons)),
                            classes="muted",
                        )
                        yield ProgressBar(
                            total=len(track.lessons), show_eta=False, id=f"progress-{track.id}"
                        )
            if person.has_role("trainer"):
                summary = self.context.library.summary()
                problems = len(self.context.library.problems)
                yield Static(self.t("home.content"), classes="section-title")
                yield Static(
                    self.t(
                        "home.content_summary",
                        tracks=summary["tracks"],
                        lessons=summary["lessons"],
                        questions=summary["questions"],
                        scenarios=summary["scenarios"],
                    )
                )
                yield Static(
                    self.t("home.content_problems", count=problems)
                    if problems
                    else self.t("home.content_ok"),
                    classes="error" if problems else "ok",
                )
        yield Footer()

    def fill(self) -> None:
        person = self.trainer_app.user
        if person is None or not person.has_role("learner"):
            return
        done = self.context.progress.lessons_done(person, person.id)
        for track_id in person.tracks:
            track = self.context.library.track(track_id)
            if track is not None:
                bar = self.query_one(f"#progress-{track.id}", ProgressBar)
                bar.update(progress=sum(lesson.id in done for lesson in track.lessons))

    def action_sign_out(self) -> None:
        self.trainer_app.sign_out()
