"""Importing questions into a bank that exists: append them, or replace the questions with
the same ids, then save the bank once, whole and valid, or not at all.

`merge` works on a `BankDocument` (the bank editor's view of the file), so a bank's comments
and untouched lines are kept as the editor keeps them, and a bundled bank is saved as its
override in the data folder. Categories the import brings that the bank lacks are added;
the file is then written out by the YAML writer (comments kept, some line layouts change).
Nothing is written until every merged question and the whole bank check out: a failure
leaves the file as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
        for category in report.categories:
            title = result.categories.get(category, category)
            categories[category] = dict(title) if isinstance(title, dict) else title
        document.layout = None  # the head holds the categories: the whole file is written
    return report


def import_into(document: BankDocument, result: ImportResult, mode: Mode) -> MergeReport:
    """`merge`, then save: the whole bank is checked and written atomically, or nothing
    is written (`AuthoringError`)."""
    report = merge(document, result, mode)
    if report.added or report.replaced:
        document.save()
    return report
