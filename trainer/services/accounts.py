"""People, passwords and signing in.

Passwords are stored as salted scrypt hashes (`scrypt$n$r$p$salt$hash`, base64 parts), so the
cost can be raised without breaking stored hashes: a hash made at a lower cost is replaced at
its owner's next sign-in. Five wrong passwords in a row lock the person for five minutes; the
count and the lock are stored, so restarting changes nothing.

An id is never handed out twice: a removed person is archived in the roster (`RemovedPerson`),
and an id whose record file exists stays taken, so a newcomer never inherits someone's
attempts, transcripts or certificate.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import math
import re
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import EllipsisType
from typing import TYPE_CHECKING

from trainer.errors import TrainerError
from trainer.roles import ROLES, Role
from trainer.services.access import require_role
from trainer.services.directory import Directory
from trainer.storage.interface import RecordBatch, Store
from trainer.storage.records import (
    AuditEvent,
    Organisation,
    Person,
    RemovedPerson,
    new_id,
    now,
)
from trainer.storage.repositories import PERSON_ID, RETIRED_TABLE

if TYPE_CHECKING:
    from trainer.services.people_import import ImportPlan

# OWASP's current advice for scrypt is N=2^17 with r=8, p=1 (about 0.5 s and 128 MB here).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
# One-time passwords (the hire-list import) are hashed at a far lower cost: 1,000 hashes at
# today's cost took 7 to 20 minutes on two shared cores (bench/people_import.py), at this one well
# under a second. What protects such a password is its length, not the hash's cost: 14
# characters drawn at random from 31 are 69 bits, beyond any guessing however cheap each
# guess (2^68 guesses at a nanosecond each are 9,000 years). It is good for one sign-in only
# (the account must change it then, and the new one is hashed at full cost, as is any hash
# made at a lower cost: `needs_rehash`).
ONE_TIME_SCRYPT_N = 2**8
ONE_TIME_LENGTH = 14
_ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
MAX_SCRYPT_N = 2**20  # a stored hash asking for more is refused, not computed
MAX_FAILED_SIGN_INS = 5
LOCKOUT = dt.timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 8
MAX_NAME_LENGTH = 80
MAX_ORGANISATION_LENGTH = 120
# Names the audit log uses for actors who are not people: an id like these would make it
# ambiguous who did what.
RESERVED_IDS = frozenset({"cli", "operator", "setup", "system"})
# Bidirectional overrides and isolates reorder what follows them on screen (a name could
# display as someone else's); zero-width characters make two names look the same.
_INVISIBLE = {chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))} | {
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
}


class AccountError(TrainerError):
    """A refused account operation."""

    area = "accounts"


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # scrypt needs 128·r·n bytes; hashlib's default ceiling (32 MB) is below N=2^17
    memory = 128 * r * (n + p) + 1024 * 1024
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=memory
    )


def hash_password(password: str, n: int | None = None) -> str:
    """A salted scrypt hash at today's cost, or at cost `n` (one-time passwords only)."""
    n = n or SCRYPT_N
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, n, SCRYPT_R, SCRYPT_P, 32)
    encode = base64.b64encode
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${encode(salt).decode()}${encode(digest).decode()}"


def one_time_password() -> str:
    """A random password to hand out once (ONE_TIME_LENGTH characters, no look-alikes such
    as l, 1, 0 and o)."""
    return "".join(secrets.choice(_ONE_TIME_ALPHABET) for _ in range(ONE_TIME_LENGTH))


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt" or not 1 < int(n) <= MAX_SCRYPT_N or not 0 < int(r) * int(p) <= 64:
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p), len(expected))
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str) -> bool:
    """True when the hash was made at a lower cost than today's."""
    parts = stored.split("$")
    try:
        return parts[0] != "scrypt" or (int(parts[1]), int(parts[2]), int(parts[3])) != (
            SCRYPT_N,
            SCRYPT_R,
            SCRYPT_P,
        )
    except (IndexError, ValueError):
        return True


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_short", minimum=MIN_PASSWORD_LENGTH)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:30]


