"""`trainer roleplay score` and the golden tests played by `trainer validate`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.locations import bundled_content_root

GOOD_CALL = """\
scenario: refund_delay
lang: zh
turns:
  - say: 您好，星河电商客服，工号1024。非常抱歉让您久等了，我理解您的着急。
  - pick: 1
  - say: 我马上为您提交加急工单，今天17点前给您回电告知结果。
  - say: 请问还有其他需要帮助的吗？感谢您的来电，祝您生活愉快，再见！
"""


def write(tmp_path: Path, text: str, name: str = "call.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_json_scorecard_has_the_documented_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    transcript = write(tmp_path, GOOD_CALL)
    assert (
        main(
            [
                "--lang",
                "en",
                "--data",
                str(tmp_path / "d"),
                "roleplay",
                "score",
                "refund_delay",
                str(transcript),
                "--json",
            ]
        )
        == 0
    )
    card = json.loads(capsys.readouterr().out)
    for key in (
        "total",
        "passed",
        "fatal",
        "ending",
        "steps",
        "violations",
        "order_ok",
        "mood",
        "coaching",
    ):
        assert key in card
    assert card["total"] == 100 and card["passed"] is True and card["ending"] == "end_ok"
    assert card["steps"]["apologize"]["score"] == 25 and card["steps"]["apologize"]["max"] == 25
    assert card["steps"]["apologize"]["evidence"][0]["text"] == "抱歉"
    assert card["mood"][0] == 25 and card["violations"] == []


def test_readable_scorecard_explains_points_and_penalties(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    transcript = write(
        tmp_path,
        "scenario: refund_delay\nlang: zh\nturns:\n"
        "  - say: 你好，非常抱歉。\n  - pick: 1\n  - say: 我帮您查一下，稍后给您回电。\n"
        "  - say: 感谢您的来电，再见！\n",
    )
    assert (
        main(
            [
                "--lang",
                "en",
                "--data",
                str(tmp_path / "d"),
                "roleplay",
                "score",
                "refund_delay",
                str(transcript),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    # each point with the act and the words that earned it
    assert "  Apologise      25/25  T1 apology “抱歉” +25\n" in out
    assert "  Resolve        25/25  T3 action “帮您查一下” +25\n" in out
    # the promise and its vague time together: the words behind the half points
    assert '  Follow up    12.5/25  T3 callback “稍后给您回电” +12.5 ("稍后" is vague' in out
    assert "T1 opening −5" in out and "T4 closing −5" in out
    assert "The opening lacked your agent ID, the company name." in out
    # the option already pays for saying the facts back: they are not counted twice
    assert "  Listen         20/25  T2 option chosen +20\n" in out
    assert "Total 72.5 / 100 · passed (pass mark 60)" in out


def test_the_step_order_is_judged_only_when_steps_were_taken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # nothing earned: "step order: right" would praise an order that never was
    empty = write(
        tmp_path,
        "scenario: refund_delay\nlang: en\nturns:\n  - say: ok\n  - pick: 2\n  - say: ok\n",
    )
    base = ["--lang", "en", "--data", str(tmp_path / "d"), "roleplay", "score", "refund_delay"]
    assert main([*base, str(empty)]) == 0
    out = capsys.readouterr().out
    assert "Listen          0/25  -" in out and "Apologise       0/25  -" in out
    assert "Step order" not in out

    assert main([*base, str(write(tmp_path, GOOD_CALL, "good.yaml"))]) == 0
    assert "Step order: right." in capsys.readouterr().out


def test_a_scenario_given_as_a_file_uses_the_shared_lexicon(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    source = (bundled_content_root() / "scenarios" / "refund_delay.yaml").read_text("utf-8")
    scenario = write(folder, source.replace("id: refund_delay", "id: my_refund"), "my.yaml")
    transcript = write(tmp_path, GOOD_CALL.replace("refund_delay", "my_refund"))
    assert (
        main(
            [
                "--lang",
                "en",
                "--data",
                str(tmp_path / "d"),
                "roleplay",
                "score",
                str(scenario),
                str(transcript),
                "--json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["total"] == 100


@pytest.mark.parametrize(
    ("turns", "line", "message"),
    [
        ("  - pick: 1\n", 4, 'Turn 1: node "open" expects free text (say:)'),
        ("  - say: 您好\n  - pick: 7\n", 5, "Turn 2: there is no option 7"),
        ("  - say: 您好\n  - say: 好\n", 5, 'Turn 2: node "details" expects an option number'),
    ],
)
def test_a_transcript_that_does_not_fit_names_file_line_and_turn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], turns: str, line: int, message: str
) -> None:
    transcript = write(tmp_path, "scenario: refund_delay\nlang: zh\nturns:\n" + turns)
    assert (
        main(
            [
                "--lang",
                "en",
                "--data",
                str(tmp_path / "d"),
                "roleplay",
                "score",
                "refund_delay",
                str(transcript),
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert err.startswith(f"{transcript}:{line}: {message}")
    assert "Traceback" not in err


def test_unknown_scenario_and_broken_transcript(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    transcript = write(tmp_path, "scenario: refund_delay\nlang: fr\nturns: []\n")
    base = ["--lang", "en", "--data", str(tmp_path / "d"), "roleplay", "score"]
    assert main([*base, "nope", str(transcript)]) == 1
    assert 'There is no scenario "nope"' in capsys.readouterr().err
    assert main([*base, "refund_delay", str(transcript)]) == 1
    assert f"{transcript}:2: lang:" in capsys.readouterr().err
    other = write(tmp_path, GOOD_CALL.replace("refund_delay", "greeting_drill"), "other.yaml")
    assert main([*base, "refund_delay", str(other)]) == 1
    assert 'for scenario "greeting_drill", not "refund_delay"' in capsys.readouterr().err


def test_validate_reports_a_failing_golden_test(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "root" / "scenarios"
    folder.mkdir(parents=True)
    source = (bundled_content_root() / "scenarios" / "greeting_drill.yaml").read_text("utf-8")
    path = write(
        folder,
        source.replace(
            "expect: {min_total: 80, ending: end_ok", "expect: {min_total: 80, ending: end_flat"
        ),
        "greeting_drill.yaml",
    )
    assert main(["--lang", "en", "validate", str(tmp_path / "root")]) == 1
    out = capsys.readouterr().out
    assert f"{path}:" in out
    assert 'golden test "by the book" ended at "end_ok", expected "end_flat"' in out


def test_play_at_the_terminal_then_score_the_saved_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    replies = [
        "?",  # a hint, not a turn
        "Hello, Galaxy Mart, agent ID 1024. I'm so sorry for the wait.",
        "4",  # no such option: asked again
        "1",
        "I don't know, I will call you back later.",
        "Is there anything else? Thank you for calling, goodbye.",
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(replies) + "\n"))
    saved = tmp_path / "call.yaml"
    base = ["--lang", "en", "--data", str(tmp_path / "d"), "roleplay"]
    assert main([*base, "play", "refund_delay", "--save", str(saved)]) == 0
    out = capsys.readouterr().out
    assert "Ms. Wang: What is going on with you people?" in out
    assert "Give the company name and your agent ID" in out  # the hint
    assert "there is no option 4" in out
    assert "⚠ T3 forbidden phrase “I don't know” −5" in out
    assert "Total " in out
    assert main([*base, "score", "refund_delay", str(saved), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    played_total = float(out.split("Total ")[1].split(" ")[0])
    assert card["total"] == played_total
    assert [v["rule"] for v in card["violations"]] == ["forbidden_phrase"]


def test_calibrate_prints_the_agreement_and_fails_below_the_goals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "cases.yaml").write_text(
        "cases:\n"
        "  - id: keyword-list\n"
        "    scenario: refund_delay\n"
        "    lang: zh\n"
        "    family: gaming\n"
        "    turns:\n"
        "      - say: 抱歉 对不起 不好意思 理解您 跟您确认 对吗\n"
        "      - pick: 1\n"
        "      - say: 工单 加急 17点前 回电\n"
        "      - say: 感谢来电 再见\n"
        "    judgment: {total: 95, steps: {}, fatal: false, why: a judgment nobody would write}\n",
        encoding="utf-8",
    )
    data = ["--lang", "en", "--data", str(tmp_path / "d")]
    assert main([*data, "roleplay", "calibrate", str(corpus)]) == 1
    out = capsys.readouterr().out
    assert "1 judged transcripts scored." in out
    assert "False negatives (reviewer ≥ 75, tool < 60): 1 of 1, 100.0%" in out
    assert "keyword-list" in out
    assert "Turn 1: a list of phrases is not an answer; speak to the customer in sentences." in out
    assert "The scorer misses the calibration goals." in out

    assert main([*data, "roleplay", "calibrate", "--json", str(corpus)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["cases"] == 1 and report["false_negatives"] == ["keyword-list"]
    assert report["goals_met"] is False
    assert report["results"][0]["reviewer"] == 95 and report["results"][0]["tool"] < 40


def test_calibrate_names_a_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--lang", "en", "--data", str(tmp_path / "d")]
    assert main([*data, "roleplay", "calibrate", str(tmp_path / "nowhere")]) == 1
    assert "nowhere" in capsys.readouterr().err
