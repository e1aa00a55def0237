"""The data folder under a careless operator and an attacker: no record is inherited, no
backup is overwritten by an empty state, and a damaged folder is a sentence, not a traceback."""

from __future__ import annotations

import io
import json
import os
import stat
import threading
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.services import accounts as accounts_module
from trainer.services.accounts import AccountError, Accounts, hash_password
from trainer.services.context import TrainerContext, open_context
from trainer.settings import Settings
from trainer.storage.files import (
    CorruptDataError,
    MissingDataError,
    StorageError,
    backup_path,
)
from trainer.storage.records import LessonDone, Person, RemovedPerson
from trainer.storage.repositories import DataStore

PASSWORD = "correct horse"


class _Lines(io.StringIO):
    """stdin for `--password-stdin`."""


@pytest.fixture
def organisation(context: TrainerContext) -> Accounts:
    context.accounts.set_up("Galaxy", "Chen Jing", PASSWORD, person_id="chen")
    return context.accounts


def _trainer(accounts: Accounts) -> Person:
    return accounts.person("chen")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


# ---------------------------------------------------------------- 1. no inherited records


def test_a_removed_persons_id_is_never_given_to_a_newcomer(
    context: TrainerContext, organisation: Accounts
) -> None:
    trainer = _trainer(organisation)
    organisation.add_person(trainer, "Zhao Lei", ["learner"], PASSWORD, ["frontline"], "zhao-lei")
    context.store.person_file("zhao-lei").insert(
        LessonDone(id="frontline/a", track="frontline", lesson="a")
    )
    organisation.remove_person(trainer, "zhao-lei")

    with pytest.raises(AccountError) as caught:
        organisation.add_person(trainer, "新同事", ["learner"], PASSWORD, [], "zhao-lei")
    assert caught.value.key == "id_taken"
    # the name alone would have made the same id: the newcomer gets another
    newcomer = organisation.add_person(trainer, "Zhao Lei", ["learner"], PASSWORD)
    assert newcomer.id == "zhao-lei1"
    assert context.store.person_file(newcomer.id).all(LessonDone) == []
    # the removed person is archived whole, not deleted
    archived = context.store.roster.get(RemovedPerson, "zhao-lei")
    assert archived is not None and archived.person.name == "Zhao Lei"
    assert archived.removed_by == "chen"
    assert "zhao-lei" not in [person.id for person in organisation.people()]


def test_the_u_number_series_goes_on_past_removed_people(organisation: Accounts) -> None:
    trainer = _trainer(organisation)
    first = organisation.add_person(trainer, "王小明", ["learner"], PASSWORD)
    assert first.id == "u1"
    organisation.remove_person(trainer, "u1")
    assert organisation.add_person(trainer, "李娜", ["learner"], PASSWORD).id == "u2"


def test_an_id_whose_record_file_exists_is_taken(
    context: TrainerContext, organisation: Accounts
) -> None:
    """Removed by an older version, which deleted the roster entry but kept the file."""
    context.store.person_file("u1").insert(
        LessonDone(id="frontline/a", track="frontline", lesson="a")
    )
    trainer = _trainer(organisation)
    assert organisation.add_person(trainer, "王小明", ["learner"], PASSWORD).id == "u2"
    with pytest.raises(AccountError) as caught:
        organisation.add_person(trainer, "X", ["learner"], PASSWORD, [], "u1")
    assert caught.value.key == "id_taken"


