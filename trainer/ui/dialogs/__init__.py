"""Modal dialogs, one per file."""

from trainer.ui.dialogs.assign_mentor import AssignMentorDialog
from trainer.ui.dialogs.choice import ChoiceDialog
from trainer.ui.dialogs.confirm import ConfirmDialog
from trainer.ui.dialogs.help import AboutDialog, HelpDialog
from trainer.ui.dialogs.import_bank import ImportChoice, ImportDialog
from trainer.ui.dialogs.import_report import ImportReportDialog
from trainer.ui.dialogs.mentor_history import HistoryRow, MentorHistoryDialog
from trainer.ui.dialogs.password import PasswordDialog
from trainer.ui.dialogs.person import PersonDialog, PersonForm
from trainer.ui.dialogs.question_list import QuestionListDialog
from trainer.ui.dialogs.text import TextDialog

__all__ = [
    "AboutDialog",
    "AssignMentorDialog",
    "ChoiceDialog",
    "ConfirmDialog",
    "HelpDialog",
    "HistoryRow",
    "ImportChoice",
    "ImportDialog",
    "ImportReportDialog",
    "MentorHistoryDialog",
    "PasswordDialog",
    "PersonDialog",
    "PersonForm",
    "QuestionListDialog",
    "TextDialog",
]
