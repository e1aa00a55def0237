"""Benchmark: the views over everyone, on the embedded store, against a bare reading of the
same files.

An organisation of 1,000 learners is written in bulk: each learner's file is a copy of the
demo's certified learner (every frontline lesson, a role-play practice run and two exam runs
with their scenario snapshots, about 50 KB) with ten exam sittings whose marks vary from
learner to learner; 500 of them are mentored by one mentor. Three views are timed, each
against a bare `json.loads` of exactly the files it has to read (the roster and the
learners' files), measured in the same run:

- the gradebook of the 1,000 learners (`Gradebook.rows`: the final assessment of each on
  their current track, certificate, mentor, last activity). Goal: at most 1 s;
- the mentor dashboard of 500 mentees (`Mentoring.dashboard`). Goal: at most 1 s; and
  50 mentees against 500 per mentee (goal: about 1: the cost grows with the mentees, not
  with their square, as it did when each row re-read the roster: 8.7 s for 500);
- item analysis over the 10,000 sittings (`ItemAnalysis.report`: every question's facility,
  discrimination and flags, every exam's figures). Goal: at most 1 s;
- the gradebook screen in the app (headless, 160x50): from opening it to its table filled,
  the rows computed in its worker. Goal: at most 1 s.

The content is loaded before timing: the app loads it once, at sign-in.

Run: python bench/gradebook.py [--learners N] [--repeat N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trainer.services.certificates import operator
from trainer.services.context import TrainerContext, open_context
from trainer.settings import Settings
from trainer.storage.files import atomic_write_json
from trainer.storage.records import Mentorship, Person, now

SITTINGS = 10
TEMPLATE = "zhao-lei"


def template(context: TrainerContext) -> dict[str, Any]:
    """The demo's certified learner's file, with SITTINGS counted exam sittings."""
    from trainer.services.demo import build_demo

    build_demo(context.store, context.library)
    data: dict[str, Any] = json.loads(context.store.person_file(TEMPLATE).path.read_text())
    sittings = [row for row in data["exam_attempts"].values() if not row["practice"]]
    data["exam_attempts"] = {
        str(n + 1): {**sittings[n % len(sittings)], "id": f"att-{n}"} for n in range(SITTINGS)
    }
    return data


def build(root: Path, learners: int, mentees: int) -> TrainerContext:
    context = open_context(Settings(data_dir=root / "demo", language="en"))
    data = template(context)
    organisation = open_context(Settings(data_dir=root / "org", language="en"))
    store = organisation.store
    demo_roster = json.loads(context.store.roster.path.read_text())
    boss = Person.model_validate(demo_roster["people"]["1"])
    people = {"1": boss.to_json()}
    mentor = boss.model_copy(update={"id": "mentor", "name": "导师", "roles": ["mentor"]})
    people["2"] = mentor.to_json()
    random.seed(1)
    for n in range(learners):
        person = boss.model_copy(
            update={
                "id": f"p{n}",
                "name": f"学员{n:04d}",
                "roles": ["learner"],
                "tracks": ["frontline"],
                "team": f"组{n % 7}",
                "cohort": f"2026-{1 + n % 12:02d}",
            }
        )
        people[str(n + 3)] = person.to_json()
        for row in data["exam_attempts"].values():  # each learner answers differently
            row["marks"] = {key: float(random.random() < 0.7) for key in row["marks"]}
            row["score"] = round(100 * sum(row["marks"].values()) / len(row["marks"]), 1)
        atomic_write_json(store.person_file(f"p{n}").path, data)
    start = now()
    mentorships = {
        str(n + 1): Mentorship(
            id=f"m{n}", mentor="mentor", mentee=f"p{n}", start=start, days=30
        ).to_json()
        for n in range(mentees)
    }
    roster = {
        "organisation": demo_roster["organisation"],
        "people": people,
        "mentorships": mentorships,
        "certificates": demo_roster.get("certificates", {}),
    }
    atomic_write_json(store.roster.path, roster)
    organisation.library  # noqa: B018 - loaded before timing, as at sign-in
    return organisation


def bare_read(paths: list[Path]) -> None:
    for path in paths:
        json.loads(path.read_bytes())


def timed(function: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name: str, ours: float, bare: float, goal: str) -> None:
    print(
        f"{name:<34} {ours * 1000:8.0f} ms   bare read {bare * 1000:6.0f} ms   "
        f"ratio {ours / bare:5.1f}   goal: {goal}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    mentees = arguments.learners // 2

    with tempfile.TemporaryDirectory() as folder:
        context = build(Path(folder), arguments.learners, mentees)
        store, trainer = context.store, operator()
        mentor = store.person("mentor")
        assert mentor is not None
        everyone = [store.roster.path] + [
            store.person_file(f"p{n}").path for n in range(arguments.learners)
        ]
        mentored = everyone[: mentees + 1]

        rows = context.gradebook.rows(trainer)
        assert len(rows) == arguments.learners
        ours = timed(lambda: context.gradebook.rows(trainer), arguments.repeat)
        bare = timed(lambda: bare_read(everyone), arguments.repeat)
        report(f"gradebook, {arguments.learners} learners", ours, bare, "<= 1 s")

        assert len(context.mentoring.dashboard(mentor)) == mentees
        ours_all = timed(lambda: context.mentoring.dashboard(mentor), arguments.repeat)
        bare = timed(lambda: bare_read(mentored), arguments.repeat)
        report(f"mentor dashboard, {mentees} mentees", ours_all, bare, "<= 1 s")

        few = max(1, mentees // 10)
        store.roster.path.write_text(  # the same organisation, with a tenth of the mentees
            json.dumps(
                {
                    **json.loads(store.roster.path.read_text()),
                    "mentorships": {
                        str(n + 1): Mentorship(
                            id=f"m{n}", mentor="mentor", mentee=f"p{n}", days=30
                        ).to_json()
                        for n in range(few)
                    },
                }
            )
        )
        ours_few = timed(lambda: context.mentoring.dashboard(mentor), arguments.repeat)
        per_mentee = (ours_all / mentees) / (ours_few / few)
        print(
            f"{'  per mentee, ' + str(mentees) + ' against ' + str(few):<34} "
            f"{per_mentee:8.2f}         goal: about 1 (linear, not quadratic)"
        )

        analysis = context.item_analysis
        exams, questions = analysis.report(trainer)
        sittings = sum(exam.attempts for exam in exams)
        ours = timed(lambda: analysis.report(trainer), arguments.repeat)
        bare = timed(lambda: bare_read(everyone), arguments.repeat)
        report(f"item analysis, {sittings} sittings", ours, bare, "<= 1 s")
        print(f"  ({len(questions)} questions)")

        times = [asyncio.run(screen_time(context)) for _ in range(arguments.repeat)]
        bare = timed(lambda: bare_read(everyone), arguments.repeat)
        report("gradebook screen, opened and filled", statistics.median(times), bare, "<= 1 s")


async def screen_time(context: TrainerContext) -> float:
    """Seconds from pushing the gradebook screen to its table holding its rows."""
    from textual.widgets import DataTable

    from trainer.ui.app import make_app
    from trainer.ui.screens import GradebookScreen

    app = make_app(context)
    async with app.run_test(size=(160, 50)) as pilot:
        app.user = context.store.person("chen-jing")  # signed in, as after the sign-in screen
        start = time.perf_counter()
        screen = GradebookScreen()
        app.push_screen(screen)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        elapsed = time.perf_counter() - start
        assert screen.query_one("#gradebook-table", DataTable).row_count > 0
        return elapsed


if __name__ == "__main__":
    main()
