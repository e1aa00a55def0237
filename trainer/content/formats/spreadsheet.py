"""Question banks as spreadsheets (.xlsx or .csv): one row a question, a header row naming
the columns, Chinese and English side by side.

Columns (any order; only `type` and `stem_zh` or `stem_en` are required):

| column | what |
| --- | --- |
| id | the question's id (made from the row number when empty) |
| type | single, multiple, true_false, short_answer, numerical, matching |
| category | a category id (default `imported`) |
| difficulty | 1, 2 or 3 |
| stem_zh, stem_en | the question |
| options_zh, options_en | choice options separated by ` | `; `%50%` before one (in either |
|                        | column) gives it a weight |
| correct | option numbers (`2`, or `1,3`), or `true`/`false` |
| answers | short-answer or numerical answers separated by ` | `; `%50%` before one gives |
|         | it a weight; numbers as `24` or `24:1` (with a tolerance) |
| pairs_zh, pairs_en | matching pairs `left => right`, separated by ` | ` |
| explanation_zh, explanation_en | shown after answering |
| tags | separated by commas |
| points | the question's weight on a paper |
| excludes | ids of questions never drawn on the same paper, separated by commas (optional column) |

`trainer import --template FILE.xlsx` writes this header and one example row a type.

Formulas: a spreadsheet evaluates a cell that starts with `=`, `+`, `-` or `@` (and some
with a tab or carriage return), so a question text like `=HYPERLINK("http://…")` would
become a live link in whoever opens the export (OWASP "CSV injection"). Exports never
write such a cell: in .xlsx it is a text cell (and marked with Excel's quote prefix, so
editing it keeps it text); in .csv it gets a leading apostrophe, which spreadsheets show as
"this is text" and which the CSV reader takes off again. A cell of numbers only (`-5`,
`-5:0.5 | %50%-4`, how numerical answers are written) is not a formula and is left as is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from trainer.content.formats.common import (
    DEFAULT_CATEGORY,
    ImportFileError,
    ImportResult,
    Skipped,
)
from trainer.content.models import QUESTION_TYPES, QuestionBank

COLUMNS = (
    "id",
    "type",
    "category",
    "difficulty",
    "stem_zh",
    "stem_en",
    "options_zh",
    "options_en",
    "correct",
    "answers",
    "pairs_zh",
    "pairs_en",
    "explanation_zh",
    "explanation_en",
    "tags",
    "points",
    "excludes",
)
SEPARATOR = " | "
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%\s*")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_ANSWER_NUMBERS = rf"(?:%{_NUMBER}%)?{_NUMBER}(?::{_NUMBER})?"
_NUMBERS_ONLY = re.compile(rf"{_ANSWER_NUMBERS}(?: \| {_ANSWER_NUMBERS})*")
TEXT_MARK = "'"
"""The leading apostrophe that makes a CSV cell text in a spreadsheet (OWASP's advice)."""


def would_be_evaluated(cell: str) -> bool:
    """Whether a spreadsheet would take `cell` (with any text marks before it) as a formula."""
    bare = cell.lstrip(TEXT_MARK)
    return bare.startswith(_FORMULA_START) and not _NUMBERS_ONLY.fullmatch(bare)


def csv_cell(text: str) -> str:
    """`text` as a CSV cell no spreadsheet evaluates: a text mark before a would-be formula.

    Text that already starts with marks before a formula (`'=x`) gets one more, so that
    `csv_text` gives back exactly `text`."""
    return TEXT_MARK + text if would_be_evaluated(text) else text


def csv_text(cell: str) -> str:
    """The text a CSV cell holds: one text mark taken off a would-be formula (`'=x` is `=x`).

    This reads a CSV that trainer wrote back unchanged, and a CSV a person wrote the way a
    spreadsheet would show it: an apostrophe before `=`, `+`, `-` or `@` marks text and is
    not part of it, as when typed into a cell. Any other leading apostrophe (`'tis`, `'5`)
    is the person's own and is kept."""
    if cell.startswith(TEXT_MARK) and would_be_evaluated(cell):
        return cell[len(TEXT_MARK) :]
    return cell


TEMPLATE_ROWS: list[dict[str, str]] = [
    {
        "id": "ex-single",
        "type": "single",
        "category": "etiquette",
        "difficulty": "1",
        "stem_zh": "热线电话应在铃响几声内接听？",
        "stem_en": "Within how many rings is a call answered?",
        "options_zh": "3声 | 5声 | 10声",
        "options_en": "3 rings | 5 rings | 10 rings",
        "correct": "1",
        "explanation_zh": "服务标准：3声内接听。",
        "explanation_en": "The standard: within three rings.",
    },
    {
        "id": "ex-multiple",
        "type": "multiple",
        "category": "etiquette",
        "stem_zh": "标准问候包括哪些？",
        "stem_en": "What belongs in the greeting?",
        "options_zh": "公司名称 | 工号 | 家乡",
        "options_en": "company name | agent ID | home town",
        "correct": "1,2",
    },
    {
        "id": "ex-true-false",
        "type": "true_false",
        "category": "etiquette",
        "stem_zh": "应等客户先挂断电话。",
        "stem_en": "Let the customer hang up first.",
        "correct": "true",
    },
    {
        "id": "ex-short",
        "type": "short_answer",
        "category": "complaints",
        "stem_zh": "投诉后多少小时内回访？",
        "stem_en": "Call back within how many hours?",
        "answers": "24 | 二十四",
    },
    {
        "id": "ex-numerical",
        "type": "numerical",
        "category": "complaints",
        "stem_zh": "普通投诉多少小时内解决？",
        "stem_en": "Ordinary complaints are solved within?",
        "answers": "24 | %50%48",
    },
    {
        "id": "ex-matching",
        "type": "matching",
        "category": "complaints",
        "stem_zh": "把步骤与例句配对。",
        "stem_en": "Match each step to an example.",
        "pairs_zh": "道歉 => 非常抱歉 | 跟进 => 今天17点前回电",
        "pairs_en": "Apologise => I'm very sorry | Follow up => I'll call by 5 pm",
    },
]


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()] if cell else []


