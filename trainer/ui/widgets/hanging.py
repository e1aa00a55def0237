"""A label and a text that wraps under itself: an option's prompt with a hanging indent.

A long option ("A. ...", "1. ...") wrapped as one line of text went back under its label, and
a Chinese one, which Rich reads as one long word, left "1." alone on its line. `Hanging`
renders the label in a column of its own and the text beside it. Read as a string (as tests
and the command palette do), it is the label and the text on one line.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text


class Hanging:
    """`label` then `text`, the text's wrapped lines indented under its first."""

    def __init__(self, label: str, text: str, joiner: str = " ") -> None:
        self.label = label
        self.text = text
        self.joiner = joiner
        """What stands between the label and the text read as a string."""

    def __str__(self) -> str:
        return f"{self.label}{self.joiner}{self.text}"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(Text(self.label), Text(self.text))
        yield grid
