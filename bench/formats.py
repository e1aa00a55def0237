"""Benchmark: GIFT and Aiken import of 50,000 questions, against a bare parse of the same file.

Each file is imported the way `trainer import` and Ctrl+O import it (`read_import_file`:
read, decode, tell the format by content, parse, check every question with the bank's
models), and the same file is given a bare parse in the same run: read, decode and split
into its blank-line blocks, the least any reader of the format must do. Reported: questions
per second of each, and the import's time as a multiple of the bare parse's. The GIFT file
mixes every kind of question, repeated titles (ids made unique), HTML with images, weights
and wildcards, so each rule of the reader is paid for; it is saved as `.txt` and in GB18030,
the case Moodle exports and Chinese Windows make. Goal: the import stays within some
hundred bare parses and 50,000 questions import in seconds (the ratio says whether a change
made it slower, whatever the machine).

Run: python bench/formats.py [--questions N] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from trainer.content.formats.common import read_text_file
from trainer.content.formats.files import read_import_file

_GIFT_KINDS = (
    "::Greeting::第{n}题：客户来电时应该先做什么？ {{\n"
    "  =先问候#对\n  ~%50%先登记\n  ~挂断#错\n}}\n\n",
    "// [id:Q-{n}]\n[html]<p>Question {n}: the&nbsp;standard</p><p>Pick <b>two</b>.</p>"
    ' {{~%50%a ~%50%b ~%-100%c ####<img src="x{n}.png">}}\n\n',
    "Question {n}: how many rings? {{#3:1 =%50%5 ~#Too slow}}\n\n",
    "Question {n}: where? {{=New * City =%50%*York#Close}}\n\n",
    "Match {n}. {{=a -> 1 =b -> 2 = -> 3}}\n\n",
    "Hang up first, question {n}. {{F#No.#Right.}}\n\n",
)


def gift_text(count: int) -> str:
    return "".join(_GIFT_KINDS[n % len(_GIFT_KINDS)].format(n=n) for n in range(count))


def aiken_text(count: int) -> str:
    return "".join(
        f"Question {n}: what should you do first?\nA) Greet the caller\nB)Hang up\n"
        f"C. Say nothing\nANSWER: A\n\n"
        for n in range(count)
    )


def bare(path: Path) -> int:
    """The least a reader does: the file read, decoded and split into its blocks."""
    text = read_text_file(path)
    return sum(1 for block in text.split("\n\n") if block.strip())


def timed(run: Callable[[], int], expected: int) -> float:
    start = time.perf_counter()
    got = run()
    elapsed = time.perf_counter() - start
    assert got == expected, (got, expected)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    count = arguments.questions
    with tempfile.TemporaryDirectory() as folder:
        gift = Path(folder) / "moodle-export.txt"
        gift.write_bytes(gift_text(count).encode("gb18030"))
        aiken = Path(folder) / "aiken.txt"
        aiken.write_bytes(aiken_text(count).encode("utf-8"))
        print(f"questions: {count} a file")
        for kind, path in (("gift", gift), ("aiken", aiken)):

            def imported(path: Path = path) -> int:
                result = read_import_file(path, None, "imported")
                assert not result.skipped, result.skipped[:3]
                return len(result.questions)

            import_times, bare_times = [], []
            for _ in range(arguments.repeat):  # interleaved: a busy moment hits both
                import_times.append(timed(imported, count))
                bare_times.append(timed(lambda path=path: bare(path), count))
            took, baseline = statistics.median(import_times), statistics.median(bare_times)
            print(
                f"{kind:6} import {count / took:9,.0f} q/s ({took:5.2f} s)   "
                f"bare parse {count / baseline:11,.0f} q/s   import / bare: {took / baseline:6.1f}"
            )


if __name__ == "__main__":
    main()
