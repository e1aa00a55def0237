"""A demo organisation, made through the same services a person would use.

`trainer demo` builds it in its own data folder and prints how to sign in as each person;
`trainer --demo` starts the app on it. Everyone's password is `DEMO_PASSWORD`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from trainer.content.loader import ContentLibrary
from trainer.locations import DEMO_PASSWORD
from trainer.roles import Role
from trainer.services.accounts import Accounts
from trainer.services.assessment import Assessments
from trainer.services.certificates import Certificates
from trainer.services.exams import Exams
from trainer.services.marking import right_answer_value
from trainer.services.mentoring import Mentoring
from trainer.services.progress import Progress
from trainer.services.roleplay.service import Mode, RolePlays
from trainer.storage.interface import Store
from trainer.storage.records import Person, now

DEMO_ORGANISATION = "星河客服中心 Galaxy Service Centre"


@dataclass(frozen=True)
class DemoPerson:
    id: str
    name: str
    roles: tuple[Role, ...]
    tracks: tuple[str, ...] = ()
    lessons_done: int | None = 0
    """How many of their first track's lessons they have finished, in order; None: all."""


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("chen-jing", "陈静", ("trainer", "mentor")),
    DemoPerson("liu-yang", "刘洋", ("mentor", "learner"), ("supervisor",), 1),
    DemoPerson("zhang-min", "张敏", ("mentor",)),
    DemoPerson("wang-xiaoming", "王小明", ("learner",), ("new_hire",), 2),
    DemoPerson("li-na", "李娜", ("learner",), ("new_hire",), 0),
    # certified for frontline, which needs every lesson done (the certificate says so)
    DemoPerson("zhao-lei", "赵磊", ("learner",), ("frontline",), None),
    DemoPerson("sun-yue", "孙悦", ("learner",), ("frontline",), 1),
    DemoPerson("emily-carter", "Emily Carter", ("learner",), ("frontline", "supervisor"), 2),
    DemoPerson("zhou-qiang", "周强", ("learner",), ("supervisor",), 2),
)


# Where the demo's learners sit: (person, team, cohort, hire date as days ago).
DEMO_PLACES: tuple[tuple[str, str, str, int], ...] = (
    ("wang-xiaoming", "售后一组 After-sales 1", "2026-11", 14),
    ("li-na", "售后一组 After-sales 1", "2026-11", 5),
    ("zhao-lei", "售后一组 After-sales 1", "2026-09", 90),
    ("sun-yue", "售后二组 After-sales 2", "2026-09", 80),
    ("emily-carter", "售后二组 After-sales 2", "2026-09", 85),
    ("zhou-qiang", "售后二组 After-sales 2", "2026-06", 200),
    ("liu-yang", "售后一组 After-sales 1", "2026-06", 220),
)


# Exam sittings of the demo: (person, track, share of questions answered right, days ago).
DEMO_EXAMS: tuple[tuple[str, str, float, int], ...] = (
    ("zhao-lei", "frontline", 0.5, 6),
    ("zhao-lei", "frontline", 1.0, 2),
    ("sun-yue", "frontline", 0.4, 1),
    ("zhou-qiang", "supervisor", 0.8, 3),
)


# Role-play runs of the demo: (person, scenario, mode, the agent's turns in Chinese).
_WEAK_REFUND_CALL = (
    "你好，这个退款一般都要等的。",
    "3",
    "我帮您查一下，稍后给您回电。",
    "好的，再见。",
)
_GOOD_REFUND_CALL = (
    "您好，星河电商客服，工号2046。非常抱歉让您等了这么久，我理解您的着急。",
    "1",
    "我现在就为您提交加急工单，请财务核实打款，今天17点前给您回电告知结果。",
    "退款已加急，今天17点前给您回电。请问还有其他需要帮助的吗？感谢您的来电，再见！",
)
MODEL_RUN: tuple[str, ...] = ()
"""No turns written here: the scenario's first golden test (its model run) is played."""
DEMO_ROLEPLAYS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("zhao-lei", "refund_delay", "practice", _WEAK_REFUND_CALL),
    ("zhao-lei", "refund_delay", "exam", _GOOD_REFUND_CALL),
    ("zhao-lei", "wrong_address", "exam", MODEL_RUN),
    ("sun-yue", "refund_delay", "practice", _WEAK_REFUND_CALL),
    ("wang-xiaoming", "greeting_drill", "practice", MODEL_RUN),
)


