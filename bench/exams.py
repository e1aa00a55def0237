"""Benchmark: loading a 10,000-question bank, and drawing and scoring a 50-question exam.

- Loading and validating the bank (YAML with line numbers, pydantic models, cross checks),
  as a ratio to a bare `yaml.load` of the same file with libyaml, the parser the loader
  itself uses (goal: at most 3). PyYAML's pure-Python parse is printed too, for scale.
- Drawing a 50-question paper from the bank and marking a full set of answers, in ms.

Run: python bench/exams.py [--questions N] [--repeat N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from trainer.content.loader import load_library
from trainer.content.models import Track
from trainer.services.exams import draw_paper
from trainer.services.marking import mark

TYPES = ("single", "multiple", "true_false", "short_answer", "numerical", "matching")


def question_yaml(number: int) -> str:
    kind = TYPES[number % len(TYPES)]
    head = (
        f"  - id: q-{number:05d}\n    type: {kind}\n    category: c{number % 10}\n"
        f"    difficulty: {1 + number % 3}\n"
        f"    stem: {{zh: 第{number}题：客户来电时应该怎么做？,\n"
        f"           en: 'Question {number}: what should you do?'}}\n"
        f"    explanation: {{zh: 解释{number}, en: Explanation {number}}}\n"
    )
    if kind in ("single", "multiple"):
        right = 1 if kind == "single" else 2
        options = "".join(
            f"      - {{text: {{zh: 选项{n}, en: Option {n}}}, "
            f"correct: {str(n < right).lower()}}}\n"
            for n in range(4)
        )
        return head + "    options:\n" + options
    if kind == "true_false":
        return head + f"    answer: {str(number % 2 == 0).lower()}\n"
    if kind == "short_answer":
        return head + '    answers: [{text: "24", weight: 100}, {text: 二十四, weight: 100}]\n'
    if kind == "numerical":
        return head + "    answers: [{value: 3, tolerance: 0}]\n"
    pairs = "".join(f"      - {{left: 左{n}, right: 右{n}}}\n" for n in range(3))
    return head + "    pairs:\n" + pairs


def write_root(folder: Path, questions: int) -> Path:
    (folder / "question_banks").mkdir()
    (folder / "tracks").mkdir()
    categories = "".join(f"  c{n}: {{zh: 分类{n}, en: Category {n}}}\n" for n in range(10))
    body = "".join(question_yaml(n) for n in range(questions))
    bank = folder / "question_banks" / "big.yaml"
    bank.write_text(
        f"id: big\ntitle: Big bank\ncategories:\n{categories}questions:\n{body}", encoding="utf-8"
    )
    draws = "".join(f"    - {{bank: big, category: c{n}, count: 5}}\n" for n in range(10))
    (folder / "tracks" / "big.yaml").write_text(
        "id: big\ntitle: Big\naudience: frontline\nmodules:\n"
        "  - {id: m, title: M, lessons: [{id: l, title: L, body: Text}]}\n"
        f"exam:\n  time_limit_minutes: 60\n  draw:\n{draws}",
        encoding="utf-8",
    )
    return bank


def timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        bank = write_root(root, arguments.questions)
        text = bank.read_text(encoding="utf-8")
        loads, bare_c, bare_python = [], [], []
        library = None
        for _ in range(arguments.repeat):
            bare_c.append(timed(lambda: yaml.load(text, Loader=yaml.CSafeLoader)))
            bare_python.append(timed(lambda: yaml.load(text, Loader=yaml.SafeLoader)))
            start = time.perf_counter()
            library = load_library([root])
            loads.append(time.perf_counter() - start)
        assert library is not None and not library.problems, library and library.problems[:3]
        track = library.track("big")
        assert isinstance(track, Track)
        rng = random.Random(1)
        draws, scores = [], []
        for seed in range(50):
            start = time.perf_counter()
            paper = draw_paper(library, track, seed)
            draws.append(time.perf_counter() - start)
            answers = {
                item.key: rng.choice([0, 1, [0, 1], True, "24", 3, {"0": 0}]) for item in paper
            }
            start = time.perf_counter()
            total = sum(mark(item.question, answers[item.key]) for item in paper)
            scores.append(time.perf_counter() - start)
            assert 0 <= total <= len(paper)
    median = statistics.median
    print(f"bank: {arguments.questions} questions, {len(text) / 1e6:.1f} MB of YAML")
    print(f"load + validate:             {median(loads):8.2f} s")
    print(f"bare parse (libyaml):        {median(bare_c):8.2f} s")
    print(f"bare parse (pure Python):    {median(bare_python):8.2f} s")
    print(f"ratio to the libyaml parse:  {median(loads) / median(bare_c):8.2f}  (goal <= 3)")
    print(f"draw a 50-question paper:    {median(draws) * 1000:8.2f} ms")
    print(f"mark 50 answers:             {median(scores) * 1000:8.2f} ms")


if __name__ == "__main__":
    main()
