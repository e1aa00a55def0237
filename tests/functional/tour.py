"""A tour of every screen of the app on the demo organisation, the same on every run.

The demo is built once a test session (a few seconds) at a fixed moment, with seeded codes
and ids, and copied for each test; `freeze` keeps the clock and the random codes fixed while
a test runs, so a screen shows the same dates, countdowns and certificate codes every time.
Each `Stop` names who signs in and how to reach the screen from their home. The snapshot
tests (tests/snapshots/test_every_screen.py) and the localisation sweep
(tests/functional/test_no_leaks.py) walk the same tour.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import shutil
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from trainer.services import accounts, mentoring
from trainer.services.context import TrainerContext, open_context
from trainer.services.demo import build_demo
from trainer.settings import Settings
from trainer.storage import records
from trainer.ui import screens
from trainer.ui.app import TrainerApp, make_app
from trainer.ui.screens import roleplay as roleplay_screen

FROZEN = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
"""The moment every tour happens at (10:00 in Shanghai, 02:00 UTC)."""


class _StoppedClock(dt.datetime):
    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> _StoppedClock:
        return FROZEN if tz is None else FROZEN.astimezone(tz)  # type: ignore[return-value]


@contextmanager
def frozen(folder: Path, seed: int = 7) -> Iterator[None]:
    """The clock stopped at FROZEN, the local zone UTC, ids, certificate codes and exam
    seeds drawn from a seeded generator, and `folder` the working folder (the data folder is
    named relative to it, so a path on screen is the same on every run)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        # every time the app reads or records comes from records.now (the models' default
        # factory included), which asks records' `dt` for the time
        clock = SimpleNamespace(**{**vars(dt), "datetime": _StoppedClock})
        patch.setattr(records, "dt", clock)
        # a call's reply clock stands still too, so it says the full time allowed
        patch.setattr(roleplay_screen, "time", SimpleNamespace(monotonic=lambda: 0.0))
        check_start = mentoring.check_start
        patch.setattr(
            mentoring,
            "check_start",
            lambda start, today=None: check_start(start, today or FROZEN.date()),
        )
        rng = random.Random(seed)
        patch.setattr(secrets, "choice", rng.choice)
        patch.setattr(secrets, "randbits", rng.getrandbits)
        patch.setattr(accounts, "SCRYPT_N", 2**12)
        patch.setenv("TZ", "UTC")
        time.tzset()
        try:
            yield
        finally:
            patch.undo()
            time.tzset()


_template: dict[str, Path] = {}


def demo_context(tmp_path: Path, lang: str) -> TrainerContext:
    """A fresh copy of the demo organisation in `tmp_path`/data, its interface in `lang`.
    Call it inside `frozen(tmp_path)`."""
    if "folder" not in _template:
        folder = tmp_path.parent / "demo-template"  # pytest's folder for this session
        if not folder.exists():
            with frozen(tmp_path.parent, seed=1):
                context = open_context(Settings(data_dir=folder, language="zh"))
                build_demo(context.store, context.library)
        _template["folder"] = folder
    shutil.copytree(_template["folder"], tmp_path / "data")
    return open_context(Settings(data_dir=Path("data"), language=lang))


Step = Callable[[TrainerApp, Pilot[None]], Awaitable[None]]


@dataclass(frozen=True)
class Stop:
    """A screen of the tour: who signs in, then the steps to reach it."""

    name: str
    person: str | None
    steps: tuple[Step, ...] = field(default=())
    organisation: bool = True
    """False: a data folder with no organisation yet (the first-run setup)."""


def keys(*pressed: str) -> Step:
    async def press(app: TrainerApp, pilot: Pilot[None]) -> None:
        await pilot.press(*pressed)
        await pilot.pause()

    return press


def push(make: Callable[[TrainerApp], Any]) -> Step:
    """Open a screen directly (what the keys before it do is tested elsewhere)."""

    async def open_screen(app: TrainerApp, pilot: Pilot[None]) -> None:
        await app.push_screen(make(app))
        await pilot.pause()

    return open_screen


def _latest_exam(app: TrainerApp, person: str, track: str) -> str:
    context = app.context
    return context.exams.attempts(context.accounts.person(person), person, track)[-1].id


def _latest_run(app: TrainerApp, person: str, scenario: str) -> str:
    context = app.context
    runs = context.roleplays.runs(context.accounts.person(person), person, scenario)
    return [run for run in runs if run.mode == "exam"][-1].id


def _new_exam(app: TrainerApp) -> Any:
    attempt = app.context.exams.start(app.signed_in_person, "frontline")
    return screens.ExamScreen(attempt.id)


def _new_call(app: TrainerApp) -> Any:
    live = app.context.roleplays.start(
        app.signed_in_person, "refund_delay", "practice", app.tr.lang
    )
    return screens.RolePlayScreen(live)


async def _clock_shown(app: TrainerApp, pilot: Pilot[None]) -> None:
    """Show the reply clock now rather than at its first tick, a second after the call opens."""
    screen = app.screen
    assert isinstance(screen, screens.RolePlayScreen)
    screen._tick()
    await pilot.pause()


