"""Loading content: the good samples and the bundled content load clean; every bad sample
gets the problem, at the line, that a trainer would need to fix it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import pytest

from tests.conftest import BAD_ROOT, GOOD_ROOT
from trainer.content import load_library, yamlio
from trainer.content.errors import ContentProblem
from trainer.content.models import LocalizedText
from trainer.locations import bundled_content_root


def test_good_root_loads_without_problems() -> None:
    library = load_library([GOOD_ROOT])
    assert library.problems == []
    assert library.summary()["question_types"] == {
        "matching": 1,
        "multiple": 1,
        "numerical": 1,
        "short_answer": 1,
        "single": 1,
        "true_false": 1,
    }
    track = library.track("basics")
    assert track is not None
    assert [lesson.id for lesson in track.lessons] == ["hello", "inline"]
    assert track.assessment.weights.theory == 40


def test_bundled_content_is_valid() -> None:
    library = load_library([bundled_content_root()])
    assert [problem.render("en") for problem in library.problems] == []
    assert {"new_hire", "frontline", "supervisor"} <= set(library.tracks)
    for name in (
        "greeting",
        "apology",
        "empathy",
        "check",
        "callback",
        "closing",
        "dont_know",
        "blame",
        "vague_time",
    ):
        assert library.lexicon[name].zh and library.lexicon[name].en, name


def test_later_root_overrides_by_id(tmp_path: Path) -> None:
    (tmp_path / "question_banks").mkdir()
    (tmp_path / "question_banks" / "mine.yaml").write_text(
        "id: sample\ntitle: Company bank\ncategories: {general: General}\nquestions:\n"
        + "".join(
            f"  - {{id: c-{n}, type: true_false, category: general, stem: S{n}, answer: true}}\n"
            for n in range(3)
        ),
        encoding="utf-8",
    )
    library = load_library([GOOD_ROOT, tmp_path])
    bank = library.bank("sample")
    assert bank is not None and bank.title.get("en") == "Company bank"
    assert library.problems == []


def test_localized_text_falls_back_to_the_other_language() -> None:
    text = LocalizedText.model_validate({"zh": "你好"})
    assert text.get("en") == "你好"
    assert LocalizedText.model_validate("Hi").get("zh") == "Hi"


def test_yaml_12_keeps_no_and_times_as_text(tmp_path: Path) -> None:
    (tmp_path / "question_banks").mkdir()
    (tmp_path / "question_banks" / "b.yaml").write_text(
        "id: b\ntitle: B\ncategories: {general: G}\nquestions:\n"
        "  - {id: q, type: short_answer, category: general, stem: When?,\n"
        "     answers: [{text: 24:00}, {text: no, weight: 50}]}\n",
        encoding="utf-8",
    )
    library = load_library([tmp_path])
    assert library.problems == []
    bank = library.bank("b")
    assert bank is not None
    question = bank.questions[0]
    assert [answer.text for answer in question.answers] == ["24:00", "no"]  # type: ignore[union-attr]


def _in_a_limited_process(code: str, memory_mb: int = 1024, seconds: int = 60) -> str:
    """Run `code` in a fresh Python with at most `memory_mb` of address space; its output.

    A bomb that beat the limits would exhaust the memory (or crash libyaml's C stack) of the
    process that reads it: that must not be the test runner's."""
    prelude = (
        f"import resource; limit = {memory_mb} * 2**20\n"
        "resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=seconds,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_alias_bomb_is_refused_at_once_in_little_memory() -> None:
    bomb = BAD_ROOT / "question_banks" / "alias_bomb.yaml"
    assert bomb.stat().st_size < 500
    out = _in_a_limited_process(
        f"""
        import time, tracemalloc
        from pathlib import Path
        from trainer.cli import main
        tracemalloc.start()
        started = time.perf_counter()
        status = main(["--lang", "en", "validate", {str(bomb)!r}])
        print(status, time.perf_counter() - started, tracemalloc.get_traced_memory()[1])
        """,
        memory_mb=1024,
    )
    last = out.strip().splitlines()[-1].split()
    status, seconds, peak = int(last[0]), float(last[1]), int(last[2])
    assert status == 1
    assert f"{bomb}:6: the aliases (*name) in the file stand for more than 10,000 values" in out
    # memory, not seconds, is what a bomb spends and what a busy machine cannot skew: it took
    # 1.25 GB (and 9 to 46 s) before; `seconds` is printed for a person reading a failure
    assert peak < 200 * 2**20, f"{peak} bytes in {seconds:.1f} s"
    tracemalloc.start()
    try:
        problem = yamlio.load_yaml(bomb)
        _, reading_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reading_peak < 5 * 2**20  # the bomb is refused before anything is expanded
    assert isinstance(problem, ContentProblem) and problem.key == "yaml_alias_values"


def test_many_aliases_are_refused_at_the_alias_past_the_limit() -> None:
    text = "base: &base {zh: 是, en: yes}\n" + "".join(
        f"k{n}: *base\n" for n in range(yamlio.MAX_ALIASES + 1)
    )
    problem = yamlio.parse_yaml(Path("many.yaml"), text)
    assert isinstance(problem, ContentProblem)
    assert problem.key == "yaml_aliases"
    assert problem.line == yamlio.MAX_ALIASES + 2
    assert "more than 100 aliases" in problem.render("en")
    assert "别名" in problem.render("zh")
    # a few aliases, as a person might write, still read as the values they name
    document = yamlio.parse_yaml(Path("few.yaml"), "a: &a [1, 2]\nb: *a\nc: [*a]\n")
    assert isinstance(document, yamlio.YamlDocument)
    assert document.data == {"a": [1, 2], "b": [1, 2], "c": [[1, 2]]}


def test_brackets_nested_past_the_limit_are_refused_without_a_crash() -> None:
    # libyaml's composer crashed the whole process (a segmentation fault) on this 200 KB file
    out = _in_a_limited_process(
        """
        from pathlib import Path
        from trainer.content.yamlio import parse_yaml
        print(parse_yaml(Path("deep.yaml"), "[" * 100_000 + "]" * 100_000).render("en"))
        """
    )
    assert out.strip() == "deep.yaml:1: this is not valid YAML: nested too deeply"


def test_a_file_over_the_size_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamlio, "MAX_FILE_BYTES", 2 * 2**20)
    big = tmp_path / "big.yaml"
    big.write_text("id: big\n" + "# padding\n" * 300_000, encoding="utf-8")
    problem = yamlio.load_yaml(big)
    assert isinstance(problem, ContentProblem)
    assert problem.render("en") == (
        f"{big}:1: the file is 2.9 MB, more than the 2 MB a content file may be;"
        " split it into several files"
    )
    assert "2.9 MB" in problem.render("zh")


# Every bad sample: (file under tests/data/bad, line, catalog key, part of the location,
# part of the English message).
BAD_CASES = [
    ("question_banks/yaml_syntax.yaml", 7, "yaml_syntax", "", "not valid YAML"),
    ("question_banks/not_utf8.yaml", 1, "not_utf8", "", "not UTF-8"),
    (
        "question_banks/alias_bomb.yaml",
        6,
        "yaml_alias_values",
        "",
        "aliases (*name) in the file stand for more than 10,000 values",
    ),
    (
        "question_banks/unknown_type.yaml",
        6,
        "unknown_question_type",
        "questions[q-1]",
        'unknown question type "essay"',
    ),
    (
        "question_banks/two_correct.yaml",
        10,
        "single_needs_one",
        "questions[q-1].options",
        "exactly one correct option, this one has 2",
    ),
    (
        "question_banks/half_correct.yaml",
        10,
        "single_correct_weight",
        "questions[q-1].options",
        "the correct option earns the whole mark",
    ),
    (
        "question_banks/mixed_weights.yaml",
        10,
        "multiple_mixed_weights",
        "questions[q-1].options",
        "give every option a weight, or none",
    ),
    (
        "question_banks/unknown_category.yaml",
        13,
        "unknown_category",
        "questions[q-2].category",
        'unknown category "etiquete"',
    ),
    (
        "question_banks/duplicate_question.yaml",
        11,
        "duplicate_id",
        "questions[q-1].id",
        '"q-1" is used more than once',
    ),
    (
        "question_banks/misspelt_field.yaml",
        11,
        "unknown_field",
        "explanaton",
        "unknown field `explanaton`",
    ),
    ("question_banks/bad_difficulty.yaml", 9, "at_most", "difficulty", "at most 3, found 7"),
    (
        "question_banks/bad_answer_pattern.yaml",
        12,
        "bad_regex",
        "questions[q-1].answers[1].patterns",
        'the pattern "first (contact|call ownership" is not a valid regular expression',
    ),
    (
        "question_banks/missing_stem.yaml",
        6,
        "missing",
        "questions[q-1].stem",
        "required field `stem` is missing",
    ),
    ("question_banks/bad_id.yaml", 1, "bad_id", "id", '"Bad Bank" is not a valid id'),
    (
        "tracks/unknown_bank.yaml",
        12,
        "unknown_bank",
        "exam.draw[1].bank",
        'unknown question bank "nonexistent"',
    ),
    (
        "tracks/draw_too_many.yaml",
        13,
        "draw_too_many",
        "exam.draw[2].count",
        "asks for 8 questions of sample/general, which holds only 6",
    ),
    ("tracks/bad_audience.yaml", 3, "expected_one_of", "audience", "found managers"),
    ("tracks/weights.yaml", 10, "weights_sum", "assessment.weights", "add up to 100, not 110"),
    (
        "tracks/missing_lesson_file.yaml",
        10,
        "lesson_file_missing",
        "body.zh",
        "lessons/nowhere.zh.md does not exist",
    ),
    (
        "tracks/unknown_scenario.yaml",
        10,
        "unknown_scenario",
        "practice.scenarios[2]",
        'unknown scenario "no_such_call"',
    ),
    ("tracks/duplicate_key.yaml", 4, "yaml_syntax", "", 'duplicate key "title"'),
    (
        "scenarios/unknown_goto.yaml",
        11,
        "unknown_goto",
        "nodes[open].options[2].goto",
        'goes to "nowhere"',
    ),
    (
        "scenarios/unreachable.yaml",
        12,
        "node_unreachable",
        "nodes[orphan]",
        'node "orphan" cannot be reached',
    ),
    (
        "scenarios/unreachable.yaml",
        20,
        "ending_unreachable",
        "endings[never]",
        'ending "never" cannot be reached',
    ),
    (
        "scenarios/bad_regex.yaml",
        10,
        "bad_regex",
        "rubric[1].any[1]",
        'the pattern "sorry(" is not a valid regular expression',
    ),
    (
        "scenarios/bad_regex.yaml",
        11,
        "unknown_lexicon",
        "rubric[2].any[1]",
        "unknown phrase list @no_such_list",
    ),
    ("scenarios/bad_condition.yaml", 15, "condition_incomplete", "next[1].if", "ends too early"),
    (
        "scenarios/step_unreachable.yaml",
        1,
        "step_unreachable",
        "scoring.steps.resolve",
        "step resolve can earn at most 10 of its 25 points",
    ),
    ("scenarios/no_way_out.yaml", 7, "no_way_out", "nodes[open]", 'node "open" has no way out'),
    (
        "scenarios/unknown_fact.yaml",
        16,
        "condition_unknown_name",
        "next[1].if",
        'reads "facts.amount"',
    ),
]


@pytest.mark.parametrize(
    ("name", "line", "key", "where", "message"),
    BAD_CASES,
    ids=[f"{c[0]}:{c[1]}" for c in BAD_CASES],
)
def test_bad_sample_reports_line_and_message(
    name: str, line: int, key: str, where: str, message: str
) -> None:
    path = BAD_ROOT / name
    library = load_library([GOOD_ROOT], [path])
    found = [p for p in library.problems if p.path == path and p.key == key and p.line == line]
    assert found, [p.render("en") for p in library.problems]
    problem = found[0]
    assert where in problem.where
    rendered = problem.render("en")
    assert rendered.startswith(f"{path}:{line}: ")
    assert message in rendered
    assert problem.render("zh") != rendered  # the Chinese message exists and differs
    # the good root stays clean: problems belong to the bad file only
    assert all(p.path == path for p in library.problems)


def test_every_bad_sample_is_covered() -> None:
    files = {str(path.relative_to(BAD_ROOT)) for path in BAD_ROOT.rglob("*.yaml")}
    assert files == {case[0] for case in BAD_CASES}
