"""GIFT, Aiken and spreadsheet import and export: a corpus with expected results, round trips,
error cases with their lines, mangled input that never raises, and the commands."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DATA
from trainer.cli import main
from trainer.content.formats.aiken import read_aiken
from trainer.content.formats.common import ImportResult, bank_yaml
from trainer.content.formats.gift import read_gift, write_gift
from trainer.content.formats.spreadsheet import (
    bank_rows,
    read_csv,
    read_xlsx,
    write_csv,
    write_xlsx,
)
from trainer.content.loader import load_library
from trainer.content.models import QuestionBank
from trainer.locations import bundled_content_root

CORPUS = (DATA / "formats" / "corpus.gift").read_text(encoding="utf-8")


def by_id(questions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {question["id"]: question for question in questions}


def test_gift_corpus_gives_the_expected_questions() -> None:
    result = read_gift(CORPUS)
    questions = by_id(result.questions)
    assert result.categories == {"etiquette": "Etiquette", "complaints": "Complaints"}
    assert list(questions) == [
        "rings",
        "greeting-parts",
        "closing-first",
        "blame-ok",
        "escapes",
        "callback-hours",
        "range",
        "multi-numeric",
        "match",
        "blank",
        "short",
        "html",
        "odd",
        "rings-2",
    ]
    rings = questions["rings"]  # ids and tags from comments, title, feedback, general feedback
    assert (rings["type"], rings["title"], rings["tags"]) == (
        "single",
        "Answer within",
        ["hotline", "standard"],
    )
    assert rings["options"][0] == {
        "text": "3 rings",
        "correct": True,
        "feedback": "Right: the standard says three.",
    }
    assert rings["explanation"] == "The hotline standard: answer within three rings."
    parts = questions["greeting-parts"]  # an id made from the title; weights
    assert parts["type"] == "multiple"
    assert [o.get("weight") for o in parts["options"]] == [50, 50, -100]
    assert questions["closing-first"] == {
        "id": "closing-first",
        "category": "etiquette",
        "stem": "Let the customer hang up first.",
        "type": "true_false",
        "answer": True,
        "feedback_false": "No: waiting is the polite way.",
        "feedback_true": "Yes.",
    }
    assert questions["blame-ok"]["answer"] is False
    assert questions["escapes"]["stem"] == (
        "Type 1:1 {exactly}\nthen~ # and = and a backslash \\ here."
    )
    assert questions["escapes"]["answers"][0]["text"] == "1:1"
    assert questions["callback-hours"]["answers"] == [{"value": 24, "tolerance": 0, "weight": 100}]
    assert questions["range"]["answers"] == [{"value": 2, "tolerance": 1, "weight": 100}]
    assert [a["weight"] for a in questions["multi-numeric"]["answers"]] == [100, 50]
    assert questions["match"]["pairs"][2] == {
        "left": "Follow up",
        "right": "I'll call you back by 5 pm today.",
    }
    assert questions["blank"]["stem"].endswith("resolve and _____ in that order.")
    assert questions["short"]["answers"][1] == {"text": "I'll check", "weight": 50}
    assert questions["html"]["stem"] == "Which is a forbidden phrase?"  # tags stripped
    # several `=` in a choice: Moodle's single answer with two fully right options
    assert questions["odd"]["options"] == [
        {"text": "a", "correct": True},
        {"text": "b", "weight": 100.0},
        {"text": "c"},
    ]
    assert [(s.line, s.key) for s in result.skipped] == [
        (59, "description"),
        (62, "essay"),
        (68, "unbalanced"),
    ]
    assert result.skipped[2].message("zh").startswith("已跳过：")
    # an id used before is made unique (as Moodle, which imports both), and said
    assert [(s.line, s.key, s.values) for s in result.notes] == [
        (71, "id_renamed", {"id": "rings", "new": "rings-2"})
    ]
    assert "rings-2" in result.notes[0].message("en")


def test_gift_round_trip_gives_the_same_bank() -> None:
    first = read_gift(CORPUS).bank("corpus", "Corpus")
    bank = QuestionBank.model_validate(first)
    second = read_gift(write_gift(bank, "en"))
    assert second.skipped == []
    assert second.bank("corpus", "Corpus") == first


def test_bundled_bank_exports_to_gift_and_back_in_each_language() -> None:
    library = load_library([bundled_content_root()])
    bank = library.bank("frontline_core")
    assert bank is not None
    for lang in ("zh", "en"):
        back = read_gift(write_gift(bank, lang))
        assert back.skipped == [] and len(back.questions) == len(bank.questions)
        # GIFT groups questions under their $CATEGORY, so compare by id
        assert {q["id"]: q["stem"] for q in back.questions} == {
            q.id: q.stem.get(lang) for q in bank.questions
        }


AIKEN = """\
What is the first step of the four-step method?
A. Resolve
B) Apologise
C. Follow up
ANSWER: B

