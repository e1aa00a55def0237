"""The app's screens, one per file.

Names are re-exported lazily (PEP 562): importing one screen does not import them all, which
keeps the start, and its sign-in screen, quick.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_MODULES = {
    "AuditLogScreen": "audit_log",
    "CallLibraryScreen": "call_library",
    "CallReviewScreen": "call_review",
    "CallReviewResultScreen": "call_review_result",
    "CallSpotScreen": "call_spot",
    "BankEditorScreen": "bank_editor",
    "StatsScreen": "stats",
    "MenteeScreen": "mentee",
    "NoOrganisationScreen": "no_organisation",
    "CertificatesScreen": "certificates",
    "CohortScreen": "cohort",
    "GradebookScreen": "gradebook",
    "AssessmentScreen": "assessment",
    "ExamIntroScreen": "exam_intro",
    "ExamResultScreen": "exam_result",
    "ExamReviewScreen": "exam_review",
    "ExamScreen": "exam",
    "HomeScreen": "home",
    "LessonScreen": "lesson",
    "PeopleScreen": "people",
    "QualityReviewResultScreen": "quality_review_result",
    "QualityReviewScreen": "quality_review",
    "QualityReviewsScreen": "quality_reviews",
    "ProblemsScreen": "problems",
    "RolePlayReplayScreen": "roleplay_replay",
    "RolePlayResultScreen": "roleplay_result",
    "RolePlayScreen": "roleplay",
    "RolePlaysScreen": "roleplays",
    "SetupScreen": "setup",
    "SignInScreen": "sign_in",
    "TrackScreen": "track",
}

__all__ = [
    "AssessmentScreen",
    "AuditLogScreen",
    "BankEditorScreen",
    "CallLibraryScreen",
    "CallReviewResultScreen",
    "CallReviewScreen",
    "CallSpotScreen",
    "CertificatesScreen",
    "CohortScreen",
    "ExamIntroScreen",
    "ExamResultScreen",
    "ExamReviewScreen",
    "ExamScreen",
    "GradebookScreen",
    "HomeScreen",
    "LessonScreen",
    "MenteeScreen",
    "NoOrganisationScreen",
    "PeopleScreen",
    "ProblemsScreen",
    "QualityReviewResultScreen",
    "QualityReviewScreen",
    "QualityReviewsScreen",
    "RolePlayReplayScreen",
    "RolePlayResultScreen",
    "RolePlayScreen",
    "RolePlaysScreen",
    "SetupScreen",
    "SignInScreen",
    "StatsScreen",
    "TrackScreen",
]

if TYPE_CHECKING:
    from trainer.ui.screens.assessment import AssessmentScreen
    from trainer.ui.screens.audit_log import AuditLogScreen
    from trainer.ui.screens.bank_editor import BankEditorScreen
    from trainer.ui.screens.call_library import CallLibraryScreen
    from trainer.ui.screens.call_review import CallReviewScreen
    from trainer.ui.screens.call_review_result import CallReviewResultScreen
    from trainer.ui.screens.call_spot import CallSpotScreen
    from trainer.ui.screens.certificates import CertificatesScreen
    from trainer.ui.screens.cohort import CohortScreen
    from trainer.ui.screens.exam import ExamScreen
    from trainer.ui.screens.exam_intro import ExamIntroScreen
    from trainer.ui.screens.exam_result import ExamResultScreen
    from trainer.ui.screens.exam_review import ExamReviewScreen
    from trainer.ui.screens.gradebook import GradebookScreen
    from trainer.ui.screens.home import HomeScreen
    from trainer.ui.screens.lesson import LessonScreen
    from trainer.ui.screens.mentee import MenteeScreen
    from trainer.ui.screens.no_organisation import NoOrganisationScreen
    from trainer.ui.screens.people import PeopleScreen
    from trainer.ui.screens.problems import ProblemsScreen
    from trainer.ui.screens.quality_review import QualityReviewScreen
    from trainer.ui.screens.quality_review_result import QualityReviewResultScreen
    from trainer.ui.screens.quality_reviews import QualityReviewsScreen
    from trainer.ui.screens.roleplay import RolePlayScreen
    from trainer.ui.screens.roleplay_replay import RolePlayReplayScreen
    from trainer.ui.screens.roleplay_result import RolePlayResultScreen
    from trainer.ui.screens.roleplays import RolePlaysScreen
    from trainer.ui.screens.setup import SetupScreen
    from trainer.ui.screens.sign_in import SignInScreen
    from trainer.ui.screens.stats import StatsScreen
    from trainer.ui.screens.track import TrackScreen


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(name)
    return getattr(import_module(f"trainer.ui.screens.{_MODULES[name]}"), name)
