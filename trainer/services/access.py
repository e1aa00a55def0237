"""Who may see and do what. Checked here, in the services, not only hidden in the UI."""

from __future__ import annotations

from trainer.errors import TrainerError
from trainer.storage.records import Person, Role


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
