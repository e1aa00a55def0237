"""The gradebook as a file (xlsx, csv or pdf) and the cohort dashboard as a PDF.

- xlsx: one row per learner under a bold, frozen header in the chosen language; scores,
  lessons and totals are numbers (an empty cell where there is none), dates are dates, and
  each column is as wide as its longest text (a Chinese character counting twice).
- csv: the same rows for other programs: English column ids, values as codes (`certified`,
  `excellent`), a byte-order mark so spreadsheet programs read Chinese names as UTF-8.
- pdf: the same columns in a table on landscape A4 pages, the embedded CJK font of the
  certificates (no unembedded standard font), the date and page number on every page.
- The cohort dashboard PDF: the funnel, pass rates and the four steps as bars, the weekly
  averages, the weakest step and the most-missed questions, with the date and page numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from trainer.content.loader import ContentLibrary
from trainer.i18n import translate
from trainer.numbers import figure
from trainer.services.certificate_pdf import FONT_NAME, certificate_font
from trainer.services.cohort import CohortDashboard, question_stem
from trainer.services.gradebook import GradebookRow
from trainer.services.mentoring import local_day

FORMATS = (".xlsx", ".csv", ".pdf")

COLUMNS = (
    "id",
    "name",
    "team",
    "cohort",
    "track",
    "lessons_done",
    "lessons_total",
    "theory",
    "practical",
    "final",
    "grade",
    "cleared",
    "certificate",
    "mentor",
    "last",
    "status",
)
NUMBER_COLUMNS = frozenset({"lessons_done", "lessons_total", "theory", "practical", "final"})


def text_width(text: str) -> int:
    """Columns `text` takes in a fixed-width font: a wide (Chinese) character counts two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _track_title(library: ContentLibrary, track_id: str | None, lang: str) -> str:
    if track_id is None:
        return ""
    track = library.track(track_id)
    return track.title.get(lang) if track else track_id


def cleared_text(row: GradebookRow, lang: str) -> str | None:
    if row.cleared is None:
        return None
    if row.cleared:
        return translate(lang, "gradebook.cleared_yes")
    return translate(lang, "gradebook.cleared_no", met=row.gate_met, total=row.gate_total)


def grade_text(row: GradebookRow, lang: str) -> str | None:
    return translate(lang, f"assessment.grade_{row.grade}") if row.grade else None


def cells(row: GradebookRow, library: ContentLibrary, lang: str) -> dict[str, Any]:
    """A row's values by column, as a person reads them: numbers stay numbers (None when
    there is none), codes become words in `lang`."""
    return {
        "id": row.person_id,
        "name": row.name,
        "team": row.team or "",
        "cohort": row.cohort or "",
        "track": _track_title(library, row.track, lang),
        "lessons_done": row.lessons_done,
        "lessons_total": row.lessons_total,
        "theory": row.best_theory,
        "practical": row.practical,
        "final": row.final,
        "grade": grade_text(row, lang),
        "cleared": cleared_text(row, lang),
        "certificate": row.certificate or "",
        "mentor": row.mentor_name or "",
        "last": local_day(row.last_activity) if row.last_activity else None,
        "status": translate(lang, f"gradebook.status_{row.status}"),
    }


