"""The working context of a run: settings, the data store, content and the services.

The CLI and the app both build one with `open_context`, so they share every rule. Content is
loaded on first use, not at start-up: the sign-in screen needs none of it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.services.directory import Directory
from trainer.settings import Settings
from trainer.storage.interface import Store
from trainer.storage.repositories import DataStore

if TYPE_CHECKING:
    from trainer.content.errors import ContentProblem
    from trainer.content.loader import ContentLibrary
    from trainer.services.accounts import Accounts
    from trainer.services.assessment import Assessments
    from trainer.services.call_review import CallLibrary
    from trainer.services.certificates import Certificates
    from trainer.services.cohort import Cohorts
    from trainer.services.exams import Exams
    from trainer.services.gradebook import Gradebook
    from trainer.services.item_analysis import ItemAnalysis
    from trainer.services.mentoring import Mentoring
    from trainer.services.progress import Progress
    from trainer.services.quality_reviews import QualityReviews
    from trainer.services.roleplay.service import RolePlays


@dataclass
class TrainerContext:
    settings: Settings
    store: Store
    extra_content_files: list[Path] = field(default_factory=list)
    _content_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def reload_content(self) -> None:
        """Forget the loaded content and every service built on it; next use loads afresh."""
        for name in _content_users():
            self.__dict__.pop(name, None)

    @cached_property
    def library(self) -> ContentLibrary:
        # imported here: the models and the YAML reader cost a third of start-up, and the
        # sign-in screen needs neither
        from trainer.content.loader import load_library

        with self._content_lock:
            # a warm-up thread may have loaded it while this one waited for the lock
            loaded: ContentLibrary | None = self.__dict__.get("library")
            if loaded is None:
                loaded = load_library(self.settings.all_content_roots(), self.extra_content_files)
                # stored before the lock opens, so a waiting thread finds it
                self.__dict__["library"] = loaded
            return loaded

    def warm_up(self) -> None:
        """Load the content and the accounts ahead of need: the sign-in screen calls this
        from a thread, so the home screen opens at once after the password."""
        self.accounts  # noqa: B018 - importing the record models is the point
        self.library  # noqa: B018 - loading is the point

    @cached_property
    def content_problems(self) -> list[ContentProblem]:
        """Every problem of the content, failed golden tests included. Only the screens that
        show problems ask: playing every scenario's golden tests takes a noticeable moment."""
        from trainer.services.roleplay.golden import golden_problems

        return [*self.library.problems, *golden_problems(self.library)]

    @cached_property
    def exams(self) -> Exams:
        from trainer.services.exams import Exams

        return Exams(self.store, self.library)

    @cached_property
    def roleplays(self) -> RolePlays:
        from trainer.services.roleplay.service import RolePlays

        return RolePlays(self.store, self.library)

    @cached_property
    def calls(self) -> CallLibrary:
        from trainer.services.call_review import CallLibrary

        return CallLibrary(self.store, self.library)

    @cached_property
    def quality_reviews(self) -> QualityReviews:
        from trainer.services.quality_reviews import QualityReviews

        return QualityReviews(self.store, self.library)

    @cached_property
    def assessments(self) -> Assessments:
        from trainer.services.assessment import Assessments

        return Assessments(self.store, self.library, self.exams, self.roleplays)

    @cached_property
    def certificates(self) -> Certificates:
        from trainer.services.certificates import Certificates

        return Certificates(
            self.store, self.assessments, verify_url=self.settings.certificate_verify_url
        )

    @cached_property
    def mentoring(self) -> Mentoring:
        from trainer.services.mentoring import Mentoring

        return Mentoring(self.store, self.library)

    @cached_property
    def gradebook(self) -> Gradebook:
        from trainer.services.gradebook import Gradebook

        return Gradebook(self.store, self.library, self.assessments)

    @cached_property
    def cohorts(self) -> Cohorts:
        from trainer.services.cohort import Cohorts

        return Cohorts(self.gradebook)

    @cached_property
    def item_analysis(self) -> ItemAnalysis:
        from trainer.services.item_analysis import ItemAnalysis

        return ItemAnalysis(self.store, self.library)

    @cached_property
    def directory(self) -> Directory:
        return Directory(self.store)

    @cached_property
    def accounts(self) -> Accounts:
        from trainer.services.accounts import Accounts

        return Accounts(self.store)

    @cached_property
    def progress(self) -> Progress:
        from trainer.services.progress import Progress

        return Progress(self.store)


def _content_users() -> tuple[str, ...]:
    return (
        "library",
        "content_problems",
        "exams",
        "roleplays",
        "calls",
        "assessments",
        "quality_reviews",
        "certificates",
        "mentoring",
        "item_analysis",
        "gradebook",
        "cohorts",
    )


def open_store(settings: Settings) -> Store:
    """The organisation's store: the database named by `database_url`, else the data folder
    (created when missing)."""
    if settings.database_url:
        from trainer.storage.postgres import PostgresStore  # psycopg only when it is used

        return PostgresStore(settings.database_url, settings.data_dir)
    return DataStore(settings.data_dir)


def open_context(settings: Settings) -> TrainerContext:
    """Open the store named by `settings` and wrap it with the services."""
    return TrainerContext(settings=settings, store=open_store(settings))
