"""Moodle XML, xlsx and CSV: what Moodle's files mean is what trainer imports, and a bank
written in each format reads back as the same bank, for every bundled bank and for
generated banks (every question type, feedback everywhere, weights like 33.33333, a second
option of weight 100, numbers like 1234567, text starting with `=`, `|` in options,
distractors, feedback for a wrong number, Chinese and English).

What a format cannot carry is left out of the comparison only where `docs/import-export.md`
says so: CSV has no bank id, title or empty categories (an .xlsx keeps them in its `bank`
sheet)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DATA
from trainer.cli import main
from trainer.content.formats.common import ImportFileError
from trainer.content.formats.moodlexml import (
    html_to_text,
    multilang_text,
    read_moodle_xml,
    text_html,
    write_moodle_xml,
)
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

MOODLE = (DATA / "formats" / "moodle.xml").read_bytes()


def _again(kind: str, bank: QuestionBank) -> tuple[QuestionBank, list[Any]]:
    """`bank` written as `kind` and read back, with what the reading skipped."""
    if kind == "moodlexml":
        result = read_moodle_xml(write_moodle_xml(bank))
    elif kind == "xlsx":
        result = read_xlsx(write_xlsx(bank_rows(bank), bank))
    else:  # CSV carries neither the bank's id and title nor its empty categories
        result = read_csv(write_csv(bank_rows(bank)).decode("utf-8"))
        result.bank_id, result.title = bank.id, bank.title.model_dump(exclude_none=True)
        used = {question.category for question in bank.questions}
        for category, title in bank.categories.items():
            if category not in used:
                result.categories[category] = title.model_dump(exclude_none=True)
    assert result.bank_id is not None
    again = QuestionBank.model_validate(result.bank(result.bank_id, result.title))
    return again, result.skipped


@pytest.mark.parametrize("kind", ["moodlexml", "xlsx", "csv"])
def test_every_bundled_bank_comes_back_the_same(kind: str) -> None:
    library = load_library([bundled_content_root()])
    assert len(library.banks) >= 3
    for bank_id in library.banks:
        bank = library.bank(bank_id)
        assert bank is not None
        again, skipped = _again(kind, bank)
        assert skipped == []
        assert again == bank


# ---------------------------------------------------------------- generated banks

_ALPHABET = "abcXYZ 019中文客服投诉抱歉|;\\%=*<>&\"'/\n-+@#:,.()\xa0\u3000"
_WORD = (
    st.text(alphabet=_ALPHABET, min_size=1, max_size=16)
    .map(lambda text: text.strip(" \n"))
    .filter(lambda text: bool(text.strip()) and "\n\n\n" not in text)
)
_TRICKY = st.sampled_from(
    ['=HYPERLINK("http://x","click")', "a | b", "-5", "+1", "@SUM(A1)", "%50% off", "x => y"]
)
_PLAIN = st.one_of(_WORD, _TRICKY)
_TEXT = st.one_of(
    _PLAIN,
    st.builds(lambda zh, en: {"zh": zh, "en": en}, _PLAIN, _PLAIN),
    st.builds(lambda zh: {"zh": zh}, _PLAIN),
    st.builds(lambda en: {"en": en}, _PLAIN),
)
_NAME = (
    st.text(alphabet="abc XYZ中文客服/-&", min_size=1, max_size=12)
    .map(str.strip)
    .filter(lambda text: bool(text) and not text.startswith("/") and not text.endswith("/"))
)
_TITLE = st.one_of(_NAME, st.builds(lambda zh, en: {"zh": zh, "en": en}, _NAME, _NAME))
_WEIGHTS = st.sampled_from([50.0, 33.33333, 25.0, 12.5, -50.0, -33.33333, 0.0])
_NUMBERS = st.one_of(
    st.sampled_from([1234567.0, 33.33333, -5.0, 0.1, 1e20, 24.0]),
    st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False),
)
_PATTERNS = st.sampled_from([r"\d+ ?h(ours?)?", "(yes|no);?", "a|b", r"\|"])


def _maybe(strategy: Any) -> Any:
    return st.one_of(st.none(), strategy)


def _put(question: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        question[key] = value


def _pattern_of_right_minus_wrong(weights: list[float]) -> bool:
    """Whether weights read back as the bank's own right-minus-wrong marking."""
    right = sum(1 for weight in weights if weight > 0)
    return bool(right) and all(abs(abs(weight) - 100 / right) < 1e-4 for weight in weights)


