"""People management in the app: the people screen's team, cohort and mentor columns, the
assign dialog's current mentor, mentor history, deactivation (and what the sign-in screen
says), the question before taking a mentor from their mentees, the hire-list import, the
first sign-in with a one-time password, and the audit log."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

from textual.widgets import DataTable, Input, OptionList, Select

from tests.functional.helpers import (
    PASSWORD,
    SIZE,
    organisation_with_learner,
    screen_text,
    sign_in,
    type_text,
)
from trainer.services.context import TrainerContext
from trainer.storage.records import AuditEvent
from trainer.ui.app import TrainerApp, make_app
from trainer.ui.dialogs import (
    AssignMentorDialog,
    ConfirmDialog,
    ImportReportDialog,
    MentorHistoryDialog,
    PasswordDialog,
    PersonDialog,
    TextDialog,
)
from trainer.ui.screens import AuditLogScreen, HomeScreen, PeopleScreen, SignInScreen


def with_mentors(context: TrainerContext) -> None:
    """chen (trainer), li-na (learner) mentored by liu since three days ago, wang (mentor)."""
    organisation_with_learner(context)
    chen = context.accounts.person("chen")
    context.accounts.add_person(chen, "刘洋", ["mentor"], PASSWORD, [], "liu", team="一组")
    context.accounts.add_person(chen, "王芳", ["mentor"], PASSWORD, [], "wang")
    context.accounts.update_person(
        chen, "li-na", "李娜", ["learner"], ["frontline"], team="一组", cohort="2026-03"
    )
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    context.mentoring.assign(chen, "liu", "li-na", start=start, days=30)


async def open_people(app: TrainerApp, pilot: object, person_id: str | None = None) -> DataTable:
    await sign_in(app, pilot, "陈静", PASSWORD)  # type: ignore[arg-type]
    await pilot.press("p")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, PeopleScreen)
    table = app.screen.query_one("#people-table", DataTable)
    if person_id is not None:
        table.move_cursor(row=table.get_row_index(person_id))
    return table


def row_of(table: DataTable, person_id: str) -> list[str]:
    return [str(cell) for cell in table.get_row(person_id)]


async def test_the_people_screen_shows_team_cohort_and_current_mentor(
    context: TrainerContext,
) -> None:
    with_mentors(context)
    app = make_app(context)
    async with app.run_test(size=(140, 36)) as pilot:
        table = await open_people(app, pilot, "li-na")
        headers = [str(column.label) for column in table.columns.values()]
        assert headers == [
            "Id", "Name", "Roles", "Tracks", "Team", "Cohort", "Hire date", "Mentor", "State",
        ]  # fmt: skip
        assert row_of(table, "li-na")[4:] == ["一组", "2026-03", "-", "刘洋", "active"]
        assert row_of(table, "wang")[4:] == ["-", "-", "-", "-", "active"]
        # the assign dialog says who mentors her now, and offers no deactivated mentor
        context.accounts.deactivate(None, "wang")
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, AssignMentorDialog)
        text = screen_text(app)
        assert "Mentor now: 刘洋, since" in text and "27 day(s) left." in text
        assert [name for _, name in app.screen.mentors] == ["刘洋", "陈静"]  # not 王芳
        await pilot.press("escape")
        await pilot.pause()
        # history, after a change of mentor
        context.accounts.reactivate(None, "wang")
        context.mentoring.assign(context.accounts.person("chen"), "wang", "li-na")
        app.screen.fill()  # type: ignore[attr-defined]
        assert row_of(table, "li-na")[7] == "王芳"
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, MentorHistoryDialog)
        history = app.screen.query_one("#history-table", DataTable)
        rows = [[str(cell) for cell in history.get_row_at(i)] for i in range(history.row_count)]
        assert [(r[0], r[3], r[4], r[5]) for r in rows] == [
            ("刘洋", "30", "陈静", ""),
            ("王芳", "30", "陈静", "current"),
        ]


async def test_the_person_dialog_edits_team_cohort_and_hire_date(context: TrainerContext) -> None:
    with_mentors(context)
    app = make_app(context)
    async with app.run_test(size=(140, 36)) as pilot:
        table = await open_people(app, pilot, "wang")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PersonDialog)
        app.screen.query_one("#person-team", Input).value = "二组"
        app.screen.query_one("#person-cohort", Input).value = "2026-04"
        hire = app.screen.query_one("#person-hire-date", Input)
        hire.value = "April"
        hire.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert '"April" is not a date' in screen_text(app)
        hire.value = "2026-04-01"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PeopleScreen)
        assert row_of(table, "wang")[4:7] == ["二组", "2026-04", "2026-04-01"]
    wang = context.accounts.person("wang")
    assert (wang.team, wang.cohort, wang.hire_date) == ("二组", "2026-04", dt.date(2026, 4, 1))


async def test_taking_the_mentor_role_from_a_mentor_with_mentees_asks_first(
    context: TrainerContext,
) -> None:
    with_mentors(context)
    app = make_app(context)
    async with app.run_test(size=(140, 36)) as pilot:
        await open_people(app, pilot, "liu")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PersonDialog)
        roles = app.screen.query_one("#person-roles")
        roles.deselect("mentor")  # type: ignore[attr-defined]
        roles.select("learner")  # type: ignore[attr-defined]
        await pilot.click("#save")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "takes a mentor from 1 mentee(s) they mentor now: 李娜" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PersonDialog)  # nothing changed
        assert context.accounts.person("liu").has_role("mentor")
        await pilot.click("#save")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, PeopleScreen)
    assert context.accounts.person("liu").roles == ["learner"]


async def test_deactivation_asks_greys_the_row_and_the_sign_in_screen_says_so(
    context: TrainerContext,
) -> None:
    with_mentors(context)
    app = make_app(context)
    async with app.run_test(size=(140, 36)) as pilot:
        table = await open_people(app, pilot, "liu")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        assert "mentor now: 李娜" in text and "Deactivate 刘洋?" in text
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, PeopleScreen)
        assert row_of(table, "liu")[8] == "deactivated"
        assert table.get_row("liu")[1].style == "dim"
        assert not context.accounts.person("liu").active
        # signing out: the sign-in screen no longer offers them, and says why
        await pilot.press("escape", "o")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        await type_text(pilot, "刘")
        await pilot.pause()
        assert app.screen.query_one("#people", OptionList).option_count == 0
        assert "刘洋's account is deactivated: a trainer can reactivate it." in screen_text(app)
    kinds = [e.action for e in context.store.roster.all(AuditEvent) if e.subject == "liu"]
    assert kinds[-1] == "person.deactivate"


HIRES = "name,id,roles,tracks,team,cohort\n李雷,li-lei,learner,frontline,一组,2026-05\nHan Mei,,mentor,,,\n"


async def test_a_hire_list_imported_from_the_people_screen(
    context: TrainerContext, tmp_path: Path
) -> None:
    with_mentors(context)
    bad = tmp_path / "bad.csv"
    bad.write_text(HIRES + "Dup,li-lei,learner,,,\nX,,boss,,,\n", encoding="utf-8")
    good = tmp_path / "hires.csv"
    good.write_bytes(HIRES.encode("gbk"))
    app = make_app(context)
    async with app.run_test(size=(140, 36)) as pilot:
        table = await open_people(app, pilot)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        await type_text(pilot, str(tmp_path / "nope.csv"))
        await pilot.press("enter")
        await pilot.pause()
        assert "There is no file" in screen_text(app)
        app.screen.query_one(Input).value = str(bad)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ImportReportDialog)
        text = screen_text(app)
        assert "Row 4: the id li-lei is already used by row 2 of this file" in text
        assert 'Row 5: unknown role "boss"' in text
        assert "2 row(s) refused: nothing will be imported." in text
        assert not app.screen.query("#import")  # no way to import a file with bad rows
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        await type_text(pilot, str(good))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ImportReportDialog)
        passwords = tmp_path / "hires-passwords.csv"
        assert "2 person(s) will be added" in screen_text(app)
        assert str(passwords) in screen_text(app)
        await pilot.click("#import")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PeopleScreen)
        assert row_of(table, "li-lei")[4:6] == ["一组", "2026-05"]
        message = [n.message for n in app._notifications][-1]
        assert message.startswith("Added 2 person(s). Their one-time passwords are in")
        assert str(passwords) in message
    assert stat.S_IMODE(passwords.stat().st_mode) == 0o600
    rows = [line.split(",") for line in passwords.read_text("utf-8-sig").splitlines()[1:]]
    assert {row[0] for row in rows} == {"li-lei", "han-mei"}
    assert context.accounts.person("han-mei").must_change_password


async def test_the_first_sign_in_with_a_one_time_password_asks_for_a_new_one(
    context: TrainerContext, tmp_path: Path
) -> None:
    from trainer.services.people_import import check_people_file

    organisation_with_learner(context)
    source = tmp_path / "hires.csv"
    source.write_text(HIRES, encoding="utf-8")
    plan = check_people_file(source, context.accounts, context.library)
    added = dict((p.id, pw) for p, pw in context.accounts.import_people(None, plan))
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "li-lei", added["li-lei"])
        assert isinstance(app.screen, PasswordDialog)
        assert "one-time password" in screen_text(app)
        await pilot.press("escape")  # no way past without a password of one's own
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert "Choose your own password to sign in" in screen_text(app)
        await sign_in(app, pilot, "li-lei", added["li-lei"])
        await type_text(pilot, added["li-lei"])
        await pilot.press("enter")
        await pilot.pause()
        assert "not the one-time password" in screen_text(app)
        app.screen.query_one("#new-password", Input).value = "my own secret"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "Welcome, 李雷" in screen_text(app)
    assert not context.accounts.person("li-lei").must_change_password
    assert context.accounts.sign_in("li-lei", "my own secret").id == "li-lei"


async def test_the_audit_log_lists_newest_first_and_filters(context: TrainerContext) -> None:
    with_mentors(context)
    context.accounts.unlock(context.accounts.person("chen"), "wang")
    app = make_app(context)
    async with app.run_test(size=(140, 36)) as pilot:
        await open_people(app, pilot)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, AuditLogScreen)
        table = app.screen.query_one("#audit-table", DataTable)

        def rows() -> list[tuple[str, str, str]]:
            return [
                (str(r[1]), str(r[2]), str(r[3]))
                for r in (table.get_row_at(i) for i in range(table.row_count))
            ]

        assert rows()[0] == ("陈静 (chen)", "unlocked", "王芳 (wang)")
        assert ("陈静 (chen)", "assigned a mentor", "李娜 (li-na)") in rows()
        await pilot.press("slash")
        assert app.screen.focused is app.screen.query_one("#audit-person", Input)
        app.screen.query_one("#audit-person", Input).value = "王"
        await pilot.pause()
        assert rows() == [
            ("陈静 (chen)", "unlocked", "王芳 (wang)"),
            ("陈静 (chen)", "added a person", "王芳 (wang)"),
        ]
        app.screen.query_one("#audit-action", Select).value = "person.add"
        await pilot.pause()
        assert rows() == [("陈静 (chen)", "added a person", "王芳 (wang)")]
        assert "1 event(s), newest first." in screen_text(app)


async def test_the_people_screen_in_chinese(context: TrainerContext) -> None:
    with_mentors(context)
    context.accounts.deactivate(None, "wang")
    app = make_app(context)
    async with app.run_test(size=(140, 36)) as pilot:
        table = await open_people(app, pilot, "li-na")
        await pilot.press("f2")
        await pilot.pause()
        table = app.screen.query_one("#people-table", DataTable)
        headers = [str(column.label) for column in table.columns.values()]
        assert headers[4:] == ["团队", "批次", "入职日期", "导师", "状态"]
        assert row_of(table, "wang")[8] == "已停用"
        table.move_cursor(row=table.get_row_index("li-na"))
        await pilot.press("m")
        await pilot.pause()
        assert "当前导师：刘洋，自" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        table.move_cursor(row=table.get_row_index("liu"))
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "正在带教的学员失去导师：李娜。之后请为他们另行分配导师。停用 刘洋？" in screen_text(
            app
        )


async def test_removing_a_mentor_names_their_mentees_and_asks(context: TrainerContext) -> None:
    with_mentors(context)
    app = make_app(context)
    async with app.run_test(size=(140, 36)) as pilot:
        table = await open_people(app, pilot, "liu")
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        assert "mentor now: 李娜" in text and "Remove 刘洋 from the roster?" in text
        await pilot.press("n")
        await pilot.pause()
        assert "liu" in [p.id for p in context.accounts.people()]
        table.move_cursor(row=table.get_row_index("wang"))
        await pilot.press("delete")
        await pilot.pause()
        assert "mentor now" not in screen_text(app)  # no mentees: the plain question
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, PeopleScreen)
        assert "wang" not in [str(key.value) for key in table.rows]
    assert "wang" not in [p.id for p in context.accounts.people()]
