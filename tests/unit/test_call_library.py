"""The call library: the bundled calls and form load and hold together, a review is scored
against the reference item by item with the form's tolerance, a red line zeroes a call,
calibration reviews are stored and the first counts, and the CLI does the same outside the
app. Broken call files are named by file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from trainer.cli import main
from trainer.content.loader import load_library
from trainer.content.models import Call, CallForm
from trainer.locations import bundled_content_root
from trainer.services.call_review import CallLibrary, ReviewError, call_total, compare, spot
from trainer.services.context import TrainerContext

ROOT = bundled_content_root()
LIBRARY = load_library([ROOT])
FORM = LIBRARY.form
CALLS = [loaded.model for loaded in LIBRARY.calls.values()]


def test_the_bundled_library_loads_cleanly_and_spans_excellent_to_unacceptable() -> None:
    assert not LIBRARY.problems, [p.render("en") for p in LIBRARY.problems]
    assert isinstance(FORM, CallForm)
    assert sum(item.max for item in FORM.items) == 100
    assert (FORM.tolerance.total, FORM.tolerance.levels) == (5, 1)
    assert {"greeting", "apologize", "listen", "resolve", "follow_up", "closing"} <= {
        item.id for item in FORM.items
    }
    assert len(CALLS) >= 16
    totals = [call_total(FORM, call.reference_points()) for call in CALLS]
    assert max(totals) >= 90 and any(60 <= t < 80 for t in totals) and min(totals) == 0
    for call in CALLS:
        scenario = LIBRARY.scenario(call.scenario or "")
        assert scenario is not None, call.id
        # bilingual where the scenario is: every scenario here has both languages
        assert call.languages == ["zh", "en"], call.id
        assert set(call.reference.scores) == {item.id for item in FORM.items}, call.id
        for item_id, score in call.reference.scores.items():
            assert score.why.has("zh") and score.why.has("en"), (call.id, item_id)


@pytest.mark.parametrize("call", CALLS, ids=lambda call: call.id)
def test_the_reference_review_agrees_with_itself(call: Call) -> None:
    assert FORM is not None
    comparison = compare(FORM, call, call.reference_points())
    assert comparison.deviation == 0 and comparison.within_tolerance
    assert comparison.agreement == 100


def _points(call_id: str) -> dict[str, float]:
    call = LIBRARY.call(call_id)
    assert call is not None
    return call.reference_points()


def test_twenty_points_off_on_one_item_is_outside_tolerance() -> None:
    assert FORM is not None
    call = LIBRARY.call("refund_delay_model")
    assert call is not None
    points = _points("refund_delay_model")
    points["resolve"] = 0  # the reference gives 20
    comparison = compare(FORM, call, points)
    assert comparison.deviation == -20 and not comparison.within_tolerance
    [resolve] = [item for item in comparison.items if item.item == "resolve"]
    assert (resolve.level_deviation, resolve.within) == (-3, False)
    assert comparison.agreement == 80


def test_a_level_off_on_one_item_stays_within_but_two_levels_do_not() -> None:
    assert FORM is not None
    call = LIBRARY.call("long_wait_late_apology")
    assert call is not None
    points = _points(call.id)
    points["apologize"] = 15  # reference 10: one level kinder, five points
    assert compare(FORM, call, points).within_tolerance
    points["apologize"] = 10
    points["greeting"] = 0  # reference 10: two levels harsher
    comparison = compare(FORM, call, points)
    assert not comparison.within_tolerance and not comparison.total_within


def test_a_red_line_zeroes_the_call_and_missing_it_zeroes_the_calibration() -> None:
    assert FORM is not None
    call = LIBRARY.call("wrong_address_breach")
    assert call is not None
    reference = call.reference_points()
    assert sum(reference.values()) == 90 and call_total(FORM, reference) == 0
    missed = {**reference, "red_lines": 5.0}
    comparison = compare(FORM, call, missed)
    assert (comparison.total, comparison.veto_agrees, comparison.agreement) == (95, False, 0)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"greeting": 11}, "points_out_of_range"),
        ({"warmth": 3}, "unknown_item"),
        ({"closing": None}, "item_missing"),
    ],
)
def test_a_review_that_cannot_be_scored_says_why(change: dict[str, float | None], key: str) -> None:
    assert FORM is not None
    call = LIBRARY.call("refund_delay_model")
    assert call is not None
    points: dict[str, float] = {}
    for name, value in {**_points(call.id), **change}.items():
        if value is not None:
            points[name] = value
    with pytest.raises(ReviewError) as raised:
        compare(FORM, call, points)
    assert raised.value.key == key


def test_spotting_counts_found_missed_and_extra_turns() -> None:
    call = LIBRARY.call("repeat_complaint_missed_callback")
    assert call is not None
    result = spot(call, {3, 7, 2})
    assert (result.found, result.missed, result.extra) == ([3, 7], [5], [2])
    assert result.score == pytest.approx(33.3)


def test_the_first_calibration_review_of_a_call_counts(context: TrainerContext) -> None:
    context.accounts.set_up("星河电商", "陈静", "correct horse", person_id="chen")
    boss = context.accounts.person("chen")
    zhou = context.accounts.add_person(
        boss, "周强", ["learner"], "correct horse", ["supervisor"], "zhou"
    )
    calls: CallLibrary = context.calls
    assert calls.counted_score(zhou, "zhou", "system_down_dont_know") is None
    points = _points("system_down_dont_know")
    first = calls.submit(zhou, "system_down_dont_know", {**points, "listen": 15}, "zh")
    calls.submit(zhou, "system_down_dont_know", points, "zh")  # the reference is known now
    assert first.agreement == 90 and first.reference == points
    assert calls.counted_score(zhou, "zhou", "system_down_dont_know") == 90
    assert len(calls.reviews(boss, "zhou")) == 2  # a trainer reads them


# ---------------------------------------------------------------- the CLI


def _review_file(tmp_path: Path, points: dict[str, float], call: str | None = None) -> Path:
    path = tmp_path / "review.yaml"
    data: dict[str, object] = {"scores": points}
    if call:
        data["call"] = call
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _run(tmp_path: Path, *args: str) -> int:
    return main(["--lang", "en", "--data", str(tmp_path / "data"), *args])


def test_cli_reference_review_has_no_deviation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    review = _review_file(
        tmp_path, _points("vip_customer_rushed_close"), "vip_customer_rushed_close"
    )
    assert (
        _run(tmp_path, "review", "score", "vip_customer_rushed_close", str(review), "--json") == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert (result["deviation"], result["within_tolerance"], result["agreement"]) == (0, True, 100)
    assert result["total"] == result["reference_total"] == 84
    assert [item["deviation"] for item in result["items"]] == [0] * 8

    assert _run(tmp_path, "review", "score", "vip_customer_rushed_close", str(review)) == 0
    out = capsys.readouterr().out
    assert "Total: 84   reference 84   deviation +0" in out
    assert "✓ Within tolerance (±5 points in total, ±1 level per item)." in out


def test_cli_twenty_points_off_on_one_item_is_outside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    points = _points("refund_delay_model")
    points["resolve"] = 0
    review = _review_file(tmp_path, points)
    assert _run(tmp_path, "review", "score", "refund_delay_model", str(review), "--json") == 1
    result = json.loads(capsys.readouterr().out)
    assert (result["deviation"], result["within_tolerance"]) == (-20, False)
    [resolve] = [item for item in result["items"] if item["item"] == "resolve"]
    assert (resolve["points"], resolve["reference"], resolve["within_tolerance"]) == (0, 20, False)

    assert _run(tmp_path, "review", "score", "refund_delay_model", str(review)) == 1
    out = capsys.readouterr().out
    assert "✗ Outside tolerance" in out
    resolution = next(line for line in out.splitlines() if line.startswith("Resolution"))
    assert resolution.split()[1:6] == ["0", "20", "-20", "✗", "3"]


def test_cli_bad_review_files_get_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "review.yaml"
    path.write_text("scores:\n  greeting: 10\n  tone: lots\n", encoding="utf-8")
    assert _run(tmp_path, "review", "score", "refund_delay_model", str(path)) == 1
    assert f"{path}:3: scores.tone: expected a number, found lots" in capsys.readouterr().err

    review = _review_file(tmp_path, _points("refund_delay_model"), "rude_agent_unacceptable_tone")
    assert _run(tmp_path, "review", "score", "refund_delay_model", str(review)) == 1
    assert 'reviews the call "rude_agent_unacceptable_tone", not "refund_delay_model"' in (
        capsys.readouterr().err
    )
    assert _run(tmp_path, "review", "score", "no_such_call", str(review)) == 1
    assert 'There is no call "no_such_call"' in capsys.readouterr().err


def test_cli_library_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(tmp_path, "library", "list", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(CALLS)
    first = rows[0]
    assert set(first) == {"id", "title", "languages", "reference_total"}
    assert (first["id"], first["reference_total"], first["languages"]) == (
        "refund_delay_model",
        100,
        ["zh", "en"],
    )
    assert main(["--lang", "zh", "--data", str(tmp_path / "data"), "library", "list"]) == 0
    out = capsys.readouterr().out
    assert "wrong_address_breach" in out and "包裹寄到旧地址——读出了客户地址" in out


# ---------------------------------------------------------------- broken call files


def _root_with(tmp_path: Path, name: str, text: str) -> Path:
    root = tmp_path / "root"
    (root / "calls").mkdir(parents=True)
    (root / "calls" / "_form.yaml").write_text(
        (ROOT / "calls" / "_form.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (root / "calls" / name).write_text(text, encoding="utf-8")
    return root


BROKEN_CALL = """\
id: broken
title: A broken call
situation: Someone calls.
turns:
  - agent: Hello.
  - customer: Hi.
    agent: Both at once.