def clean_name(name: str, limit: int = MAX_NAME_LENGTH) -> str:
    """A name as people typed it, without what no name contains: control characters (an
    escape sequence would recolour the terminal of whoever lists people), direction
    overrides and zero-width characters; runs of white space become one space."""
    visible = "".join(
        " " if char.isspace() else char
        for char in name
        if char not in _INVISIBLE and (char.isspace() or unicodedata.category(char) != "Cc")
    )
    cleaned = " ".join(visible.split())
    if not cleaned:
        raise AccountError("name_empty")
    if len(cleaned) > limit:
        raise AccountError("name_long", limit=limit, length=len(cleaned))
    return cleaned


def clean_label(text: str | None, limit: int = MAX_NAME_LENGTH) -> str | None:
    """A team or cohort name cleaned as a name is; None when nothing is left of it."""
    if text is None or not text.strip():
        return None
    try:
        return clean_name(text, limit)
    except AccountError:
        raise AccountError("label_long", limit=limit) from None


def check_person_id(person_id: str) -> None:
    if not PERSON_ID.match(person_id):
        raise AccountError("bad_id", person=person_id.encode("unicode_escape").decode("ascii"))
    if person_id in RESERVED_IDS:
        raise AccountError(
            "reserved_id", person=person_id, reserved=", ".join(sorted(RESERVED_IDS))
        )


