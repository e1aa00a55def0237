"""Benchmark: time from launch to the first interactive screen, headless.

Each run is a fresh Python process (imports included), measured from the first line of the
process until the first screen has composed and settled; trainer's first screen is sign-in
on a demo organisation. The baseline is a bare Textual app with a header and a footer,
measured the same way in the same run, interleaved. Goal: ratio at most 1.5. A second
baseline, a bare app showing the same widgets as the sign-in screen, separates what Textual's
widgets cost from what trainer itself adds (pydantic, storage, settings, catalogs).

Bytecode is cached, as for an installed copy (see launches.py).

Run: python bench/startup.py [--repeat N]
"""

from __future__ import annotations

import argparse

from launches import demo_organisation, interleaved_medians

CHILD = """
import time
started = time.perf_counter()
import sys
from pathlib import Path

if sys.argv[1] == "bare":
    from textual.app import App
    from textual.widgets import Footer, Header

    class Bare(App):
        def compose(self):
            yield Header()
            yield Footer()

    app = Bare()
elif sys.argv[1] == "widgets":
    from textual.app import App
    from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Static

    class SameWidgets(App):
        def compose(self):
            yield Header()
            yield Static("Sign in")
            yield Label("Who are you?")
            yield Input()
            yield OptionList(*[f"person {n}" for n in range(9)])
            yield Label("Password")
            yield Input(password=True)
            yield Static("")
            yield Button("Sign in")
            yield Footer()

    app = SameWidgets()
else:
    import trainer.cli  # what `trainer` imports before it builds the app
    from trainer.services.context import open_context
    from trainer.settings import Settings
    from trainer.ui.app import make_app

    app = make_app(open_context(Settings(data_dir=Path(sys.argv[2]))))

async def first_screen(pilot):
    await pilot.pause()
    print(f"{time.perf_counter() - started:.6f}", flush=True)
    pilot.app.exit()

app.run(headless=True, size=(100, 32), auto_pilot=first_screen)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    arguments = parser.parse_args()
    with demo_organisation() as data:
        medians = interleaved_medians(CHILD, ("bare", "widgets", "trainer"), data, arguments.repeat)
    bare, widgets, trainer = medians["bare"], medians["widgets"], medians["trainer"]
    print(f"bare Textual app (header + footer):     {bare * 1000:7.1f} ms")
    print(f"bare app with the sign-in widgets:      {widgets * 1000:7.1f} ms")
    print(f"trainer, sign-in screen:                {trainer * 1000:7.1f} ms")
    print(f"ratio to the bare app:                  {trainer / bare:7.2f}  (goal <= 1.5)")
    print(f"ratio to the same widgets, bare:        {trainer / widgets:7.2f}")


if __name__ == "__main__":
    main()
