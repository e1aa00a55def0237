"""A scorecard as lines of text, in either language: for `trainer roleplay score` and the
end-of-call screen, so both explain a score in the same words."""

from __future__ import annotations

import unicodedata

from trainer.content.models import STEPS
from trainer.i18n import catalog, translate
from trainer.services.roleplay.scorecard import Evidence, Scorecard, Violation


def display_width(text: str) -> int:
    """Terminal columns of `text`: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def evidence_text(item: Evidence, lang: str, with_note: bool = True) -> str:
    """`T2 apology "非常抱歉" +25`: the turn, the act when an act earned it, the words and the
    points."""
    words = item.text if len(item.text) <= 40 else item.text[:39] + "…"
    label = translate(lang, "roleplay.card_option") if item.source == "option" else f"“{words}”"
    if item.act is not None:
        label = f"{translate(lang, f'roleplay.act_{item.act}')} {label}"
    points = f"+{item.points:g}"
    shown = with_note and item.note is not None and item.note.key != "fact_confirmed"
    note = f" ({item.note.render(lang)})" if shown and item.note else ""
    return f"T{item.turn} {label} {points}{note}"


def violation_text(item: Violation, lang: str) -> str:
    cost = translate(lang, "roleplay.card_fatal_rule") if item.fatal else f"−{item.penalty:g}"
    rule = item.label or rule_label(item.rule, lang)
    words = f" “{item.text}”" if item.text else ""
    return f"T{item.turn} {rule}{words} {cost}"


def rule_label(rule: str, lang: str) -> str:
    """The name of a standard rule in `lang`; a scenario's own rule by its id."""
    key = f"roleplay.rule_{rule}"
    return translate(lang, key) if key in catalog(lang) else rule


def order_line(card: Scorecard, lang: str) -> str | None:
    """What the scorecard says about the order of the steps; nothing when fewer than two
    steps were taken, where "the order was right" would be praise for nothing."""
    taken = sum(1 for _, score in card.weighed_steps() if score.evidence)
    if not card.order_ok:
        return translate(lang, "roleplay.card_order_bad")
    if taken < 2:
        return None
    return translate(lang, "roleplay.card_order_ok")


def verdict(card: Scorecard, lang: str) -> str:
    if not card.finished:
        return translate(lang, "roleplay.card_unfinished")
    if card.fatal:
        return translate(lang, "roleplay.card_failed_fatal")
    key = "roleplay.card_passed" if card.passed else "roleplay.card_failed"
    return translate(lang, key, pass_mark=f"{card.pass_mark:g}")


def scorecard_lines(card: Scorecard, lang: str, title: str = "") -> list[str]:
    """The whole scorecard: verdict, each step with its evidence, compliance, mood, coaching."""

    def tr(key: str, **values: object) -> str:
        return translate(lang, f"roleplay.{key}", **values)

    lines = [title] if title else []
    if card.ending_text:
        lines.append(tr("card_ending", ending=card.ending_text))
    lines.append(tr("card_total", total=f"{card.total:g}") + " · " + verdict(card, lang))
    lines += ["", tr("card_steps")]
    names = {step: tr(f"step_{step}") for step in STEPS}
    width = max(display_width(name) for name in names.values())
    for step, score in card.weighed_steps():
        name = names[step] + " " * (width - display_width(names[step]))
        evidence = "; ".join(evidence_text(item, lang) for item in score.evidence) or "-"
        points = f"{score.score:g}/{score.max:g}"
        lines.append(f"  {name}  {points:>9}  {evidence}")
    lines += ["", tr("card_compliance", penalties=f"{card.penalties:g}")]
    lines += [f"  {violation_text(item, lang)}" for item in card.violations] or [
        "  " + tr("card_no_violations")
    ]
    order = order_line(card, lang)
    if order is not None:
        lines.append(order)
    lines.append(tr("card_mood", mood=" → ".join(f"{value:g}" for value in card.mood)))
    if card.coaching:
        lines += ["", tr("card_coaching")]
        lines += [f"  • {note.render(lang)}" for note in card.coaching]
    return lines
