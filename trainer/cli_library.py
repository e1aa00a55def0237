"""`trainer library list [--json]` and `trainer review score CALL REVIEW.yaml [--json]`.

The call library outside the app, for a training centre's calibration sessions: list the
calls with their reference totals, and score a review written as YAML (docs/content-format.md,
"Review files") against a call's reference review, item by item, with the deviation and
whether it is within the form's tolerance. A broken review file is named as
`path:line: where: what`; nothing is stored.
"""

from __future__ import annotations

import json
from pathlib import Path

from rich.cells import cell_len

from trainer.cli import CommandError, printable, printable_json
from trainer.content.errors import ContentProblem
from trainer.content.loader import validate_document
from trainer.content.models import ReviewFile
from trainer.content.yamlio import load_yaml
from trainer.i18n import Translator
from trainer.services.call_review import CallLibrary, Comparison, ReviewError
from trainer.services.context import TrainerContext


def _pad(text: str, width: int) -> str:
    """Left-aligned in `width` terminal columns, a wide (CJK) character counting two."""
    return text + " " * max(0, width - cell_len(text))


def _right(text: str, width: int) -> str:
    """Right-aligned in `width` terminal columns."""
    return " " * max(0, width - cell_len(text)) + text


def library_list(context: TrainerContext, as_json: bool, tr: Translator) -> int:
    """Every call of the library: id, title, languages and reference total."""
    calls = context.calls
    rows = [
        {
            "id": call.id,
            "title": call.title.get(tr.lang),
            "languages": call.languages,
            "reference_total": calls.reference_total(call),
        }
        for call in calls.calls()
    ]
    if as_json:
        print(printable_json(json.dumps(rows, ensure_ascii=False, indent=2)))
        return 0
    if not rows:
        raise CommandError(tr("review.library_empty"))
    print(tr("review.list_header", count=len(rows)))
    width = max(cell_len(row["id"]) for row in rows) + 2  # type: ignore[arg-type]
    for row in rows:
        languages = "/".join(row["languages"])  # type: ignore[arg-type]
        total = _right(f"{row['reference_total']:g}", 4)
        title = printable(str(row["title"]))
        print(f"{_pad(str(row['id']), width)}{total}  {languages:<6} {title}")
    return 0


def read_review(path: Path, tr: Translator) -> ReviewFile:
    """The review file, or a `CommandError` naming each problem as `path:line: where: what`."""
    if not path.is_file():
        raise CommandError(tr("cli.no_such_path", path=printable(str(path))))
    document = load_yaml(path)
    if isinstance(document, ContentProblem):
        raise CommandError(document.render(tr.lang))
    review, problems = validate_document(document, ReviewFile)
    if review is None:
        raise CommandError("\n".join(problem.render(tr.lang) for problem in problems))
    return review


def review_score(
    context: TrainerContext, call_id: str, path: Path, as_json: bool, tr: Translator
) -> int:
    """Score the review in `path` against the reference review of `call_id`. Exit status 0
    when the review is within tolerance, 1 when it is not."""
    calls = context.calls
    calls.call(call_id)  # an unknown call is refused before the file is read
    review = read_review(path, tr)
    if review.call is not None and review.call != call_id:
        raise CommandError(
            tr("review.other_call", path=printable(str(path)), named=review.call, call=call_id)
        )
    try:
        comparison = calls.compare(call_id, review.scores)
    except ReviewError as error:
        raise CommandError(
            f"{printable(str(path))}: {tr(error.catalog_key, **error.values)}"
        ) from None
    if as_json:
        print(printable_json(json.dumps(comparison.to_json(), ensure_ascii=False, indent=2)))
    else:
        print("\n".join(comparison_lines(calls, comparison, tr)))
    return 0 if comparison.within_tolerance else 1


def comparison_lines(calls: CallLibrary, comparison: Comparison, tr: Translator) -> list[str]:
    """The review beside the reference, item by item, then the totals and the verdict."""
    form, call = calls.form, calls.call(comparison.call)
    titles = {item.id: item.title.get(tr.lang) for item in form.items}
    width = max(cell_len(title) for title in titles.values()) + 2
    lines = [
        tr("review.score_title", call=printable(call.title.get(tr.lang))),
        _pad(tr("review.col_item"), width)
        + _right(tr("review.col_yours"), 6)
        + _right(tr("review.col_reference"), 8)
        + _right(tr("review.col_deviation"), 8),
    ]
    for item in comparison.items:
        mark = "✓" if item.within else "✗"
        levels = (
            tr("review.levels_off", levels=abs(item.level_deviation))
            if item.level_deviation
            else ""
        )
        figures = f"{item.points:>6g}{item.reference:>8g}{item.deviation:>+8g}"
        lines.append(f"{_pad(titles[item.item], width)}{figures}  {mark} {levels}".rstrip())
    lines.append(
        tr(
            "review.total_line",
            total=f"{comparison.total:g}",
            reference=f"{comparison.reference_total:g}",
            deviation=f"{comparison.deviation:+g}",
        )
    )
    verdict = "review.within" if comparison.within_tolerance else "review.outside"
    lines.append(
        tr(
            verdict,
            total=f"{comparison.tolerance_total:g}",
            levels=comparison.tolerance_levels,
        )
    )
    if not comparison.veto_agrees:
        lines.append(tr("review.veto_disagrees"))
    lines.append(tr("review.agreement_line", agreement=f"{comparison.agreement:g}"))
    return lines
