"""Drawing a certificate as a PDF: A4 landscape, Chinese and English, a QR code of its code.

Every glyph comes from WenQuanYi Micro Hei, shipped in `trainer/fonts` and embedded as a
subset, so the page looks the same on any machine and printer (reportlab's built-in
STSong-Light is not embedded and prints boxes where the reader has no Chinese font). The
canvas is drawn in reportlab's invariant mode: the same certificate always gives the same
bytes, so the SHA-256 kept in the registry can check a file later.

A revoked certificate is drawn with a red diagonal stamp and a line by its code giving the
date and reason, so a copy saved after revocation cannot pass for a valid one. A name, an
organisation or a track too long for its line is drawn smaller, then on two lines.
"""

from __future__ import annotations

import io
import itertools
import urllib.parse
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
RED = colors.HexColor("#c0272d")
MARGIN = 80  # no text closer than this to the page's edge (the frame is at 24-32)


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


def verification_target(code: str, verify_url: str = "") -> str:
    """What the QR code holds: `<url>?code=CODE` (`&code=` when the address has a query
    already) when a verification address is configured, otherwise the bare code."""
    if not verify_url:
        return code
    joiner = "&" if urllib.parse.urlsplit(verify_url).query else "?"
    return f"{verify_url}{joiner}code={code}"


def _width(text: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, FONT_NAME, size))


def _split_in_two(text: str, size: float) -> list[str]:
    """`text` as two lines as even as can be: broken at a space when it has any (a Latin
    name), otherwise between any two characters (a Chinese name)."""
    if " " in text:
        breaks = [i for i, char in enumerate(text) if char == " "]
        pairs = [(text[:i], text[i + 1 :]) for i in breaks]
    else:
        pairs = [(text[:i], text[i:]) for i in range(1, len(text))]
    if not pairs:
        return [text]
    best = min(pairs, key=lambda pair: max(_width(pair[0], size), _width(pair[1], size)))
    return list(best)


def fit_lines(
    text: str, size: float, min_size: float, max_width: float, two_lines: bool = True
) -> tuple[list[str], float]:
    """The lines and font size that fit `text` into `max_width`: the largest size down to
    `min_size` on one line, then (if allowed) on two lines, and at the last a size below the
    minimum rather than running past the margin."""
    steps = []
    step = size
    while step >= min_size:
        steps.append(step)
        step -= 0.5
    for lines in ([text], _split_in_two(text, min_size)) if two_lines else ([text],):
        for step in steps:
            if max(_width(line, step) for line in lines) <= max_width:
                return lines, step
    widest = max(_width(line, min_size) for line in lines)
    return lines, min_size * max_width / widest


