"""Benchmark: `trainer user import` of a hire list of 1,000 people.

Measured in one run, interleaved so a busy moment hits every figure alike:
- the bare baseline: reading the same CSV with the csv module and writing a roster of the
  same people and audit events with one atomic JSON write (what the import cannot do with
  less), and hashing 1,000 one-time passwords at their cost (ONE_TIME_SCRYPT_N);
- the dry run (`check_people_file`: read, check every row against the organisation);
- the import (`Accounts.import_people`: passwords, hashes, one write of everyone);
- the same import of 2N people, for the ratio 2N / N (about 2 when it is linear).

Printed: seconds, the import as a ratio to the bare baseline (goal <= 3), and 2N / N (goal
<= 2.5). For scale, the seconds 1,000 hashes would take at today's full cost (SCRYPT_N),
from one hash: the reason one-time passwords are hashed at a lower cost (accounts.py).

Run: python bench/people_import.py [--people N] [--repeat N]
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import tempfile
import time
from pathlib import Path

from trainer.services import accounts as accounts_module
from trainer.services.context import TrainerContext, open_context
from trainer.services.people_import import check_people_file
from trainer.settings import Settings
from trainer.storage.files import atomic_write_json


def hire_list(count: int) -> str:
    lines = ["name,id,roles,tracks,team,cohort,hire_date"]
    for n in range(count):
        role = "mentor;learner" if n % 20 == 0 else "learner"
        lines.append(
            f"新员工{n},hire-{n:05d},{role},frontline,{n % 12}组,2026-{n % 12 + 1:02d},2026-03-01"
        )
    return "\n".join(lines) + "\n"


def organisation(folder: Path) -> TrainerContext:
    context = open_context(Settings(data_dir=folder, language="en"))
    context.accounts.set_up("Bench", "Chen Jing", "bench-password", person_id="chen")
    return context


def bare(source: Path, folder: Path) -> float:
    """Read the CSV and write the same people and events in one JSON write; hash the
    passwords at the one-time cost."""
    start = time.perf_counter()
    rows = list(csv.DictReader(io.StringIO(source.read_text("utf-8"))))
    people = {
        str(i): {"id": row["id"], "name": row["name"], "roles": row["roles"].split(";")}
        for i, row in enumerate(rows, 1)
    }
    events = {str(i): {"id": f"evt-{i}", "subject": row["id"]} for i, row in enumerate(rows, 1)}
    for _ in rows:
        accounts_module.hash_password("abcdefghjkmnpq", accounts_module.ONE_TIME_SCRYPT_N)
    atomic_write_json(folder / "bare.json", {"people": people, "audit": events})
    return time.perf_counter() - start


def dry_run(source: Path, context: TrainerContext, expected: int) -> float:
    start = time.perf_counter()
    plan = check_people_file(source, context.accounts, context.library)
    elapsed = time.perf_counter() - start
    assert len(plan.people) == expected and not plan.refused, plan.refused[:3]
    return elapsed


def imported(source: Path, folder: Path, expected: int) -> float:
    context = organisation(folder)
    start = time.perf_counter()
    plan = check_people_file(source, context.accounts, context.library)
    added = context.accounts.import_people(None, plan)
    elapsed = time.perf_counter() - start
    assert len(added) == expected
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    count = arguments.people
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        small, large = root / "small.csv", root / "large.csv"
        small.write_text(hire_list(count), encoding="utf-8")
        large.write_text(hire_list(2 * count), encoding="utf-8")
        checked = organisation(root / "checked")
        times: dict[str, list[float]] = {"bare": [], "dry": [], "import": [], "import2": []}
        for run in range(arguments.repeat):
            times["bare"].append(bare(small, root))
            times["dry"].append(dry_run(small, checked, count))
            times["import"].append(imported(small, root / f"n-{run}", count))
            times["import2"].append(imported(large, root / f"2n-{run}", 2 * count))
        start = time.perf_counter()
        accounts_module.hash_password("abcdefghjkmnpq")
        full_cost = (time.perf_counter() - start) * count
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"people: {count} (and {2 * count})")
    print(f"bare read + write + one-time hashes: {median['bare']:6.2f} s")
    print(f"dry run:                             {median['dry']:6.2f} s")
    print(
        f"import:                              {median['import']:6.2f} s"
        f"   {median['import'] / median['bare']:5.2f} x bare (goal <= 3)"
    )
    print(
        f"import 2N / N:                       {median['import2'] / median['import']:6.2f}"
        "     (goal <= 2.5)"
    )
    print(f"for scale, {count} hashes at the full cost would take {full_cost:6.1f} s")


if __name__ == "__main__":
    main()
