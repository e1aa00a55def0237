"""`trainer certificate issue|export|revoke` and `trainer verify`.

The shell is the operator's: these act with a trainer's rights, as `trainer user` does.
`verify` exits 0 only for a genuine, current certificate (and, with `--pdf`, the very file
issued), so a script can rely on its status.
"""

from __future__ import annotations

import sys
from pathlib import Path

from trainer.cli import printable
from trainer.cli_output import check_output, write_output
from trainer.i18n import Translator
from trainer.services.certificates import CertificateError
from trainer.services.context import TrainerContext


def certificate_issue(
    context: TrainerContext,
    person_id: str,
    track_id: str,
    output: Path | None,
    force: bool,
    tr: Translator,
) -> int:
    lang = tr.lang
    if output is not None:
        check_output(output, force, tr)  # before issuing: a refusal stores nothing
    try:
        issued = context.certificates.issue(None, person_id, track_id)
    except CertificateError as error:
        print(tr(error.catalog_key, **error.values), file=sys.stderr)
        for reason in error.reasons:
            print(f"  - {reason.render(lang)}", file=sys.stderr)
        return 1
    certificate = issued.certificate
    key = "cli.certificate_issued" if issued.new else "cli.certificate_exists"
    print(
        tr(
            key,
            name=printable(certificate.person_name),
            code=certificate.id,
            grade=tr(f"assessment.grade_{certificate.grade}"),
            final=f"{certificate.final:g}",
        )
    )
    if issued.missing_glyphs:
        print(tr("cli.missing_glyphs", chars=" ".join(issued.missing_glyphs)), file=sys.stderr)
    if output is not None:
        write_output(output, issued.pdf)
        print(tr("cli.written", path=output))
    return 0


def certificate_export(
    context: TrainerContext, track_id: str | None, output: Path, force: bool, tr: Translator
) -> int:
    from rich.progress import Progress

    check_output(output, force, tr)
    context.certificates.exportable(None, track_id)  # a refusal before the progress bar
    with Progress(transient=True) as progress:
        task = progress.add_task(tr("cli.exporting"), total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        data = context.certificates.export(None, track_id, progress=advance)
    write_output(output, data)
    import zipfile
    from io import BytesIO

    count = len(zipfile.ZipFile(BytesIO(data)).namelist())
    print(tr("cli.exported", count=count, path=output))
    return 0


def certificate_revoke(context: TrainerContext, code: str, reason: str, tr: Translator) -> int:
    revoked = context.certificates.revoke(None, code, reason)
    print(tr("cli.revoked", code=revoked.id, name=printable(revoked.person_name)))
    return 0


def verify(context: TrainerContext, code: str, pdf: Path | None, tr: Translator) -> int:
    data = None
    if pdf is not None:
        if not pdf.is_file():
            print(tr("cli.no_such_path", path=printable(str(pdf))), file=sys.stderr)
            return 2
        data = pdf.read_bytes()
    result = context.certificates.verify(code, data)
    certificate = result.certificate
    if certificate is None:
        print(tr("cli.verify_unknown", code=printable(code.upper())))
        return 1
    lang = tr.lang
    track = certificate.track_title.get(lang) or certificate.track
    facts = tr(
        "cli.verify_facts",
        name=printable(certificate.person_name),
        track=track,
        grade=tr(f"assessment.grade_{certificate.grade}"),
        final=f"{certificate.final:g}",
        issued=certificate.issued_at.date().isoformat(),
    )
    if result.status == "genuine":
        expiry = (
            tr("cli.verify_until", date=certificate.expires_at.date().isoformat())
            if certificate.expires_at
            else ""
        )
        print(tr("cli.verify_genuine", code=certificate.id) + expiry)
    elif result.status == "expired":
        assert certificate.expires_at is not None
        print(
            tr(
                "cli.verify_expired",
                code=certificate.id,
                date=certificate.expires_at.date().isoformat(),
            )
        )
    else:
        assert certificate.revoked_at is not None
        print(
            tr(
                "cli.verify_revoked",
                code=certificate.id,
                date=certificate.revoked_at.date().isoformat(),
                reason=printable(certificate.revoked_reason),
            )
        )
    print(f"  {facts}")
    if result.pdf_matches is True:
        print(tr("cli.verify_file_ok", path=pdf))
    elif result.pdf_matches is False:
        print(tr("cli.verify_file_bad", path=pdf))
    return 0 if result.ok else 1
