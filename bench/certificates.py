"""Benchmark: drawing certificates, against a bare reportlab page with the same text and font.

- One certificate (`render_certificate`: frame, bilingual text, the QR code, invariant mode,
  the embedded font subset), as a ratio to a bare canvas that draws the same strings in the
  same font on an A4 page. The difference is mostly the QR code's encoding (reportlab
  tries all eight masks) and the frame; measured about 2x on the reference machine.
- A batch of 200 certificates issued through the service (assessment, registry record,
  PDF written to the data folder), in seconds and per certificate.

Run: python bench/certificates.py [--repeat N] [--batch N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from trainer.services.certificate_pdf import FONT_NAME, certificate_font, render_certificate
from trainer.storage.records import Certificate


def sample(number: int = 0) -> Certificate:
    return Certificate(
        id=f"K7M2Q9X{number:03d}"[:10],
        person=f"p{number}",
        person_name="赵磊",
        organisation="星河客服中心 Galaxy Service Centre",
        track="frontline",
        track_title={"zh": "一线客服", "en": "Frontline agent"},
        final=92.4,
        grade="excellent",
        theory=88,
        practical=95.3,
        issued_at=dt.datetime(2026, 11, 23, tzinfo=dt.UTC),
        expires_at=dt.datetime(2028, 11, 23, tzinfo=dt.UTC),
    )


def bare_page(lines: list[str]) -> bytes:
    """The same strings in the same font on an A4 landscape page, nothing else."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=landscape(A4), initialFontName=FONT_NAME)
    y = 560.0
    for line in lines:
        canvas.setFont(FONT_NAME, 14)
        canvas.drawString(60, y, line)
        y -= 24
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def timed(function, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def batch(count: int) -> float:
    """Issue `count` certificates through the service on a fresh data folder."""
    from trainer.services.accounts import Accounts
    from trainer.services.assessment import Result
    from trainer.services.certificates import Certificates
    from trainer.services.context import open_context
    from trainer.settings import Settings

    with tempfile.TemporaryDirectory() as folder:
        context = open_context(Settings(data_dir=Path(folder), language="en"))
        accounts = Accounts(context.store)
        accounts.set_up("星河电商", "陈静", "correct horse", person_id="chen")
        boss = accounts.person("chen")
        for number in range(count):
            context.store.roster.insert(
                boss.model_copy(
                    update={"id": f"p{number}", "name": f"学员{number}", "roles": ["learner"]}
                )
            )

        class Passed:
            """Every learner has passed: the batch measures issuing, not assessing."""

            def assess(self, actor, person_id, track_id, at=None):  # type: ignore[no-untyped-def]
                return Result(track_id, 90, 95, 40, 60, 93, "excellent", True)

            def track(self, track_id):  # type: ignore[no-untyped-def]
                return context.library.track(track_id)

        certificates = Certificates(context.store, Passed())  # type: ignore[arg-type]
        start = time.perf_counter()
        for number in range(count):
            certificates.issue(boss, f"p{number}", "frontline")
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--batch", type=int, default=200)
    arguments = parser.parse_args()

    certificate_font()
    certificate = sample()
    pdf = render_certificate(certificate)
    lines = [
        line
        for line in PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
        if line.strip()
    ]
    render_certificate(certificate)  # warm both
    bare_page(lines)
    ours = timed(lambda: render_certificate(certificate), arguments.repeat)
    bare = timed(lambda: bare_page(lines), arguments.repeat)
    print(f"one certificate:            {ours * 1000:8.1f} ms ({len(pdf) // 1024} KB)")
    print(f"bare page, same text+font:  {bare * 1000:8.1f} ms")
    print(f"ratio:                      {ours / bare:8.2f}")
    total = batch(arguments.batch)
    print(
        f"batch of {arguments.batch} issued:       {total:8.1f} s "
        f"({total / arguments.batch * 1000:.0f} ms each, registry and files included)"
    )


if __name__ == "__main__":
    main()