def cell_text(value: Any, missing: str = "-") -> str:
    """A value of `cells` as text: a number without trailing zeros, a date as ISO."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return figure(value)
    return value or missing if isinstance(value, str) else missing


def gradebook_xlsx(rows: Sequence[GradebookRow], library: ContentLibrary, lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = translate(lang, "gradebook.title")[:31]
    headers = [translate(lang, f"gradebook.column_{column}") for column in COLUMNS]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [text_width(header) for header in headers]
    for row in rows:
        values = cells(row, library, lang)
        line = [values[column] if values[column] != "" else None for column in COLUMNS]
        sheet.append(line)
        for index, value in enumerate(line):
            widths[index] = max(widths[index], text_width(cell_text(value, "")))
    last_column = COLUMNS.index("last") + 1
    for number in range(2, len(rows) + 2):
        sheet.cell(row=number, column=last_column).number_format = "yyyy-mm-dd"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filters_text(
    lang: str,
    track: str | None,
    team: str | None,
    cohort: str | None,
    status: str | None,
    search: str = "",
) -> str:
    """The filters of a report or of the screen, as one line in `lang`."""
    every = translate(lang, "gradebook.all")
    text = translate(
        lang,
        "gradebook.filters",
        track=track or every,
        team=team or every,
        cohort=cohort or every,
        status=translate(lang, f"gradebook.status_{status}") if status else every,
    )
    if search:
        text += " · " + translate(lang, "gradebook.filter_search", search=search)
    return text


def gradebook_file(
    rows: Sequence[GradebookRow],
    library: ContentLibrary,
    suffix: str,
    lang: str,
    organisation: str,
    filters: str,
) -> bytes:
    """The gradebook in the format `suffix` names (`.xlsx`, `.csv`, or else `.pdf`)."""
    if suffix.lower() == ".csv":
        return gradebook_csv(rows)
    if suffix.lower() == ".xlsx":
        return gradebook_xlsx(rows, library, lang)
    return gradebook_pdf(rows, library, lang, organisation, filters)


def gradebook_csv(rows: Sequence[GradebookRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.person_id,
                row.name,
                row.team or "",
                row.cohort or "",
                row.track or "",
                row.lessons_done,
                row.lessons_total,
                figure(row.best_theory, ""),
                figure(row.practical, ""),
                figure(row.final, ""),
                row.grade or "",
                "" if row.cleared is None else "yes" if row.cleared else "no",
                row.certificate or "",
                row.mentor or "",
                local_day(row.last_activity).isoformat() if row.last_activity else "",
                row.status,
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _styles() -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle(
            "title", fontName=FONT_NAME, fontSize=16, leading=22, wordWrap="CJK"
        ),
        "heading": ParagraphStyle(
            "heading",
            fontName=FONT_NAME,
            fontSize=12,
            leading=16,
            spaceBefore=8,
            spaceAfter=4,
            wordWrap="CJK",
        ),
        "body": ParagraphStyle("body", fontName=FONT_NAME, fontSize=9, leading=12, wordWrap="CJK"),
        "cell": ParagraphStyle("cell", fontName=FONT_NAME, fontSize=7, leading=9, wordWrap="CJK"),
    }


def _page_footer(lang: str, day: dt.date) -> Callable[[Any, Any], None]:
    """Draws the date and the page number at the foot of every page."""

    def draw(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT_NAME, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        text = translate(lang, "gradebook.report_date", date=day.isoformat(), page=document.page)
        canvas.drawRightString(document.pagesize[0] - 15 * mm, 8 * mm, text)
        canvas.restoreState()

    return draw


def _build(story: list[Flowable], title: str, author: str, pagesize: Any, footer: Any) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        title=title,
        author=author,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=16 * mm,
        initialFontName=FONT_NAME,  # no stray unembedded Helvetica
        invariant=True,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def gradebook_pdf(
    rows: Sequence[GradebookRow],
    library: ContentLibrary,
    lang: str,
    organisation: str,
    filters: str,
    day: dt.date | None = None,
) -> bytes:
    """The gradebook as a table on landscape A4 pages, its header repeated on each."""
    certificate_font()
    styles = _styles()
    day = day or dt.date.today()
    title = translate(lang, "gradebook.report_title", organisation=organisation)
    shown = [c for c in COLUMNS if c not in ("id", "lessons_total")]
    header = [
        Paragraph(
            _escape(
                translate(lang, "gradebook.column_lessons")
                if column == "lessons_done"
                else translate(lang, f"gradebook.column_{column}")
            ),
            styles["cell"],
        )
        for column in shown
    ]
    data: list[list[Any]] = [header]
    for row in rows:
        values = cells(row, library, lang)
        values["lessons_done"] = f"{row.lessons_done}/{row.lessons_total}"
        line = []
        for column in shown:
            value = values[column]
            line.append(Paragraph(_escape(cell_text(value)), styles["cell"]))
        data.append(line)
    widths = [24, 22, 14, 22, 13, 13, 13, 13, 16, 24, 22, 16, 18, 15]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e9ef")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8ccd4")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story: list[Flowable] = [
        Paragraph(_escape(title), styles["title"]),
        Paragraph(
            _escape(translate(lang, "gradebook.report_filters", filters=filters)), styles["body"]
        ),
        Spacer(1, 4 * mm),
        table if rows else Paragraph(translate(lang, "gradebook.none"), styles["body"]),
    ]
    return _build(story, title, organisation, landscape(A4), _page_footer(lang, day))


class Bars(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """Horizontal bars: a label, a bar filled to `share` (0 to 1), and a text after it."""

    def __init__(self, items: list[tuple[str, float, str]]) -> None:
        super().__init__()
        self.items = items
        self.width = 170 * mm
        self.height = 8 * mm * len(items)

    def draw(self) -> None:
        canvas = self.canv
        label_width, bar_width, row = 40 * mm, 80 * mm, 8 * mm
        for index, (label, share, after) in enumerate(self.items):
            y = self.height - (index + 1) * row + 2 * mm
            canvas.setFont(FONT_NAME, 9)
            canvas.setFillColor(colors.black)
            canvas.drawString(0, y + 1.2 * mm, label)
            canvas.setFillColor(colors.HexColor("#e6e9ef"))
            canvas.rect(label_width, y, bar_width, 4.5 * mm, stroke=0, fill=1)
            canvas.setFillColor(colors.HexColor("#1f3a5f"))
            canvas.rect(label_width, y, bar_width * max(0.0, min(share, 1.0)), 4.5 * mm, 0, 1)
            canvas.setFillColor(colors.black)
            canvas.drawString(label_width + bar_width + 3 * mm, y + 1.2 * mm, after)


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:g}%"


def step_text(average: float | None, runs: int, trend: float | None, lang: str) -> str:
    if average is None:
        return translate(lang, "cohort.no_runs")
    text = translate(lang, "cohort.average", average=f"{average:g}", runs=runs)
    if trend is not None:
        arrow = "↑" if trend > 0 else "↓" if trend < 0 else "→"
        text += "  " + translate(lang, "cohort.trend", arrow=arrow, trend=trend)
    return text


def cohort_pdf(
    dashboard: CohortDashboard,
    library: ContentLibrary,
    lang: str,
    organisation: str,
    day: dt.date | None = None,
) -> bytes:
    certificate_font()
    styles = _styles()
    day = day or dt.date.today()

    def tr(key: str, **values: object) -> str:
        return translate(lang, f"cohort.{key}", **values)

    title = tr("report_title", cohort=dashboard.cohort)
    track = (
        _track_title(library, dashboard.track, lang)
        if dashboard.track
        else tr("each_current_track")
    )
    enrolled = dashboard.funnel[0][1] or 1
    story: list[Flowable] = [
        Paragraph(_escape(title), styles["title"]),
        Paragraph(
            _escape(f"{organisation} · {tr('subtitle', count=len(dashboard.rows), track=track)}"),
            styles["body"],
        ),
        Paragraph(tr("funnel"), styles["heading"]),
        Bars(
            [
                (tr(f"stage_{stage}"), count / enrolled, f"{count} ({100 * count / enrolled:.0f}%)")
                for stage, count in dashboard.funnel
            ]
        ),
        Paragraph(tr("pass_rates"), styles["heading"]),
        Bars(
            [
                (
                    tr(f"rate_{rate.key}"),
                    (rate.percent or 0) / 100,
                    tr("rate_line", passed=rate.passed, of=rate.of, percent=percent(rate.percent)),
                )
                for rate in dashboard.pass_rates
            ]
        ),
        Paragraph(_escape(tr("steps")), styles["heading"]),
        Bars(
            [
                (
                    translate(lang, f"roleplay.step_{step.step}"),
                    (step.average or 0) / 100,
                    step_text(step.average, step.runs, step.trend, lang),
                )
                for step in dashboard.steps
            ]
        ),
        Paragraph(
            _escape(
                tr("weakest", step=translate(lang, f"roleplay.step_{dashboard.weakest_step}"))
                if dashboard.weakest_step
                else tr("no_weakest")
            ),
            styles["body"],
        ),
    ]
    weeks = sorted({week for step in dashboard.steps for week, _ in step.weeks})
    if weeks:
        story.append(Paragraph(_escape(tr("weekly")), styles["heading"]))
        by_step = {step.step: dict(step.weeks) for step in dashboard.steps}
        data: list[list[str]] = [
            [tr("week"), *(translate(lang, f"roleplay.step_{s.step}") for s in dashboard.steps)]
        ]
        for week in weeks:
            data.append(
                [week.isoformat(), *(percent(by_step[s.step].get(week)) for s in dashboard.steps)]
            )
        story.append(_table(data, [30, 30, 30, 30, 30]))
    story.append(Paragraph(tr("missed"), styles["heading"]))
    if dashboard.missed:
        rows: list[list[Any]] = [
            [tr("missed_column_question"), tr("missed_column_missed"), tr("missed_column_rate")]
        ]
        for question in dashboard.missed:
            stem = question_stem(library, question.key, lang)
            rows.append(
                [
                    Paragraph(_escape(f"{stem} ({question.key})"), styles["body"]),
                    f"{question.missed}/{question.answered}",
                    f"{question.percent:g}",
                ]
            )
        story.append(_table(rows, [130, 20, 20]))
    else:
        story.append(Paragraph(tr("no_missed"), styles["body"]))
    return _build(story, title, organisation, A4, _page_footer(lang, day))


def _table(data: list[list[Any]], widths: list[int]) -> Table:
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e9ef")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8ccd4")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
