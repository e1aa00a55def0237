"""What the app benchmarks share: a demo organisation to launch on, and medians of fresh
processes running a child script, the kinds interleaved so a busy moment of the machine
falls on all of them alike.

Bytecode is cached, as after `pip install` (which compiles it): the children run without
PYTHONDONTWRITEBYTECODE, and a first launch of each kind writes the cache. Otherwise
trainer's own modules would be compiled from source on every launch, a cost no installed
copy pays.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path


@contextlib.contextmanager
def demo_organisation() -> Iterator[Path]:
    """A data folder holding the demo organisation, removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        subprocess.run(
            [sys.executable, "-m", "trainer", "--lang", "en", "demo", "--data", str(data)],
            capture_output=True,
            check=True,
        )
        yield data


def launch(child: str, kind: str, data: Path) -> float:
    """Run `child` as a fresh process with arguments KIND DATA; it prints seconds last."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    result = subprocess.run(
        [sys.executable, "-c", child, kind, str(data)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=environment,
    )
    return float(result.stdout.strip().splitlines()[-1])


def interleaved_medians(
    child: str, kinds: Sequence[str], data: Path, repeat: int
) -> dict[str, float]:
    """The median seconds of `repeat` launches of each kind, after one unmeasured each."""
    for kind in kinds:
        launch(child, kind, data)  # the file cache and the bytecode cache
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(repeat):
        for kind in kinds:
            times[kind].append(launch(child, kind, data))
    return {kind: statistics.median(found) for kind, found in times.items()}
