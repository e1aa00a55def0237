"""What the CLI takes is checked before anything is stored: mentorship dates and lengths, ports,
seeds, bank ids; the files it writes are refused when they exist (without --force), are
folders or cannot be made; piped passwords lose Windows line ends; names print escaped; and a
mentorship an older version stored with a start past the calendar's end no longer breaks
reading (issue 17, findings 3, 7 and 8)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.services.context import TrainerContext
from trainer.services.mentoring import MentoringError
from trainer.storage.records import Mentorship

PASSWORD = "correct horse"


@pytest.fixture
def org(context: TrainerContext, data_dir: Path) -> TrainerContext:
    """A trainer (chen, trainer only), a mentor (liu) and a learner (li) on new_hire."""
    accounts = context.accounts
    accounts.set_up("星河电商", "陈静", PASSWORD, person_id="chen")
    boss = accounts.person("chen")
    accounts.add_person(boss, "刘洋", ["mentor"], PASSWORD, [], "liu")
    accounts.add_person(boss, "李娜", ["learner"], PASSWORD, ["new_hire"], "li")
    return context


def data_bytes(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.endswith(".lock")
    }


def run(data_dir: Path, *argv: str, lang: str = "en") -> int:
    return main(["--lang", lang, "--data", str(data_dir), *argv])


# ---------------------------------------------------------------- mentorship dates and days


@pytest.mark.parametrize(
    ("option", "value", "sentence"),
    [
        ("--start", "9999-12-31", "A mentorship starts between "),
        ("--start", "0001-01-01", "A mentorship starts between "),
        ("--days", "0", "A mentorship lasts 1 to 365 days, not 0."),
        ("--days", "-5", "A mentorship lasts 1 to 365 days, not -5."),
        ("--days", "100000", "A mentorship lasts 1 to 365 days, not 100000."),
    ],
)
def test_an_out_of_range_mentorship_is_refused_and_nothing_stored(
    org: TrainerContext,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    option: str,
    value: str,
    sentence: str,
) -> None:
    before = data_bytes(data_dir)
    assert run(data_dir, "mentor", "assign", "liu", "li", option, value) == 1
    err = capsys.readouterr().err
    assert err.startswith(sentence) and err.count("\n") == 1, err
    assert data_bytes(data_dir) == before
    # and the roster still reads: the mentor's report finds liu, who has no mentee yet
    assert run(data_dir, "report", "mentor", "liu", "--csv", str(data_dir.parent / "r.csv")) == 1
    assert capsys.readouterr().err == "liu has no mentees, so there is no report to write.\n"


def test_the_start_window_is_a_year_either_side_in_chinese_too(
    org: TrainerContext, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    today = dt.date.today()
    too_late = (today + dt.timedelta(days=366)).isoformat()
    assert run(data_dir, "mentor", "assign", "liu", "li", "--start", too_late, lang="zh") == 1
    earliest, latest = today - dt.timedelta(days=365), today + dt.timedelta(days=365)
    assert capsys.readouterr().err == (
        f"带教开始日期须在 {earliest} 到 {latest} 之间，不能是 {too_late}。\n"
    )
    start = latest.isoformat()
    assert run(data_dir, "mentor", "assign", "liu", "li", "--start", start, "--days", "365") == 0
    assert f"liu mentors li from {start} to " in capsys.readouterr().out


def test_the_service_holds_the_rule_for_the_app_as_well(org: TrainerContext) -> None:
    boss = org.accounts.person("chen")
    with pytest.raises(MentoringError) as refused:
        org.mentoring.assign(boss, "liu", "li", days=366)
    assert refused.value.catalog_key == "mentoring.bad_days"
    far = dt.datetime(2999, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(MentoringError) as refused:
        org.mentoring.assign(boss, "liu", "li", start=far)
    assert refused.value.catalog_key == "mentoring.bad_start"
    assert org.store.roster.all(Mentorship) == []


def store_mentorship_past_the_calendar(context: TrainerContext) -> None:
    """What `trainer mentor assign liu li --start 9999-12-31` stored before this check."""
    context.store.roster.insert(
        Mentorship(
            id="mentorship-far",
            mentor="liu",
            mentee="li",
            start=dt.datetime(9999, 12, 31, tzinfo=dt.UTC),
            days=30,
            assigned_by="chen",
        )
    )


def test_a_stored_mentorship_past_the_calendar_still_reports(
    org: TrainerContext, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_mentorship_past_the_calendar(org)
    pdf, table = tmp_path / "report.pdf", tmp_path / "report.csv"
    assert run(data_dir, "report", "mentor", "liu", "-o", str(pdf), "--csv", str(table)) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    row = table.read_text("utf-8-sig").splitlines()[1].split(",")
    assert row[:6] == ["li", "李娜", "new_hire", "liu", "9999-12-29", "9999-12-29"]
    # the cleared-for-duty gate reads the mentorship's end too
    boss = org.accounts.person("chen")
    result = org.assessments.assess(boss, "li", "new_hire")
    assert {c.key: c.met for c in result.gate}["mentorship"] is False


# ---------------------------------------------------------------- other numbers and ids


def test_a_port_outside_1_to_65535_is_one_sentence(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for port in ("0", "-1", "65536", "999999"):
        assert run(data_dir, "serve", "--port", port) == 2
        assert (
            capsys.readouterr().err == f"The port must be a number from 1 to 65535, not {port}.\n"
        )


def test_a_seed_no_exam_can_draw_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "exam", "preview", "frontline", "--seed", "-1"]) == 2
    assert capsys.readouterr().err == "The seed must be a number from 0 to 2147483647, not -1.\n"


def test_an_import_id_with_a_newline_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = Path(__file__).parents[1] / "data" / "formats" / "corpus.gift"
    output = tmp_path / "bank.yaml"
    argv = ["--lang", "en", "import", str(source), "-o", str(output), "--id", "bank\n"]
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith('"bank\\n" cannot be a bank id: use lowercase')
    assert not output.exists()


# ---------------------------------------------------------------- output files


def output_commands(tmp: Path, target: Path, *extra: str) -> list[list[str]]:
    source = Path(__file__).parents[1] / "data" / "formats" / "corpus.gift"
    return [
        ["report", "mentor", "liu", "-o", str(target), *extra],
        ["report", "mentor", "liu", "--csv", str(target), *extra],
        ["export", "frontline_core", "--format", "csv", "-o", str(target), *extra],
        ["import", "--template", str(target), *extra],
        ["import", str(source), "-o", str(target), *extra],
        ["certificate", "export", "-o", str(target), *extra],
        ["certificate", "issue", "li", "new_hire", "-o", str(target), *extra],
    ]


def test_an_existing_output_file_is_kept_without_force(
    org: TrainerContext, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "precious.txt"
    target.write_bytes(b"keep me")
    before = data_bytes(data_dir)
    for argv in output_commands(tmp_path, target):
        assert run(data_dir, *argv) == 2, argv
        assert capsys.readouterr().err == (
            f"{target} exists already; choose another file or add --force to replace it.\n"
        ), argv
        assert target.read_bytes() == b"keep me"
    assert data_bytes(data_dir) == before  # nothing issued either


def test_force_replaces_an_existing_output_file(
    org: TrainerContext, data_dir: Path, tmp_path: Path
) -> None:
    org.mentoring.assign(org.accounts.person("chen"), "liu", "li")
    target = tmp_path / "report.csv"
    target.write_bytes(b"old")
    assert run(data_dir, "report", "mentor", "liu", "--csv", str(target), "--force") == 0
    assert target.read_text("utf-8-sig").startswith("mentee,name")


def test_a_folder_or_a_file_in_the_way_is_one_sentence(
    org: TrainerContext, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_bytes(b"")
    before = data_bytes(data_dir)
    for argv in output_commands(tmp_path, tmp_path, "--force"):
        assert run(data_dir, *argv) == 2, argv
        assert (
            capsys.readouterr().err
            == f"{tmp_path} is a folder; give the name of a file to write.\n"
        )
    for argv in output_commands(tmp_path, a_file / "sub" / "out.pdf"):
        assert run(data_dir, *argv) == 2, argv
        assert capsys.readouterr().err == f"{a_file} is not a folder; choose another place.\n"
    assert data_bytes(data_dir) == before
    assert a_file.read_bytes() == b""


def test_a_missing_folder_is_made(org: TrainerContext, data_dir: Path, tmp_path: Path) -> None:
    org.mentoring.assign(org.accounts.person("chen"), "liu", "li")
    target = tmp_path / "reports" / "2026" / "liu.csv"
    assert run(data_dir, "report", "mentor", "liu", "--csv", str(target)) == 0
    assert target.is_file()


# ---------------------------------------------------------------- passwords and names


class _Lines(io.StringIO):
    pass


@pytest.mark.parametrize("line_end", ["\r\n", "\r", "\n"])
def test_a_piped_password_loses_its_line_end(
    org: TrainerContext,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    line_end: str,
) -> None:
    monkeypatch.setattr("sys.stdin", _Lines(f"secret1234{line_end}"))
    assert run(data_dir, "user", "passwd", "li", "--password-stdin") == 0
    assert org.accounts.sign_in("li", "secret1234").id == "li"


def rename(context: TrainerContext, person_id: str, name: str) -> None:
    """Store a name as an older version (or a hand edit) could have left it."""
    person = context.store.person(person_id)
    assert person is not None
    context.store.roster.put(person.model_copy(update={"name": name}))


def test_control_characters_in_stored_names_print_escaped(
    org: TrainerContext, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rename(org, "li", "Li\x1b[31mNa\nX")
    assert run(data_dir, "user", "list") == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "Li\\x1b[31mNa\\nX" in out
    assert len(out.splitlines()) == 3


def test_control_characters_in_a_typed_id_print_escaped(
    org: TrainerContext, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "user", "unlock", "x\x1b[2J") == 1
    assert capsys.readouterr().err == "Nobody with the id x\\x1b[2J is in the roster.\n"


def test_no_password_at_the_prompt_is_one_sentence(
    org: TrainerContext,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def end_of_input(prompt: str = "") -> str:
        raise EOFError  # what getpass does when stdin is at its end and there is no terminal

    monkeypatch.setattr("getpass.getpass", end_of_input)
    before = data_bytes(data_dir)
    assert run(data_dir, "user", "add", "王五", "--role", "learner") == 1
    assert capsys.readouterr().err.startswith("No password was given (stdin ended)")
    assert data_bytes(data_dir) == before


def test_the_json_listing_escapes_what_json_leaves_raw(
    org: TrainerContext, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    name = "Li\x9b31mNa\x7f\U000e0001"  # C1 CSI, DEL, a tag character: JSON writes them as is
    rename(org, "li", name)
    assert run(data_dir, "user", "list", "--json") == 0
    out = capsys.readouterr().out
    assert all(char.isprintable() or char == "\n" for char in out)
    assert {person["id"]: person["name"] for person in json.loads(out)}["li"] == name


def test_a_typed_code_or_bank_echoes_escaped(
    org: TrainerContext, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "verify", "x\x1b[2j") == 1
    assert capsys.readouterr().out == "No certificate has the code X\\x1b[2J: it is not genuine.\n"
    assert run(data_dir, "stats", "bank\x1b]0;pwned\x07") == 1
    assert "\x1b" not in capsys.readouterr().err


def test_a_failed_write_is_one_sentence(
    org: TrainerContext,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import errno

    def disk_full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    org.mentoring.assign(org.accounts.person("chen"), "liu", "li")
    monkeypatch.setattr("trainer.storage.files.os.fsync", disk_full)  # the write's own flush
    target = tmp_path / "liu.csv"
    assert run(data_dir, "report", "mentor", "liu", "--csv", str(target)) == 1
    assert capsys.readouterr().err == (
        f"Cannot write {target}: No space left on device. Nothing was changed.\n"
    )
    assert not target.exists() and not list(tmp_path.glob(".liu.csv.*"))  # nor half of it
