"""People, passwords and signing in.

Passwords are stored as salted scrypt hashes (`scrypt$n$r$p$salt$hash`, base64 parts), so the
cost can be raised later without breaking stored hashes. Five wrong passwords in a row lock
the person for five minutes; the count and the lock are stored, so restarting changes nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import math
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from trainer.errors import TrainerError
from trainer.roles import ROLES, Role
from trainer.services.access import require_role
from trainer.services.directory import Directory
from trainer.storage.records import AuditEvent, Organisation, Person, new_id, now
from trainer.storage.repositories import PERSON_ID, DataStore

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MAX_FAILED_SIGN_INS = 5
LOCKOUT = dt.timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 8


class AccountError(TrainerError):
    """A refused account operation."""

    area = "accounts"


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    encode = base64.b64encode
    return (
        f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt).decode()}${encode(digest).decode()}"
    )


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except ValueError:
        return False
    return scheme == "scrypt" and hmac.compare_digest(actual, expected)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_short", minimum=MIN_PASSWORD_LENGTH)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:30]


@dataclass
class Accounts:
    """The roster's people: adding, signing in, passwords, removal."""

    store: DataStore

    def needs_setup(self) -> bool:
        """True on first start: no organisation or nobody who can sign in."""
        return Directory(self.store).needs_setup()

    def organisation_name(self) -> str:
        return Directory(self.store).organisation_name()

    def set_up(
        self, organisation: str, name: str, password: str, person_id: str | None = None
    ) -> Person:
        """First start: name the organisation and create the first trainer."""
        if not self.needs_setup():
            raise AccountError("already_set_up")
        if not organisation.strip():
            raise AccountError("organisation_empty")
        self.store.roster.put(Organisation(name=organisation.strip()))
        return self._create(
            name, ["trainer", "mentor", "learner"], password, [], person_id, actor="setup"
        )

    def people(self) -> list[Person]:
        return sorted(self.store.people(), key=lambda person: person.name)

    def person(self, person_id: str) -> Person:
        person = self.store.person(person_id)
        if person is None:
            raise AccountError("unknown_person", person=person_id)
        return person

    def add_person(
        self,
        actor: Person | None,
        name: str,
        roles: Sequence[Role],
        password: str,
        tracks: Sequence[str] = (),
        person_id: str | None = None,
    ) -> Person:
        """Add someone. `actor` None is the operator at the host's command line."""
        if actor is not None:
            require_role(actor, "trainer")
        return self._create(name, roles, password, tracks, person_id, actor=_actor_id(actor))

    def _create(
        self,
        name: str,
        roles: Sequence[Role],
        password: str,
        tracks: Sequence[str],
        person_id: str | None,
        actor: str,
    ) -> Person:
        name = name.strip()
        if not name:
            raise AccountError("name_empty")
        if not roles:
            raise AccountError("no_roles")
        unknown = [role for role in roles if role not in ROLES]
        if unknown:
            raise AccountError("bad_roles", roles=", ".join(unknown) or "-", known=", ".join(ROLES))
        check_password_rules(password)
        person_id = person_id or self._free_id(name)
        if not PERSON_ID.match(person_id):
            raise AccountError("bad_id", person=person_id)
        if self.store.person(person_id) is not None:
            raise AccountError("id_taken", person=person_id)
        person = Person(
            id=person_id,
            name=name,
            roles=list(dict.fromkeys(roles)),
            tracks=list(dict.fromkeys(tracks)),
            password_hash=hash_password(password),
        )
        self.store.roster.insert(person)
        self._audit(actor, "person.add", person_id, ",".join(person.roles))
        return person

    def _free_id(self, name: str) -> str:
        taken = {person.id for person in self.store.people()}
        base = _slug(name)
        if base and base not in taken:
            return base
        base = base or "u"
        number = 1
        while f"{base}{number}" in taken:
            number += 1
        return f"{base}{number}"

    def sign_in(self, person_id: str, password: str, at: dt.datetime | None = None) -> Person:
        """The person, when the password is right and they are not locked out."""
        moment = at or now()
        person = self.store.person(person_id)
        if person is None:
            raise AccountError("unknown_person", person=person_id)
        if person.locked_until is not None and person.locked_until > moment:
            minutes = max(1, math.ceil((person.locked_until - moment).total_seconds() / 60))
            raise AccountError("locked", minutes=minutes)
        if verify_password(password, person.password_hash):
            updated = self.store.roster.update(
                Person,
                person_id,
                lambda p: p.model_copy(
                    update={"failed_sign_ins": 0, "locked_until": None, "last_sign_in": moment}
                ),
            )
            return updated or person
        updated = self.store.roster.update(Person, person_id, lambda p: _count_failure(p, moment))
        if (
            updated is not None
            and updated.locked_until is not None
            and updated.locked_until > moment
        ):
            self._audit(person_id, "person.locked", person_id)
            raise AccountError("locked", minutes=int(LOCKOUT.total_seconds() // 60))
        left = MAX_FAILED_SIGN_INS - (updated.failed_sign_ins if updated else 0)
        raise AccountError("wrong_password", left=left)

    def update_person(
        self,
        actor: Person | None,
        person_id: str,
        name: str,
        roles: Sequence[Role],
        tracks: Sequence[str],
    ) -> Person:
        """Change someone's name, roles and assigned tracks (a trainer's job)."""
        if actor is not None:
            require_role(actor, "trainer")
        name = name.strip()
        if not name:
            raise AccountError("name_empty")
        if not roles:
            raise AccountError("no_roles")
        if any(role not in ROLES for role in roles):
            raise AccountError("bad_roles", roles=", ".join(roles) or "-", known=", ".join(ROLES))
        current = self.person(person_id)
        trainers = [p for p in self.store.people() if p.has_role("trainer")]
        if current.has_role("trainer") and "trainer" not in roles and len(trainers) == 1:
            raise AccountError("last_trainer")
        changes = {
            "name": name,
            "roles": list(dict.fromkeys(roles)),
            "tracks": list(dict.fromkeys(tracks)),
        }
        changed = self.store.roster.update(
            Person, person_id, lambda p: p.model_copy(update=changes)
        )
        if changed is None:
            raise AccountError("unknown_person", person=person_id)
        self._audit(_actor_id(actor), "person.update", person_id, ",".join(changed.roles))
        return changed

    def set_preferences(
        self, actor: Person, language: str | None = None, theme: str | None = None
    ) -> Person:
        """Remember someone's own language and theme for their next sign-in."""
        changes = {key: value for key, value in (("language", language), ("theme", theme)) if value}
        changed = self.store.roster.update(Person, actor.id, lambda p: p.model_copy(update=changes))
        return changed or actor

    def set_password(self, actor: Person | None, person_id: str, password: str) -> None:
        if actor is not None and actor.id != person_id:
            require_role(actor, "trainer")
        check_password_rules(password)
        digest = hash_password(password)
        changed = self.store.roster.update(
            Person,
            person_id,
            lambda p: p.model_copy(
                update={"password_hash": digest, "failed_sign_ins": 0, "locked_until": None}
            ),
        )
        if changed is None:
            raise AccountError("unknown_person", person=person_id)
        self._audit(_actor_id(actor), "person.password", person_id)

    def unlock(self, actor: Person | None, person_id: str) -> None:
        if actor is not None:
            require_role(actor, "trainer")
        changed = self.store.roster.update(
            Person,
            person_id,
            lambda p: p.model_copy(update={"failed_sign_ins": 0, "locked_until": None}),
        )
        if changed is None:
            raise AccountError("unknown_person", person=person_id)
        self._audit(_actor_id(actor), "person.unlock", person_id)

    def remove_person(self, actor: Person | None, person_id: str) -> None:
        """Remove someone from the roster. Their record file stays, for the audit trail."""
        if actor is not None:
            require_role(actor, "trainer")
            if actor.id == person_id:
                raise AccountError("cannot_remove_self")
        person = self.person(person_id)
        trainers = [p for p in self.store.people() if p.has_role("trainer")]
        if person.has_role("trainer") and len(trainers) == 1:
            raise AccountError("last_trainer")
        self.store.roster.delete(Person, person_id)
        self._audit(_actor_id(actor), "person.remove", person_id)

    def _audit(self, actor: str, action: str, subject: str, detail: str = "") -> None:
        self.store.roster.insert(
            AuditEvent(id=new_id("evt"), actor=actor, action=action, subject=subject, detail=detail)
        )


def _actor_id(actor: Person | None) -> str:
    """Who to name in the audit log: the person, or `cli` for the host's command line."""
    return actor.id if actor else "cli"


def _count_failure(person: Person, moment: dt.datetime) -> Person:
    failures = person.failed_sign_ins + 1
    if failures >= MAX_FAILED_SIGN_INS:
        return person.model_copy(update={"failed_sign_ins": 0, "locked_until": moment + LOCKOUT})
    return person.model_copy(update={"failed_sign_ins": failures})
