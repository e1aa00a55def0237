"""The PostgreSQL store's own commands: `trainer --database URL demo` and the CLI on it,
`trainer db copy --from-folder` (every count checked, a second organisation refused) and
`trainer db upgrade` (a newer or older schema is a sentence, never a guess)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from trainer.cli import main
from trainer.services.context import open_context
from trainer.settings import Settings
from trainer.storage.postgres import SCHEMA_VERSION
from trainer.storage.records import ExamAttempt, RolePlayRun

pytestmark = pytest.mark.parametrize("store_kind", ["postgres"], indirect=True)


def _cli(database_url: str, data: Path, *arguments: str) -> list[str]:
    return ["--lang", "en", "--database", database_url, "--data", str(data), *arguments]


def test_the_demo_and_the_commands_work_on_the_database(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_cli(database_url, tmp_path / "host", "demo")) == 0
    out = capsys.readouterr().out
    assert "--database" in out and "trainer:trainer@" not in out  # no password on screen
    assert main(_cli(database_url, tmp_path / "host", "user", "list")) == 0
    listed = capsys.readouterr().out
    assert "王小明" in listed and "Emily Carter" in listed
    # nothing of the organisation is in the local folder: another host sees the same
    assert not (tmp_path / "host" / "roster.json").exists()
    assert main(_cli(database_url, tmp_path / "other-host", "user", "list")) == 0
    assert capsys.readouterr().out == listed


def test_a_folder_moves_into_the_database_with_every_count(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "folder"
    assert main(["--lang", "en", "demo", "--data", str(folder)]) == 0
    capsys.readouterr()
    assert (
        main(_cli(database_url, tmp_path / "host", "db", "copy", "--from-folder", str(folder))) == 0
    )
    assert "Every count matches" in capsys.readouterr().out

    before = open_context(Settings(data_dir=folder, language="en"))
    after = open_context(
        Settings(data_dir=tmp_path / "host", language="en", database_url=database_url)
    )
    assert [p.model_dump() for p in after.accounts.people()] == [
        p.model_dump() for p in before.accounts.people()
    ]
    for person in before.accounts.people():
        for model in (ExamAttempt, RolePlayRun):
            assert after.store.person_file(person.id).all(model) == before.store.person_file(
                person.id
            ).all(model)
    assert [c.id for c in after.certificates.all()] == [c.id for c in before.certificates.all()]
    code = before.certificates.all()[0].id
    assert main(_cli(database_url, tmp_path / "host", "verify", code)) == 0

    # a second organisation is refused, and nothing of it is written
    assert (
        main(_cli(database_url, tmp_path / "host", "db", "copy", "--from-folder", str(folder))) == 1
    )
    assert "already holds an organisation" in capsys.readouterr().err
    assert len(after.accounts.people()) == len(before.accounts.people())


def test_schema_versions_are_checked(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_cli(database_url, tmp_path, "db", "upgrade")) == 0
    assert f"from version 0 to {SCHEMA_VERSION}" in capsys.readouterr().out  # a new database
    assert main(_cli(database_url, tmp_path, "db", "upgrade")) == 0
    assert f"up to date (version {SCHEMA_VERSION})" in capsys.readouterr().out
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("UPDATE trainer_schema SET version = %s", (SCHEMA_VERSION + 1,))
    assert main(_cli(database_url, tmp_path, "user", "list")) == 1
    err = capsys.readouterr().err
    assert "was set up by a newer trainer" in err and "trainer:trainer@" not in err
    assert main(_cli(database_url, tmp_path, "db", "upgrade")) == 1
    assert "newer trainer" in capsys.readouterr().err


def test_an_older_schema_asks_for_an_upgrade(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with psycopg.connect(database_url, autocommit=True) as connection:
        # a database set up before the first migration ran
        connection.execute("CREATE TABLE trainer_schema (version integer NOT NULL)")
        connection.execute("INSERT INTO trainer_schema VALUES (0)")
    assert main(_cli(database_url, tmp_path, "user", "list")) == 1
    assert "Run `trainer db upgrade`" in capsys.readouterr().err
    assert main(_cli(database_url, tmp_path, "db", "upgrade")) == 0
    assert f"from version 0 to {SCHEMA_VERSION}" in capsys.readouterr().out
    assert main(_cli(database_url, tmp_path, "user", "list")) == 0


def test_an_unreachable_database_is_one_sentence(
    store_kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql://trainer:secret@127.0.0.1:1/nothing"
    assert main(_cli(url, tmp_path, "user", "list")) == 1
    err = capsys.readouterr().err
    assert err.startswith("Cannot reach the database trainer@127.0.0.1:1/nothing")
    assert "secret" not in err and "Traceback" not in err


def test_doctor_says_it_is_for_data_folders(
    store_kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_cli("postgresql://trainer@127.0.0.1:1/nothing", tmp_path, "doctor")) == 2
    assert "pg_dump" in capsys.readouterr().err


def test_the_commands_that_read_and_write_the_organisation_work_on_the_database(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every command that opens the organisation, on the demo in PostgreSQL."""
    host = tmp_path / "host"
    assert main(_cli(database_url, host, "demo")) == 0
    out = tmp_path / "out"
    out.mkdir()
    code = (
        open_context(Settings(data_dir=host, language="en", database_url=database_url))
        .certificates.all()[0]
        .id
    )
    commands = [
        ["user", "list", "--json"],
        ["user", "unlock", "li-na"],
        ["mentor", "assign", "zhang-min", "li-na", "--days", "30"],
        ["report", "mentor", "zhang-min", "-o", str(out / "mentor.pdf")],
        ["stats", "--json"],
        ["verify", code],
        ["certificate", "export", "-o", str(out / "all.zip")],
        ["certificate", "revoke", code, "--reason", "test"],
        ["export", "frontline_core", "--format", "gift", "-o", str(out / "bank.gift")],
        ["library", "list"],
    ]
    for command in commands:
        assert main(_cli(database_url, host, *command)) == 0, command
    capsys.readouterr()
    assert main(_cli(database_url, host, "verify", code)) == 1  # revoked, as recorded
    assert "revoked" in capsys.readouterr().out.lower()
    assert (out / "mentor.pdf").read_bytes().startswith(b"%PDF")


