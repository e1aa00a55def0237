"""Horizontal bar charts in the terminal: a label, a bar of unicode blocks, a figure.

Labels are padded to the same width in terminal cells, not characters, so Chinese labels
(two cells a character) line up with English ones; the bar is drawn in eighths of a cell
(`▏` to `█`) on a light track (`░`), so 33% and 36% look different even in a short bar.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

EIGHTHS = " ▏▎▍▌▋▊▉"
DEFAULT_WIDTH = 30


def bar(share: float, width: int = DEFAULT_WIDTH) -> str:
    """`share` (0 to 1) of `width` cells as blocks, the rest as the track."""
    share = max(0.0, min(share, 1.0))
    eighths = round(share * width * 8)
    full, part = divmod(eighths, 8)
    drawn = "█" * full + (EIGHTHS[part] if part else "")
    return drawn + "░" * (width - cell_len(drawn))


def chart(items: list[tuple[str, float, str]], width: int = DEFAULT_WIDTH) -> Text:
    """One line per item: the label padded to the widest, its bar, and the text after it."""
    widest = max((cell_len(label) for label, _, _ in items), default=0)
    text = Text()
    for index, (label, share, after) in enumerate(items):
        if index:
            text.append("\n")
        text.append(label + " " * (widest - cell_len(label)) + "  ")
        text.append(bar(share, width), style="cyan")
        text.append(f"  {after}")
    return text


class BarChart(Static):
    """A `chart` shown as a widget; `show` replaces its bars."""

    def show(self, items: list[tuple[str, float, str]], width: int = DEFAULT_WIDTH) -> None:
        self.update(chart(items, width))
