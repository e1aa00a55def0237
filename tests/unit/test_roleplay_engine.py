"""The role-play engine: step scores, time rules, order, facts, the service standard, fatal
rules, mood and hang-up, transcripts that do not fit, and golden tests."""

from __future__ import annotations

from typing import Any

import pytest

from trainer.content.loader import ContentLibrary, load_library
from trainer.content.models import Scenario, ScriptTurn
from trainer.locations import bundled_content_root
from trainer.services.roleplay.engine import Context, RolePlay, TranscriptError, score_transcript
from trainer.services.roleplay.golden import golden_problems

GREETING = "您好，星河电商，工号1024。"
CLOSING = "请问还有其他需要帮助的吗？感谢您的来电，再见！"


@pytest.fixture(scope="module")
def bundled() -> ContentLibrary:
    return load_library([bundled_content_root()])


@pytest.fixture(scope="module")
def context(bundled: ContentLibrary) -> Context:
    return Context(bundled.lexicon, bundled.standard)


def make_scenario(**changes: Any) -> Scenario:
    """Three free-text turns: open (apology, empathy), solve (resolve, follow-up), close."""
    data: dict[str, Any] = {
        "id": "test_call",
        "title": "测试来电",
        "company": {"zh": "星河电商", "en": "Galaxy Mart"},
        "brief": "brief",
        "persona": {"name": "王女士"},
        "facts": {"order_id": "A20240518", "amount": "299"},
        "secrets": {"phone": "13800001234"},
        "mood": {"start": 40, "hangup_at": 5},
        "timer": {"reply_seconds": 60, "on_timeout": {"mood": -10}},
        "scoring": {"order": [["apologize", "resolve"]], "fact_points": 10},
        "rules": [
            {
                "id": "overpromise",
                "forbid": ["保证.{0,6}全额退款", "guarantee.{0,20}refund"],
                "fatal": True,
            },
        ],
        "nodes": [
            {
                "id": "open",
                "customer": "退款还没到！",
                "input": "free_text",
                "model_answer": "非常抱歉，我理解您的着急。",
                "rubric": [
                    {"step": "apologize", "any": ["@apology"], "points": 25, "mood": 15},
                    {"step": "listen", "any": ["@empathy"], "points": 15, "mood": 5},
                    {"step": "resolve", "any": ["@check"], "points": 10},
                ],
                "next": [{"if": "mood <= 5", "goto": "hangup"}, {"goto": "solve"}],
            },
            {
                "id": "solve",
                "customer": "那怎么办？",
                "input": "free_text",
                "rubric": [
                    {"step": "apologize", "any": ["@apology"], "points": 25},
                    {"step": "resolve", "any": ["@check", "@escalate"], "points": 25, "mood": 10},
                    {
                        "step": "follow_up",
                        "any": ["@callback"],
                        "needs_time": True,
                        "points": 25,
                        "mood": 10,
                    },
                ],
                "next": [{"if": "facts.order_id", "goto": "close"}, {"goto": "close"}],
            },
            {
                "id": "close",
                "customer": "好吧。",
                "input": "free_text",
                "rubric": [{"step": "standard", "any": ["@closing"], "mood": 5}],
                "next": [{"if": "mood >= 70", "goto": "end_ok"}, {"goto": "end_meh"}],
            },
        ],
        "endings": [
            {"id": "end_ok", "text": "客户满意"},
            {"id": "end_meh", "text": "客户一般"},
            {"id": "hangup", "text": "客户挂断"},
        ],
    }
    data.update(changes)
    return Scenario.model_validate(data)


def play(scenario: Scenario, context: Context, *replies: str, lang: str = "zh") -> Any:
    return score_transcript(scenario, [ScriptTurn(say=text) for text in replies], lang, context)


