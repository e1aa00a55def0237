"""Driving the real app: the first-run wizard, signing in, home, switching language."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, ProgressBar

from tests.functional.helpers import (
    FRONTLINE_LESSONS,
    PASSWORD,
    SIZE,
    organisation_with_learner,
    screen_text,
    sign_in,
    type_text,
)
from trainer.cli import main
from trainer.services.context import TrainerContext, open_context
from trainer.settings import Settings
from trainer.ui.app import ExplainedError, make_app
from trainer.ui.screens import HomeScreen, NoOrganisationScreen, SetupScreen, SignInScreen


async def test_first_run_wizard_creates_the_organisation_and_the_first_trainer(
    data_dir: Path,
) -> None:
    context = open_context(Settings(data_dir=data_dir, language="en"))
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert "Welcome to trainer" in screen_text(app)
        app.screen.query_one("#organisation").focus()
        await type_text(pilot, "Galaxy Mart")
        await pilot.press("enter")
        await type_text(pilot, "Chen Jing")
        await pilot.press("enter")
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await type_text(pilot, "different")
        await pilot.press("enter")
        await pilot.pause()
        assert "The two passwords differ." in screen_text(app)
        assert isinstance(app.screen, SetupScreen)
        field = app.screen.query_one("#password-again")
        field.value = ""  # type: ignore[attr-defined]
        field.focus()
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "Welcome, Chen Jing" in screen_text(app)
        # signing out leads to the sign-in screen, not back into the wizard
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and len(app.screen_stack) == 1
        people = app.screen.query_one("#people", OptionList)
        assert [str(people.get_option_at_index(0).prompt)] == ["Chen Jing  (chen-jing)"]
    # what the wizard wrote is really in the roster
    fresh = open_context(Settings(data_dir=data_dir))
    assert fresh.accounts.organisation_name() == "Galaxy Mart"
    assert fresh.accounts.sign_in(fresh.accounts.people()[0].id, PASSWORD).has_role("trainer")


async def test_a_served_app_never_offers_the_first_run_wizard(data_dir: Path) -> None:
    # `trainer serve` starts each browser's app with --served: the first visitor must not
    # become the organisation's trainer
    context = open_context(Settings(data_dir=data_dir, language="en"))
    app = make_app(context, served=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NoOrganisationScreen)
        assert app.screen.query_one("#how-to-set-up").render() == (
            "Nobody can sign in here yet: the organisation is created on the server, with "
            "`trainer user add NAME --role trainer --organisation ORGANISATION`."
        )
        await pilot.press("escape", "enter", "tab", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NoOrganisationScreen)  # no way past it
        assert not any(isinstance(screen, SetupScreen) for screen in app.screen_stack)
    assert open_context(Settings(data_dir=data_dir)).directory.needs_setup()


async def test_sign_in_search_wrong_then_right_password(context: TrainerContext) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "李", "wrong password")
        assert isinstance(app.screen, SignInScreen)
        assert "Wrong password. 4 more wrong tries" in screen_text(app)
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert "Welcome, 李娜 (learner)" in text
        assert "Frontline agent" in text
        assert f"Lessons done: 1 of {FRONTLINE_LESSONS}" in text
        bar = app.screen.query_one("#track-frontline ProgressBar", ProgressBar)
        assert (bar.progress, bar.total) == (1, FRONTLINE_LESSONS)


async def test_lockout_after_five_wrong_passwords_survives_a_new_app(
    context: TrainerContext,
) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "li-na", "wrong 1")
        for attempt in range(2, 6):
            await type_text(pilot, f"wrong {attempt}")
            await pilot.press("enter")
            await pilot.pause()
        assert "locked for 5 more minute(s)" in screen_text(app)
    again = make_app(open_context(context.settings))
    async with again.run_test(size=SIZE) as pilot:
        await sign_in(again, pilot, "li-na", PASSWORD)
        assert isinstance(again.screen, SignInScreen)
        assert "this account is locked" in screen_text(again)


async def test_language_switch_changes_the_screen_and_the_footer(context: TrainerContext) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Sign in" in screen_text(app)
        await pilot.press("f2")
        await pilot.pause()
        assert "登录" in screen_text(app) and "Sign in" not in screen_text(app)
        descriptions = {
            binding.description for _, binding, _, _ in app.screen.active_bindings.values()
        }
        assert "清空搜索" in descriptions and "English" in descriptions
        await sign_in(app, pilot, "li", PASSWORD)
        assert "欢迎，李娜（学员）" in screen_text(app)
        assert f"已完成课程：1 / {FRONTLINE_LESSONS}" in screen_text(app)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)


async def test_signing_out_and_in_as_someone_else_leaves_nothing_typed_behind(
    context: TrainerContext,
) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "li-na", PASSWORD)
        assert isinstance(app.screen, HomeScreen)
        # the sign-in screen waits beneath the session, holding no password
        beneath = app.screen_stack[0]
        assert isinstance(beneath, SignInScreen)
        assert beneath.query_one("#password", Input).value == ""
        assert beneath.query_one("#search", Input).value == ""
        await pilot.press("f2")  # the session switches to Chinese ...
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert app.screen is beneath and app.user is None
        assert "登录" in screen_text(app)  # ... and so does the sign-in screen it returns to
        people = app.screen.query_one("#people", OptionList)
        assert people.option_count == 2 and people.highlighted == 0
        await sign_in(app, pilot, "chen", PASSWORD)
        assert isinstance(app.screen, HomeScreen)
        assert app.signed_in_person.id == "chen"


async def test_a_damaged_record_file_is_one_sentence_at_sign_in_and_others_go_on(
    context: TrainerContext,
) -> None:
    organisation_with_learner(context)
    damaged = context.store.people_dir / "li-na.json"
    damaged.write_bytes(b"[1, 2]")
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "li-na", PASSWORD)
        assert isinstance(app.screen, SignInScreen)
        text = screen_text(app)
        assert f"The data file {damaged} is damaged" in text
        assert "trainer doctor --restore" in text
        assert app.user is None
        # the trainer is not locked out by a learner's damaged file
        search = app.screen.query_one("#search", Input)
        search.value = ""
        search.focus()
        await sign_in(app, pilot, "chen", PASSWORD)
        assert isinstance(app.screen, HomeScreen)
    assert damaged.read_bytes() == b"[1, 2]"


async def test_a_record_file_damaged_during_a_session_ends_the_app_with_one_sentence(
    context: TrainerContext,
) -> None:
    organisation_with_learner(context)
    damaged = context.store.people_dir / "li-na.json"
    app = make_app(context)
    with pytest.raises(ExplainedError) as caught:
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(app, pilot, "li-na", PASSWORD)
            assert isinstance(app.screen, HomeScreen)
            damaged.write_bytes(b'{"lessons_done": {"1": ')
            await pilot.press("enter")  # open the track: its progress is read now
            await pilot.pause()
    assert str(caught.value).startswith(f"The data file {damaged} is damaged")
    assert app.return_code == 1
    assert damaged.read_bytes() == b'{"lessons_done": {"1": '


def test_a_damaged_roster_stops_the_start_with_one_sentence(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (data_dir / "roster.json").write_text("[", encoding="utf-8")
    assert main(["--lang", "en", "--data", str(data_dir)]) == 1
    assert capsys.readouterr().err.startswith(
        f"The data file {data_dir / 'roster.json'} is damaged"
    )


async def test_the_demo_says_how_to_sign_in(tmp_path: Path) -> None:
    from trainer.locations import DEMO_PASSWORD
    from trainer.services.demo import build_demo

    context = open_context(Settings(data_dir=tmp_path / "demo", language="en"))
    build_demo(context.store, context.library)
    app = make_app(context, notice='Demo organisation: everyone\'s password is "training".')
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = [str(note.message) for note in app._notifications]
        assert any(f'password is "{DEMO_PASSWORD}"' in message for message in shown), shown
        await sign_in(app, pilot, "zhao-lei", DEMO_PASSWORD)
        assert isinstance(app.screen, HomeScreen)
        assert "theory exam: best 100" in screen_text(app)
