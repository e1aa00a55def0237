"""Chinese line breaking: between characters, never before closing or after opening punctuation."""

from __future__ import annotations

import pytest
from rich._wrap import divide_line as rich_divide_line
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from trainer.ui.linebreak import NO_LINE_END, NO_LINE_START, divide_line, install

BRIEF = (
    "陈先生的订单B61027（459元）显示“已签收”，可他没有收到：包裹寄到了他上个月已经改掉的"
    "旧地址。他的资料就在你屏幕右侧的客户档案里，包括手机号、旧地址和身份证号——这些一个字"
    "都不能读出来，只能请他自己说、你来核对（手机号只核对后四位）。"
)


def lines(text: str, width: int) -> list[str]:
    breaks = divide_line(text, width)
    return [text[a:b].rstrip() for a, b in zip([0, *breaks], [*breaks, len(text)], strict=True)]


@pytest.mark.parametrize("width", range(6, 41))
def test_no_line_starts_with_closing_punctuation_nor_ends_with_opening(width: int) -> None:
    wrapped = lines(BRIEF, width)
    assert "".join(wrapped) == BRIEF  # nothing lost, nothing added
    for line in wrapped:
        assert cell_len(line) <= width, line
    for line in wrapped[1:]:
        assert line[0] not in NO_LINE_START, (width, line)
    for line in wrapped[:-1]:
        assert line[-1] not in NO_LINE_END, (width, line)


def test_a_full_stop_that_would_begin_a_line_takes_the_character_before_it_along() -> None:
    # 8 cells hold 好的谢谢; the 。 may not start the next line, so 谢 goes with it
    assert lines("好的谢谢。再见", 8) == ["好的谢", "谢。再见"]


def test_chinese_fills_the_line_instead_of_jumping_whole_to_the_next() -> None:
    # Rich moves the whole run of characters after "1." to the next line
    text = "1. 客户说：我上周买的耳机坏了。"
    assert rich_divide_line(text, 30) == [3]
    assert lines(text, 30) == ["1. 客户说：我上周买的耳机坏", "了。"]


def test_a_separator_stays_on_the_line_it_follows() -> None:
    assert lines("道歉 25 · 倾听 25 · 解决 25", 15) == ["道歉 25 · 倾听", "25 · 解决 25"]


def test_english_breaks_as_rich_breaks_it() -> None:
    text = "Mr. Chen's order shows as delivered, but he never got it (the old address)."
    for width in range(5, 40):
        assert divide_line(text, width) == rich_divide_line(text, width)


def test_once_installed_rich_and_textual_wrap_with_it() -> None:
    install()
    console = Console(width=8, record=True, color_system=None)
    console.print(Text("好的谢谢。再见"))
    assert console.export_text().splitlines() == ["好的谢", "谢。再见"]
