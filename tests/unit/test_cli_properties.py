"""Properties of the whole `trainer` command, driven in-process through `trainer.cli.main`:

1. any argument list built from the real parser (plausible and implausible values: huge and
   negative numbers, far dates, unicode, control characters, newlines, paths that exist, are
   folders, are data files or are missing) ends in an exit status, never an exception (but
   argparse's own exit with its usage message);
2. the same with random or mangled bytes in a data file of a small organisation (`roster.json`,
   `people/*.json` and their `.bak`);
3. the same with random or mangled bytes in a file to import (`.gift`, `.txt` as Aiken,
   `.csv`, `.xml` as Moodle XML; into a new bank file or an existing bank) or a role-play
   transcript (`.yaml`), or random cells in a workbook (`.xlsx`);

and after every refused command (a non-zero exit) every data file's bytes are unchanged.

Left out, so the run stays under a minute on two cores: starting the app (no command, or
`--demo`), `serve` with a usable port (it would serve), `demo` (it builds an organisation),
`validate` (each run plays every golden test; `test_content_fuzz.py` mangles content), and
`roleplay calibrate` without a path (it scores the whole bundled corpus). Text never holds
NUL: no operating system passes one in an argument. Content is loaded once and shared.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import functools
import io
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer.cli import build_parser, main
from trainer.content import loader
from trainer.locations import bundled_calibration_dir
from trainer.services.context import TrainerContext, open_context
from trainer.settings import Settings

PASSWORD = "correct horse"
# CI runs a fixed, repeatable set of examples; CLI_PROPERTY_EXAMPLES=2000 explores further
# with fresh random ones (minutes), to look for what the fixed set misses.
EXPLORE = int(os.environ.get("CLI_PROPERTY_EXAMPLES", "0"))
SETTINGS = settings(
    max_examples=EXPLORE or 80,
    deadline=None,
    derandomize=not EXPLORE,
    database=None,  # nothing carried between runs: the same examples here and in CI
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
GIFT_SAMPLE = (Path(__file__).parents[1] / "data" / "formats" / "corpus.gift").read_bytes()
MOODLE_SAMPLE = (Path(__file__).parents[1] / "data" / "formats" / "moodle.xml").read_bytes()
AIKEN_SAMPLE = b"What do you say first?\nA) Sorry\nB) Hold on\nANSWER: A\n"


# ---------------------------------------------------------------- the organisation


@pytest.fixture(scope="module", autouse=True)
def _content_loaded_once() -> Iterator[None]:
    """Load the bundled content once for the module (each command would load it afresh):
    a copy of the library, with its own problem list, for every call without extra files."""
    real = loader.load_library

    @functools.cache
    def cached(roots: tuple[Path, ...]) -> loader.ContentLibrary:
        return real(list(roots))

    def load_library(roots: Sequence[Path], extra_files: Any = ()) -> loader.ContentLibrary:
        extra = list(extra_files)
        if extra:
            return real(roots, extra)
        library = cached(tuple(roots))
        return dataclasses.replace(library, problems=list(library.problems))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "load_library", load_library)
        yield


@pytest.fixture(scope="module")
def organisation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A trainer (chen), a mentor (liu) mentoring a learner (li) who did two lessons, so the
    roster and li's file each have a `.bak`."""
    folder = tmp_path_factory.mktemp("organisation") / "data"
    context: TrainerContext = open_context(Settings(data_dir=folder, language="en"))
    context.accounts.set_up("星河电商", "陈静", PASSWORD, person_id="chen")
    boss = context.accounts.person("chen")
    context.accounts.add_person(boss, "刘洋", ["mentor"], PASSWORD, [], "liu")
    learner = context.accounts.add_person(boss, "李娜", ["learner"], PASSWORD, ["new_hire"], "li")
    context.mentoring.assign(boss, "liu", "li")
    track = context.library.track("new_hire")
    assert track is not None
    for lesson in track.lessons[:2]:
        context.progress.mark_lesson_done(learner, track, lesson.id)
    return folder