def _second_lesson(app: TrainerApp) -> Any:
    track = app.context.library.track("frontline")
    assert track is not None
    return screens.LessonScreen("frontline", track.lessons[1].id)


async def _long_question(app: TrainerApp, pilot: Pilot[None]) -> None:
    """Move the exam to the question whose option is longest in this language."""
    screen = app.screen
    assert isinstance(screen, screens.ExamScreen)
    lang = app.tr.lang

    def longest(item: Any) -> int:
        options = getattr(item.question, "options", [])
        return max((len(option.text.get(lang)) for option in options), default=0)

    target = max(range(len(screen.paper)), key=lambda n: longest(screen.paper[n]))
    for _ in range(target):
        await pilot.press("ctrl+n")
    await pilot.pause()


TOUR: tuple[Stop, ...] = (
    Stop("setup", None, organisation=False),
    Stop("sign_in", None),
    Stop("home_learner", "sun-yue"),
    Stop("home_certified", "zhao-lei"),
    Stop("home_mentor", "liu-yang"),
    Stop("home_trainer", "chen-jing"),
    Stop("track", "sun-yue", (push(lambda app: screens.TrackScreen("frontline")),)),
    Stop("lesson", "sun-yue", (push(_second_lesson),)),
    Stop("exam_intro", "sun-yue", (push(lambda app: screens.ExamIntroScreen("frontline")),)),
    Stop("exam", "sun-yue", (push(_new_exam), _long_question)),
    Stop(
        "exam_result",
        "zhao-lei",
        (push(lambda app: screens.ExamResultScreen(_latest_exam(app, "zhao-lei", "frontline"))),),
    ),
    Stop(
        "exam_review",
        "zhao-lei",
        (push(lambda app: screens.ExamReviewScreen(_latest_exam(app, "zhao-lei", "frontline"))),),
    ),
    Stop("assessment", "sun-yue", (push(lambda app: screens.AssessmentScreen("frontline")),)),
    Stop("roleplays", "sun-yue", (push(lambda app: screens.RolePlaysScreen("frontline")),)),
    Stop("roleplay_call", "sun-yue", (push(_new_call), _clock_shown)),
    Stop(
        "roleplay_result",
        "zhao-lei",
        (
            push(
                lambda app: screens.RolePlayResultScreen(
                    "zhao-lei", _latest_run(app, "zhao-lei", "refund_delay")
                )
            ),
        ),
    ),
    Stop(
        "roleplay_replay",
        "zhao-lei",
        (
            push(
                lambda app: screens.RolePlayReplayScreen(
                    "zhao-lei", _latest_run(app, "zhao-lei", "refund_delay")
                )
            ),
        ),
    ),
    Stop("certificates", "chen-jing", (push(lambda app: screens.CertificatesScreen()),)),
    Stop("people", "chen-jing", (push(lambda app: screens.PeopleScreen()),)),
    Stop("person_dialog", "chen-jing", (push(lambda app: screens.PeopleScreen()), keys("a"))),
    Stop("mentee", "liu-yang", (push(lambda app: screens.MenteeScreen("wang-xiaoming")),)),
    Stop("stats", "chen-jing", (push(lambda app: screens.StatsScreen()),)),
    Stop("problems", "chen-jing", (push(lambda app: screens.ProblemsScreen()),)),
    Stop("bank_editor", "chen-jing", (push(lambda app: screens.BankEditorScreen()),)),
    Stop("help", "sun-yue", (keys("f1"),)),
)


async def visit(app: TrainerApp, pilot: Pilot[None], stop: Stop) -> None:
    """Sign in as the stop's person (in the app's language) and walk to its screen."""
    await pilot.pause()
    if stop.person is not None:
        person = app.context.accounts.person(stop.person)
        app.signed_in(person.model_copy(update={"language": app.tr.lang}))
        await pilot.pause()
    for step in stop.steps:
        await step(app, pilot)
    await app.workers.wait_for_complete()
    for box in app.screen.query(Input):
        box.cursor_blink = False  # the cursor shows, whenever the picture is taken
    await pilot.pause()


async def leave(app: TrainerApp, pilot: Pilot[None]) -> None:
    """Back to the sign-in screen as a person would go: screen by screen to their home (each
    screen below comes back as its person left it), then sign out."""
    while len(app.screen_stack) > 2:
        app.pop_screen()
        await pilot.pause()
    if app.user is not None:
        app.sign_out()
        await pilot.pause()


def screen_lines(app: TrainerApp) -> list[str]:
    """What the terminal shows, line by line."""
    return [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]


def tour_app(tmp_path: Path, lang: str, stop: Stop) -> TrainerApp:
    """The app for `stop`, on a copy of the demo (or on an empty folder). Call it inside
    `frozen(tmp_path)`."""
    if not stop.organisation:
        return make_app(open_context(Settings(data_dir=Path("data"), language=lang)))
    return make_app(demo_context(tmp_path, lang))
