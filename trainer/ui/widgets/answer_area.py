"""Where a learner answers one exam question, whatever its type.

The area shows the right control for the question (a list to pick from, a list to tick, a text
box, one drop-down per matching item) and posts `AnswerArea.Answered` with the answer in the
stored form (see `trainer.services.marking`) every time it changes. The screen saves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, OptionList, Select, SelectionList, Static
from textual.widgets.option_list import Option

from trainer.content.models import Matching, MultipleChoice, Question, SingleChoice, TrueFalse
from trainer.i18n import Translator
from trainer.services.review import LETTERS

TYPING_PAUSE_SECONDS = 0.6


class AnswerArea(Vertical):
    DEFAULT_CSS = """
    AnswerArea { height: auto; }
    AnswerArea OptionList, AnswerArea SelectionList { height: auto; max-height: 12; }
    AnswerArea .pair { height: auto; margin-bottom: 1; }
    AnswerArea .pair-left { width: 1fr; padding: 1 1 0 0; }
    AnswerArea .pair Select { width: 2fr; }
    """

    @dataclass
    class Answered(Message):
        area: AnswerArea
        key: str
        answer: Any

        @property
        def control(self) -> AnswerArea:
            return self.area

    def __init__(
        self, key: str, question: Question, order: list[int], answer: Any, tr: Translator
    ) -> None:
        super().__init__()
        self.key = key
        self.question = question
        self.order = order
        self.answer = answer
        self.tr = tr
        self._typing_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        question, lang = self.question, self.tr.lang
        if isinstance(question, SingleChoice):
            yield OptionList(
                *(
                    Option(f"{LETTERS[n]}. {question.options[i].text.get(lang)}", id=str(i))
                    for n, i in enumerate(self.order)
                ),
                id="choices",
            )
        elif isinstance(question, MultipleChoice):
            chosen = {int(i) for i in (self.answer or [])}
            yield SelectionList[int](
                *(
                    (f"{LETTERS[n]}. {question.options[i].text.get(lang)}", i, i in chosen)
                    for n, i in enumerate(self.order)
                ),
                id="ticks",
            )
        elif isinstance(question, TrueFalse):
            yield OptionList(
                Option(f"A. {self.tr('exam.true')}", id="true"),
                Option(f"B. {self.tr('exam.false')}", id="false"),
                id="choices",
            )
        elif isinstance(question, Matching):
            current = {int(k): int(v) for k, v in dict(self.answer or {}).items()}
            rights = [(question.pairs[i].right.get(lang), i) for i in self.order]
            for left, pair in enumerate(question.pairs):
                with Horizontal(classes="pair"):
                    yield Static(f"{left + 1}. {pair.left.get(lang)}", classes="pair-left")
                    yield Select(
                        rights,
                        prompt=self.tr("exam.match_prompt"),
                        value=current.get(left, Select.NULL),
                        id=f"pair-{left}",
                    )
        else:
            yield Input(
                "" if self.answer is None else str(self.answer),
                placeholder=self.tr("exam.type_answer"),
                id="typed",
            )

    def on_mount(self) -> None:
        choices = self.query("#choices")
        if choices:
            listing = choices.first(OptionList)
            if isinstance(self.question, TrueFalse) and self.answer is not None:
                listing.highlighted = 0 if self.answer else 1
            elif self.answer is not None and str(self.answer) in [o.id for o in listing.options]:
                listing.highlighted = [o.id for o in listing.options].index(str(self.answer))

    def focus_answer(self) -> None:
        for widget in self.query("OptionList, SelectionList, Input, Select"):
            widget.focus()
            return

    def _post(self, answer: Any) -> None:
        self.answer = answer
        self.post_message(self.Answered(self, self.key, answer))

    def pick(self, number: int) -> None:
        """Choose (or, in multiple choice, tick) the option shown as `number` (1-based)."""
        if number > len(self.order) and not isinstance(self.question, TrueFalse):
            return
        if isinstance(self.question, MultipleChoice):
            self.query_one("#ticks", SelectionList).toggle(self.order[number - 1])
        elif isinstance(self.question, SingleChoice | TrueFalse):
            listing = self.query_one("#choices", OptionList)
            if number <= listing.option_count:
                listing.highlighted = number - 1
                listing.action_select()

    @on(OptionList.OptionSelected, "#choices")
    def chose(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        self._post(option_id == "true" if isinstance(self.question, TrueFalse) else int(option_id))

    @on(SelectionList.SelectedChanged, "#ticks")
    def ticked(self, event: SelectionList.SelectedChanged[int]) -> None:
        event.stop()
        self._post(sorted(event.selection_list.selected))

    @on(Input.Changed, "#typed")
    def typing(self, event: Input.Changed) -> None:
        """Save typed answers once the typing pauses, not at every key."""
        event.stop()
        if self._typing_timer is not None:
            self._typing_timer.stop()
        self._typing_timer = self.set_timer(TYPING_PAUSE_SECONDS, self.flush)

    @on(Input.Submitted, "#typed")
    def typed(self, event: Input.Submitted) -> None:
        event.stop()
        self.flush()

    def flush(self) -> None:
        """Post a typed answer not yet posted (the screen calls this before moving on)."""
        if self._typing_timer is not None:
            self._typing_timer.stop()
            self._typing_timer = None
        typed = self.query("#typed")
        if not typed:
            return
        value = typed.first(Input).value.strip()
        if value != (str(self.answer) if self.answer is not None else ""):
            self._post(value or None)

    @on(Select.Changed)
    def matched(self, event: Select.Changed) -> None:
        event.stop()
        pairs = {}
        for left in range(len(self.question.pairs)):  # type: ignore[union-attr]
            value = self.query_one(f"#pair-{left}", Select).value
            if isinstance(value, int):
                pairs[str(left)] = value
        self._post(pairs or None)
