"""Questions that give each other away never share a paper: `excludes` on a question, read
both ways and followed through, honoured by the exam draw and checked by `trainer validate`."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pytest

from trainer.content import load_library
from trainer.locations import bundled_content_root
from trainer.services.exams import draw_paper

LIBRARY = load_library([bundled_content_root()])
PAIRS = [
    ("frontline", "fc-021", "fc-023"),
    ("frontline", "fc-035", "fc-081"),
    ("supervisor", "sv-003", "sv-020"),
]

BANK = """\
id: tiny
title: Tiny
categories: {a: A}
questions:
  - {id: q1, type: true_false, category: a, stem: one, answer: true, excludes: [q2]}
  - {id: q2, type: true_false, category: a, stem: two, answer: true, excludes: [q3]}
  - {id: q3, type: true_false, category: a, stem: three, answer: true}
  - {id: q4, type: true_false, category: a, stem: four, answer: true}
  - {id: q5, type: true_false, category: a, stem: five, answer: true}
"""
TRACK = """\
id: tiny_track
title: Tiny track
audience: frontline
modules: [{id: a, title: A, lessons: [{id: l, title: L, body: text}]}]
exam: {time_limit_minutes: 5, draw: [{bank: tiny, category: a, count: COUNT}]}
"""


def tiny_root(tmp_path: Path, count: int) -> Path:
    for folder in ("tracks", "question_banks"):
        (tmp_path / folder).mkdir()
    (tmp_path / "question_banks" / "tiny.yaml").write_text(BANK, encoding="utf-8")
    track = TRACK.replace("COUNT", str(count))
    (tmp_path / "tracks" / "tiny_track.yaml").write_text(track, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("track_id", "one", "other"), PAIRS)
def test_the_pairs_the_review_found_never_share_a_paper(
    track_id: str, one: str, other: str
) -> None:
    track = LIBRARY.track(track_id)
    assert track is not None
    together = 0
    seen_each = {one: 0, other: 0}
    for seed in range(400):
        ids = {item.question.id for item in draw_paper(LIBRARY, track, seed)}
        together += one in ids and other in ids
        for question in (one, other):
            seen_each[question] += question in ids
    assert together == 0
    assert all(count > 0 for count in seen_each.values())  # both still get asked


def test_a_chain_of_exclusions_keeps_all_three_apart_and_fills_the_paper(tmp_path: Path) -> None:
    library = load_library([tiny_root(tmp_path, 3)])
    assert library.problems == []
    track = library.track("tiny_track")
    assert track is not None
    for seed in range(200):
        ids = [item.question.id for item in draw_paper(library, track, seed)]
        assert len(ids) == 3
        assert len({"q1", "q2", "q3"} & set(ids)) == 1


def test_a_paper_without_a_clash_is_the_one_the_seed_drew_before_exclusions() -> None:
    track = LIBRARY.track("frontline")
    loaded = LIBRARY.banks["frontline_core"]
    assert track is not None
    plain_bank = loaded.model.model_copy(
        update={
            "questions": [q.model_copy(update={"excludes": []}) for q in loaded.model.questions]
        }
    )
    plain = copy.copy(LIBRARY)
    plain.banks = {**LIBRARY.banks, "frontline_core": dataclasses.replace(loaded, model=plain_bank)}
    unchanged = changed = 0
    for seed in range(200):
        before = [item.key for item in draw_paper(plain, track, seed)]
        after = [item.key for item in draw_paper(LIBRARY, track, seed)]
        ids = {key.partition(":")[2] for key in before}
        clash = {"fc-021", "fc-023"} <= ids or {"fc-035", "fc-081"} <= ids
        if clash:
            changed += before != after
        else:
            unchanged += before == after
            assert before == after
    assert unchanged > 0 and changed > 0


def test_a_draw_larger_than_the_groups_allow_is_refused_by_validate(tmp_path: Path) -> None:
    library = load_library([tiny_root(tmp_path, 4)])  # q1–q3 are one group: 3 can be drawn
    (problem,) = library.problems
    assert problem.key == "draw_too_many"
    assert problem.path.name == "tiny_track.yaml" and problem.line == 5


def test_an_exclusion_of_an_unknown_question_names_its_line(tmp_path: Path) -> None:
    root = tiny_root(tmp_path, 2)
    bank = root / "question_banks" / "tiny.yaml"
    bank.write_text(BANK.replace("excludes: [q3]", "excludes: [q9]"), encoding="utf-8")
    (problem,) = load_library([root]).problems
    assert problem.path.name == "tiny.yaml" and problem.line == 6
    assert problem.message("en") == '"q9" is not another question of this bank'
