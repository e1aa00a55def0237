"""Lesson progress: which lessons a learner has finished."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from trainer.services.access import AccessDenied, require_reader
from trainer.storage.interface import Store
from trainer.storage.records import LessonDone, Person

if TYPE_CHECKING:
    from trainer.content.models import Track


@dataclass
class Progress:
    store: Store

    def mark_lesson_done(self, actor: Person, track: Track, lesson_id: str) -> LessonDone:
        """Record that `actor` finished a lesson (once; finishing again keeps the first date)."""
        if lesson_id not in {lesson.id for lesson in track.lessons}:
            raise AccessDenied("unknown_lesson", lesson=lesson_id)
        records = self.store.person_file(actor.id)
        record_id = f"{track.id}/{lesson_id}"
        existing = records.get(LessonDone, record_id)
        if existing is not None:
            return existing
        record = LessonDone(id=record_id, track=track.id, lesson=lesson_id)
        records.put(record)
        return record

    def next_lesson(self, actor: Person, track: Track) -> str | None:
        """The first lesson of `track` that `actor` has not finished, in course order."""
        done = self.lessons_done(actor, actor.id, track.id)
        return next((lesson.id for lesson in track.lessons if lesson.id not in done), None)

    def lessons_done(self, actor: Person, person_id: str, track_id: str | None = None) -> set[str]:
        """Ids of the lessons `person_id` finished (in `track_id` when given)."""
        require_reader(self.store, actor, person_id)
        done = self.store.person_file(person_id).all(LessonDone)
        return {record.lesson for record in done if track_id is None or record.track == track_id}
