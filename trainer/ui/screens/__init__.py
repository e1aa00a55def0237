"""The app's screens, one per file."""

from trainer.ui.screens.home import HomeScreen
from trainer.ui.screens.setup import SetupScreen
from trainer.ui.screens.sign_in import SignInScreen

__all__ = ["HomeScreen", "SetupScreen", "SignInScreen"]
