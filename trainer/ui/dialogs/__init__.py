"""Modal dialogs, one per file."""

from trainer.ui.dialogs.help import AboutDialog, HelpDialog
from trainer.ui.dialogs.password import PasswordDialog
from trainer.ui.dialogs.person import PersonDialog, PersonForm

__all__ = ["AboutDialog", "HelpDialog", "PasswordDialog", "PersonDialog", "PersonForm"]