def _play_call(
    roleplays: RolePlays, person: Person, scenario_id: str, mode: Mode, turns: tuple[str, ...]
) -> None:
    """Play a call as a learner would: a digit picks an option, anything else is said."""
    if not turns:
        model = roleplays.scenario(scenario_id).tests[0]
        turns = tuple(str(t.pick) if t.pick is not None else t.say or "" for t in model.turns)
    live = roleplays.start(person, scenario_id, mode, "zh")
    for turn in turns:
        if live.finished:
            break
        if turn.isdigit():
            live.pick(int(turn), seconds=8)
        else:
            live.say(turn, seconds=20)


def _sit_exam(
    exams: Exams, person: Person, track_id: str, share_right: float, days_ago: int
) -> None:
    """Sit a whole exam as a learner would: answer (some of) it right, then submit."""
    start = now() - dt.timedelta(days=days_ago)
    attempt = exams.start(person, track_id, at=start, seed=days_ago * 101)
    paper = exams.paper(attempt)
    for number, item in enumerate(paper[: round(len(paper) * share_right)]):
        exams.answer(
            person,
            attempt.id,
            item.key,
            right_answer_value(item.question),
            at=start + dt.timedelta(minutes=number + 1),
        )
    exams.submit(person, attempt.id, at=start + dt.timedelta(minutes=len(paper) + 2))


def build_demo(store: Store, library: ContentLibrary) -> list[DemoPerson]:
    """Fill an empty data folder with the demo organisation; returns who was created."""
    accounts, progress = Accounts(store), Progress(store)
    first, *others = DEMO_PEOPLE
    accounts.set_up(DEMO_ORGANISATION, first.name, DEMO_PASSWORD, person_id=first.id)
    trainer = accounts.person(first.id)
    for demo in others:
        tracks = [track for track in demo.tracks if library.track(track) is not None]
        person = accounts.add_person(trainer, demo.name, demo.roles, DEMO_PASSWORD, tracks, demo.id)
        if tracks:
            track = library.track(tracks[0])
            assert track is not None
            for lesson in track.lessons[: demo.lessons_done]:
                progress.mark_lesson_done(person, track, lesson.id)
    for person_id, team, cohort, hired_days_ago in DEMO_PLACES:
        # the roster record directly: no service edits team and cohort yet
        place = {
            "team": team,
            "cohort": cohort,
            "hire_date": (now() - dt.timedelta(days=hired_days_ago)).date(),
        }

        def placed(person: Person, update: dict[str, object] = place) -> Person:
            return person.model_copy(update=update)

        store.roster.update(Person, person_id, placed)
    exams = Exams(store, library)
    for person_id, track_id, share_right, days_ago in DEMO_EXAMS:
        if library.track(track_id) is not None:
            _sit_exam(exams, accounts.person(person_id), track_id, share_right, days_ago)
    roleplays = RolePlays(store, library)
    for person_id, scenario_id, mode, turns in DEMO_ROLEPLAYS:
        if library.scenario(scenario_id) is not None:
            run_mode: Mode = "exam" if mode == "exam" else "practice"
            _play_call(roleplays, accounts.person(person_id), scenario_id, run_mode, turns)
    _mentor_and_certify(store, library, accounts.person(trainer.id), exams, roleplays)
    return list(DEMO_PEOPLE)


# Mentorships of the demo: (mentor, mentee, started days ago).
DEMO_MENTORSHIPS: tuple[tuple[str, str, int], ...] = (
    ("liu-yang", "wang-xiaoming", 12),
    ("zhang-min", "li-na", 3),
)


def _mentor_and_certify(
    store: Store, library: ContentLibrary, trainer: Person, exams: Exams, roleplays: RolePlays
) -> None:
    """Assign the new hires their mentors, and certify zhao-lei, who passed frontline."""
    mentoring = Mentoring(store, library)
    for mentor, mentee, days_ago in DEMO_MENTORSHIPS:
        start = now() - dt.timedelta(days=days_ago)
        mentoring.assign(trainer, mentor, mentee, start=start)
    if library.track("frontline") is not None:
        certificates = Certificates(store, Assessments(store, library, exams, roleplays))
        certificates.issue(trainer, "zhao-lei", "frontline")