def test_user_remove_then_add_with_the_same_id_on_the_command_line(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--lang", "en", "--data", str(data_dir), "user"]
    monkeypatch.setattr("sys.stdin", _Lines(f"{PASSWORD}\n"))
    first = ["add", "陈静", "--role", "trainer", "--id", "chen", "--organisation", "Galaxy"]
    assert main([*base, *first, "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", _Lines(f"{PASSWORD}\n"))
    assert (
        main([*base, "add", "赵磊", "--role", "learner", "--id", "zhao-lei", "--password-stdin"])
        == 0
    )
    assert main([*base, "remove", "zhao-lei"]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", _Lines(f"{PASSWORD}\n"))
    assert (
        main([*base, "add", "新同事", "--role", "learner", "--id", "zhao-lei", "--password-stdin"])
        == 1
    )
    assert capsys.readouterr().err.strip() == "The id zhao-lei is already taken."


# ---------------------------------------------------------------- 2. no empty state over a backup


def _organisation_on_disk(data_dir: Path) -> None:
    accounts = open_context(Settings(data_dir=data_dir, language="en")).accounts
    accounts.set_up("Galaxy", "Chen Jing", PASSWORD, person_id="chen")
    accounts.add_person(None, "Li Na", ["learner"], PASSWORD, [], "li-na")  # a .bak exists now


@pytest.mark.parametrize("damage", ["missing", "null", "{}", "[]", '{"people": []}'])
def test_a_lost_or_emptied_roster_is_an_error_and_the_backup_survives(
    data_dir: Path,
    damage: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _organisation_on_disk(data_dir)
    roster = data_dir / "roster.json"
    good_backup = backup_path(roster).read_bytes()
    assert b"chen" in good_backup
    if damage == "missing":
        roster.unlink()
    else:
        roster.write_text(damage, encoding="utf-8")

    # the operator, seeing a setup prompt, tries to make a new organisation
    monkeypatch.setattr("sys.stdin", _Lines(f"{PASSWORD}\n"))
    arguments = ["--lang", "en", "--data", str(data_dir), "user", "add", "New", "--role"]
    assert main([*arguments, "trainer", "--organisation", "X", "--password-stdin"]) == 1
    err = capsys.readouterr().err
    assert str(roster) in err and str(backup_path(roster)) in err
    assert "trainer doctor --restore" in err
    assert backup_path(roster).read_bytes() == good_backup
    with pytest.raises((MissingDataError, CorruptDataError)):
        DataStore(data_dir).people()


def test_a_person_file_set_to_null_keeps_its_last_good_copy(context: TrainerContext) -> None:
    person_file = context.store.person_file("li-na")
    person_file.insert(LessonDone(id="frontline/a", track="frontline", lesson="a"))
    person_file.insert(LessonDone(id="frontline/b", track="frontline", lesson="b"))
    good_backup = backup_path(person_file.path).read_bytes()
    person_file.path.write_text("null", encoding="utf-8")
    for lesson in ("frontline/c", "frontline/d"):
        with pytest.raises(CorruptDataError):
            person_file.insert(LessonDone(id=lesson, track="frontline", lesson=lesson[-1]))
    assert backup_path(person_file.path).read_bytes() == good_backup
    assert person_file.path.read_text(encoding="utf-8") == "null"


def test_people_records_without_a_roster_are_not_an_empty_organisation(data_dir: Path) -> None:
    _organisation_on_disk(data_dir)
    DataStore(data_dir).person_file("li-na").insert(LessonDone(id="t/a", track="t", lesson="a"))
    (data_dir / "roster.json").unlink()
    backup_path(data_dir / "roster.json").unlink()
    with pytest.raises(StorageError) as caught:
        DataStore(data_dir).people()
    assert caught.value.key == "roster_missing"


# ---------------------------------------------------------------- 7. damaged folders: sentences


def _run(data_dir: Path, capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str]:
    status = main(["--lang", "en", "--data", str(data_dir), *arguments])
    return status, capsys.readouterr().err


def test_a_folder_where_the_roster_should_be(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (data_dir / "roster.json").mkdir()
    status, err = _run(data_dir, capsys, "user", "list")
    assert status == 1
    assert (
        err.strip()
        == f"{data_dir / 'roster.json'} should be a data file but is a folder: move the folder aside."
    )


@pytest.mark.parametrize(
    "content",
    ["[1, 2, 3]", "[" * 100_000 + "]" * 100_000, '"text"', "12", '{"people": {"1": 5}}'],
    ids=["list", "deeply-nested", "string", "number", "record-not-object"],
)
def test_a_roster_that_is_not_a_data_file(
    data_dir: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    (data_dir / "roster.json").write_text(content, encoding="utf-8")
    status, err = _run(data_dir, capsys, "user", "list")
    assert status == 1
    assert err.startswith(f"The data file {data_dir / 'roster.json'} is damaged (")
    assert "Traceback" not in err
    assert (data_dir / "roster.json").read_text(encoding="utf-8") == content


def test_an_unreadable_roster(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _organisation_on_disk(data_dir)
    original = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path.name == "roster.json":  # root reads through chmod 000, so refuse here
            raise PermissionError(13, "Permission denied", str(path))
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    status, err = _run(data_dir, capsys, "user", "list")
    assert status == 1
    assert "cannot be read (permission denied)" in err


def test_a_read_only_folder(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _organisation_on_disk(data_dir)
    before = _snapshot(data_dir)

    def refuse(*arguments: object, **keywords: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    monkeypatch.setattr("sys.stdin", _Lines(f"{PASSWORD}\n"))
    status, err = _run(
        data_dir, capsys, "user", "add", "Wu", "--role", "learner", "--password-stdin"
    )
    assert status == 1
    assert (
        err.strip()
        == f"Cannot write {data_dir / 'roster.json'}: Permission denied. Nothing was changed."
    )
    assert _snapshot(data_dir) == before


def test_a_read_only_roster_is_not_replaced(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _organisation_on_disk(data_dir)
    roster = data_dir / "roster.json"
    before = roster.read_bytes()
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != roster)  # root ignores 0444
    monkeypatch.setattr("sys.stdin", _Lines(f"{PASSWORD}\n"))
    status, err = _run(
        data_dir, capsys, "user", "add", "Wu", "--role", "learner", "--password-stdin"
    )
    assert status == 1
    assert "is read-only, so nothing was changed" in err
    assert roster.read_bytes() == before


@pytest.mark.parametrize(
    ("person_id", "key"),
    [
        ("zhao-lei\n", "bad_id"),
        ("cli", "reserved_id"),
        ("operator", "reserved_id"),
        ("setup", "reserved_id"),
    ],
)
def test_ids_that_would_confuse_files_or_the_audit_log_are_refused(
    organisation: Accounts, person_id: str, key: str
) -> None:
    with pytest.raises(AccountError) as caught:
        organisation.add_person(
            _trainer(organisation), "Someone", ["learner"], PASSWORD, [], person_id
        )
    assert caught.value.key == key


def test_an_id_with_a_newline_is_one_sentence_on_the_command_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _organisation_on_disk(data_dir)
    monkeypatch.setattr("sys.stdin", _Lines(f"{PASSWORD}\n"))
    status, err = _run(
        data_dir,
        capsys,
        "user",
        "add",
        "Wu",
        "--role",
        "learner",
        "--id",
        "wu\n",
        "--password-stdin",
    )
    assert status == 1
    assert err.strip().startswith('"wu\\n" is not a valid id')


def test_names_lose_control_characters_and_have_a_length_limit(organisation: Accounts) -> None:
    trainer = _trainer(organisation)
    person = organisation.add_person(
        trainer, "Li\x1b[31m Na\u202e\u200b\n", ["learner"], PASSWORD, [], "li-na"
    )
    assert person.name == "Li[31m Na"
    with pytest.raises(AccountError) as caught:
        organisation.add_person(trainer, "名" * 81, ["learner"], PASSWORD)
    assert caught.value.key == "name_long"
    assert organisation.add_person(trainer, "名" * 80, ["learner"], PASSWORD).name == "名" * 80
    with pytest.raises(AccountError) as caught:
        organisation.add_person(trainer, "\x1b\x07", ["learner"], PASSWORD)
    assert caught.value.key == "name_empty"


# ---------------------------------------------------------------- concurrency


def test_concurrent_adds_of_the_same_name_all_succeed_with_distinct_ids(
    context: TrainerContext, organisation: Accounts
) -> None:
    trainer = _trainer(organisation)
    made: list[str] = []
    failed: list[BaseException] = []

    def add() -> None:
        try:
            fresh = open_context(context.settings).accounts  # each its own session
            made.append(fresh.add_person(trainer, "Wang Fang", ["learner"], PASSWORD).id)
        except BaseException as error:
            failed.append(error)

    threads = [threading.Thread(target=add) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    assert len(set(made)) == 20
    assert sorted(made) == sorted(["wang-fang", *(f"wang-fang{n}" for n in range(1, 20))])
    events = [row for row in context.store.roster.rows("audit") if row["action"] == "person.add"]
    assert {row["subject"] for row in events} >= set(made)


def test_concurrent_first_run_setup_makes_one_organisation(context: TrainerContext) -> None:
    outcomes: list[str] = []

    def set_up(number: int) -> None:
        fresh = open_context(context.settings).accounts
        try:
            fresh.set_up(f"Org {number}", f"Trainer {number}", PASSWORD)
            outcomes.append("made")
        except AccountError as error:
            outcomes.append(error.key)

    threads = [threading.Thread(target=set_up, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_set_up"] * 9 + ["made"]
    people = context.store.people()
    assert len(people) == 1 and people[0].has_role("trainer")


# ---------------------------------------------------------------- 8. smaller


def test_the_data_folder_is_private(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    DataStore(fresh)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    DataStore(shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o700


def test_passwords_are_hashed_at_todays_cost_and_old_hashes_upgraded_at_sign_in(
    organisation: Accounts, context: TrainerContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts_module, "SCRYPT_N", 2**14)  # what the old version used
    organisation.add_person(_trainer(organisation), "Li Na", ["learner"], PASSWORD, [], "li-na")
    assert organisation.person("li-na").password_hash.startswith("scrypt$16384$8$1$")

    monkeypatch.setattr(accounts_module, "SCRYPT_N", 2**17)  # today's
    assert hash_password("x" * 8).startswith("scrypt$131072$8$1$")
    organisation.sign_in("li-na", PASSWORD)
    upgraded = organisation.person("li-na").password_hash
    assert upgraded.startswith("scrypt$131072$8$1$")
    assert organisation.sign_in("li-na", PASSWORD).id == "li-na"  # the new hash verifies
    assert organisation.person("li-na").password_hash == upgraded  # and is not redone
    with pytest.raises(AccountError):
        organisation.sign_in("li-na", "wrong password")


def test_a_hash_asking_for_absurd_memory_is_refused_not_computed(organisation: Accounts) -> None:
    from trainer.services.accounts import verify_password

    assert not verify_password(PASSWORD, "scrypt$1073741824$8$1$AAAA$AAAA")


def test_the_roster_file_json_is_what_trainer_wrote(organisation: Accounts, data_dir: Path) -> None:
    """The batch writer keeps TinyDB's layout: tables of numbered documents."""
    data = json.loads((data_dir / "roster.json").read_text(encoding="utf-8"))
    assert set(data) >= {"organisation", "people", "audit"}
    assert list(data["people"]) == ["1"]
    assert data["people"]["1"]["id"] == "chen"


# ---------------------------------------------------------------- trainer doctor


def test_doctor_reports_a_healthy_folder(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _organisation_on_disk(data_dir)
    assert main(["--lang", "en", "--data", str(data_dir), "doctor"]) == 0
    out = capsys.readouterr().out
    assert "ok       roster.json: audit 2 · organisation 1 · people 2" in out
    assert "All 1 data file(s) are in order." in out


def test_doctor_shows_the_backup_then_restores_it_keeping_the_damaged_file(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _organisation_on_disk(data_dir)
    store = DataStore(data_dir)
    lessons = store.person_file("li-na")
    for lesson in ("a", "b"):
        lessons.insert(LessonDone(id=f"frontline/{lesson}", track="frontline", lesson=lesson))
    roster = data_dir / "roster.json"
    roster.write_text("{}", encoding="utf-8")
    lessons.path.unlink()  # lost, its backup (one lesson) remains
    base = ["--lang", "en", "--data", str(data_dir), "doctor"]

    assert main(base) == 1
    out = capsys.readouterr().out
    assert "DAMAGED  roster.json" in out and "DAMAGED  people/li-na.json" in out
    assert "its backup is good: audit 1 · organisation 1 · people 1" in out
    assert "2 file(s) cannot be used; 2 can be restored" in out

    # without a terminal and without --yes nothing happens
    monkeypatch.setattr("sys.stdin", _Lines(""))
    assert main([*base, "--restore"]) == 1
    captured = capsys.readouterr()
    assert "roster.json ← its backup: audit 1 · organisation 1 · people 1" in captured.out
    assert "Not restoring without confirmation" in captured.err
    assert roster.read_text(encoding="utf-8") == "{}"

    assert main([*base, "--restore", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Restored roster.json (the damaged file is kept as roster.json.damaged-" in out
    assert "Restored people/li-na.json, which was missing." in out
    kept = next(data_dir.glob("roster.json.damaged-*"))
    assert kept.read_text(encoding="utf-8") == "{}"
    assert [person.id for person in DataStore(data_dir).people()] == ["chen"]
    assert [row.lesson for row in DataStore(data_dir).person_file("li-na").all(LessonDone)] == ["a"]
    assert main(base) == 0


def test_doctor_without_a_good_backup_restores_nothing(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (data_dir / "roster.json").write_text("[1]", encoding="utf-8")
    base = ["--lang", "zh", "--data", str(data_dir), "doctor"]
    assert main([*base, "--restore", "--yes"]) == 1
    captured = capsys.readouterr()
    assert "没有可用于恢复的备份" in captured.out
    assert "没有哪个损坏的文件有完好的备份" in captured.err
    assert (data_dir / "roster.json").read_text(encoding="utf-8") == "[1]"


def test_a_record_that_would_not_read_back_is_never_written(
    context: TrainerContext, organisation: Accounts
) -> None:
    """`model_copy` does not validate: a change that breaks a record is stopped at the write,
    before it can break every later reading of the roster."""
    roster = context.store.roster
    before = roster.path.read_bytes()
    with pytest.raises(StorageError) as caught:
        roster.update(Person, "chen", lambda person: person.model_copy(update={"roles": []}))
    assert caught.value.key == "invalid_record"
    assert "people[chen]" in caught.value.values["record"]
    assert roster.path.read_bytes() == before
    assert organisation.person("chen").roles == ["trainer", "mentor", "learner"]


def test_a_time_without_a_zone_in_a_record_is_one_sentence(
    context: TrainerContext, organisation: Accounts, capsys: pytest.CaptureFixture[str]
) -> None:
    """Edited by hand: `2026-11-01T00:00:00` cannot be compared with trainer's own times."""
    trainer = _trainer(organisation)
    organisation.add_person(trainer, "Li Na", ["learner"], PASSWORD, ["new_hire"], "li-na")
    context.mentoring.assign(trainer, "chen", "li-na")
    roster = context.store.roster.path
    data = json.loads(roster.read_text(encoding="utf-8"))
    (mentorship,) = data["mentorships"].values()
    mentorship["start"] = "2026-11-01T00:00:00"
    roster.write_text(json.dumps(data), encoding="utf-8")
    before = roster.read_bytes()
    report = context.settings.data_dir.parent / "report.csv"
    argv = ["--lang", "en", "--data", str(context.settings.data_dir), "report", "mentor", "chen"]
    assert main([*argv, "--csv", str(report)]) == 1
    err = capsys.readouterr().err
    assert "holds a record trainer cannot use, mentorships[" in err
    assert "start: Value error, a time without a time zone" in err
    assert roster.read_bytes() == before
