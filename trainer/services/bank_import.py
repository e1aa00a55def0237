"""Importing questions into a bank that exists: append them, or replace the questions with
the same ids, then save the bank once, whole and valid, or not at all.

`merge` works on a `BankDocument` (the bank editor's view of the file), so a bank's comments
and untouched lines are kept as the editor keeps them, and a bundled bank is saved as its
override in the data folder. Categories the import brings that the bank lacks are added
after its last category (a bank whose categories are written in flow style is written out
by the YAML writer instead: comments kept, some line layouts change).
Nothing is written until every merged question and the whole bank check out: a failure
leaves the file as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

import yaml

from trainer.content.formats.common import ImportResult
from trainer.services.authoring import AuthoringError, BankDocument

Mode = Literal["append", "replace"]
_KEY_ORDER = ("id", "type", "category", "difficulty", "points", "title", "tags", "stem")


@dataclass
class MergeReport:
    """What an import into an existing bank did: ids added, ids replaced, and the ids left
    out with the reason (`authoring.<key>`)."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    left: list[tuple[str, str]] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


def question_text(question: dict[str, Any]) -> str:
    """One imported question as the YAML the bank editor edits."""
    first = {key: question[key] for key in _KEY_ORDER if key in question}
    ordered = {**first, **{k: v for k, v in question.items() if k not in first}}
    return str(yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=100))


def merge(document: BankDocument, result: ImportResult, mode: Mode) -> MergeReport:
    """Put `result`'s questions into `document` (not saved): a new id is appended; a taken
    id is replaced in place with `replace`, left out with `append`."""
    report = MergeReport()
    categories = document.data.get("categories")
    if categories is None:
        raise AuthoringError("not_a_bank", path=document.path)
    taken = set(document.ids())
    for question in result.questions:
        question_id = str(question["id"])
        text = question_text(question)
        if question_id in taken and mode == "append":
            report.left.append((question_id, "import_id_taken"))
            continue
        checked = (
            document.replace(question_id, text) if question_id in taken else document.add(text)
        )
        if checked.data is None:  # cannot happen for a question the importer accepted
            report.left.append((question_id, "import_not_valid"))
            continue
        (report.replaced if question_id in taken else report.added).append(question_id)
        taken.add(question_id)
        category = str(question["category"])
        if category not in categories and category not in report.categories:
            report.categories.append(category)
    if report.categories:
        titles = {c: result.categories.get(c, c) for c in report.categories}
        _add_categories(document, titles)
    return report


def _add_categories(document: BankDocument, titles: dict[str, Any]) -> None:
    """Add categories to the bank: as lines after its last category when the categories are
    a block mapping in the part of the file before the questions (the rest of the file is
    kept as it is), else by having the whole file written out by the YAML writer."""
    categories = document.data["categories"]
    layout = document.layout
    for category, title in titles.items():
        categories[category] = dict(title) if isinstance(title, dict) else title
    keys = list(document.data)
    index = keys.index("categories")
    if layout is None or categories.fa.flow_style() or index + 1 >= len(keys):
        document.layout = None
        return
    lines = layout.head.splitlines(keepends=True)
    first = next(iter(categories))
    column = categories.lc.key(first)[1]
    end = document.data.lc.key(keys[index + 1])[0]  # the line of the key after categories
    while end > 0 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    if end > len(lines) or document.data.lc.key(keys[index + 1])[0] >= len(lines):
        document.layout = None
        return
    added = "".join(
        " " * column
        + yaml.safe_dump(
            {category: title},
            allow_unicode=True,
            default_flow_style=None,
            width=4096,
            sort_keys=False,
        ).rstrip("\n")
        + "\n"
        for category, title in titles.items()
    )
    if added.count("\n") != len(titles):  # a title that needs lines of its own
        document.layout = None
        return
    document.layout = replace(layout, head="".join([*lines[:end], added, *lines[end:]]))


def import_into(document: BankDocument, result: ImportResult, mode: Mode) -> MergeReport:
    """`merge`, then save: the whole bank is checked and written atomically, or nothing
    is written (`AuthoringError`)."""
    report = merge(document, result, mode)
    if report.added or report.replaced:
        document.save()
    return report
