"""Where a learner answers one exam question, whatever its type.

The area shows the right control for the question (a list to pick from or to tick, each option
marked ● / ○ or [x] / [ ] and the choice said in words below it; a text box; one drop-down per
matching item) and posts `AnswerArea.Answered` with the answer in the
stored form (see `trainer.services.marking`) every time it changes. The screen saves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from trainer.content.models import (
    Matching,
    MultipleChoice,
    Numerical,
    Question,
    SingleChoice,
    TrueFalse,
)
from trainer.i18n import Translator
from trainer.services.marking import number_in
from trainer.services.review import LETTERS
from trainer.ui.widgets.hanging import Hanging

TYPING_PAUSE_SECONDS = 0.6

# What the learner chose is shown by a mark, not by colour or the cursor alone: the cursor
# moves with the arrows, the mark only when an option is chosen.
CHOSEN, NOT_CHOSEN = "●", "○"
TICKED, NOT_TICKED = "[x]", "[ ]"

# While typing a numerical answer: a sign, digits (also full-width or Chinese numerals), one
# decimal point or thousands commas, then a unit in letters or Chinese ("24小时", "10%").
_NUMERAL = r"0-9０-９零〇一二两三四五六七八九十百千万亿点"
NUMBER_AS_TYPED = (
    rf"[+\-－]?(?:[{_NUMERAL}][{_NUMERAL}.,．，]*(?:\s?[%％‰A-Za-z\u3400-\u9fff ]{{0,16}})?)?"
)


class AnswerArea(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "choose_highlighted", show=False),  # ticks in multiple choice
    ]

    DEFAULT_CSS = """
    AnswerArea { height: auto; }
    AnswerArea OptionList { height: auto; max-height: 12; }
    AnswerArea .pair { height: auto; margin-bottom: 1; }
    AnswerArea .pair-number { width: auto; padding: 1 1 0 0; }
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
        if isinstance(question, SingleChoice | MultipleChoice | TrueFalse):
            yield OptionList(*self._options(), id="choices")
            yield Static(self._chosen_text(), id="chosen", classes="muted")
        elif isinstance(question, Matching):
            current = {int(k): int(v) for k, v in dict(self.answer or {}).items()}
            rights = [(question.rights[i].get(lang), i) for i in self.order]
            for left, pair in enumerate(question.pairs):
                with Horizontal(classes="pair"):
                    # the number apart, so the item's text wraps under itself
                    yield Static(f"{left + 1}.", classes="pair-number")
                    yield Static(pair.left.get(lang), classes="pair-left", markup=False)
                    yield Select(
                        rights,
                        prompt=self.tr("exam.match_prompt"),
                        value=current.get(left, Select.NULL),
                        id=f"pair-{left}",
                    )
        else:
            numerical = isinstance(question, Numerical)
            # Coming back to a typed answer keeps it, the cursor at its end: typing adds to
            # it (to correct one character, as in any text box) instead of wiping it out.
            yield Input(
                "" if self.answer is None else str(self.answer),
                placeholder=self.tr("exam.type_number" if numerical else "exam.type_answer"),
                restrict=NUMBER_AS_TYPED if numerical else None,
                select_on_focus=False,
                id="typed",
            )
            if numerical:
                yield Static(self._number_text(self.answer), id="number-read", classes="muted")

    # ------------------------------------------------------------ choices

    def _choices(self) -> list[tuple[str, str]]:
        """(option id, text) in display order."""
        question, lang = self.question, self.tr.lang
        if isinstance(question, TrueFalse):
            return [("true", self.tr("exam.true")), ("false", self.tr("exam.false"))]
        assert isinstance(question, SingleChoice | MultipleChoice)
        return [(str(i), question.options[i].text.get(lang)) for i in self.order]

    def _chosen_ids(self) -> set[str]:
        if self.answer is None:
            return set()
        if isinstance(self.question, TrueFalse):
            return {"true" if self.answer else "false"}
        if isinstance(self.question, MultipleChoice):
            return {str(i) for i in self.answer}
        return {str(self.answer)}

    def _options(self) -> list[Option]:
        chosen = self._chosen_ids()
        multiple = isinstance(self.question, MultipleChoice)
        on, off = (TICKED, NOT_TICKED) if multiple else (CHOSEN, NOT_CHOSEN)
        return [
            Option(Hanging(f"{on if option_id in chosen else off} {LETTERS[n]}.", text), option_id)
            for n, (option_id, text) in enumerate(self._choices())
        ]

    def _chosen_text(self) -> str:
        chosen = self._chosen_ids()
        letters = [LETTERS[n] for n, (i, _) in enumerate(self._choices()) if i in chosen]
        if not letters:
            return self.tr("exam.not_answered")
        return self.tr("exam.chosen", letters=", ".join(letters))

    def _show_choice(self) -> None:
        listing = self.query_one("#choices", OptionList)
        for option in self._options():
            assert option.id is not None
            listing.replace_option_prompt(option.id, option.prompt)
        self.query_one("#chosen", Static).update(self._chosen_text())

    def on_mount(self) -> None:
        choices = self.query("#choices")
        if choices:
            listing = choices.first(OptionList)
            ids = [option_id for option_id, _ in self._choices()]
            chosen = [index for index, i in enumerate(ids) if i in self._chosen_ids()]
            listing.highlighted = chosen[0] if chosen else 0

    def focus_answer(self) -> None:
        for widget in self.query("OptionList, Input, Select"):
            widget.focus()
            return

    def _post(self, answer: Any) -> None:
        self.answer = answer
        self.post_message(self.Answered(self, self.key, answer))

    def pick(self, number: int) -> None:
        """Choose (or, in multiple choice, tick or untick) the option shown as `number`
        (1-based: 1 is A)."""
        choices = self.query("#choices")
        if not choices:
            return
        listing = choices.first(OptionList)
        if 1 <= number <= listing.option_count:
            listing.highlighted = number - 1
            listing.action_select()

    def action_choose_highlighted(self) -> None:
        for listing in self.query("#choices").results(OptionList):
            listing.action_select()

    @on(OptionList.OptionSelected, "#choices")
    def chose(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if isinstance(self.question, TrueFalse):
            self._post(option_id == "true")
        elif isinstance(self.question, MultipleChoice):
            ticked = {int(i) for i in self._chosen_ids()} ^ {int(option_id)}
            self._post(sorted(ticked) or None)
        else:
            self._post(int(option_id))
        self._show_choice()

    @on(Input.Changed, "#typed")
    def typing(self, event: Input.Changed) -> None:
        """Save typed answers once the typing pauses, not at every key."""
        event.stop()
        if self.query("#number-read"):
            self.query_one("#number-read", Static).update(self._number_text(event.value))
        if self._typing_timer is not None:
            self._typing_timer.stop()
        self._typing_timer = self.set_timer(TYPING_PAUSE_SECONDS, self.flush)

    def _number_text(self, typed: Any) -> str:
        """What a numerical answer will be marked as, shown while it is typed."""
        if typed is None or not str(typed).strip():
            return self.tr("exam.number_empty")
        number = number_in(str(typed))
        if number is None:
            return self.tr("exam.number_unread")
        return self.tr("exam.number_read", number=f"{number:g}")

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
