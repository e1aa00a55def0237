"""The hire list HR sends, as people: reading a spreadsheet (.xlsx or .csv), checking every
row, and writing everyone in one go.

Columns (any order, headers in English or Chinese; `name` and `roles` are required):

| column | 中文 | what |
| --- | --- | --- |
| name | 姓名 | the person's name |
| id | 编号 | their sign-in id (made from the name when empty) |
| roles | 角色 | learner, mentor, trainer (or 学员, 导师, 培训师), several separated by `;` |
| tracks | 培训路径 | track ids or titles, several separated by `;` |
| team | 团队 | the team they join |
| cohort | 批次 | their intake |
| hire_date | 入职日期 | YYYY-MM-DD (or a spreadsheet date) |

The import is all or nothing: a row that cannot be taken is reported with its number as the
spreadsheet shows it (the header is row 1) and why, and then nobody is added. Checking
(`plan_import`) reads nothing but what it is given, so a dry run and the real import report
the same rows; `Accounts.import_people` checks the ids again under the roster's lock and
writes every person and their audit events in one write.

CSV files are read as UTF-8 (with or without Excel's byte-order mark) or, failing that, as
GB 18030, which covers the GBK that Excel on Chinese Windows saves "CSV" in.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainer.content.loader import ContentLibrary
from trainer.errors import TrainerError
from trainer.i18n import translate
from trainer.roles import ROLES, Role
from trainer.services.accounts import (
    AccountError,
    Accounts,
    check_person_id,
    clean_label,
    clean_name,
    free_id,
)

COLUMNS = ("name", "id", "roles", "tracks", "team", "cohort", "hire_date")
REQUIRED = ("name", "roles")
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "姓名", "名字"),
    "id": ("id", "编号", "工号", "账号"),
    "roles": ("roles", "角色", "role"),
    "tracks": ("tracks", "培训路径", "track", "路径", "课程"),
    "team": ("team", "团队", "班组", "小组"),
    "cohort": ("cohort", "批次", "期次", "入职批次"),
    "hire_date": ("hire_date", "入职日期", "hire date"),
}
"""What each column may be called; the second name is the one the Chinese template writes."""
_HEADER_OF = {alias.casefold(): column for column, names in HEADERS.items() for alias in names}
_ROLE_WORDS: dict[str, Role] = {
    **{role: role for role in ROLES},
    **{translate("zh", f"role.{role}"): role for role in ROLES},
    **{translate("en", f"role.{role}").casefold(): role for role in ROLES},
}
_LIST_SEPARATORS = re.compile(r"[;；,，、]")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
MAX_ROWS = 10_000
"""A hire list longer than this is refused whole: split it."""
MAX_FILE_BYTES = 16 * 1024 * 1024


class PeopleImportError(TrainerError):
    """A file that cannot be imported at all; the sentence names the file."""

    area = "people_import"


@dataclass(frozen=True)
class Refusal:
    """A row not taken: its number as the spreadsheet shows it and why (`people_import.<key>`)."""

    row: int
    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def reason(self, lang: str) -> str:
        values = dict(self.values)
        if "detail_key" in values:  # an accounts sentence inside this one
            values["detail"] = translate(lang, str(values.pop("detail_key")), **values)
        return translate(lang, f"people_import.{self.key}", **values)

    def message(self, lang: str) -> str:
        """`Row 3: why`, as a report lists it."""
        return translate(lang, "people_import.row", row=self.row, reason=self.reason(lang))


@dataclass(frozen=True)
class Planned:
    """A row that will become a person."""

    row: int
    person_id: str
    name: str
    roles: list[Role]
    tracks: list[str]
    team: str | None = None
    cohort: str | None = None
    hire_date: dt.date | None = None


@dataclass
class ImportPlan:
    people: list[Planned] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every row can be taken (the import writes nothing otherwise)."""
        return bool(self.people) and not self.refused


Row = tuple[int, dict[str, Any]]
"""A row's number as the spreadsheet shows it, and its cells by column."""


# ---------------------------------------------------------------- reading


