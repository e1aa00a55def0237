"""`trainer user`: people from the shell (add, edit, list, import a hire list, the audit log,
passwords, unlock, deactivate and reactivate, remove). The shell is the operator's and acts
with a trainer's rights; the audit log names it `cli`.

Removing, deactivating, or taking the mentor role from someone who mentors people now asks
first (`--yes` answers for a script); without a terminal to ask, it is refused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from trainer.cli import CommandError, _person_row, printable, printable_json
from trainer.i18n import Translator
from trainer.roles import ROLES
from trainer.services.context import TrainerContext

_FORCE_HELP = "replace an existing file / 覆盖已有文件"
_YES_HELP = "do not ask before taking a mentor from their mentees / 不再确认"


def add_user_parser(commands: Any) -> None:
    """The `user` command and its actions, on `build_parser`'s subcommands."""
    user = commands.add_parser("user", help="manage people / 管理人员")
    actions = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a person / 添加人员")
    add.add_argument("name")
    add.add_argument("--role", dest="roles", action="append", choices=ROLES, required=True)
    add.add_argument("--track", dest="tracks", action="append", default=[])
    add.add_argument("--id", dest="person_id")
    _details(add)
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.add_argument("--organisation", help="name the organisation (first person only) / 机构名称")
    edit = actions.add_parser("edit", help="change a person / 修改人员")
    edit.add_argument("person_id")
    edit.add_argument("--name")
    edit.add_argument("--role", dest="roles", action="append", choices=ROLES)
    edit.add_argument("--track", dest="tracks", action="append")
    edit.add_argument("--no-tracks", action="store_true", help="take every track away")
    _details(edit)
    edit.add_argument("--yes", action="store_true", help=_YES_HELP)
    listing = actions.add_parser("list", help="list people / 列出人员")
    listing.add_argument("--json", action="store_true")
    importing = actions.add_parser("import", help="import a hire list / 批量导入人员")
    importing.add_argument("source", nargs="?", type=Path, metavar="FILE.xlsx|FILE.csv")
    importing.add_argument("--dry-run", action="store_true", help="check only / 只检查")
    importing.add_argument(
        "--passwords", type=Path, metavar="FILE", help="where to write the one-time passwords"
    )
    importing.add_argument("--template", type=Path, help="write an empty hire list / 写出模板")
    importing.add_argument("--force", action="store_true", help=_FORCE_HELP)
    passwd = actions.add_parser("passwd", help="set a password / 设置密码")
    passwd.add_argument("person_id")
    passwd.add_argument("--password-stdin", action="store_true")
    unlock = actions.add_parser("unlock", help="lift a sign-in lock / 解除锁定")
    unlock.add_argument("person_id")
    deactivate = actions.add_parser("deactivate", help="stop someone signing in / 停用")
    deactivate.add_argument("person_id")
    deactivate.add_argument("--yes", action="store_true", help=_YES_HELP)
    reactivate = actions.add_parser("reactivate", help="let them sign in again / 重新启用")
    reactivate.add_argument("person_id")
    log = actions.add_parser("log", help="the audit log, newest first / 审计日志")
    log.add_argument("--person", help="events by or about this id / 按人员编号筛选")
    log.add_argument("--action", help="person.add, person.import, mentor.assign, ... / 按操作筛选")
    log.add_argument("--json", action="store_true")
    remove = actions.add_parser("remove", help="remove a person / 删除人员")
    remove.add_argument("person_id")
    remove.add_argument("--yes", action="store_true", help=_YES_HELP)


