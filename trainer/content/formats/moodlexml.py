"""Moodle XML: the format Moodle itself uses to move question banks, read and written.

Reading follows Moodle's own importer (`question/format/xml/format.php`): a `<quiz>` of
`<question>` elements, where `type="category"` switches the category of the questions after
it (`$course$/top/Bank/Category`, `//` standing for a `/` inside a name; the `<idnumber>`,
when it is an id, is the category's id). `multichoice` (`<single>` true or false, a
`fraction` percent per answer, answer feedback, `<shuffleanswers>`), `truefalse` (feedback on
each answer), `shortanswer` (`<usecase>`, `*` wildcards), `numerical` (several answers with
a tolerance and feedback each) and `matching` (subquestions) become the bank's types;
`<name>` is the title, `<idnumber>` the id, `<generalfeedback>` the explanation,
`<defaultgrade>` the points, `<tags>` the tags; a numerical `*` answer's feedback is
`feedback_wrong`, a matching subquestion without text a distractor. Essays, descriptions
and the types the bank cannot hold (cloze, calculated, drag and drop, …) are skipped with
their line and why.

Text: `html` and `moodle_auto_format` are turned into text by an HTML parser (paragraphs
and line breaks kept, entities decoded, comments, scripts and styles removed, an image left
as `[image: its alt text]`); `plain_text` and `markdown` are kept as written. Chinese and
English travel in Moodle's multilang filter syntax, `<span lang="zh_cn" class="multilang">…
</span><span lang="en" class="multilang">…</span>`: a text the same in both languages is
written once as `plain_text`, a bilingual one as `html` with a span each; on reading, spans
whose `lang` starts with `zh` or `en` give the two languages back.

Writing puts the whole bank under one parent category named after the bank (its id as the
category's idnumber), so a bank imported into Moodle stays together, and a file Moodle
exports from that category reads back as the same bank. What Moodle has no field for
travels in elements Moodle's importer ignores: `<trainer_difficulty>`, `<trainer_excludes>`
(a question never drawn on the same paper), `<trainer_pattern>`
(a regular expression a short answer may match) and `trainer_accept="true"` on the answers
that are other wordings of the answer before them (Moodle marks them as answers of their
own, with the same weight). `docs/import-export.md` lists what each format carries.
"""

from __future__ import annotations

import html
import math
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.etree.ElementTree import Element, SubElement, TreeBuilder

from trainer.content.formats.common import DEFAULT_CATEGORY, ImportFileError, ImportResult, Skipped
from trainer.content.formats.common import slug as make_slug
from trainer.content.models import LocalizedText, QuestionBank

KINDS = {
    "multichoice": "choice",
    "truefalse": "true_false",
    "shortanswer": "short_answer",
    "numerical": "numerical",
    "matching": "matching",
    "match": "matching",
}
"""Moodle's question types the bank holds, and what each becomes."""
_ID = re.compile(r"[a-z0-9_-]{1,64}")
_MULTILANG = re.compile(
    r'<span\s+(?:lang="([^"]+)"\s+class="multilang"|class="multilang"\s+lang="([^"]+)")\s*>'
    r"(.*?)</span>",
    re.DOTALL | re.IGNORECASE,
)
"""Moodle's multilang filter matches exactly these two attributes, and the first `</span>`."""
LANG_CODES = {"zh": "zh_cn", "en": "en"}
"""The `lang` written for each language: Moodle's language packs are `zh_cn` and `en`, and
the filter shows the span of the reader's pack (or, failing that, the first one)."""
TRIM = " \t\n\r\x0b"
"""What Moodle trims off a text (PHP's `trim`): a no-break or ideographic space stays."""
_WILDCARD = re.compile(r"(?<!\\)\*")
_SOFT, _BLOCK = "\x00", "\x01"  # never in XML text, so never in what is converted
_COLLAPSED = re.compile(r"[ \t\n\r\f]+")
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr"}
    | {"blockquote", "pre", "hr", "dl", "dt", "dd", "section"}
)


# ---------------------------------------------------------------- HTML to text