def _localized(zh: str, en: str) -> Any:
    zh, en = zh.strip(), en.strip()
    if zh and en and zh != en:
        return {"zh": zh, "en": en}
    return zh or en


def _row_question(row: dict[str, str], number: int) -> dict[str, Any] | Skipped:
    get = {key: (row.get(key) or "").strip() for key in COLUMNS}
    kind = get["type"]
    if kind not in QUESTION_TYPES:
        return Skipped(number, "unknown_type", {"type": kind or "-"})
    question: dict[str, Any] = {
        "id": get["id"] or f"row-{number}",
        "type": kind,
        "category": get["category"] or DEFAULT_CATEGORY,
        "stem": _localized(get["stem_zh"], get["stem_en"]),
    }
    if get["difficulty"]:
        question["difficulty"] = get["difficulty"]
    if get["points"]:
        question["points"] = get["points"]
    explanation = _localized(get["explanation_zh"], get["explanation_en"])
    if explanation:
        question["explanation"] = explanation
    if get["tags"]:
        question["tags"] = [tag.strip() for tag in get["tags"].split(",") if tag.strip()]
    if get["excludes"]:
        question["excludes"] = [i.strip() for i in get["excludes"].split(",") if i.strip()]
    if kind in ("single", "multiple"):
        zh, en = _split(get["options_zh"]), _split(get["options_en"])
        count = max(len(zh), len(en))
        right = {part.strip() for part in get["correct"].split(",") if part.strip()}
        options = []
        for i in range(count):
            texts, weight = [], None
            for column in (zh, en):
                cell = column[i] if i < len(column) else ""
                weight_match = _WEIGHT.match(cell)
                if weight_match:
                    weight, cell = float(weight_match.group(1)), cell[weight_match.end() :]
                texts.append(cell)
            option: dict[str, Any] = {"text": _localized(*texts)}
            if str(i + 1) in right:
                option["correct"] = True
            if weight is not None:
                option["weight"] = weight
            options.append(option)
        question["options"] = options
    elif kind == "true_false":
        question["answer"] = get["correct"].lower() in ("true", "t", "yes", "1", "对", "正确")
    elif kind in ("short_answer", "numerical"):
        answers = []
        for part in _split(get["answers"]):
            weight_match = _WEIGHT.match(part)
            weight = float(weight_match.group(1)) if weight_match else 100.0
            text = part[weight_match.end() :] if weight_match else part
            if kind == "short_answer":
                answers.append({"text": text, "weight": weight})
            else:
                value, _, tolerance = text.partition(":")
                answers.append({"value": value, "tolerance": tolerance or 0, "weight": weight})
        question["answers"] = answers
    else:
        zh, en = _split(get["pairs_zh"]), _split(get["pairs_en"])
        pairs = []
        for i in range(max(len(zh), len(en))):
            left_zh, _, right_zh = (zh[i] if i < len(zh) else "").partition("=>")
            left_en, _, right_en = (en[i] if i < len(en) else "").partition("=>")
            pairs.append(
                {"left": _localized(left_zh, left_en), "right": _localized(right_zh, right_en)}
            )
        question["pairs"] = pairs
    return question


def read_rows(rows: Iterable[tuple[int, dict[str, str]]], header: Iterable[str]) -> ImportResult:
    """Questions from `(row number, cells)` pairs; the header names the columns."""
    result = ImportResult()
    unknown = [name for name in header if name and name.strip() not in COLUMNS]
    if unknown:
        result.skipped.append(Skipped(1, "bad_header", {"columns": ", ".join(unknown)}))
        return result
    for number, row in rows:
        if not any((value or "").strip() for value in row.values()):
            continue
        made = _row_question(row, number)
        if isinstance(made, Skipped):
            result.skipped.append(made)
        else:
            result.add(made, number)
    return result