def _details(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--team", help="team / 团队 ('' clears)")
    parser.add_argument("--cohort", help="cohort / 批次 ('' clears)")
    parser.add_argument("--hire-date", help="YYYY-MM-DD ('' clears) / 入职日期")


def _hire_date(text: str | None, tr: Translator) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(tr("cli.bad_date", value=printable(text)), status=2) from None


def _read_password(from_stdin: bool, tr: Translator) -> str:
    if from_stdin:
        # a line piped from Windows ends in \r\n (an old Mac's in \r): neither is the password's
        return sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    try:
        first = getpass.getpass(tr("cli.password_prompt"))
        again = getpass.getpass(tr("cli.password_again"))
    except EOFError:  # no terminal and stdin at its end (a script, `< /dev/null`)
        raise CommandError(tr("cli.password_none")) from None
    if again != first:
        raise CommandError(tr("cli.password_mismatch"))
    return first


def _check_tracks(context: TrainerContext, tracks: list[str], tr: Translator) -> None:
    unknown = [track for track in tracks if context.library.track(track) is None]
    if unknown:
        raise CommandError(tr("cli.unknown_tracks", tracks=printable(", ".join(unknown))))


def confirm_mentees(context: TrainerContext, person_id: str, yes: bool, tr: Translator) -> None:
    """Ask before taking `person_id` from the mentees they mentor now; refuse without a
    terminal unless `yes`."""
    mentees = context.mentoring.active_mentees(person_id)
    if not mentees or yes:
        return
    names = ", ".join(printable(context.accounts.person(m).name) for m in mentees)
    warning = tr("people.mentor_warning", count=len(mentees), names=names)
    if not sys.stdin.isatty():
        raise CommandError(tr("cli.mentor_warning_yes", warning=warning))
    print(warning, file=sys.stderr)
    try:
        answer = input(tr("cli.confirm_prompt"))
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes", "是"):
        raise CommandError(tr("cli.not_done"))


def user_command(context: TrainerContext, arguments: argparse.Namespace, tr: Translator) -> int:
    accounts = context.accounts
    action = arguments.user_command
    if action == "list":
        return _list(context, arguments.json, tr)
    if action == "add":
        return _add(context, arguments, tr)
    if action == "edit":
        return _edit(context, arguments, tr)
    if action == "import":
        from trainer.cli_people_import import import_people_command

        return import_people_command(context, arguments, tr)
    if action == "log":
        return _log(context, arguments.person, arguments.action, arguments.json, tr)
    if action == "passwd":
        accounts.person(arguments.person_id)
        accounts.set_password(
            None, arguments.person_id, _read_password(arguments.password_stdin, tr)
        )
        print(tr("cli.password_set", id=printable(arguments.person_id)))
        return 0
    if action == "unlock":
        accounts.unlock(None, arguments.person_id)
        print(tr("cli.unlocked", id=printable(arguments.person_id)))
        return 0
    if action == "deactivate":
        accounts.person(arguments.person_id)
        confirm_mentees(context, arguments.person_id, arguments.yes, tr)
        accounts.deactivate(None, arguments.person_id)
        print(tr("cli.user_deactivated", id=printable(arguments.person_id)))
        return 0
    if action == "reactivate":
        accounts.reactivate(None, arguments.person_id)
        print(tr("cli.user_reactivated", id=printable(arguments.person_id)))
        return 0
    accounts.person(arguments.person_id)
    confirm_mentees(context, arguments.person_id, arguments.yes, tr)
    accounts.remove_person(None, arguments.person_id)
    print(tr("cli.user_removed", id=printable(arguments.person_id)))
    return 0


def _list(context: TrainerContext, as_json: bool, tr: Translator) -> int:
    people = context.accounts.people()
    if as_json:
        rows = [
            {
                "id": p.id,
                "name": p.name,
                "roles": p.roles,
                "tracks": p.tracks,
                "team": p.team,
                "cohort": p.cohort,
                "hire_date": p.hire_date.isoformat() if p.hire_date else None,
                "active": p.active,
            }
            for p in people
        ]
        # JSON escapes C0 controls itself, not DEL or the C1 ones (\x9b starts a CSI too)
        print(printable_json(json.dumps(rows, ensure_ascii=False, indent=2)))
    elif not people:
        print(tr("cli.no_people"))
    else:
        for person in people:
            print(_person_row(person, tr))
    return 0


def _add(context: TrainerContext, arguments: argparse.Namespace, tr: Translator) -> int:
    accounts = context.accounts
    _check_tracks(context, arguments.tracks, tr)
    hire_date = _hire_date(arguments.hire_date, tr)
    first = context.store.organisation() is None
    if first and not arguments.organisation:
        raise CommandError(tr("cli.needs_setup"))
    if first and "trainer" not in arguments.roles:
        raise CommandError(tr("cli.first_is_trainer"))
    password = _read_password(arguments.password_stdin, tr)
    if first:
        person = accounts.set_up(
            arguments.organisation, arguments.name, password, arguments.person_id
        )
        if arguments.team or arguments.cohort or hire_date:
            person = accounts.update_person(
                None,
                person.id,
                person.name,
                person.roles,
                person.tracks,
                team=arguments.team,
                cohort=arguments.cohort,
                hire_date=hire_date,
            )
    else:
        person = accounts.add_person(
            None,
            arguments.name,
            arguments.roles,
            password,
            arguments.tracks,
            arguments.person_id,
            team=arguments.team,
            cohort=arguments.cohort,
            hire_date=hire_date,
        )
    print(tr("cli.user_added", name=printable(person.name), id=printable(person.id)))
    return 0


def _edit(context: TrainerContext, arguments: argparse.Namespace, tr: Translator) -> int:
    accounts = context.accounts
    person = accounts.person(arguments.person_id)
    tracks = [] if arguments.no_tracks else (arguments.tracks or person.tracks)
    _check_tracks(context, tracks, tr)
    roles = arguments.roles or person.roles
    if person.has_role("mentor") and "mentor" not in roles:
        confirm_mentees(context, person.id, arguments.yes, tr)
    changes: dict[str, Any] = {}
    if arguments.team is not None:
        changes["team"] = arguments.team
    if arguments.cohort is not None:
        changes["cohort"] = arguments.cohort
    if arguments.hire_date is not None:
        changes["hire_date"] = _hire_date(arguments.hire_date, tr)
    changed = accounts.update_person(
        None, person.id, arguments.name or person.name, roles, tracks, **changes
    )
    print(tr("cli.user_changed", name=printable(changed.name), id=printable(changed.id)))
    return 0


def _log(
    context: TrainerContext, person: str | None, action: str | None, as_json: bool, tr: Translator
) -> int:
    events = context.accounts.audit_log(None, person=person, action=action)
    if as_json:
        rows = [
            {
                "at": event.at.isoformat(),
                "actor": event.actor,
                "action": event.action,
                "subject": event.subject,
                "detail": event.detail,
            }
            for event in events
        ]
        print(printable_json(json.dumps(rows, ensure_ascii=False, indent=2)))
        return 0
    if not events:
        print(tr("cli.log_empty"))
    for event in events:
        moment = event.at.astimezone().strftime("%Y-%m-%d %H:%M")
        line = f"{moment}  {event.actor:<16} {event.action:<20} {event.subject:<16} {event.detail}"
        print(printable(line.rstrip()))
    return 0
