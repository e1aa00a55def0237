"""Question banks as spreadsheets (.xlsx or .csv): one row a question, a header row naming
the columns, Chinese and English side by side. Every field a bank holds has a column, so a
bank exported and imported again is the same bank (`docs/import-export.md`).

Columns (any order; only `type` and `stem_zh` or `stem_en` are required):

| column | what |
| --- | --- |
| id | the question's id (made from the row number when empty) |
| type | single, multiple, true_false, short_answer, numerical, matching |
| category | a category id (default `imported`) |
| category_zh, category_en | the category's title (the first row of a category that has one) |
| difficulty, points | 1, 2 or 3; the question's weight on a paper (numbers) |
| title | a short name |
| tags | separated by commas |
| points | the question's weight on a paper |
| excludes | ids of questions never drawn on the same paper, separated by commas (optional column) |
| shuffle | `false` keeps the options (or pairs) in order; empty is `true` |
| stem_zh, stem_en | the question |
| options_zh, options_en | choice options, separated by ` | `; `%50%` before one gives it a weight |
| correct | option numbers (`2`, or `1,3`), or `true`/`false` |
| option_feedback_zh, option_feedback_en | per option, in the options' order, ` | ` between |
| answers | short-answer or numerical answers, ` | ` between; `%50%` before one gives it a |
|         | weight; numbers as `24` or `24:1` (with a tolerance) |
| accept | per short answer, other wordings it accepts, ` ; ` between (` | ` between answers) |
| patterns | per short answer, regular expressions a whole answer may match, likewise |
| answer_feedback_zh, answer_feedback_en | per answer, in the answers' order |
| feedback_wrong_zh, feedback_wrong_en | a numerical question's feedback for any other number |
| case_sensitive | `true` for a short answer whose case matters |
| feedback_true_zh, …_en, feedback_false_zh, …_en | a true/false question's feedback |
| pairs_zh, pairs_en | matching pairs `left => right`, separated by ` | ` |
| distractors_zh, distractors_en | more right-hand choices that match nothing, ` | ` between |
| explanation_zh, explanation_en | shown after answering |

Lists in a cell: a backslash makes the character after it plain text, so an option with a
`|` in it is written `a \\| b`, a `;` in an accepted wording `\\;`, a backslash `\\\\`, a
text that starts with `%` `\\%`, and `=>` inside a matching item `=\\>`. A cell that is not a
list (the stem, the explanation) is taken exactly as written.

An .xlsx export also has a `bank` sheet (the bank's id and title, and every category with
its titles) and an `instructions` sheet; the type and category columns offer their values
in a dropdown. `trainer import --template FILE.xlsx` writes the same workbook with one
example a question type.

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
import math
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
from trainer.content.formats.moodlexml import number_text
from trainer.content.models import (
    QUESTION_TYPES,
    LocalizedText,
    Numerical,
    QuestionBank,
    TextAnswer,
)

COLUMNS = (
    "id",
    "type",
    "category",
    "category_zh",
    "category_en",
    "difficulty",
    "points",
    "title",
    "tags",
    "shuffle",
    "stem_zh",
    "stem_en",
    "options_zh",
    "options_en",
    "correct",
    "option_feedback_zh",
    "option_feedback_en",
    "answers",
    "accept",
    "patterns",
    "answer_feedback_zh",
    "answer_feedback_en",
    "feedback_wrong_zh",
    "feedback_wrong_en",
    "case_sensitive",
    "feedback_true_zh",
    "feedback_true_en",
    "feedback_false_zh",
    "feedback_false_en",
    "pairs_zh",
    "pairs_en",
    "distractors_zh",
    "distractors_en",
    "explanation_zh",
    "explanation_en",
    "excludes",
)
NUMBER_COLUMNS = ("difficulty", "points")
"""Written as numbers, not text."""
SEPARATOR = " | "
WORDING_SEPARATOR = " ; "
"""Between the accepted wordings (or the patterns) of one short answer."""
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)%[ \t]*")
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
TRIM = " \t\n\r\x0b"
"""Spaces taken off a cell's ends: a no-break or ideographic space is the writer's own."""
_TRUE = ("true", "t", "yes", "y", "1", "对", "正确", "是")
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


TEMPLATE_ROWS: list[dict[str, Any]] = [
    {
        "id": "ex-single",
        "type": "single",
        "category": "etiquette",
        "category_zh": "服务礼仪",
        "category_en": "Service etiquette",
        "difficulty": "1",
        "points": "1",
        "title": "Rings",
        "tags": "hotline, basics",
        "stem_zh": "热线电话应在铃响几声内接听？",
        "stem_en": "Within how many rings is a call answered?",
        "options_zh": "3声 | 5声 | 10声",
        "options_en": "3 rings | 5 rings | 10 rings",
        "correct": "1",
        "option_feedback_zh": " | 5声太慢了。 | ",
        "option_feedback_en": " | Five is too slow. | ",
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
        "feedback_false_zh": "先挂断是不礼貌的。",
        "feedback_false_en": "Hanging up first is rude.",
    },
    {
        "id": "ex-short",
        "type": "short_answer",
        "category": "complaints",
        "category_zh": "投诉处理",
        "category_en": "Complaint handling",
        "stem_zh": "投诉后多少小时内回访？",
        "stem_en": "Call back within how many hours?",
        "answers": "24 | 二十四",
        "accept": "24小时 ; 一天 | ",
        "patterns": "24 ?(h\\|hours?) | ",
        "answer_feedback_en": "Right. | Right.",
    },
    {
        "id": "ex-numerical",
        "type": "numerical",
        "category": "complaints",
        "stem_zh": "普通投诉多少小时内解决？",
        "stem_en": "Ordinary complaints are solved within?",
        "answers": "24:0 | %50%48:2",
        "answer_feedback_zh": " | 部分正确：时限是24小时。",
        "answer_feedback_en": " | Partly: the limit is 24 hours.",
    },
    {
        "id": "ex-matching",
        "type": "matching",
        "category": "complaints",
        "shuffle": "true",
        "stem_zh": "把步骤与例句配对。",
        "stem_en": "Match each step to an example.",
        "pairs_zh": "道歉 => 非常抱歉 | 跟进 => 今天17点前回电",
        "pairs_en": "Apologise => I'm very sorry | Follow up => I'll call by 5 pm",
    },
]


def escape_item(text: str, specials: str = "|") -> str:
    """`text` as one item of a list cell: a backslash before a backslash and each of
    `specials` (and before a leading `%`, which would read as a weight)."""
    out = text.replace("\\", "\\\\")
    for char in specials:
        out = out.replace(char, "\\" + char) if char != ">" else out.replace("=>", "=\\>")
    return "\\" + out if out.startswith("%") else out


def unescape_item(item: str) -> str:
    return _ESCAPED.sub(r"\1", item)


def split_items(cell: str, separator: str = "|") -> list[str]:
    """The items of a list cell, escapes still in (so a weight or `=>` can be found), each
    stripped; an empty cell has none, an empty item between separators is kept ('')."""
    if not cell.strip():
        return []
    items: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(cell):
        if cell[index] == "\\" and index + 1 < len(cell):
            current.append(cell[index : index + 2])
            index += 2
        elif cell.startswith(separator, index):
            items.append("".join(current).strip(TRIM))
            current = []
            index += len(separator)
        else:
            current.append(cell[index])
            index += 1
    items.append("".join(current).strip(TRIM))
    return items


def _localized(zh: str, en: str) -> Any:
    """A bank text from its two cells: one string when they agree, `{zh}` or `{en}` when
    only one is given, '' when neither."""
    zh, en = zh.strip(TRIM), en.strip(TRIM)
    if zh == en:
        return zh
    if zh and en:
        return {"zh": zh, "en": en}
    return {"zh": zh} if zh else {"en": en}


def _item_text(zh: list[str], en: list[str], index: int) -> Any:
    return _localized(
        unescape_item(zh[index]) if index < len(zh) else "",
        unescape_item(en[index]) if index < len(en) else "",
    )


def _flag(cell: str, default: bool) -> bool:
    return default if not cell else cell.strip().lower() in _TRUE


def _weighted(item: str) -> tuple[float | None, str]:
    match = _WEIGHT.match(item)
    return (float(match.group(1)), item[match.end() :]) if match else (None, item)


def _row_question(row: dict[str, str], number: int) -> dict[str, Any] | Skipped:
    get = {key: (row.get(key) or "").strip(TRIM) for key in COLUMNS}
    kind = get["type"]
    if kind not in QUESTION_TYPES:
        return Skipped(number, "unknown_type", {"type": kind or "-"})
    question: dict[str, Any] = {
        "id": get["id"] or f"row-{number}",
        "type": kind,
        "category": get["category"] or DEFAULT_CATEGORY,
        "stem": _localized(get["stem_zh"], get["stem_en"]),
    }
    for key in ("difficulty", "points", "title"):
        if get[key]:
            question[key] = get[key]
    explanation = _localized(get["explanation_zh"], get["explanation_en"])
    if explanation:
        question["explanation"] = explanation
    if get["tags"]:
        question["tags"] = [tag.strip() for tag in get["tags"].split(",") if tag.strip()]
    if get["excludes"]:
        question["excludes"] = [i.strip() for i in get["excludes"].split(",") if i.strip()]
    if kind in ("single", "multiple", "matching"):
        question["shuffle"] = _flag(get["shuffle"], True)
    if kind in ("single", "multiple"):
        zh, en = split_items(get["options_zh"]), split_items(get["options_en"])
        feedback_zh = split_items(get["option_feedback_zh"])
        feedback_en = split_items(get["option_feedback_en"])
        right = {part.strip() for part in get["correct"].split(",") if part.strip()}
        options = []
        for i in range(max(len(zh), len(en))):
            weight = None
            for column in (zh, en):
                if i < len(column):
                    found, column[i] = _weighted(column[i])
                    weight = found if found is not None else weight
            option: dict[str, Any] = {"text": _item_text(zh, en, i)}
            if str(i + 1) in right:
                option["correct"] = True
            if weight is not None:
                option["weight"] = weight
            feedback = _item_text(feedback_zh, feedback_en, i)
            if feedback:
                option["feedback"] = feedback
            options.append(option)
        question["options"] = options
    elif kind == "true_false":
        question["answer"] = get["correct"].lower() in _TRUE
        for side in ("true", "false"):
            feedback = _localized(get[f"feedback_{side}_zh"], get[f"feedback_{side}_en"])
            if feedback:
                question[f"feedback_{side}"] = feedback
    elif kind in ("short_answer", "numerical"):
        accept, patterns = split_items(get["accept"]), split_items(get["patterns"])
        feedback_zh = split_items(get["answer_feedback_zh"])
        feedback_en = split_items(get["answer_feedback_en"])
        answers = []
        for i, part in enumerate(split_items(get["answers"])):
            found, text = _weighted(part)
            weight = 100.0 if found is None else found
            item: dict[str, Any]
            if kind == "short_answer":
                item = {"text": unescape_item(text), "weight": weight}
                for key, cells in (("accept", accept), ("patterns", patterns)):
                    if i < len(cells) and cells[i]:
                        item[key] = [unescape_item(x) for x in split_items(cells[i], ";") if x]
            else:
                value, _, tolerance = unescape_item(text).partition(":")
                item = {"value": value, "tolerance": tolerance or 0, "weight": weight}
            feedback = _item_text(feedback_zh, feedback_en, i)
            if feedback:
                item["feedback"] = feedback
            answers.append(item)
        question["answers"] = answers
        if kind == "short_answer":
            question["case_sensitive"] = _flag(get["case_sensitive"], False)
        else:
            wrong = _localized(get["feedback_wrong_zh"], get["feedback_wrong_en"])
            if wrong:
                question["feedback_wrong"] = wrong
    else:
        zh, en = split_items(get["pairs_zh"]), split_items(get["pairs_en"])
        pairs = []
        for i in range(max(len(zh), len(en))):
            halves = [split_items(c[i], "=>") if i < len(c) else [] for c in (zh, en)]
            lefts = [unescape_item(h[0]) if h else "" for h in halves]
            rights = [unescape_item("=>".join(h[1:])) if len(h) > 1 else "" for h in halves]
            pairs.append({"left": _localized(*lefts), "right": _localized(*rights)})
        question["pairs"] = pairs
        zh, en = split_items(get["distractors_zh"]), split_items(get["distractors_en"])
        distractors = [_item_text(zh, en, i) for i in range(max(len(zh), len(en)))]
        if distractors:
            question["distractors"] = distractors
    return question


def read_rows(
    rows: Iterable[tuple[int, dict[str, str]]],
    header: Iterable[str],
    result: ImportResult | None = None,
) -> ImportResult:
    """Questions from `(row number, cells)` pairs; the header names the columns."""
    result = result if result is not None else ImportResult()
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
            continue
        category = made["category"]
        fresh = category not in result.categories
        result.add(made, number)
        title = _localized(row.get("category_zh") or "", row.get("category_en") or "")
        known = category in result.categories
        if title and known and (fresh or result.categories[category] == category):
            result.categories[category] = title
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
    """Questions from the `questions` sheet (or the first) of the workbook `data`, with the
    bank's id, title and categories from its `bank` sheet when it has one; `path` names the
    file in a sentence if it is not a workbook (`files.read_import_file` checks its size)."""
    from openpyxl import load_workbook

    result = ImportResult()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        names = workbook.sheetnames
        sheet = workbook["questions"] if "questions" in names else workbook.worksheets[0]
        if "bank" in names:
            _read_bank_sheet(workbook["bank"].iter_rows(values_only=True), result)
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

    return read_rows(rows(), header, result)


def _read_bank_sheet(values: Iterable[tuple[Any, ...]], result: ImportResult) -> None:
    """The `bank` sheet: `id`, `title_zh` and `title_en` rows, then a `category`,
    `title_zh`, `title_en` header and a row a category."""
    texts = [["" if cell is None else _cell_text(cell) for cell in row] for row in values]
    fields: dict[str, str] = {}
    in_categories = False
    for row in texts:
        row = [*row, "", "", ""]
        if row[0] == "category":
            in_categories = True
        elif in_categories and row[0].strip():
            title = _localized(row[1], row[2])
            result.categories[row[0].strip()] = title or row[0].strip()
        elif not in_categories and row[0]:
            fields[row[0].strip()] = row[1]
    if fields.get("id", "").strip():
        result.bank_id = fields["id"].strip()
    title = _localized(fields.get("title_zh", ""), fields.get("title_en", ""))
    if title:
        result.title = title


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


def _text(value: LocalizedText | None, lang: str) -> str:
    """One language of a text as written in the bank (not the other language's fallback),
    so that a text in one language only reads back as one."""
    if value is None:
        return ""
    return (value.zh if lang == "zh" else value.en) or ""


def _list(items: list[str]) -> str:
    """A list cell, or '' when every item is empty."""
    return SEPARATOR.join(items) if any(items) else ""


def bank_rows(bank: QuestionBank) -> list[dict[str, Any]]:
    """The bank's questions as spreadsheet rows, both languages; numbers stay numbers."""
    rows = []
    titled: set[str] = set()
    for question in bank.questions:
        row: dict[str, Any] = dict.fromkeys(COLUMNS, "")
        row.update(
            id=question.id,
            type=question.type,
            category=question.category,
            difficulty=question.difficulty,
            points=question.points,
            title=question.title or "",
            stem_zh=_text(question.stem, "zh"),
            stem_en=_text(question.stem, "en"),
            explanation_zh=_text(question.explanation, "zh"),
            explanation_en=_text(question.explanation, "en"),
            tags=", ".join(question.tags),
            excludes=", ".join(question.excludes),
        )
        if question.category not in titled and question.category in bank.categories:
            titled.add(question.category)
            title = bank.categories[question.category]
            row.update(category_zh=_text(title, "zh"), category_en=_text(title, "en"))
        if question.type in ("single", "multiple"):
            row["shuffle"] = "true" if question.shuffle else "false"
            for lang in ("zh", "en"):
                row[f"options_{lang}"] = SEPARATOR.join(
                    (f"%{number_text(o.weight)}%" if o.weight is not None else "")
                    + escape_item(_text(o.text, lang))
                    for o in question.options
                )
                row[f"option_feedback_{lang}"] = _list(
                    [escape_item(_text(o.feedback, lang)) for o in question.options]
                )
            row["correct"] = ",".join(
                str(i + 1) for i, o in enumerate(question.options) if o.correct
            )
        elif question.type == "true_false":
            row["correct"] = "true" if question.answer else "false"
            for side in ("true", "false"):
                feedback = getattr(question, f"feedback_{side}")
                for lang in ("zh", "en"):
                    row[f"feedback_{side}_{lang}"] = _text(feedback, lang)
        elif question.type in ("short_answer", "numerical"):
            items = []
            for a in question.answers:
                weight = "" if a.weight == 100 else f"%{number_text(a.weight)}%"
                if isinstance(a, TextAnswer):
                    items.append(weight + escape_item(a.text))
                else:
                    items.append(f"{weight}{number_text(a.value)}:{number_text(a.tolerance)}")
            row["answers"] = SEPARATOR.join(items)
            for lang in ("zh", "en"):
                row[f"answer_feedback_{lang}"] = _list(
                    [escape_item(_text(a.feedback, lang)) for a in question.answers]
                )
            if isinstance(question, Numerical):
                for lang in ("zh", "en"):
                    row[f"feedback_wrong_{lang}"] = _text(question.feedback_wrong, lang)
            if question.type == "short_answer":
                row["case_sensitive"] = "true" if question.case_sensitive else "false"
                for key in ("accept", "patterns"):
                    row[key] = _list(
                        [
                            WORDING_SEPARATOR.join(escape_item(x, "|;") for x in getattr(a, key))
                            for a in question.answers
                        ]
                    )
        elif question.type == "matching":
            row["shuffle"] = "true" if question.shuffle else "false"
            for lang in ("zh", "en"):
                row[f"pairs_{lang}"] = SEPARATOR.join(
                    f"{escape_item(_text(p.left, lang), '|>')} => "
                    f"{escape_item(_text(p.right, lang), '|>')}"
                    for p in question.pairs
                )
                row[f"distractors_{lang}"] = SEPARATOR.join(
                    escape_item(_text(d, lang)) for d in question.distractors
                )
        rows.append(row)
    return rows


def _cell_value(column: str, value: Any) -> Any:
    """What a cell holds: a number in a number column (text that is a number, too), the
    text otherwise."""
    if column in NUMBER_COLUMNS:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        try:
            number = float(str(value))
        except ValueError:
            return value
        if not math.isfinite(number):
            return value
        return int(number) if number.is_integer() else number
    return "" if value is None else value


def _as_text(value: Any) -> str:
    if isinstance(value, float):
        return number_text(value)
    return "" if value is None else str(value)


def write_csv(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(
        {column: csv_cell(_as_text(row.get(column, ""))) for column in COLUMNS} for row in rows
    )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


INSTRUCTIONS: list[tuple[str, str, str]] = [
    ("列 / column", "说明", "What"),
    (
        "type",
        "题型：single 单选、multiple 多选、true_false 判断、"
        "short_answer 填空、numerical 数值、matching 匹配",
        "single, multiple, true_false, short_answer, numerical, matching",
    ),
    (
        "id",
        "题目编号（小写字母、数字、- 和 _）；留空则按行号生成",
        "the question's id (lowercase letters, digits, - and _); empty: made from the row",
    ),
    (
        "category",
        "分类编号，可从下拉列表选择；category_zh/en 为分类名称",
        "a category id (dropdown); category_zh/en name it",
    ),
    (
        "difficulty, points",
        "难度 1–3；分值（数字）",
        "difficulty 1 to 3; points on a paper (numbers)",
    ),
    ("stem_zh, stem_en", "题干（中文、英文）", "the question, in Chinese and English"),
    (
        "options_zh, options_en",
        "选项，用“ | ”分隔；选项前加 %50% 表示权重",
        "options separated by ' | '; %50% before one gives it a weight",
    ),
    (
        "correct",
        "正确选项编号（如 1 或 1,3），判断题填 true 或 false",
        "the right options (1, or 1,3), or true/false",
    ),
    (
        "option_feedback_zh/en",
        "每个选项的反馈，按选项顺序用“ | ”分隔",
        "each option's feedback, in order, ' | ' between",
    ),
    (
        "answers",
        "填空或数值答案，用“ | ”分隔；数值写作 24 或 24:1（误差）",
        "short or numerical answers, ' | ' between; numbers as 24 or 24:1",
    ),
    (
        "accept, patterns",
        "每个答案的其他说法、正则表达式，同一答案内用“ ; ”分隔",
        "per answer: other wordings, regular expressions; ' ; ' between",
    ),
    (
        "pairs_zh, pairs_en",
        "匹配题：左 => 右，用“ | ”分隔",
        "matching pairs: left => right, ' | ' between",
    ),
    (
        "distractors_zh/en, feedback_wrong_zh/en",
        "匹配题中不与任何左项匹配的多余选项；数值题答错时的反馈",
        "matching: right-hand choices that match nothing; numerical: feedback for a wrong number",
    ),
    (
        "shuffle, case_sensitive",
        "true 或 false：是否打乱选项；填空是否区分大小写",
        "true or false: shuffle the options; case matters",
    ),
    (
        "\\",
        "列表单元格中，反斜杠使其后的字符成为普通文字：\\| 表示竖线，\\; 表示分号，\\\\ 表示反斜杠",
        "in list cells a backslash makes the next character plain: "
        "\\| a bar, \\; a semicolon, \\\\ a backslash",
    ),
    (
        "=",
        "以 = + - @ 开头的单元格按文字保存，不会成为公式",
        "a cell starting with = + - @ is kept as text, never a formula",
    ),
]
"""The instructions sheet: each column in Chinese and English."""


def write_xlsx(
    rows: list[dict[str, Any]],
    bank: QuestionBank | None = None,
    categories: dict[str, LocalizedText] | None = None,
) -> bytes:
    """The rows as a workbook: a `questions` sheet (widths set, type and category chosen
    from dropdowns, no formula cell), a `bank` sheet (the bank's id, title and categories,
    or the categories of `categories`) and an `instructions` sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from rich.cells import cell_len

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "questions"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(column) + 2 for column in COLUMNS]
    for number, row in enumerate(rows):
        values = [_cell_value(column, row.get(column, "")) for column in COLUMNS]
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and would_be_evaluated(cell.value):
                cell.data_type = "s"  # openpyxl made `=...` a formula; Excel would run it
                cell.quotePrefix = True  # and keeps it text when someone edits the cell
        if number < 500:  # enough to size the columns; a big bank costs no more
            for index, value in enumerate(values):
                longest = max((cell_len(line) for line in str(value).splitlines()), default=0)
                widths[index] = max(widths[index], min(60, longest + 2))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    last = max(1000, len(rows) + 500)

    def column_range(name: str) -> str:
        letter = get_column_letter(COLUMNS.index(name) + 1)
        return f"{letter}2:{letter}{last}"

    types = DataValidation(type="list", formula1=f'"{",".join(QUESTION_TYPES)}"')
    sheet.add_data_validation(types)
    types.add(column_range("type"))

    info = workbook.create_sheet("bank")
    listed: dict[str, Any] = dict(bank.categories) if bank is not None else dict(categories or {})
    if not listed:
        for row in rows:
            category = str(row.get("category") or "")
            if category and category not in listed:
                listed[category] = _localized(
                    str(row.get("category_zh") or ""), str(row.get("category_en") or "")
                )
    if bank is not None:
        info.append(["id", bank.id])
        info.append(["title_zh", _text(bank.title, "zh")])
        info.append(["title_en", _text(bank.title, "en")])
        info.append([])
    info.append(["category", "title_zh", "title_en"])
    first = info.max_row + 1
    for category, title in listed.items():
        if isinstance(title, LocalizedText):
            zh, en = _text(title, "zh"), _text(title, "en")
        elif isinstance(title, dict):
            zh, en = title.get("zh") or "", title.get("en") or ""
        else:
            zh = en = str(title or "")
        info.append([category, zh, en])
    for row_cells in info.iter_rows():
        for cell in row_cells:
            if isinstance(cell.value, str) and would_be_evaluated(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True
    for letter, width in (("A", 24), ("B", 40), ("C", 40)):
        info.column_dimensions[letter].width = width
    if listed:
        names = DataValidation(
            type="list", formula1=f"=bank!$A${first}:$A${first + len(listed) - 1}"
        )
        names.showErrorMessage = False  # a new category may be typed in
        sheet.add_data_validation(names)
        names.add(column_range("category"))

    guide = workbook.create_sheet("instructions")
    for line in INSTRUCTIONS:
        guide.append(list(line))
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for letter, width in (("A", 26), ("B", 70), ("C", 70)):
        guide.column_dimensions[letter].width = width
        for cell in guide[letter]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
