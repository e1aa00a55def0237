"""A calibration review beside the reference: per form item both scores, the deviation and
whether it is within a level, with the reference's reason; then the totals, the verdict on
the form's tolerance, the calibration score, the reference's summary and marked moments."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from trainer.ui.screens.base import TrainerScreen


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


def _right(text: str, width: int) -> str:
    return " " * max(0, width - cell_len(text)) + text


class CallReviewResultScreen(TrainerScreen):
    CSS_PATH = "call_library.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
    ]

    def __init__(self, person_id: str, review_id: str, just_submitted: bool = False) -> None:
        super().__init__()
        self.person_id = person_id
        self.review_id = review_id
        self.just_submitted = just_submitted

    def compose(self) -> ComposeResult:
        lang = self.trainer_app.tr.lang
        calls = self.context.calls
        actor = self.trainer_app.signed_in_person
        record = calls.review(actor, self.person_id, self.review_id)
        comparison = calls.stored_comparison(record)
        call, form = calls.call(record.call), calls.form
        first = calls.reviews(actor, self.person_id, record.call)[0].id == record.id
        titles = {item.id: item.title.get(lang) for item in form.items}
        width = max(cell_len(title) for title in titles.values()) + 2
        header = (
            _pad(self.t("review.col_item"), width)
            + _right(self.t("review.col_yours"), 6)
            + _right(self.t("review.col_reference"), 8)
            + _right(self.t("review.col_deviation"), 8)
        )
        rows = [f"[b]{escape(header)}[/b]"]
        for item in comparison.items:
            style = "green" if item.within else "red"
            mark = "✓" if item.within else "✗"
            off = (
                " " + self.t("review.levels_off", levels=abs(item.level_deviation))
                if item.level_deviation
                else ""
            )
            figures = f"{item.points:>6g}{item.reference:>8g}{item.deviation:>+8g}"
            rows.append(
                escape(f"{_pad(titles[item.item], width)}{figures}  ")
                + f"[{style}]{mark}{escape(off)}[/]"
            )
            reason = call.reference.scores.get(item.item)
            if reason is not None:
                rows.append(f"[dim]  {escape(reason.why.get(lang))}[/dim]")
        within = comparison.within_tolerance
        verdict = self.t(
            "review.within" if within else "review.outside",
            total=f"{comparison.tolerance_total:g}",
            levels=comparison.tolerance_levels,
        )
        totals = [
            self.t(
                "review.total_line",
                total=f"{comparison.total:g}",
                reference=f"{comparison.reference_total:g}",
                deviation=f"{comparison.deviation:+g}",
            ),
            f"[b {'green' if within else 'red'}]{escape(verdict)}[/]",
        ]
        if not comparison.veto_agrees:
            totals.append(f"[red]{escape(self.t('review.veto_disagrees'))}[/]")
        totals.append(
            self.t("review.agreement_line", agreement=f"{comparison.agreement:g}")
            + "  ·  "
            + self.t("review.counted_first" if first else "review.not_counted")
        )
        moments = [
            escape(
                self.t(
                    "review.moment_fault" if moment.fault else "review.moment_good",
                    turn=moment.turn,
                    what=moment.what.get(lang),
                )
            )
            for moment in sorted(call.reference.moments, key=lambda moment: moment.turn)
        ]
        yield Header()
        with VerticalScroll(id="call-result"):
            yield Static(
                escape(self.t("review.result_title", call=call.title.get(lang))),
                classes="card-title",
            )
            yield Static("\n".join(rows), id="result-items")
            yield Static("\n".join(totals), id="result-verdict")
            if call.reference.summary is not None:
                yield Static(self.t("review.summary_title"), classes="section-title")
                yield Static(escape(call.reference.summary.get(lang)), id="result-summary")
            if moments:
                yield Static(self.t("review.moments_title"), classes="section-title")
                yield Static("\n".join(moments), id="result-moments")
        yield Footer(compact=True)
