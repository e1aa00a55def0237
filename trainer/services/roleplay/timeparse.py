"""Finding time commitments in a normalised reply, in Chinese and English.

A follow-up promise counts in full only with a definite time (docs/roleplay-scoring.md):
"今天17点前",
"24小时内", "两个工作日内", "明天上午", "within 2 hours", "by 5 pm today", "tomorrow
morning". Vague ones ("稍后", "尽快", "soon", "later") are found too, so the scorecard can
say why the promise earned half.

Each phrase becomes the latest moment it promises, in hours after the call. Clock times need
a moment for the call itself: `call_hour` (the scenario's `call_time`, 14:00 by default), so
"by 5 pm today" is 3 hours and "tomorrow morning" (by noon) 22 hours. Parts of the day end
at: early morning 6, morning 12, noon 13, afternoon 18, evening 22, the day itself 24; the
end of the working day is 18. A working day counts as 24 hours, which favours the agent
only when a weekend falls between; a trainer who needs more sets `follow_up.max_hours`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_CALL_HOUR = 14.0

_EN_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "forty five": 45,
    "sixty": 60,
    "ninety": 90,
    "twenty-four": 24,
    "twenty four": 24,
    "forty-eight": 48,
    "forty eight": 48,
    "couple of": 2,
    "few": 3,
}
_EN_NUMBER = r"(?:\d+(?:\.\d+)?|" + "|".join(sorted(_EN_NUMBERS, key=len, reverse=True)) + r")"

_UNIT_HOURS = {
    "小时": 1.0,
    "钟头": 1.0,
    "分钟": 1 / 60,
    "天": 24.0,
    "日": 24.0,
    "工作日": 24.0,
    "周": 168.0,
    "星期": 168.0,
    "礼拜": 168.0,
}
_DAY_OFFSET = {"今天": 0, "今日": 0, "当天": 0, "今晚": 0, "明天": 24, "明日": 24, "后天": 48}
_DAY_PART_END = {
    "凌晨": 6,
    "早上": 9,
    "早晨": 9,
    "上午": 12,
    "中午": 13,
    "下午": 18,
    "傍晚": 19,
    "晚上": 22,
    "今晚": 22,
    "下班前": 18,
    "下班之前": 18,
}
_AFTERNOON = ("下午", "傍晚", "晚上", "今晚")

_ZH_DURATION = re.compile(
    r"(?P<prefix>过)?(?P<n>\d+(?:\.\d+)?|半)\s*个?(?P<half>半)?\s*"
    r"(?P<unit>小时|钟头|工作日|分钟|天|日|周|星期|礼拜)"
    r"(?P<suffix>之内|以内|内|之后|以后|后)?"
)
_ZH_CLOCK = re.compile(
    r"(?P<day>今天|今日|当天|今晚|明天|明日|后天)?\s*"
    r"(?P<part>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上)?\s*"
    r"(?P<hour>\d{1,2})\s*(?:[点时:]\s*(?P<minute>\d{1,2}|半)?\s*分?)"
    r"(?P<suffix>之前|以前|前|左右)?"
)
_ZH_DAY = re.compile(
    r"(?P<day>今天|今日|当天|明天|明日|后天)\s*"
    r"(?P<part>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|下班之前|下班前|之内|以内|内)?"
    r"|(?P<tonight>今晚)"
)
_ZH_NOW = re.compile(r"马上|立即|立刻|即刻|现在就|第一时间")
_ZH_VAGUE = re.compile(
    r"稍后|稍等|晚点|晚些|过几天|过段时间|尽快|尽早|改天|回头|等会儿?|一会儿?|很快"
    r"|有(?:消息|结果|进展)(?:了)?(?:就|再)?"
)

_EN_DURATION = re.compile(
    rf"\b(?:within|in|inside|under|in the next|in less than|no more than)\s+(?:the next\s+)?"
    rf"(?P<n>{_EN_NUMBER}|half an?)\s*(?:(?:and a )?half\s+)?(?P<business>business\s+|working\s+)?"
    r"(?P<unit>hours?|hrs?|minutes?|mins?|days?|weeks?)\b"
    rf"|\b(?P<n2>{_EN_NUMBER})\s+(?P<unit2>hours?|minutes?|days?)\s+from now\b"
)
_EN_CLOCK = re.compile(
    r"\b(?:(?P<day0>today|tomorrow|tonight)\s+)?(?:by|before|at|until|no later than)\s+"
    r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.|o'?clock|noon)?"
    r"(?:\s+(?P<day>today|tonight|the day after tomorrow"
    r"|tomorrow(?:\s+(?:morning|afternoon|evening))?))?"
    r"|\b(?P<hour24>\d{1,2}):(?P<minute24>\d{2})\b"
)
_EN_DAY = re.compile(
    r"\b(?:by\s+|before\s+)?(?:the\s+)?(?:end of (?:the )?(?:day|today|business)|close of business"
    r"|eod|cob)\b(?P<eod_tomorrow>\s+tomorrow)?"
    r"|\b(?P<day_after>the day after tomorrow)\b"
    r"|\b(?P<day>today|tomorrow|tonight)(?:\s+(?P<part>morning|afternoon|evening|night|lunchtime|noon|midday))?\b"
    r"|\bthis\s+(?P<this_part>morning|afternoon|evening|lunchtime)\b"
)
_EN_NOON = re.compile(
    r"\b(?:by|before|at|until|no later than)\s+(?:noon|midday|lunchtime)"
    r"(?:\s+(?P<day>today|tomorrow))?\b"
)
_EN_NOW = re.compile(
    r"\b(?:right away|immediately|straight away|right now|at once"
    r"|(?:within|in|inside) the (?:next )?hour)\b"
)
_EN_VAGUE = re.compile(
    r"\b(?:later(?: on| today)?|soon|as soon as (?:possible|i can|we can|it'?s ready)|asap"
    r"|shortly|in a (?:while|bit)|some ?time|at some point|in due course|when i (?:hear|know|get)"
    r"|once i (?:hear|know|get))\b"
)
_EN_PARTS = {"morning": 12, "afternoon": 18, "evening": 22, "night": 22}
_EN_PARTS |= {"lunchtime": 13, "noon": 12, "midday": 12}
_IMMEDIATE_HOURS = 1.0


@dataclass(frozen=True)
class TimePhrase:
    """A time phrase at `start:end` of the normalised text; `hours` None means vague."""

    start: int
    end: int
    hours: float | None

    @property
    def vague(self) -> bool:
        return self.hours is None


def _en_number(word: str) -> float:
    word = word.strip()
    if word.startswith("half"):
        return 0.5
    return float(_EN_NUMBERS.get(word, 0) or word)


def _clock_hours(hour: float, day_offset: float, call_hour: float) -> float:
    return max(day_offset + hour - call_hour, 0.0)


def _zh_phrases(text: str, call_hour: float) -> list[TimePhrase]:
    found: list[TimePhrase] = []
    for match in _ZH_CLOCK.finditer(text):
        day, part, suffix = match.group("day"), match.group("part"), match.group("suffix")
        if not (day or part or suffix):
            continue  # a bare "3点" may be anything; a promise names the day or says 前
        hour = float(match.group("hour"))
        minute = match.group("minute")
        hour += 0.5 if minute == "半" else (float(minute) / 60 if minute else 0)
        afternoon = (part in _AFTERNOON) or day == "今晚" or (not part and hour <= 7)
        if afternoon and hour < 12:
            hour += 12
        found.append(
            TimePhrase(
                match.start(),
                match.end(),
                _clock_hours(hour, _DAY_OFFSET.get(day or "今天", 0), call_hour),
            )
        )
    for match in _ZH_DURATION.finditer(text):
        if not (match.group("suffix") or match.group("prefix")):
            continue  # "等了10天" is the past; a promise says 内 or 后
        count = 0.5 if match.group("n") == "半" else float(match.group("n"))
        if match.group("half"):
            count += 0.5
        found.append(
            TimePhrase(match.start(), match.end(), count * _UNIT_HOURS[match.group("unit")])
        )
    for match in _ZH_DAY.finditer(text):
        if match.group("tonight"):
            end_hour, offset = 22.0, 0
        else:
            part = match.group("part") or ""
            offset = _DAY_OFFSET[match.group("day")]
            end_hour = float(_DAY_PART_END.get(part, 24))
        found.append(
            TimePhrase(match.start(), match.end(), _clock_hours(end_hour, offset, call_hour))
        )
    found += [TimePhrase(m.start(), m.end(), _IMMEDIATE_HOURS) for m in _ZH_NOW.finditer(text)]
    found += [TimePhrase(m.start(), m.end(), None) for m in _ZH_VAGUE.finditer(text)]
    return found


def _en_clock(match: re.Match[str], call_hour: float) -> float:
    if match.group("hour24") is not None:
        hour = float(match.group("hour24")) + float(match.group("minute24")) / 60
        return _clock_hours(hour, 0, call_hour)
    hour = float(match.group("hour")) + float(match.group("minute") or 0) / 60
    ampm = (match.group("ampm") or "").replace(".", "")
    day = match.group("day") or match.group("day0") or "today"
    if (ampm == "pm" or day == "tonight" or (not ampm and hour <= 7)) and hour < 12:
        hour += 12
    offset = 48 if day == "the day after tomorrow" else 24 if day.startswith("tomorrow") else 0
    return _clock_hours(hour, offset, call_hour)


def _en_phrases(text: str, call_hour: float) -> list[TimePhrase]:
    found: list[TimePhrase] = []
    for match in _EN_CLOCK.finditer(text):
        found.append(TimePhrase(match.start(), match.end(), _en_clock(match, call_hour)))
    for match in _EN_DURATION.finditer(text):
        count = _en_number(match.group("n") or match.group("n2"))
        if "half" in match.group() and not (match.group("n") or "").startswith("half"):
            count += 0.5  # "an hour and a half"
        unit = (match.group("unit") or match.group("unit2")).rstrip("s")
        hours = {"hour": 1.0, "hr": 1.0, "minute": 1 / 60, "min": 1 / 60, "day": 24.0}.get(
            unit, 168.0
        )
        found.append(TimePhrase(match.start(), match.end(), count * hours))
    for match in _EN_DAY.finditer(text):
        if match.group("day_after"):
            hours = _clock_hours(24, 48, call_hour)
        elif match.group("this_part"):
            hours = _clock_hours(_EN_PARTS[match.group("this_part")], 0, call_hour)
        elif match.group("day"):
            day, part = match.group("day"), match.group("part")
            end = float(_EN_PARTS[part]) if part else (22.0 if day == "tonight" else 24.0)
            hours = _clock_hours(end, 24 if day == "tomorrow" else 0, call_hour)
        else:  # the end of the working day
            hours = _clock_hours(18, 24 if match.group("eod_tomorrow") else 0, call_hour)
        found.append(TimePhrase(match.start(), match.end(), hours))
    for match in _EN_NOON.finditer(text):
        offset = 24 if match.group("day") == "tomorrow" else 0
        found.append(TimePhrase(match.start(), match.end(), _clock_hours(12, offset, call_hour)))
    found += [TimePhrase(m.start(), m.end(), _IMMEDIATE_HOURS) for m in _EN_NOW.finditer(text)]
    found += [TimePhrase(m.start(), m.end(), None) for m in _EN_VAGUE.finditer(text)]
    return found


def find_time_phrases(text: str, call_hour: float = DEFAULT_CALL_HOUR) -> list[TimePhrase]:
    """Every time phrase in normalised `text`, longest first where they overlap, in order."""
    candidates = _zh_phrases(text, call_hour) + _en_phrases(text, call_hour)
    candidates.sort(key=lambda phrase: (-(phrase.end - phrase.start), phrase.start))
    chosen: list[TimePhrase] = []
    for phrase in candidates:
        if all(phrase.end <= other.start or phrase.start >= other.end for other in chosen):
            chosen.append(phrase)
    return sorted(chosen, key=lambda phrase: phrase.start)