A stem with one option only
A. Alone
ANSWER: A

Options out of order
A. one
C. three
ANSWER: A

Answer names no option
A. one
B. two
ANSWER: D

A. an option before any stem
ANSWER: A

Forgot the answer line
A. yes
B. no
"""


def test_aiken_reads_good_questions_and_reports_each_error_case() -> None:
    result = read_aiken(AIKEN, "steps")
    assert len(result.questions) == 1
    question = result.questions[0]
    assert question["category"] == "steps" and question["type"] == "single"
    assert [o["text"] for o in question["options"]] == ["Resolve", "Apologise", "Follow up"]
    assert [o.get("correct", False) for o in question["options"]] == [False, True, False]
    assert [(s.line, s.key) for s in result.skipped] == [
        (7, "aiken_few_options"),
        (11, "aiken_option_order"),
        (19, "aiken_bad_answer"),
        (21, "aiken_no_stem"),
        (22, "aiken_no_stem"),
        (24, "aiken_no_answer"),
    ]
    assert result.skipped[2].message("en") == "skipped: ANSWER D names no option of this question"


def comparable(bank: QuestionBank) -> dict[str, Any]:
    """A bank without what spreadsheets do not carry (per-answer feedback, shuffle, and a
    short answer's `accept` wordings and `patterns`, which have no column yet)."""
    data = bank.model_dump(mode="json", exclude_none=True)
    for question in data["questions"]:
        question.pop("shuffle", None)
        for key in ("feedback_true", "feedback_false"):
            question.pop(key, None)
        for item in question.get("options", []) + question.get("answers", []):
            for key in ("feedback", "accept", "patterns"):
                item.pop(key, None)
    return data


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_spreadsheet_round_trip_keeps_both_languages(kind: str) -> None:
    library = load_library([bundled_content_root()])
    for loaded in library.banks.values():
        bank = loaded.model
        rows = bank_rows(bank)
        result = (
            read_xlsx(write_xlsx(rows))
            if kind == "xlsx"
            else read_csv(write_csv(rows).decode("utf-8"))
        )
        assert result.skipped == []
        again = QuestionBank.model_validate(
            {
                **result.bank(bank.id, "x"),
                "title": bank.title.model_dump(),
                "categories": {k: v.model_dump() for k, v in bank.categories.items()},
            }
        )
        assert comparable(again)["questions"] == comparable(bank)["questions"]


def test_spreadsheet_rows_report_their_row_numbers() -> None:
    text = (
        "id,type,stem_zh,options_zh,correct\n"
        "ok,single,题,甲 | 乙,1\n"
        "bad,essay,题,,\n"
        "\n"
        "two,single,题,甲 | 乙,\n"
    )
    result = read_csv(text)
    assert [q["id"] for q in result.questions] == ["ok"]
    assert [(s.line, s.key) for s in result.skipped] == [(3, "unknown_type"), (5, "invalid")]
    assert result.skipped[1].message("en").startswith("skipped: options: ")
    header = read_csv("id,type,colour\n1,single,red\n")
    assert header.skipped[0].message("en") == (
        "the first row must name the columns; unknown column(s): colour"
    )


_EDITS = st.lists(
    st.tuples(
        st.integers(0, len(CORPUS) - 1),
        st.sampled_from(["", "{", "}", "=", "~", "#", "\\", "\n\n", "->", "%", "::", "A. "]),
    ),
    max_size=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_EDITS)
def test_mangled_gift_and_aiken_give_a_report_never_a_traceback(
    edits: list[tuple[int, str]],
) -> None:
    text = CORPUS
    for position, insert in edits:
        text = text[:position] + insert + text[position + 1 :]
    for result in (read_gift(text), read_aiken(text), read_aiken(AIKEN + text[:200])):
        QuestionBank.model_validate(result.bank("fuzz", "fuzz"))  # whatever was kept is valid
        for skipped in result.skipped:
            assert skipped.line >= 1 and skipped.message("en")


def test_import_and_export_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = DATA / "formats" / "corpus.gift"
    folder = tmp_path / "question_banks"
    output = folder / "corpus.yaml"
    assert main(["--lang", "en", "import", str(source), "-o", str(output)]) == 0
    captured = capsys.readouterr()
    assert "Imported 14 question(s)" in captured.out and "skipped 3" in captured.out
    assert f"{source}:62: skipped: an essay question" in captured.err
    assert f"{source}:71: imported as rings-2" in captured.err
    data = yaml.safe_load(output.read_text("utf-8"))
    assert data["id"] == "corpus" and list(data["questions"][0])[:3] == ["id", "type", "category"]
    assert main(["--lang", "en", "validate", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["--lang", "en", "import", str(source), "-o", str(output)]) == 2
    assert "exists already" in capsys.readouterr().err

    template = tmp_path / "template.xlsx"
    assert main(["import", "--template", str(template)]) == 0
    imported = tmp_path / "question_banks" / "from_template.yaml"
    assert main(["--lang", "en", "import", str(template), "-o", str(imported)]) == 0
    assert "Imported 6 question(s)" in capsys.readouterr().out

    gift = tmp_path / "frontline.gift"
    assert (
        main(["--lang", "zh", "export", "frontline_core", "--format", "gift", "-o", str(gift)]) == 0
    )
    assert "$CATEGORY:" in gift.read_text("utf-8")
    sheet = tmp_path / "frontline.xlsx"
    assert main(["export", "frontline_core", "--format", "xlsx", "-o", str(sheet)]) == 0
    assert read_xlsx(sheet.read_bytes()).skipped == []
    assert main(["--lang", "en", "export", "nope", "--format", "gift", "-o", str(gift)]) == 1
    assert "There is no question bank nope" in capsys.readouterr().err


class _CountedQuestion(dict[str, Any]):
    """A question that counts how often its id is looked up."""

    reads = 0

    def __getitem__(self, key: str) -> Any:
        if key == "id":
            _CountedQuestion.reads += 1
        return super().__getitem__(key)


def test_adding_questions_looks_at_each_id_a_bounded_number_of_times() -> None:
    # The set of taken ids was rebuilt from every kept question on each add: 32,000 GIFT
    # questions took 110 s. Counting id look-ups is exact where timing would be noisy;
    # bench/imports.py times the readers themselves (4N / N about 4).
    result = ImportResult()
    count = 2_000
    for number in range(count):
        question = {
            "id": f"q-{number}",
            "type": "true_false",
            "category": "general",
            "stem": f"Statement {number}",
            "answer": True,
        }
        result.add(_CountedQuestion(question), number + 1)
    assert len(result.questions) == count and result.skipped == []
    assert _CountedQuestion.reads <= 5 * count
    result.add(_CountedQuestion({**question, "stem": "again"}), count + 1)
    assert [(s.line, s.key) for s in result.skipped] == [(count + 1, "duplicate_id")]


def test_bank_yaml_written_in_batches_is_one_document() -> None:
    questions = [
        {
            "id": f"q-{n}",
            "type": "true_false",
            "category": "general",
            "stem": f"S {n}",
            "answer": n % 2 == 0,
        }
        for n in range(1_234)
    ]
    bank = {"id": "b", "title": "B", "categories": {"general": "General"}, "questions": questions}
    assert yaml.safe_load(bank_yaml(bank)) == bank
    assert bank_yaml(bank) == yaml.safe_dump(bank, allow_unicode=True, sort_keys=False, width=100)


FORMULA_BANK = {
    "id": "formulas",
    "title": "Formulas",
    "categories": {"general": "General"},
    "questions": [
        {
            "id": "link",
            "type": "single",
            "category": "general",
            "stem": {"zh": '=HYPERLINK("http://evil","click")', "en": "+1+1"},
            "options": [
                {"text": "@SUM(A1:A9)", "correct": True},
                {"text": {"zh": "-2+3", "en": "'=already marked"}},
            ],
            "explanation": {"zh": "=1+1", "en": "@feedback"},
            "tags": ["=tag"],
        },
        {
            "id": "negative",
            "type": "numerical",
            "category": "general",
            "stem": "-40 degrees in Fahrenheit?",
            "answers": [{"value": -40, "tolerance": 0.5}, {"value": -39, "weight": 50}],
        },
        {
            "id": "typed",
            "type": "short_answer",
            "category": "general",
            "stem": "'tis the season: type -5",
            "answers": [{"text": "-5"}, {"text": "=-5", "weight": 50}],
        },
        {
            "id": "pairs",
            "type": "matching",
            "category": "general",
            "stem": "Match",
            "pairs": [
                {"left": "=A1", "right": "+B2"},
                {"left": "@C3", "right": "-D4"},
                {"left": "E5", "right": "F6"},
            ],
        },
    ],
}


def test_exports_write_no_cell_a_spreadsheet_evaluates_and_read_back_the_same() -> None:
    import csv
    import io
    import zipfile

    from openpyxl import load_workbook

    bank = QuestionBank.model_validate(FORMULA_BANK)
    rows = bank_rows(bank)

    data = write_xlsx(rows)
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "HYPERLINK" in sheet_xml  # text, not a formula
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    link = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert link["stem_zh"].value == '=HYPERLINK("http://evil","click")'
    assert link["stem_zh"].data_type == "s" and link["stem_zh"].quotePrefix
    assert link["stem_en"].data_type == "s" and link["stem_en"].quotePrefix
    negative = {name: cell for name, cell in zip(header, sheet[3], strict=True)}
    assert negative["answers"].value == "-40:0.5 | %50%-39:0"
    assert not negative["answers"].quotePrefix  # numbers are not formulas

    text = write_csv(rows).decode("utf-8")
    lines = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[0]["stem_zh"] == '\'=HYPERLINK("http://evil","click")'
    assert lines[0]["stem_en"] == "'+1+1"
    assert lines[0]["options_en"] == "'@SUM(A1:A9) | '=already marked"
    assert lines[0]["options_zh"] == "'@SUM(A1:A9) | -2+3"
    assert lines[0]["explanation_en"] == "'@feedback" and lines[0]["tags"] == "'=tag"
    assert lines[1]["answers"] == "-40:0.5 | %50%-39:0"  # negative numbers untouched
    assert lines[2]["stem_en"] == "'tis the season: type -5"  # no formula, no mark
    assert lines[2]["answers"] == "'-5 | %50%=-5"  # more than numbers: marked
    assert lines[3]["pairs_en"] == "'=A1 => +B2 | @C3 => -D4 | E5 => F6"
    numbers = re.compile(r"[-+0-9.:%| ]*")
    for line in lines:
        for cell in line.values():
            assert not cell.startswith(("=", "+", "-", "@")) or numbers.fullmatch(cell), cell

    for result in (read_xlsx(data), read_csv(text)):
        assert result.skipped == []
        again = QuestionBank.model_validate(result.bank("formulas", "Formulas"))
        assert comparable(again)["questions"] == comparable(bank)["questions"]


def test_a_leading_apostrophe_in_a_csv_marks_text_only_before_a_formula() -> None:
    text = (
        "id,type,stem_en,answers\na,short_answer,'=SUM(1),'tis\nb,short_answer,''=twice,'-5 | -5\n"
    )
    result = read_csv(text)
    assert result.skipped == []
    assert [(q["stem"], [a["text"] for a in q["answers"]]) for q in result.questions] == [
        ({"en": "=SUM(1)"}, ["'tis"]),  # an English cell only: the text is English only
        ({"en": "'=twice"}, ["'-5", "-5"]),
    ]


def _xlsx_with_sheet(sheet: str) -> bytes:
    """The template workbook with its sheet's XML replaced by `sheet`."""
    import io
    import zipfile

    from trainer.content.formats.spreadsheet import COLUMNS, TEMPLATE_ROWS

    template = write_xlsx([{c: row.get(c, "") for c in COLUMNS} for row in TEMPLATE_ROWS])
    source = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            name = info.filename
            target.writestr(name, sheet if name.endswith("sheet1.xml") else source.read(name))
    return out.getvalue()


def _entity_bomb_xlsx() -> bytes:
    import io
    import zipfile

    from trainer.content.formats.spreadsheet import COLUMNS, TEMPLATE_ROWS

    template = write_xlsx([{c: row.get(c, "") for c in COLUMNS} for row in TEMPLATE_ROWS])
    sheet = zipfile.ZipFile(io.BytesIO(template)).read("xl/worksheets/sheet1.xml").decode()
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    start = sheet.index("<worksheet")
    bomb = f"{sheet[:start]}<!DOCTYPE worksheet [{entities}]>{sheet[start:]}"
    bomb = bomb.replace("<t>ex-single</t>", "<t>&lol9;</t>", 1)
    assert "&lol9;" in bomb
    return _xlsx_with_sheet(bomb)


def _zip_of_garbage() -> bytes:
    import io
    import random
    import zipfile

    noise = random.Random(7)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in ("[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"):
            target.writestr(name, noise.randbytes(400))
    return out.getvalue()


def _random(size: int) -> bytes:
    import random

    return random.Random(size).randbytes(size)


NOT_WHAT_THE_NAME_SAYS = [
    (
        "random.xlsx",
        lambda: _random(5000),
        "is not an .xlsx workbook trainer can read",
    ),
    ("garbage.xlsx", _zip_of_garbage, "is not an .xlsx workbook trainer can read"),
    ("bomb.xlsx", _entity_bomb_xlsx, "declares XML entities"),
    ("random.csv", lambda: b"\xff\xfe" + _random(5000), "save it as UTF-8"),
    ("random.gift", lambda: b"// ok\n\x80" + _random(5000), "save it as UTF-8"),
    ("random.aiken", lambda: b"\xc3" + _random(5000), "save it as UTF-8"),
    (
        "long.csv",
        lambda: b'id,type,stem_en\na,single,"' + b"x" * 200_000 + b"\n",
        "cannot be read as CSV at line 2",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "sentence"),
    NOT_WHAT_THE_NAME_SAYS,
    ids=[c[0] for c in NOT_WHAT_THE_NAME_SAYS],
)
def test_a_file_that_is_not_its_format_gets_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: Any, sentence: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content())
    output = tmp_path / "bank.yaml"
    kind = "aiken" if name.endswith(".aiken") else source.suffix[1:]
    said = {}
    for lang in ("en", "zh"):
        assert (
            main(["--lang", lang, "import", str(source), "--format", kind, "-o", str(output)]) == 1
        )
        said[lang] = capsys.readouterr().err
        assert len(said[lang].strip().splitlines()) == 1, said[lang]  # one sentence
        assert str(source) in said[lang] and "Traceback" not in said[lang]
    assert sentence in said["en"]
    assert re.search(r"[\u4e00-\u9fff]", said["zh"]) and said["zh"] != said["en"]
    assert not output.exists()


def test_openpyxl_reads_workbooks_through_defusedxml() -> None:
    import openpyxl

    # the dependency is what refuses the entity bomb: openpyxl uses it only when installed
    assert openpyxl.DEFUSEDXML is True


def test_an_xlsx_that_unpacks_to_too_much_is_refused_before_unpacking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trainer.content.formats import files
    from trainer.content.formats.common import ImportFileError

    monkeypatch.setattr(files, "MAX_XLSX_UNPACKED_BYTES", 2**20)
    big = tmp_path / "big.xlsx"
    big.write_bytes(_xlsx_with_sheet("<worksheet>" + " " * 2**21 + "</worksheet>"))
    assert big.stat().st_size < 50_000  # zeros of a zip bomb compress to nothing
    with pytest.raises(ImportFileError) as raised:
        files.read_import_file(big, "xlsx", "imported")
    assert raised.value.key == "xlsx_too_big"
    monkeypatch.setattr(files, "MAX_IMPORT_BYTES", 1_000)
    with pytest.raises(ImportFileError) as raised:
        files.read_import_file(big, "xlsx", "imported")
    assert raised.value.key == "too_large"


@functools.cache
def _formula_workbook() -> bytes:
    """One workbook for every damaged copy: a zip holds its parts' times, so a workbook made
    anew for each example would differ, and Hypothesis could not replay what it found."""
    return write_xlsx(bank_rows(QuestionBank.model_validate(FORMULA_BANK)))


def test_a_workbook_asking_for_a_newer_zip_version_is_a_sentence(tmp_path: Path) -> None:
    """Found by the test below: one damaged byte in a directory entry's "version needed to
    extract" made Python's zip reader raise NotImplementedError, shown as a traceback."""
    from trainer.content.formats.common import ImportFileError
    from trainer.content.formats.files import read_import_file

    data = bytearray(_formula_workbook())
    entry = data.index(b"PK\x01\x02")  # the first central directory entry
    data[entry + 6] = 103  # version needed to extract: 10.3
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(bytes(data))
    with pytest.raises(ImportFileError) as refused:
        read_import_file(damaged, "xlsx", "imported")
    assert refused.value.key == "not_xlsx"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=6))
def test_a_damaged_xlsx_gives_questions_or_a_sentence(flips: list[tuple[int, int]]) -> None:
    import tempfile

    from trainer.content.formats.common import ImportFileError
    from trainer.content.formats.files import read_import_file

    data = bytearray(_formula_workbook())
    for position, value in flips:
        data[position % len(data)] = value
    with tempfile.TemporaryDirectory() as folder:
        damaged = Path(folder) / "damaged.xlsx"
        damaged.write_bytes(bytes(data))
        try:
            result = read_import_file(damaged, "xlsx", "imported")
        except ImportFileError as error:
            assert error.key in ("not_xlsx", "xlsx_too_big", "xlsx_entities")
        else:
            QuestionBank.model_validate(result.bank("damaged", "damaged"))