class _TextParser(HTMLParser):
    """HTML as the text a reader sees: whitespace runs in the source collapse to one space
    (as a browser does), while a character reference (`&#32;`, `&nbsp;`) stays as written,
    so text written by `text_html` reads back exactly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(_COLLAPSED.sub(_SOFT, data))

    def handle_entityref(self, name: str) -> None:
        if not self.hidden:
            self.parts.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        if not self.hidden:
            self.parts.append(html.unescape(f"&#{name};"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append(_BLOCK)
        elif tag in ("td", "th"):
            self.parts.append(_SOFT)
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            self.parts.append(_SOFT + (f"[image: {alt}]" if alt else "[image]") + _SOFT)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(_BLOCK)


def _breaks(match: re.Match[str]) -> str:
    return "\n" * max(2, match.group(0).count("\n"))


def html_to_text(source: str) -> str:
    """The text of an HTML fragment: paragraphs and line breaks kept, entities decoded,
    comments, scripts and styles dropped, images as `[image: alt]`.

    (trainer's common HTML-to-text helper may replace this one; this one is written to read
    back exactly what `text_html` writes.)"""
    if "<" not in source and "&" not in source:  # no markup: only whitespace to fold
        return _COLLAPSED.sub(" ", source).strip(" ")
    parser = _TextParser()
    parser.feed(source)
    parser.close()
    text = re.sub(f"{_SOFT}+", _SOFT, "".join(parser.parts))
    text = re.sub(f"{_SOFT}(?=[\n{_BLOCK}])|(?<=[\n{_BLOCK}]){_SOFT}", "", text)
    text = text.strip(_SOFT).replace(_SOFT, " ")
    text = re.sub(f"[\n{_BLOCK}]*{_BLOCK}[\n{_BLOCK}]*", _breaks, text.strip(_BLOCK))
    return text.strip(" \n")  # a no-break or ideographic space is the writer's own


def text_html(text: str) -> str:
    """`text` as HTML that shows the same and that `html_to_text` reads back unchanged: a
    line break is `<br>`, and a space a browser would fold away is written `&#32;`."""
    out: list[str] = []
    for index, char in enumerate(text):
        if char == "\n":
            out.append("<br>")
        elif char == " ":
            before = text[index - 1] if index else "\n"
            after = text[index + 1] if index + 1 < len(text) else "\n"
            folds = before in " \t\n\r\f" or after in " \t\n\r\f"
            out.append("&#32;" if folds else " ")
        elif char in "\t\r\f":
            out.append(f"&#{ord(char)};")
        else:
            out.append(html.escape(char, quote=False))
    return "".join(out)


def _language(code: str) -> str | None:
    code = code.lower()
    return "zh" if code.startswith("zh") else "en" if code.startswith("en") else None


def multilang_text(source: str, is_html: bool) -> Any:
    """A text (a plain string, or `{zh, en}`) from Moodle text holding multilang spans or
    not; `is_html` says whether what is outside the spans is HTML."""
    spans = list(_MULTILANG.finditer(source))

    def plain(text: str) -> str:
        return text.strip(TRIM)

    convert = html_to_text if is_html else plain
    if not spans:
        return convert(source)
    texts: dict[str, str] = {}
    outside = "".join(
        source[start:end]
        for start, end in zip(
            [0, *(span.end() for span in spans)],
            [*(span.start() for span in spans), len(source)],
            strict=True,
        )
    )
    for span in spans:
        lang = _language(span.group(1) or span.group(2))
        if lang is not None and lang not in texts:
            texts[lang] = html_to_text(span.group(3))
    if not texts:  # only other languages: the first one for both
        texts["zh"] = texts["en"] = html_to_text(spans[0].group(3))
    extra = convert(outside)
    if extra:
        texts = {lang: f"{text}\n{extra}".strip(TRIM) for lang, text in texts.items()}
    if texts.get("zh") is not None and texts.get("zh") == texts.get("en"):
        return texts["zh"]
    return texts


# ---------------------------------------------------------------- reading


def _text(element: Element | None, path: str = "text") -> str:
    """The `<text>` under `element` (trimmed, as Moodle trims it), or ''."""
    if element is None:
        return ""
    found = element.find(path)
    return (found.text or "").strip(TRIM) if found is not None else ""


def _formatted(element: Element | None, default_format: str = "html") -> Any:
    """A Moodle text element (`<questiontext format="html"><text>…`) as a bank text, or ''."""
    if element is None:
        return ""
    raw = _text(element)
    if not raw:
        return ""
    kind = (element.get("format") or default_format).strip()
    if kind in ("plain_text", "markdown"):
        return raw
    if kind == "moodle_auto_format":  # HTML whose line ends are line breaks
        raw = raw.replace("\r\n", "\n").replace("\n", "<br>")
    return multilang_text(raw, True)


def _flag(element: Element | None, default: bool) -> bool:
    """Moodle's `trans_single`: 'false', '0' or empty is false, anything else true."""
    if element is None:
        return default
    value = (element.text or "").strip()
    return not (value in ("false", "0") or not value)