def test_a_model_call_scores_full_marks_with_evidence(context: Context) -> None:
    card = play(
        make_scenario(),
        context,
        GREETING + "非常抱歉让您久等了，我理解您的着急。订单A20240518，退款299元，对吗？",
        "我马上为您加急处理，今天17点前给您回电。",
        CLOSING,
    )
    assert card.finished and card.passed and not card.fatal
    assert card.total == 100
    assert {step: score.score for step, score in card.steps.items()} == {
        "apologize": 25,
        "listen": 25,
        "resolve": 25,
        "follow_up": 25,
    }
    apology = card.steps["apologize"].evidence[0]
    assert (apology.turn, apology.text, apology.points) == (1, "抱歉", 25)
    facts = [e for e in card.steps["listen"].evidence if e.source == "fact"]
    assert [(e.text, e.points) for e in facts] == [("A20240518", 5), ("299", 5)]
    # the note names what was confirmed as the learner said it, never the fact's key
    assert [e.note.render("zh") for e in facts if e.note] == [
        "复述确认：A20240518",
        "复述确认：299",
    ]
    follow_up = card.steps["follow_up"].evidence[0]
    assert follow_up.text == "今天17点前给您回电" and follow_up.note.key == "time_ok"
    assert card.violations == [] and card.ending == "end_ok"
    assert card.mood == [40, 60, 80, 85]


def test_keyword_stuffing_earns_a_line_once(context: Context) -> None:
    card = play(make_scenario(), context, GREETING + "抱歉抱歉对不起不好意思非常抱歉", "", CLOSING)
    assert card.steps["apologize"].score == 25
    assert len(card.steps["apologize"].evidence) == 1


@pytest.mark.parametrize(
    ("promise", "points", "note"),
    [
        ("我帮您查询一下，今天17点前给您回电。", 25, "time_ok"),
        ("我帮您查询一下，24小时内给您回电。", 25, "time_ok"),
        ("我帮您查询一下，稍后给您回电。", 12.5, "time_vague"),
        ("我帮您查询一下，三天内给您回电。", 12.5, "time_too_late"),
        ("我帮您查询一下，再给您回电。", 12.5, "time_missing"),
    ],
)
def test_follow_up_needs_a_definite_time_within_the_limit(
    context: Context, promise: str, points: float, note: str
) -> None:
    card = play(make_scenario(), context, GREETING + "非常抱歉。", promise, CLOSING)
    evidence = card.steps["follow_up"].evidence[0]
    assert (evidence.points, evidence.note.key) == (points, note)
    if note != "time_ok":
        assert note in [coaching.key for coaching in card.coaching]


def test_a_solution_before_the_apology_halves_the_late_apology(context: Context) -> None:
    card = play(
        make_scenario(),
        context,
        GREETING + "我帮您查询一下。",
        "非常抱歉，今天17点前给您回电。",
        CLOSING,
    )
    assert not card.order_ok
    assert card.steps["apologize"].score == 12.5
    assert card.steps["apologize"].notes[0].key == "order_late"
    in_order = play(
        make_scenario(),
        context,
        GREETING + "非常抱歉。",
        "我帮您查询一下，今天17点前回电。",
        CLOSING,
    )
    assert in_order.order_ok and in_order.steps["apologize"].score == 25


def test_fact_confirmation_is_credited_in_proportion_and_read_by_conditions(
    context: Context,
) -> None:
    run = RolePlay(make_scenario(), "zh", context)
    run.say(GREETING + "非常抱歉，您的订单是A20240518对吗？")
    assert run.confirmed_facts == {"order_id"}
    assert run._condition_state()["facts.order_id"] is True
    card = run.scorecard()
    assert [e.points for e in card.steps["listen"].evidence if e.source == "fact"] == [5]
    assert not card.finished
    # 2990 is not the amount 299
    run.say("2990元的话我帮您查询一下，今天17点前回电。")
    assert "amount" not in run.confirmed_facts


def test_the_greeting_rule_names_what_the_opening_lacked(context: Context) -> None:
    card = play(make_scenario(), context, "你好，非常抱歉。", "", CLOSING)
    greeting = next(v for v in card.violations if v.rule == "greeting")
    assert greeting.penalty == 5 and greeting.turn == 1
    assert greeting.note.render("en") == "The opening lacked your agent ID, the company name."
    assert "星河电商" in (greeting.better or "")


