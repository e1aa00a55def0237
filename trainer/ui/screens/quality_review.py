"""Playing a quality review case step by step: the quarter's data, then the scorecard total
and grade, the Pareto causes, each level of the 5-Why chain and the measures. The answers are
kept on the screen until the last step hands them in (`QualityReviews.submit`); leaving
before that stores nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from trainer.content.models import SCORECARD_WEIGHTS
from trainer.services.quality_reviews import GRADES, Answers
from trainer.ui.figures import figures_table
from trainer.ui.screens.base import TrainerScreen

if TYPE_CHECKING:
    from trainer.content.models import QualityReviewCase


class QualityReviewScreen(TrainerScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("ctrl+n", "next_step", "keys.next_step", priority=True),
    ]

    def __init__(self, track_id: str, case_id: str) -> None:
        super().__init__()
        self.track_id = track_id
        self.case_id = case_id
        self.step = 0
        self.answers = Answers()

    @property
    def case(self) -> QualityReviewCase:
        return self.context.quality_reviews.case(self.case_id)

    @property
    def steps(self) -> list[str]:
        """`brief`, `scorecard`, `pareto`, `why-0` … `why-n`, `measures`."""
        levels = [f"why-{index}" for index in range(len(self.case.five_why.levels))]
        return ["brief", "scorecard", "pareto", *levels, "measures"]

    def compose(self) -> ComposeResult:
        case, lang = self.case, self.trainer_app.tr.lang
        step = self.steps[self.step]
        part = step.split("-")[0].replace("why", "five_why")
        part_name = self.t(
            "quality_review.step_brief" if part == "brief" else f"quality_review.part_{part}"
        )
        yield Header()
        with VerticalScroll(id="quality-review"):
            yield Static(f"[b]{escape(case.title.get(lang))}[/b]", classes="card-title")
            yield Static(
                self.t(
                    "quality_review.step", step=self.step + 1, steps=len(self.steps), part=part_name
                ),
                id="qr-step",
                classes="muted",
            )
            if step == "brief":
                yield Static(escape(case.brief.get(lang).strip()), id="qr-brief")
                for table in case.tables:
                    yield Static(
                        figures_table(
                            table.title.get(lang),
                            [column.get(lang) for column in table.columns],
                            [[cell.get(lang) for cell in row] for row in table.rows],
                        ),
                        classes="qr-table",
                    )
            elif step == "scorecard":
                yield from self._scorecard()
            elif step == "pareto":
                yield from self._pareto()
            elif step.startswith("why-"):
                yield from self._why(int(step.split("-")[1]))
            else:
                yield from self._measures()
        yield Footer(compact=True)

    def _scorecard(self) -> ComposeResult:
        lang, task = self.trainer_app.tr.lang, self.case.scorecard
        second_level = self.case.tables[-1]
        yield Static(
            figures_table(
                second_level.title.get(lang),
                [column.get(lang) for column in second_level.columns],
                [[cell.get(lang) for cell in row] for row in second_level.rows],
            ),
            classes="qr-table",
        )
        rows = [
            [self.t(f"quality_review.dim_{name}"), f"{weight:g}%", f"{task.scores[name]:g}"]
            for name, weight in SCORECARD_WEIGHTS.items()
        ]
        columns = [self.t(f"quality_review.col_{key}") for key in ("dimension", "weight", "score")]
        yield Static(
            figures_table(self.t("quality_review.scorecard_table"), columns, rows),
            id="qr-scorecard",
            classes="qr-table",
        )
        yield Static(self.t("quality_review.total_prompt"))
        total = "" if self.answers.total is None else f"{self.answers.total:g}"
        yield Input(total, placeholder=self.t("quality_review.total_placeholder"), id="qr-total")
        yield Static(self.t("quality_review.grade_prompt"))
        yield OptionList(
            *(Option(self.t(f"assessment.grade_{grade}"), id=grade) for grade in GRADES),
            id="qr-grade",
        )

    def _pareto(self) -> ComposeResult:
        lang, task = self.trainer_app.tr.lang, self.case.pareto
        rows = [[cause.label.get(lang), str(cause.count)] for cause in task.causes]
        columns = [self.t("quality_review.col_cause"), self.t("quality_review.col_count")]
        yield Static(
            figures_table(self.t("quality_review.complaints_table"), columns, rows),
            id="qr-complaints",
            classes="qr-table",
        )
        yield Static(self.t("quality_review.pareto_prompt", share=f"{task.share:g}"))
        yield SelectionList[str](
            *(
                Selection(cause.label.get(lang), cause.id, cause.id in self.answers.pareto)
                for cause in task.causes
            ),
            id="qr-pareto",
        )

    def _why(self, index: int) -> ComposeResult:
        lang, task = self.trainer_app.tr.lang, self.case.five_why
        yield Static(escape(self.t("quality_review.why_problem", problem=task.problem.get(lang))))
        if index:
            chain = " → ".join(
                next(option.text.get(lang) for option in level.options if option.correct)
                for level in task.levels[:index]
            )
            yield Static(escape(self.t("quality_review.why_chain", chain=chain)), classes="muted")
        level = task.levels[index]
        yield Static(
            escape(
                self.t(
                    "quality_review.why_level",
                    level=index + 1,
                    levels=len(task.levels),
                    question=level.question.get(lang),
                )
            ),
            id="qr-why-question",
        )
        yield OptionList(
            *(
                Option(f"{number}. {escape(option.text.get(lang))}", id=str(number - 1))
                for number, option in enumerate(level.options, start=1)
            ),
            id="qr-why",
        )

    def _measures(self) -> ComposeResult:
        lang, task = self.trainer_app.tr.lang, self.case.measures
        yield Static(
            escape(self.t("quality_review.measures_prompt", question=task.question.get(lang)))
        )
        yield SelectionList[int](
            *(
                Selection(option.text.get(lang), index, index in self.answers.measures)
                for index, option in enumerate(task.options)
            ),
            id="qr-measures",
        )

    async def recompose(self) -> None:
        """Rebuild (a step further, or in the other language) keeping what was typed or
        marked on the current step."""
        self._keep()
        await super().recompose()

    def _keep(self) -> None:
        for total in self.query("#qr-total").results(Input):
            text = total.value.strip().replace(",", ".")
            try:
                self.answers.total = float(text) if text else None
            except ValueError:
                self.answers.total = None
        for pareto in self.query("#qr-pareto").results(SelectionList):
            self.answers.pareto = list(pareto.selected)
        for measures in self.query("#qr-measures").results(SelectionList):
            self.answers.measures = list(measures.selected)

    def fill(self) -> None:
        for selector in ("#qr-total", "#qr-pareto", "#qr-why", "#qr-measures"):
            found = self.query(selector)
            if found:
                found.first().focus()
                break
        grades = self.query("#qr-grade")
        if grades and self.answers.grade is not None:
            grades.first(OptionList).highlighted = GRADES.index(self.answers.grade)

    @on(Input.Submitted, "#qr-total")
    def total_given(self) -> None:
        self.query_one("#qr-grade", OptionList).focus()

    @on(OptionList.OptionSelected, "#qr-grade")
    async def grade_chosen(self, event: OptionList.OptionSelected) -> None:
        self.answers.grade = event.option.id  # type: ignore[assignment]
        await self.action_next_step()

    @on(OptionList.OptionSelected, "#qr-why")
    async def why_chosen(self, event: OptionList.OptionSelected) -> None:
        index = int(self.steps[self.step].split("-")[1])
        chosen = self.answers.five_why
        chosen.extend([None] * (index + 1 - len(chosen)))
        chosen[index] = int(event.option.id or 0)
        await self.action_next_step()

    def _collect(self) -> str | None:
        """Take the current step's answer from its widgets; the catalog key of what is
        missing, or None when the step may be left."""
        step = self.steps[self.step]
        if step == "scorecard":
            text = self.query_one("#qr-total", Input).value.strip().replace(",", ".")
            try:
                self.answers.total = float(text)
            except ValueError:
                self.answers.total = None
                return "quality_review.need_total"
            if self.answers.grade is None:
                return "quality_review.need_grade"
        elif step == "pareto":
            self.answers.pareto = list(self.query_one("#qr-pareto", SelectionList).selected)
            if not self.answers.pareto:
                return "quality_review.need_pick"
        elif step.startswith("why-"):
            index = int(step.split("-")[1])
            if len(self.answers.five_why) <= index or self.answers.five_why[index] is None:
                return "quality_review.need_why"
        elif step == "measures":
            self.answers.measures = list(self.query_one("#qr-measures", SelectionList).selected)
            if not self.answers.measures:
                return "quality_review.need_pick"
        return None

    async def action_next_step(self) -> None:
        missing = self._collect()
        if missing is not None:
            self.notify(self.t(missing), severity="warning")
            return
        if self.step + 1 < len(self.steps):
            self.step += 1
            await self.recompose()
            return
        self._hand_in()

    def _hand_in(self) -> None:
        from trainer.ui.screens.quality_review_result import QualityReviewResultScreen

        person = self.trainer_app.signed_in_person
        attempt = self.context.quality_reviews.submit(
            person, self.case_id, self.answers, self.trainer_app.tr.lang
        )
        self.notify(self.t("quality_review.handed_in", total=f"{attempt.total:g}"))
        self.app.switch_screen(QualityReviewResultScreen(self.case_id, attempt.id))