@dataclass
class Accounts:
    """The roster's people: adding, signing in, passwords, removal."""

    store: Store

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
        try:
            organisation = clean_name(organisation, MAX_ORGANISATION_LENGTH)
        except AccountError as error:
            raise AccountError(
                "organisation_empty" if error.key == "name_empty" else "organisation_long",
                limit=MAX_ORGANISATION_LENGTH,
            ) from None
        return self._create(
            name,
            ["trainer", "mentor", "learner"],
            password,
            [],
            person_id,
            actor="setup",
            organisation=organisation,
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
        team: str | None = None,
        cohort: str | None = None,
        hire_date: dt.date | None = None,
    ) -> Person:
        """Add someone. `actor` None is the operator at the host's command line."""
        if actor is not None:
            require_role(actor, "trainer")
        return self._create(
            name,
            roles,
            password,
            tracks,
            person_id,
            actor=_actor_id(actor),
            details={
                "team": clean_label(team),
                "cohort": clean_label(cohort),
                "hire_date": hire_date,
            },
        )

    def _create(
        self,
        name: str,
        roles: Sequence[Role],
        password: str,
        tracks: Sequence[str],
        person_id: str | None,
        actor: str,
        organisation: str | None = None,
        details: dict[str, object] | None = None,
    ) -> Person:
        """Check everything, hash the password (slow, so outside the lock), then take the id
        and write the person, their audit event and (on first start) the organisation in one
        write under the roster's lock: two sessions adding at once get two ids, and two first
        starts at once make one organisation."""
        name = clean_name(name)
        if not roles:
            raise AccountError("no_roles")
        unknown = [role for role in roles if role not in ROLES]
        if unknown:
            raise AccountError("bad_roles", roles=", ".join(unknown) or "-", known=", ".join(ROLES))
        check_password_rules(password)
        if person_id is not None:
            check_person_id(person_id)
        digest = hash_password(password)
        with self.store.roster.batch() as roster:
            if organisation is not None:
                if roster.rows(Person.table):
                    raise AccountError("already_set_up")
                roster.put(Organisation(name=organisation))
            taken = self._taken_ids(roster)
            if person_id is None:
                person_id = free_id(name, taken)
            elif person_id in taken:
                raise AccountError("id_taken", person=person_id)
            person = Person(
                id=person_id,
                name=name,
                roles=list(dict.fromkeys(roles)),
                tracks=list(dict.fromkeys(tracks)),
                password_hash=digest,
                **(details or {}),
            )
            roster.insert(person)
            roster.insert(_event(actor, "person.add", person_id, ",".join(person.roles)))
        return person

    def _taken_ids(self, roster: RecordBatch) -> set[str]:
        """Everyone's id, present or removed, every id with a record file, and the reserved."""
        rows = roster.rows(Person.table) + roster.rows(RETIRED_TABLE)
        files = self.store.person_ids_with_records()
        return {str(row.get("id")) for row in rows} | files | RESERVED_IDS

    def known_ids(self) -> tuple[set[str], set[str]]:
        """The ids that are taken (as `_taken_ids`) and, among them, the removed people's."""
        tables = self.store.roster.tables(Person.table, RETIRED_TABLE)
        removed = {str(row.get("id")) for row in tables[RETIRED_TABLE]}
        present = {str(row.get("id")) for row in tables[Person.table]}
        files = self.store.person_ids_with_records()
        return present | removed | files | RESERVED_IDS, removed

    def import_people(
        self,
        actor: Person | None,
        plan: ImportPlan,
        deliver: Callable[[list[tuple[Person, str]]], None] | None = None,
        at: dt.datetime | None = None,
    ) -> list[tuple[Person, str]]:
        """Add everyone `plan` holds, each with a one-time password (returned beside them,
        never stored) that must be changed at the first sign-in. Nothing is written unless
        every row can be: a plan with refused rows, or an id taken since it was checked,
        raises; the people and their audit events are one write.

        `deliver` gets the people and passwords once all are checked, before the roster is
        written (it writes the password file): if it fails, nobody is added, so nobody is
        left with a password no one knows."""
        if actor is not None:
            require_role(actor, "trainer")
        if not plan.ok:
            raise AccountError("import_refused", count=len(plan.refused))
        if self.needs_setup():
            raise AccountError("import_needs_setup")
        moment = at or now()
        passwords = [one_time_password() for _ in plan.people]
        # the one-time cost (see ONE_TIME_SCRYPT_N): at today's, 1,000 people take minutes
        digests = [hash_password(password, ONE_TIME_SCRYPT_N) for password in passwords]
        added: list[tuple[Person, str]] = []
        with self.store.roster.batch() as roster:
            taken = self._taken_ids(roster)
            for planned, password, digest in zip(plan.people, passwords, digests, strict=True):
                if planned.person_id in taken:
                    raise AccountError("import_id_taken", person=planned.person_id, row=planned.row)
                person = Person(
                    id=planned.person_id,
                    name=planned.name,
                    roles=planned.roles,
                    tracks=planned.tracks,
                    team=planned.team,
                    cohort=planned.cohort,
                    hire_date=planned.hire_date,
                    password_hash=digest,
                    must_change_password=True,
                    created_at=moment,
                )
                roster.insert(person)
                roster.insert(
                    _event(_actor_id(actor), "person.import", person.id, ",".join(person.roles))
                )
                added.append((person, password))
            if deliver is not None:
                deliver(added)
        return added

    def sign_in(self, person_id: str, password: str, at: dt.datetime | None = None) -> Person:
        """The person, when the password is right and they are not locked out."""
        moment = at or now()
        person = self.store.person(person_id)
        if person is None:
            raise AccountError("unknown_person", person=person_id)
        if not person.active:
            raise AccountError("deactivated", name=person.name)
        if person.locked_until is not None and person.locked_until > moment:
            raise AccountError("locked", minutes=_minutes_left(person.locked_until, moment))
        if verify_password(password, person.password_hash):
            changes: dict[str, object] = {
                "failed_sign_ins": 0,
                "locked_until": None,
                "last_sign_in": moment,
            }
            verified = person.password_hash
            # a one-time password is about to be replaced: hashing it again would be waste
            stale = needs_rehash(verified) and not person.must_change_password
            rehashed = hash_password(password) if stale else None

            def signed_in(p: Person) -> Person:
                # decided again under the lock: wrong tries by other sessions since the read
                # above may have locked the account, and a right password must not clear that
                if p.locked_until is not None and p.locked_until > moment:
                    raise AccountError("locked", minutes=_minutes_left(p.locked_until, moment))
                # a password changed meanwhile by someone else is not overwritten
                if rehashed and p.password_hash == verified:
                    return p.model_copy(update={**changes, "password_hash": rehashed})
                return p.model_copy(update=changes)

            updated = self.store.roster.update(Person, person_id, signed_in)
            return updated or person
        with self.store.roster.batch() as roster:
            # counted under the lock, with the audit event of a lock in the same write
            stored = roster.get(Person, person_id)
            updated = _count_failure(stored, moment) if stored is not None else None
            if stored is not None and updated is not None:
                roster.put(updated)
                if not _is_locked(stored, moment) and _is_locked(updated, moment):
                    roster.insert(_event(person_id, "person.locked", person_id))
        if updated is not None and _is_locked(updated, moment):
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
        *,
        team: str | EllipsisType | None = ...,
        cohort: str | EllipsisType | None = ...,
        hire_date: dt.date | EllipsisType | None = ...,
    ) -> Person:
        """Change someone's name, roles and assigned tracks (a trainer's job), and their
        team, cohort and hire date where given (`...`, the default, keeps them; None clears)."""
        if actor is not None:
            require_role(actor, "trainer")
        name = clean_name(name)
        if not roles:
            raise AccountError("no_roles")
        if any(role not in ROLES for role in roles):
            raise AccountError("bad_roles", roles=", ".join(roles) or "-", known=", ".join(ROLES))
        current = self.person(person_id)
        if current.has_role("trainer") and "trainer" not in roles:
            self._not_last_trainer(current)
        changes: dict[str, object] = {
            "name": name,
            "roles": list(dict.fromkeys(roles)),
            "tracks": list(dict.fromkeys(tracks)),
        }
        if not isinstance(team, EllipsisType):
            changes["team"] = clean_label(team)
        if not isinstance(cohort, EllipsisType):
            changes["cohort"] = clean_label(cohort)
        if not isinstance(hire_date, EllipsisType):
            changes["hire_date"] = hire_date
        return self._change(
            person_id,
            lambda p: p.model_copy(update=changes),
            _actor_id(actor),
            "person.update",
            lambda changed: ",".join(changed.roles),
        )

    def set_preferences(
        self, actor: Person, language: str | None = None, theme: str | None = None
    ) -> Person:
        """Remember someone's own language and theme for their next sign-in."""
        changes = {key: value for key, value in (("language", language), ("theme", theme)) if value}
        changed = self.store.roster.update(Person, actor.id, lambda p: p.model_copy(update=changes))
        return changed or actor

    def set_password(self, actor: Person | None, person_id: str, password: str) -> None:
        """Set someone's password. Their own new password lifts `must_change_password`; one
        a trainer sets for them leaves it as it was."""
        if actor is not None and actor.id != person_id:
            require_role(actor, "trainer")
        check_password_rules(password)
        own = actor is not None and actor.id == person_id
        if own and actor is not None and actor.must_change_password:
            current = self.person(person_id)
            if verify_password(password, current.password_hash):
                raise AccountError("password_unchanged")
        digest = hash_password(password)
        changes: dict[str, object] = {
            "password_hash": digest,
            "failed_sign_ins": 0,
            "locked_until": None,
        }
        if own:
            changes["must_change_password"] = False
        self._change(
            person_id, lambda p: p.model_copy(update=changes), _actor_id(actor), "person.password"
        )

    def unlock(self, actor: Person | None, person_id: str) -> None:
        if actor is not None:
            require_role(actor, "trainer")
        self._change(
            person_id,
            lambda p: p.model_copy(update={"failed_sign_ins": 0, "locked_until": None}),
            _actor_id(actor),
            "person.unlock",
        )

    def remove_person(self, actor: Person | None, person_id: str) -> None:
        """Take someone off the roster: they can no longer sign in or be listed. They are
        archived, not deleted, so their id is never reused, and their record file stays."""
        if actor is not None:
            require_role(actor, "trainer")
            if actor.id == person_id:
                raise AccountError("cannot_remove_self")
        with self.store.roster.batch() as roster:
            person = roster.get(Person, person_id)
            if person is None:
                raise AccountError("unknown_person", person=person_id)
            if person.has_role("trainer") and _active_trainers(roster.rows(Person.table)) <= {
                person_id
            }:
                raise AccountError("last_trainer")
            roster.remove(Person.table, person_id)
            roster.insert(RemovedPerson(id=person_id, person=person, removed_by=_actor_id(actor)))
            roster.insert(_event(_actor_id(actor), "person.remove", person_id))

    def deactivate(
        self, actor: Person | None, person_id: str, at: dt.datetime | None = None
    ) -> Person:
        """Keep someone's records and id but stop them signing in (and out of mentor
        pickers). The last active trainer cannot be deactivated, nor can one deactivate
        oneself."""
        if actor is not None:
            require_role(actor, "trainer")
            if actor.id == person_id:
                raise AccountError("cannot_deactivate_self")
        with self.store.roster.batch() as roster:
            person = roster.get(Person, person_id)
            if person is None:
                raise AccountError("unknown_person", person=person_id)
            if not person.active:
                raise AccountError("already_deactivated", person=person_id)
            if person.has_role("trainer") and _active_trainers(roster.rows(Person.table)) <= {
                person_id
            }:
                raise AccountError("last_trainer_deactivate")
            changed = person.model_copy(update={"deactivated_at": at or now()})
            roster.put(changed)
            roster.insert(_event(_actor_id(actor), "person.deactivate", person_id))
        return changed

    def reactivate(self, actor: Person | None, person_id: str) -> Person:
        """Let a deactivated person sign in again, as they were."""
        if actor is not None:
            require_role(actor, "trainer")
        with self.store.roster.batch() as roster:
            person = roster.get(Person, person_id)
            if person is None:
                raise AccountError("unknown_person", person=person_id)
            if person.active:
                raise AccountError("not_deactivated", person=person_id)
            changed = person.model_copy(
                update={"deactivated_at": None, "failed_sign_ins": 0, "locked_until": None}
            )
            roster.put(changed)
            roster.insert(_event(_actor_id(actor), "person.reactivate", person_id))
        return changed

    def audit_log(
        self, actor: Person | None, person: str | None = None, action: str | None = None
    ) -> list[AuditEvent]:
        """The audit log, newest first: events by or about `person`, of `action` (an exact
        action such as `person.add`, or its area such as `person`)."""
        if actor is not None:
            require_role(actor, "trainer")
        events = self.store.roster.all(AuditEvent)
        if person:
            events = [e for e in events if person in (e.actor, e.subject)]
        if action:
            events = [e for e in events if e.action == action or e.action.startswith(f"{action}.")]
        return sorted(events, key=lambda e: e.at, reverse=True)

    def _not_last_trainer(self, person: Person) -> None:
        if _active_trainers(self.store.roster.rows(Person.table)) <= {person.id}:
            raise AccountError("last_trainer")

    def _change(
        self,
        person_id: str,
        change: Callable[[Person], Person],
        actor: str,
        action: str,
        detail: Callable[[Person], str] = lambda _: "",
    ) -> Person:
        """Change someone and record who did it, in one write: never one without the other."""
        with self.store.roster.batch() as roster:
            current = roster.get(Person, person_id)
            if current is None:
                raise AccountError("unknown_person", person=person_id)
            changed = change(current)
            roster.put(changed)
            roster.insert(_event(actor, action, person_id, detail(changed)))
        return changed


