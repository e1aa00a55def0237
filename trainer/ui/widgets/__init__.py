"""Widgets of the app, one per file."""

from trainer.ui.widgets.answer_area import AnswerArea

__all__ = ["AnswerArea"]
