"""No English on the Chinese screens, no Chinese on the English ones: a sweep of every screen.

The tour (tests/functional/tour.py) walks every screen of the demo organisation in one app a
language. On the Chinese screens, every ASCII word of three or more letters must be a name,
an id or code shown as such, a key or a file format (the allowlist says which and why); on the
English screens, a Chinese character must belong to a name or to words a learner said or typed
in Chinese (the demo's calls were held in Chinese).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.functional.tour import TOUR, frozen, leave, screen_lines, tour_app, visit
from trainer.i18n import catalog
from trainer.services.demo import DEMO_ORGANISATION, DEMO_PEOPLE, DEMO_PLACES
from trainer.ui.app import TrainerApp

SIZE = (120, 50)  # wider and taller than 80x24, so less is cut off or scrolled away

NAMES = [DEMO_ORGANISATION, *(person.name for person in DEMO_PEOPLE)]
NAMES += [word for name in NAMES for word in name.split()]  # a name half hidden by a dialog
NAMES += sorted({team for _, team, _, _ in DEMO_PLACES})  # team names: the organisation's own
IDS = [person.id for person in DEMO_PEOPLE]


def _word(pattern: str) -> str:
    """`pattern` as a whole word: not inside a longer run of letters or digits (Python's \\b
    counts Chinese characters as letters, and "RMA还没审批" has an English word in it)."""
    return rf"(?<![A-Za-z0-9_-])(?:{pattern})(?![A-Za-z0-9_-])"


ENGLISH_ALLOWED_IN_CHINESE = [
    (_word("|".join(map(re.escape, IDS))), "people's ids, shown as ids"),
    (_word(r"[a-z_]+:[a-z]+-\d+|[a-z]{2}-\d{3}"), "question ids, shown as ids"),
    (_word(r"[A-Z0-9]{10}"), "certificate codes"),
    (r"\S*/\S*\.yaml", "file paths"),
    (_word("esc|Esc|Ctrl|Enter|Tab|del"), "key names"),
    (r"\bE(?:n(?:g(?:l(?:i(?:sh?)?)?)?)?)?$", "the language key's label, cut by a full footer"),
    (_word("English"), "the key that switches to English says so in English"),
    (_word("trainer"), "the program's name"),
    (_word("PDF|SVG|CSV|CRM|VIP|RMA"), "file formats and trade abbreviations"),
]

CHINESE_ALLOWED_IN_ENGLISH = [
    (r"“[^”]*”", "words quoted from a call, in the language it was held in"),
    (r"中文", "the key that switches to Chinese says so in Chinese"),
    (r"(?:Your answer|Ending): .*", "what the learner typed, and how their call ended"),
]

SKIPPED = {
    "en": {
        "roleplay_replay": "a call's transcript, as it was said (in Chinese)",
    },
}


def _without(text: str, allowed: list[tuple[str, str]]) -> str:
    for name in NAMES:
        text = text.replace(name, " ")
    for pattern, _why in allowed:
        text = re.sub(pattern, " ", text)
    return text


async def _sweep(app: TrainerApp, lang: str) -> dict[str, list[str]]:
    """Every screen's lines that still hold a word of the other language."""
    found: dict[str, list[str]] = {}
    async with app.run_test(size=SIZE) as pilot:
        for stop in TOUR:
            if not stop.organisation or stop.name in SKIPPED.get(lang, {}):
                continue
            await leave(app, pilot)
            await visit(app, pilot, stop)
            for line in screen_lines(app):
                if lang == "zh":
                    rest = _without(line, ENGLISH_ALLOWED_IN_CHINESE)
                    leaked = re.findall(r"[A-Za-z][A-Za-z'_-]{2,}", rest)
                else:
                    rest = _without(line, CHINESE_ALLOWED_IN_ENGLISH)
                    leaked = re.findall(r"[\u3400-\u9fff]+", rest)
                if leaked:
                    found.setdefault(stop.name, []).append(line.strip())
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_no_screen_speaks_the_other_language(tmp_path: Path, lang: str) -> None:
    with frozen(tmp_path):
        app = tour_app(tmp_path, lang, TOUR[1])
        leaks = await _sweep(app, lang)
    assert leaks == {}


async def test_the_sweep_finds_a_leak(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An English word on a Chinese screen is caught (the sweep can fail)."""
    monkeypatch.setitem(catalog("zh"), "home.welcome", "Welcome, {name}（{roles}）")
    with frozen(tmp_path):
        app = tour_app(tmp_path, "zh", TOUR[1])
        leaks = await _sweep(app, "zh")
    assert any("Welcome" in line for line in leaks.get("home_learner", []))
