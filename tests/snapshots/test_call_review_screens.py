"""Snapshots of the calibration screens, in Chinese and English, at 100x32: the call scored
on the form beside its transcript, and the review beside the reference (the columns must
line up with Chinese item names as with English ones).

Update after an intended change with `pytest tests/snapshots --snapshot-update`, then look at
the report before committing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList, Select

from tests.functional.helpers import PASSWORD, sign_in
from tests.functional.test_call_library import supervisor_with_five_of_six_items
from trainer.services.context import open_context
from trainer.settings import Settings
from trainer.ui.app import TrainerApp, make_app

SIZE = (100, 32)
PICKS = {
    "greeting": "0",
    "apologize": "0",
    "listen": "0",
    "resolve": "0",
    "follow_up": "1",
    "language": "0",
    "closing": "0",
    "red_lines": "1",
}


def _app(tmp_path: Path, lang: str) -> TrainerApp:
    context = open_context(Settings(data_dir=tmp_path / "data", language=lang))
    supervisor_with_five_of_six_items(context)
    return make_app(context)


async def _scoring(pilot: Any) -> None:
    await sign_in(pilot.app, pilot, "zhou", PASSWORD)
    await pilot.press("enter", "l")
    await pilot.pause()
    pilot.app.screen.query_one("#calls", OptionList).highlighted = 1
    await pilot.press("s")
    await pilot.pause()
    for item, level in list(PICKS.items())[:3]:
        pilot.app.screen.query_one(f"#item-{item}", Select).value = level
    await pilot.pause()


async def _result(pilot: Any) -> None:
    await _scoring(pilot)
    for item, level in PICKS.items():
        pilot.app.screen.query_one(f"#item-{item}", Select).value = level
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_scoring_a_call(snap_compare: Any, tmp_path: Path, lang: str) -> None:
    assert snap_compare(_app(tmp_path, lang), terminal_size=SIZE, run_before=_scoring)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_review_beside_the_reference(snap_compare: Any, tmp_path: Path, lang: str) -> None:
    assert snap_compare(_app(tmp_path, lang), terminal_size=SIZE, run_before=_result)