def read_people_file(path: Path) -> list[Row]:
    """The rows of the hire list at `path` (.xlsx, else CSV), blank rows left out."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise PeopleImportError("too_large", path=path, limit=MAX_FILE_BYTES // 2**20)
        data = path.read_bytes()
    except OSError as error:
        raise PeopleImportError("unreadable", path=path, detail=error.strerror or error) from None
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv", ".txt"):  # an old .xls, a .numbers, an .ods...
        raise PeopleImportError("not_supported", path=path)
    if suffix == ".xlsx":
        header, rows = _xlsx_rows(path, data)
    else:
        header, rows = _csv_rows(path, decode_csv(data))
    columns = _columns(path, header)
    found: list[Row] = []
    for number, cells in rows:
        row = {
            column: cells[index] if index < len(cells) else None
            for index, column in columns.items()
        }
        if all(value is None or not str(value).strip() for value in row.values()):
            continue
        found.append((number, row))
        if len(found) > MAX_ROWS:
            raise PeopleImportError("too_many_rows", path=path, limit=MAX_ROWS)
    if not found:
        raise PeopleImportError("no_rows", path=path)
    return found


def decode_csv(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (a leading byte-order mark dropped), else GB 18030."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _csv_rows(path: Path, text: str) -> tuple[list[str], Iterable[tuple[int, list[Any]]]]:
    try:
        records = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        raise PeopleImportError("not_csv", path=path) from None
    if not records:
        raise PeopleImportError("no_rows", path=path)
    # the spreadsheet's row is the record's place, whatever line breaks its cells hold
    return records[0], ((number, cells) for number, cells in enumerate(records[1:], start=2))


def _xlsx_rows(path: Path, data: bytes) -> tuple[list[str], Iterable[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    from trainer.content.formats.common import ImportFileError
    from trainer.content.formats.files import _check_workbook_zip

    try:
        _check_workbook_zip(path, data)
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    except ImportFileError:
        raise PeopleImportError("not_xlsx", path=path) from None
    except Exception:  # openpyxl fails on a damaged workbook with whatever its parts cause
        raise PeopleImportError("not_xlsx", path=path) from None
    if not rows:
        raise PeopleImportError("no_rows", path=path)
    header = ["" if cell is None else str(cell) for cell in rows[0]]
    return header, ((number, cells) for number, cells in enumerate(rows[1:], start=2))


def _columns(path: Path, header: list[str]) -> dict[int, str]:
    """Which column each header cell names; unknown or missing columns are refused."""
    columns: dict[int, str] = {}
    unknown = []
    for index, title in enumerate(header):
        title = title.strip().lstrip("\ufeff")
        if not title:
            continue
        column = _HEADER_OF.get(title.casefold())
        if column is None:
            unknown.append(title)
        elif column in columns.values():
            raise PeopleImportError("repeated_column", path=path, column=title)
        else:
            columns[index] = column
    if unknown:
        raise PeopleImportError(
            "unknown_columns", path=path, columns=", ".join(unknown), known=", ".join(COLUMNS)
        )
    missing = [column for column in REQUIRED if column not in columns.values()]
    if missing:
        raise PeopleImportError("missing_columns", path=path, columns=", ".join(missing))
    return columns


# ---------------------------------------------------------------- checking


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _items(value: Any) -> list[str]:
    return [item.strip() for item in _LIST_SEPARATORS.split(_text(value)) if item.strip()]


def parse_hire_date(value: Any) -> dt.date | None:
    """A hire date from a cell: a spreadsheet date, or YYYY-MM-DD (also with / . or 年月日).
    Raises ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE.match(_text(value))
    if not match:
        raise ValueError(value)
    year, month, day = (int(part) for part in match.groups())
    return dt.date(year, month, day)


def plan_import(
    rows: Iterable[Row],
    taken: set[str],
    removed: set[str],
    tracks: dict[str, str],
) -> ImportPlan:
    """Check every row. `taken` are the ids in use (present and removed people, reserved
    ids, record files), `removed` the removed people's among them, `tracks` maps every
    accepted way to name a track (its id, its titles) to its id."""
    rows = list(rows)
    plan = ImportPlan()
    first_row: dict[str, int] = {}
    given = {_text(cells.get("id")).lower() for _, cells in rows}
    in_use = set(taken) | given  # ids made from names go around the ones given
    for number, cells in rows:
        refusal, planned = _check_row(number, cells, taken, removed, tracks, first_row, in_use)
        if refusal is not None:
            plan.refused.append(refusal)
        elif planned is not None:
            plan.people.append(planned)
    return plan