def data_files(folder: Path) -> list[Path]:
    return sorted(
        path for path in folder.rglob("*") if path.is_file() and not path.name.endswith(".lock")
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every data file's bytes (lock files come and go with reading: not data)."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in data_files(folder)}


@contextlib.contextmanager
def workspace(organisation: Path) -> Iterator[Path]:
    """A fresh folder holding a copy of the organisation in `data/`."""
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        shutil.copytree(organisation, root / "data")
        (root / "a-folder").mkdir()
        (root / "a-file.txt").write_text("not a data file", encoding="utf-8")
        yield root


def run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    """`main(argv)` with its output captured; argparse's exit is returned as its status."""
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr("sys.stdin", io.StringIO(stdin))
        # no terminal in a test run: the prompt reads stdin, and ends as getpass does at EOF
        patch.setattr("getpass.getpass", _getpass_from_stdin)
        try:
            build_parser().parse_args(argv)
        except SystemExit as parser_exit:  # argparse: usage and exit 2 (0 for --help)
            assert parser_exit.code in (0, 2)
            return int(parser_exit.code or 0), out.getvalue(), err.getvalue()
        status = main(argv)
    assert isinstance(status, int)
    assert "Traceback" not in err.getvalue()
    return status, out.getvalue(), err.getvalue()


def _getpass_from_stdin(prompt: str = "") -> str:
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")


# ---------------------------------------------------------------- values


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=24,
)
ODD_TEXT = st.sampled_from(
    ["", " ", "-", "--", "li\n", "\x1b[31mred", "a" * 100, "中文名字", "../x", "\r", "li\r\n"]
)
IDS = st.sampled_from(["chen", "liu", "li", "nobody", "CHEN", "li-na"])
NUMBERS = st.one_of(
    st.integers(-400, 400),
    st.sampled_from([0, 1, 365, 366, 65535, 65536, 2**31 - 1, 2**31, 2**63, -(2**63)]),
    st.integers(),
)
DATES = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.datetimes(timezones=st.sampled_from([None, dt.UTC])).map(dt.datetime.isoformat),
    st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "today", "2026-13-01", ""]),
)
KNOWN = {
    "mentor": IDS,
    "mentee": IDS,
    "person": IDS,
    "person_id": IDS,
    "track": st.sampled_from(["new_hire", "frontline", "supervisor", "nope"]),
    "bank": st.sampled_from(["frontline_core", "nope"]),
    "scenario": st.sampled_from(["refund_delay", "b2b_client", "nope"]),
    "roles": st.sampled_from(["learner", "mentor", "trainer"]),
    "tracks": st.sampled_from(["new_hire", "frontline"]),
    "start": DATES,
}


def path_values(root: Path) -> st.SearchStrategy[str]:
    """Places inside the example's folder: data files, folders, missing, under a file."""
    named = TEXT.map(lambda text: text.replace("/", "_").replace(".", "_") or "x")
    return st.one_of(
        st.sampled_from(
            [
                "data/roster.json",
                "data/roster.json.bak",
                "data/people/li.json",
                "data",
                "a-folder",
                "a-file.txt",
                "a-file.txt/under.pdf",
                "missing/deeper/out.csv",
                "out.pdf",
                "out.csv",
                "out.xlsx",
                "out.gift",
                "out.zip",
                "out.yaml",
            ]
        ),
        named,
        named.map(lambda name: f"{name}.csv"),
    ).map(lambda relative: str(root / relative))


def value_for(action: argparse.Action, root: Path) -> st.SearchStrategy[str]:
    if action.type is int:
        return st.one_of(NUMBERS.map(str), TEXT)
    if action.type is Path:
        return path_values(root)
    if action.choices is not None and not isinstance(action, argparse._SubParsersAction):
        return st.one_of(st.sampled_from([str(choice) for choice in action.choices]), TEXT)
    known = KNOWN.get(action.dest)
    return st.one_of(known, TEXT, ODD_TEXT) if known is not None else st.one_of(TEXT, ODD_TEXT)


def commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[Any]:
    """(the words naming a command, its parser) for every command that takes no further one."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        yield path, parser
        return
    for name, child in subparsers[0].choices.items():
        yield from commands(child, (*path, name))


LEFT_OUT = {("demo",), ("validate",)}
COMMANDS = [(words, parser) for words, parser in commands(build_parser()) if words not in LEFT_OUT]


@st.composite
def argument_lists(draw: st.DrawFn, root: Path) -> tuple[list[str], str]:
    """A command line (with `--data` on the example's copy) and what stdin holds."""
    words, parser = draw(st.sampled_from(COMMANDS))
    argv = ["--lang", draw(st.sampled_from(["en", "zh"])), "--data", str(root / "data")]
    if draw(st.booleans()):
        argv += ["--content", draw(path_values(root))]
    argv += list(words)
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or action.dest == "help":
            continue
        if not action.option_strings:  # a positional
            if action.nargs == "*":
                count = draw(st.integers(1 if words == ("roleplay", "calibrate") else 0, 2))
            elif action.nargs == "?":
                count = draw(st.integers(0, 1))
            else:
                count = 1 if draw(st.integers(0, 19)) else 0  # now and then one missing
            argv += [draw(value_for(action, root)) for _ in range(count)]
            continue
        if not (action.required or draw(st.booleans())):
            continue
        option = draw(st.sampled_from(action.option_strings))
        if action.nargs == 0:  # a switch
            argv.append(option)
        elif words == ("serve",) and action.dest == "port":
            argv += [option, str(draw(st.one_of(st.integers(max_value=0), st.integers(65536))))]
        else:
            argv += [option, draw(value_for(action, root))]
    if words == ("serve",) and "--port" not in argv:
        argv += ["--port", "0"]  # never a usable port: it would serve until stopped
    stdin = draw(st.one_of(st.just(""), TEXT, st.just("secret1234\r\n"), st.just(PASSWORD)))
    return argv, stdin


def check_refusal_changes_nothing(root: Path, argv: list[str], stdin: str) -> None:
    before = snapshot(root / "data")
    status, _out, _err = run(argv, stdin)
    if status != 0:
        assert snapshot(root / "data") == before, argv


# ---------------------------------------------------------------- 1. any command line


@SETTINGS
@given(data=st.data())
def test_any_command_line_ends_in_a_status(organisation: Path, data: st.DataObject) -> None:
    with workspace(organisation) as root:
        argv, stdin = data.draw(argument_lists(root), label="argv, stdin")
        check_refusal_changes_nothing(root, argv, stdin)


# ---------------------------------------------------------------- 2. damaged data files

DATA_COMMANDS = [
    ["user", "list"],
    ["user", "list", "--json"],
    ["user", "passwd", "li", "--password-stdin"],
    ["user", "unlock", "li"],
    ["user", "remove", "liu"],
    ["user", "add", "王五", "--role", "learner", "--track", "new_hire", "--password-stdin"],
    ["mentor", "assign", "liu", "li", "--days", "20"],
    ["report", "mentor", "liu", "--csv", "{root}/report.csv", "-o", "{root}/report.pdf"],
    ["report", "mentor", "*", "--csv", "{root}/report.csv"],
    ["certificate", "issue", "li", "new_hire"],
    ["certificate", "export", "-o", "{root}/all.zip"],
    ["verify", "ABCDEFGHJK"],
    ["stats"],
]

JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        TEXT,
        st.sampled_from(
            ["9999-12-31T00:00:00+00:00", "0001-01-01T00:00:00", "2026-11-25", "x\x1b[31m"]
        ),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(TEXT, children, max_size=3)
    ),
    max_leaves=6,
)