def test_the_organisation_stands_in_for_a_scenario_without_company(bundled: ContentLibrary) -> None:
    scenario = make_scenario(company=None)
    acme = Context(bundled.lexicon, bundled.standard, organisation="Acme")
    card = play(scenario, acme, "Hello, Acme here, agent ID 7. I'm so sorry.", "", "bye", lang="en")
    assert not [v for v in card.violations if v.rule == "greeting"]
    card = play(scenario, acme, "Hello, agent ID 7. I'm so sorry.", "", "bye", lang="en")
    assert [v.note.values for v in card.violations if v.rule == "greeting"] == [
        {"parts": "company"}
    ]
    both = Context(
        bundled.lexicon, bundled.standard, organisation="星河客服中心 Galaxy Service Centre"
    )
    for lang, opening in (
        ("zh", "您好，星河客服中心，工号7。"),
        ("en", "Hello, Galaxy Service Centre, agent ID 7."),
    ):
        card = play(scenario, both, opening, "", "bye", lang=lang)
        assert not [v for v in card.violations if v.rule == "greeting"], opening


def test_closing_is_checked_on_the_last_turn_only_when_the_call_ends(context: Context) -> None:
    run = RolePlay(make_scenario(), "zh", context)
    run.say(GREETING + "非常抱歉。")
    assert not [v for v in run.scorecard().violations if v.rule == "closing"]
    run.say("我帮您查询一下，今天17点前回电。")
    run.say("好的再见。")
    closing = [v for v in run.scorecard().violations if v.rule == "closing"]
    assert len(closing) == 1 and closing[0].turn == 3 and closing[0].penalty == 5


def test_forbidden_phrase_costs_points_and_mood_with_a_better_phrase(context: Context) -> None:
    card = play(make_scenario(), context, GREETING + "非常抱歉，这个我不清楚。", "", CLOSING)
    forbidden = [v for v in card.violations if v.rule == "forbidden_phrase"]
    assert [(v.text, v.penalty, v.mood) for v in forbidden] == [("不清楚", 5, -10)]
    assert forbidden[0].better == "我帮您查询一下。"
    assert card.mood[1] == 40 + 15 - 10
    polite = play(make_scenario(), context, GREETING + "非常抱歉，不知道您是否方便？", "", CLOSING)
    assert not [v for v in polite.violations if v.rule == "forbidden_phrase"]


def test_a_fatal_rule_zeroes_the_total_but_keeps_the_breakdown(context: Context) -> None:
    card = play(
        make_scenario(),
        context,
        GREETING + "非常抱歉，我理解您。",
        "我帮您查询一下，我保证给您全额退款，今天17点前回电。",
        CLOSING,
    )
    assert card.fatal and not card.passed and card.total == 0
    assert card.steps["apologize"].score == 25 and card.steps["follow_up"].score == 25
    fatal = [v for v in card.violations if v.fatal]
    # the scenario's rule and the standard's unauthorised-promise rule hit the same words once
    assert [(v.rule, v.text) for v in fatal] == [("overpromise", "保证给您全额退款")]


def test_a_negated_promise_is_not_a_violation(context: Context) -> None:
    card = play(
        make_scenario(),
        context,
        GREETING + "非常抱歉。",
        "我不能保证全额退款，我帮您查询一下。",
        CLOSING,
    )
    assert not card.fatal


def test_reading_out_a_secret_is_fatal_but_a_masked_number_is_fine(context: Context) -> None:
    leaked = play(
        make_scenario(), context, GREETING + "非常抱歉，您的手机是138 0000 1234吗？", "", CLOSING
    )
    assert [v.rule for v in leaked.violations if v.fatal] == ["privacy"]
    masked = play(
        make_scenario(), context, GREETING + "非常抱歉，您的手机尾号是1234吗？", "", CLOSING
    )
    assert not masked.fatal