def _number(text: str | None, default: float) -> float:
    try:
        return float((text or "").strip()) if (text or "").strip() else default
    except ValueError:
        return default


def _is_empty(value: Any) -> bool:
    return not value or (isinstance(value, dict) and not any(value.values()))


class _LineBuilder(TreeBuilder):
    """Builds the tree and notes the line each `<question>` starts on."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: Any = None
        self.lines: dict[int, int] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        element = super().start(tag, attrs)
        if tag == "question":
            self.lines[id(element)] = self.parser.parser.CurrentLineNumber
        return element


_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _parse(data: bytes, path: Path) -> tuple[Element, dict[int, int]]:
    """The `<quiz>` element and the line of each question. Expat reads UTF-8, UTF-16 and
    single-byte encodings; a file that declares a multi-byte one (GB18030, GBK, Big5) is
    decoded here and read as UTF-8."""
    try:
        return _parse_once(data, path)
    except ValueError:  # "multi-byte encodings are not supported"
        declared = _DECLARED.match(data)
        if declared is None:
            raise ImportFileError("not_xml", path=path, line=1) from None
        try:
            text = data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            raise ImportFileError("not_xml", path=path, line=1) from None
        start, end = declared.span(1)  # the declaration is ASCII: a byte is a character
        return _parse_once((text[:start] + "UTF-8" + text[end:]).encode("utf-8"), path)


def _parse_once(data: bytes, path: Path) -> tuple[Element, dict[int, int]]:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException:
        raise ImportFileError("xml_entities", path=path) from None
    except ElementTree.ParseError as error:
        raise ImportFileError("not_xml", path=path, line=error.position[0]) from None
    if root.tag != "quiz":
        raise ImportFileError("not_moodle_xml", path=path)
    return root, builder.lines


def _category_path(text: str) -> list[str]:
    """`$course$/top/A//B/C` as ['A/B', 'C']: Moodle's context and `top` dropped, `//`
    standing for a `/` in a name."""
    parts = text.replace("//", "\x00").split("/")
    parts = [part.replace("\x00", "/").strip(TRIM) for part in parts]
    parts = [part for part in parts if part]
    if parts and re.fullmatch(r"\$[a-z0-9]*\$", parts[0]):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return parts


def _name_text(name: str) -> Any:
    """A category name: plain text, unless it holds multilang spans."""
    return multilang_text(name, True) if _MULTILANG.search(name) else name


class _Categories:
    """The category elements of a file, read up front so the bank's own parent category
    (the one every other category sits under: its name is the bank's title, its idnumber
    the bank's id) is told apart from the bank's categories."""

    def __init__(self, elements: list[Element], fallback: str) -> None:
        self.fallback = fallback
        self.paths = [_category_path(_text(element.find("category"))) for element in elements]
        self.ids = [(element.findtext("idnumber") or "").strip() for element in elements]
        firsts = {path[0] for path in self.paths if path}
        nested = any(len(path) > 1 for path in self.paths)
        self.prefix = 1 if len(firsts) == 1 and nested and all(self.paths) else 0
        self.title: Any = None
        self.bank_id: str | None = None
        if self.prefix:
            self.title = _name_text(next(iter(firsts)))
            for path, idnumber in zip(self.paths, self.ids, strict=True):
                if len(path) == 1 and _ID.fullmatch(idnumber):
                    self.bank_id = idnumber
                    break
        self.made: dict[tuple[str, ...], str] = {}

    def is_parent(self, index: int) -> bool:
        """Whether category element `index` is the bank's own parent category (made a
        category of the bank only if a question sits in it)."""
        return not self.paths[index][self.prefix :]

    def category(self, index: int | None, result: ImportResult) -> str:
        """The id of category element `index`, added to `result` on first use."""
        if index is None:
            return self.fallback
        path = tuple(self.paths[index][self.prefix :])
        if not path:
            if not self.prefix:
                return self.fallback
            path = tuple(self.paths[index])  # a question in the bank's own parent category
        idnumber = self.ids[index]
        key = (*path, idnumber)  # Moodle merges two categories of one name; the file did not
        if key in self.made:
            return self.made[key]
        title = _name_text(" / ".join(path))
        if _ID.fullmatch(idnumber) and idnumber not in result.categories:
            made = idnumber
        else:
            plain = title if isinstance(title, str) else (title.get("en") or title.get("zh"))
            made = base = make_slug(plain or "", f"category-{len(result.categories) + 1}")
            number = 1
            while made in result.categories:
                number += 1
                made = f"{base}-{number}"
        result.categories[made] = title
        self.made[key] = made
        return made


def read_moodle_xml(
    data: bytes, path: Path = Path("questions.xml"), category: str = DEFAULT_CATEGORY
) -> ImportResult:
    """Questions from a Moodle XML file; `category` is where questions before any category
    element go. A file that is not Moodle XML raises `ImportFileError`."""
    root, lines = _parse(data, path)
    elements = [element for element in root if element.tag == "question"]
    category_elements = [e for e in elements if e.get("type") == "category"]
    categories = _Categories(category_elements, category)
    result = ImportResult()
    result.title, result.bank_id = categories.title, categories.bank_id
    current: int | None = None
    seen = 0
    # an id made from a name never takes an idnumber a later question gives
    taken_names = {
        idnumber
        for element in elements
        if element.get("type") != "category"
        and _ID.fullmatch(idnumber := (element.findtext("idnumber") or "").strip())
    }
    for element in elements:
        line = lines.get(id(element), 0)
        kind = (element.get("type") or "").strip()
        if kind == "category":
            current = seen
            if not categories.is_parent(seen):  # so an empty category is kept too
                categories.category(seen, result)
            seen += 1
            continue
        if kind == "description":
            result.skipped.append(Skipped(line, "description"))
            continue
        if kind not in KINDS:
            result.skipped.append(Skipped(line, "xml_unsupported", {"type": kind or "-"}))
            continue
        where = categories.category(current, result)
        made = _question(element, KINDS[kind], where, len(result.questions) + 1, taken_names)
        if isinstance(made, str):
            result.skipped.append(Skipped(line, made, {"type": kind}))
        else:
            result.add(made, line)
    return result


def _question(
    element: Element, kind: str, category: str, counter: int, taken: set[str]
) -> dict[str, Any] | str:
    """One question as bank data, or the catalog key (`formats.<key>`) of why it is left."""
    name = _text(element.find("name"))
    idnumber = (element.findtext("idnumber") or "").strip()
    if _ID.fullmatch(idnumber):
        question_id = idnumber
    else:
        question_id = base = make_slug(idnumber or name, f"q-{counter}")
        number = 1
        while question_id in taken:
            number += 1
            question_id = f"{base}-{number}"
    taken.add(question_id)
    question: dict[str, Any] = {"id": question_id, "type": kind, "category": category}
    difficulty = (element.findtext("trainer_difficulty") or "").strip()
    if difficulty:
        question["difficulty"] = difficulty
    excludes = [(e.text or "").strip() for e in element.findall("trainer_excludes")]
    if any(excludes):
        question["excludes"] = [item for item in excludes if item]
    question["points"] = _number(element.findtext("defaultgrade"), 1.0)
    if name and name != question_id:
        question["title"] = name
    tags = [_text(tag) for tag in element.findall("tags/tag")]
    if any(tags):
        question["tags"] = [tag for tag in tags if tag]
    question["stem"] = _formatted(element.find("questiontext"))
    explanation = _formatted(element.find("generalfeedback"))
    if not _is_empty(explanation):
        question["explanation"] = explanation
    answers = element.findall("answer")
    if kind == "choice":
        single = _flag(element.find("single"), True)
        question["type"] = "single" if single else "multiple"
        question["shuffle"] = _flag(element.find("shuffleanswers"), False)
        question["options"] = _options(answers, single)
    elif kind == "true_false":
        for answer in answers:
            said = _text(answer).lower()
            is_true = said == "true" if said in ("true", "false") else answer is answers[0]
            right = _number(answer.get("fraction"), 0) == 100
            if is_true:
                question["answer"] = right
            elif "answer" not in question:
                question["answer"] = not right
            feedback = _formatted(answer.find("feedback"))
            if not _is_empty(feedback):
                question["feedback_true" if is_true else "feedback_false"] = feedback
        question.setdefault("answer", True)
    elif kind == "short_answer":
        question["case_sensitive"] = _flag(element.find("usecase"), False)
        question["answers"] = _short_answers(answers)
    elif kind == "numerical":
        numbers = _numbers(answers, question)
        if numbers is None:
            return "numeric_bad"
        question["answers"] = numbers
        if "feedback_wrong" in question:  # after the answers, as the bank writes it
            question["feedback_wrong"] = question.pop("feedback_wrong")
    else:
        question["shuffle"] = _flag(element.find("shuffleanswers"), True)
        pairs, spares = [], []
        for sub in element.findall("subquestion"):
            left = _formatted(sub)
            right = multilang_text(_text(sub.find("answer")), False)
            if not _is_empty(left):
                pairs.append({"left": left, "right": right})
            elif not _is_empty(right):  # a spare answer: offered, matching nothing
                spares.append(right)
        question["pairs"] = pairs
        if spares:
            question["distractors"] = spares
    return question


def _options(answers: list[Element], single: bool) -> list[dict[str, Any]]:
    """Options from Moodle's answers. The right option of a single choice is the first one
    worth 100%; weights are kept when any answer is worth something else, or another 100%.
    A multiple choice whose answers are +1/k for each of its k right ones and -1/k for each
    wrong one is the bank's own marking without weights (right minus wrong); any other
    fractions are its weights."""
    fractions = [_number(answer.get("fraction"), 0) for answer in answers]
    first_right = fractions.index(100) if 100 in fractions else -1
    if single:  # another 100% answer is right too: it keeps its weight, as all then do
        weighted = fractions.count(100) > 1 or any(f not in (0, 100) for f in fractions)
    else:
        right = sum(1 for fraction in fractions if fraction > 0)
        weighted = not right or any(
            abs(abs(fraction) - 100 / right) > 1e-4 for fraction in fractions
        )
    options = []
    for index, (answer, fraction) in enumerate(zip(answers, fractions, strict=True)):
        option: dict[str, Any] = {"text": _formatted(answer)}
        if (index == first_right) if single else (fraction > 0):
            option["correct"] = True
        if weighted:
            option["weight"] = fraction
        feedback = _formatted(answer.find("feedback"))
        if not _is_empty(feedback):
            option["feedback"] = feedback
        options.append(option)
    return options


def wildcard_pattern(text: str) -> str:
    """Moodle's short-answer wildcard `*` (any characters; `\\*` a star) as a regular
    expression matching the whole answer."""
    pieces = _WILDCARD.split(text)
    return ".*".join(re.escape(piece.replace("\\*", "*")) for piece in pieces)


def _short_answers(answers: list[Element]) -> list[dict[str, Any]]:
    made: list[dict[str, Any]] = []
    for answer in answers:
        raw = _text(answer)
        if answer.get("trainer_accept") == "true" and made:
            made[-1].setdefault("accept", []).append(raw.replace("\\*", "*"))
            continue
        item: dict[str, Any] = {
            "text": raw.replace("\\*", "*"),
            "weight": _number(answer.get("fraction"), 0),
        }
        patterns = [(p.text or "") for p in answer.findall("trainer_pattern")]
        if _WILDCARD.search(raw):
            item["text"] = raw
            patterns = [wildcard_pattern(raw), *patterns]
        if patterns:
            item["patterns"] = patterns
        feedback = _formatted(answer.find("feedback"))
        if not _is_empty(feedback):
            item["feedback"] = feedback
        made.append(item)
    return made


def _numbers(answers: list[Element], question: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Numeric answers; Moodle's catch-all `*` answer gives the question's `feedback_wrong`
    (any other number earns nothing in trainer, as a `*` of 0% does in Moodle)."""
    made = []
    for answer in answers:
        raw = _text(answer)
        if raw == "*":
            feedback = _formatted(answer.find("feedback"))
            if not _is_empty(feedback):
                question["feedback_wrong"] = feedback
            continue
        try:
            value = float(raw)
        except ValueError:
            return None
        item: dict[str, Any] = {
            "value": value,
            "tolerance": abs(_number(answer.findtext("tolerance"), 0)),
            "weight": _number(answer.get("fraction"), 0),
        }
        feedback = _formatted(answer.find("feedback"))
        if not _is_empty(feedback):
            item["feedback"] = feedback
        made.append(item)
    return made


