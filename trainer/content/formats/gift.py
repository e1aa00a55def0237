"""Moodle GIFT: reading a file into a bank, and writing a bank back as GIFT.

The reader follows Moodle's own importer (question/format/gift/format.php), so a file means
here what it means in Moodle:

- Questions are separated by blank lines; `//` lines are comments, from which `[id:...]`,
  `[tag:...]` and (from our own export) `[category-name:...]` and `[trainer:{...}]` are read.
  `$CATEGORY:` starts a category. `::title::` names a question; a title that repeats gives
  ids made unique (`title-2`), with a note in the report.
- The answers are between the first `{` and the first `}`; text after `}` makes a missing
  word (`_____`). The escapes `\\: \\# \\= \\{ \\} \\~ \\n \\\\` are plain characters.
- The kind of question comes from the answer block, in Moodle's order: empty is an essay,
  `#` numerical, any `~` a choice, `=` with `->` matching, `T`/`TRUE`/`F`/`FALSE` true/false,
  anything else a short answer (`{One}` needs no `=`).
- A choice with an `=` answer is single-answer: each `=` answer is fully right (the first is
  the option marked `correct`, the others weigh 100), `~%50%` earns half. Without `=` it is
  multiple choice by weights. `->` inside a choice's answers is plain text.
- A matching answer with nothing on the left (`= -> 3`) is a distractor; a numerical
  question's `~#...` is the feedback for any other number; `*` in a short answer matches any
  run of characters (Moodle's wildcard; `\\*` is a star).
- `[html]`, `[moodle]`, `[markdown]`, `[plain]` before a text set its format (the question's
  is the default of its answers) and are removed; HTML (in `[html]`, and in the default
  Moodle format when the text has tags or entities) becomes text by an HTML parser, and an
  image, which a bank cannot show, is kept as `[image: name]` and reported by its line.

Essays and descriptions are skipped with a reason, as is anything the bank cannot hold.
GIFT is one language: texts become plain strings (the same in Chinese and English);
`write_gift` writes one language of a bilingual bank, with what GIFT has no syntax for
(difficulty, points, shuffle, case sensitivity, regular-expression patterns, the questions
never drawn beside it) in a
`// [trainer:{...}]` comment, so reading what it wrote gives the same bank back.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from trainer.content.formats.common import (
    DEFAULT_CATEGORY,
    ImportResult,
    Skipped,
    html_to_text,
    looks_like_html,
    slug,
)
from trainer.content.models import LocalizedText, QuestionBank

ESCAPABLE = "~=#{}:\\"
_PLACEHOLDERS = {char: chr(0xE000 + index) for index, char in enumerate(ESCAPABLE)}
_RESTORE = str.maketrans({v: k for k, v in _PLACEHOLDERS.items()})
_ESCAPE = re.compile(r"\\(.)")
_COMMENT_TAG = re.compile(r"\[(id|tag|category-name):([^\]]*)\]")
_META = re.compile(r"^//\s*\[trainer:(\{.*\})\]\s*$")
_FORMATS = ("moodle", "html", "plain", "markdown")
_WEIGHT = re.compile(r"^%(-*[0-9]{1,2}\.?[0-9]*)%")  # Moodle's own: %50%, %-100%, %33.33333%
_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SOURCE = re.compile(r"""\bsrc\s*=\s*["']?([^"'\s>]*)""", re.IGNORECASE)
_TRUE_FALSE = ("T", "TRUE", "F", "FALSE")
_ID = re.compile(r"[a-z0-9_-]{1,64}")


def _hide_escapes(text: str) -> str:
    """Escaped characters become private-use placeholders, so splitting ignores them."""

    def hidden(match: re.Match[str]) -> str:
        char = match.group(1)
        return "\n" if char == "n" else _PLACEHOLDERS.get(char, match.group(0))

    return _ESCAPE.sub(hidden, text)


def _restore(text: str) -> str:
    return text.translate(_RESTORE)


def _format_of(text: str, default: str) -> tuple[str, str]:
    """A text's `[format]` prefix (Moodle's names only) and the text without it."""
    text = text.strip()
    if text.startswith("["):
        end = text.find("]")
        if end > 0 and text[1:end] in _FORMATS:
            return text[1:end], text[end + 1 :]
    return default, text


def _text(raw: str, default: str) -> str:
    """A text of the file as the bank holds it: its format prefix removed, escapes made
    plain, HTML made text."""
    kind, text = _format_of(raw, default)
    text = _restore(text).strip()
    if kind == "html":
        return html_to_text(text)
    if kind == "moodle" and looks_like_html(text):
        # Moodle's own format is HTML in which a line break stays a line break
        return html_to_text(text.replace("\n", "<br>"))
    return re.sub(r"[ \t]+\n", "\n", text)


def _weight(piece: str) -> tuple[float | None, str]:
    found = _WEIGHT.match(piece)
    if found is None:
        return None, piece
    try:
        weight = float(found.group(1))
    except ValueError:
        weight = 0.0
    return weight, piece[found.end() :]


def _with_feedback(piece: str, default: str) -> tuple[str, str | None]:
    """An answer's text (format and escapes undone) and its `#feedback` as text."""
    text, hash_mark, feedback = piece.partition("#")
    said = _text(feedback, default) if hash_mark else ""
    return text, said or None


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Questions separated by blank lines, each with the line number it starts on."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


class _Reading:
    """What one block of the file says about its question besides the question itself."""

    def __init__(self, line: int, category: str) -> None:
        self.line = line
        self.category = category
        self.tags: dict[str, list[str]] = {"id": [], "tag": [], "category-name": []}
        self.meta: dict[str, Any] = {}
        self.notes: list[Skipped] = []


def read_gift(text: str) -> ImportResult:
    result = ImportResult()
    category = DEFAULT_CATEGORY
    counter = 0
    for start, lines in _blocks(text.lstrip("\ufeff")):
        reading = _Reading(start, category)
        body_lines = []
        for line in lines:
            stripped = line.strip()
            if not stripped.startswith("//"):
                body_lines.append(line)
                continue
            body_lines.append("")  # a comment keeps its line, so images keep theirs
            for kind, value in _COMMENT_TAG.findall(stripped):
                reading.tags[kind].append(value.strip())
            meta = _META.match(stripped)
            if meta:
                try:
                    found = json.loads(meta.group(1))
                except ValueError:
                    found = None
                if isinstance(found, dict):
                    reading.meta = found
        while body_lines and not body_lines[0].strip():
            body_lines.pop(0)
            start += 1
        while body_lines and body_lines[0].strip().startswith("$CATEGORY:"):
            path = body_lines.pop(0).strip()[len("$CATEGORY:") :].strip()
            name = path.rstrip("/").split("/")[-1].strip() or DEFAULT_CATEGORY
            category = (
                name
                if _ID.fullmatch(name)
                else slug(name, f"category-{len(result.categories) + 1}")
            )
            names = reading.tags["category-name"]
            result.categories[category] = names[-1] if names else name
            start += 1
            while body_lines and not body_lines[0].strip():
                body_lines.pop(0)
                start += 1
        if not body_lines:
            continue
        counter += 1
        reading.line, reading.category = start, category
        body = "\n".join(body_lines)
        question = _read_question(body, reading, counter, result)
        if question is None:
            continue
        before = len(result.questions)
        result.add(question, start)
        if len(result.questions) > before:
            result.notes.extend(reading.notes)
            shown = _IMAGE.search(body) is not None and "[image: " in json.dumps(question)
            images = _IMAGE.finditer(body) if shown else iter(())
            for found in images:  # an <img> in a [plain] text is text, not an image
                at = start + body.count("\n", 0, found.start())
                source = _SOURCE.search(found.group())
                name = source.group(1).rsplit("/", 1)[-1] if source else ""
                result.notes.append(Skipped(at, "image", {"name": name or "?"}))
    return result


def _read_question(
    body: str, reading: _Reading, counter: int, result: ImportResult
) -> dict[str, Any] | None:
    line = reading.line
    text = _hide_escapes(body).strip()
    title = None
    if text.startswith("::"):
        end = text.find("::", 2)
        if end >= 0:
            title = _restore(text[2:end]).strip() or None
            text = text[end + 2 :].strip()
        else:
            text = text[2:]
    opening, closing = text.find("{"), text.find("}")
    if opening < 0 and closing < 0:
        result.skipped.append(Skipped(line, "description"))
        return None
    if opening < 0 or closing < opening:
        result.skipped.append(Skipped(line, "unbalanced"))
        return None
    answer = text[opening + 1 : closing].strip()
    blank = "" if text.endswith("}") else "_____"
    stem_source = text[:opening] + blank + text[closing + 1 :]
    general = ""
    separator = answer.rfind("####")
    if separator >= 0:
        answer, general = answer[:separator].strip(), answer[separator + 4 :]
    fmt, _ = _format_of(stem_source, "moodle")
    wanted = _wanted_id(reading, title, counter)
    question: dict[str, Any] = {
        "id": wanted,
        "category": reading.category,
        "stem": _text(stem_source, "moodle"),
    }
    if title:
        question["title"] = title
    if reading.tags["tag"]:
        question["tags"] = reading.tags["tag"]
    explanation = _text(general, fmt) if general.strip() else ""
    if explanation:
        question["explanation"] = explanation
    reason = _answers(answer, fmt, question, reading)
    if reason is not None:
        result.skipped.append(Skipped(line, reason))
        return None
    _apply_meta(question, reading.meta)
    question["id"] = result.unique_id(wanted, line, reading.notes)
    return question


def _wanted_id(reading: _Reading, title: str | None, counter: int) -> str:
    """The id the file asks for (`[id:...]`, made a valid id and reported if it had to
    change), else one from the title, else `q-NNN`."""
    if reading.tags["id"]:
        given = reading.tags["id"][-1]
        made = given if _ID.fullmatch(given) else slug(given, f"q-{counter:03d}")
        if made != given:
            reading.notes.append(Skipped(reading.line, "id_changed", {"id": given, "new": made}))
        return made
    return slug(title or "", f"q-{counter:03d}")


def _answers(answer: str, fmt: str, question: dict[str, Any], reading: _Reading) -> str | None:
    """Fill `question` from the answer block; a skip reason when it cannot be held."""
    if not answer:
        return "essay"
    if answer.startswith("#"):
        return _numerical(answer[1:], fmt, question)
    if "~" in answer:
        return _choice(answer, fmt, question, reading)
    if "=" in answer and "->" in answer:
        return _matching(answer, fmt, question)
    check = answer[: answer.find("#")].strip() if answer.find("#") > 0 else answer
    if check in _TRUE_FALSE:
        return _true_false(answer, fmt, question)
    return _short_answer(answer, fmt, question)


def _pieces(answer: str, separator: str) -> list[str]:
    pieces = answer.split(separator)
    if not pieces[0].strip():
        pieces.pop(0)
    return [piece.strip() for piece in pieces]


def _choice(answer: str, fmt: str, question: dict[str, Any], reading: _Reading) -> str | None:
    single = "=" in answer
    pieces = _pieces(answer.replace("=", "~="), "~")
    if len(pieces) < 2:
        return "choice_few"
    options: list[dict[str, Any]] = []
    for piece in pieces:
        right = piece.startswith("=")
        weight, piece = (100.0, piece[1:]) if right else _weight(piece)
        text, feedback = _with_feedback(piece, fmt)
        option: dict[str, Any] = {"text": _text(text, fmt)}
        if not option["text"]:  # Moodle leaves an answer without text out
            reading.notes.append(Skipped(reading.line, "empty_answer"))
            continue
        if single and right and not any(o.get("correct") for o in options):
            option["correct"] = True
        elif weight:
            option["weight"] = weight
            if not single and weight > 0:
                option["correct"] = True
        if feedback:
            option["feedback"] = feedback
        options.append(option)
    question.update({"type": "single" if single else "multiple", "options": options})
    return None


def _matching(answer: str, fmt: str, question: dict[str, Any]) -> str | None:
    pairs, distractors = [], []
    pieces = _pieces(answer, "=")
    if len(pieces) < 2:
        return "matching_needs_pairs"
    for piece in pieces:
        if "->" not in piece:
            return "matching_needs_pairs"
        left, right = piece.split("->", 1)
        left_text, right_text = _text(left, fmt), _restore(right).strip()
        if left_text:
            pairs.append({"left": left_text, "right": right_text})
        elif right_text:
            distractors.append(right_text)
    question.update({"type": "matching", "pairs": pairs})
    if distractors:
        question["distractors"] = distractors
    return None


def _true_false(answer: str, fmt: str, question: dict[str, Any]) -> str | None:
    parts = answer.split("#", 2)
    value = parts[0].strip() in ("T", "TRUE")
    question.update({"type": "true_false", "answer": value})
    wrong = _text(parts[1], fmt) if len(parts) > 1 else ""
    right = _text(parts[2], fmt) if len(parts) > 2 else ""
    # GIFT's first feedback is for a wrong answer, the second for a right one
    for feedback, answered in ((wrong, not value), (right, value)):
        if feedback:
            question["feedback_true" if answered else "feedback_false"] = feedback
    return None


def _short_answer(answer: str, fmt: str, question: dict[str, Any]) -> str | None:
    answers = []
    for piece in _pieces(answer, "="):
        weight, piece = _weight(piece)
        text, feedback = _with_feedback(piece, fmt)
        _, text = _format_of(text, fmt)
        item: dict[str, Any] = {"text": _restore(text).strip()}
        item["weight"] = 100.0 if weight is None else weight
        if feedback:
            item["feedback"] = feedback
        if re.search(r"(?<!\\)\*", item["text"]):
            item["patterns"] = [wildcard_pattern(item["text"])]
        answers.append(item)
    if not answers:
        return "unknown_syntax"
    question.update({"type": "short_answer", "answers": answers})
    return None


def wildcard_pattern(text: str) -> str:
    """The pattern (matched whole, against an answer read as `trainer.services.marking`
    reads it) that means what Moodle's short-answer `*` means: any run of characters, `\\*`
    a star."""
    from trainer.services.marking import normalise_text

    bits = re.split(r"(?<!\\)\*+", text)
    return ".*".join(re.escape(normalise_text(bit.replace("\\*", "*"), True)) for bit in bits)


def _numerical(body: str, fmt: str, question: dict[str, Any]) -> str | None:
    body, tilde, wrong = body.partition("~")
    answers = []
    for piece in _pieces(body, "="):
        weight, piece = _weight(piece)
        text, feedback = _with_feedback(piece, fmt)
        text = _restore(_format_of(text, fmt)[1]).strip()
        try:
            if text.find("..") > 0:
                low, high = (float(part) for part in text.split("..", 1))
                value, tolerance = (low + high) / 2, high - (low + high) / 2
            elif text.find(":") > 0:
                value, tolerance = (float(part) for part in text.split(":", 1))
            else:
                value, tolerance = float(text), 0.0
        except ValueError:
            return "numeric_bad"
        if not all(map(_finite, (value, tolerance))) or tolerance < 0:
            return "numeric_bad"
        answer: dict[str, Any] = {"value": value, "tolerance": tolerance}
        answer["weight"] = 100.0 if weight is None else weight
        if feedback:
            answer["feedback"] = feedback
        answers.append(answer)
    if not answers:
        return "numeric_bad"
    question.update({"type": "numerical", "answers": answers})
    if tilde:
        feedback = _with_feedback(wrong, fmt)[1]
        if feedback:
            question["feedback_wrong"] = feedback
    return None


def _finite(number: float) -> bool:
    return number == number and abs(number) != float("inf")


def _apply_meta(question: dict[str, Any], meta: dict[str, Any]) -> None:
    """What our own export wrote in `[trainer:{...}]` that GIFT has no syntax for."""
    for key in ("difficulty", "points", "shuffle", "case_sensitive", "excludes"):
        if key in meta:
            question[key] = meta[key]
    if meta.get("by_count") and question.get("type") == "multiple":
        for option in question["options"]:
            option.pop("weight", None)
    answers = question.get("answers")
    if question.get("type") != "short_answer" or not isinstance(answers, list):
        return
    folded = meta.get("accept")
    if isinstance(folded, list) and sum(n for n in folded if isinstance(n, int)) + len(
        folded
    ) == len(answers):
        kept = []
        for count in folded:
            item = answers.pop(0)
            accepted = [answers.pop(0)["text"] for _ in range(count)]
            if accepted:
                item["accept"] = accepted
            kept.append(item)
        answers = kept
        question["answers"] = kept
    patterns = meta.get("patterns")
    if isinstance(patterns, list) and len(patterns) == len(answers):
        for item, own in zip(answers, patterns, strict=True):
            if isinstance(own, list):
                item.pop("patterns", None)
                if own:
                    item["patterns"] = own


# ---------------------------------------------------------------- writing


def escape(text: str) -> str:
    """Text with GIFT's special characters escaped and line breaks as `\\n`; `[plain]` before
    it when Moodle would otherwise read it as HTML or as a format prefix."""
    escaped = _escaped(text)
    if looks_like_html(text) or re.match(r"\s*(?:\[[a-z]+\]|//)", text):
        return f"[plain]{escaped}"  # not HTML, not a format prefix, not a comment line
    return escaped


def _number(value: float) -> str:
    """A number as GIFT takes it: never an exponent, every digit the float holds
    (33.33333 stays 33.33333, 1234567 is not 1.23457e+06)."""
    if float(value).is_integer():
        return str(int(value))
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text


def _weight_mark(weight: float) -> str:
    return f"%{_number(weight)}%"


def _weighted(mark: str, weight: str, text: str) -> str:
    """`mark`, `weight` and `text`, with a weight of its own written out (`%100%`, `%0%`)
    when the text starts like a weight and would otherwise be read as one."""
    if not weight and _WEIGHT.match(text):
        weight = "%100%" if mark == "=" else "%0%"
    return f"{mark}{weight}{text}"


def write_gift(bank: QuestionBank, lang: str) -> str:
    """The bank as GIFT in `lang` (the other language where a text lacks it)."""
    out: list[str] = [f"// {bank.id}: {bank.title.get(lang)}", ""]
    for category, name in bank.categories.items():
        out += [f"// [category-name:{name.get(lang)}]", f"$CATEGORY: {category}", ""]
        for question in bank.in_category(category):
            out += [f"// [id:{question.id}]"]
            out += [f"// [tag:{tag}]" for tag in question.tags]
            meta = _meta(question)
            if meta:
                out.append(f"// [trainer:{json.dumps(meta, ensure_ascii=False)}]")
            title = f"::{_escaped(question.title)}::" if question.title else ""
            out.append(
                f"{title}{escape(question.stem.get(lang))} {{{_answer_block(question, lang)}}}"
            )
            out.append("")
    return "\n".join(out)


def _meta(question: Any) -> dict[str, Any]:
    """What the question holds that GIFT has no syntax for, for `[trainer:{...}]`."""
    meta: dict[str, Any] = {}
    defaults = type(question).model_fields
    for key in ("difficulty", "points", "shuffle", "case_sensitive"):
        if key in defaults and getattr(question, key) != defaults[key].default:
            meta[key] = getattr(question, key)
    if question.excludes:
        meta["excludes"] = list(question.excludes)
    if question.type == "multiple" and all(o.weight is None for o in question.options):
        meta["by_count"] = True
    if question.type == "short_answer":
        if any(a.accept for a in question.answers):
            meta["accept"] = [len(a.accept) for a in question.answers]
        own = [None if a.patterns == _wildcards(a.text) else a.patterns for a in question.answers]
        if any(item is not None for item in own):
            meta["patterns"] = own
    return meta


def _wildcards(text: str) -> list[str]:
    return [wildcard_pattern(text)] if re.search(r"(?<!\\)\*", text) else []


def _feedback(feedback: LocalizedText | None, lang: str) -> str:
    return f"#{escape(feedback.get(lang))}" if feedback is not None else ""


def _answer_block(question: Any, lang: str) -> str:
    kind = question.type
    if kind == "single":
        parts = []
        for option in question.options:
            text = escape(option.text.get(lang))
            if option.correct:  # Moodle reads no weight after `=`
                written = f"={text}"
            else:
                given = _weight_mark(option.weight) if option.weight else ""
                written = _weighted("~", given, text)
            parts.append(f"{written}{_feedback(option.feedback, lang)}")
        body = " ".join(parts)
    elif kind == "multiple":
        right = sum(1 for option in question.options if option.correct)
        by_count = all(option.weight is None for option in question.options)
        parts = []
        for option in question.options:
            weight = option.weight
            if by_count:  # right-minus-wrong over the right count, as weights
                weight = (100 if option.correct else -100) / max(right, 1)
            given = "" if weight is None else _weight_mark(weight)
            written = _weighted("~", given, escape(option.text.get(lang)))
            parts.append(f"{written}{_feedback(option.feedback, lang)}")
        body = " ".join(parts)
    elif kind == "true_false":
        right = question.feedback_true if question.answer else question.feedback_false
        wrong = question.feedback_false if question.answer else question.feedback_true
        body = "TRUE" if question.answer else "FALSE"
        if wrong is not None or right is not None:
            body += _feedback(wrong, lang) or "#"
            body += _feedback(right, lang)
    elif kind == "short_answer":
        parts = []
        for item in question.answers:
            weight = "" if item.weight == 100 else _weight_mark(item.weight)
            feedback = _feedback(item.feedback, lang)
            for wording in (item.text, *item.accept):
                parts.append(f"{_weighted('=', weight, _answer(wording))}{feedback}")
        body = " ".join(parts)
    elif kind == "numerical":
        body = "#" + " ".join(
            f"={'' if a.weight == 100 else _weight_mark(a.weight)}"
            f"{_number(a.value)}:{_number(a.tolerance)}{_feedback(a.feedback, lang)}"
            for a in question.answers
        )
        if question.feedback_wrong is not None:
            body += f" ~{_feedback(question.feedback_wrong, lang)}"
    else:
        parts = [
            f"={escape(pair.left.get(lang))} -> {_escaped(pair.right.get(lang))}"
            for pair in question.pairs
        ]
        parts += [f"= -> {_escaped(item.get(lang))}" for item in question.distractors]
        body = " ".join(parts)
    if question.explanation is not None:
        body += f" ####{escape(question.explanation.get(lang))}"
    return f" {body} "


def _answer(text: str) -> str:
    """A short answer: escaped, and `[plain]` before one that starts like a format prefix,
    which Moodle would take off."""
    escaped = _escaped(text)
    return f"[plain]{escaped}" if re.match(r"\s*\[[a-z]+\]", text) else escaped


def _escaped(text: str) -> str:
    """Text with GIFT's special characters escaped: what a title, a short answer and a
    matching right side need (Moodle reads no format prefix in them)."""
    return "".join(f"\\{char}" if char in ESCAPABLE else char for char in text).replace("\n", "\\n")