def test_the_customer_hangs_up_when_mood_falls_to_the_threshold(context: Context) -> None:
    run = RolePlay(make_scenario(mood={"start": 20, "hangup_at": 5}), "zh", context)
    run.say("这不是我的问题，我不知道。")  # blame -15, forbidden phrase -10
    assert run.finished and run.ending == "hangup" and run.ending_text() == "客户挂断"
    card = run.scorecard()
    assert not card.passed and card.mood == [20, 0]
    assert not [v for v in card.violations if v.rule == "closing"]  # no chance to close
    with pytest.raises(TranscriptError) as error:
        run.say("喂？")
    assert error.value.key == "call_over" and error.value.values["turn"] == 2


def test_a_slow_reply_costs_mood_and_says_so(context: Context) -> None:
    run = RolePlay(make_scenario(), "zh", context)
    record = run.say(GREETING + "非常抱歉。", seconds=75)
    assert record.timed_out and record.mood_after == 40 + 15 - 10
    assert "timeout" in [note.key for note in run.scorecard().coaching]


def test_choice_nodes_award_option_points_and_point_to_the_better_option(
    bundled: ContentLibrary, context: Context
) -> None:
    scenario = bundled.scenario("refund_delay")
    assert scenario is not None
    run = RolePlay(scenario, "zh", context)
    run.say("您好，星河电商客服，工号1024。非常抱歉让您久等了。")
    record = run.pick(2)
    assert record.kind == "pick" and record.text == "这个我不清楚，您得去问财务。"
    assert record.better == "跟您确认一下：订单A20240518，退款金额299元，对吗？"
    assert record.feedback and "推给别的部门" in record.feedback
    rules = [v.rule for v in record.violations]
    assert rules == ["forbidden_phrase", "blame"]


@pytest.mark.parametrize(
    ("turns", "key", "turn"),
    [
        ([{"pick": 1}], "pick_at_free_text", 1),
        ([{"say": "您好"}, {"say": "确认一下"}], "say_at_choice", 2),
        ([{"say": "您好"}, {"pick": 4}], "no_such_option", 2),
    ],
)
def test_a_transcript_that_does_not_fit_names_the_turn(
    bundled: ContentLibrary, context: Context, turns: list[dict[str, Any]], key: str, turn: int
) -> None:
    scenario = bundled.scenario("refund_delay")
    assert scenario is not None
    with pytest.raises(TranscriptError) as error:
        score_transcript(scenario, [ScriptTurn.model_validate(t) for t in turns], "zh", context)
    assert error.value.key == key and error.value.values["turn"] == turn


def test_evidence_is_the_agents_own_words_even_in_full_width(context: Context) -> None:
    card = play(
        make_scenario(),
        context,
        "您好，星河电商，工号１０２４。ＳＯＲＲＹ，非常抱歉！",
        "",
        CLOSING,
    )
    assert not [v for v in card.violations if v.rule == "greeting"]
    evidence = card.steps["apologize"].evidence[0]
    turn_text = card.turns[0].text
    assert turn_text[evidence.start : evidence.end] == evidence.text == "抱歉"


def test_bundled_golden_tests_pass(bundled: ContentLibrary) -> None:
    assert golden_problems(bundled) == []
    assert sum(len(loaded.model.tests) for loaded in bundled.scenarios.values()) >= 3


def test_a_failing_golden_test_names_the_test_line_and_difference(tmp_path: Any) -> None:
    source = (bundled_content_root() / "scenarios" / "refund_delay.yaml").read_text("utf-8")
    broken = source.replace("expect: {min_total: 85,", "expect: {min_total: 101,")
    (tmp_path / "scenarios").mkdir()
    path = tmp_path / "scenarios" / "refund_delay.yaml"
    path.write_text(broken, "utf-8")
    library = load_library([bundled_content_root(), tmp_path])
    problems = golden_problems(library)
    assert len(problems) == 1
    line = (
        broken.splitlines().index(
            next(row for row in broken.splitlines() if "min_total: 101" in row)
        )
        + 1
    )
    assert problems[0].path == path and problems[0].line == line
    assert problems[0].message("en") == (
        'golden test "model answers" scored 100, below the expected minimum 101'
    )
