"""Mangled content never raises: every damaged file gets problems that name a real line."""

from __future__ import annotations

import re
import shutil
import tempfile
import tracemalloc
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import GOOD_ROOT
from trainer.content import load_library
from trainer.content.errors import ContentProblem
from trainer.content.loader import content_files
from trainer.content.yamlio import MAX_ALIAS_VALUES, parse_yaml
from trainer.locations import bundled_content_root

SOURCES = [*content_files(GOOD_ROOT), *content_files(bundled_content_root())]
UNFILLED = re.compile(r"\{[a-z_]+\}")  # a catalog placeholder left unformatted
JUNK = st.text(alphabet=st.sampled_from(list(":-[]{}#&*!|>'\"%@`, \n\t0aZ中\\")), max_size=12)


@st.composite
def mangled(draw: st.DrawFn) -> tuple[Path, str]:
    source = draw(st.sampled_from(SOURCES))
    lines = source.read_text(encoding="utf-8").split("\n")
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.integers(0, max(0, len(lines) - 1)))
        kind = draw(
            st.sampled_from(
                ["delete", "duplicate", "junk", "indent", "dedent", "truncate", "swap", "retype"]
            )
        )
        if kind == "delete" and len(lines) > 1:
            del lines[where]
        elif kind == "duplicate":
            lines.insert(where, lines[where])
        elif kind == "junk":
            column = draw(st.integers(0, len(lines[where])))
            lines[where] = lines[where][:column] + draw(JUNK) + lines[where][column:]
        elif kind == "indent":
            lines[where] = "  " + lines[where]
        elif kind == "dedent":
            lines[where] = lines[where].lstrip()
        elif kind == "truncate":
            lines = lines[: where + 1]
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[where], lines[other] = lines[other], lines[where]
        elif kind == "retype" and ":" in lines[where]:
            key, _, _ = lines[where].partition(":")
            lines[where] = (
                f"{key}: {draw(st.sampled_from(['[]', '{}', '-1', 'true', '~', '999999', 'x']))}"
            )
    return source, "\n".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled())
def test_mangled_files_give_clean_problems(case: tuple[Path, str]) -> None:
    source, text = case
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name in ("tracks", "question_banks", "scenarios", "calls", "quality_reviews"):
            (root / name).mkdir()
        # the file keeps its neighbours (lesson files, lexicon, the call form) so only the
        # mangling differs
        origin = source.parent.parent
        for lessons in (origin / "tracks" / "lessons",):
            if lessons.is_dir():
                shutil.copytree(lessons, root / "tracks" / "lessons")
        form = origin / "calls" / "_form.yaml"
        if source.parent.name == "calls" and form.is_file():
            shutil.copy(form, root / "calls" / "_form.yaml")
        target = root / source.parent.name / source.name
        target.write_text(text, encoding="utf-8")
        library = load_library([GOOD_ROOT, root])
        for problem in library.problems:
            # the mangled file, or a good file whose reference into it no longer resolves
            assert problem.path == target or problem.path.is_relative_to(GOOD_ROOT)
            line_count = problem.path.read_text(encoding="utf-8").count("\n") + 1
            assert 1 <= problem.line <= line_count + 1
            for lang in ("zh", "en"):
                message = problem.render(lang)
                assert message.startswith(f"{problem.path}:{problem.line}: ")
                assert "Traceback" not in message
                assert not UNFILLED.search(problem.message(lang)), message


@st.composite
def alias_documents(draw: st.DrawFn) -> str:
    """Nested anchors, each a list of aliases to the one before: a bomb or a few aliases."""
    levels = draw(st.integers(1, 12))
    fan_out = draw(st.integers(1, 12))
    block = draw(st.booleans())
    lines = ['l0: &l0 ["lol", 1, {a: b}]']
    for level in range(1, levels + 1):
        aliases = [f"*l{level - 1}"] * fan_out
        if block:
            items = "".join(f"\n  - {alias}" for alias in aliases)
            lines.append(f"l{level}: &l{level}{items}")
        else:
            lines.append(f"l{level}: &l{level} [{', '.join(aliases)}]")
    return "\n".join(lines) + "\n"


def _values(data: object) -> int:
    if isinstance(data, dict):
        return 1 + sum(1 + _values(value) for value in data.values())
    if isinstance(data, list):
        return 1 + sum(_values(item) for item in data)
    return 1


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(alias_documents())
def test_aliases_read_whole_or_are_refused_at_once(text: str) -> None:
    tracemalloc.start()  # memory, not seconds: what a bomb spends, whatever the machine's load
    try:
        read = parse_yaml(Path("aliases.yaml"), text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20
    if isinstance(read, ContentProblem):
        assert read.key in ("yaml_aliases", "yaml_alias_values")
        assert 2 <= read.line <= text.count("\n")
        assert not UNFILLED.search(read.message("zh") + read.message("en"))
    else:  # small enough: every alias reads as the whole value it names
        assert _values(read.data) <= MAX_ALIAS_VALUES + 4 * text.count("\n") + 10
        assert read.data["l1"][0] == ["lol", 1, {"a": "b"}]
