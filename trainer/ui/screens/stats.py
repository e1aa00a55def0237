"""Item analysis for trainers: each exam's spread and reliability, each question's facility
and discrimination (both percentages), flagged questions first, computed in a worker thread
(everyone's attempts are read once). A question answered too few
times to judge says so instead of being flagged; Enter on a question shows it with its
options and how it was answered."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from trainer.content.models import (
    Matching,
    MultipleChoice,
    Question,
    SingleChoice,
    TrueFalse,
)
from trainer.numbers import figure
from trainer.services.item_analysis import (
    AnswerDistribution,
    ExamStats,
    QuestionStats,
    answer_distribution,
    exam_figures,
    question_statistics,
)
from trainer.storage.records import ExamAttempt
from trainer.ui.screens.base import TrainerScreen


class StatsScreen(TrainerScreen):
    CSS_PATH = "records.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("enter", "open_question", "keys.open", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stats: dict[str, QuestionStats] = {}
        """The questions shown, by key: filled with the table."""
        self.attempts: list[ExamAttempt] = []
        """Everyone's counted attempts, as read for the figures (Enter shows their answers)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats"):
            yield Static(self.t("stats.title"), classes="card-title")
            yield Static("", id="stats-reading", classes="muted")
            yield Static(self.t("stats.exams"), classes="section-title")
            yield DataTable(id="exam-stats", show_cursor=False)
            yield Static(self.t("stats.questions"), classes="section-title")
            yield Static(
                f"{self.t('stats.percent_note')} {self.t('stats.open_hint')}", classes="muted"
            )
            yield DataTable(id="question-stats", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def fill(self) -> None:
        self.query_one("#stats-reading", Static).update(self.t("stats.reading"))
        self.read()

    @work(thread=True, exclusive=True, exit_on_error=False, group="stats")
    def read(self) -> None:
        """Everyone's attempts and their statistics, off the screen's thread: over 10,000
        attempts this takes a noticeable moment."""
        actor = self.trainer_app.signed_in_person
        analysis = self.context.item_analysis
        attempts = analysis.attempts(actor)
        points = analysis.points()
        exams = exam_figures(attempts)
        questions = question_statistics(attempts, points)
        self.app.call_from_thread(self.show, attempts, exams, questions)

    def show(
        self, attempts: list[ExamAttempt], found: list[ExamStats], stats: list[QuestionStats]
    ) -> None:
        self.attempts = attempts
        self.query_one("#stats-reading", Static).update("")
        exams = self.query_one("#exam-stats", DataTable)
        exams.clear(columns=True)
        exams.add_columns(
            *(
                self.t(f"stats.column_{name}")
                for name in ("track", "attempts", "mean", "median", "sd", "alpha")
            )
        )
        lang = self.trainer_app.tr.lang
        for exam in found:
            track = self.context.library.track(exam.track)
            exams.add_row(
                track.title.get(lang) if track else exam.track,
                str(exam.attempts),
                figure(exam.mean),
                figure(exam.median),
                figure(exam.sd),
                self.t("stats.too_few_attempts", count=exam.attempts)
                if exam.too_few_for_alpha
                else figure(exam.alpha),
            )
        questions = self.query_one("#question-stats", DataTable)
        questions.clear(columns=True)
        questions.add_columns(
            *(
                self.t(f"stats.column_{name}")
                for name in ("question", "attempts", "facility", "discrimination", "flags")
            )
        )
        stats = sorted(stats, key=lambda s: (not s.flags, s.too_few_answers, s.key))
        self.stats = {item.key: item for item in stats}
        for item in stats:
            flags: str | Text
            if item.too_few_answers:
                flags = Text(self.t("stats.too_few_answers", count=item.attempts), style="dim")
            else:
                words = ", ".join(self.t(f"stats.flag_{flag}") for flag in item.flags)
                flags = Text(words, style="bold yellow")
            questions.add_row(
                item.key,
                str(item.attempts),
                figure(item.facility),
                figure(item.discrimination),
                flags,
                key=item.key,
            )
        if not stats:
            self.query_one("#stats", VerticalScroll).mount(Static(self.t("stats.none")))

    @on(DataTable.RowSelected, "#question-stats")
    def action_open_question(self) -> None:
        from trainer.ui.dialogs.message import MessageDialog

        table = self.query_one("#question-stats", DataTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        item = self.stats.get(str(key))
        if item is None:
            return
        distribution = answer_distribution(self.attempts, item.key)
        bank = self.context.library.bank(item.bank)
        question = (
            next((q for q in bank.questions if q.id == item.question), None) if bank else None
        )
        title = self.t(
            "stats.question_title",
            key=item.key,
            attempts=item.attempts,
            facility=figure(item.facility),
            discrimination=figure(item.discrimination),
        ).replace("-%", "-")  # no discrimination: a dash, not a percentage
        self.app.push_screen(
            MessageDialog(self.trainer_app.tr, title, self._question_text(question, distribution))
        )

    def _question_text(self, question: Question | None, distribution: AnswerDistribution) -> str:
        """The question, its options (the right ones marked) and how often each was given."""
        lang = self.trainer_app.tr.lang
        counts = dict(distribution.counts)
        right = self.t("stats.correct")
        lines = []
        if question is None:
            lines.append(self.t("stats.unknown_question"))
        else:
            lines += [question.stem.get(lang), ""]
        if isinstance(question, SingleChoice | MultipleChoice):
            for index, option in enumerate(question.options):
                mark = f" ✓ {right}" if option.correct else ""
                lines.append(f"{counts.get(index, 0):>4} × {option.text.get(lang)}{mark}")
        elif isinstance(question, TrueFalse):
            for value in (True, False):
                mark = f" ✓ {right}" if value is question.answer else ""
                word = self.t("exam.true" if value else "exam.false")
                lines.append(f"{counts.get(value, 0):>4} × {word}{mark}")
        else:
            if isinstance(question, Matching):
                lines += [f"{p.left.get(lang)} → {p.right.get(lang)}" for p in question.pairs]
                lines.append("")
            lines.append(self.t("stats.distribution"))
            lines += [f"{count:>4} × {answer}" for answer, count in distribution.counts]
        lines += [
            "",
            self.t(
                "stats.answered",
                answered=distribution.answered,
                unanswered=distribution.unanswered,
            ),
        ]
        return "\n".join(lines)
