"""Moodle GIFT: reading a file into a bank, and writing a bank back as GIFT.

What is read (CONTENT.md): blank lines between questions; `//` comments, with `[id:...]`,
`[tag:...]` (and, from our own export, `[category-name:...]`) taken from them; `::title::`;
the escapes `\\: \\# \\= \\{ \\} \\~ \\n \\\\`; `$CATEGORY:` lines; `=` right and `~` wrong
answers, `%50%` and `%-100%` weights, `#` answer feedback and `####` general feedback (the
explanation); `{T}` `{FALSE}` true/false (with `#wrong#right` feedback); `{#3:2}`, `{#1..5}`
and `{#=3:0 =%50%3:1}` numerical; `=a -> b` matching; text after `}` making a missing-word
question; `[html]`, `[markdown]`, `[plain]`, `[moodle]` format prefixes. Essays `{}` and
descriptions (no answers) are skipped with a reason, as is anything the bank cannot hold.

Multiple choice weights are kept as weights; a question with several `=` answers and no `~`
is a short answer with alternatives. GIFT is one language: texts become plain strings (the
same in Chinese and English); `write_gift` writes one language of a bilingual bank.
"""

from __future__ import annotations

import re
from typing import Any

from trainer.content.formats.common import DEFAULT_CATEGORY, ImportResult, Skipped, slug
from trainer.content.models import QuestionBank

ESCAPABLE = "~=#{}:\\"
_PLACEHOLDERS = {char: chr(0xE000 + index) for index, char in enumerate(ESCAPABLE)}
_RESTORE = {v: k for k, v in _PLACEHOLDERS.items()}
_COMMENT_TAG = re.compile(r"\[(id|tag|category-name):([^\]]*)\]")
_FORMAT = re.compile(r"^\s*\[(html|markdown|plain|moodle)\]\s*", re.IGNORECASE)
_TITLE = re.compile(r"^\s*::(.*?)::", re.DOTALL)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?"


def _hide_escapes(text: str) -> str:
    """Escaped characters become private-use placeholders, so splitting ignores them."""

    def hidden(match: re.Match[str]) -> str:
        char = match.group(1)
        return "\n" if char == "n" else _PLACEHOLDERS.get(char, match.group(0))

    return re.sub(r"\\(.)", hidden, text)


def _restore(text: str) -> str:
    return "".join(_RESTORE.get(char, char) for char in text)


def _clean(text: str, html: bool) -> str:
    text = _restore(text).strip()
    if html:
        text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"[ \t]+\n", "\n", text)


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


def read_gift(text: str) -> ImportResult:
    result = ImportResult()
    category = DEFAULT_CATEGORY
    counter = 0
    for start, lines in _blocks(text.lstrip("\ufeff")):
        comments = [line.strip()[2:] for line in lines if line.strip().startswith("//")]
        body_lines = [line for line in lines if not line.strip().startswith("//")]
        # a question is reported at its own first line, not at the comments above it
        start += next((i for i, line in enumerate(lines) if not line.strip().startswith("//")), 0)
        tags: dict[str, list[str]] = {"id": [], "tag": [], "category-name": []}
        for comment in comments:
            for kind, value in _COMMENT_TAG.findall(comment):
                tags[kind].append(value.strip())
        while body_lines and body_lines[0].strip().startswith("$CATEGORY:"):
            path = body_lines.pop(0).strip()[len("$CATEGORY:") :].strip()
            name = path.rstrip("/").split("/")[-1].strip() or DEFAULT_CATEGORY
            category = slug(name, f"category-{len(result.categories) + 1}")
            label = tags["category-name"][-1] if tags["category-name"] else name
            result.categories[category] = label
            start += 1
        if not body_lines:
            continue
        counter += 1
        body = _hide_escapes("\n".join(body_lines))
        question = _read_question(body, start, category, tags, counter, result)
        if question is not None:
            result.add(question, start)
    return result


