"""The condition language of scenario branches."""

import pytest

from trainer.content.conditions import ConditionError, parse_condition, unknown_names


@pytest.mark.parametrize(
    ("source", "state", "expected"),
    [
        ("mood <= 5", {"mood": 5}, True),
        ("mood <= 5", {"mood": 6}, False),
        ("mood >= 70 and apologize", {"mood": 80, "apologize": True}, True),
        ("mood >= 70 and apologize", {"mood": 80}, False),
        ("not listen or turn > 3", {"listen": True, "turn": 4}, True),
        ("(mood < 30 or mood > 90) and not resolve", {"mood": 95}, True),
        ("facts.order_id", {"facts.order_id": True}, True),
        ("true", {}, True),
        ("mood == 50", {"mood": 50}, True),
    ],
)
def test_evaluates(source: str, state: dict[str, float | bool], expected: bool) -> None:
    assert parse_condition(source).evaluate(state) is expected


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("", "condition_empty"),
        ("mood <=", "condition_incomplete"),
        ("mood <= 5 5", "condition_unexpected"),
        ("(mood < 5", "condition_incomplete"),
        ("__import__('os')", "condition_bad_char"),
        ("mood ; 5", "condition_bad_char"),
        ("and mood", "condition_unexpected"),
    ],
)
def test_rejects(source: str, reason: str) -> None:
    with pytest.raises(ConditionError) as caught:
        parse_condition(source)
    assert caught.value.reason == reason


def test_unknown_names() -> None:
    condition = parse_condition("mood > 3 and facts.amount and patience")
    assert unknown_names(condition, {"order_id"}) == ["facts.amount", "patience"]
    assert unknown_names(condition, {"amount"}) == ["patience"]