def _active_trainers(rows: list[dict[str, object]]) -> set[str]:
    """The ids of the roster's trainers who can sign in, from its stored rows."""
    return {
        str(row["id"])
        for row in rows
        if "trainer" in (row.get("roles") or []) and not row.get("deactivated_at")  # type: ignore[operator]
    }


def event(actor: str, action: str, subject: str, detail: str = "") -> AuditEvent:
    """An audit event, for the services that write one in their own batch."""
    return _event(actor, action, subject, detail)


def _event(actor: str, action: str, subject: str, detail: str = "") -> AuditEvent:
    return AuditEvent(id=new_id("evt"), actor=actor, action=action, subject=subject, detail=detail)


def free_id(name: str, taken: set[str]) -> str:
    """An id made from the name (`emily-carter`), numbered when taken (`emily-carter1`);
    names with no Latin letters get `u1`, `u2`, ... The numbers go on past removed people."""
    base = _slug(name)
    if base and base not in taken:
        return base
    base = base or "u"
    number = 1
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


def _actor_id(actor: Person | None) -> str:
    """Who to name in the audit log: the person, or `cli` for the host's command line."""
    return actor.id if actor else "cli"


def _minutes_left(locked_until: dt.datetime, moment: dt.datetime) -> int:
    return max(1, math.ceil((locked_until - moment).total_seconds() / 60))


def _is_locked(person: Person, moment: dt.datetime) -> bool:
    return person.locked_until is not None and person.locked_until > moment


def _count_failure(person: Person, moment: dt.datetime) -> Person:
    failures = person.failed_sign_ins + 1
    if failures >= MAX_FAILED_SIGN_INS:
        return person.model_copy(update={"failed_sign_ins": 0, "locked_until": moment + LOCKOUT})
    return person.model_copy(update={"failed_sign_ins": failures})