def render_certificate(certificate: Certificate, verify_url: str = "") -> bytes:
    """The certificate's PDF; `verify_url` is the configured verification address."""
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
    text_width = width - 2 * MARGIN

    # frame
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(3)
    canvas.rect(24, 24, width - 48, height - 48)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1)
    canvas.rect(32, 32, width - 64, height - 64)

    def centred(
        text: str,
        y: float,
        size: float,
        color: colors.Color = colors.black,
        min_size: float | None = None,
        leading: float = 1.15,
    ) -> None:
        """`text` centred on the line at `y`, shrunk or wrapped (two lines around `y`) when
        it is wider than the space between the margins."""
        lines, fitted = fit_lines(text, size, min_size or size * 0.8, text_width)
        canvas.setFillColor(color)
        canvas.setFont(FONT_NAME, fitted)
        top = y + (len(lines) - 1) * fitted * leading / 2
        for index, line in enumerate(lines):
            canvas.drawCentredString(width / 2, top - index * fitted * leading, line)

    centred(certificate.organisation, height - 80, 18, NAVY, min_size=10)
    title_zh, title_en = _both("certificate.title")
    centred(title_zh, height - 130, 34, NAVY)
    centred(title_en, height - 158, 16, GOLD)
    centred(" · ".join(_both("certificate.certifies")), height - 200, 12)
    centred(certificate.person_name, height - 242, 30, min_size=16, leading=1.2)
    centred(" · ".join(_both("certificate.completed")), height - 280, 12)
    track = zh_track if zh_track == en_track else f"{zh_track}  {en_track}"
    centred(track, height - 310, 18, NAVY, min_size=11)

    grade_zh, grade_en = _both(f"assessment.grade_{certificate.grade}")
    label_zh, label_en = _both("certificate.grade")
    centred(f"{label_zh} {grade_zh} · {label_en} {grade_en}", height - 345, 16, GOLD)
    figures = [("certificate.final", certificate.final)]
    figures += (
        [("certificate.theory", certificate.theory)] if certificate.theory is not None else []
    )
    if certificate.practical is not None:
        figures.append(("certificate.practical", certificate.practical))
    centred(
        "  ·  ".join(f"{' '.join(_both(key))} {value:g}" for key, value in figures),
        height - 370,
        11,
    )
    dates = [f"{' '.join(_both('certificate.issued'))} {certificate.issued_at.date().isoformat()}"]
    if certificate.expires_at is not None:
        expires = certificate.expires_at.date().isoformat()
        dates.append(f"{' '.join(_both('certificate.expires'))} {expires}")
    else:
        dates.append(" ".join(_both("certificate.no_expiry")))
    centred("  ·  ".join(dates), height - 390, 11)

    _draw_signature_and_seal(canvas)

    # verification: the code in words and as a QR code, and how an outsider checks it
    qr_size, qr_x = 96.0, width - 60 - 96
    left, line_width = 60.0, qr_x - 10 - 60
    code_zh, code_en = _both("certificate.code")
    canvas.setFillColor(colors.black)
    canvas.setFont(FONT_NAME, 10)
    canvas.drawString(left, 84, f"{code_zh} {code_en}")
    canvas.setFont(FONT_NAME, 20)
    canvas.drawString(left, 63, certificate.id)
    canvas.setFillColor(colors.HexColor("#444444"))
    if verify_url:
        hints = _both("certificate.verify_at", url=verify_url, code=certificate.id)
    else:
        hints = _both("certificate.verify_ask", code=certificate.id)
    for hint, y in zip(hints, (50, 39), strict=True):
        _, size = fit_lines(hint, 8.5, 6, line_width, two_lines=False)
        canvas.setFont(FONT_NAME, size)
        canvas.drawString(left, y, hint)
    _draw_qr(canvas, verification_target(certificate.id, verify_url), qr_x, 44, qr_size)

    if certificate.revoked_at is not None:
        _draw_revoked(canvas, certificate, width, height, left, 102, 540 - left)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_signature_and_seal(canvas: Canvas) -> None:
    """A line for the training manager's signature and a circle for the organisation's
    seal, each labelled in both languages."""
    canvas.saveState()
    canvas.setStrokeColor(colors.HexColor("#555555"))
    canvas.setLineWidth(0.75)
    line_left, line_right, line_y = 290.0, 490.0, 140.0
    canvas.line(line_left, line_y, line_right, line_y)
    canvas.setFillColor(colors.HexColor("#444444"))
    canvas.setFont(FONT_NAME, 9)
    canvas.drawCentredString(
        (line_left + line_right) / 2, line_y - 13, " ".join(_both("certificate.signature"))
    )
    centre_x, centre_y, radius = 600.0, 146.0, 34.0
    canvas.setDash(3, 2)
    canvas.circle(centre_x, centre_y, radius, stroke=1, fill=0)
    seal_zh, seal_en = _both("certificate.seal")
    canvas.setFont(FONT_NAME, 9)
    canvas.drawCentredString(centre_x, centre_y + 2, seal_zh)
    canvas.setFont(FONT_NAME, 7)
    canvas.drawCentredString(centre_x, centre_y - 9, seal_en)
    canvas.restoreState()


def _draw_revoked(
    canvas: Canvas,
    certificate: Certificate,
    width: float,
    height: float,
    left: float,
    line_y: float,
    line_width: float,
) -> None:
    """A red stamp across the page and, above the code, the date and reason of revocation."""
    assert certificate.revoked_at is not None
    date = certificate.revoked_at.date().isoformat()
    reason = " ".join(certificate.revoked_reason.split())
    stamp = " ".join(_both("certificate.revoked_stamp"))
    canvas.saveState()
    canvas.translate(width / 2, height / 2)
    canvas.rotate(24)
    canvas.setFillColor(RED)
    canvas.setStrokeColor(RED)
    canvas.setFillAlpha(0.35)
    canvas.setStrokeAlpha(0.6)
    canvas.setLineWidth(4)
    size = 72.0
    stamp_width = _width(stamp, size)
    canvas.roundRect(-stamp_width / 2 - 24, -30, stamp_width + 48, size + 40, 12)
    canvas.setFont(FONT_NAME, size)
    canvas.drawCentredString(0, 0, stamp)
    canvas.setFont(FONT_NAME, 20)
    canvas.drawCentredString(0, -22, date)
    canvas.restoreState()

    canvas.setFillColor(RED)
    # the reason once, in the words the trainer gave
    line = " · ".join(_both("certificate.revoked_on", date=date))
    line += f" · {' / '.join(_both('certificate.revoked_reason'))}: {reason}"
    lines, size = fit_lines(line, 10, 6.5, line_width, two_lines=False)
    text = lines[0]
    if _width(text, 6.5) > line_width:  # a very long reason: cut it, the registry has it all
        while text and _width(text + "…", 6.5) > line_width:
            text = text[:-1]
        text += "…"
        size = 6.5
    canvas.setFont(FONT_NAME, size)
    canvas.drawString(left, line_y, text)
