"""Item analysis against figures worked out by hand for a small fixed data set."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from trainer.services.item_analysis import (
    ALPHA_MIN_ATTEMPTS,
    FLAG_MIN_ANSWERS,
    answer_distribution,
    cronbach_alpha,
    exam_statistics,
    pearson,
    question_statistics,
)
from trainer.storage.records import ExamAttempt

T0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def attempt(name: str, marks: list[float], practice: bool = False) -> ExamAttempt:
    keys = ["b:q1", "b:q2", "b:q3"]
    return ExamAttempt(
        id=name,
        track="t",
        seed=0,
        question_ids=keys,
        marks=dict(zip(keys, marks, strict=True)),
        submitted_at=T0,
        score=round(100 * sum(marks) / len(marks), 2),
        practice=practice,
    )


# Four learners, three questions worth one point each (worked out on paper):
#   A 1 1 1 (3)   B 1 0 1 (2)   C 1 0 0 (1)   D 0 0 0 (0)
DATA = [
    attempt("A", [1, 1, 1]),
    attempt("B", [1, 0, 1]),
    attempt("C", [1, 0, 0]),
    attempt("D", [0, 0, 0]),
    attempt("practice", [0, 1, 0], practice=True),  # never counted
]
# The same four, three times over: enough answers to flag and to give alpha. Repeating a
# data set changes neither a correlation nor alpha (both variances grow alike).
TWELVE = [attempt(f"{a.id}{n}", list(a.marks.values())) for n in range(3) for a in DATA[:4]]


def test_facility_and_discrimination_match_the_hand_computation() -> None:
    stats = {s.key: s for s in question_statistics(DATA)}
    # facility, in percent like discrimination: q1 3/4, q2 1/4, q3 2/4
    assert [stats[k].facility for k in ("b:q1", "b:q2", "b:q3")] == [75, 25, 50]
    # q1 against the rest (2,1,0,0): cov 0.75 / sqrt(0.75 x 2.75) = 0.5222
    # q2 against (2,2,1,0): the same 0.5222; q3 against (2,1,1,0): 1 / sqrt(1 x 2) = 0.7071
    assert [stats[k].discrimination for k in ("b:q1", "b:q2", "b:q3")] == [52.2, 52.2, 70.7]
    assert all(s.attempts == 4 and s.flags == [] and s.too_few_answers for s in stats.values())
    twelve = {s.key: s for s in question_statistics(TWELVE)}
    assert [twelve[k].discrimination for k in ("b:q1", "b:q2", "b:q3")] == [52.2, 52.2, 70.7]
    assert not any(s.too_few_answers for s in twelve.values())


def test_exam_figures_match_the_hand_computation() -> None:
    exam = exam_statistics("t", DATA)
    assert exam.attempts == 4
    # scores 100, 66.67, 33.33, 0: mean 50, median 50, sample sd sqrt(5555.6 / 3) = 43.03
    assert (exam.mean, exam.median, exam.sd) == (50, 50, 43.03)
    # four attempts: alpha is withheld, not computed
    assert exam.alpha is None and exam.too_few_for_alpha
    # item variances 0.25 + 0.25 + 0.3333, total variance 5/3: 3/2 x (1 - 0.8333/1.6667)
    assert cronbach_alpha(DATA[:4]) == 0.75
    twelve = exam_statistics("t", TWELVE)
    assert twelve.alpha == 0.75 and not twelve.too_few_for_alpha


def test_no_flag_and_no_alpha_on_too_few_answers() -> None:
    # one learner, all wrong: facility 0, but one answer says nothing about the question
    once = question_statistics([attempt("only", [0, 0, 0])])
    assert all(s.facility == 0 and s.flags == [] and s.too_few_answers for s in once)
    nine = [attempt(f"a{n}", [1, 1, 1]) for n in range(FLAG_MIN_ANSWERS - 1)]
    assert all(s.flags == [] for s in question_statistics(nine))
    ten = [*nine, attempt("last", [1, 1, 1])]
    assert all(s.flags == ["too_easy"] for s in question_statistics(ten))
    three = exam_statistics("t", DATA[:3])
    assert three.alpha is None and three.too_few_for_alpha
    assert ALPHA_MIN_ATTEMPTS >= 10 and FLAG_MIN_ANSWERS >= 10


def test_answer_distribution_counts_each_answer() -> None:
    rows = [attempt(n, [1, 0, 1]) for n in "abc"]
    for row, given in zip(rows, [0, 2, None], strict=True):
        row.answers["b:q1"] = given
    rows[0].answers["b:q2"] = [0, 1]
    rows[1].answers["b:q2"] = [1]
    single = answer_distribution(rows, "b:q1")
    assert (single.answered, single.unanswered, single.counts) == (2, 1, [(0, 1), (2, 1)])
    assert answer_distribution(rows, "b:q2").counts == [(1, 2), (0, 1)]


def test_flags() -> None:
    easy = [
        attempt(f"{n}{k}", [1, m, m])
        for n, m in (("a", 1), ("b", 0), ("c", 1), ("d", 0))
        for k in range(3)
    ]
    stats = {s.key: s for s in question_statistics(easy)}
    assert stats["b:q1"].flags == ["too_easy"] and stats["b:q1"].discrimination is None
    hard = [
        attempt(n, m)
        for n, m in (
            ("a", [0, 1, 1]),
            ("b", [0, 0, 0]),
            ("c", [0, 1, 0]),
            ("d", [0, 0, 1]),
            ("e", [0, 1, 1]),
            ("f", [1, 0, 0]),
        )
        for _ in range(2)
    ]
    q1 = {s.key: s for s in question_statistics(hard)}["b:q1"]
    assert q1.facility == pytest.approx(100 / 6, abs=0.1)
    # the only one who got q1 right did worst on the rest: negative discrimination
    assert q1.flags == ["too_hard", "negative"]


def test_degenerate_sets_have_no_figures() -> None:
    assert pearson([1.0], [2.0]) is None and pearson([1, 1], [0, 2]) is None
    assert cronbach_alpha(DATA[:1]) is None
    empty = exam_statistics("t", [])
    assert (empty.attempts, empty.mean, empty.alpha) == (0, None, None)


def test_stats_command_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from trainer.cli import main
    from trainer.services.context import open_context
    from trainer.services.demo import build_demo
    from trainer.settings import Settings

    context = open_context(Settings(data_dir=tmp_path, language="en"))
    build_demo(context.store, context.library)
    assert main(["--lang", "en", "--data", str(tmp_path), "stats", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    frontline = next(exam for exam in document["exams"] if exam["track"] == "frontline")
    # the demo's three frontline sittings answer half, all and 40% of the paper right
    track = context.library.track("frontline")
    assert track is not None and track.exam is not None
    asked = sum(rule.count for rule in track.exam.draw)
    scores = [round(asked * share) / asked * 100 for share in (0.5, 1.0, 0.4)]
    assert frontline["attempts"] == 3
    assert frontline["mean"] == pytest.approx(sum(scores) / 3, abs=0.01)
    assert all(0 <= q["facility"] <= 100 for q in document["questions"])
    assert any(q["facility"] > 1 for q in document["questions"])  # a percentage, as on screen
    # three sittings: no flags and no alpha, and saying why
    assert all(q["flags"] == [] and q["too_few_answers"] for q in document["questions"])
    assert frontline["alpha"] is None and frontline["too_few_for_alpha"]
    assert main(["--lang", "en", "--data", str(tmp_path), "stats"]) == 0
    text = capsys.readouterr().out
    assert "Cronbach's alpha too few attempts (3)" in text
    assert "too few answers (" in text and "too easy" not in text
    assert main(["--lang", "en", "--data", str(tmp_path), "stats", "nope"]) == 1
    assert "There is no question bank nope" in capsys.readouterr().err


def test_no_flag_before_the_tenth_answer() -> None:
    """A question everyone gets right is too easy, but only said so from its tenth answer."""
    easy = [attempt(f"e{n}", [1, n % 2, 0]) for n in range(FLAG_MIN_ANSWERS)]
    nine = {s.key: s for s in question_statistics(easy[:-1])}["b:q1"]
    assert (nine.attempts, nine.flags, nine.too_few_answers) == (9, [], True)
    ten = {s.key: s for s in question_statistics(easy)}["b:q1"]
    assert (ten.attempts, ten.too_few_answers) == (10, False) and "too_easy" in ten.flags


def test_the_figures_of_many_attempts_match_the_slow_exact_formulas() -> None:
    """The one-pass statistics and the floating-point variance agree with `statistics`."""
    import random
    import statistics

    rng = random.Random(7)
    many = [
        attempt(f"m{n}", [float(rng.random() < p) for p in (0.8, 0.5, 0.3)]) for n in range(300)
    ]
    exam = exam_statistics("t", many)
    assert exam.sd == round(statistics.stdev([a.score for a in many if a.score is not None]), 2)
    for stats in question_statistics(many):
        mine = [a.marks[stats.key] for a in many]
        rest = [sum(a.marks.values()) - a.marks[stats.key] for a in many]
        assert stats.discrimination == round(100 * statistics.correlation(mine, rest), 1)
