"""Line breaking for Chinese text in the terminal.

Rich and Textual wrap a line at spaces only: a run of Chinese characters is one "word" to
them, so a sentence that does not fit the rest of a line jumps whole to the next one (leaving
"1." or "及格线 60 分（满分" alone above it), and one longer than the line is cut anywhere,
so lines began with "，" or "。". `divide_line` breaks as Chinese typesetting does: between
any two Chinese characters, never before closing punctuation (，。、）” …) and never after
opening punctuation (（“《 …), so such a mark stays with its neighbour and the character
before it moves to the next line with it. Text without wide characters is broken exactly as
Rich breaks it.

Neither library has a hook for this, so `install()` puts `divide_line` in the place of the one
function both call (`rich._wrap.divide_line`, imported by name into `rich.text` and
`textual.content`). The app installs it when its module is imported.
"""

from __future__ import annotations

import re
from itertools import pairwise

import rich.text
import textual.content
from rich._wrap import divide_line as rich_divide_line
from rich.cells import cell_len, chop_cells, get_character_cell_size

NO_LINE_START = frozenset(
    "，。、；：？！）］｝」』】〕〉》”’…—～·‧・々ー"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
    ",.;:?!)]}%％‰"
)
"""Marks that may not begin a line: closing punctuation, pauses, ellipsis and dash."""

NO_LINE_END = frozenset("（［｛「『【〔〈《“‘([{")
"""Marks that may not end a line: opening brackets and quotes."""

_WIDE = re.compile(
    r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
"""Characters that make a text take the Chinese path (the rest is broken by Rich itself)."""


def _is_wide(character: str) -> bool:
    return get_character_cell_size(character) == 2


def break_opportunities(text: str) -> list[int]:
    """Indices at which a line of `text` may break, the next line starting there: after
    spaces, as everywhere, and beside a wide (Chinese) character unless punctuation forbids
    it."""
    found: list[int] = []
    for index in range(1, len(text)):
        before, here = text[index - 1], text[index]
        if here.isspace():
            continue
        if before.isspace():
            if here not in NO_LINE_START:  # " · 跟进" stays on the line it follows
                found.append(index)
        elif (
            (_is_wide(before) or _is_wide(here))
            and here not in NO_LINE_START
            and before not in NO_LINE_END
        ):
            found.append(index)
    return found


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """Where to break `text` so each line fits `width` cells: Rich's contract (the indices
    at which new lines start), with Chinese line-breaking rules. A piece that cannot be
    broken and is longer than the width is folded (`fold`) or left to be cropped."""
    if not _WIDE.search(text):
        return rich_divide_line(text, width, fold=fold)
    starts = [0, *break_opportunities(text), len(text)]
    breaks: list[int] = []
    offset = 0  # cells used on the current line
    for start, end in pairwise(starts):
        piece = text[start:end]
        length = cell_len(piece.rstrip())
        if length <= width - offset:
            offset += cell_len(piece)
            continue
        if length > width:  # not even a line of its own holds it
            if offset:
                breaks.append(start)
            if not fold:
                offset = cell_len(piece)
                continue
            folded = chop_cells(piece, width)
            for line in folded[:-1]:
                start += len(line)
                breaks.append(start)
            offset = cell_len(folded[-1])
            continue
        if offset:
            breaks.append(start)
        offset = cell_len(piece)
    return breaks


def install() -> None:
    """Make Rich and Textual break lines with `divide_line` (idempotent)."""
    rich.text.divide_line = divide_line  # type: ignore[attr-defined]
    textual.content.divide_line = divide_line  # type: ignore[attr-defined]
