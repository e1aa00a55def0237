"""What every screen of the app shares: typed access to the app, its services and strings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.screen import Screen

from trainer.services.context import TrainerContext
from trainer.ui.bindings import translate_bindings

if TYPE_CHECKING:
    from trainer.ui.app import TrainerApp


class TrainerScreen(Screen[None]):
    """Base screen: `self.t(key)` for strings, bindings described in the current language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # described before the footer first shows them: translating once mounted made the
        # footer build itself twice, a tenth of the time to the first screen
        translate_bindings(self, self.trainer_app.tr)

    @property
    def trainer_app(self) -> TrainerApp:
        return cast("TrainerApp", self.app)

    @property
    def context(self) -> TrainerContext:
        return self.trainer_app.context

    def t(self, key: str, /, **values: Any) -> str:
        """The UI string `key` in the current language."""
        return self.trainer_app.tr(key, **values)

    def on_mount(self) -> None:
        self.fill()

    def fill(self) -> None:
        """Put data into the composed widgets; runs after mounting and after recomposing."""

    async def recompose(self) -> None:
        """Rebuild after a language switch, bindings and data included."""
        translate_bindings(self, self.trainer_app.tr)
        await super().recompose()
        self.fill()
