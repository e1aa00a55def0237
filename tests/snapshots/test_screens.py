"""Snapshots of the screens whose look matters, in Chinese and English, at 100x32.

Update after an intended change with `pytest tests/snapshots --snapshot-update`, then look at
the report before committing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.functional.helpers import PASSWORD, organisation_with_learner, type_text
from trainer.services.context import open_context
from trainer.settings import Settings
from trainer.ui.app import TrainerApp, make_app

SIZE = (100, 32)


def _app(tmp_path: Path, lang: str) -> TrainerApp:
    context = open_context(Settings(data_dir=tmp_path / "data", language=lang))
    organisation_with_learner(context)
    return make_app(context)


async def _signed_in(pilot: Any) -> None:
    await pilot.pause()
    await type_text(pilot, "li-na")
    await pilot.press("enter")
    await type_text(pilot, PASSWORD)
    await pilot.press("enter")
    await pilot.pause()


async def _lesson(pilot: Any) -> None:
    await _signed_in(pilot)
    await pilot.press("n")
    await pilot.pause()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sign_in(snap_compare: Any, tmp_path: Path, lang: str) -> None:
    async def search(pilot: Any) -> None:
        await pilot.pause()
        await type_text(pilot, "li")

    assert snap_compare(_app(tmp_path, lang), terminal_size=SIZE, run_before=search)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_learner_home(snap_compare: Any, tmp_path: Path, lang: str) -> None:
    assert snap_compare(_app(tmp_path, lang), terminal_size=SIZE, run_before=_signed_in)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_lesson_reader(snap_compare: Any, tmp_path: Path, lang: str) -> None:
    assert snap_compare(_app(tmp_path, lang), terminal_size=SIZE, run_before=_lesson)


WEAK_CALL = {
    "zh": ["你好，这个我不清楚。", 1, "非常抱歉，我帮您查一下，稍后给您回电。", "好的，再见。"],
    "en": ["Hi, I don't know.", 1, "So sorry, let me check; I'll call you back later.", "Bye."],
}


def _app_with_a_call(tmp_path: Path, lang: str) -> TrainerApp:
    """li-na has played the refund call once, in the app's language, with mistakes to show."""
    context = open_context(Settings(data_dir=tmp_path / "data", language=lang))
    organisation_with_learner(context)
    live = context.roleplays.start(context.accounts.person("li-na"), "refund_delay", "exam", lang)
    for turn in WEAK_CALL[lang]:
        if isinstance(turn, int):
            live.pick(turn, seconds=5)
        else:
            live.say(turn, seconds=20)
    assert live.finished
    return make_app(context)


async def _scorecard(pilot: Any) -> None:
    await _signed_in(pilot)
    await pilot.press("enter", "r")  # the track, its role-plays
    await pilot.pause()
    listing = pilot.app.screen.query_one("#scenarios")
    listing.highlighted = next(  # the refund call, now practice: the practical comes first
        k
        for k in range(listing.option_count)
        if listing.get_option_at_index(k).id == "refund_delay"
    )
    await pilot.pause()
    await pilot.press("tab", "enter")  # the run's scorecard
    await pilot.pause()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_roleplay_scorecard(snap_compare: Any, tmp_path: Path, lang: str) -> None:
    app = _app_with_a_call(tmp_path, lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=_scorecard)
