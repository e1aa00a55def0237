"""Certificates: issued only when passed, the PDF (text, embedded fonts, a QR code that
decodes), verification of code and file, revocation, reissue, expiry, export, the CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from trainer.cli import main
from trainer.services.certificates import CODE_ALPHABET, CertificateError, add_months
from trainer.services.context import TrainerContext, open_context
from trainer.services.marking import right_answer_value
from trainer.settings import SettingsError, load_settings
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
        "An exam-mode role-play is still to do: A parcel sent to an old address.",
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


# ---------------------------------------------------------------- issue 18: items 10 and 20

needs_poppler = pytest.mark.skipif(
    not REQUIRE_TOOLS and not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="needs poppler-utils and zbar-tools (installed by .ci/run)",
)


def page_text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_a_revoked_certificate_saves_marked_with_date_and_reason(passed: Setting) -> None:
    context, boss, _ = passed
    certificates = context.certificates
    issued = certificates.issue(boss, "zhao", "frontline")
    code = issued.certificate.id
    revoked = certificates.revoke(boss, code, "exam sat by someone else")
    assert revoked.revoked_at is not None
    date = revoked.revoked_at.date().isoformat()

    saved = certificates.pdf(boss, code)  # what the registry's Ctrl+S writes
    assert saved != issued.pdf
    text = page_text(saved)
    for expected in ("已撤销", "REVOKED", f"Revoked on {date}", f"已于 {date} 撤销"):
        assert expected in text, expected
    assert "exam sat by someone else" in text
    # the copy kept in the data folder is the marked one as well
    stored = context.settings.data_dir / "certificates" / f"{code}.pdf"
    assert stored.read_bytes() == saved
    # and verify knows the marked file for what it is: this certificate, revoked
    verification = certificates.verify(code, saved)
    assert verification.status == "revoked" and verification.pdf_matches is True
    assert not verification.ok


def test_the_page_has_a_signature_line_and_a_seal_area(passed: Setting) -> None:
    context, boss, _ = passed
    text = page_text(context.certificates.issue(boss, "zhao", "frontline").pdf)
    for label in (
        "培训负责人签字",
        "Training manager's signature",
        "机构盖章",
        "Organisation seal",
    ):
        assert label in text, label


def test_without_a_verify_address_the_reader_is_told_to_ask_the_organisation(
    passed: Setting,
) -> None:
    context, boss, _ = passed
    issued = context.certificates.issue(boss, "zhao", "frontline")
    text = " ".join(page_text(issued.pdf).split())
    code = issued.certificate.id
    assert (
        "To check this certificate, ask the training department of the issuing organisation "
        f"to verify code {code}." in text
    )
    assert f"如需查验本证书，请联系颁发机构的培训部门核验验证码 {code}。" in text
    assert "trainer verify" not in text


@needs_poppler
def test_a_configured_verify_address_is_printed_and_in_the_qr_code(
    passed: Setting, tmp_path: Path
) -> None:
    context, boss, _ = passed
    settings = dataclasses.replace(
        context.settings, certificate_verify_url="https://training.example.com/verify"
    )
    issued = open_context(settings).certificates.issue(boss, "zhao", "frontline")
    code = issued.certificate.id
    text = " ".join(page_text(issued.pdf).split())
    assert f"Verify at https://training.example.com/verify with code {code}." in text
    assert f"请在 https://training.example.com/verify 输入验证码 {code} 查验。" in text
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(issued.pdf)
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(pdf), str(tmp_path / "page")], check=True)
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(next(tmp_path.glob("page*.png")))],
        capture_output=True,
        text=True,
        check=True,
    )
    assert decoded.stdout.strip() == f"https://training.example.com/verify?code={code}"


def test_the_verify_address_setting_is_read_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRAINER_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("TRAINER_CERTIFICATE_VERIFY_URL", " https://t.example.com/v ")
    assert load_settings().certificate_verify_url == "https://t.example.com/v"
    monkeypatch.setenv("TRAINER_CERTIFICATE_VERIFY_URL", "trainer verify")
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert refused.value.key == "web_address"


@pytest.mark.skipif(
    not REQUIRE_TOOLS and not shutil.which("pdftotext"),
    reason="needs poppler-utils (installed by .ci/run)",
)
@pytest.mark.parametrize(
    "name",
    [
        "Maximilian Alexander Worthington-Smythee",  # 40 characters
        "欧阳司马诸葛慕容上官皇甫东方南宫长孙宇文",  # 20 characters
        ("WWWWWWWWW " * 8).strip(),  # the longest name the roster takes, in its widest letter
        "欧" * 80,
    ],
)
def test_a_long_name_is_drawn_whole_inside_the_margins(
    passed: Setting, tmp_path: Path, name: str
) -> None:
    context, boss, _ = passed
    context.accounts.update_person(boss, "zhao", name, ["learner"], ["frontline"])
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(context.certificates.issue(boss, "zhao", "frontline").pdf)
    assert "".join(name.split()) in "".join(page_text(pdf.read_bytes()).split())
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))  # type: ignore[union-attr]
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', boxes)
    assert words
    for left, right in words:  # 20 points clear of the gold frame (32 points from the edge)
        assert float(left) >= 52 and float(right) <= width - 52, (left, right)
