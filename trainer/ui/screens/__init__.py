"""The app's screens, one per file."""

from trainer.ui.screens.home import HomeScreen
from trainer.ui.screens.lesson import LessonScreen
from trainer.ui.screens.people import PeopleScreen
from trainer.ui.screens.problems import ProblemsScreen
from trainer.ui.screens.setup import SetupScreen
from trainer.ui.screens.sign_in import SignInScreen
from trainer.ui.screens.track import TrackScreen

__all__ = [
    "HomeScreen",
    "LessonScreen",
    "PeopleScreen",
    "ProblemsScreen",
    "SetupScreen",
    "SignInScreen",
    "TrackScreen",
]
