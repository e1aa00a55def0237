"""Item analysis against figures worked out by hand for a small fixed data set."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from trainer.services.item_analysis import (
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


def test_facility_and_discrimination_match_the_hand_computation() -> None:
    stats = {s.key: s for s in question_statistics(DATA)}
    # facility: q1 3/4, q2 1/4, q3 2/4
    assert [stats[k].facility for k in ("b:q1", "b:q2", "b:q3")] == [0.75, 0.25, 0.5]
    # q1 against the rest (2,1,0,0): cov 0.75 / sqrt(0.75 x 2.75) = 0.5222
    # q2 against (2,2,1,0): the same 0.5222; q3 against (2,1,1,0): 1 / sqrt(1 x 2) = 0.7071
    assert [stats[k].discrimination for k in ("b:q1", "b:q2", "b:q3")] == [52.2, 52.2, 70.7]
    assert all(s.attempts == 4 and s.flags == [] for s in stats.values())


def test_exam_figures_match_the_hand_computation() -> None:
    exam = exam_statistics("t", DATA)
    assert exam.attempts == 4
    # scores 100, 66.67, 33.33, 0: mean 50, median 50, sample sd sqrt(5555.6 / 3) = 43.03
    assert (exam.mean, exam.median, exam.sd) == (50, 50, 43.03)
    # item variances 0.25 + 0.25 + 0.3333, total variance 5/3: 3/2 x (1 - 0.8333/1.6667)
    assert exam.alpha == 0.75


def test_flags() -> None:
    easy = [attempt(n, [1, m, m]) for n, m in (("a", 1), ("b", 0), ("c", 1), ("d", 0))]
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
    ]
    q1 = {s.key: s for s in question_statistics(hard)}["b:q1"]
    assert q1.facility == pytest.approx(1 / 6, abs=1e-3)
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
    assert all(0 <= q["facility"] <= 1 for q in document["questions"])
    assert main(["--lang", "en", "--data", str(tmp_path), "stats", "nope"]) == 1
    assert "There is no question bank nope" in capsys.readouterr().err
