"""Every screen at 80x24, the smallest terminal the app supports, in Chinese and English.

The demo organisation at a fixed moment (tests/functional/tour.py), so dates, codes and
countdowns are the same on every run. Update after an intended change with
`pytest tests/snapshots/test_every_screen.py --snapshot-update`, then look at the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.functional.tour import TOUR, Stop, frozen, tour_app, visit

SIZE = (80, 24)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("stop", TOUR, ids=[stop.name for stop in TOUR])
def test_screen_at_80_by_24(snap_compare: Any, tmp_path: Path, stop: Stop, lang: str) -> None:
    async def walk(pilot: Any) -> None:
        await visit(pilot.app, pilot, stop)

    with frozen(tmp_path):
        app = tour_app(tmp_path, lang, stop)
        assert snap_compare(app, terminal_size=SIZE, run_before=walk)
