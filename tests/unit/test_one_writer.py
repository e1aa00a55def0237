"""The rules that need one writer hold when sessions act at the same moment, on both stores:
16 processes at once lose no record, open no sitting beyond the limit and cannot sign in
through a lockout; two sessions on one role-play cannot overwrite each other's turns."""

from __future__ import annotations

import datetime as dt
from multiprocessing import get_context
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import pytest

from tests.functional.helpers import PASSWORD, organisation_with_learner
from trainer.services.accounts import MAX_FAILED_SIGN_INS, AccountError
from trainer.services.context import TrainerContext, open_context
from trainer.services.exams import ExamError
from trainer.services.roleplay.service import RolePlayError
from trainer.settings import Settings
from trainer.storage.records import AuditEvent, ExamAttempt, LessonDone, MentorNote, RolePlayRun

pytestmark = [pytest.mark.both_stores, pytest.mark.slow]

PROCESSES = 16
MOMENT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _context(settings: dict[str, Any]) -> TrainerContext:
    return open_context(Settings(language="en", **settings))


def _settings(context: TrainerContext) -> dict[str, Any]:
    return {
        "data_dir": context.settings.data_dir,
        "database_url": context.settings.database_url,
    }


def _run_all(target: Any, settings: dict[str, Any]) -> list[str]:
    """Run `target(settings, barrier, number, results)` in 16 processes released together."""
    spawn = get_context("spawn")
    barrier = spawn.Barrier(PROCESSES)
    results = spawn.Manager().list()
    processes = [
        spawn.Process(target=target, args=(settings, barrier, number, results))
        for number in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
        assert process.exitcode == 0
    return list(results)


def _write_records(settings: dict[str, Any], barrier: Barrier, number: int, results: Any) -> None:
    context = _context(settings)
    barrier.wait()
    for n in range(20):
        context.store.person_file("li-na").insert(
            LessonDone(id=f"w{number}-{n}", track="t", lesson="l")
        )
        context.store.roster.insert(
            AuditEvent(id=f"e{number}-{n}", actor="cli", action="test", subject=str(number))
        )
        context.store.roster.insert(
            MentorNote(id=f"n{number}-{n}", mentor="chen", mentee="li-na", text=f"note {n}")
        )
    results.append("done")


def test_sixteen_writers_lose_nothing(context: TrainerContext) -> None:
    organisation_with_learner(context)
    assert _run_all(_write_records, _settings(context)) == ["done"] * PROCESSES
    lessons = {r.id for r in context.store.person_file("li-na").all(LessonDone)}
    notes = {r.id for r in context.store.roster.all(MentorNote)}
    events = {r.id for r in context.store.roster.all(AuditEvent)}
    expected = {f"{number}-{n}" for number in range(PROCESSES) for n in range(20)}
    assert {f"w{key}" for key in expected} <= lessons
    assert notes == {f"n{key}" for key in expected}
    assert {f"e{key}" for key in expected} <= events


def _answer(settings: dict[str, Any], barrier: Barrier, number: int, results: Any) -> None:
    context = _context(settings)
    learner = context.accounts.person("li-na")
    attempt = context.exams.attempts(learner, learner.id, "frontline")[0]
    key = attempt.question_ids[number]
    barrier.wait()
    for value in range(5):  # each answer changed a few times, the last one stands
        context.exams.answer(learner, attempt.id, key, value, at=MOMENT)
    results.append(key)


def test_sixteen_sessions_answering_one_sitting_lose_no_answer(context: TrainerContext) -> None:
    """Every session changes the same sitting: each change must land on top of the others'
    (on PostgreSQL a write over a row another session changed since it was read is refused
    and made again on the new row)."""
    organisation_with_learner(context)
    learner = context.accounts.person("li-na")
    attempt = context.exams.start(learner, "frontline", at=MOMENT, seed=1)
    assert len(attempt.question_ids) >= PROCESSES
    keys = _run_all(_answer, _settings(context))
    stored = context.exams.attempts(learner, learner.id, "frontline")[0]
    assert sorted(keys) == sorted(attempt.question_ids[:PROCESSES])
    assert stored.answers == dict.fromkeys(attempt.question_ids[:PROCESSES], 4)


def _start_exam(settings: dict[str, Any], barrier: Barrier, number: int, results: Any) -> None:
    context = _context(settings)
    learner = context.accounts.person("li-na")
    context.exams.status(learner, "frontline", MOMENT)  # content loaded before the race
    barrier.wait()
    try:
        results.append(context.exams.start(learner, "frontline", at=MOMENT, seed=number).id)
    except ExamError as error:
        results.append(error.key)


def test_simultaneous_exam_starts_open_one_sitting_within_the_limit(
    context: TrainerContext,
) -> None:
    organisation_with_learner(context)
    learner = context.accounts.person("li-na")
    records = context.store.person_file("li-na")
    for n in range(2):  # two sittings used long ago, past the cool-down
        records.insert(
            ExamAttempt(
                id=f"old-{n}",
                track="frontline",
                seed=n,
                question_ids=[],
                started_at=MOMENT - dt.timedelta(days=30 - n),
                submitted_at=MOMENT - dt.timedelta(days=30 - n),
                score=20,
            )
        )
    started = _run_all(_start_exam, _settings(context))
    assert len(set(started)) == 1  # every session resumed the one sitting opened
    sittings = context.store.person_file("li-na").all(ExamAttempt)
    assert len(sittings) == 3
    context.exams.submit(learner, started[0], at=MOMENT + dt.timedelta(minutes=5))
    later = _run_all(_start_exam, _settings(context))
    assert later == ["no_attempts_left"] * PROCESSES
    assert len(context.store.person_file("li-na").all(ExamAttempt)) == 3


def _wrong_then_right(
    settings: dict[str, Any], barrier: Barrier, number: int, results: Any
) -> None:
    context = _context(settings)
    context.accounts.person("li-na")
    for password in ("wrong password", PASSWORD):
        barrier.wait()  # every wrong try is in before any right one
        try:
            context.accounts.sign_in("li-na", password, at=MOMENT)
            results.append("signed_in")
        except AccountError as error:
            results.append(error.key)


def test_simultaneous_wrong_passwords_lock_and_the_right_one_cannot_clear_it(
    context: TrainerContext,
) -> None:
    organisation_with_learner(context)
    outcomes = _run_all(_wrong_then_right, _settings(context))
    # every wrong try was counted (the fifth locked the account), and none of the right
    # passwords given at once afterwards cleared the lock
    assert outcomes.count("wrong_password") == MAX_FAILED_SIGN_INS - 1
    assert outcomes.count("locked") == 2 * PROCESSES - (MAX_FAILED_SIGN_INS - 1)
    person = context.accounts.person("li-na")
    assert person is not None
    assert person.locked_until is not None and person.locked_until > MOMENT
    with pytest.raises(AccountError) as caught:
        context.accounts.sign_in("li-na", PASSWORD, at=MOMENT + dt.timedelta(minutes=1))
    assert caught.value.key == "locked"


def test_a_second_session_on_a_call_cannot_overwrite_the_first(context: TrainerContext) -> None:
    organisation_with_learner(context)
    learner = context.accounts.person("li-na")
    first = context.roleplays.start(learner, "refund_delay", "exam", "zh")
    # the same call opened in another window: an exam run is resumed, not restarted
    second = context.roleplays.start(learner, "refund_delay", "exam", "zh")
    assert second.record.id == first.record.id
    first.say("您好，非常抱歉让您久等了，请问有什么可以帮您？", seconds=10)
    with pytest.raises(RolePlayError) as caught:
        second.say("你好。", seconds=10)  # written from a view that missed the first reply
    assert caught.value.key == "run_taken_over"
    stored = context.store.person_file("li-na").get(RolePlayRun, first.record.id)
    assert stored is not None
    assert [turn.say for turn in stored.turns] == ["您好，非常抱歉让您久等了，请问有什么可以帮您？"]
    # the first session goes on as before
    first.pick(1, seconds=10)
    stored = context.store.person_file("li-na").get(RolePlayRun, first.record.id)
    assert stored is not None and len(stored.turns) == 2


def test_a_write_that_is_refused_leaves_no_trace(context: TrainerContext, data_dir: Path) -> None:
    """A batch that raises writes nothing, on both stores."""
    organisation_with_learner(context)
    records = context.store.person_file("li-na")
    before = len(records.all(LessonDone))
    with pytest.raises(RuntimeError), records.batch() as batch:
        batch.insert(LessonDone(id="half", track="t", lesson="l"))
        raise RuntimeError("stop")
    assert len(records.all(LessonDone)) == before
    assert records.get(LessonDone, "half") is None
