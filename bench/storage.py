"""Benchmark: recording one exam attempt, as the organisation grows.

Partitioning by person should make the cost of recording an attempt independent of how many
other people the organisation holds. Two organisations are built: 10 learners and 1,000
learners, each learner with 50 attempts on file. The same operation (insert one attempt for
one learner, through the repository: lock, reopen, read, write atomically) is timed in both,
interleaved, and reported as ratios measured in this run:

- large / small organisation (goal: at most 1.2);
- repository insert / a bare `json.dump` of the same person's file (goal: at most 3).
  The bare dump neither locks, reads, fsyncs nor keeps a backup; a second baseline that
  does fsync is printed too, to show where the difference goes.

Run: python bench/storage.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from trainer.services.accounts import hash_password
from trainer.storage.files import atomic_write_json
from trainer.storage.records import ExamAttempt, Person
from trainer.storage.repositories import DataStore

ATTEMPTS_PER_LEARNER = 50
QUESTIONS = 20


def _attempt(learner: int, number: int) -> ExamAttempt:
    question_ids = [f"fc-{q:03d}" for q in range(QUESTIONS)]
    return ExamAttempt(
        id=f"att-{learner}-{number}",
        track="frontline",
        seed=learner * 1000 + number,
        question_ids=question_ids,
        answers={q: "我帮您查询一下" for q in question_ids},
        marks={q: 1.0 for q in question_ids},
        score=75.0,
    )


def build_organisation(root: Path, learners: int) -> DataStore:
    """Write the organisation's files in bulk (setting up is not what is measured)."""
    store = DataStore(root)
    password = hash_password("benchmark")
    people = {
        str(n + 1): Person(
            id=f"p{n}",
            name=f"学员{n}",
            roles=["learner"],
            tracks=["frontline"],
            password_hash=password,
        ).to_json()
        for n in range(learners)
    }
    atomic_write_json(store.roster.path, {"people": people})
    for n in range(learners):
        attempts = {str(k + 1): _attempt(n, k).to_json() for k in range(ATTEMPTS_PER_LEARNER)}
        atomic_write_json(store.person_file(f"p{n}").path, {"exam_attempts": attempts})
    return store


def time_insert(store: DataStore, learner: int, number: int) -> float:
    records = store.person_file(f"p{learner}")
    attempt = _attempt(learner, 10_000 + number)
    start = time.perf_counter()
    records.insert(attempt)
    elapsed = time.perf_counter() - start
    records.delete(ExamAttempt, attempt.id)  # keep every file at 50 attempts
    return elapsed


def time_bare_dump(path: Path, fsync: bool) -> float:
    data = json.loads(path.read_text(encoding="utf-8"))
    target = path.with_name("bare.json")
    start = time.perf_counter()
    with target.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
        if fsync:
            handle.flush()
            os.fsync(handle.fileno())
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=60)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        small = build_organisation(Path(folder) / "small", 10)
        large = build_organisation(Path(folder) / "large", 1000)
        person_file = large.person_file("p0").path
        size_kb = person_file.stat().st_size / 1024
        small_times, large_times, bare, bare_fsync = [], [], [], []
        for n in range(arguments.repeat):
            small_times.append(time_insert(small, n % 10, n))
            large_times.append(time_insert(large, (n * 37) % 1000, n))
            bare.append(time_bare_dump(person_file, fsync=False))
            bare_fsync.append(time_bare_dump(person_file, fsync=True))
    median = statistics.median
    print(f"person file: {ATTEMPTS_PER_LEARNER} attempts, ~{size_kb:.0f} KB")
    print(f"repetitions: {arguments.repeat}")
    print(f"insert, 10 learners:        {median(small_times) * 1000:7.2f} ms")
    print(f"insert, 1,000 learners:     {median(large_times) * 1000:7.2f} ms")
    print(f"bare json.dump:             {median(bare) * 1000:7.2f} ms")
    print(f"bare json.dump + fsync:     {median(bare_fsync) * 1000:7.2f} ms")
    growth = median(large_times) / median(small_times)
    print(f"ratio large/small:          {growth:7.2f}  (goal <= 1.2)")
    print(f"ratio insert/bare dump:     {median(large_times) / median(bare):7.2f}  (goal <= 3)")
    print(f"ratio insert/dump+fsync:    {median(large_times) / median(bare_fsync):7.2f}")


if __name__ == "__main__":
    main()
