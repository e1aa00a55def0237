"""The call itself: a chat log, the customer's mood, the reply timer, and the agent's turn as
free text (Chinese input works) or numbered options.

Each turn is saved by the service before the customer answers, so leaving (Escape) or a
closed terminal loses nothing: the run resumes from its brief. Practice mode adds a live
four-step checklist, what each turn earned or cost, and hints; exam mode shows none of them.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from trainer.content.models import STEPS
from trainer.services.roleplay.describe import rule_label
from trainer.services.roleplay.engine import TranscriptError
from trainer.services.roleplay.scorecard import TurnRecord
from trainer.services.roleplay.service import LiveRun, RolePlayError
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.widgets import MoodMeter
from trainer.ui.widgets.hanging import Hanging


class RolePlayScreen(TrainerScreen):
    CSS_PATH = "roleplay.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "hint", "keys.hint"),
        Binding("ctrl+r", "restart", "keys.restart_practice"),
        Binding("escape", "leave", "keys.leave_call"),
        *(Binding(str(n), f"pick({n})", show=False) for n in range(1, 10)),
    ]

    def __init__(self, live: LiveRun) -> None:
        super().__init__()
        self.live = live
        self.turn_started = time.monotonic()

    @property
    def practice(self) -> bool:
        return self.live.record.mode == "practice"

    def compose(self) -> ComposeResult:
        lang = self.live.record.lang
        scenario = self.live.scenario
        yield Header()
        with Vertical(id="call"):
            with Horizontal(id="call-bar"):
                yield Static(
                    f"[b]{escape(scenario.title.get(lang))}[/b] · "
                    f"{self.t(f'roleplay.mode_{self.live.record.mode}')}",
                    id="call-title",
                )
                yield Static("", id="call-timer")
            yield MoodMeter(self.t("roleplay.mood"), id="mood")
            if self.practice:
                yield Static("", id="checklist")
            with Horizontal(id="call-body"):
                yield VerticalScroll(id="chat")
                if scenario.record:
                    yield Static(self._record_text(), id="customer-record")
            yield Static("", id="turn-help", classes="muted")
            yield Input(placeholder=self.t("roleplay.reply_hint"), id="reply")
            yield OptionList(id="choices")
        yield Footer(compact=True)

    def fill(self) -> None:
        chat = self.query_one("#chat", VerticalScroll)
        chat.remove_children()
        for turn in self.live.play.turns:
            self._add_exchange(turn)
        self._show_state()
        if self.live.play.node is not None:
            self._say_customer(self.live.play.customer_line)
        self.set_interval(1, self._tick)

    # ------------------------------------------------------------ display

    def _record_text(self) -> str:
        """The customer record panel: what the agent's system shows (secrets as written, or
        masked where the scenario says so); reading a secret out on the call is fatal."""
        lang = self.live.record.lang
        scenario = self.live.scenario
        lines = [f"[b]{escape(self.t('roleplay.record_title'))}[/b]"]
        for item in scenario.record:
            if item.secret is not None:
                value = scenario.secrets.get(item.secret, "")
                value = masked(value) if item.masked else value
            else:
                value = item.value.get(lang) if item.value else ""
            lines.append(f"[dim]{escape(item.label.get(lang))}[/dim] {escape(value)}")
        return "\n".join(lines)

    def option_order(self) -> list[int]:
        """The current node's options as shown: shuffled once per run and node (the same
        order when the call resumes), listed by their authored numbers."""
        node = self.live.play.node
        if node is None or node.input != "choice":
            return []
        order = list(range(1, len(node.options) + 1))
        random.Random(f"{self.live.record.id}:{node.id}").shuffle(order)
        return order

    def _line(self, who: str, text: str, classes: str) -> Static:
        return Static(f"[b]{escape(who)}[/b]  {escape(text)}", classes=f"chat-line {classes}")

    def _say_customer(self, text: str) -> None:
        name = self.live.scenario.persona.name.get(self.live.record.lang)
        chat = self.query_one("#chat", VerticalScroll)
        if text:
            chat.mount(self._line(name, text, "customer"))
        else:  # the agent opens the call
            chat.mount(Static(f"[dim]{escape(self.t('roleplay.line_connects'))}[/dim]"))
        chat.scroll_end(animate=False)
        self.turn_started = time.monotonic()

    def _add_exchange(self, turn: TurnRecord) -> None:
        """A past turn: the customer's line, the agent's reply, and in practice what it did."""
        chat = self.query_one("#chat", VerticalScroll)
        name = self.live.scenario.persona.name.get(self.live.record.lang)
        if turn.customer:
            chat.mount(self._line(name, turn.customer, "customer"))
        chat.mount(self._line(self.t("roleplay.you"), turn.text, "agent"))
        if self.practice:
            for note in self._turn_notes(turn):
                chat.mount(Static(note, classes="chat-note"))

    def _turn_notes(self, turn: TurnRecord) -> list[str]:
        notes = []
        earned = [e for e in turn.evidence if e.points > 0 and e.step in STEPS]
        if earned:
            parts = ", ".join(
                self.t(f"roleplay.step_{e.step}")
                + (f"·{self.t(f'roleplay.act_{e.act}')}" if e.act else "")
                + f" +{e.points:g}"
                for e in earned
            )
            notes.append(f"[green]✓ {escape(parts)}[/green]")
        for violation in turn.violations:
            cost = (
                self.t("roleplay.card_fatal_rule") if violation.fatal else f"−{violation.penalty:g}"
            )
            words = f" “{violation.text}”" if violation.text else ""
            name = violation.label or rule_label(violation.rule, self.trainer_app.tr.lang)
            line = f"⚠ {name}{words} {cost}"
            if violation.better:
                line += " → " + violation.better
            notes.append(f"[red]{escape(line)}[/red]")
        if turn.feedback:
            notes.append(f"[i]{escape(turn.feedback)}[/i]")
        if turn.timed_out:
            notes.append(f"[yellow]{escape(self.t('roleplay.timed_out_note'))}[/yellow]")
        return notes

    def _show_state(self) -> None:
        play = self.live.play
        self.query_one(MoodMeter).show(play.mood_history)
        if self.practice:
            done = play.step_done()
            marks = "  ".join(
                f"{'☑' if done[step] else '☐'} {self.t(f'roleplay.step_{step}')}" for step in STEPS
            )
            hints = self.t("roleplay.hints_left", left=self.live.hints_left)
            self.query_one("#checklist", Static).update(f"{marks}   [dim]{hints}[/dim]")
        node = play.node
        reply = self.query_one("#reply", Input)
        choices = self.query_one("#choices", OptionList)
        help_line = self.query_one("#turn-help", Static)
        if node is None:
            reply.display = choices.display = False
            return
        lang = self.live.record.lang
        if node.input == "choice":
            reply.display = False
            choices.display = True
            choices.clear_options()
            for position, number in enumerate(self.option_order(), start=1):
                text = node.options[number - 1].text.get(lang)
                # the number apart, the option's text wrapping under itself
                choices.add_option(
                    Option(Hanging(f"{position}.", text, joiner="\u00a0"), id=str(number))
                )
            choices.highlighted = 0
            choices.focus()
            help_line.update(self.t("roleplay.choice_help"))
        else:
            choices.display = False
            reply.display = True
            reply.value = ""
            reply.focus()
            help_line.update(self.t("roleplay.free_text_help"))
        self.refresh_bindings()

    def _tick(self) -> None:
        limit = self.live.scenario.reply_seconds
        timer = self.query_one("#call-timer", Static)
        if limit is None or self.live.finished:
            timer.update("")
            return
        left = limit - int(time.monotonic() - self.turn_started)
        if left > 0:
            timer.update(self.t("roleplay.timer", seconds=left))
        else:
            timer.update(f"[red]{escape(self.t('roleplay.time_up'))}[/red]")

    # ------------------------------------------------------------ the agent's turn

    def _elapsed(self) -> float:
        return round(time.monotonic() - self.turn_started, 1)

    @on(Input.Submitted, "#reply")
    def send(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.notify(self.t("roleplay.empty_reply"), severity="warning")
            return
        self._play(lambda: self.live.say(text, self._elapsed()))

    @on(OptionList.OptionSelected, "#choices")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self._pick(int(event.option.id))

    def action_pick(self, position: int) -> None:
        """A number key: the option shown at that position."""
        order = self.option_order()
        if 1 <= position <= len(order):
            self._pick(order[position - 1])

    def _pick(self, number: int) -> None:
        """The option of authored number `number` (what transcripts and tests refer to)."""
        node = self.live.play.node
        if node is None or node.input != "choice" or number > len(node.options):
            return
        self._play(lambda: self.live.pick(number, self._elapsed()))

    def _play(self, turn: Callable[[], TurnRecord]) -> None:
        try:
            record = turn()
        except TranscriptError as error:
            self.notify(self.t(error.catalog_key, **error.values), severity="error")
            return
        chat = self.query_one("#chat", VerticalScroll)
        chat.mount(self._line(self.t("roleplay.you"), record.text, "agent"))
        if self.practice:
            for note in self._turn_notes(record):
                chat.mount(Static(note, classes="chat-note"))
        self._show_state()
        if self.live.finished:
            self._finish()
        else:
            self._say_customer(self.live.play.customer_line)

    def _finish(self) -> None:
        from trainer.ui.screens.roleplay_result import RolePlayResultScreen

        ending = self.live.play.ending_text() or self.t("roleplay.hung_up")
        self.query_one("#chat", VerticalScroll).mount(
            Static(f"[b]— {escape(ending)} —[/b]", classes="chat-ending")
        )
        self.app.switch_screen(
            RolePlayResultScreen(self.live.person_id, self.live.record.id, just_finished=True)
        )

    # ------------------------------------------------------------ other keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("hint", "restart"):
            return self.practice and not self.live.finished
        return True

    def action_hint(self) -> None:
        try:
            hint = self.live.hint()
        except RolePlayError as error:
            self.notify(self.t(error.catalog_key, **error.values), severity="warning")
            return
        chat = self.query_one("#chat", VerticalScroll)
        chat.mount(Static(f"[yellow]💡 {escape(hint)}[/yellow]", classes="chat-note"))
        chat.scroll_end(animate=False)
        self._show_state()

    def action_restart(self) -> None:
        person = self.trainer_app.signed_in_person
        live = self.context.roleplays.start(
            person, self.live.record.scenario, "practice", self.live.record.lang
        )
        self.app.switch_screen(RolePlayScreen(live))

    def action_leave(self) -> None:
        self.notify(self.t("roleplay.left_open"))
        self.app.pop_screen()


def masked(value: str) -> str:
    """138****1234, 青年****: enough to recognise, not enough to read out."""
    plain = value.replace(" ", "")
    if len(plain) >= 8:
        return plain[:3] + "*" * (len(plain) - 7) + plain[-4:]
    return plain[:2] + "*" * max(2, len(plain) - 2)
