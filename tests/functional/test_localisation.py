"""Textual's own words in the interface language: the command palette and its commands,
and the drop-down list's key."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandInput, CommandList
from textual.widgets._select import SelectOverlay

from tests.functional.helpers import PASSWORD, SIZE, organisation_with_learner, sign_in, type_text
from trainer.services.context import open_context
from trainer.settings import Settings
from trainer.ui.app import make_app
from trainer.ui.palette import TranslatedPalette


def _options(palette: TranslatedPalette) -> list[str]:
    listing = palette.query_one(CommandList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


async def test_the_command_palette_speaks_chinese(tmp_path: Path) -> None:
    context = open_context(Settings(data_dir=tmp_path / "data", language="zh"))
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "li-na", PASSWORD)
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, TranslatedPalette)
        footer_keys = [str(key.description) for key in app.screen_stack[-2].query("FooterKey")]
        assert "全部操作" in footer_keys and "palette" not in footer_keys
        assert palette.query_one(CommandInput).placeholder == "搜索操作…"

        await type_text(pilot, "退出")
        await pilot.pause(0.3)
        found = _options(palette)
        assert any("退出" in option and "关闭 trainer" in option for option in found)

        palette.query_one(CommandInput).value = "zzzz"
        await pilot.pause(1.0)  # Textual waits half a second before saying nothing matched
        assert any("没有匹配的操作" in option for option in _options(palette))
        text = "\n".join(_options(palette))
        for english in ("No matches found", "Quit", "Theme", "Keys", "Screenshot"):
            assert english not in text

        # the drop-down list's Escape is named in Chinese too
        bindings = SelectOverlay._merged_bindings
        assert bindings is not None
        (escape,) = bindings.key_to_bindings["escape"]
        assert escape.description == "关闭列表"
        await pilot.press("escape")
        await pilot.press("f2")  # English, everywhere at once
        await pilot.pause()
        (escape,) = bindings.key_to_bindings["escape"]
        assert escape.description == "Close the list"
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, TranslatedPalette)
        assert app.screen.query_one(CommandInput).placeholder == "Search for an action…"
