"""Drawing a certificate as a PDF: A4 landscape, Chinese and English, a QR code of its code.

Every glyph comes from WenQuanYi Micro Hei, shipped in `trainer/fonts` and embedded as a
subset, so the page looks the same on any machine and printer (reportlab's built-in
STSong-Light is not embedded and prints boxes where the reader has no Chinese font). The
canvas is drawn in reportlab's invariant mode: the same certificate always gives the same
bytes, so the SHA-256 kept in the registry can check a file later.
"""

from __future__ import annotations

import io
import itertools
from functools import lru_cache
from pathlib import Path

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from trainer.i18n import translate
from trainer.storage.records import Certificate

FONT_NAME = "WenQuanYiMicroHei"
FONT_FILE = Path(__file__).resolve().parent.parent / "fonts" / "wqy-microhei.ttc"
NAVY = colors.HexColor("#1f3a5f")
GOLD = colors.HexColor("#b08d3c")


@lru_cache(maxsize=1)
def certificate_font() -> TTFont:
    """The embedded font, registered with reportlab once per process."""
    font = TTFont(FONT_NAME, str(FONT_FILE), subfontIndex=0)
    pdfmetrics.registerFont(font)
    return font


def missing_characters(text: str) -> list[str]:
    """Characters of `text` the font cannot draw (rare name characters such as 䶮 or 𠮷)."""
    glyphs = certificate_font().face.charToGlyph
    return sorted({char for char in text if not char.isspace() and ord(char) not in glyphs})


def _both(key: str, **values: object) -> tuple[str, str]:
    return translate("zh", key, **values), translate("en", key, **values)


def _draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """A QR code of `text`, its dark modules drawn as filled runs straight on the canvas.

    reportlab's QR widget would build thousands of shape objects (most of a certificate's
    drawing time) and its renderer would pull in an unembedded Helvetica.
    """
    code = QrCodeWidget(text, barLevel="M").qr
    code.make()
    count = code.getModuleCount()
    quiet = 4  # modules of white margin that scanners need
    module = size / (count + 2 * quiet)
    canvas.saveState()
    canvas.translate(x, y + size)
    canvas.scale(module, -module)  # one unit a module, rows downwards: whole-number coordinates
    canvas.setFillColor(colors.black)
    path = canvas.beginPath()
    for row_index, row in enumerate(code.modules):
        column = 0
        for dark, run in itertools.groupby(bool(cell) for cell in row):
            length = len(list(run))
            if dark:
                path.rect(column + quiet, row_index + quiet, length, 1)
            column += length
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def render_certificate(certificate: Certificate) -> bytes:
    """The certificate's PDF."""
    certificate_font()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(
        buffer,
        pagesize=(width, height),
        invariant=True,
        pageCompression=1,
        initialFontName=FONT_NAME,  # no stray unembedded Helvetica
    )
    zh_track = certificate.track_title.get("zh") or certificate.track_title.get("en", "")
    en_track = certificate.track_title.get("en") or zh_track
    canvas.setTitle(f"{certificate.person_name} — {en_track} ({certificate.id})")
    canvas.setAuthor(certificate.organisation)

    # frame
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(3)
    canvas.rect(24, 24, width - 48, height - 48)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1)
    canvas.rect(32, 32, width - 64, height - 64)

    def centred(text: str, y: float, size: float, color: colors.Color = colors.black) -> None:
        canvas.setFillColor(color)
        canvas.setFont(FONT_NAME, size)
        canvas.drawCentredString(width / 2, y, text)

    centred(certificate.organisation, height - 80, 18, NAVY)
    title_zh, title_en = _both("certificate.title")
    centred(title_zh, height - 130, 34, NAVY)
    centred(title_en, height - 158, 16, GOLD)
    centred(" · ".join(_both("certificate.certifies")), height - 200, 12)
    centred(certificate.person_name, height - 245, 30)
    centred(" · ".join(_both("certificate.completed")), height - 280, 12)
    centred(zh_track if zh_track == en_track else f"{zh_track}  {en_track}", height - 310, 18, NAVY)

    grade_zh, grade_en = _both(f"assessment.grade_{certificate.grade}")
    label_zh, label_en = _both("certificate.grade")
    centred(f"{label_zh} {grade_zh} · {label_en} {grade_en}", height - 350, 16, GOLD)
    figures = [("certificate.final", certificate.final)]
    figures += (
        [("certificate.theory", certificate.theory)] if certificate.theory is not None else []
    )
    if certificate.practical is not None:
        figures.append(("certificate.practical", certificate.practical))
    centred(
        "  ·  ".join(f"{' '.join(_both(key))} {value:g}" for key, value in figures),
        height - 378,
        11,
    )
    dates = [f"{' '.join(_both('certificate.issued'))} {certificate.issued_at.date().isoformat()}"]
    if certificate.expires_at is not None:
        expires = certificate.expires_at.date().isoformat()
        dates.append(f"{' '.join(_both('certificate.expires'))} {expires}")
    else:
        dates.append(" ".join(_both("certificate.no_expiry")))
    centred("  ·  ".join(dates), height - 400, 11)

    # verification: the code in words and as a QR code
    code_zh, code_en = _both("certificate.code")
    canvas.setFillColor(colors.black)
    canvas.setFont(FONT_NAME, 11)
    canvas.drawString(60, 92, f"{code_zh} {code_en}")
    canvas.setFont(FONT_NAME, 20)
    canvas.drawString(60, 66, certificate.id)
    canvas.setFont(FONT_NAME, 9)
    canvas.setFillColor(colors.grey)
    canvas.drawString(60, 48, translate("en", "certificate.verify_hint", code=certificate.id))

    _draw_qr(canvas, certificate.id, width - 60 - 96, 44, 96)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