def json_places(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from json_places(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from json_places(child, (*path, index))


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = replaced(value[head], rest, new)
    return copy


@st.composite
def damaged(draw: st.DrawFn, original: bytes) -> bytes:
    """Random bytes, the file cut short, bytes flipped, or one JSON value replaced."""
    kind = draw(st.sampled_from(["random", "cut", "flip", "value", "value", "value"]))
    if kind == "random":
        return draw(st.binary(max_size=300))
    if kind == "cut":
        return original[: draw(st.integers(0, len(original)))]
    if kind == "flip":
        mangled = bytearray(original)
        for _ in range(draw(st.integers(1, 4))):
            mangled[draw(st.integers(0, len(mangled) - 1))] = draw(st.integers(0, 255))
        return bytes(mangled)
    document = json.loads(original)
    path = draw(st.sampled_from(list(json_places(document))))
    return json.dumps(replaced(document, path, draw(JSON_VALUES)), ensure_ascii=False).encode()


@SETTINGS
@given(data=st.data())
def test_damaged_data_files_end_in_a_status_and_stay_as_they_are(
    organisation: Path, data: st.DataObject
) -> None:
    with workspace(organisation) as root:
        folder = root / "data"
        names = [
            str(p.relative_to(folder)) for p in data_files(folder) if p.suffix in (".json", ".bak")
        ]
        name = data.draw(st.sampled_from(names), label="file")
        target = folder / name
        damage = damaged(target.read_bytes())
        target.write_bytes(data.draw(damage, label="bytes"))
        command = data.draw(st.sampled_from(DATA_COMMANDS), label="command")
        argv = ["--lang", "en", "--data", str(folder)]
        argv += [word.replace("{root}", str(root)) for word in command]
        check_refusal_changes_nothing(root, argv, "new-password-1\n")


# ---------------------------------------------------------------- 3. files to import


def _transcript_sample() -> bytes:
    cases = yaml.safe_load((bundled_calibration_dir() / "b2b_client.yaml").read_text("utf-8"))
    first = cases["cases"][0]
    document = {"scenario": first["scenario"], "lang": first["lang"], "turns": first["turns"]}
    return yaml.safe_dump(document, allow_unicode=True).encode()


@functools.cache
def import_samples() -> dict[str, bytes]:
    from trainer.content.formats import spreadsheet

    rows = [{c: row.get(c, "") for c in spreadsheet.COLUMNS} for row in spreadsheet.TEMPLATE_ROWS]
    return {
        ".gift": GIFT_SAMPLE,
        ".txt": AIKEN_SAMPLE,
        ".csv": spreadsheet.write_csv(rows),
        ".xlsx": spreadsheet.write_xlsx(rows),
        ".xml": MOODLE_SAMPLE,
        ".yaml": _transcript_sample(),
    }


@st.composite
def import_bytes(draw: st.DrawFn, original: bytes) -> bytes:
    kind = draw(st.sampled_from(["random", "cut", "flip", "splice"]))
    if kind == "random":
        return draw(st.binary(max_size=400))
    if kind == "cut":
        return original[: draw(st.integers(0, len(original)))]
    mangled = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.integers(0, len(mangled) - 1))
        if kind == "flip":
            mangled[where] = draw(st.integers(0, 255))
        else:
            mangled[where:where] = draw(st.binary(min_size=1, max_size=8))
    return bytes(mangled)


CELL_TEXT = st.one_of(
    st.text(  # what a workbook can hold: no control characters but tab and line breaks
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\t\n"),
        max_size=30,
    ),
    st.sampled_from(["", "-1", "0", "1e309", "nan", "99999999999", "1 | 2 | 2", "%150%x", "a |"]),
)


@st.composite
def workbook_bytes(draw: st.DrawFn) -> bytes:
    """A well-formed workbook whose cells are the template's with some replaced. (Bytes that
    are not a workbook crash the reader in openpyxl: reported, not generated here.)"""
    from trainer.content.formats import spreadsheet

    rows = [dict(row) for row in spreadsheet.TEMPLATE_ROWS]
    for _ in range(draw(st.integers(1, 8))):
        row = draw(st.sampled_from(rows))
        row[draw(st.sampled_from(spreadsheet.COLUMNS))] = draw(CELL_TEXT)
    return spreadsheet.write_xlsx(rows)


@SETTINGS
@given(data=st.data())
def test_damaged_files_to_import_end_in_a_status(organisation: Path, data: st.DataObject) -> None:
    with workspace(organisation) as root:
        suffix = data.draw(st.sampled_from(sorted(import_samples())), label="format")
        source = root / f"source{suffix}"
        damage = workbook_bytes() if suffix == ".xlsx" else import_bytes(import_samples()[suffix])
        source.write_bytes(data.draw(damage, label="bytes"))
        base = ["--lang", data.draw(st.sampled_from(["en", "zh"])), "--data", str(root / "data")]
        if suffix == ".yaml":
            argv = [*base, "roleplay", "score", "b2b_client", str(source)]
        else:
            into = data.draw(st.booleans(), label="into an existing bank")
            target = ["--into", "frontline_core"] if into else ["-o", str(root / "bank.yaml")]
            argv = [*base, "import", str(source), *target]
            if suffix == ".txt":
                argv += ["--format", "aiken"]
        check_refusal_changes_nothing(root, argv, "")