# ---------------------------------------------------------------- writing


def number_text(value: float) -> str:
    """A number as its shortest exact text (1234567, 33.33333, 0.1), never `1.23457e+06`."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _put_text(parent: Element, tag: str, value: LocalizedText | None) -> None:
    """`<tag format=…><text>…</text></tag>`: plain text when the same in both languages,
    else HTML with a multilang span a language."""
    element = SubElement(parent, tag)
    text, kind = _moodle_text(value)
    element.set("format", kind)
    SubElement(element, "text").text = text


def _moodle_text(value: LocalizedText | None) -> tuple[str, str]:
    if value is None:
        return "", "html"
    if value.zh and value.zh == value.en:
        return value.zh, "plain_text"
    spans = [
        f'<span lang="{LANG_CODES[lang]}" class="multilang">{text_html(text)}</span>'
        for lang, text in (("zh", value.zh), ("en", value.en))
        if text
    ]
    return "".join(spans), "html"


def _escape_wildcards(text: str) -> str:
    return text.replace("*", "\\*")


def _category_name(title: LocalizedText) -> str:
    return _moodle_text(title)[0].replace("/", "//")


def write_moodle_xml(bank: QuestionBank) -> bytes:
    """The bank as a Moodle XML file: a parent category named after the bank, then each
    category and its questions, in the bank's order."""
    quiz = Element("quiz")
    top = f"$course$/top/{_category_name(bank.title)}"
    _category(quiz, top, bank.id)
    paths = {cid: f"{top}/{_category_name(title)}" for cid, title in bank.categories.items()}
    for cid, category_path in paths.items():
        _category(quiz, category_path, cid)
    current = None
    for question in bank.questions:
        if question.category != current:
            current = question.category
            _category(quiz, paths.get(current, f"{top}/{current}"), current)
        _write_question(quiz, question)
    ElementTree.indent(quiz)
    body = ElementTree.tostring(quiz, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _category(quiz: Element, category_path: str, idnumber: str) -> None:
    element = SubElement(quiz, "question", type="category")
    SubElement(SubElement(element, "category"), "text").text = category_path
    info = SubElement(element, "info", format="html")
    SubElement(info, "text").text = ""
    SubElement(element, "idnumber").text = idnumber


_MOODLE_TYPE = {
    "single": "multichoice",
    "multiple": "multichoice",
    "true_false": "truefalse",
    "short_answer": "shortanswer",
    "numerical": "numerical",
    "matching": "matching",
}


def _write_question(quiz: Element, question: Any) -> None:
    element = SubElement(quiz, "question", type=_MOODLE_TYPE[question.type])
    SubElement(SubElement(element, "name"), "text").text = question.title or question.id
    _put_text(element, "questiontext", question.stem)
    _put_text(element, "generalfeedback", question.explanation)
    SubElement(element, "defaultgrade").text = number_text(question.points)
    SubElement(element, "penalty").text = "0.3333333"
    SubElement(element, "hidden").text = "0"
    SubElement(element, "idnumber").text = question.id
    kind = question.type
    if kind in ("single", "multiple"):
        SubElement(element, "single").text = "true" if kind == "single" else "false"
        SubElement(element, "shuffleanswers").text = "true" if question.shuffle else "false"
        SubElement(element, "answernumbering").text = "abc"
        right = sum(1 for option in question.options if option.correct)
        for option in question.options:
            if option.weight is not None:
                fraction = option.weight
            elif kind == "single":
                fraction = 100 if option.correct else 0
            else:  # the bank's marking without weights: right minus wrong over the right
                share = f"{100 / max(1, right):.7f}".rstrip("0").rstrip(".")
                fraction = float(share) if option.correct else -float(share)
            answer = _answer(element, fraction, option.text, option.feedback)
            answer.set("format", _moodle_text(option.text)[1])
    elif kind == "true_false":
        for value, feedback in ((True, question.feedback_true), (False, question.feedback_false)):
            fraction = 100 if question.answer is value else 0
            answer = SubElement(element, "answer", fraction=str(fraction))
            answer.set("format", "moodle_auto_format")
            SubElement(answer, "text").text = "true" if value else "false"
            _put_text(answer, "feedback", feedback)
    elif kind == "short_answer":
        SubElement(element, "usecase").text = "1" if question.case_sensitive else "0"
        for item in question.answers:
            patterns = list(item.patterns)
            text = _escape_wildcards(item.text)
            if (
                patterns
                and _WILDCARD.search(item.text)
                and patterns[0] == wildcard_pattern(item.text)
            ):
                text, patterns = item.text, patterns[1:]
            answer = _answer(element, item.weight, None, item.feedback, text)
            for pattern in patterns:
                SubElement(answer, "trainer_pattern").text = pattern
            for wording in item.accept:
                variant = _answer(element, item.weight, None, item.feedback)
                variant.find("text").text = _escape_wildcards(wording)  # type: ignore[union-attr]
                variant.set("trainer_accept", "true")
    elif kind == "numerical":
        for item in question.answers:
            answer = _answer(element, item.weight, None, item.feedback, number_text(item.value))
            SubElement(answer, "tolerance").text = number_text(item.tolerance)
        if question.feedback_wrong is not None:  # Moodle's "any other answer"
            answer = _answer(element, 0, None, question.feedback_wrong, "*")
            SubElement(answer, "tolerance").text = "0"
    else:
        SubElement(element, "shuffleanswers").text = "true" if question.shuffle else "false"
        for pair in question.pairs:
            sub = SubElement(element, "subquestion")
            text, kind_of_text = _moodle_text(pair.left)
            sub.set("format", kind_of_text)
            SubElement(sub, "text").text = text
            SubElement(SubElement(sub, "answer"), "text").text = _moodle_text(pair.right)[0]
        for spare in question.distractors:  # a subquestion without text: a spare answer
            sub = SubElement(element, "subquestion", format="html")
            SubElement(sub, "text").text = ""
            SubElement(SubElement(sub, "answer"), "text").text = _moodle_text(spare)[0]
    if question.tags:
        tags = SubElement(element, "tags")
        for tag in question.tags:
            SubElement(SubElement(tags, "tag"), "text").text = tag
    if question.difficulty != 2:
        SubElement(element, "trainer_difficulty").text = str(question.difficulty)
    for excluded in question.excludes:
        SubElement(element, "trainer_excludes").text = excluded


def _answer(
    element: Element,
    fraction: float,
    text: LocalizedText | None,
    feedback: LocalizedText | None,
    plain: str | None = None,
) -> Element:
    answer = SubElement(element, "answer", fraction=number_text(fraction))
    answer.set("format", "moodle_auto_format")
    SubElement(answer, "text").text = plain if plain is not None else _moodle_text(text)[0]
    _put_text(answer, "feedback", feedback)
    return answer
