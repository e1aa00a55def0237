"""Benchmark: importing questions grows linearly with the number of questions.

For each format (GIFT, Aiken, Moodle XML, CSV, xlsx) a file of N generated questions and one
of 4N are read, interleaved, and the ratio of their median times is reported: about 4 when
the import is linear, 16 when it is quadratic (as GIFT import was, rebuilding the set of taken
ids on every question: 32,000 questions took 110 s). Goal: every ratio at most 5. The seconds per
1,000 questions of the larger file are printed for scale.

Run: python bench/imports.py [--questions N] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from trainer.content.formats import aiken, gift, moodlexml, spreadsheet
from trainer.content.formats.common import ImportResult
from trainer.content.models import QuestionBank


def gift_text(count: int) -> str:
    return "".join(
        f"// [id:q-{n:06d}] [tag:bench]\n::Question {n}::第{n}题：客户来电时应该怎么做？ {{\n"
        f"  =先问候#对\n  ~挂断#错\n  ~沉默\n}}\n\n"
        for n in range(count)
    )


def aiken_text(count: int) -> str:
    return "".join(
        f"Question {n}: what should you do first?\nA) Greet the caller\nB) Hang up\n"
        f"C) Say nothing\nANSWER: A\n\n"
        for n in range(count)
    )


def rows(count: int) -> list[dict[str, str]]:
    return [
        {
            **dict.fromkeys(spreadsheet.COLUMNS, ""),
            "id": f"q-{n:06d}",
            "type": "single",
            "stem_zh": f"第{n}题：客户来电时应该怎么做？",
            "stem_en": f"Question {n}: what should you do first?",
            "options_zh": "先问候 | 挂断 | 沉默",
            "options_en": "Greet | Hang up | Say nothing",
            "correct": "1",
        }
        for n in range(count)
    ]


def csv_bank(source: str) -> QuestionBank:
    """The bank the CSV file holds, to write as Moodle XML."""
    return QuestionBank.model_validate(spreadsheet.read_csv(source).bank("bench", "Bench"))


def readers(count: int) -> dict[str, Callable[[], ImportResult]]:
    """Each format's reader, bound to a file of `count` questions made in advance."""
    gift_source, aiken_source = gift_text(count), aiken_text(count)
    csv_source = spreadsheet.write_csv(rows(count)).decode("utf-8")
    xlsx_source = spreadsheet.write_xlsx(rows(count))
    xml_source = moodlexml.write_moodle_xml(csv_bank(csv_source))
    return {
        "gift": lambda: gift.read_gift(gift_source),
        "aiken": lambda: aiken.read_aiken(aiken_source),
        "xml": lambda: moodlexml.read_moodle_xml(xml_source),
        "csv": lambda: spreadsheet.read_csv(csv_source),
        "xlsx": lambda: spreadsheet.read_xlsx(xlsx_source),
    }


def timed(read: Callable[[], ImportResult], expected: int) -> float:
    start = time.perf_counter()
    result = read()
    elapsed = time.perf_counter() - start
    assert len(result.questions) == expected and not result.skipped, result.skipped[:3]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=4_000)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    small_count, large_count = arguments.questions, 4 * arguments.questions
    small, large = readers(small_count), readers(large_count)
    print(f"questions: {small_count} and {large_count}")
    for kind in small:
        small_times, large_times = [], []
        for _ in range(arguments.repeat):  # interleaved: a busy moment hits both sizes
            small_times.append(timed(small[kind], small_count))
            large_times.append(timed(large[kind], large_count))
        ratio = statistics.median(large_times) / statistics.median(small_times)
        per_thousand = statistics.median(large_times) / large_count * 1000
        print(f"{kind:6} 4N / N: {ratio:5.2f}  (goal <= 5)   {per_thousand:6.3f} s per 1,000")


if __name__ == "__main__":
    main()
