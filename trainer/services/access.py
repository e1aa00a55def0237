"""Who may see and do what. Checked here, in the services, not only hidden in the UI.

A learner reads their own records, a mentor those of their mentees, a trainer everyone's;
only the learner acts on their own exams and role-plays.
"""

from __future__ import annotations

from trainer.errors import TrainerError
from trainer.roles import Role
from trainer.storage.interface import Store
from trainer.storage.records import Mentorship, Person


class AccessDenied(TrainerError):
    """The signed-in person may not do this."""

    area = "access"


def require_role(actor: Person, role: Role) -> None:
    if not actor.has_role(role):
        raise AccessDenied("needs_role", role=role)


def require_self_or_trainer(actor: Person, person_id: str) -> None:
    """A learner reads only their own records; a trainer reads everyone's."""
    if actor.id != person_id and not actor.has_role("trainer"):
        raise AccessDenied("not_yours", person=person_id)


def require_reader(store: Store, actor: Person, person_id: str) -> None:
    """Someone's records are read by themselves, a trainer, or a mentor assigned to them."""
    if actor.id == person_id or actor.has_role("trainer"):
        return
    if actor.has_role("mentor") and any(
        m.mentor == actor.id and m.mentee == person_id for m in store.roster.all(Mentorship)
    ):
        return
    raise AccessDenied("not_yours", person=person_id)
