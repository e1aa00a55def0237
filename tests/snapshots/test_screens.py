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
