"""Aiken: one-line question stems, lettered options (`A)` or `A.`), then `ANSWER: B`.

Every question becomes a single-choice question in one category. As in Moodle, an option's
letter may be followed by its text with or without a space (`A)Incorrect`), and the answer
line is `ANSWER:` and the letter, whatever follows it; a full-width colon or bracket, as a
Chinese keyboard types them, is read too. The format's error cases
are skipped with a reason and the line: a stem with no options, one option only, options
out of order, a missing `ANSWER:` line, an answer letter that names no option, and stray
text after the answer.
"""

from __future__ import annotations

import re
from typing import Any

from trainer.content.formats.common import DEFAULT_CATEGORY, ImportResult, Skipped

# `A)Incorrect` is an option; `A.B. Smith wrote...` (another letter and a point) is text
_OPTION = re.compile(r"^([A-Z])[.)．）](?:\s+|(?![A-Z][.)]))(.*\S)\s*$")
_ANSWER = re.compile(r"^ANSWER\s*[:：]\s*(.*)$", re.IGNORECASE)


def read_aiken(text: str, category: str = DEFAULT_CATEGORY) -> ImportResult:
    result = ImportResult()
    stem: str | None = None
    stem_line = 0
    options: list[str] = []
    broken: str | None = None
    counter = 0

    def reset() -> None:
        nonlocal stem, options, broken
        stem, options, broken = None, [], None

    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        answer = _ANSWER.match(line)
        option = _OPTION.match(line)
        if stem is None:
            if answer or option:
                result.skipped.append(Skipped(number, "aiken_no_stem"))
                continue
            stem, stem_line = line, number
            continue
        if answer:
            counter += 1
            # Moodle reads the first character after the colon: `ANSWER: B (see p. 4)` is B
            letter = answer.group(1).strip()[:1].upper()
            if broken is not None:
                result.skipped.append(Skipped(stem_line, broken))
            elif len(options) < 2:
                result.skipped.append(Skipped(stem_line, "aiken_few_options"))
            elif not "A" <= letter <= "Z" or ord(letter) - ord("A") >= len(options):
                result.skipped.append(
                    Skipped(number, "aiken_bad_answer", {"letter": letter or "-"})
                )
            else:
                right = ord(letter) - ord("A")
                question: dict[str, Any] = {
                    "id": f"aiken-{counter:03d}",
                    "type": "single",
                    "category": category,
                    "stem": stem,
                    "options": [
                        {"text": text, **({"correct": True} if index == right else {})}
                        for index, text in enumerate(options)
                    ],
                }
                result.add(question, stem_line)
            reset()
            continue
        if option:
            expected = chr(ord("A") + len(options))
            if option.group(1) != expected and broken is None:
                broken = "aiken_option_order"
            options.append(option.group(2))
            continue
        if options:  # text after the options but before ANSWER: a second stem
            if broken is None:
                broken = "aiken_no_answer"
            continue
        stem = f"{stem} {line}"  # a stem wrapped by an editor: keep reading it
    if stem is not None:
        result.skipped.append(Skipped(stem_line, "aiken_no_answer"))
    if result.questions:
        result.categories[category] = category
    return result