def _read_question(
    body: str,
    line: int,
    category: str,
    tags: dict[str, list[str]],
    counter: int,
    result: ImportResult,
) -> dict[str, Any] | None:
    title = None
    match = _TITLE.match(body)
    if match:
        title = _clean(match.group(1), False)
        body = body[match.end() :]
    html = False
    prefix = _FORMAT.match(body)
    if prefix:
        html = prefix.group(1).lower() == "html"
        body = body[prefix.end() :]
    opening = body.find("{")
    if opening < 0:
        result.skipped.append(Skipped(line, "description"))
        return None
    closing = body.find("}", opening)
    if closing < 0 or body.find("{", opening + 1, closing) >= 0:
        result.skipped.append(Skipped(line, "unbalanced"))
        return None
    before, answer, after = body[:opening], body[opening + 1 : closing], body[closing + 1 :]
    if "{" in after or "}" in after:
        result.skipped.append(Skipped(line, "unbalanced"))
        return None
    stem = _clean(before, html)
    if after.strip():
        stem = f"{stem} _____ {_clean(after, html)}".strip()
    question: dict[str, Any] = {
        "id": tags["id"][-1] if tags["id"] else slug(title or "", f"q-{counter:03d}"),
        "category": category,
        "stem": stem,
    }
    if title:
        question["title"] = title
    if tags["tag"]:
        question["tags"] = tags["tag"]
    answer, general = _split_general_feedback(answer)
    if general:
        question["explanation"] = _clean(general, html)
    kind = _answers(answer.strip(), html, question)
    if kind is not None:
        result.skipped.append(Skipped(line, kind))
        return None
    return question


def _split_general_feedback(answer: str) -> tuple[str, str]:
    index = answer.find("####")
    if index < 0:
        return answer, ""
    return answer[:index], answer[index + 4 :]


def _split_feedback(entry: str) -> tuple[str, str | None]:
    if "#" in entry:
        text, feedback = entry.split("#", 1)
        return text, feedback
    return entry, None


def _answers(answer: str, html: bool, question: dict[str, Any]) -> str | None:
    """Fill `question` from the answer block; a skip reason when it cannot be held."""
    if not answer:
        return "essay"
    if answer.startswith("#"):
        return _numerical(answer[1:].strip(), html, question)
    truth = re.fullmatch(r"(T|TRUE|F|FALSE)\s*(?:#(.*?))?\s*(?:#(.*))?", answer, re.DOTALL)
    if truth:
        value = truth.group(1) in ("T", "TRUE")
        question.update({"type": "true_false", "answer": value})
        wrong, right = truth.group(2), truth.group(3)
        # GIFT's first feedback is for a wrong answer, the second for a right one
        for feedback, answered in ((wrong, not value), (right, value)):
            if feedback and feedback.strip():
                key = "feedback_true" if answered else "feedback_false"
                question[key] = _clean(feedback, html)
        return None
    entries = re.findall(r"([=~])([^=~]*)", answer)
    if not entries or answer[0] not in "=~":
        return "unknown_syntax"
    if any("->" in text for marker, text in entries if marker == "="):
        pairs = []
        for marker, text in entries:
            if marker != "=" or "->" not in text:
                return "matching_needs_pairs"
            left, right = text.split("->", 1)
            pairs.append({"left": _clean(left, html), "right": _clean(right, html)})
        question.update({"type": "matching", "pairs": pairs})
        return None
    options = []
    for marker, raw in entries:
        weight_match = _WEIGHT.match(raw.strip())
        weight = float(weight_match.group(1)) if weight_match else None
        text = raw.strip()[weight_match.end() :] if weight_match else raw
        text, feedback = _split_feedback(text)
        option: dict[str, Any] = {"marker": marker, "text": _clean(text, html), "weight": weight}
        if feedback is not None and feedback.strip():
            option["feedback"] = _clean(feedback, html)
        options.append(option)
    right = [o for o in options if o["marker"] == "="]
    wrong = [o for o in options if o["marker"] == "~"]
    if not wrong:
        answers = []
        for option in right:
            item: dict[str, Any] = {"text": option["text"]}
            item["weight"] = option["weight"] if option["weight"] is not None else 100
            if "feedback" in option:
                item["feedback"] = option["feedback"]
            answers.append(item)
        question.update({"type": "short_answer", "answers": answers})
        return None
    weighted = any(o["weight"] is not None for o in options)
    if len(right) == 1 and not weighted:
        question["type"] = "single"
    elif not right and weighted:
        question["type"] = "multiple"
    else:
        return "choice_ambiguous"
    question["options"] = [_option(o) for o in options]
    return None


def _option(option: dict[str, Any]) -> dict[str, Any]:
    made: dict[str, Any] = {"text": option["text"]}
    if option["marker"] == "=":
        made["correct"] = True
    if option["weight"] is not None:
        made["weight"] = option["weight"]
        if option["weight"] > 0:
            made["correct"] = True
    if "feedback" in option:
        made["feedback"] = option["feedback"]
    return made