@st.composite
def _question(draw: Any, question_id: str, categories: list[str]) -> dict[str, Any]:
    kind = draw(
        st.sampled_from(
            ["single", "multiple", "true_false", "short_answer", "numerical", "matching"]
        )
    )
    question: dict[str, Any] = {
        "id": question_id,
        "type": kind,
        "category": draw(st.sampled_from(categories)),
        "difficulty": draw(st.integers(1, 3)),
        "points": draw(st.sampled_from([1.0, 2.0, 0.5, 33.33333, 100.0])),
        "stem": draw(_TEXT),
    }
    _put(question, "title", draw(_maybe(_WORD.filter(lambda title: title != question_id))))
    _put(question, "explanation", draw(_maybe(_TEXT)))
    tags = draw(st.lists(st.text("abc中文-", min_size=1, max_size=6), max_size=3))
    if tags:
        question["tags"] = tags
    if kind in ("single", "multiple"):
        count = draw(st.integers(2, 5))
        options = [{"text": draw(_TEXT)} for _ in range(count)]
        for option in options:
            _put(option, "feedback", draw(_maybe(_TEXT)))
        question["shuffle"] = draw(st.booleans())
        if kind == "single":
            right = draw(st.integers(0, count - 1))
            options[right]["correct"] = True
            if draw(st.booleans()):  # another option of weight 100 is right too
                weights = [draw(st.one_of(_WEIGHTS, st.just(100.0))) for _ in range(count)]
                weights[right] = 100.0
                first = weights.index(100.0)
                if first != right:  # the first option worth 100 is the `correct` one
                    del options[right]["correct"]
                    options[first]["correct"] = True
                if all(weight in (0, 100) for weight in weights):
                    # one option earns half, never the `correct` one (worth 100 by definition)
                    weights[(first + 1) % count] = 50.0
                for option, weight in zip(options, weights, strict=True):
                    option["weight"] = weight
        else:
            rights = draw(st.sets(st.integers(0, count - 1), min_size=1))
            weights = [
                draw(st.sampled_from([100.0, 50.0, 33.33333]))
                if index in rights
                else draw(_WEIGHTS.filter(lambda weight: weight <= 0))
                for index in range(count)
            ]
            weighted = draw(st.booleans()) and not _pattern_of_right_minus_wrong(weights)
            for index, option in enumerate(options):
                if index in rights:
                    option["correct"] = True
                if weighted:
                    option["weight"] = weights[index]
        question["options"] = options
    elif kind == "true_false":
        question["answer"] = draw(st.booleans())
        _put(question, "feedback_true", draw(_maybe(_TEXT)))
        _put(question, "feedback_false", draw(_maybe(_TEXT)))
    elif kind == "short_answer":
        question["case_sensitive"] = draw(st.booleans())
        answers = []
        for index in range(draw(st.integers(1, 3))):
            answer: dict[str, Any] = {
                "text": draw(_PLAIN),
                "weight": 100.0 if index == 0 else draw(st.sampled_from([100.0, 50.0, 33.33333])),
            }
            accept = draw(st.lists(_PLAIN, max_size=2))
            patterns = draw(st.lists(_PATTERNS, max_size=2))
            _put(answer, "accept", accept or None)
            _put(answer, "patterns", patterns or None)
            _put(answer, "feedback", draw(_maybe(_TEXT)))
            answers.append(answer)
        question["answers"] = answers
    elif kind == "numerical":
        question["answers"] = [
            {
                "value": draw(_NUMBERS),
                "tolerance": draw(st.sampled_from([0.0, 0.5, 1.0, 0.001])),
                "weight": 100.0 if index == 0 else draw(st.sampled_from([50.0, 33.33333, 0.0])),
                **({"feedback": fb} if (fb := draw(_maybe(_TEXT))) is not None else {}),
            }
            for index in range(draw(st.integers(1, 3)))
        ]
        _put(question, "feedback_wrong", draw(_maybe(_TEXT)))
    else:
        question["shuffle"] = draw(st.booleans())
        question["pairs"] = [
            {"left": draw(_TEXT), "right": draw(_TEXT)} for _ in range(draw(st.integers(2, 4)))
        ]
        distractors = draw(st.lists(_TEXT, max_size=2))
        _put(question, "distractors", distractors or None)
    return question


