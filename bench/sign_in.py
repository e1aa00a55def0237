"""Benchmark: from pressing Enter on the password to the home screen, headless.

The sign-in screen loads the content in a thread while the person finds their name and types
(two seconds here), so the home screen need not wait for it. The baseline is the same app
with that warm-up switched off, measured the same way in the same run, interleaved: the
content then loads after the password. Each run is a fresh process on a demo organisation.

Run: python bench/sign_in.py [--repeat N]
"""

from __future__ import annotations

import argparse

from launches import demo_organisation, interleaved_medians

CHILD = """
import asyncio, sys, time
from pathlib import Path
from trainer.services.context import TrainerContext, open_context
from trainer.settings import Settings
from trainer.ui.app import make_app
from trainer.ui.screens.home import HomeScreen

if sys.argv[1] == "cold":
    TrainerContext.warm_up = lambda self: None
app = make_app(open_context(Settings(data_dir=Path(sys.argv[2]), language="en")))

async def sign_in(pilot):
    await pilot.pause()
    await asyncio.sleep(2.0)  # finding one's name and typing the password
    await pilot.press(*"zhao", "enter", *"training")
    started = time.perf_counter()
    await pilot.press("enter")
    while not isinstance(app.screen, HomeScreen):
        await asyncio.sleep(0.002)
    await pilot.pause()
    print(f"{time.perf_counter() - started:.6f}", flush=True)
    app.exit()

app.run(headless=True, size=(100, 32), auto_pilot=sign_in)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    with demo_organisation() as data:
        medians = interleaved_medians(CHILD, ("cold", "warm"), data, arguments.repeat)
    cold, warm = medians["cold"], medians["warm"]
    print(f"content loaded after the password (baseline): {cold * 1000:7.1f} ms")
    print(f"content loaded while the person types:        {warm * 1000:7.1f} ms")
    print(f"ratio to the baseline:                        {warm / cold:7.2f}  (lower is better)")


if __name__ == "__main__":
    main()