def read_csv(text: str, path: Path = Path("questions.csv")) -> ImportResult:
    """Questions from CSV `text`; `path` names the file in a sentence if it is no CSV."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        while True:
            try:
                row = next(reader, None)
            except csv.Error:  # a field past the csv limit of 131,072 characters; the row
                # that failed starts on the line after the last one read
                raise ImportFileError("not_csv", path=path, line=reader.line_num + 1) from None
            if row is None:
                return
            yield reader.line_num, {(k or "").strip(): csv_text(v or "") for k, v in row.items()}

    try:
        header = [name.strip() for name in reader.fieldnames or []]
    except csv.Error:
        raise ImportFileError("not_csv", path=path, line=1) from None
    return read_rows(rows(), header)


def read_xlsx(data: bytes, path: Path = Path("questions.xlsx")) -> ImportResult:
    """Questions from the first sheet of the workbook `data`; `path` names the file in a
    sentence if it is not a workbook (`files.read_import_file` checks its size first)."""
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = [str(cell or "").strip() for cell in next(values, ())]
    except Exception as error:
        raise _not_a_workbook(path, error) from None

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        number = 1
        while True:
            try:
                row = next(values, None)
            except Exception as error:
                raise _not_a_workbook(path, error) from None
            if row is None:
                return
            number += 1
            cells = ["" if cell is None else _cell_text(cell) for cell in row]
            yield number, dict(zip(header, cells, strict=False))

    return read_rows(rows(), header)


def _not_a_workbook(path: Path, error: Exception) -> ImportFileError:
    """openpyxl fails on a damaged workbook with whatever its parts cause (KeyError,
    XML ParseError, zip errors, ...), so any error reading one means "not a workbook";
    defusedxml's refusal of entity declarations (an entity bomb) is told apart."""
    from defusedxml import DefusedXmlException

    cause: BaseException | None = error
    while cause is not None:  # openpyxl wraps what failed in a ValueError of its own
        if isinstance(cause, DefusedXmlException):
            return ImportFileError("xlsx_entities", path=path)
        cause = cause.__cause__
    return ImportFileError("not_xlsx", path=path)


def _cell_text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


# ---------------------------------------------------------------- writing


def _text(value: Any, lang: str) -> str:
    return value.get(lang) if value is not None else ""


def bank_rows(bank: QuestionBank) -> list[dict[str, str]]:
    """The bank's questions as spreadsheet rows, both languages."""
    rows = []
    for question in bank.questions:
        row = dict.fromkeys(COLUMNS, "")
        row.update(
            id=question.id,
            type=question.type,
            category=question.category,
            difficulty=str(question.difficulty),
            stem_zh=question.stem.get("zh"),
            stem_en=question.stem.get("en"),
            explanation_zh=_text(question.explanation, "zh"),
            explanation_en=_text(question.explanation, "en"),
            tags=", ".join(question.tags),
            points=f"{question.points:g}",
            excludes=", ".join(question.excludes),
        )
        if question.type in ("single", "multiple"):
            for lang in ("zh", "en"):
                row[f"options_{lang}"] = SEPARATOR.join(
                    (f"%{o.weight:g}%" if o.weight is not None else "") + o.text.get(lang)
                    for o in question.options
                )
            row["correct"] = ",".join(
                str(i + 1) for i, o in enumerate(question.options) if o.correct
            )
        elif question.type == "true_false":
            row["correct"] = "true" if question.answer else "false"
        elif question.type == "short_answer":
            row["answers"] = SEPARATOR.join(
                (f"%{a.weight:g}%" if a.weight != 100 else "") + a.text for a in question.answers
            )
        elif question.type == "numerical":
            row["answers"] = SEPARATOR.join(
                (f"%{a.weight:g}%" if a.weight != 100 else "") + f"{a.value:g}:{a.tolerance:g}"
                for a in question.answers
            )
        elif question.type == "matching":
            for lang in ("zh", "en"):
                row[f"pairs_{lang}"] = SEPARATOR.join(
                    f"{p.left.get(lang)} => {p.right.get(lang)}" for p in question.pairs
                )
        rows.append(row)
    return rows


def write_csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows({column: csv_cell(text) for column, text in row.items()} for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(rows: list[dict[str, str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "questions"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(column, "") for column in COLUMNS])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and would_be_evaluated(cell.value):
                cell.data_type = "s"  # openpyxl made `=...` a formula; Excel would run it
                cell.quotePrefix = True  # and keeps it text when someone edits the cell
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
