"""Scenarios that react: branches on what the agent did, the promised time in the customer's
line, a call the agent opens, options that breach or break a rule, a minimum per step, the
customer record, and validate's advice."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.content.loader import ContentLibrary, load_library
from trainer.content.models import Scenario, ScriptTurn
from trainer.locations import bundled_content_root
from trainer.services.roleplay.engine import Context, RolePlay, score_transcript
from trainer.services.roleplay.golden import UNIVERSAL_REPLY, scenario_warnings, universal_run


@pytest.fixture(scope="module")
def bundled() -> ContentLibrary:
    library = load_library([bundled_content_root()])
    assert library.problems == []
    return library


@pytest.fixture(scope="module")
def context(bundled: ContentLibrary) -> Context:
    return Context(bundled.lexicon, bundled.standard)


def wrong_address(bundled: ContentLibrary) -> Scenario:
    scenario = bundled.scenario("wrong_address")
    assert scenario is not None
    return scenario


def test_the_agent_opens_and_the_customer_reacts_to_a_skipped_apology(
    bundled: ContentLibrary, context: Context
) -> None:
    run = RolePlay(wrong_address(bundled), "zh", context)
    assert run.customer_line == ""  # the line connects: the agent speaks first
    run.say("您好，星河电商客服，工号1024。")
    assert run.customer_line.startswith("我的订单B61027显示签收了")
    run.say("您说一下订单号。")
    assert run.node is not None and run.node.id == "demand_apology"
    assert "连句对不起都没有" in run.customer_line

    polite = RolePlay(wrong_address(bundled), "zh", context)
    polite.say("您好，星河电商客服，工号1024。")
    polite.say("真是对不住，让您着急了，我马上帮您查。")
    assert polite.node is not None and polite.node.id == "verify"


def test_the_customer_repeats_the_time_the_agent_promised(
    bundled: ContentLibrary, context: Context
) -> None:
    run = RolePlay(wrong_address(bundled), "zh", context)
    run.say("您好，星河电商客服，工号1024。")
    run.say("非常抱歉，我理解您着急，我马上帮您查。")
    run.pick(1)
    run.say("跟您确认订单B61027，459元。我现在就联系快递核实签收，明天上午十点前给您回电。")
    assert run.node is not None and run.node.id == "wait_ok"
    assert run.customer_line.startswith(
        "好，那我就等你明天上午十点前的电话"
    )  # the agent's own words

    vague = RolePlay(wrong_address(bundled), "en", context)
    vague.say("Hello, Galaxy Mart customer service, agent ID 1024.")
    vague.say("I'm very sorry, I understand how annoying it is.")
    vague.pick(1)
    vague.say("I'll contact the courier and get back to you soon.")
    assert vague.node is not None and vague.node.id == "ask_time"  # no time yet: he asks


def test_a_breach_option_is_fatal_and_an_option_can_break_a_named_rule(
    bundled: ContentLibrary, context: Context
) -> None:
    run = RolePlay(wrong_address(bundled), "en", context)
    run.say("Hello, Galaxy Mart customer service, agent ID 1024.")
    run.say("I'm very sorry about this.")
    record = run.pick(2)
    assert "breach" in {v.rule for v in record.violations if v.fatal}
    assert run.scorecard().fatal

    beyond = bundled.scenario("beyond_authority")
    assert beyond is not None
    turns = [
        ScriptTurn(say="Hello, Galaxy Mart customer service, agent ID 1024. I'm so sorry."),
        ScriptTurn(pick=2),  # "Sure, no problem, I'll pay you the 500."
    ]
    card = score_transcript(beyond, turns, "en", context)
    assert [v.rule for v in card.violations if v.fatal] == ["unauthorized_promise"]


def test_a_run_that_never_resolves_fails_whatever_its_total(
    bundled: ContentLibrary, context: Context
) -> None:
    scenario = wrong_address(bundled)
    assert scenario.scoring.minimum == {"resolve": 40}
    turns = [
        ScriptTurn(say="您好，星河电商客服，工号1024，请问有什么可以帮您？"),
        ScriptTurn(say="真是对不住，东西没收到还显示签收，换谁都着急。"),
        ScriptTurn(pick=1),
        ScriptTurn(say="跟您确认一下，订单B61027，459元，对吗？今天下午三点前给您回电。"),
        ScriptTurn(say="您放心，我一定给您答复。"),
        ScriptTurn(say="好的，三点前给您回电。请问还有其他需要帮助的吗？感谢您的来电，再见！"),
    ]
    card = score_transcript(scenario, turns, "zh", context)
    assert card.steps["resolve"].score == 0
    assert card.total >= card.pass_mark and not card.passed
    minimum = [note for note in card.coaching if note.key == "minimum_unmet"]
    assert minimum and "at least 40%" in minimum[0].render("en")


def test_the_universal_reply_fails_every_scenario(
    bundled: ContentLibrary, context: Context
) -> None:
    for scenario_id, loaded in bundled.scenarios.items():
        for lang in ("zh", "en"):
            card = universal_run(loaded.model, lang, context).scorecard()
            assert not card.passed, (scenario_id, lang, card.total)
    assert UNIVERSAL_REPLY["zh"].startswith("您好")


def test_validate_advises_on_untested_options_and_unpromised_times(
    bundled: ContentLibrary, tmp_path: Path
) -> None:
    source = (bundled_content_root() / "scenarios" / "wrong_address.yaml").read_text("utf-8")
    changed = source.replace("id: wrong_address", "id: wrong_address_copy", 1)
    changed = changed.replace('{if: "ever.timed_callback", goto: wait_ok}', "{goto: wait_ok}", 1)
    changed = changed.replace("      - pick: 3\n", "      - pick: 1\n")
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "wrong_address_copy.yaml").write_text(changed, "utf-8")
    library = load_library([bundled_content_root(), tmp_path])
    mine = [w for w in scenario_warnings(library) if w.path.parent.parent == tmp_path]
    keys = sorted(warning.key for warning in mine)
    assert keys == ["warn_option_untested", "warn_slot_unpromised"]
    assert all(w.path.parent.parent != tmp_path for w in scenario_warnings(bundled))


def test_the_record_may_show_only_the_scenarios_secrets(tmp_path: Path) -> None:
    source = (bundled_content_root() / "scenarios" / "wrong_address.yaml").read_text("utf-8")
    broken = source.replace("secret: id_number, masked: true", "secret: passport, masked: true")
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "wrong_address.yaml").write_text(broken, "utf-8")
    library = load_library([bundled_content_root(), tmp_path])
    problems = [p for p in library.problems if p.key == "record_unknown_secret"]
    assert len(problems) == 1 and "passport" in problems[0].render("en")
    assert "record[6].secret" in problems[0].render("en")