def _check_row(
    number: int,
    cells: dict[str, Any],
    taken: set[str],
    removed: set[str],
    tracks: dict[str, str],
    first_row: dict[str, int],
    in_use: set[str],
) -> tuple[Refusal | None, Planned | None]:
    def refuse(key: str, **values: Any) -> tuple[Refusal, None]:
        return Refusal(number, key, values), None

    try:
        name = clean_name(_text(cells.get("name")))
    except AccountError as error:
        return refuse("bad_name", detail_key=error.catalog_key, **error.values)
    person_id = _text(cells.get("id")).lower()
    if person_id:
        try:
            check_person_id(person_id)
        except AccountError as error:
            return refuse("bad_id", detail_key=error.catalog_key, **error.values)
        if person_id in first_row:
            return refuse("id_in_file", person=person_id, first=first_row[person_id])
        if person_id in removed:
            return refuse("id_removed", person=person_id)
        if person_id in taken:
            return refuse("id_taken", person=person_id)
    roles: list[Role] = []
    for word in _items(cells.get("roles")):
        role = _ROLE_WORDS.get(word) or _ROLE_WORDS.get(word.casefold())
        if role is None:
            return refuse("unknown_role", role=word, known=", ".join(ROLES))
        roles.append(role)
    if not roles:
        return refuse("no_roles")
    chosen: list[str] = []
    for word in _items(cells.get("tracks")):
        track = tracks.get(word) or tracks.get(word.casefold())
        if track is None:
            return refuse("unknown_track", track=word)
        chosen.append(track)
    try:
        team = clean_label(_text(cells.get("team")))
        cohort = clean_label(_text(cells.get("cohort")))
    except AccountError as error:
        return refuse("bad_label", detail_key=error.catalog_key, **error.values)
    try:
        hire_date = parse_hire_date(cells.get("hire_date"))
    except ValueError:
        return refuse("bad_date", value=_text(cells.get("hire_date")))
    if not person_id:
        person_id = free_id(name, in_use)
    first_row[person_id] = number
    in_use.add(person_id)
    planned = Planned(
        row=number,
        person_id=person_id,
        name=name,
        roles=list(dict.fromkeys(roles)),
        tracks=list(dict.fromkeys(chosen)),
        team=team,
        cohort=cohort,
        hire_date=hire_date,
    )
    return None, planned


def check_people_file(path: Path, accounts: Accounts, library: ContentLibrary) -> ImportPlan:
    """Read the hire list at `path` and check every row against the organisation: what a
    dry run reports, and what `Accounts.import_people` then writes."""
    rows = read_people_file(path)
    taken, removed = accounts.known_ids()
    return plan_import(rows, taken, removed, track_names(library))


def track_names(library: ContentLibrary) -> dict[str, str]:
    """Every way a hire list may name a track (its id, its titles) to its id."""
    names: dict[str, str] = {}
    for track_id, loaded in library.tracks.items():
        names[track_id] = track_id
        for lang in ("zh", "en"):
            title = loaded.model.title.get(lang)
            if title:
                names.setdefault(title, track_id)
                names.setdefault(title.casefold(), track_id)
    return names


# ---------------------------------------------------------------- writing


def template_xlsx(lang: str) -> bytes:
    """An empty hire list: the header in `lang`, and a sheet that explains each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = translate(lang, "people_import.template_sheet")
    sheet.append([column if lang == "en" else HEADERS[column][1] for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFG", (16, 16, 22, 24, 14, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet(translate(lang, "people_import.template_help_sheet"))
    for column in COLUMNS:
        help_sheet.append(
            [column, HEADERS[column][1], translate(lang, f"people_import.column_{column}")]
        )
    help_sheet.column_dimensions["C"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def passwords_csv(people: Iterable[tuple[str, str, str]], lang: str) -> bytes:
    """The one-time passwords as CSV (id, name, password), with a byte-order mark so a
    spreadsheet opens it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(translate(lang, "people_import.password_columns").split(","))
    for person_id, name, password in people:
        writer.writerow([person_id, _csv_safe(name), password])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_safe(text: str) -> str:
    """A cell no spreadsheet evaluates as a formula (OWASP "CSV injection")."""
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text