@st.composite
def banks(draw: Any) -> QuestionBank:
    categories = draw(
        st.lists(
            st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    ids = draw(
        st.lists(
            st.from_regex(r"[a-z0-9][a-z0-9_-]{0,10}", fullmatch=True), max_size=6, unique=True
        )
    )
    return QuestionBank.model_validate(
        {
            "id": draw(st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True)),
            "title": draw(_TITLE),
            "categories": {category: draw(_TITLE) for category in categories},
            "questions": [draw(_question(question_id, categories)) for question_id in ids],
        }
    )


@pytest.mark.parametrize("kind", ["moodlexml", "xlsx", "csv"])
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(bank=banks())
def test_a_generated_bank_comes_back_the_same(kind: str, bank: QuestionBank) -> None:
    again, skipped = _again(kind, bank)
    assert skipped == []
    assert again == bank


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.text(alphabet=_ALPHABET + "\t\xa0\u3000", min_size=1).map(lambda t: t.strip(" \n")))
def test_text_written_as_html_reads_back_unchanged(text: str) -> None:
    assert html_to_text(text_html(text)) == text


# ---------------------------------------------------------------- what Moodle's files mean


def test_a_moodle_file_imports_with_moodles_meaning() -> None:
    result = read_moodle_xml(MOODLE)
    assert [(s.line, s.message("en")) for s in result.skipped] == [
        (175, "skipped: a Moodle essay question, a type the bank cannot hold"),
        (180, "skipped: a description without answers"),
        (185, "skipped: a Moodle calculated question, a type the bank cannot hold"),
    ]
    assert result.title == "Service basics"
    assert result.categories == {"service-basics": "Service basics", "complaints": "Complaints"}
    questions = {question["id"]: question for question in result.questions}
    assert list(questions) == [
        *("open-1", "closing", "hang-up", "callback", "hours", "steps", "steps-with-a-spare")
    ]

    single = questions["open-1"]  # partial credit on a single choice, HTML to text
    assert single["type"] == "single" and single["points"] == 2.0 and single["shuffle"] is True
    assert single["title"] == "Opening line" and single["tags"] == ["opening", "etiquette"]
    assert single["stem"] == "Which opening is best?\n\nPick\xa0one."
    assert single["explanation"] == "Name the company first."
    assert [(o["text"], o.get("correct", False), o["weight"]) for o in single["options"]] == [
        ("Hello, Acme, agent 12", True, 100.0),
        ("Hello", False, 50.0),
        ("Yes?", False, 0.0),
    ]
    assert single["options"][1]["feedback"] == "Half: no company."

    several = questions["closing"]  # Moodle's fractions are kept as weights
    assert several["type"] == "multiple" and several["shuffle"] is False
    assert several["stem"] == "What belongs in the closing?\nChoose all."
    assert [o["weight"] for o in several["options"]] == [33.33333, 33.33333, 33.33333, -100.0]
    assert [o.get("correct", False) for o in several["options"]] == [True, True, True, False]

    true_false = questions["hang-up"]  # multilang spans give both languages
    assert true_false["category"] == "complaints"
    assert true_false["stem"] == {"zh": "应等客户先挂断。", "en": "Let the customer hang up first."}
    assert true_false["answer"] is True
    assert true_false["feedback_false"] == "It is rude to hang up first."

    short = questions["callback"]  # a wildcard is a pattern; \* is a star
    assert short["case_sensitive"] is True
    assert short["stem"] == "What do you promise at the end? [image: phone]"
    assert short["answers"][0]["patterns"] == ["call.*back"]
    assert short["answers"][1]["text"] == "a * star" and "patterns" not in short["answers"][1]

    numbers = questions["hours"]  # the catch-all `*` answer is what the bank does anyway
    assert [(a["value"], a["tolerance"], a["weight"]) for a in numbers["answers"]] == [
        (24.0, 0.0, 100.0),
        (1234567.0, 0.5, 50.0),
    ]
    assert numbers["stem"] == "Within how many hours is a complaint solved?  (hours)"
    assert numbers["feedback_wrong"] == "Completely wrong."
    assert questions["steps"]["pairs"][1] == {"left": "Follow up", "right": "I will call by 5"}
    assert questions["steps"]["shuffle"] is False
    spare = questions["steps-with-a-spare"]  # a subquestion without text is a spare answer
    assert len(spare["pairs"]) == 2 and spare["distractors"] == ["Whatever"]
    assert spare["shuffle"] is True  # Moodle's default for matching


