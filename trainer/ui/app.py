"""The Textual application: routing between screens, global keys, language and theme.

Screens do the work; this class only knows which screen comes first, who is signed in, and
how to switch language for every screen at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType

from trainer import __version__
from trainer.i18n import Translator
from trainer.services.context import TrainerContext
from trainer.storage.files import StorageError
from trainer.ui.bindings import shown_actions, translate_bindings
from trainer.ui.commands import ScreenActions
from trainer.ui.linebreak import install as install_line_breaking
from trainer.ui.palette import TranslatedPalette, translate_textual_menus

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.screen import Screen

    from trainer.storage.records import Person
    from trainer.ui.screens.sign_in import SignInScreen


install_line_breaking()  # Chinese lines break between characters, never before "，" or "。"


class ExplainedError(Exception):
    """An error whose whole story is one sentence: shown as it is, without a traceback."""

    def __rich__(self) -> str:
        return str(self)


class TrainerApp(App[None]):
    """trainer's app. Build it with `make_app`, as the CLI and the tests do."""

    CSS_PATH = "app.tcss"
    TITLE = "trainer"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "keys.help"),
        Binding("f2", "toggle_language", "keys.language", priority=True),
        # Ctrl+Q is every Textual app's quit; the help lists it, the footer keeps its room
        Binding("ctrl+q", "quit", "keys.quit", priority=True, show=False),
        # declared here, Textual adds no palette binding of its own (named "palette")
        Binding("ctrl+p", "command_palette", "keys.palette", priority=True, show=False),
    ]
    COMMANDS = App.COMMANDS | {ScreenActions}
    # every screen gets "-short" below 30 rows, so the styles can fold a screen into an
    # 80x24 terminal (app.tcss) and keep it roomy where there is room
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012 (App types it so)

    def __init__(
        self,
        context: TrainerContext,
        notice: str | None = None,
        served: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.context = context
        self.notice = notice
        """A sentence to show once the first screen is up (how to sign in to the demo)."""
        self.served = served
        """Run for a browser by `trainer serve`: whoever opens the page first must not become
        the organisation's trainer, so the first-run setup is left to the host's terminal."""
        self.tr = Translator(context.settings.language)
        translate_bindings(self, self.tr)
        translate_textual_menus(self.tr)
        self.user: Person | None = None
        self.theme = context.settings.theme
        self.sub_title = __version__
        self.title = context.directory.organisation_name() or "trainer"

    def get_default_screen(self) -> SignInScreen:
        # The sign-in screen is the bottom of the stack: a session is pushed over it and
        # signing out pops back to it. Composed as the first screen rather than pushed over
        # an empty default one, it is up ~60 ms sooner (bench/startup.py).
        from trainer.ui.screens.sign_in import SignInScreen

        return SignInScreen()

    def on_mount(self) -> None:
        if self.context.directory.needs_setup():
            if self.served:
                from trainer.ui.screens.no_organisation import NoOrganisationScreen

                self.push_screen(NoOrganisationScreen())
            else:
                from trainer.ui.screens.setup import SetupScreen

                self.push_screen(SetupScreen())
        if self.notice:
            self.notify(self.notice, timeout=20)

    @property
    def signed_in_person(self) -> Person:
        """The person signed in; screens past sign-in may rely on there being one."""
        if self.user is None:
            raise RuntimeError("nobody is signed in")
        return self.user

    def signed_in(self, person: Person) -> None:
        """Called by the sign-in and setup screens: go to the person's home, as they left it."""
        from trainer.ui.screens.home import HomeScreen

        self.user = person
        self.title = self.context.directory.organisation_name() or "trainer"
        if person.language and person.language != self.tr.lang:
            self.tr = Translator(person.language)
            translate_bindings(self, self.tr)
            translate_textual_menus(self.tr)
        translate_textual_menus(self.tr)
        if person.theme and person.theme in self.available_themes:
            self.theme = person.theme
        self._back_to_sign_in()  # the first-run wizard, when it was the way in
        self.push_screen(HomeScreen())

    def watch_theme(self, theme: str) -> None:
        """Remember the theme picked (from the command palette) for the person signed in."""
        if self.user is not None and self.user.theme != theme:
            self.user = self.context.accounts.set_preferences(self.user, theme=theme)

    async def action_quit(self) -> None:
        """Ctrl+Q: quit, after the same question as leaving the bank editor when any open
        screen holds unsaved work (the bank editor, a question or note being edited, a
        person's form)."""
        from trainer.ui.dialogs import ConfirmDialog

        if isinstance(self.screen, ConfirmDialog) and self.screen.id == QUIT_DIALOG:
            return  # asked already
        if not any(holds_unsaved_work(screen) for screen in self.screen_stack):
            self.exit()
            return

        def confirmed(answer: bool | None) -> None:
            if answer:
                self.exit()

        dialog = ConfirmDialog(self.tr, self.tr("dialog.confirm_quit"))
        dialog.id = QUIT_DIALOG
        self.push_screen(dialog, confirmed)

    def action_help(self) -> None:
        from trainer.ui.dialogs import HelpDialog

        if isinstance(self.screen, HelpDialog):
            return
        keys = {shown.key: shown.description for shown in shown_actions(self.screen, self)}
        keys.setdefault("^p", self.tr("keys.palette"))
        keys.setdefault("^q", self.tr("keys.quit"))
        self.push_screen(HelpDialog(self.tr, list(keys.items()), self._about()))

    def action_about(self) -> None:
        from trainer.ui.dialogs import AboutDialog

        self.push_screen(AboutDialog(self.tr, *self._about()))

    def _about(self) -> tuple[str, str]:
        settings = self.context.settings
        roots = "\n  ".join(str(root) for root in settings.all_content_roots())
        where = self.tr("about.where", data=settings.data_dir, roots=roots)
        return __version__, where

    def sign_out(self) -> None:
        self.user = None
        self._back_to_sign_in().reset()

    def _back_to_sign_in(self) -> SignInScreen:
        """Close every screen above the sign-in screen, the bottom one, and return it."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        return cast("SignInScreen", self.screen_stack[0])

    def action_command_palette(self) -> None:
        if self.use_command_palette and not TranslatedPalette.is_open(cast("App[object]", self)):
            self.push_screen(TranslatedPalette(self.tr))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own palette commands, named in the interface language."""
        for command in super().get_system_commands(screen):
            key = _SYSTEM_COMMANDS.get(command.title)
            if key is None:
                yield command
                continue
            help_key = f"palette.{key}_help"
            if command.title == "Keys" and screen.query("HelpPanel"):
                help_key = "palette.keys_hide_help"
            yield SystemCommand(self.tr(f"palette.{key}"), self.tr(help_key), command.callback)

    def _handle_exception(self, error: Exception) -> None:
        # Textual ends the app on an unhandled error and prints a traceback, unless the error
        # can render itself. A damaged or busy data file is the person's to fix, so it ends
        # the app with the one sentence that says how, in the interface language.
        if isinstance(error, StorageError):
            error = ExplainedError(self.tr(error.catalog_key, **error.values))
        super()._handle_exception(error)

    async def action_toggle_language(self) -> None:
        self.tr = Translator("en" if self.tr.lang == "zh" else "zh")
        translate_bindings(self, self.tr)
        translate_textual_menus(self.tr)
        if self.user is not None:
            self.user = self.context.accounts.set_preferences(self.user, language=self.tr.lang)
        for screen in self.screen_stack:
            if screen.is_mounted:
                await screen.recompose()


QUIT_DIALOG = "confirm-quit"


def holds_unsaved_work(screen: object) -> bool:
    """Whether `screen` says it holds work that quitting would lose. A screen or dialog with
    something to lose has a `has_unsaved_work()` method; the rest have nothing to lose."""
    check = getattr(screen, "has_unsaved_work", None)
    return bool(check()) if callable(check) else False


# Textual's system commands by their English titles, to their catalog keys
_SYSTEM_COMMANDS = {
    "Theme": "theme",
    "Quit": "quit",
    "Keys": "keys",
    "Minimize": "minimize",
    "Maximize": "maximize",
    "Screenshot": "screenshot",
}


def make_app(
    context: TrainerContext, notice: str | None = None, served: bool = False
) -> TrainerApp:
    """The one app factory, used by `trainer` and by the tests."""
    return TrainerApp(context, notice=notice, served=served)
