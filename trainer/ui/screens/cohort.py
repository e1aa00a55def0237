"""A cohort's dashboard for trainers: the completion funnel, pass rates and the four steps as
bar charts, the steps week by week, the weakest step and the most-missed questions (see
`trainer.services.cohort`); `x` saves it as a PDF."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from trainer.errors import TrainerError
from trainer.services.cohort import CohortDashboard, question_stem
from trainer.services.gradebook_reports import percent, step_text
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.widgets.bar_chart import BarChart


class CohortScreen(TrainerScreen):
    CSS_PATH = "records.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("x", "export", "keys.export"),
    ]

    def __init__(self, cohort: str, track: str | None = None) -> None:
        super().__init__()
        self.cohort = cohort
        self.track = track
        self.dashboard: CohortDashboard | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="cohort"):
            yield Static(Text(self.t("cohort.title", cohort=self.cohort)), classes="card-title")
            yield Static("", id="cohort-subtitle", classes="muted")
            yield Static(self.t("cohort.funnel"), classes="section-title")
            yield BarChart(id="cohort-funnel")
            yield Static(self.t("cohort.pass_rates"), classes="section-title")
            yield BarChart(id="cohort-rates")
            yield Static(self.t("cohort.steps"), classes="section-title")
            yield BarChart(id="cohort-steps")
            yield Static("", id="cohort-weakest")
            yield Static(self.t("cohort.weekly"), classes="section-title")
            yield DataTable(id="cohort-weeks", show_cursor=False)
            yield Static(self.t("cohort.missed"), classes="section-title")
            yield DataTable(id="cohort-missed", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def fill(self) -> None:
        actor = self.trainer_app.signed_in_person
        try:
            dashboard = self.context.cohorts.dashboard(actor, self.cohort, self.track)
        except TrainerError as error:
            self.notify(self.t(error.catalog_key, **error.values), severity="error")
            return
        self.dashboard = dashboard
        lang = self.trainer_app.tr.lang
        library = self.context.library
        track = library.track(self.track) if self.track else None
        self.query_one("#cohort-subtitle", Static).update(
            Text(
                self.t(
                    "cohort.subtitle",
                    count=len(dashboard.rows),
                    track=track.title.get(lang) if track else self.t("cohort.each_current_track"),
                )
            )
        )
        enrolled = dashboard.funnel[0][1] or 1
        self.query_one("#cohort-funnel", BarChart).show(
            [
                (
                    self.t(f"cohort.stage_{stage}"),
                    count / enrolled,
                    f"{count} ({percent(round(100 * count / enrolled, 1))})",
                )
                for stage, count in dashboard.funnel
            ]
        )
        self.query_one("#cohort-rates", BarChart).show(
            [
                (
                    self.t(f"cohort.rate_{rate.key}"),
                    (rate.percent or 0) / 100,
                    self.t(
                        "cohort.rate_line",
                        passed=rate.passed,
                        of=rate.of,
                        percent=percent(rate.percent),
                    ),
                )
                for rate in dashboard.pass_rates
            ]
        )
        self.query_one("#cohort-steps", BarChart).show(
            [
                (
                    self.t(f"roleplay.step_{step.step}"),
                    (step.average or 0) / 100,
                    step_text(step.average, step.runs, step.trend, lang)
                    + (" ◀" if step.step == dashboard.weakest_step else ""),
                )
                for step in dashboard.steps
            ]
        )
        weakest = dashboard.weakest_step
        self.query_one("#cohort-weakest", Static).update(
            Text(
                self.t("cohort.weakest", step=self.t(f"roleplay.step_{weakest}"))
                if weakest
                else self.t("cohort.no_weakest"),
                style="bold" if weakest else "dim",
            )
        )

        weeks = self.query_one("#cohort-weeks", DataTable)
        weeks.clear(columns=True)
        weeks.add_columns(
            self.t("cohort.week"), *(self.t(f"roleplay.step_{s.step}") for s in dashboard.steps)
        )
        by_step = {step.step: dict(step.weeks) for step in dashboard.steps}
        for week in sorted({week for step in dashboard.steps for week, _ in step.weeks}):
            weeks.add_row(
                week.isoformat(), *(percent(by_step[s.step].get(week)) for s in dashboard.steps)
            )

        missed = self.query_one("#cohort-missed", DataTable)
        missed.clear(columns=True)
        missed.add_columns(
            self.t("cohort.missed_column_missed"),
            self.t("cohort.missed_column_rate"),
            self.t("cohort.missed_column_question"),
        )
        for question in dashboard.missed:
            missed.add_row(
                f"{question.missed}/{question.answered}",
                f"{question.percent:g}",
                Text(f"{question_stem(library, question.key, lang)} ({question.key})"),
                key=question.key,
            )
        if not dashboard.missed:
            missed.add_row("-", "-", self.t("cohort.no_missed"))

    def action_export(self) -> None:
        from platformdirs import user_documents_dir

        from trainer.services.gradebook_reports import cohort_pdf
        from trainer.storage.files import atomic_write_bytes
        from trainer.ui.dialogs import TextDialog

        dashboard = self.dashboard
        if dashboard is None:
            return

        def save(value: str) -> str | None:
            if not value:
                return self.t("assessment.path_needed")
            path = Path(value).expanduser()
            if path.suffix.lower() != ".pdf":
                return self.t("cohort.bad_format", path=path)
            organisation = self.context.store.organisation()
            data = cohort_pdf(
                dashboard,
                self.context.library,
                self.trainer_app.tr.lang,
                organisation.name if organisation else "",
            )
            try:
                atomic_write_bytes(path, data, shared=True)
            except TrainerError as error:
                return self.t(error.catalog_key, **error.values)
            self.notify(self.t("assessment.saved", path=path))
            return None

        safe = "".join(char if char.isalnum() or char in "-_" else "-" for char in self.cohort)
        default = Path(user_documents_dir()) / f"cohort-{safe}.pdf"
        self.app.push_screen(
            TextDialog(
                self.trainer_app.tr,
                self.t("cohort.save_title"),
                self.t("cohort.save_label"),
                save,
                str(default),
            )
        )
