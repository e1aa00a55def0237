"""Numbers as people write them: a score or figure as a person reads it (`85`, `12.5`, a
dash), and a Chinese numeral read as digits (exam marking and role-play scoring alike)."""

from __future__ import annotations


def figure(value: float | None, missing: str = "-") -> str:
    """`value` without trailing zeros (85.0 -> 85), or `missing` when there is none."""
    return missing if value is None else f"{value:g}"


_CHINESE_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
_CHINESE_MYRIADS = {"万": 10_000, "亿": 100_000_000}


def chinese_numeral_value(numeral: str) -> str:
    """A Chinese numeral in digits: 十 is 10, 二十四 is 24, 二〇二四 is 2024, 三点五 is 3.5."""
    whole, _, fraction = numeral.partition("点")
    decimals = "".join(str(_CHINESE_DIGITS[char]) for char in fraction)
    if all(char in _CHINESE_DIGITS for char in whole):  # read digit by digit: 二〇二四
        digits = "".join(str(_CHINESE_DIGITS[char]) for char in whole)
    else:
        total = section = number = 0
        for char in whole:
            if char in _CHINESE_DIGITS:
                number = _CHINESE_DIGITS[char]
            elif char in _CHINESE_UNITS:
                section += (number or 1) * _CHINESE_UNITS[char]
                number = 0
            else:
                total += (section + number) * _CHINESE_MYRIADS[char]
                section = number = 0
        digits = str(total + section + number)
    return f"{digits}.{decimals}" if decimals else digits
