"""`trainer user`: team, cohort and hire date, edit, import of a hire list, deactivation, and
the question before taking a mentor from their mentees."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook

from trainer.cli import main
from trainer.services.context import open_context
from trainer.settings import Settings
from trainer.storage.records import Person


class _Lines(io.StringIO):
    """stdin that is not a terminal."""

    def isatty(self) -> bool:
        return False


@pytest.fixture
def base(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    command = ["--lang", "en", "--data", str(data_dir), "user"]
    monkeypatch.setattr("sys.stdin", _Lines("first-password\n"))
    first = ["add", "陈静", "--role", "trainer", "--id", "chen", "--organisation", "Galaxy"]
    assert main([*command, *first, "--password-stdin"]) == 0
    return command


def people(data_dir: Path) -> dict[str, Person]:
    context = open_context(Settings(data_dir=data_dir, language="en"))
    return {person.id: person for person in context.accounts.people()}


def test_add_and_edit_team_cohort_and_hire_date(
    base: list[str],
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", _Lines("learner-password\n"))
    add = ["add", "Li Na", "--role", "learner", "--team", "A组", "--cohort", "2026-03"]
    assert main([*base, *add, "--hire-date", "2026-03-01", "--password-stdin"]) == 0
    assert main([*base, "add", "X", "--role", "learner", "--hire-date", "March"]) == 2
    assert "March" in capsys.readouterr().err
    assert main([*base, "edit", "li-na", "--cohort", "", "--track", "frontline"]) == 0
    assert "Changed Li Na (id li-na)." in capsys.readouterr().out
    assert main([*base, "list", "--json"]) == 0
    listed = {p["id"]: p for p in json.loads(capsys.readouterr().out)}
    assert listed["li-na"] | {"roles": None} == {
        "id": "li-na",
        "name": "Li Na",
        "roles": None,
        "tracks": ["frontline"],
        "team": "A组",
        "cohort": None,
        "hire_date": "2026-03-01",
        "active": True,
    }
    assert main([*base, "list"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("li-na"))
    assert row.endswith("frontline            A组")


HIRES = (
    "name,id,roles,tracks,team,cohort\n"
    "李娜,li-na,learner,frontline,A组,2026-03\n"
    "Bo,,mentor;learner,,A组,2026-03\n"
)


def test_import_dry_run_names_each_bad_row_and_writes_nothing(
    base: list[str], data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "hires.csv"
    source.write_text(HIRES + "Bad,li-na,boss,,,\n,,learner,,,\n", encoding="utf-8")
    assert main([*base, "import", str(source), "--dry-run"]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"{source}:4: the id li-na is already used by row 2 of this file",
        f"{source}:5: Give the person a name.",
    ]
    assert "2 person(s) would be added, 2 row(s) refused; nothing was written." in captured.out
    passwords = tmp_path / "pw.csv"
    assert main([*base, "import", str(source), "--passwords", str(passwords)]) == 1
    assert "2 row(s) refused (listed above): nobody was added." in capsys.readouterr().err
    assert not passwords.exists()
    assert list(people(data_dir)) == ["chen"]


def test_import_writes_private_one_time_passwords_that_must_be_changed(
    base: list[str], data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "hires.csv"
    source.write_bytes(
        HIRES.replace(
            "name,id,roles,tracks,team,cohort", "姓名,编号,角色,培训路径,团队,批次"
        ).encode("gbk")
    )
    assert main([*base, "import", str(source)]) == 2
    assert "--passwords" in capsys.readouterr().err
    passwords = tmp_path / "pw.csv"
    assert main([*base, "import", str(source), "--dry-run"]) == 0
    capsys.readouterr()
    assert main([*base, "import", str(source), "--passwords", str(passwords)]) == 0
    assert (
        f"Added 2 person(s). Their one-time passwords are in {passwords}" in capsys.readouterr().out
    )
    assert stat.S_IMODE(passwords.stat().st_mode) == 0o600
    lines = passwords.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "id,name,one-time password"
    rows = dict((line.split(",")[0], line.split(",")[2]) for line in lines[1:])
    assert set(rows) == {"li-na", "bo"}
    found = people(data_dir)
    assert found["bo"].must_change_password and found["bo"].team == "A组"
    context = open_context(Settings(data_dir=data_dir, language="en"))
    assert context.accounts.sign_in("bo", rows["bo"]).id == "bo"
    # the file is never replaced without --force, and the people are not added twice
    assert main([*base, "import", str(source), "--passwords", str(passwords)]) == 2
    assert "exists already" in capsys.readouterr().err


def test_import_template(
    base: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "hires.xlsx"
    assert main([*base, "import", "--template", str(template)]) == 0
    assert "hire-list template" in capsys.readouterr().out
    header = [cell.value for cell in load_workbook(template).worksheets[0][1]]
    assert header == ["name", "id", "roles", "tracks", "team", "cohort", "hire_date"]
    assert main([*base, "import", "--template", str(template)]) == 2


def test_deactivate_reactivate_and_the_question_before_taking_a_mentor(
    base: list[str],
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    context = open_context(Settings(data_dir=data_dir, language="en"))
    chen = context.accounts.person("chen")
    context.accounts.add_person(chen, "刘洋", ["mentor"], "password-1", [], "liu")
    context.accounts.add_person(chen, "李娜", ["learner"], "password-1", [], "li-na")
    context.mentoring.assign(chen, "liu", "li-na")
    capsys.readouterr()
    for action in (["deactivate", "liu"], ["remove", "liu"], ["edit", "liu", "--role", "learner"]):
        assert main([*base, *action]) == 1
        err = capsys.readouterr().err
        assert "takes a mentor from 1 mentee(s) they mentor now: 李娜" in err
        assert "--yes" in err
    assert people(data_dir)["liu"].active
    assert main([*base, "deactivate", "liu", "--yes"]) == 0
    assert "liu is deactivated" in capsys.readouterr().out
    assert not people(data_dir)["liu"].active
    assert main([*base, "deactivate", "liu", "--yes"]) == 1
    assert "already deactivated" in capsys.readouterr().err
    assert main([*base, "list"]) == 0
    assert "(deactivated)" in capsys.readouterr().out
    assert main([*base, "reactivate", "liu"]) == 0
    assert people(data_dir)["liu"].active
    monkeypatch.setattr("sys.stdin", _Lines(""))
    assert main([*base, "deactivate", "li-na"]) == 0  # no mentees: nothing to ask


def test_the_audit_log_from_the_shell(
    base: list[str],
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", _Lines("learner-password\n"))
    assert main([*base, "add", "Li Na", "--role", "learner", "--password-stdin"]) == 0
    assert main([*base, "deactivate", "li-na"]) == 0
    capsys.readouterr()
    assert main([*base, "log", "--person", "li-na", "--json"]) == 0
    events = json.loads(capsys.readouterr().out)
    assert [(e["actor"], e["action"], e["subject"]) for e in events] == [
        ("cli", "person.deactivate", "li-na"),
        ("cli", "person.add", "li-na"),
    ]
    assert main([*base, "log", "--action", "person.deactivate"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert line.split()[2:] == ["cli", "person.deactivate", "li-na"]
    assert main([*base, "log", "--action", "certificate_revoked"]) == 0
    assert capsys.readouterr().out == "No event matches.\n"
