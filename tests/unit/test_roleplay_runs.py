"""Role-play runs for people: saved after every turn, resumed after a crash, hints in
practice only, exam runs that keep their scenario version, access, the practical score."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from trainer.content.loader import ContentLibrary, load_library
from trainer.locations import bundled_content_root
from trainer.services.access import AccessDenied
from trainer.services.accounts import Accounts
from trainer.services.context import open_store
from trainer.services.roleplay.service import RolePlayError, RolePlays
from trainer.settings import Settings
from trainer.storage.records import RolePlayRun

pytestmark = pytest.mark.both_stores  # the services must behave the same on both

PASSWORD = "correct horse"
OPENING = "您好，星河电商客服，工号1024。非常抱歉让您久等了，我理解您的着急。"
SOLUTION = "我马上为您提交加急工单，今天17点前给您回电告知结果。"
CLOSING = "请问还有其他需要帮助的吗？感谢您的来电，祝您生活愉快，再见！"


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    return load_library([bundled_content_root()])


@pytest.fixture
def setting(data_dir: Path, database_url: str, library: ContentLibrary) -> Any:
    store = open_store(Settings(data_dir=data_dir, database_url=database_url))
    accounts = Accounts(store)
    accounts.set_up("星河电商", "Trainer", PASSWORD, person_id="boss")
    boss = accounts.person("boss")
    learner = accounts.add_person(boss, "Li", ["learner"], PASSWORD, ["frontline"], "li")
    other = accounts.add_person(boss, "Wang", ["learner"], PASSWORD, ["frontline"], "wang")
    return RolePlays(store, library), learner, other, boss


def test_every_turn_is_saved_and_a_new_instance_resumes_the_call(
    setting: Any, data_dir: Path, database_url: str
) -> None:
    roleplays, learner, _, _ = setting
    live = roleplays.start(learner, "refund_delay", "practice", "zh")
    live.say(OPENING, seconds=12)
    stored = roleplays.runs(learner, "li", "refund_delay")
    assert [(turn.say, turn.seconds) for turn in stored[0].turns] == [(OPENING, 12)]
    assert stored[0].finished_at is None and stored[0].scorecard is None

    # the app is gone; a new service over the same folder picks the call up where it stood
    again = RolePlays(
        open_store(Settings(data_dir=data_dir, database_url=database_url)), roleplays.library
    )
    record = again.open_run(learner, "refund_delay", "practice")
    assert record is not None
    resumed = again.resume(learner, record)
    assert resumed.play.node is not None and resumed.play.node.id == "details"
    assert resumed.play.mood == live.play.mood
    resumed.pick(1)
    resumed.say(SOLUTION)
    resumed.say(CLOSING)
    final = again.runs(learner, "li", "refund_delay")[0]
    assert final.finished_at is not None and final.total == 100 and final.passed is True
    assert final.ending == "end_ok"
    card = RolePlays.scorecard_of(final)
    assert card is not None and card.steps["follow_up"].evidence[0].text == "今天17点前给您回电"
    assert len(card.turns) == 4


def test_hints_are_for_practice_and_limited_by_difficulty(setting: Any) -> None:
    roleplays, learner, _, _ = setting
    live = roleplays.start(learner, "refund_delay", "practice", "en")
    assert live.hints_left == 2  # medium
    assert "apologise" in live.hint()
    live.hint()
    with pytest.raises(RolePlayError) as used_up:
        live.hint()
    assert used_up.value.key == "hints_used_up"
    assert roleplays.runs(learner, "li")[0].hints_used == 2
    exam = roleplays.start(learner, "refund_delay", "exam", "en")
    with pytest.raises(RolePlayError) as no_hints:
        exam.hint()
    assert no_hints.value.key == "no_hints_in_exam"


def test_an_exam_run_resumes_rather_than_restarts_and_keeps_its_version(
    setting: Any, library: ContentLibrary
) -> None:
    roleplays, learner, _, _ = setting
    first = roleplays.start(learner, "refund_delay", "exam", "zh")
    first.say(OPENING)
    again = roleplays.start(learner, "refund_delay", "exam", "zh")
    assert again.record.id == first.record.id and len(again.play.turns) == 1

    # the trainer edits the scenario meanwhile: the run carries on with its own version
    loaded = library.scenarios["refund_delay"]
    changed = loaded.model.model_copy(update={"nodes": loaded.model.nodes[:1]})
    edited = replace(
        library, scenarios={**library.scenarios, "refund_delay": replace(loaded, model=changed)}
    )
    later = RolePlays(roleplays.store, edited)
    resumed = later.start(learner, "refund_delay", "exam", "zh")
    assert resumed.play.node is not None and resumed.play.node.id == "details"
    assert resumed.record.scenario_version == first.record.scenario_version


def test_learners_read_only_their_own_runs(setting: Any) -> None:
    roleplays, learner, other, boss = setting
    roleplays.start(learner, "refund_delay", "practice", "zh").say(OPENING)
    with pytest.raises(AccessDenied):
        roleplays.runs(other, "li")
    assert len(roleplays.runs(boss, "li")) == 1
    mentor_only = boss.model_copy(update={"id": "mentor", "roles": ["mentor"]})
    with pytest.raises(AccessDenied):
        roleplays.start(mentor_only, "refund_delay", "practice", "zh")  # only learners play


def test_practical_score_is_the_mean_of_best_exam_runs(
    setting: Any, library: ContentLibrary
) -> None:
    roleplays, learner, _, _ = setting
    track = library.track("frontline")
    assert track is not None
    scenarios = track.practice.scenarios
    assert roleplays.practical_score(learner, "li", track) is None
    for scenario_id in scenarios:
        scenario = library.scenario(scenario_id)
        assert scenario is not None and scenario.tests
        for test in scenario.tests[:1]:
            live = roleplays.start(learner, scenario_id, "exam", test.lang)
            for turn in test.turns:
                if turn.say is not None:
                    live.say(turn.say)
                else:
                    live.pick(turn.pick or 1)
    totals = [roleplays.best_exam_score(learner, "li", sid) for sid in scenarios]
    assert all(total is not None for total in totals)
    expected = round(sum(t for t in totals if t is not None) / len(totals), 1)
    assert roleplays.practical_score(learner, "li", track) == expected
    practice = roleplays.start(learner, scenarios[0], "practice", "zh")
    practice.say("喂")  # practice never counts
    assert roleplays.practical_score(learner, "li", track) == expected
    stored = roleplays.store.person_file("li").all(RolePlayRun)
    assert {run.mode for run in stored} == {"exam", "practice"}