def _numerical(body: str, html: bool, question: dict[str, Any]) -> str | None:
    answers = []
    parts = re.findall(r"=([^=]*)", body) if body.startswith("=") else [body]
    for part in parts:
        weight_match = _WEIGHT.match(part.strip())
        weight = float(weight_match.group(1)) if weight_match else 100.0
        text = part.strip()[weight_match.end() :] if weight_match else part.strip()
        text, feedback = _split_feedback(text)
        text = _restore(text).strip()
        span = re.fullmatch(rf"({_NUMBER})\.\.({_NUMBER})", text)
        exact = re.fullmatch(rf"({_NUMBER})(?::({_NUMBER}))?", text)
        if span:
            low, high = float(span.group(1)), float(span.group(2))
            value, tolerance = (low + high) / 2, abs(high - low) / 2
        elif exact:
            value, tolerance = float(exact.group(1)), float(exact.group(2) or 0)
        else:
            return "numeric_bad"
        answer: dict[str, Any] = {"value": value, "tolerance": tolerance, "weight": weight}
        if feedback is not None and feedback.strip():
            answer["feedback"] = _clean(feedback, html)
        answers.append(answer)
    question.update({"type": "numerical", "answers": answers})
    return None


# ---------------------------------------------------------------- writing


def escape(text: str) -> str:
    """Text with GIFT's special characters escaped and line breaks as `\\n`."""
    escaped = "".join(f"\\{char}" if char in ESCAPABLE else char for char in text)
    return escaped.replace("\n", "\\n")


def _number(value: float) -> str:
    return f"{value:g}"


def write_gift(bank: QuestionBank, lang: str) -> str:
    """The bank as GIFT in `lang` (the other language where a text lacks it)."""
    out: list[str] = [f"// {bank.id}: {bank.title.get(lang)}", ""]
    for category, name in bank.categories.items():
        questions = bank.in_category(category)
        if not questions:
            continue
        out += [f"// [category-name:{name.get(lang)}]", f"$CATEGORY: {category}", ""]
        for question in questions:
            out += [f"// [id:{question.id}]"]
            out += [f"// [tag:{tag}]" for tag in question.tags]
            title = f"::{escape(question.title)}::" if question.title else ""
            out.append(
                f"{title}{escape(question.stem.get(lang))} {{{_answer_block(question, lang)}}}"
            )
            out.append("")
    return "\n".join(out)


def _feedback(feedback: Any, lang: str) -> str:
    return f"#{escape(feedback.get(lang))}" if feedback is not None else ""


def _answer_block(question: Any, lang: str) -> str:
    kind = question.type
    if kind in ("single", "multiple"):
        parts = []
        for option in question.options:
            weight = f"%{_number(option.weight)}%" if option.weight is not None else ""
            marker = "=" if kind == "single" and option.correct else "~"
            if kind == "multiple" and option.weight is None:
                weight = f"%{_number(100 if option.correct else 0)}%"
            parts.append(
                f"{marker}{weight}{escape(option.text.get(lang))}{_feedback(option.feedback, lang)}"
            )
        body = " ".join(parts)
    elif kind == "true_false":
        right = question.feedback_true if question.answer else question.feedback_false
        wrong = question.feedback_false if question.answer else question.feedback_true
        body = "TRUE" if question.answer else "FALSE"
        if wrong is not None or right is not None:
            body += _feedback(wrong, lang) or "#"
            body += _feedback(right, lang)
    elif kind == "short_answer":
        body = " ".join(
            f"={'' if a.weight == 100 else f'%{_number(a.weight)}%'}{escape(a.text)}"
            f"{_feedback(a.feedback, lang)}"
            for a in question.answers
        )
    elif kind == "numerical":
        body = "#" + " ".join(
            f"={'' if a.weight == 100 else f'%{_number(a.weight)}%'}"
            f"{_number(a.value)}:{_number(a.tolerance)}{_feedback(a.feedback, lang)}"
            for a in question.answers
        )
    else:
        body = " ".join(
            f"={escape(pair.left.get(lang))} -> {escape(pair.right.get(lang))}"
            for pair in question.pairs
        )
    if question.explanation is not None:
        body += f" ####{escape(question.explanation.get(lang))}"
    return f" {body} "
