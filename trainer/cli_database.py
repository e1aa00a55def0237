"""`trainer db upgrade` and `trainer db copy --from-folder DIR`: the PostgreSQL store's two
operator commands."""

from __future__ import annotations

from pathlib import Path

from trainer.i18n import Translator
from trainer.settings import Settings


def db_command(settings: Settings, action: str, from_folder: Path | None, tr: Translator) -> int:
    from trainer.cli import CommandError

    if not settings.database_url:
        raise CommandError(tr("cli.db_no_url"), status=2)
    if action == "upgrade":
        return _upgrade(settings, tr)
    assert from_folder is not None  # argparse requires it
    return _copy(settings, from_folder, tr)


def _upgrade(settings: Settings, tr: Translator) -> int:
    import psycopg

    from trainer.cli import CommandError
    from trainer.storage.postgres import SCHEMA_VERSION, location, reason, upgrade

    try:
        with psycopg.connect(settings.database_url, autocommit=True) as connection:
            before, after = upgrade(connection)
    except psycopg.OperationalError as error:
        raise CommandError(
            tr(
                "storage.database_unreachable",
                path=location(settings.database_url),
                detail=reason(error),
            )
        ) from None
    if before > SCHEMA_VERSION:
        raise CommandError(
            tr(
                "storage.database_too_new",
                path=location(settings.database_url),
                found=before,
                known=SCHEMA_VERSION,
            )
        )
    if before == after:
        print(tr("cli.db_up_to_date", version=after))
    else:
        print(tr("cli.db_upgraded", before=before, after=after))
    return 0


def _copy(settings: Settings, folder: Path, tr: Translator) -> int:
    from trainer.storage.moving import copy_folder
    from trainer.storage.postgres import PostgresStore

    store = PostgresStore(settings.database_url, settings.data_dir)
    try:
        report = copy_folder(folder.expanduser(), store)
    finally:
        store.close()
    for kind, count in report.counts.items():
        print(f"  {kind:<24} {count:>8}")
    print(
        tr(
            "cli.db_copied",
            folder=folder,
            people=report.people_files,
            records=sum(report.counts.values()),
            pdfs=report.certificate_pdfs,
        )
    )
    return 0
