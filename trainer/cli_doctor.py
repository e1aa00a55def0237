"""`trainer doctor [--restore] [--yes]`: check the data folder, restore from backups."""

from __future__ import annotations

import sys
from pathlib import Path

from trainer.i18n import Translator
from trainer.storage.doctor import FileCheck, Reading, examine, restore


def _counts(reading: Reading, tr: Translator) -> str:
    if not reading.counts:
        return tr("doctor.no_records")
    return " · ".join(f"{table} {count}" for table, count in reading.counts.items())


def _problem(reading: Reading, tr: Translator) -> str:
    assert reading.problem is not None
    return tr(reading.problem.catalog_key, **reading.problem.values)


def _describe(check: FileCheck, root: Path, tr: Translator) -> list[str]:
    name = str(check.path.relative_to(root))
    if check.reading.usable:
        return [tr("doctor.file_ok", file=name, counts=_counts(check.reading, tr))]
    lines = [tr("doctor.file_bad", file=name), f"    {_problem(check.reading, tr)}"]
    if check.backup is None:
        lines.append(tr("doctor.no_backup"))
    elif check.backup.usable:
        lines.append(tr("doctor.backup_ok", counts=_counts(check.backup, tr)))
    else:
        lines.append(tr("doctor.backup_bad"))
    return lines


def doctor_command(root: Path, restoring: bool, yes: bool, tr: Translator) -> int:
    print(tr("doctor.checking", folder=root))
    if not root.is_dir():
        print(tr("doctor.no_folder", folder=root), file=sys.stderr)
        return 1
    checks = examine(root)
    for check in checks:
        print("\n".join(_describe(check, root, tr)))
    damaged = [check for check in checks if not check.reading.usable]
    if not damaged:
        print(tr("doctor.all_ok", files=len(checks)))
        return 0
    restorable = [check for check in damaged if check.restorable]
    if not restoring:
        print(tr("doctor.found", problems=len(damaged), restorable=len(restorable)))
        return 1
    if not restorable:
        print(tr("doctor.nothing_to_restore"), file=sys.stderr)
        return 1
    print(tr("doctor.plan_heading"))
    for check in restorable:
        assert check.backup is not None
        print(
            tr(
                "doctor.plan_line",
                file=check.path.relative_to(root),
                counts=_counts(check.backup, tr),
            )
        )
    if not yes:
        if not sys.stdin.isatty():
            print(tr("doctor.needs_yes"), file=sys.stderr)
            return 1
        if input(tr("doctor.confirm", files=len(restorable))).strip().lower() not in ("y", "yes"):
            print(tr("doctor.cancelled"))
            return 1
    for check in restorable:
        kept = restore(check)
        name = check.path.relative_to(root)
        if kept is None:
            print(tr("doctor.restored_lost", file=name))
        else:
            print(tr("doctor.restored", file=name, kept=kept.relative_to(root)))
    left = len(damaged) - len(restorable)
    return 0 if left == 0 else 1
