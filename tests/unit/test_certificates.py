"""Certificates: issued only when passed, the PDF (text, embedded fonts, a QR code that
decodes), verification of code and file, revocation, reissue, expiry, export, the CLI."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from trainer.cli import main
from trainer.services.certificates import CODE_ALPHABET, CertificateError, add_months
from trainer.services.context import TrainerContext
from trainer.services.marking import right_answer_value
from trainer.storage.records import Person

PASSWORD = "correct horse"
Setting = tuple[TrainerContext, Person, Person]
REQUIRE_TOOLS = os.environ.get("TRAINER_REQUIRE_PDF_TOOLS") == "1"


def pass_frontline(context: TrainerContext, person: Person, lessons: bool = True) -> None:
    """Finish every frontline lesson (unless `lessons` is false), sit the exam with every
    answer right and play its role-play well."""
    track = context.library.track("frontline")
    assert track is not None
    for lesson in track.lessons if lessons else []:
        context.progress.mark_lesson_done(person, track, lesson.id)
    exams = context.exams
    attempt = exams.start(person, "frontline")
    for item in exams.paper(attempt):
        exams.answer(person, attempt.id, item.key, right_answer_value(item.question))
    exams.submit(person, attempt.id)
    scenario = context.library.scenario("wrong_address")  # the frontline practical
    assert scenario is not None
    live = context.roleplays.start(person, "wrong_address", "exam", "zh")
    for turn in scenario.tests[0].turns:
        if turn.say is not None:
            live.say(turn.say)
        else:
            live.pick(turn.pick or 1)
    assert live.scorecard().passed


@pytest.fixture
def passed(context: TrainerContext) -> Setting:
    context.accounts.set_up("星河电商", "陈静", PASSWORD, person_id="chen")
    boss = context.accounts.person("chen")
    learner = context.accounts.add_person(
        boss, "赵磊", ["learner"], PASSWORD, ["frontline"], "zhao"
    )
    context.accounts.add_person(boss, "孙悦", ["learner"], PASSWORD, ["frontline"], "sun")
    pass_frontline(context, learner)
    return context, boss, learner


def fonts_of(reader: PdfReader) -> list[tuple[str, bool]]:
    """(font name, embedded?) for every font the pages use."""
    found = []
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for reference in fonts.values():
            font = reference.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.append((str(font["/BaseFont"]), embedded))
    return found


def test_issued_certificate_pdf_holds_the_facts_in_embedded_fonts(
    passed: Setting, tmp_path: Path
) -> None:
    context, boss, _ = passed
    issued = context.certificates.issue(boss, "zhao", "frontline")
    certificate = issued.certificate
    assert len(certificate.id) == 10 and set(certificate.id) <= set(CODE_ALPHABET)
    assert (certificate.final, certificate.grade) == (100, "excellent")
    assert certificate.expires_at == add_months(certificate.issued_at, 24)
    reader = PdfReader(io.BytesIO(issued.pdf))
    text = reader.pages[0].extract_text()
    for expected in (
        "赵磊",
        "一线客服",
        "Frontline agent",
        "优秀",
        "Excellent",
        certificate.id,
        "星河电商",
        "结业证书",
    ):
        assert expected in text
    fonts = fonts_of(reader)
    assert fonts and all(embedded for _, embedded in fonts), fonts
    assert all("WenQuanYiMicroHei" in name for name, _ in fonts)
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert width > height  # landscape
    # the registry's hash is of this very file, and the file is kept in the data folder
    assert context.certificates.verify(certificate.id, issued.pdf).ok
    stored = context.settings.data_dir / "certificates" / f"{certificate.id}.pdf"
    assert stored.read_bytes() == issued.pdf


@pytest.mark.skipif(
    not REQUIRE_TOOLS and not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="needs poppler-utils and zbar-tools (installed by .ci/run)",
)
def test_the_qr_code_decodes_to_the_verification_code(passed: Setting, tmp_path: Path) -> None:
    context, boss, _ = passed
    issued = context.certificates.issue(boss, "zhao", "frontline")
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(issued.pdf)
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(pdf), str(tmp_path / "page")], check=True)
    image = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True
    )
    assert decoded.stdout.strip() == issued.certificate.id


def test_no_certificate_without_a_pass_and_the_reasons_say_why(passed: Setting) -> None:
    context, boss, _ = passed
    with pytest.raises(CertificateError) as refused:
        context.certificates.issue(boss, "sun", "frontline")
    assert refused.value.key == "not_passed"
    lessons = len(context.library.tracks["frontline"].model.lessons)
    assert [note.render("en") for note in refused.value.reasons] == [
        f"0 of {lessons} lessons are done.",
        "The theory exam has not been taken yet.",
        "An exam-mode role-play is still to do: 包裹寄到了旧地址.",
    ]
    assert context.certificates.all() == []


def test_no_certificate_after_one_lesson_even_with_full_marks(passed: Setting) -> None:
    """The certificate says "has completed the training track": every lesson is needed."""
    context, boss, _ = passed
    sun = context.accounts.person("sun")
    pass_frontline(context, sun, lessons=False)
    track = context.library.track("frontline")
    assert track is not None
    context.progress.mark_lesson_done(sun, track, track.lessons[0].id)
    with pytest.raises(CertificateError) as refused:
        context.certificates.issue(boss, "sun", "frontline")
    assert [note.render("en") for note in refused.value.reasons] == [
        f"1 of {len(track.lessons)} lessons are done."
    ]
    assert context.certificates.all() == []


def test_issuing_twice_returns_the_current_certificate(passed: Setting) -> None:
    context, boss, learner = passed
    first = context.certificates.issue(learner, "zhao", "frontline")  # the learner claims it
    again = context.certificates.issue(boss, "zhao", "frontline")
    assert again.certificate.id == first.certificate.id and not again.new
    assert len(context.certificates.all()) == 1


def test_verify_revoke_reissue_expire(passed: Setting) -> None:
    context, boss, _ = passed
    certificates = context.certificates
    issued = certificates.issue(boss, "zhao", "frontline")
    code = issued.certificate.id
    assert certificates.verify(code.lower()).status == "genuine"  # read back forgivingly
    changed = issued.pdf.replace(b"WenQuanYi", b"WenQuanYj", 1)
    assert certificates.verify(code, changed).pdf_matches is False
    assert certificates.verify("ZZZZZZZZZZ").status == "unknown"
    later = issued.certificate.expires_at + dt.timedelta(days=1)  # type: ignore[operator]
    assert certificates.verify(code, at=later).status == "expired"

    replacement = certificates.reissue(boss, code)
    assert replacement.certificate.replaces == code and replacement.certificate.id != code
    assert certificates.verify(code).status == "revoked"
    assert certificates.get(code).revoked_reason == f"reissued as {replacement.certificate.id}"  # type: ignore[union-attr]
    assert certificates.verify(replacement.certificate.id, replacement.pdf).ok
    certificates.revoke(boss, replacement.certificate.id, "issued in error")
    assert certificates.verify(replacement.certificate.id).status == "revoked"
    with pytest.raises(CertificateError):
        certificates.revoke(boss, replacement.certificate.id, "again")


def test_a_name_the_font_cannot_draw_is_warned_about(passed: Setting) -> None:
    context, boss, _ = passed
    context.accounts.update_person(boss, "zhao", "李䶮", ["learner"], ["frontline"])
    issued = context.certificates.issue(boss, "zhao", "frontline")
    assert issued.missing_glyphs == ["䶮"]


def test_export_zips_current_certificates(passed: Setting) -> None:
    context, boss, _ = passed
    code = context.certificates.issue(boss, "zhao", "frontline").certificate.id
    seen: list[tuple[int, int]] = []
    data = context.certificates.export(boss, "frontline", progress=lambda d, t: seen.append((d, t)))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == [f"frontline/zhao-{code}.pdf"]
    assert seen == [(1, 1)]


def test_cli_issue_verify_revoke_export(
    passed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    context, _, _ = passed
    base = ["--lang", "en", "--data", str(context.settings.data_dir)]
    out_file = tmp_path / "zhao.pdf"
    assert main([*base, "certificate", "issue", "sun", "frontline"]) == 1
    err = capsys.readouterr().err
    assert "孙悦 has not passed the track frontline yet" in err
    assert "The theory exam has not been taken yet." in err

    assert main([*base, "certificate", "issue", "zhao", "frontline", "-o", str(out_file)]) == 0
    out = capsys.readouterr().out
    code = context.certificates.all()[0].id
    assert code in out and out_file.is_file()

    assert main([*base, "verify", code, "--pdf", str(out_file)]) == 0
    assert "genuine and current" in capsys.readouterr().out
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(out_file.read_bytes() + b"%")
    assert main([*base, "verify", code, "--pdf", str(tampered)]) == 1
    assert "is not the file issued" in capsys.readouterr().out
    assert main([*base, "verify", "ABCDEFGHJK"]) == 1
    assert "No certificate has the code ABCDEFGHJK" in capsys.readouterr().out

    archive = tmp_path / "all.zip"
    assert main([*base, "certificate", "export", "-o", str(archive)]) == 0
    assert zipfile.ZipFile(archive).namelist() == [f"frontline/zhao-{code}.pdf"]
    capsys.readouterr()

    assert main([*base, "certificate", "revoke", code, "--reason", "issued in error"]) == 0
    assert main([*base, "verify", code]) == 1
    assert "revoked" in capsys.readouterr().out
