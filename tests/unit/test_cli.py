"""The `trainer` command: validate, user management, demo, settings errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import BAD_ROOT, GOOD_ROOT
from trainer.cli import main
from trainer.content.loader import load_library
from trainer.locations import DEMO_PASSWORD, bundled_content_root


def test_validate_bundled_content_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "validate"]) == 0
    out = capsys.readouterr().out
    assert "All content is valid" in out
    assert "Tracks: 3" in out
    calls = len(load_library([bundled_content_root()]).calls)
    assert calls >= 16 and f"Call library: {calls} recorded calls" in out


def test_validate_a_good_root_prints_a_summary_in_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--lang", "zh", "validate", str(GOOD_ROOT)]) == 0
    out = capsys.readouterr().out
    summary = load_library([bundled_content_root(), GOOD_ROOT]).summary()
    single = summary["question_types"]["single"]
    assert "所有内容均有效" in out
    assert f"题目：{summary['questions']}（" in out and f"单选 {single}" in out


def test_validate_bad_file_exit_1_with_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    bad = BAD_ROOT / "scenarios" / "unreachable.yaml"
    assert main(["--lang", "en", "--content", str(GOOD_ROOT), "validate", str(bad)]) == 1
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert lines == [
        f'{bad}:12: nodes[orphan].id: node "orphan" cannot be reached from the start',
        f'{bad}:20: endings[never].id: ending "never" cannot be reached',
    ]
    assert "2 problem(s) in 1 file(s)." in captured.err
    assert "Traceback" not in captured.err


def test_validate_missing_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--lang", "en", "validate", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_user_commands(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = ["--lang", "en", "--data", str(data_dir), "user"]
    monkeypatch.setattr("sys.stdin", _Lines("first-password\n"))
    assert main([*base, "add", "Li Na", "--role", "learner", "--password-stdin"]) == 1
    assert "no organisation yet" in capsys.readouterr().err

    monkeypatch.setattr("sys.stdin", _Lines("first-password\n"))
    assert (
        main(
            [
                *base,
                "add",
                "陈静",
                "--role",
                "trainer",
                "--id",
                "chen",
                "--organisation",
                "Galaxy",
                "--password-stdin",
            ]
        )
        == 0
    )
    monkeypatch.setattr("sys.stdin", _Lines("learner-password\n"))
    assert (
        main(
            [*base, "add", "Li Na", "--role", "learner", "--track", "frontline", "--password-stdin"]
        )
        == 0
    )
    capsys.readouterr()

    assert main([*base, "list", "--json"]) == 0
    people = json.loads(capsys.readouterr().out)
    assert {p["id"]: (p["name"], p["tracks"]) for p in people} == {
        "chen": ("陈静", []),
        "li-na": ("Li Na", ["frontline"]),
    }
    assert "learner" in next(p for p in people if p["id"] == "li-na")["roles"]

    monkeypatch.setattr("sys.stdin", _Lines("x\n"))
    assert main([*base, "add", "Short", "--role", "learner", "--password-stdin"]) == 1
    assert "at least 8 characters" in capsys.readouterr().err

    assert (
        main([*base, "add", "X", "--role", "learner", "--track", "nope", "--password-stdin"]) == 1
    )
    assert "Unknown track(s): nope" in capsys.readouterr().err

    monkeypatch.setattr("sys.stdin", _Lines("another-password\n"))
    assert main([*base, "passwd", "li-na", "--password-stdin"]) == 0
    assert main([*base, "remove", "li-na"]) == 0
    assert main([*base, "remove", "chen"]) == 1
    assert "only trainer" in capsys.readouterr().err
    assert main([*base, "list", "--json"]) == 0
    assert [p["id"] for p in json.loads(capsys.readouterr().out)] == ["chen"]


def test_demo_builds_once_and_prints_sign_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "demo"
    assert main(["--lang", "en", "demo", "--data", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f'Everyone\'s password is "{DEMO_PASSWORD}"' in out
    assert "wang-xiaoming" in out and "王小明" in out
    assert main(["--lang", "en", "--data", str(folder), "user", "list", "--json"]) == 0
    people = json.loads(capsys.readouterr().out)
    roles = [role for person in people for role in person["roles"]]
    assert roles.count("trainer") >= 1 and roles.count("mentor") >= 2
    tracks = {track for person in people for track in person["tracks"]}
    assert tracks == {"new_hire", "frontline", "supervisor"}
    assert sum("learner" in person["roles"] for person in people) >= 5
    assert main(["--lang", "en", "demo", "--data", str(folder)]) == 0
    assert "already exists" in capsys.readouterr().out

    # the demo's exam sittings were made through the exam service, scores and all
    from trainer.services.context import open_context
    from trainer.settings import Settings

    context = open_context(Settings(data_dir=folder))
    trainer = context.accounts.person("chen-jing")
    assert context.exams.counted_score(trainer, "zhao-lei", "frontline") == 100.0
    assert len(context.exams.attempts(trainer, "zhao-lei", "frontline")) == 2
    # the demo answers 40% of the paper right, rounded to whole questions
    asked = _paper_size("frontline")
    expected = round(round(asked * 0.4) / asked * 100, 1)
    assert context.exams.counted_score(trainer, "sun-yue", "frontline") == expected


def test_demo_names_the_command_that_opens_its_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # `trainer --demo` opens the default demo folder, not the one just built
    folder = tmp_path / "my demo"
    assert main(["--lang", "en", "demo", "--data", str(folder)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == f"Start the app on it with: trainer --data '{folder}'"

    # when the folder is the default demo folder, `trainer --demo` is the short way to it
    monkeypatch.setattr("trainer.locations.default_demo_dir", lambda: folder)
    assert main(["--lang", "zh", "demo"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "用以下命令启动：trainer --demo"


def test_corrupt_roster_is_one_sentence(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data_dir / "roster.json").write_text("{oops", encoding="utf-8")
    assert main(["--lang", "en", "--data", str(data_dir), "user", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"The data file {data_dir / 'roster.json'} is damaged")
    assert (data_dir / "roster.json").read_text(encoding="utf-8") == "{oops"


def test_bad_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('language = "en"\ncolour = "blue"\n', encoding="utf-8")
    monkeypatch.setenv("TRAINER_CONFIG", str(config))
    assert main(["--lang", "en", "validate"]) == 1
    assert capsys.readouterr().err.startswith(f"The settings in {config} are not valid: colour")
    config.write_text("language = \n", encoding="utf-8")
    assert main(["--lang", "en", "validate"]) == 1
    assert capsys.readouterr().err.startswith(f"The settings file {config} is not valid TOML")


def test_settings_file_and_environment_and_options_in_rising_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trainer.settings import load_settings

    config = tmp_path / "config.toml"
    config.write_text(f'language = "en"\ndata_dir = "{tmp_path / "from-file"}"\n', encoding="utf-8")
    monkeypatch.setenv("TRAINER_CONFIG", str(config))
    assert load_settings().language == "en"
    assert load_settings().data_dir == tmp_path / "from-file"
    monkeypatch.setenv("TRAINER_LANGUAGE", "zh")
    assert load_settings().language == "zh"
    assert load_settings(language="en", data_dir=None).language == "en"
    # lists come from the environment as JSON; booleans as words
    monkeypatch.setenv("TRAINER_CONTENT_ROOTS", '["/srv/a", "/srv/b"]')
    monkeypatch.setenv("TRAINER_BUNDLED_CONTENT", "false")
    settings = load_settings()
    assert settings.content_roots == [Path("/srv/a"), Path("/srv/b")]
    assert settings.bundled_content is False
    assert load_settings(content_roots=[Path("/x")]).content_roots == [Path("/x")]


def test_a_bad_environment_value_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRAINER_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("TRAINER_CONTENT_ROOTS", "/srv/a")  # not JSON
    assert main(["--lang", "en", "--data", str(tmp_path), "validate"]) == 1
    assert capsys.readouterr().err.startswith(
        "The environment variable TRAINER_CONTENT_ROOTS is not valid: "
        "content_roots must be a list of folder paths"
    )


@pytest.mark.parametrize(
    ("setting", "value", "sentence"),
    [
        ("language", '"fr"', 'language must be "zh" or "en"'),
        ("data_dir", "3", "data_dir must be a folder path"),
        ("content_roots", '"/srv/a"', "content_roots must be a list of folder paths"),
        ("theme", '""', "theme must be a non-empty text"),
        ("bundled_content", '"maybe"', "bundled_content must be true or false"),
        ("serve_max_sessions", "0", "serve_max_sessions must be a whole number, 1 or more"),
        ("serve_max_sessions", "true", "serve_max_sessions must be a whole number, 1 or more"),
        (
            "serve_allowed_origins",
            '["https://training.example.com/trainer"]',
            "serve_allowed_origins must be a list of web addresses",
        ),
        (
            "certificate_verify_url",
            '"training.example.com/verify"',
            "certificate_verify_url must be a web address starting with https:// or http://",
        ),
        ("colour", '"blue"', "there is no setting called colour"),
    ],
)
def test_each_bad_setting_in_the_file_is_named_with_what_it_should_be(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    setting: str,
    value: str,
    sentence: str,
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"{setting} = {value}\n", encoding="utf-8")
    monkeypatch.setenv("TRAINER_CONFIG", str(config))
    assert main(["--lang", "en", "--data", str(tmp_path), "validate"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"The settings in {config} are not valid: {setting}: {sentence}")
    # and in Chinese, from the same catalog key
    assert main(["--lang", "zh", "--data", str(tmp_path), "validate"]) == 1
    assert capsys.readouterr().err.startswith(f"{config} 中的设置无效：{setting}：")


@pytest.mark.parametrize(
    ("word", "expected"), [("true", True), ("No", False), ("1", True), ("off", False)]
)
def test_switches_from_the_environment_are_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, word: str, expected: bool
) -> None:
    from trainer.settings import load_settings

    monkeypatch.setenv("TRAINER_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("TRAINER_BUNDLED_CONTENT", word)
    assert load_settings().bundled_content is expected


class _Lines:
    """A stand-in for stdin holding some lines."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)

    def readline(self) -> str:
        return self.lines.pop(0) if self.lines else ""


def _paper_size(track_id: str) -> int:
    track = load_library([bundled_content_root()]).track(track_id)
    assert track is not None and track.exam is not None
    return sum(rule.count for rule in track.exam.draw)


def test_exam_preview_json_is_reproducible(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exam", "preview", "frontline", "--seed", "42", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["exam", "preview", "frontline", "--seed", "42", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == first
    assert first["seed"] == 42 and first["track"] == "frontline"
    asked = _paper_size("frontline")
    assert len(first["questions"]) == asked and len(set(first["questions"])) == asked
    assert all(key.startswith("frontline_core:fc-") for key in first["questions"])


def test_exam_preview_text_marks_right_answers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "zh", "exam", "preview", "new_hire", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"新员工入职培训：种子 1 抽出的试卷（共 {_paper_size('new_hire')} 题")
    assert "* " in out


def test_exam_preview_unknown_track(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "exam", "preview", "nope"]) == 1
    assert "Unknown track(s): nope" in capsys.readouterr().err