def test_a_moodle_bank_goes_through_trainer_and_back_unchanged() -> None:
    first = read_moodle_xml(MOODLE)
    bank = QuestionBank.model_validate(first.bank("moodle", "Moodle"))
    again = read_moodle_xml(write_moodle_xml(bank))
    assert again.skipped == []
    assert QuestionBank.model_validate(again.bank("moodle", "Moodle")) == bank


@pytest.mark.parametrize("encoding", ["GB18030", "GBK", "UTF-16"])
def test_a_moodle_file_in_a_chinese_or_utf16_encoding_imports(encoding: str) -> None:
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<quiz>\n'
        '<question type="truefalse"><name><text>挂断</text></name>'
        '<questiontext format="plain_text"><text>应等客户先挂断电话。</text></questiontext>'
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer></question>\n</quiz>\n'
    )
    result = read_moodle_xml(text.encode(encoding))
    assert [(q["title"], q["stem"], q["answer"]) for q in result.questions] == [
        ("挂断", "应等客户先挂断电话。", True)
    ]


def test_multilang_spans_give_chinese_and_english() -> None:
    def span(lang: str, text: str) -> str:
        return f'<span lang="{lang}" class="multilang">{text}</span>'

    assert multilang_text(span("zh_tw", "您好") + span("en", "Hello"), True) == {
        "zh": "您好",
        "en": "Hello",
    }
    reverse = (
        '<span class="multilang" lang="en">Hi</span><span lang="zh" class="multilang">嗨</span>'
    )
    assert multilang_text(reverse, True) == {"zh": "嗨", "en": "Hi"}
    assert multilang_text(span("fr", "Bonjour") + span("de", "Hallo"), True) == "Bonjour"
    assert multilang_text(span("en", "Only English"), True) == {"en": "Only English"}
    assert multilang_text("<p>No spans</p>", True) == "No spans"


def test_html_becomes_text_as_a_reader_sees_it() -> None:
    assert html_to_text("<p>One</p>\n<p>Two&nbsp;&amp; three</p><!-- hidden -->") == (
        "One\n\nTwo\xa0& three"
    )
    assert html_to_text("a<br/>b <script>x()</script>c  d") == "a\nb c d"
    assert html_to_text('<img src="x.png">') == "[image]"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"<quiz><question type='truefalse'>", "not_xml"),
        (b"<?xml version='1.0'?><html></html>", "not_moodle_xml"),
        (
            b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
            b"<quiz>&b;</quiz>",
            "xml_entities",
        ),
    ],
)
def test_a_file_that_is_not_moodle_xml_gets_one_sentence(data: bytes, key: str) -> None:
    with pytest.raises(ImportFileError) as caught:
        read_moodle_xml(data, Path("bank.xml"))
    assert caught.value.catalog_key == f"formats.{key}"


# ---------------------------------------------------------------- the commands


def test_export_and_import_moodle_xml_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xml = tmp_path / "frontline.xml"
    assert main(["export", "frontline_core", "--format", "moodlexml", "-o", str(xml)]) == 0
    assert xml.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    bank = tmp_path / "question_banks" / "back.yaml"
    assert main(["--lang", "en", "import", str(xml), "-o", str(bank)]) == 0
    assert "Imported 68 question(s)" in capsys.readouterr().out
    data = yaml.safe_load(bank.read_text("utf-8"))
    assert data["id"] == "frontline_core"  # the id and title travel in the parent category
    assert data["title"] == {"zh": "一线客服理论题库", "en": "Frontline theory bank"}


def _bank_file(folder: Path) -> Path:
    bank = folder / "content" / "question_banks" / "mine.yaml"
    bank.parent.mkdir(parents=True)
    bank.write_text(
        "# my bank\nid: mine\ntitle: Mine\ncategories:\n  basics: Basics\nquestions:\n"
        "  # the first one\n"
        "  - id: q1\n    type: true_false\n    category: basics\n    stem: Old text\n"
        "    answer: true\n",
        "utf-8",
    )
    return bank


