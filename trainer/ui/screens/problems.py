"""Content problems for trainers: every error of every content file, each with its file and
line and the whole sentence (wrapped, in a list that scrolls), and how each scenario's
golden tests came out.

The content is read afresh each time the screen opens and again on `r`: a trainer fixes a
file and looks again without restarting. Reading (and playing the golden tests) takes a
moment, so it runs in a worker thread while the screen says it is reading.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from trainer.ui.screens.base import TrainerScreen

if TYPE_CHECKING:
    from trainer.content.errors import ContentProblem


class ProblemsScreen(TrainerScreen):
    CSS_PATH = "records.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("r", "refresh", "keys.refresh"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.t("problems.reading"), id="problems-title", classes="card-title")
        yield Static("", id="golden", classes="muted")
        with VerticalScroll(id="problems-list"):
            yield Static("", id="problems-text", markup=False)
        yield Footer(compact=True)

    def fill(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.query_one("#problems-title", Static).update(self.t("problems.reading"))
        self._read()

    @work(thread=True, exclusive=True, exit_on_error=False, group="problems")
    def _read(self) -> None:
        from trainer.services.roleplay.golden import golden_summary

        context = self.context
        context.reload_content()
        problems = context.content_problems
        results = golden_summary(context.library)
        lang = self.trainer_app.tr.lang

        def title(scenario_id: str) -> str:  # the scenario as people know it, not its id
            scenario = context.library.scenario(scenario_id)
            return scenario.title.get(lang) if scenario else scenario_id

        golden = self.t("home.separator").join(
            f"{title(item.scenario)} {item.passed}/{item.total}" for item in results
        )
        self.app.call_from_thread(self._show, problems, golden)

    def _show(self, problems: list[ContentProblem], golden: str) -> None:
        lang = self.trainer_app.tr.lang
        self.query_one("#problems-title", Static).update(
            self.t("problems.title", count=len(problems)) if problems else self.t("home.content_ok")
        )
        self.query_one("#golden", Static).update(
            self.t("cli.summary_golden", results=golden or "-")
        )
        text = Text()
        for problem in sorted(problems, key=lambda p: (str(p.path), p.line)):
            text.append(f"{problem.path}:{problem.line}", style="bold")
            if problem.where:
                text.append(f"  {problem.where}", style="cyan")
            text.append("\n")
            text.append(f"    {problem.message(lang)}\n\n")
        self.query_one("#problems-text", Static).update(text)
        self.query_one("#problems-list", VerticalScroll).focus()
