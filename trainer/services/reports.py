"""Mentor progress reports: a PDF per mentee or for all of a mentor's mentees, and the
dashboard's figures as CSV.

The PDF uses the same embedded font as certificates (no reportlab standard font is ever
referenced, so every font in the file is embedded) and draws the four steps as bars with
their trend. The CSV starts with a byte-order mark so spreadsheet programs read its Chinese
names as UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from trainer.content.models import STEPS
from trainer.i18n import translate
from trainer.numbers import figure
from trainer.services.certificate_pdf import FONT_NAME, certificate_font
from trainer.services.mentoring import Competency, MenteeRow, local_day
from trainer.storage.records import MentorNote

CSV_COLUMNS = (
    "mentee",
    "name",
    "tracks",
    "mentor",
    "start",
    "end",
    "days_left",
    "lessons_done",
    "lessons_total",
    "best_theory",
    "best_practical",
    *(f"{step}_average" for step in STEPS),
    "weakest_step",
    "last_activity",
    "signed_off",
    "attention",
)


def csv_row(row: MenteeRow) -> list[str]:
    averages = {c.step: c.average for c in row.competencies}
    return [
        row.person_id,
        row.name,
        " ".join(row.tracks),
        row.mentor,
        local_day(row.start).isoformat(),  # the dates days_left counts in
        local_day(row.end).isoformat(),
        str(row.days_left),
        str(row.lessons_done),
        str(row.lessons_total),
        figure(row.best_theory, ""),
        figure(row.best_practical, ""),
        *(figure(averages.get(step), "") for step in STEPS),
        row.weakest_step or "",
        row.last_activity.isoformat(timespec="minutes") if row.last_activity else "",
        "yes" if row.signed_off else "no",
        " ".join(row.attention),
    ]


def dashboard_csv(rows: Sequence[MenteeRow]) -> bytes:
    """The dashboard as CSV: a header row naming the columns, one row a mentee."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(csv_row(row))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


class CompetencyBars(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """The four steps as horizontal bars (average % of weight), with the trend beside."""

    def __init__(self, items: list[tuple[str, Competency]], lang: str) -> None:
        super().__init__()
        self.items = items
        self.lang = lang
        self.width = 160 * mm
        self.height = 9 * mm * len(items)

    def draw(self) -> None:
        canvas = self.canv
        label_width, bar_width, row = 30 * mm, 90 * mm, 9 * mm
        for index, (label, competency) in enumerate(self.items):
            y = self.height - (index + 1) * row + 2 * mm
            canvas.setFont(FONT_NAME, 9)
            canvas.setFillColor(colors.black)
            canvas.drawString(0, y + 1.5 * mm, label)
            canvas.setFillColor(colors.HexColor("#e6e9ef"))
            canvas.rect(label_width, y, bar_width, 5 * mm, stroke=0, fill=1)
            average = competency.average
            if average is not None:
                canvas.setFillColor(colors.HexColor("#1f3a5f"))
                canvas.rect(label_width, y, bar_width * average / 100, 5 * mm, stroke=0, fill=1)
            canvas.setFillColor(colors.black)
            canvas.drawString(
                label_width + bar_width + 3 * mm, y + 1.5 * mm, trend_text(competency, self.lang)
            )


def trend_text(competency: Competency, lang: str) -> str:
    """`75% over 3 run(s)  ↑ +20`: the average and how the latest run compares."""
    if competency.average is None:
        return translate(lang, "reports.no_runs")
    text = translate(
        lang, "reports.average", average=f"{competency.average:g}", runs=len(competency.scores)
    )
    trend = competency.trend
    if trend is not None:
        arrow = "↑" if trend > 0 else "↓" if trend < 0 else "→"
        text += f"  {arrow} {trend:+g}"
    return text


def mentor_report_pdf(
    rows: Sequence[MenteeRow],
    notes: dict[str, list[MentorNote]],
    lang: str,
    mentor_name: str,
    organisation: str,
) -> bytes:
    """A report with one page a mentee: figures, the four steps, notes and sign-off."""
    certificate_font()

    def tr(key: str, **values: object) -> str:
        return translate(lang, f"reports.{key}", **values)

    title = ParagraphStyle("title", fontName=FONT_NAME, fontSize=18, leading=24, wordWrap="CJK")
    heading = ParagraphStyle(
        "heading",
        fontName=FONT_NAME,
        fontSize=13,
        leading=18,
        spaceBefore=6,
        spaceAfter=4,
        wordWrap="CJK",
    )
    body = ParagraphStyle("body", fontName=FONT_NAME, fontSize=9.5, leading=13, wordWrap="CJK")
    story: list[Flowable] = [
        Paragraph(tr("title", mentor=mentor_name), title),
        Paragraph(organisation, body),
        Spacer(1, 4 * mm),
    ]
    if not rows:
        story.append(Paragraph(tr("no_mentees"), body))
    for index, row in enumerate(rows):
        if index:
            story.append(PageBreak())
        story.append(Paragraph(f"{row.name} ({row.person_id})", heading))
        days = (
            tr("days_left", days=row.days_left)
            if row.days_left >= 0
            else tr("overdue", days=-row.days_left)
        )
        figures = [
            [tr("mentorship"), f"{local_day(row.start)} → {local_day(row.end)} · {days}"],
            [tr("lessons"), f"{row.lessons_done} / {row.lessons_total}"],
            [tr("best_theory"), figure(row.best_theory)],
            [tr("best_practical"), figure(row.best_practical)],
            [
                tr("weakest_step"),
                translate(lang, f"roleplay.step_{row.weakest_step}") if row.weakest_step else "-",
            ],
            [
                tr("last_activity"),
                row.last_activity.date().isoformat() if row.last_activity else "-",
            ],
            [tr("signed_off"), tr("yes") if row.signed_off else tr("no")],
            [
                tr("attention"),
                "、".join(tr(f"attention_{a}") for a in row.attention) if row.attention else "-",
            ],
        ]
        table = Table(figures, colWidths=[40 * mm, 120 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                    ("FONTSIZE", (0, 0), (-1, -1), 9.5),
                    ("TEXTCOLOR", (0, 0), (0, -1), colors.HexColor("#1f3a5f")),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8ccd4")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        story += [table, Spacer(1, 4 * mm), Paragraph(tr("competencies"), heading)]
        story.append(
            CompetencyBars(
                [(translate(lang, f"roleplay.step_{c.step}"), c) for c in row.competencies], lang
            )
        )
        story.append(Paragraph(tr("notes"), heading))
        mentee_notes = notes.get(row.person_id, [])
        for note in mentee_notes:
            stamp = note.created_at.date().isoformat()
            story.append(Paragraph(f"{stamp} · {note.mentor}: {_escape(note.text)}", body))
        if not mentee_notes:
            story.append(Paragraph(tr("no_notes"), body))

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=tr("title", mentor=mentor_name),
        author=organisation,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        initialFontName=FONT_NAME,  # no stray unembedded Helvetica
        invariant=True,
    )
    document.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
