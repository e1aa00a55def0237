"""Storage: records round-trip, files are replaced whole, corrupt files are reported untouched."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from trainer.storage.files import (
    CorruptDataError,
    atomic_write_json,
    file_lock,
    remove_stale_temporaries,
)
from trainer.storage.records import ExamAttempt, LessonDone
from trainer.storage.repositories import DataStore


def test_records_round_trip_in_utf8(data_dir: Path) -> None:
    store = DataStore(data_dir)
    records = store.person_file("li-na")
    records.insert(LessonDone(id="frontline/greeting", track="frontline", lesson="greeting"))
    records.put(
        ExamAttempt(
            id="att-1",
            track="frontline",
            seed=7,
            question_ids=["q1"],
            answers={"q1": "我帮您查询一下"},
        )
    )
    assert [r.id for r in records.all(LessonDone)] == ["frontline/greeting"]
    attempt = records.get(ExamAttempt, "att-1")
    assert attempt is not None and attempt.answers == {"q1": "我帮您查询一下"}
    raw = (data_dir / "people" / "li-na.json").read_text(encoding="utf-8")
    assert "我帮您查询一下" in raw  # ensure_ascii=False: readable, not \\u escapes


def test_put_replaces_and_insert_refuses_duplicates(data_dir: Path) -> None:
    records = DataStore(data_dir).person_file("p1")
    records.put(LessonDone(id="t/a", track="t", lesson="a"))
    records.put(LessonDone(id="t/a", track="t", lesson="a2"))
    assert [r.lesson for r in records.all(LessonDone)] == ["a2"]
    with pytest.raises(ValueError):
        records.insert(LessonDone(id="t/a", track="t", lesson="a3"))


def test_update_changes_one_record_under_the_lock(data_dir: Path) -> None:
    records = DataStore(data_dir).person_file("p1")
    records.put(ExamAttempt(id="att-1", track="t", seed=1, question_ids=[]))
    changed = records.update(ExamAttempt, "att-1", lambda a: a.model_copy(update={"score": 80.0}))
    assert changed is not None and changed.score == 80.0
    assert records.get(ExamAttempt, "att-1").score == 80.0  # type: ignore[union-attr]
    assert records.update(ExamAttempt, "missing", lambda a: a) is None


def test_person_ids_cannot_escape_the_folder(data_dir: Path) -> None:
    with pytest.raises(ValueError):
        DataStore(data_dir).person_file("../roster")


def test_corrupt_file_is_reported_with_its_path_and_left_untouched(data_dir: Path) -> None:
    store = DataStore(data_dir)
    records = store.person_file("p1")
    records.put(LessonDone(id="t/a", track="t", lesson="a"))
    records.put(LessonDone(id="t/b", track="t", lesson="b"))
    path = data_dir / "people" / "p1.json"
    damaged = path.read_bytes()[:-7] + b"\x00garbage"
    path.write_bytes(damaged)

    with pytest.raises(CorruptDataError) as caught:
        records.all(LessonDone)
    assert caught.value.path == path
    assert caught.value.backup == path.with_name("p1.json.bak")
    with pytest.raises(CorruptDataError):
        records.put(LessonDone(id="t/c", track="t", lesson="c"))
    assert path.read_bytes() == damaged  # never silently replaced

    # the backup named in the message is the last good version
    backup = json.loads(caught.value.backup.read_text(encoding="utf-8"))
    assert [row["id"] for row in backup["lessons_done"].values()] == ["t/a"]


def test_corrupt_roster_message_names_the_file(data_dir: Path) -> None:
    (data_dir / "roster.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CorruptDataError) as caught:
        DataStore(data_dir).people()
    assert caught.value.key == "corrupt"
    assert str(data_dir / "roster.json") in caught.value.values["path"]


def test_stale_temporaries_are_removed_at_start(data_dir: Path) -> None:
    people = data_dir / "people"
    people.mkdir()
    stale = people / ".p1.json.x8k2.tmp"
    stale.write_text("{half", encoding="utf-8")
    live = people / ".p2.json.a1b2.tmp"
    live.write_text("{half", encoding="utf-8")
    for written_under_lock in ("p1.json", "p2.json"):
        (people / f".{written_under_lock}.lock").touch()
    with file_lock(people / "p2.json"):  # a writer is busy with p2: its temporary stays
        removed = remove_stale_temporaries(data_dir)
    assert removed == [stale]
    assert not stale.exists() and live.exists()
    DataStore(data_dir)
    assert not live.exists()


def test_a_young_temporary_of_an_unlocked_write_is_left_alone(data_dir: Path) -> None:
    """A certificate PDF or a bank being saved in another process has no lock to hold: a
    start-up in between must not delete its temporary before the writer renames it."""
    certificates = data_dir / "certificates"
    certificates.mkdir()
    in_progress = certificates / ".cert-abc.pdf.k2j3.tmp"
    in_progress.write_bytes(b"%PDF-1.4 half")
    assert remove_stale_temporaries(data_dir) == []
    assert in_progress.exists()
    later = time.time() + 2 * 3600
    assert remove_stale_temporaries(data_dir, now=later) == [in_progress]


def test_atomic_write_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    atomic_write_json(target, {"a": "中"})
    atomic_write_json(target, {"a": "文"})
    assert json.loads(target.read_text(encoding="utf-8")) == {"a": "文"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.json", "x.json.bak"]
