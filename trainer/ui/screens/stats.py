"""Item analysis for trainers: each exam's spread and reliability, each question's facility
and discrimination, flagged questions first."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from trainer.numbers import figure
from trainer.ui.screens.base import TrainerScreen


class StatsScreen(TrainerScreen):
    CSS_PATH = "records.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "keys.back")]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats"):
            yield Static(self.t("stats.title"), classes="card-title")
            yield Static(self.t("stats.exams"), classes="section-title")
            yield DataTable(id="exam-stats", show_cursor=False)
            yield Static(self.t("stats.questions"), classes="section-title")
            yield DataTable(id="question-stats", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def fill(self) -> None:
        actor = self.trainer_app.signed_in_person
        analysis = self.context.item_analysis
        exams = self.query_one("#exam-stats", DataTable)
        exams.clear(columns=True)
        exams.add_columns(
            *(
                self.t(f"stats.column_{name}")
                for name in ("track", "attempts", "mean", "median", "sd", "alpha")
            )
        )
        lang = self.trainer_app.tr.lang
        for exam in analysis.exams(actor):
            track = self.context.library.track(exam.track)
            exams.add_row(
                track.title.get(lang) if track else exam.track,
                str(exam.attempts),
                figure(exam.mean),
                figure(exam.median),
                figure(exam.sd),
                figure(exam.alpha),
            )
        questions = self.query_one("#question-stats", DataTable)
        questions.clear(columns=True)
        questions.add_columns(
            *(
                self.t(f"stats.column_{name}")
                for name in ("question", "attempts", "facility", "discrimination", "flags")
            )
        )
        stats = sorted(analysis.questions(actor), key=lambda s: (not s.flags, s.key))
        for item in stats:
            flags = ", ".join(self.t(f"stats.flag_{flag}") for flag in item.flags)
            questions.add_row(
                item.key,
                str(item.attempts),
                f"{item.facility:.2f}",
                figure(item.discrimination),
                Text(flags, style="bold yellow") if flags else "",
                key=item.key,
            )
        if not stats:
            self.query_one("#stats", VerticalScroll).mount(Static(self.t("stats.none")))
