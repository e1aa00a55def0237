"""People, passwords, lock-out and access refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from trainer.services import accounts as accounts_module
from trainer.services.access import AccessDenied
from trainer.services.accounts import (
    MAX_FAILED_SIGN_INS,
    AccountError,
    Accounts,
    hash_password,
    verify_password,
)
from trainer.services.context import TrainerContext, open_store
from trainer.storage.records import Person

pytestmark = pytest.mark.both_stores  # the services must behave the same on both

PASSWORD = "correct horse"


@pytest.fixture
def accounts(context: TrainerContext) -> Accounts:
    context.accounts.set_up("Galaxy", "Chen Jing", PASSWORD, person_id="chen")
    return context.accounts


def _trainer(accounts: Accounts) -> Person:
    return accounts.person("chen")


def test_hashes_are_salted_scrypt() -> None:
    first, second = hash_password("secret-1"), hash_password("secret-1")
    assert first.startswith("scrypt$") and first != second
    assert verify_password("secret-1", first) and not verify_password("secret-2", first)
    assert not verify_password("x", "not-a-hash")


def test_first_start_needs_setup_and_then_not(context: TrainerContext) -> None:
    assert context.accounts.needs_setup()
    person = context.accounts.set_up("星河电商", "陈静", PASSWORD)
    assert not context.accounts.needs_setup()
    assert person.has_role("trainer")
    assert context.accounts.organisation_name() == "星河电商"
    with pytest.raises(AccountError) as caught:
        context.accounts.set_up("Other", "X", PASSWORD)
    assert caught.value.key == "already_set_up"


def test_ids_from_names(accounts: Accounts) -> None:
    trainer = _trainer(accounts)
    assert accounts.add_person(trainer, "Emily Carter", ["learner"], PASSWORD).id == "emily-carter"
    assert accounts.add_person(trainer, "Emily Carter", ["learner"], PASSWORD).id == "emily-carter1"
    assert accounts.add_person(trainer, "王小明", ["learner"], PASSWORD).id == "u1"


def test_sign_in_right_and_wrong(accounts: Accounts) -> None:
    assert accounts.sign_in("chen", PASSWORD).id == "chen"
    with pytest.raises(AccountError) as caught:
        accounts.sign_in("chen", "wrong password")
    assert caught.value.key == "wrong_password"
    assert caught.value.values["left"] == MAX_FAILED_SIGN_INS - 1


def test_five_wrong_lock_for_five_minutes_and_survive_restart(
    context: TrainerContext, accounts: Accounts
) -> None:
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    for _ in range(MAX_FAILED_SIGN_INS):
        with pytest.raises(AccountError) as caught:
            accounts.sign_in("chen", "nope", at=start)
    assert caught.value.key == "locked"
    # a fresh service on the same folder (the app restarted) still refuses, even the right password
    fresh = Accounts(open_store(context.settings))
    with pytest.raises(AccountError) as caught:
        fresh.sign_in("chen", PASSWORD, at=start + dt.timedelta(minutes=4))
    assert caught.value.key == "locked"
    assert caught.value.values["minutes"] == 1
    assert (
        fresh.sign_in("chen", PASSWORD, at=start + dt.timedelta(minutes=5, seconds=1)).id == "chen"
    )


def test_a_success_resets_the_count(accounts: Accounts) -> None:
    for _ in range(MAX_FAILED_SIGN_INS - 1):
        with pytest.raises(AccountError):
            accounts.sign_in("chen", "nope")
    accounts.sign_in("chen", PASSWORD)
    with pytest.raises(AccountError) as caught:
        accounts.sign_in("chen", "nope")
    assert caught.value.key == "wrong_password"


def test_unlock_and_password_reset(accounts: Accounts) -> None:
    for _ in range(MAX_FAILED_SIGN_INS):
        with pytest.raises(AccountError):
            accounts.sign_in("chen", "nope")
    accounts.unlock(None, "chen")
    accounts.set_password(None, "chen", "a new password")
    assert accounts.sign_in("chen", "a new password").id == "chen"
    with pytest.raises(AccountError) as caught:
        accounts.set_password(None, "chen", "short")
    assert caught.value.key == "password_short"


def test_learners_cannot_manage_people(accounts: Accounts) -> None:
    learner = accounts.add_person(_trainer(accounts), "Li Na", ["learner"], PASSWORD)
    with pytest.raises(AccessDenied) as caught:
        accounts.add_person(learner, "Sneaky", ["trainer"], PASSWORD)
    assert caught.value.key == "needs_role"
    with pytest.raises(AccessDenied):
        accounts.set_password(learner, "chen", "taken over!")
    with pytest.raises(AccessDenied):
        accounts.remove_person(learner, "chen")
    assert accounts.sign_in("chen", PASSWORD).id == "chen"


def test_the_last_trainer_cannot_be_removed(accounts: Accounts) -> None:
    with pytest.raises(AccountError) as caught:
        accounts.remove_person(None, "chen")
    assert caught.value.key == "last_trainer"
    trainer = _trainer(accounts)
    other = accounts.add_person(trainer, "Second", ["trainer"], PASSWORD)
    accounts.remove_person(other, "chen")
    assert [p.id for p in accounts.people()] == [other.id]


def test_lessons_of_others_are_refused(context: TrainerContext, accounts: Accounts) -> None:
    trainer = _trainer(accounts)
    li = accounts.add_person(trainer, "Li Na", ["learner"], PASSWORD, ["frontline"])
    wang = accounts.add_person(trainer, "Wang", ["learner"], PASSWORD, ["frontline"])
    track = context.library.track("frontline")
    assert track is not None
    context.progress.mark_lesson_done(li, track, track.lessons[0].id)
    assert context.progress.lessons_done(li, li.id) == {track.lessons[0].id}
    assert context.progress.lessons_done(trainer, li.id) == {track.lessons[0].id}
    with pytest.raises(AccessDenied) as caught:
        context.progress.lessons_done(wang, li.id)
    assert caught.value.key == "not_yours"


def test_a_change_and_its_audit_event_land_together(
    context: TrainerContext, accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing spans two writes: when the audit event cannot be written, the person is not
    changed either."""
    boss = accounts.person("chen")
    before = accounts.person("chen")

    def failing_event(*arguments: object) -> None:
        raise OSError("the disk is full")

    monkeypatch.setattr(accounts_module, "_event", failing_event)
    with pytest.raises(OSError):
        accounts.update_person(boss, "chen", "陈静静", ["trainer", "mentor"], [])
    with pytest.raises(OSError):
        accounts.unlock(boss, "chen")
    assert accounts.person("chen") == before
