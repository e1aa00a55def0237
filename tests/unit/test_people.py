"""People management in the services: team, cohort and hire date, deactivation, the hire-list
import (checking every row, all or nothing, one-time passwords), current mentors and the
audit log."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from trainer.i18n import translate
from trainer.services import accounts as accounts_module
from trainer.services.accounts import AccountError, verify_password
from trainer.services.context import TrainerContext
from trainer.services.mentoring import MentoringError
from trainer.services.people_import import (
    PeopleImportError,
    check_people_file,
    decode_csv,
    read_people_file,
    template_xlsx,
)
from trainer.storage.records import AuditEvent, Person

pytestmark = pytest.mark.both_stores  # the services must behave the same on both

PASSWORD = "correct horse"


@pytest.fixture
def org(context: TrainerContext) -> TrainerContext:
    context.accounts.set_up("Galaxy", "Chen Jing", PASSWORD, person_id="chen")
    return context


def trainer(context: TrainerContext) -> Person:
    return context.accounts.person("chen")


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# ---------------------------------------------------------------- details


def test_team_cohort_and_hire_date_are_stored_and_kept_by_an_edit(org: TrainerContext) -> None:
    accounts = org.accounts
    accounts.add_person(
        trainer(org),
        "Li Na",
        ["learner"],
        PASSWORD,
        ["frontline"],
        "li-na",
        team="  Team\tA ",
        cohort="2026-03",
        hire_date=dt.date(2026, 3, 1),
    )
    person = accounts.person("li-na")
    assert (person.team, person.cohort, person.hire_date) == (
        "Team A",
        "2026-03",
        dt.date(2026, 3, 1),
    )
    accounts.update_person(trainer(org), "li-na", "Li Na", ["learner", "mentor"], [])
    assert accounts.person("li-na").team == "Team A"  # not given: kept
    accounts.update_person(trainer(org), "li-na", "Li Na", ["learner"], [], team="", cohort=None)
    person = accounts.person("li-na")
    assert (person.team, person.cohort, person.hire_date) == (None, None, dt.date(2026, 3, 1))
    with pytest.raises(AccountError) as refused:
        accounts.update_person(trainer(org), "li-na", "Li Na", ["learner"], [], team="x" * 81)
    assert refused.value.key == "label_long"


# ---------------------------------------------------------------- deactivation


def test_deactivated_people_keep_their_records_but_cannot_sign_in(org: TrainerContext) -> None:
    accounts = org.accounts
    accounts.add_person(trainer(org), "Li Na", ["learner", "mentor"], PASSWORD, [], "li-na")
    accounts.deactivate(trainer(org), "li-na")
    with pytest.raises(AccountError) as refused:
        accounts.sign_in("li-na", PASSWORD)
    assert refused.value.key == "deactivated"
    assert not accounts.person("li-na").active
    # no mentor picker offers them, and the service refuses them as mentors
    accounts.add_person(trainer(org), "Bo", ["learner"], PASSWORD, [], "bo")
    with pytest.raises(MentoringError) as not_mentor:
        org.mentoring.assign(trainer(org), "li-na", "bo")
    assert not_mentor.value.key == "mentor_deactivated"
    # the id stays theirs
    with pytest.raises(AccountError) as taken:
        accounts.add_person(trainer(org), "Other", ["learner"], PASSWORD, [], "li-na")
    assert taken.value.key == "id_taken"
    accounts.reactivate(trainer(org), "li-na")
    assert accounts.sign_in("li-na", PASSWORD).id == "li-na"
    actions = [e.action for e in accounts.audit_log(trainer(org), person="li-na")]
    assert actions[:2] == ["person.reactivate", "person.deactivate"]


def test_the_last_active_trainer_and_oneself_cannot_be_deactivated(org: TrainerContext) -> None:
    accounts = org.accounts
    with pytest.raises(AccountError) as last:
        accounts.deactivate(None, "chen")
    assert last.value.key == "last_trainer_deactivate"
    with pytest.raises(AccountError) as self_:
        accounts.deactivate(trainer(org), "chen")
    assert self_.value.key == "cannot_deactivate_self"
    accounts.add_person(trainer(org), "Wu", ["trainer"], PASSWORD, [], "wu")
    accounts.deactivate(None, "wu")
    # a deactivated trainer does not count: chen is still the last one who can sign in
    with pytest.raises(AccountError) as still_last:
        accounts.update_person(None, "chen", "Chen Jing", ["learner"], [])
    assert still_last.value.key == "last_trainer"


# ---------------------------------------------------------------- import: checking rows

HEADER = "name,id,roles,tracks,team,cohort,hire_date\n"


def test_every_bad_row_is_named_with_its_spreadsheet_row_and_reason(
    org: TrainerContext, tmp_path: Path
) -> None:
    org.accounts.add_person(trainer(org), "Gone", ["learner"], PASSWORD, [], "gone")
    org.accounts.remove_person(trainer(org), "gone")
    source = write_csv(
        tmp_path / "hires.csv",
        HEADER
        + "李娜,li-na,learner,frontline,A组,2026-03,2026-03-01\n"  # row 2: fine
        + "Bad,li-na,learner,,,,\n"  # 3: id used by row 2
        + ",x1,learner,,,,\n"  # 4: no name
        + "C,chen,learner,,,,\n"  # 5: someone's id
        + "D,gone,learner,,,,\n"  # 6: a removed person's id
        + "E,,boss,,,,\n"  # 7: unknown role
        + "F,,learner,nope,,,\n"  # 8: unknown track
        + "G,,learner,,,,2026-13-01\n"  # 9: no such date
        + "H,Bad Id!,learner,,,,\n"  # 10: not an id
        + "I,,,,,,\n"  # 11: no role
        + ",,,,,,\n"  # 12: blank, left out
        + "J,,学员;导师,一线客服,,,2026/3/2\n",  # 13: Chinese roles, a track by title
    )
    plan = check_people_file(source, org.accounts, org.library)
    reasons = {refusal.row: refusal.message("en") for refusal in plan.refused}
    assert reasons == {
        3: "Row 3: the id li-na is already used by row 2 of this file",
        4: "Row 4: Give the person a name.",
        5: "Row 5: the id chen is already someone's in the organisation",
        6: "Row 6: the id gone belonged to someone removed from the roster and is never given again",
        7: 'Row 7: unknown role "boss" (roles are learner, mentor, trainer)',
        8: 'Row 8: unknown track "nope" (`trainer validate` lists the tracks)',
        9: 'Row 9: "2026-13-01" is not a date; write the hire date as YYYY-MM-DD',
        10: 'Row 10: "bad id!" is not a valid id: use lower-case letters, digits, - and _ (at most 40).',
        11: "Row 11: no role given (learner, mentor or trainer)",
    }
    assert plan.refused[0].message("zh") == "第 3 行：编号 li-na 已被本文件第 2 行使用"
    assert [(p.row, p.person_id, p.roles, p.tracks) for p in plan.people] == [
        (2, "li-na", ["learner"], ["frontline"]),
        (13, "j", ["learner", "mentor"], ["frontline"]),
    ]
    assert plan.people[1].hire_date == dt.date(2026, 3, 2)
    assert not plan.ok
    with pytest.raises(AccountError) as refused:
        org.accounts.import_people(trainer(org), plan)
    assert refused.value.key == "import_refused"
    assert [p.id for p in org.accounts.people()] == ["chen"]  # nothing half-imported


def test_chinese_headers_in_gbk_and_utf8_with_bom_read_the_same(tmp_path: Path) -> None:
    text = "姓名,编号,角色,培训路径,团队,批次\n李娜,li-na,学员,frontline,一组,三月\n"
    gbk = read_people_file(write_csv(tmp_path / "gbk.csv", text, "gbk"))
    bom = read_people_file(write_csv(tmp_path / "bom.csv", text, "utf-8-sig"))
    assert gbk == bom
    [(row, cells)] = gbk
    assert row == 2 and cells["name"] == "李娜" and cells["team"] == "一组"
    assert decode_csv("名".encode("gb18030")) == "名"


def test_a_file_that_cannot_be_a_hire_list_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(PeopleImportError) as unknown:
        read_people_file(write_csv(tmp_path / "a.csv", "name,roles,salary\nA,learner,1\n"))
    assert unknown.value.key == "unknown_columns"
    with pytest.raises(PeopleImportError) as missing:
        read_people_file(write_csv(tmp_path / "b.csv", "name,team\nA,x\n"))
    assert missing.value.key == "missing_columns"
    with pytest.raises(PeopleImportError) as empty:
        read_people_file(write_csv(tmp_path / "c.csv", HEADER))
    assert empty.value.key == "no_rows"
    (tmp_path / "d.xlsx").write_bytes(b"not a zip")
    with pytest.raises(PeopleImportError) as not_xlsx:
        read_people_file(tmp_path / "d.xlsx")
    assert not_xlsx.value.key == "not_xlsx"
    (tmp_path / "e.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(PeopleImportError) as old_excel:
        read_people_file(tmp_path / "e.xls")
    assert old_excel.value.key == "not_supported"
    assert "save it as .xlsx or CSV" in translate(
        "en", old_excel.value.catalog_key, **old_excel.value.values
    )


def test_an_xlsx_hire_list_with_dates_and_a_gap_keeps_the_sheet_row_numbers(
    tmp_path: Path,
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Name", "Roles", "Hire date", "ID"])
    sheet.append(["Li Na", "learner", dt.datetime(2026, 3, 1), 1001])
    sheet.append([None, None, None, None])
    sheet.append(["Bo", "Mentor", None, None])
    path = tmp_path / "hires.xlsx"
    workbook.save(path)
    rows = read_people_file(path)
    assert [row for row, _ in rows] == [2, 4]
    assert rows[0][1]["hire_date"] == dt.datetime(2026, 3, 1)


def test_the_template_has_the_columns_in_the_language_asked(tmp_path: Path) -> None:
    for lang, header in (
        ("en", ["name", "id", "roles", "tracks", "team", "cohort", "hire_date"]),
        ("zh", ["姓名", "编号", "角色", "培训路径", "团队", "批次", "入职日期"]),
    ):
        workbook = load_workbook(io.BytesIO(template_xlsx(lang)))
        first = workbook.worksheets[0]
        assert [cell.value for cell in first[1]] == header
        assert first.max_row == 1  # no example row that could be imported by mistake
        path = tmp_path / f"{lang}.xlsx"
        path.write_bytes(template_xlsx(lang))
        with pytest.raises(PeopleImportError):
            read_people_file(path)  # empty, but its header is accepted
        first.append(["Li Na", "", "learner"])
        workbook.save(path)
        assert read_people_file(path)[0][1]["roles"] == "learner"


# ---------------------------------------------------------------- import: writing


def test_an_import_adds_everyone_in_one_write_with_one_time_passwords(
    org: TrainerContext, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "hires.csv",
        HEADER + "李娜,li-na,learner,frontline,A组,2026-03,2026-03-01\nBo,,mentor,,,,\n",
    )
    plan = check_people_file(source, org.accounts, org.library)
    delivered: list[tuple[str, str]] = []
    added = org.accounts.import_people(
        trainer(org), plan, lambda pairs: delivered.extend((p.id, pw) for p, pw in pairs)
    )
    assert [(p.id, p.team, p.cohort) for p, _ in added] == [
        ("li-na", "A组", "2026-03"),
        ("bo", None, None),
    ]
    assert delivered == [(p.id, pw) for p, pw in added]
    passwords = dict(delivered)
    assert len(set(passwords.values())) == 2 and all(len(pw) >= 14 for pw in passwords.values())
    stored = org.accounts.person("li-na")
    assert stored.must_change_password
    assert stored.password_hash.split("$")[1] == str(accounts_module.ONE_TIME_SCRYPT_N)
    assert passwords["li-na"] not in stored.password_hash
    # the first sign-in works with the one-time password, and the new one must differ
    person = org.accounts.sign_in("li-na", passwords["li-na"])
    assert person.must_change_password
    with pytest.raises(AccountError) as same:
        org.accounts.set_password(person, "li-na", passwords["li-na"])
    assert same.value.key == "password_unchanged"
    org.accounts.set_password(person, "li-na", "my own password")
    changed = org.accounts.person("li-na")
    assert not changed.must_change_password
    assert verify_password("my own password", changed.password_hash)
    events = [e for e in org.store.roster.all(AuditEvent) if e.action == "person.import"]
    assert sorted(e.subject for e in events) == ["bo", "li-na"]


def test_an_import_whose_delivery_fails_adds_nobody(org: TrainerContext, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "hires.csv", HEADER + "Bo,,mentor,,,,\n")
    plan = check_people_file(source, org.accounts, org.library)

    def fail(pairs: object) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError):
        org.accounts.import_people(trainer(org), plan, fail)
    assert [p.id for p in org.accounts.people()] == ["chen"]
    assert not [e for e in org.store.roster.all(AuditEvent) if e.action == "person.import"]


def test_an_id_taken_between_the_check_and_the_import_adds_nobody(
    org: TrainerContext, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "hires.csv", HEADER + "Bo,bo,mentor,,,,\nLi,li,learner,,,,\n")
    plan = check_people_file(source, org.accounts, org.library)
    org.accounts.add_person(trainer(org), "Li", ["learner"], PASSWORD, [], "li")
    with pytest.raises(AccountError) as taken:
        org.accounts.import_people(trainer(org), plan)
    assert (taken.value.key, taken.value.values["row"]) == ("import_id_taken", 3)
    assert sorted(p.id for p in org.accounts.people()) == ["chen", "li"]


def test_only_a_trainer_imports(org: TrainerContext, tmp_path: Path) -> None:
    from trainer.services.access import AccessDenied

    learner = org.accounts.add_person(trainer(org), "Li", ["learner"], PASSWORD, [], "li")
    plan = check_people_file(
        write_csv(tmp_path / "h.csv", HEADER + "Bo,,mentor,,,,\n"), org.accounts, org.library
    )
    with pytest.raises(AccessDenied):
        org.accounts.import_people(learner, plan)


# ---------------------------------------------------------------- mentors and the log


def test_current_mentor_and_active_mentees(org: TrainerContext) -> None:
    accounts, mentoring = org.accounts, org.mentoring
    for person_id in ("liu", "wang"):
        accounts.add_person(trainer(org), person_id, ["mentor"], PASSWORD, [], person_id)
    accounts.add_person(trainer(org), "Li", ["learner"], PASSWORD, [], "li")
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    mentoring.assign(trainer(org), "liu", "li", start=start)
    assert mentoring.active_mentees("liu") == ["li"]
    mentoring.assign(trainer(org), "wang", "li")
    current = mentoring.current_mentor("li")
    assert current is not None and current.mentor == "wang"
    assert mentoring.active_mentees("liu") == [] and mentoring.active_mentees("wang") == ["li"]
    assert [m.mentor for m in mentoring.mentorships("li")] == ["liu", "wang"]  # history kept
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    assert mentoring.current_mentor("li", later) is None  # over
    log = accounts.audit_log(trainer(org), action="mentor")
    assert [e.detail.split()[0] for e in log] == ["wang", "liu"]  # newest first
    assert all(e.subject == "li" and e.actor == "chen" for e in log)


def test_the_audit_log_filters_by_person_and_action(org: TrainerContext) -> None:
    accounts = org.accounts
    accounts.add_person(trainer(org), "Li", ["learner"], PASSWORD, [], "li")
    accounts.add_person(None, "Bo", ["learner"], PASSWORD, [], "bo")
    accounts.unlock(trainer(org), "li")
    assert [e.action for e in accounts.audit_log(None, person="li")] == [
        "person.unlock",
        "person.add",
    ]
    assert [e.subject for e in accounts.audit_log(None, action="person.add")] == [
        "bo",
        "li",
        "chen",
    ]
    assert [e.actor for e in accounts.audit_log(None, person="cli")] == ["cli"]


def test_a_batch_finds_what_it_inserted_and_removed(org: TrainerContext) -> None:
    """The batch's id index (an import inserts thousands of records in one batch) agrees
    with the records after inserts, a removal and a put."""
    from trainer.storage.records import new_id

    with org.store.roster.batch() as roster:
        first = AuditEvent(id=new_id("evt"), actor="cli", action="x", subject="a")
        second = AuditEvent(id=new_id("evt"), actor="cli", action="y", subject="b")
        roster.insert(first)
        roster.insert(second)
        assert roster.contains("audit", first.id)
        roster.remove("audit", first.id)
        assert not roster.contains("audit", first.id)
        roster.insert(first.model_copy(update={"action": "z"}))
        roster.put(second.model_copy(update={"action": "w"}))
        with pytest.raises(Exception, match="already holds"):
            roster.insert(second)
    stored = {e.id: e.action for e in org.store.roster.all(AuditEvent)}
    assert (stored[first.id], stored[second.id]) == ("z", "w")
    assert len(org.store.roster.tables("audit")["audit"]) == len(stored)
