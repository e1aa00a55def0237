"""Mentorships and sign-offs: who mentors whom, from when and for how long, and a mentor's
word that a mentee is ready for duty (which the cleared-for-duty gate reads).

Assignments live in the roster and are never deleted, so the history of who mentored whom
stays. Only a trainer assigns; only one of the mentee's own mentors signs off.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from trainer.content.loader import ContentLibrary
from trainer.errors import TrainerError
from trainer.services.access import AccessDenied, require_role
from trainer.storage.records import Mentorship, Person, SignOff, new_id, now
from trainer.storage.repositories import DataStore

DEFAULT_DAYS = 30


class MentoringError(TrainerError):
    area = "mentoring"


@dataclass
class Mentoring:
    store: DataStore
    library: ContentLibrary

    def assign(
        self,
        actor: Person,
        mentor_id: str,
        mentee_id: str,
        start: dt.datetime | None = None,
        days: int | None = None,
    ) -> Mentorship:
        require_role(actor, "trainer")
        mentor, mentee = self.store.person(mentor_id), self.store.person(mentee_id)
        if mentor is None or not mentor.has_role("mentor"):
            raise MentoringError("not_a_mentor", person=mentor_id)
        if mentee is None:
            raise MentoringError("unknown_mentee", person=mentee_id)
        if mentor_id == mentee_id:
            raise MentoringError("self_mentoring")
        if days is None:
            tracks = [self.library.track(track_id) for track_id in mentee.tracks]
            days = max((t.mentorship_days for t in tracks if t), default=0) or DEFAULT_DAYS
        mentorship = Mentorship(
            id=new_id("mentorship"),
            mentor=mentor_id,
            mentee=mentee_id,
            start=start or now(),
            days=days,
            assigned_by=actor.id,
        )
        self.store.roster.insert(mentorship)
        return mentorship

    def mentorships(self, mentee_id: str) -> list[Mentorship]:
        found = [m for m in self.store.roster.all(Mentorship) if m.mentee == mentee_id]
        return sorted(found, key=lambda m: m.start)

    def mentees_of(self, mentor_id: str) -> list[str]:
        mentees = [m.mentee for m in self.store.roster.all(Mentorship) if m.mentor == mentor_id]
        return list(dict.fromkeys(mentees))

    def require_mentor_of(self, actor: Person, mentee_id: str) -> None:
        """A mentor acts only for their own mentees; a trainer for anyone."""
        if actor.has_role("trainer"):
            return
        if not actor.has_role("mentor") or mentee_id not in self.mentees_of(actor.id):
            raise AccessDenied("not_yours", person=mentee_id)

    def sign_off(self, actor: Person, mentee_id: str, track_id: str, note: str = "") -> SignOff:
        if not actor.has_role("mentor"):
            raise AccessDenied("needs_role", role="mentor")
        self.require_mentor_of(actor, mentee_id)
        if self.library.track(track_id) is None:
            raise MentoringError("unknown_track", track=track_id)
        sign_off = SignOff(
            id=new_id("signoff"), mentor=actor.id, mentee=mentee_id, track=track_id, note=note
        )
        self.store.roster.insert(sign_off)
        return sign_off

    def sign_offs(self, mentee_id: str) -> list[SignOff]:
        return [s for s in self.store.roster.all(SignOff) if s.mentee == mentee_id]
