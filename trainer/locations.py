"""Where things live: the bundled content root, the user's data and config folders.

The bundled content (`tracks/`, `question_banks/`, `scenarios/`, `calls/`) sits at the top of a
checkout, beside the package; a wheel carries it inside the package as `trainer/bundled/`
(hatchling `force-include`). An editable install does not apply `force-include`, so both
places are looked at, the installed one first.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "trainer"
CONTENT_FOLDERS = ("tracks", "question_banks", "scenarios", "calls")

_PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_content_root() -> Path:
    """The content root shipped with the program."""
    inside_wheel = _PACKAGE_DIR / "bundled"
    if (inside_wheel / "tracks").is_dir():
        return inside_wheel
    return _PACKAGE_DIR.parent


def bundled_calibration_dir() -> Path:
    """The calibration corpus shipped with the program (docs/calibration.md)."""
    return bundled_content_root() / "calibration"


def default_data_dir() -> Path:
    """The platform's user data folder, e.g. ~/.local/share/trainer on Linux."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_demo_dir() -> Path:
    """The demo organisation's own data folder, apart from real data."""
    return default_data_dir().parent / f"{APP_NAME}-demo"


DEMO_PASSWORD = "training"
"""Everyone's password in the demo organisation. Kept here, beside the demo's folder, so
`trainer --demo` can show it without importing what builds the demo."""


def config_file() -> Path:
    """The user's settings file, e.g. ~/.config/trainer/config.toml on Linux."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"
