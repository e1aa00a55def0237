"""A demo organisation, made through the same services a person would use.

`trainer demo` builds it in its own data folder and prints how to sign in as each person;
`trainer --demo` starts the app on it. Everyone's password is `DEMO_PASSWORD`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from trainer.content.loader import ContentLibrary
from trainer.services.accounts import Accounts
from trainer.services.exams import Exams
from trainer.services.marking import right_answer_value
from trainer.services.progress import Progress
from trainer.storage.records import Person, Role, now
from trainer.storage.repositories import DataStore

DEMO_PASSWORD = "training"
DEMO_ORGANISATION = "星河客服中心 Galaxy Service Centre"


@dataclass(frozen=True)
class DemoPerson:
    id: str
    name: str
    roles: tuple[Role, ...]
    tracks: tuple[str, ...] = ()
    lessons_done: int = 0
    """How many of their first track's lessons they have finished, in order."""


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("chen-jing", "陈静", ("trainer", "mentor")),
    DemoPerson("liu-yang", "刘洋", ("mentor", "learner"), ("supervisor",), 1),
    DemoPerson("zhang-min", "张敏", ("mentor",)),
    DemoPerson("wang-xiaoming", "王小明", ("learner",), ("new_hire",), 2),
    DemoPerson("li-na", "李娜", ("learner",), ("new_hire",), 0),
    DemoPerson("zhao-lei", "赵磊", ("learner",), ("frontline",), 3),
    DemoPerson("sun-yue", "孙悦", ("learner",), ("frontline",), 1),
    DemoPerson("emily-carter", "Emily Carter", ("learner",), ("frontline", "supervisor"), 2),
    DemoPerson("zhou-qiang", "周强", ("learner",), ("supervisor",), 2),
)


# Exam sittings of the demo: (person, track, share of questions answered right, days ago).
DEMO_EXAMS: tuple[tuple[str, str, float, int], ...] = (
    ("zhao-lei", "frontline", 0.5, 6),
    ("zhao-lei", "frontline", 1.0, 2),
    ("sun-yue", "frontline", 0.4, 1),
    ("zhou-qiang", "supervisor", 0.8, 3),
)


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


def build_demo(store: DataStore, library: ContentLibrary) -> list[DemoPerson]:
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
    exams = Exams(store, library)
    for person_id, track_id, share_right, days_ago in DEMO_EXAMS:
        if library.track(track_id) is not None:
            _sit_exam(exams, accounts.person(person_id), track_id, share_right, days_ago)
    return list(DEMO_PEOPLE)
