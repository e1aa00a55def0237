"""Widgets of the app, one per file."""

from trainer.ui.widgets.answer_area import AnswerArea
from trainer.ui.widgets.bar_chart import BarChart
from trainer.ui.widgets.hanging import Hanging
from trainer.ui.widgets.mentee_table import MenteeTable
from trainer.ui.widgets.mood_meter import MoodMeter

__all__ = ["AnswerArea", "BarChart", "Hanging", "MenteeTable", "MoodMeter"]