def test_an_upgrade_fills_the_new_columns_from_the_records_already_stored(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Version 2 added the columns the gradebook sums over; a database of version 1 holds the
    same records with only their JSON, and after `trainer db upgrade` sums up the same."""
    from psycopg.types.json import Jsonb

    from tests.unit.test_summary import ANN, ANN_SUMMARY
    from trainer.storage.postgres import MIGRATIONS

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("CREATE TABLE trainer_schema (version integer NOT NULL)")
        connection.execute("INSERT INTO trainer_schema VALUES (1)")
        for statement in MIGRATIONS[0]().split(";\n"):
            connection.execute(statement)
        columns = {"exam_attempts": ("track", "started_at"), "roleplay_runs": ("scenario", "mode")}
        for record in ANN:
            row = record.to_json()
            extra = columns.get(record.table, ())
            table = record.table if record.table in columns else "records"
            connection.execute(
                f"INSERT INTO {table} (scope, kind, id, data{''.join(', ' + c for c in extra)}) "
                f"VALUES (%s, %s, %s, %s{', %s' * len(extra)})",
                ("ann", record.table, record.id, Jsonb(row), *(row[c] for c in extra)),
            )
    assert main(_cli(database_url, tmp_path, "db", "upgrade")) == 0
    assert f"from version 1 to {SCHEMA_VERSION}" in capsys.readouterr().out
    context = open_context(Settings(data_dir=tmp_path, language="en", database_url=database_url))
    try:
        assert context.store.summaries_of(["ann"]) == {"ann": ANN_SUMMARY}
    finally:
        context.store.close()  # type: ignore[attr-defined]


def test_a_change_is_made_on_what_another_host_wrote_last(
    database_url: str, tmp_path: Path
) -> None:
    """`update` changes a row it wrote last without reading it again, but never over a write
    of another host: two stores on one database (two hosts) take turns on one sitting, and
    each change lands on top of the other's; a change refused on what this host last saw is
    decided again on what the database holds."""
    from trainer.storage.postgres import PostgresStore

    first = PostgresStore(database_url, tmp_path / "a")
    second = PostgresStore(database_url, tmp_path / "b")
    try:
        attempt = ExamAttempt(id="att-1", track="frontline", seed=1, question_ids=["b:q1", "b:q2"])
        first.person_file("ann").insert(attempt)

        def answer(key: str) -> Any:
            return lambda a: a.model_copy(update={"answers": {**a.answers, key: 1}})

        first.person_file("ann").update(ExamAttempt, "att-1", answer("b:q1"))  # remembered
        second.person_file("ann").update(ExamAttempt, "att-1", answer("b:q2"))
        first.person_file("ann").update(
            ExamAttempt, "att-1", lambda a: a.model_copy(update={"position": 1})
        )
        stored = second.person_file("ann").get(ExamAttempt, "att-1")
        assert stored is not None
        assert (stored.answers, stored.position) == ({"b:q1": 1, "b:q2": 1}, 1)

        # the second host submits; the first last saw it open, and a change that refuses an
        # open sitting must see it submitted, not refuse on the first host's memory
        second.person_file("ann").update(
            ExamAttempt, "att-1", lambda a: a.model_copy(update={"score": 50.0})
        )

        def only_when_scored(a: ExamAttempt) -> ExamAttempt:
            if a.score is None:
                raise ValueError("not scored yet")
            return a.model_copy(update={"flagged": ["b:q1"]})

        changed = first.person_file("ann").update(ExamAttempt, "att-1", only_when_scored)
        assert changed is not None and changed.score == 50.0
        stored = second.person_file("ann").get(ExamAttempt, "att-1")
        assert stored is not None and stored.flagged == ["b:q1"] and stored.score == 50.0
    finally:
        first.close()
        second.close()
