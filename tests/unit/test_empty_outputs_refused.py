"""Commands that would write an empty file for an unknown or empty choice refuse instead:
one sentence in the person's language, exit 1, and no file written (issue 18, item 16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.cli import main
from trainer.services.context import TrainerContext

PASSWORD = "correct horse"


@pytest.fixture
def organisation(context: TrainerContext) -> TrainerContext:
    context.accounts.set_up("星河电商", "陈静", PASSWORD, person_id="chen")
    boss = context.accounts.person("chen")
    context.accounts.add_person(boss, "赵磊", ["learner"], PASSWORD, ["frontline"], "zhao")
    return context


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "chen has no mentees, so there is no report to write.\n"),
        ("zh", "chen 没有带教学员，没有可写的报告。\n"),
    ],
)
def test_a_mentor_report_for_someone_without_mentees_is_refused(
    organisation: TrainerContext,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    sentence: str,
) -> None:
    data = str(organisation.settings.data_dir)
    pdf, csv = tmp_path / "r.pdf", tmp_path / "r.csv"
    outputs = ["-o", str(pdf), "--csv", str(csv)]
    status = main(["--lang", lang, "--data", data, "report", "mentor", "chen", *outputs])
    assert status == 1
    assert capsys.readouterr().err == sentence
    assert not pdf.exists() and not csv.exists()


@pytest.mark.parametrize(
    ("lang", "track", "sentence"),
    [
        ("en", "nosuch", "There is no track nosuch, so there are no certificates of it to export."),
        ("zh", "nosuch", "没有培训路径 nosuch，因此没有它的证书可导出。"),
        (
            "en",
            "frontline",
            "There is no current certificate of the track frontline to export, "
            "so no file was written.",
        ),
        ("en", None, "There is no current certificate to export, so no file was written."),
    ],
)
def test_a_certificate_export_with_nothing_to_export_is_refused(
    organisation: TrainerContext,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    track: str | None,
    sentence: str,
) -> None:
    data = str(organisation.settings.data_dir)
    archive = tmp_path / "all.zip"
    chosen = ["--track", track] if track else []
    status = main(
        ["--lang", lang, "--data", data, "certificate", "export", *chosen, "-o", str(archive)]
    )
    assert status == 1
    assert capsys.readouterr() == ("", sentence + "\n")
    assert not archive.exists()