def test_import_into_an_existing_bank_appends_or_replaces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    bank = _bank_file(data)
    source = tmp_path / "more.csv"
    source.write_text(
        "id,type,category,category_en,stem_en,correct\n"
        "q1,true_false,basics,,New text,false\n"
        "q2,true_false,extra,Extra things,Second,true\n",
        "utf-8",
    )
    base = ["--lang", "en", "--data", str(data), "import", str(source), "--into", "mine"]
    assert main(base) == 0
    out, err = capsys.readouterr()
    assert "added 1 question(s), replaced 0, left out 1" in out
    assert "left out q1: the bank already has a question with this id" in err
    saved = yaml.safe_load(bank.read_text("utf-8"))
    assert [q["id"] for q in saved["questions"]] == ["q1", "q2"]
    assert saved["questions"][0]["stem"] == "Old text"
    assert saved["categories"] == {"basics": "Basics", "extra": {"en": "Extra things"}}
    text = bank.read_text("utf-8")  # the file's own lines are kept; the category is added
    assert text.startswith("# my bank\nid: mine\ntitle: Mine\ncategories:\n  basics: Basics\n")
    assert "  extra: {en: Extra things}\nquestions:\n  # the first one\n  - id: q1\n" in text

    assert main([*base, "--replace"]) == 0
    assert "added 0 question(s), replaced 2, left out 0" in capsys.readouterr().out
    saved = yaml.safe_load(bank.read_text("utf-8"))
    assert saved["questions"][0]["stem"] == {"en": "New text"}
    assert saved["questions"][0]["answer"] is False


def test_import_into_writes_nothing_when_it_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    bank = _bank_file(data)
    before = bank.read_bytes()
    source = tmp_path / "more.csv"
    source.write_text("id,type,stem_en,correct\nq9,true_false,Fine,true\n", "utf-8")
    # the imported question names a category the bank does not have under that id: fine;
    # an unknown bank is refused before anything is read
    argv = ["--lang", "en", "--data", str(data), "import", str(source), "--into", "nope"]
    assert main(argv) == 1
    assert "There is no question bank nope" in capsys.readouterr().err
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<quiz><question>")
    argv = ["--lang", "en", "--data", str(data), "import", str(broken), "--into", "mine"]
    assert main(argv) == 1
    assert "is not well-formed XML (line 1)" in capsys.readouterr().err
    assert bank.read_bytes() == before


# ---------------------------------------------------------------- the workbook itself


def test_an_exported_workbook_has_numbers_widths_dropdowns_and_instructions() -> None:
    from openpyxl import load_workbook

    library = load_library([bundled_content_root()])
    bank = library.bank("frontline_core")
    assert bank is not None
    workbook = load_workbook(io.BytesIO(write_xlsx(bank_rows(bank), bank)))
    assert workbook.sheetnames == ["questions", "bank", "instructions"]
    sheet = workbook["questions"]
    header = [cell.value for cell in sheet[1]]
    first = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert first["points"].data_type == "n" and first["difficulty"].value == 1
    assert sheet.column_dimensions["K"].width > 20  # the Chinese stem column
    validations = {
        str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation
    }
    assert "single,multiple,true_false" in validations["B2"]
    assert validations["C2"].startswith("=bank!$A$")
    info = workbook["bank"]
    assert [info["A1"].value, info["B1"].value] == ["id", "frontline_core"]
    assert info["B2"].value == "一线客服理论题库"
    assert any("single" in str(cell.value) for cell in workbook["instructions"]["B"])


def test_a_new_category_is_one_line_added_to_the_bank_file(tmp_path: Path) -> None:
    from trainer.content.formats.common import ImportResult
    from trainer.services.authoring import BankDocument
    from trainer.services.bank_import import import_into

    original = (Path(bundled_content_root()) / "question_banks" / "frontline_core.yaml").read_text(
        "utf-8"
    )
    path = tmp_path / "frontline_core.yaml"
    path.write_text(original, "utf-8")
    result = ImportResult()
    result.categories["refunds"] = {"zh": "退款", "en": "Refunds"}
    result.add(
        {
            "id": "r-1",
            "type": "true_false",
            "category": "refunds",
            "stem": "Refund?",
            "answer": True,
        },
        1,
    )
    report = import_into(BankDocument.open(path), result, "append")
    assert report.added == ["r-1"] and report.categories == ["refunds"]
    text = path.read_text("utf-8")
    line = "  refunds: {zh: 退款, en: Refunds}\n"
    assert text.replace(line, "", 1).startswith(original.rstrip("\n"))
    assert text.index(line) < text.index("questions:")
    from trainer.content.yamlio import parse_yaml

    document = parse_yaml(path, text)
    assert not isinstance(document, Exception) and hasattr(document, "data")
    bank = QuestionBank.model_validate(document.data)
    assert bank.questions[-1].id == "r-1" and bank.categories["refunds"].get("zh") == "退款"
