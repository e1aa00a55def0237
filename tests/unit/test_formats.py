"""GIFT, Aiken and spreadsheet import and export: a corpus with expected results, round trips,
error cases with their lines, mangled input that never raises, and the commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DATA
from trainer.cli import main
from trainer.content.formats.aiken import read_aiken
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
    assert [(s.line, s.key) for s in result.skipped] == [
        (59, "description"),
        (62, "essay"),
        (65, "choice_ambiguous"),
        (68, "unbalanced"),
        (71, "duplicate_id"),
    ]
    assert result.skipped[2].message("zh").startswith("已跳过：")


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
    assert "Imported 12 question(s)" in captured.out and "skipped 5" in captured.out
    assert f"{source}:62: skipped: an essay question" in captured.err
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
