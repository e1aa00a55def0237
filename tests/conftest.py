"""Fixtures shared by every tier: data and settings in temporary folders, never the home folder."""

from __future__ import annotations

import os
import secrets
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
def context(data_dir: Path, database_url: str) -> Iterator[TrainerContext]:
    """A context on an empty organisation with the bundled content: in the data folder, or
    in a PostgreSQL schema of its own for the tests marked `both_stores`."""
    context = open_context(Settings(data_dir=data_dir, language="en", database_url=database_url))
    yield context
    close = getattr(context.store, "close", None)
    if close is not None:
        close()


# ---------------------------------------------------------------- the two stores

DATABASE_URL = os.environ.get("TRAINER_TEST_DATABASE_URL", "")
"""A PostgreSQL database the tests may use (each test gets a schema of its own, dropped after).
`.ci/run` starts a real server and sets it; without it the PostgreSQL runs are skipped, or
fail when `TRAINER_REQUIRE_POSTGRES=1` (CI), so a missing server is never a silent pass."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_stores: run the test on the data folder and on PostgreSQL"
    )
    config.addinivalue_line(
        "markers", "folder_only: in a both_stores module, a test of the data folder's files"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    definition = metafunc.definition
    if (
        "store_kind" in metafunc.fixturenames
        and definition.get_closest_marker("both_stores")
        and not definition.get_closest_marker("folder_only")
    ):
        metafunc.parametrize("store_kind", ["folder", "postgres"], indirect=True)


@pytest.fixture
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "folder"))


@pytest.fixture
def database_url(store_kind: str) -> Iterator[str]:
    """'' for the data folder; for PostgreSQL, a URL whose connections use a fresh schema."""
    if store_kind == "folder":
        yield ""
        return
    if not DATABASE_URL:
        if os.environ.get("TRAINER_REQUIRE_POSTGRES") == "1":
            pytest.fail("TRAINER_TEST_DATABASE_URL is not set, and CI requires PostgreSQL")
        pytest.skip("no PostgreSQL server (set TRAINER_TEST_DATABASE_URL)")
    import psycopg

    schema = f"test_{secrets.token_hex(6)}"
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in DATABASE_URL else "?"
    yield f"{DATABASE_URL}{separator}options=-csearch_path%3D{schema}"
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA {schema} CASCADE")


def store_options(context: TrainerContext) -> list[str]:
    """The command-line options that open `context`'s organisation."""
    options = ["--data", str(context.settings.data_dir)]
    if context.settings.database_url:
        options += ["--database", context.settings.database_url]
    return options
