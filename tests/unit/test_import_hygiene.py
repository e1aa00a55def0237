"""The core (content, storage, services) and the CLI's shell commands never import textual."""

import subprocess
import sys


def test_core_does_not_import_textual() -> None:
    code = (
        "import sys\n"
        "import trainer.content, trainer.content.lint, trainer.storage, trainer.services.context\n"
        "import trainer.services.demo, trainer.cli\n"
        "print('textual' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_the_ui_does_import_textual() -> None:
    """The check above can fail: importing the UI does pull textual in."""
    code = "import sys\nimport trainer.ui.app\nprint('textual' in sys.modules)\n"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"
