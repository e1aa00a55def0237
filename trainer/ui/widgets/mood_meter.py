"""The customer's mood: a bar from furious to satisfied, its value, and a sparkline of how it
has moved over the call."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Sparkline, Static


class MoodMeter(Horizontal):
    """Shows `history[-1]` on a 0-100 bar and the whole history as a sparkline."""

    DEFAULT_CSS = """
    MoodMeter { height: 1; width: 1fr; }
    MoodMeter > #mood-label { width: auto; margin-right: 1; }
    MoodMeter > ProgressBar { width: 24; }
    MoodMeter > ProgressBar > Bar { width: 16; }
    MoodMeter > #mood-value { width: 5; }
    MoodMeter > Sparkline { width: 1fr; max-width: 30; margin-left: 1; }
    """

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = label

    def compose(self) -> ComposeResult:
        yield Static(self.label, id="mood-label")
        yield ProgressBar(total=100, show_eta=False, show_percentage=False)
        yield Static("", id="mood-value")
        yield Sparkline([], summary_function=max)

    def show(self, history: list[float]) -> None:
        """Display a new mood history (oldest first)."""
        current = history[-1] if history else 0
        self.query_one(ProgressBar).update(progress=current)
        self.query_one("#mood-value", Static).update(f" {current:g}")
        # a flat line when there is one point still reads as a level, not as nothing
        self.query_one(Sparkline).data = [*history] if len(history) > 1 else [current, current]