reference:
  scores:
    greeting: {points: 12, why: too many}
    warmth: {points: 1, why: not on the form}
  moments:
    - {turn: 9, item: greeting, what: no such turn}
"""


def test_broken_call_files_are_named_by_file_and_line(tmp_path: Path) -> None:
    root = _root_with(tmp_path, "broken.yaml", BROKEN_CALL)
    library = load_library([root])
    rendered = [problem.render("en") for problem in library.problems]
    path = root / "calls" / "broken.yaml"
    assert f"{path}:6: turns[2]: each turn has exactly one of `agent` or `customer`" in rendered
    fixed = BROKEN_CALL.replace("    agent: Both at once.\n", "")
    library = load_library([_root_with(tmp_path / "b", "broken.yaml", fixed)])
    path = tmp_path / "b" / "root" / "calls" / "broken.yaml"
    rendered = [problem.render("en") for problem in library.problems]
    assert (
        f'{path}:9: reference.scores.greeting.points: 12 points is more than item "greeting" is worth (10)'
        in rendered
    )
    assert any(
        line.startswith(f'{path}:10: reference.scores.warmth: unknown form item "warmth"')
        for line in rendered
    )
    assert any(
        line.startswith(
            f"{path}:8: reference.scores: the reference does not score these form items: apologize"
        )
        for line in rendered
    )
    assert (
        f"{path}:12: reference.moments[1].turn: turn 9 does not exist: the call has 2 turns"
        in rendered
    )


def test_a_form_whose_items_do_not_add_up_is_refused(tmp_path: Path) -> None:
    root = _root_with(tmp_path, "refund_delay_model.yaml", "")
    form = root / "calls" / "_form.yaml"
    text = form.read_text(encoding="utf-8").replace("max: 5\n", "max: 6\n")
    form.write_text(text.replace("{points: 5, title: {zh: 守住", "{points: 6, title: {zh: 守住"))
    rendered = [problem.render("zh") for problem in load_library([root]).problems]
    assert any("各项满分之和须为 100，现为 101" in line for line in rendered), rendered


def test_the_reference_example_call_and_review_file_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import re

    text = (Path(__file__).resolve().parents[2] / "docs" / "content-format.md").read_text(
        encoding="utf-8"
    )
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    call = next(block for block in blocks if block.startswith("id: late_refund_example"))
    review = next(block for block in blocks if block.startswith("call: late_refund_example"))
    root = tmp_path / "content"
    (root / "calls").mkdir(parents=True)
    (root / "calls" / "late_refund_example.yaml").write_text(call, encoding="utf-8")
    library = load_library([ROOT, root])
    assert not library.problems, [p.render("en") for p in library.problems]
    path = tmp_path / "review.yaml"
    path.write_text(review, encoding="utf-8")
    args = ["--lang", "en", "--data", str(tmp_path / "d"), "--content", str(root)]
    assert main([*args, "review", "score", "late_refund_example", str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["reference_total"], result["total"], result["deviation"]) == (25, 30, 5)


# ---------------------------------------------------------------- the role-play scorer as a check


def _scorer_total(call: Call, lang: str) -> tuple[float, bool]:
    """The role-play scorer's total and fatal verdict for a library call: the call's agent
    turns played, in order, through its scenario's facts, secrets and rules as a chain of
    free-text nodes (each with the customer line before it), by a customer who never hangs
    up. The scorer weighs the four steps only, so its totals run on another scale."""
    from trainer.content.models import Scenario
    from trainer.services.roleplay.engine import Context, RolePlay

    base = LIBRARY.scenario(call.scenario or "")
    assert base is not None
    said, customer = [], None
    for turn in call.turns:
        if turn.speaker == "customer":
            customer = turn.text
        else:
            said.append((customer, turn.text))
            customer = None
    nodes = [
        {
            "id": f"n{index}",
            "customer": before.model_dump() if before is not None else None,
            "input": "free_text",
            "next": [{"goto": f"n{index + 1}" if index + 1 < len(said) else "end"}],
        }
        for index, (before, _) in enumerate(said)
    ]
    data = base.model_dump(mode="python", by_alias=True, exclude={"start", "tests"})
    data.update(nodes=nodes, endings=[{"id": "end", "text": "end"}])
    run = RolePlay(
        Scenario.model_validate(data),
        lang,
        Context(LIBRARY.lexicon, LIBRARY.standard, "星河电商"),
        patient=True,
    )
    for _, words in said:
        run.say(words.get(lang))
    card = run.scorecard()
    return card.total, card.fatal


def test_the_role_play_scorer_ranks_the_calls_as_the_reference_does() -> None:
    """A consistency check, not a target: the references were written as a QA expert would
    and are never changed to fit the scorer. Measured when written: r = 0.93 over the 34
    call-language pairs; the scorer runs about 15 points lower (it weighs only the four
    steps). Every red line the reference finds is fatal for the scorer, except the English
    request for a verification code ("please read it out to me"), which it does not hear:
    a gap in the scorer's phrase lists, left for its owners."""
    import statistics

    assert FORM is not None
    references, scores, unheard = [], [], set()
    for call in CALLS:
        vetoed = call_total(FORM, call.reference_points()) == 0
        for lang in ("zh", "en"):
            total, fatal = _scorer_total(call, lang)
            references.append(call_total(FORM, call.reference_points()))
            scores.append(total)
            if vetoed and not fatal:
                unheard.add((call.id, lang))
    assert statistics.correlation(references, scores) >= 0.85
    assert unheard <= {("privacy_request_code", "en")}
