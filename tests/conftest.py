"""Fixtures shared by every tier: data and settings in temporary folders, never the home folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from trainer.services import accounts
from trainer.services.context import TrainerContext, open_context
from trainer.settings import ENV_PREFIX, SETTING_NAMES, Settings

DATA = Path(__file__).parent / "data"
GOOD_ROOT = DATA / "good"
BAD_ROOT = DATA / "bad"


@pytest.fixture(autouse=True)
def _isolated_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """No test reads the developer's own settings file or TRAINER_* variables."""
    config = tmp_path_factory.mktemp("config") / "config.toml"
    monkeypatch.setenv("TRAINER_CONFIG", str(config))
    for name in SETTING_NAMES:
        monkeypatch.delenv(f"{ENV_PREFIX}{name.upper()}", raising=False)
    yield


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today's scrypt cost takes half a second a hash, and the suite makes hundreds of
    people; the tests of the cost itself (test_accounts) put it back."""
    monkeypatch.setattr(accounts, "SCRYPT_N", 2**12)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def context(data_dir: Path) -> TrainerContext:
    """A context on an empty data folder with the bundled content."""
    return open_context(Settings(data_dir=data_dir, language="en"))
