"""Benchmark: scoring a 20-turn free-text role-play, per turn, against bare regex matching.

The engine normalises each reply (NFKC, lower case, Chinese numerals), splits it into
clauses, checks every hit for negation, finds time commitments, confirms facts, applies the
service standard and the scenario's rules, and keeps the evidence of every hit. The baseline
is what a naive scorer would do: `re.search` of the very same patterns (rubric lines, the
lexicon lists they name, the standard's and the scenario's rules) over the raw reply text,
patterns compiled in advance. The ratio is the price of explainable, negation-aware scoring.

Both run in the same process on the same transcript; the per-turn time is what a learner
waits after pressing Enter (goal: a few milliseconds, far below what a person notices).

A second part measures one long turn (a pasted filler, a keyboard held down) at 500, 1,000,
2,000 and 5,000 characters: the time per character at each length against the time per
character at 500 (goal: at most 1.5, so cost grows no faster than the length), and the time
of the 5,000-character turn (goal: well under 50 ms).

Run: python bench/roleplay.py [--repeat N]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

from trainer.content.loader import ContentLibrary, load_library
from trainer.content.models import LEXICON_REFERENCE, Scenario, ScriptTurn
from trainer.locations import bundled_content_root
from trainer.services.roleplay.engine import Context, score_transcript

TURNS = 20
REPLIES = [
    "您好，星河电商客服，工号1024。非常抱歉让您久等了，我理解您的着急，我马上帮您查询一下。",
    "跟您确认一下：订单A20240518，退款金额二百九十九元，对吗？我不会让您再等了。",
    "我现在就为您提交加急工单，请财务核实打款状态，今天下午五点前给您回电告知结果。",
    "Hello, Galaxy Mart, agent ID 1024. I'm so sorry, I understand how frustrating this is.",
    "Let me check the refund now; I will escalate it and call you back by 5 pm today.",
    "不好意思，这个情况我需要核实，但是我不能保证全额退款，两个工作日内给您答复。",
    "请问还有其他需要帮助的吗？感谢您的来电，祝您生活愉快，再见！",
]


def build_scenario(library: ContentLibrary) -> Scenario:
    nodes = []
    for number in range(TURNS):
        last = number == TURNS - 1
        nodes.append(
            {
                "id": f"n{number}",
                "customer": f"第{number}句",
                "input": "free_text",
                "rubric": [
                    {"step": "apologize", "any": ["@apology"], "points": 5, "mood": 2},
                    {"step": "listen", "any": ["@empathy", "@confirm"], "points": 5},
                    {"step": "resolve", "any": ["@check", "@escalate", "工单|ticket"], "points": 5},
                    {"step": "follow_up", "any": ["@callback"], "needs_time": True, "points": 5},
                ],
                "next": [{"goto": "end" if last else f"n{number + 1}"}],
            }
        )
    return Scenario.model_validate(
        {
            "id": "bench_call",
            "title": "bench",
            "company": {"zh": "星河电商", "en": "Galaxy Mart"},
            "brief": "bench",
            "persona": {"name": "王女士"},
            "facts": {"order_id": "A20240518", "amount": "299"},
            "secrets": {"phone": "13800001234"},
            "mood": {"start": 50, "hangup_at": 0},
            "rules": [
                {"id": "overpromise", "forbid": ["保证.{0,6}全额", "guarantee"], "fatal": True}
            ],
            "nodes": nodes,
            "endings": [{"id": "end", "text": "end"}],
        }
    )


def bare_patterns(library: ContentLibrary, scenario: Scenario) -> list[re.Pattern[str]]:
    """Every pattern the engine consults, compiled, lexicon references expanded."""
    sources: list[str] = []
    for node in scenario.nodes:
        for line in node.rubric:
            sources += [*line.any, *line.all, *line.except_]
    for rule in [*library.standard.rules, *scenario.rules]:
        sources += [*rule.forbid, *rule.except_]
    sources += [*library.standard.greeting.needs, *library.standard.closing.all]
    sources += library.standard.closing.any
    expanded: list[str] = []
    for source in dict.fromkeys(sources):
        reference = LEXICON_REFERENCE.match(source)
        if reference:
            phrases = library.lexicon[reference.group(1)]
            expanded += [*phrases.zh, *phrases.en]
        else:
            expanded.append(source)
    return [re.compile(pattern, re.IGNORECASE) for pattern in dict.fromkeys(expanded)]


LONG_PIECE = "我跟您说，这个事情其实是这样的，订单A20240518退款二百九十九元，非常抱歉，我理解您。"


def long_turn_times(library: ContentLibrary, context: Context, repeat: int) -> dict[int, float]:
    """Median time to score one free-text turn of each length, in seconds."""
    scenario = library.scenario("refund_delay")
    assert scenario is not None
    times: dict[int, list[float]] = {length: [] for length in (500, 1000, 2000, 5000)}
    for _ in range(repeat):
        for length in times:
            text = (LONG_PIECE * (length // len(LONG_PIECE) + 1))[:length]
            start = time.perf_counter()
            score_transcript(scenario, [ScriptTurn(say=text)], "zh", context)
            times[length].append(time.perf_counter() - start)
    return {length: statistics.median(values) for length, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    arguments = parser.parse_args()

    library = load_library([bundled_content_root()])
    scenario = build_scenario(library)
    context = Context(library.lexicon, library.standard)
    replies = [REPLIES[n % len(REPLIES)] for n in range(TURNS)]
    turns = [ScriptTurn(say=text) for text in replies]
    patterns = bare_patterns(library, scenario)

    score_transcript(scenario, turns, "zh", context)  # warm: compile, caches
    engine_times, bare_times = [], []
    for _ in range(arguments.repeat):
        start = time.perf_counter()
        card = score_transcript(scenario, turns, "zh", context)
        engine_times.append((time.perf_counter() - start) / TURNS)

        start = time.perf_counter()
        hits = 0
        for text in replies:
            for pattern in patterns:
                if pattern.search(text):
                    hits += 1
        bare_times.append((time.perf_counter() - start) / TURNS)

    engine = statistics.median(engine_times)
    bare = statistics.median(bare_times)
    print(f"patterns consulted per turn: {len(patterns)}; total scored {card.total:g}")
    print(f"engine, per turn:            {engine * 1000:8.3f} ms")
    print(f"bare regex search, per turn: {bare * 1000:8.3f} ms")
    print(f"ratio engine / bare regex:   {engine / bare:8.1f}")

    lengths = long_turn_times(library, context, max(5, arguments.repeat // 3))
    per_char_500 = lengths[500] / 500
    print()
    print("one long turn     time      per character / at 500 (goal <= 1.5)")
    for length, seconds in lengths.items():
        ratio = (seconds / length) / per_char_500
        print(f"{length:>6} chars  {seconds * 1000:8.2f} ms  {ratio:8.2f}")
    print(f"5,000 characters: {lengths[5000] * 1000:.1f} ms (goal: well under 50 ms)")


if __name__ == "__main__":
    main()
