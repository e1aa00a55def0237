"""The lesson reader: a lesson's Markdown in the chosen language, its knowledge check (each
answer judged at once, never counted), and finishing it."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from trainer.ui.screens.base import TrainerScreen

if TYPE_CHECKING:
    from trainer.content.models import Lesson, Track


class LessonScreen(TrainerScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("d", "finish", "keys.finish_lesson"),
        Binding("n", "next_lesson", "keys.next_lesson"),
    ]

    def __init__(self, track_id: str, lesson_id: str) -> None:
        super().__init__()
        self.track_id = track_id
        self.lesson_id = lesson_id

    @property
    def track(self) -> Track:
        track = self.context.library.track(self.track_id)
        assert track is not None
        return track

    @property
    def lesson(self) -> Lesson:
        return next(lesson for lesson in self.track.lessons if lesson.id == self.lesson_id)

    def compose(self) -> ComposeResult:
        lang = self.trainer_app.tr.lang
        lesson = self.lesson
        yield Header()
        with VerticalScroll(id="lesson"):
            yield Static(
                f"{self.track.title.get(lang)} › {lesson.title.get(lang)}  "
                f"[dim]{self.t('track.minutes', minutes=lesson.minutes)}[/dim]",
                classes="muted",
            )
            yield Markdown(
                self.context.library.lesson_markdown(self.track_id, self.lesson_id, lang),
                id="lesson-body",
            )
            if lesson.check:
                yield Static(self.t("lesson.check_title"), classes="section-title")
                yield Static(self.t("lesson.check_hint"), classes="muted")
            for index, check in enumerate(lesson.check):
                yield Static(
                    f"[b]{index + 1}. {escape(check.question.get(lang))}[/b]",
                    id=f"check-question-{index}",
                )
                yield OptionList(
                    *(
                        Option(f"{chr(65 + n)}. {escape(option.text.get(lang))}", id=str(n))
                        for n, option in enumerate(check.options)
                    ),
                    id=f"check-{index}",
                    classes="lesson-check",
                )
                yield Static("", id=f"check-feedback-{index}")
            yield Static("", id="lesson-state")
        yield Footer(compact=True)

    def fill(self) -> None:
        person = self.trainer_app.signed_in_person
        done = self.lesson_id in self.context.progress.lessons_done(
            person, person.id, self.track_id
        )
        state = self.query_one("#lesson-state", Static)
        state.update(self.t("lesson.done") if done else self.t("lesson.finish_hint"))
        state.set_class(done, "ok")
        self.query_one("#lesson", VerticalScroll).focus()

    @on(OptionList.OptionSelected, ".lesson-check")
    def check_answered(self, event: OptionList.OptionSelected) -> None:
        """Say at once whether the answer is right, with the option's feedback and the
        question's explanation."""
        lang = self.trainer_app.tr.lang
        index = int((event.option_list.id or "check-0").removeprefix("check-"))
        check = self.lesson.check[index]
        chosen = check.options[int(event.option.id or 0)]
        right = next(option for option in check.options if option.correct)
        lines = [
            self.t("lesson.check_right")
            if chosen.correct
            else self.t("lesson.check_wrong", answer=right.text.get(lang))
        ]
        if chosen.feedback is not None:
            lines.append(chosen.feedback.get(lang))
        if check.explanation is not None:
            lines.append(check.explanation.get(lang))
        feedback = self.query_one(f"#check-feedback-{index}", Static)
        feedback.update(escape("\n".join(lines)))
        feedback.set_class(chosen.correct, "ok")

    def action_finish(self) -> None:
        self.context.progress.mark_lesson_done(
            self.trainer_app.signed_in_person, self.track, self.lesson_id
        )
        self.notify(
            self.t("lesson.recorded", title=self.lesson.title.get(self.trainer_app.tr.lang))
        )
        self.fill()

    def action_next_lesson(self) -> None:
        lessons = [lesson.id for lesson in self.track.lessons]
        position = lessons.index(self.lesson_id)
        if position + 1 >= len(lessons):
            self.notify(self.t("lesson.last"))
            return
        self.app.switch_screen(LessonScreen(self.track_id, lessons[position + 1]))
