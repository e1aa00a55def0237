"""Content problems for trainers: every error of every content file, with file and line, and
how each scenario's golden tests came out."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static

from trainer.ui.screens.base import TrainerScreen


class ProblemsScreen(TrainerScreen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "keys.back")]

    def compose(self) -> ComposeResult:
        problems = self.context.content_problems
        yield Header()
        yield Static(
            self.t("problems.title", count=len(problems))
            if problems
            else self.t("home.content_ok"),
            classes="card-title",
        )
        yield Static(self._golden_line(), id="golden", classes="muted")
        yield DataTable(id="problems-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def _golden_line(self) -> str:
        from trainer.services.roleplay.golden import golden_summary

        results = golden_summary(self.context.library)
        parts = ", ".join(f"{item.scenario} {item.passed}/{item.total}" for item in results)
        return self.t("cli.summary_golden", results=parts or "-")

    def fill(self) -> None:
        lang = self.trainer_app.tr.lang
        table = self.query_one("#problems-table", DataTable)
        table.clear(columns=True)
        table.add_columns(
            self.t("problems.file"),
            self.t("problems.line"),
            self.t("problems.where"),
            self.t("problems.what"),
        )
        for problem in sorted(self.context.content_problems, key=lambda p: (str(p.path), p.line)):
            table.add_row(str(problem.path), problem.line, problem.where, problem.message(lang))
        table.focus()
