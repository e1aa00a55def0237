"""Tables of figures as plain text, drawn by rich so Chinese (double-width) characters keep
the columns lined up: the quality review shows a team's data with them."""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text


def figures_table(
    title: str, columns: Sequence[str], rows: Sequence[Sequence[str]], width: int = 96
) -> Text:
    """The table as text, one line a row, every column as wide as its widest cell (counted
    in terminal cells, so 响应 takes four like "abcd")."""
    table = Table(title=title, box=box.SQUARE, title_justify="left", expand=False)
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index == 0 else "right", overflow="fold")
    for row in rows:
        table.add_row(*row)
    console = Console(
        file=io.StringIO(), width=width, color_system=None, legacy_windows=False, emoji=False
    )
    with console.capture() as capture:
        console.print(table)
    return Text(capture.get().rstrip("\n"))
