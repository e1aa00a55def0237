"""GIFT and Aiken read with Moodle's meaning, one minimal file a case (tests/data/formats/
moodle/), files in the encodings Windows and Moodle write, formats told by content, and
GIFT written so that reading it back gives the same bank."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DATA
from trainer.cli import main
from trainer.content.formats.common import ImportFileError, ImportResult, html_to_text
from trainer.content.formats.files import read_import_file, sniff_text
from trainer.content.formats.gift import read_gift, write_gift
from trainer.content.loader import load_library
from trainer.content.models import LocalizedText, Matching, QuestionBank
from trainer.locations import bundled_content_root
from trainer.services.exams import _layout
from trainer.services.marking import mark
from trainer.services.review import describe_answer, right_answer

MOODLE = DATA / "formats" / "moodle"


def read(name: str) -> ImportResult:
    return read_import_file(MOODLE / name, None, "imported")


def only(name: str) -> dict[str, Any]:
    result = read(name)
    assert result.skipped == [] and len(result.questions) == 1, result.skipped
    return result.questions[0]


def model(question: dict[str, Any]) -> Any:
    bank = QuestionBank.model_validate(
        {"id": "b", "title": "B", "categories": {"imported": "x"}, "questions": [question]}
    )
    return bank.questions[0]


def test_matching_with_a_spare_answer_offers_it_and_never_counts_it_right() -> None:
    question = only("matching_distractor.gift")
    assert question["pairs"] == [{"left": "1", "right": "one"}, {"left": "2", "right": "two"}]
    assert question["distractors"] == ["3"]
    matching = model(question)
    assert isinstance(matching, Matching)
    assert sorted(_layout(matching, random.Random(1))) == [0, 1, 2]  # the spare is offered
    assert mark(matching, {"0": 0, "1": 1}) == 1.0
    assert mark(matching, {"0": 0, "1": 2}) == 0.5  # 2 -> "3", the distractor
    assert describe_answer(matching, [0, 1, 2], {"1": 2}, "en", ("T", "F")) == "2 → 3"


def test_single_choice_takes_partial_credit_and_several_right_answers() -> None:
    half, seasons = read("partial_credit.gift").questions
    assert half["type"] == "single"
    assert half["options"] == [
        {"text": "wrong answer", "feedback": "comment on wrong answer"},
        {"text": "half credit answer", "weight": 50.0, "feedback": "comment on answer"},
        {"text": "full credit answer", "correct": True, "feedback": "well done!"},
    ]
    assert [mark(model(half), index) for index in range(3)] == [0.0, 0.5, 1.0]
    assert right_answer(model(half), [0, 1, 2], "en", ("T", "F")) == "C. full credit answer"
    assert seasons["type"] == "single"  # one answer to pick; spring and summer both right
    assert [mark(model(seasons), index) for index in range(3)] == [1.0, 1.0, 0.0]
    assert right_answer(model(seasons), [0, 1, 2], "en", ("T", "F")) == "A. spring; B. summer"


def test_numerical_keeps_its_wrong_answer_feedback_apart() -> None:
    question = only("numerical_wrong_feedback.gift")
    assert question["answers"] == [{"value": 3.0, "tolerance": 2.0, "weight": 100.0}]
    assert question["feedback_wrong"] == "Completely wrong"
    assert mark(model(question), "5") == 1.0 and mark(model(question), "6") == 0.0


def test_a_repeated_title_gives_unique_ids_and_says_so() -> None:
    result = read("repeated_title.gift")
    assert [q["id"] for q in result.questions] == ["greeting", "greeting-2"]
    assert [q["stem"] for q in result.questions][1] == "How do you close a call?"
    assert [(n.line, n.key) for n in result.notes] == [(3, "id_renamed")]
    assert "greeting-2" in result.notes[0].message("zh")
    essay = read_gift("::A::x {T}\n\n::A::an essay {}\n\n::A::y {T}\n")  # skipped: no note
    assert [(s.line, s.key) for s in essay.report()] == [(3, "essay"), (5, "id_renamed")]
    assert [q["id"] for q in essay.questions] == ["a", "a-2"]


def test_short_answer_without_an_equals_sign() -> None:
    question = only("short_without_equals.gift")
    assert question["type"] == "short_answer"
    assert question["stem"] == "Two plus two equals _____."
    assert question["answers"] == [{"text": "Four", "weight": 100.0}]


def test_an_arrow_inside_choice_answers_is_text() -> None:
    question = only("arrow_in_choice.gift")
    assert question["type"] == "single"
    assert [o["text"] for o in question["options"]] == ["listen -> resolve", "resolve -> listen"]
    assert question["options"][0]["correct"] is True


def test_a_general_feedback_that_is_only_an_image_is_kept_and_reported_by_line() -> None:
    result = read("image_feedback.gift")
    assert result.questions[0]["explanation"] == "[image: desk-sign.png]"
    assert [(n.line, n.key) for n in result.notes] == [(4, "image")]
    assert "image desk-sign.png" in result.notes[0].message("en")
    assert "图片 desk-sign.png" in result.notes[0].message("zh")
    plain = read_gift("[plain]Is <img src=x.png> a tag? {T}")  # text, not an image
    assert plain.questions[0]["stem"] == "Is <img src=x.png> a tag?" and plain.notes == []


def test_an_id_comment_is_made_a_valid_id() -> None:
    result = read("id_tag.gift")
    assert [(q["id"], q["tags"]) for q in result.questions] == [("q-12", ["hotline"])]
    assert [(n.line, n.key, n.values["new"]) for n in result.notes] == [(3, "id_changed", "q-12")]


def test_format_prefixes_are_honoured_and_removed() -> None:
    plain, markdown, moodle = read("format_prefixes.gift").questions
    assert plain["stem"] == "What colour is the sky <on a clear day>?"  # plain: no HTML
    assert [o["text"] for o in plain["options"]] == ["blue", "wrong"]  # [html]<b>wrong</b>
    assert markdown["stem"] == "Is **this** markdown?"
    assert moodle["stem"] == "Say sorry first."  # Moodle's own format is HTML
    assert moodle["feedback_false"] == "No — first" and moodle["feedback_true"] == "Yes"


def test_wrong_answer_feedback_is_not_glued_onto_a_right_answer() -> None:
    result = read("feedback_not_glued.gift")
    (question,) = result.questions
    assert question["options"] == [
        {"text": "four", "correct": True},
        {"text": "4", "weight": 100.0},
    ]
    assert [n.key for n in result.notes] == ["empty_answer"]  # the ~#feedback, no text


def test_wildcards_match_any_run_of_characters_as_in_moodle() -> None:
    question = model(only("wildcards.gift"))
    assert [a.text for a in question.answers] == ["New * City", "*York", "\\*star"]
    assert mark(question, "New York City") == 1.0
    assert mark(question, "new  city") == 1.0  # * matches nothing too
    assert mark(question, "Old York") == 0.5
    assert mark(question, "New York") == 0.5
    assert mark(question, "Newark") == 0.0
    assert mark(question, "superstar") == 0.0  # \* is a star, not a wildcard


def test_html_is_read_by_a_parser() -> None:
    question = only("html.gift")
    assert question["stem"] == "First line & more\nSecond line.\nType\nMatch\nLast"
    assert html_to_text("a<script>x()</script><ul><li>one</li><li>two</li></ul>") == (
        "a\n- one\n- two"
    )
    assert html_to_text("<p>1 &lt; 2 &#21834;</p>&nbsp;<br/>") == "1 < 2 啊"


def test_escapes_are_plain_characters() -> None:
    question = only("escapes.gift")
    assert question["stem"] == "Escapes: a ~ tilde, = equals, # hash, {braces}."
    assert question["options"] == [
        {"text": "a=b", "correct": True, "feedback": "it is # one"},
        {"text": "a~b", "feedback": "not {this}"},
    ]


def test_aiken_reads_options_without_a_space_and_ends_at_every_answer_line() -> None:
    result = read("no_space.txt")  # a .txt: told Aiken by what it holds
    assert result.skipped == []
    assert [q["stem"] for q in result.questions] == [
        "Which greeting is right?",
        "Which step comes first?",
        "Second stem right after an answer line?",
    ]
    assert [o["text"] for o in result.questions[0]["options"]] == [
        'Incorrect: "Yeah?"',
        'Correct: "Good morning, this is the hotline."',
    ]
    assert [o.get("correct", False) for o in result.questions[1]["options"]] == [False, True]


def test_aiken_never_drops_a_question_without_a_line_in_the_report() -> None:
    from trainer.content.formats.aiken import read_aiken

    text = "Stem one\nA)x\nANSWER: A\nStem two\nA)x\nB)y\nANSWER: Q\nStem three\n"
    result = read_aiken(text)
    assert [(s.line, s.key) for s in result.skipped] == [
        (1, "aiken_few_options"),
        (7, "aiken_bad_answer"),
        (8, "aiken_no_answer"),
    ]


@pytest.mark.parametrize(
    "name", ["gb18030.gift", "utf16le_bom.gift", "utf16be_nobom.gift", "utf8_bom.gift"]
)
def test_gift_in_each_encoding_windows_and_moodle_write(name: str) -> None:
    question = only(name)
    assert question["title"] == "首响"
    assert question["stem"] == "热线电话应在铃响几声内接听？"
    assert question["options"][0] == {"text": "3声", "correct": True, "feedback": "正确"}


def test_a_gbk_csv_and_a_gbk_aiken_file_import() -> None:
    sheet = only("gbk.csv")
    assert sheet["stem"] == {"zh": "热线电话应在铃响几声内接听？", "en": "Within how many rings?"}
    assert only("gbk.aiken")["options"][1] == {"text": "道歉", "correct": True}


def test_an_unknown_encoding_gets_one_sentence_in_the_chosen_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = MOODLE / "cp1252.gift"
    output = tmp_path / "bank.yaml"
    said = {}
    for lang in ("en", "zh"):
        assert main(["--lang", lang, "import", str(source), "-o", str(output)]) == 1
        said[lang] = capsys.readouterr().err.strip()
        assert len(said[lang].splitlines()) == 1 and str(source) in said[lang]
        assert "codec" not in said[lang] and "0x" not in said[lang]
    assert "save it as UTF-8" in said["en"]
    assert "另存为 UTF-8" in said["zh"]
    assert not output.exists()
    with pytest.raises(ImportFileError):
        read_import_file(MOODLE / "cp1252.gift", "gift", "imported")


def test_a_txt_is_told_gift_or_aiken_by_its_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = MOODLE / "moodle_export.txt"  # what Moodle's GIFT export is called
    assert sniff_text(export.read_text("utf-8")) == "gift"
    assert sniff_text((MOODLE / "no_space.txt").read_text("utf-8")) == "aiken"
    assert sniff_text("just some notes\n") is None
    output = tmp_path / "question_banks" / "export.yaml"
    assert main(["--lang", "en", "import", str(export), "-o", str(output)]) == 0
    assert "Imported 3 question(s)" in capsys.readouterr().out
    sorry = read("moodle_export.txt").questions[1]
    assert sorry["answers"] == [
        {"text": "Sorry", "weight": 100.0},
        {"text": "I see", "weight": 50.0, "feedback": "Close."},
    ]
    notes = tmp_path / "notes.txt"
    notes.write_text("just some notes\n", "utf-8")
    assert main(["--lang", "zh", "import", str(notes), "-o", str(output), "--force"]) == 1
    error = capsys.readouterr().err
    assert "无法判断" in error and str(notes) in error


# ---------------------------------------------------------------- writing


def one_language(value: Any, lang: str) -> Any:
    """Plain data of a bank with every bilingual text as its text in `lang`."""
    if isinstance(value, dict):
        if value and set(value) <= {"zh", "en"}:
            return LocalizedText.model_validate(value).get(lang)
        return {key: one_language(item, lang) for key, item in value.items()}
    if isinstance(value, list):
        return [one_language(item, lang) for item in value]
    return value


@pytest.mark.parametrize("bank_id", ["frontline_core", "new_hire_core", "supervisor_core"])
def test_every_bundled_bank_goes_through_gift_and_back_unchanged(bank_id: str) -> None:
    bank = load_library([bundled_content_root()]).bank(bank_id)
    assert bank is not None
    for lang in ("zh", "en"):
        text = write_gift(bank, lang)
        back = read_gift(text)
        assert back.skipped == [] and back.notes == []
        got = QuestionBank.model_validate(back.bank(bank.id, bank.title.get(lang)))
        want = QuestionBank.model_validate(one_language(bank.model_dump(exclude_none=True), lang))
        assert got.categories == want.categories
        assert sorted(got.questions, key=lambda q: q.id) == sorted(
            want.questions, key=lambda q: q.id
        )
        assert write_gift(got, lang) == text


def test_weights_and_numbers_are_written_exactly_never_as_exponents() -> None:
    bank = QuestionBank.model_validate(
        {
            "id": "exact",
            "title": "Exact",
            "categories": {"c": "C"},
            "questions": [
                {
                    "id": "third",
                    "type": "multiple",
                    "category": "c",
                    "stem": "Pick the three.",
                    "options": [
                        {"text": "a", "weight": 33.33333, "correct": True},
                        {"text": "b", "weight": 33.33333, "correct": True},
                        {"text": "c", "weight": 33.33334, "correct": True},
                        {"text": "d", "weight": -100},
                    ],
                },
                {
                    "id": "big",
                    "type": "numerical",
                    "category": "c",
                    "stem": "How many?",
                    "answers": [{"value": 1234567, "tolerance": 0.00001}],
                    "feedback_wrong": "No.",
                },
                {
                    "id": "sorts",
                    "type": "multiple",
                    "category": "c",
                    "stem": "Which two?",
                    "options": [
                        {"text": "x", "correct": True},
                        {"text": "y", "correct": True},
                        {"text": "<b>z</b> & [html]", "correct": False},
                    ],
                },
            ],
        }
    )
    text = write_gift(bank, "en")
    assert "~%33.33333%a" in text and "~%33.33334%c" in text
    assert "=1234567:0.00001" in text and "e+" not in text and "e-" not in text
    assert "~%50%x ~%50%y ~%-50%[plain]<b>z</b> & [html]" in text  # Moodle's meaning
    back = read_gift(text)
    assert back.skipped == []
    assert QuestionBank.model_validate(back.bank("exact", "Exact")) == bank
    third = model(back.questions[0])
    assert mark(third, [0, 1, 2]) == 1.0  # 33.33333 + 33.33333 + 33.33334, not 0.999999


def test_a_title_repeated_many_times_numbers_its_ids_in_order() -> None:
    result = read_gift("::T::Stem {=a ~b}\n\n" * 300 + "// [id:t-5]\nAgain {=a ~b}\n")
    ids = [q["id"] for q in result.questions]
    assert ids[:3] == ["t", "t-2", "t-3"] and ids[299] == "t-300"
    assert ids[300] == "t-5-2"  # t-5 was taken by the fifth T
    assert len(set(ids)) == 301 and len(result.notes) == 300


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_text_is_decoded_whatever_unicode_it_was_saved_in(codec: str) -> None:
    from trainer.content.formats.common import decode_text

    text = "一二三 ABC 第一题：客户\n" * 3  # 一 is 4E00: a zero byte in UTF-16 too
    assert decode_text(text.encode(codec), Path("q.txt")) == text


def test_bytes_that_are_no_text_get_the_sentence_not_a_guess() -> None:
    from trainer.content.formats.common import decode_text

    for data in (bytes(range(256)) * 4, "Café résumé\n".encode("latin-1")):
        with pytest.raises(ImportFileError) as raised:
            decode_text(data, Path("q.txt"))
        assert raised.value.catalog_key == "formats.not_text"


IMPORTED = sorted(p.name for p in MOODLE.iterdir() if p.name != "cp1252.gift")


@pytest.mark.parametrize("name", IMPORTED)
def test_each_imported_file_goes_through_gift_and_back_unchanged(name: str) -> None:
    data = read(name).bank("moodle", "Moodle")
    bank = QuestionBank.model_validate(data)
    again = read_gift(write_gift(bank, "en"))
    assert again.skipped == [] and again.notes == []
    got = QuestionBank.model_validate(again.bank("moodle", "Moodle"))
    assert got == QuestionBank.model_validate(one_language(data, "en"))  # the CSV: both


_PIECES = [
    *("{", "}", "=", "~", "#", "####", "%50%", "%-100%", "%33.3%", "::", "T", "FALSE"),
    *("\\", "\\:", "\\{", "\n", "\n\n", "a", "b ", "*", "[html]", "[plain]", "<p>", "</p>"),
    *("&nbsp;", "<img src=x>", "<!--", "--", "1..5", "3:2", "// [id:Q-1]\n", "$CATEGORY: x\n"),
    *('// [trainer:{"difficulty":3}]\n', " ", "..", ":", "1e5", "inf", "ANSWER: A\n", "A)x\n"),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40))
def test_whatever_gift_reads_it_writes_so_that_it_reads_the_same(pieces: list[str]) -> None:
    """Any text read as questions is written back as the same questions: texts that look
    like HTML, a weight, a format prefix or a comment are written so that they stay text.
    (`->` is left out: in a short answer GIFT itself cannot tell it from matching.)"""
    first = read_gift("".join(pieces))
    if not first.questions:
        return
    bank = QuestionBank.model_validate(first.bank("b", "B"))
    again = read_gift(write_gift(bank, "en"))
    assert again.skipped == []
    assert QuestionBank.model_validate(again.bank("b", "B")) == bank
