"""The sign-in list, read from the roster without the record models: it agrees with the
validated reading, reports a record it cannot use, and the way to the first screen imports
no pydantic (what makes it quick, bench/startup.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.i18n import Translator
from trainer.services.context import TrainerContext
from trainer.services.directory import Directory, Listed
from trainer.storage.files import InvalidRecordError

PASSWORD = "correct horse"


def _organisation(context: TrainerContext) -> None:
    trainer = context.accounts.set_up("星河电商", "陈静", PASSWORD, person_id="chen-jing")
    for name in ("Zhao Lei", "王芳", "Amy Li"):
        context.accounts.add_person(trainer, name, ["learner"], PASSWORD, ["frontline"])


def test_the_directory_agrees_with_the_accounts(context: TrainerContext) -> None:
    directory = Directory(context.store)
    assert directory.needs_setup() and directory.people() == []
    assert directory.organisation_name() == ""
    _organisation(context)
    assert not directory.needs_setup()
    assert directory.organisation_name() == context.accounts.organisation_name() == "星河电商"
    listed = [Listed(person.id, person.name) for person in context.accounts.people()]
    assert directory.people() == listed
    assert [person.name for person in directory.people()] == sorted(
        ["陈静", "Zhao Lei", "王芳", "Amy Li"]
    )


def _break_record(context: TrainerContext, person_id: str, **changes: object) -> Path:
    path = context.store.roster.path
    roster = json.loads(path.read_text(encoding="utf-8"))
    for row in roster["people"].values():
        if row["id"] == person_id:
            row.update(changes)
            for key in [key for key, value in changes.items() if value is None]:
                del row[key]
    path.write_text(json.dumps(roster, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_person_without_a_name_is_reported_not_skipped(context: TrainerContext) -> None:
    _organisation(context)
    path = _break_record(context, "zhao-lei", name=None)
    before = path.read_bytes()
    with pytest.raises(InvalidRecordError) as caught:
        Directory(context.store).people()
    sentence = Translator("en")(caught.value.catalog_key, **caught.value.values)
    assert sentence.startswith(
        f"The data file {path} holds a record trainer cannot use, people[zhao-lei]: name: missing."
    )
    assert path.read_bytes() == before


def test_a_record_the_models_refuse_is_one_sentence_naming_it(context: TrainerContext) -> None:
    _organisation(context)
    path = _break_record(context, "amy-li", roles=["boss"])
    # the sign-in list needs only ids and names, so it still shows everyone ...
    assert len(Directory(context.store).people()) == 4
    # ... and signing in reads the whole record, which names what is wrong
    with pytest.raises(InvalidRecordError) as caught:
        context.accounts.sign_in("amy-li", PASSWORD)
    sentence = Translator("en")(caught.value.catalog_key, **caught.value.values)
    assert sentence.startswith(
        f"The data file {path} holds a record trainer cannot use, people[amy-li]: roles.0: Input "
    )
    assert "数据文件" in Translator("zh")(caught.value.catalog_key, **caught.value.values)


FIRST_SCREEN = """
import sys
from pathlib import Path
import trainer.cli
from trainer.services.context import open_context
from trainer.settings import Settings
from trainer.ui.app import make_app
from trainer.ui.screens.sign_in import SignInScreen

SignInScreen._warm_up = lambda self: None  # the content loads later, on purpose
app = make_app(open_context(Settings(data_dir=Path(sys.argv[1]), language="en")))

async def first_screen(pilot):
    await pilot.pause()
    if sys.argv[2] == "sign-in":
        pilot.app.context.accounts.sign_in("amy-li", "correct horse")
    shown = [str(option.prompt) for option in pilot.app.screen.query_one("#people").options]
    print(type(pilot.app.screen).__name__, "pydantic" in sys.modules, shown)
    pilot.app.exit()

app.run(headless=True, size=(100, 32), auto_pilot=first_screen)
"""


def _first_screen(data_dir: Path, then: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", FIRST_SCREEN, str(data_dir), then],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout


def test_the_sign_in_screen_comes_up_without_pydantic(
    context: TrainerContext, data_dir: Path
) -> None:
    _organisation(context)
    shown = _first_screen(data_dir, "look")
    assert shown.startswith("SignInScreen False [")
    assert "'Amy Li  (amy-li)'" in shown and "'王芳  (u1)'" in shown
    # the check can fail: signing in does import the models
    assert _first_screen(data_dir, "sign-in").startswith("SignInScreen True [")
