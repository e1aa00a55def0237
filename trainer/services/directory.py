"""Who can sign in, read from the roster without its pydantic models.

The sign-in screen is the first thing anyone sees, and it needs only ids and names: importing
the record models for it was about a fifth of the time to that screen (bench/startup.py).
Signing in itself goes through `Accounts.sign_in`, on the validated record. The table and
field names here are the roster's (`Organisation`, `Person`); a test keeps the two readings
in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trainer.storage.files import InvalidRecordError
from trainer.storage.interface import Store

PEOPLE_TABLE = "people"
ORGANISATION_TABLE = "organisation"


@dataclass(frozen=True)
class Listed:
    """A person as the sign-in list shows them."""

    id: str
    name: str
    active: bool = True
    """False for someone deactivated: the sign-in screen does not offer them."""


@dataclass
class Directory:
    store: Store

    def organisation_name(self) -> str:
        rows = self.store.roster.rows(ORGANISATION_TABLE)
        name = rows[0].get("name") if rows else None
        return name if isinstance(name, str) else ""

    def needs_setup(self) -> bool:
        """True on first start: no organisation or nobody who can sign in."""
        roster = self.store.roster.tables(ORGANISATION_TABLE, PEOPLE_TABLE)
        return not roster[ORGANISATION_TABLE] or not roster[PEOPLE_TABLE]

    def people(self) -> list[Listed]:
        """Everyone on the roster, by name. A record without a text id and name is reported
        (never skipped: that person would silently vanish from the list)."""
        listed = [self._listed(row) for row in self.store.roster.rows(PEOPLE_TABLE)]
        return sorted(listed, key=lambda person: person.name)

    def _listed(self, row: dict[str, Any]) -> Listed:
        person_id, name = row.get("id"), row.get("name")
        if not isinstance(person_id, str) or not person_id:
            raise InvalidRecordError(self.store.roster.path, PEOPLE_TABLE, "?", "id: missing")
        if not isinstance(name, str) or not name:
            raise InvalidRecordError(
                self.store.roster.path, PEOPLE_TABLE, person_id, "name: missing"
            )
        return Listed(person_id, name, not row.get("deactivated_at"))
