"""Shared steps for driving the app with Pilot."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static

from trainer.content import load_library
from trainer.locations import bundled_content_root
from trainer.services.context import TrainerContext
from trainer.ui.app import TrainerApp
from trainer.ui.screens import SignInScreen

PASSWORD = "correct horse"
SIZE = (100, 32)
FRONTLINE_LESSONS = len(load_library([bundled_content_root()]).track("frontline").lessons)  # type: ignore[union-attr]


def screen_text(app: TrainerApp) -> str:
    """Every Static's text on the current screen, one per line."""
    return "\n".join(str(widget.render()) for widget in app.screen.query(Static))


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text)


async def sign_in(app: TrainerApp, pilot: Pilot[None], search: str, password: str) -> None:
    await pilot.pause()
    assert isinstance(app.screen, SignInScreen)
    await type_text(pilot, search)
    await pilot.press("enter")
    await type_text(pilot, password)
    await pilot.press("enter")
    await pilot.pause()


def organisation_with_learner(context: TrainerContext) -> None:
    """星河电商 with a trainer (chen) and a frontline learner (li-na) who finished one lesson."""
    context.accounts.set_up("星河电商", "陈静", PASSWORD, person_id="chen")
    trainer = context.accounts.person("chen")
    learner = context.accounts.add_person(
        trainer, "李娜", ["learner"], PASSWORD, ["frontline"], "li-na"
    )
    track = context.library.track("frontline")
    assert track is not None
    context.progress.mark_lesson_done(learner, track, track.lessons[0].id)
