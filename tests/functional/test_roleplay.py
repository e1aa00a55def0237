"""Playing complaint role-plays through the app: practice with checklist and hints, an exam
run that counts, leaving a call and resuming it in a new app, and the replay."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from tests.functional.helpers import (
    PASSWORD,
    SIZE,
    organisation_with_learner,
    screen_text,
    sign_in,
    type_text,
)
from trainer.services.context import TrainerContext, open_context
from trainer.services.roleplay.golden import UNIVERSAL_REPLY
from trainer.services.roleplay.service import RolePlays
from trainer.storage.records import RolePlayRun
from trainer.ui.app import TrainerApp, make_app
from trainer.ui.screens import (
    RolePlayReplayScreen,
    RolePlayResultScreen,
    RolePlayScreen,
    RolePlaysScreen,
)

pytestmark = pytest.mark.both_stores  # what a person sees is the same on both stores


async def _roleplays(
    app: TrainerApp, pilot: Pilot[None], title: str = "A refund ten days overdue"
) -> RolePlaysScreen:
    """Sign in as li-na, open her frontline role-plays and highlight the one titled `title`."""
    await sign_in(app, pilot, "li-na", PASSWORD)
    await pilot.press("enter")  # the frontline track
    await pilot.pause()
    assert "Role-plays: 14 scenario(s), 1 in the assessment; best exam run -" in screen_text(app)
    await pilot.press("r")
    await pilot.pause()
    assert isinstance(app.screen, RolePlaysScreen)
    listing = app.screen.query_one("#scenarios", OptionList)
    prompts = [str(listing.get_option_at_index(k).prompt) for k in range(listing.option_count)]
    # the practical's one scenario comes first and is marked; the other thirteen are practice
    assert [p for p in prompts if "in the assessment" in p] == [prompts[0]]
    assert "A parcel sent to an old address" in prompts[0] and len(prompts) == 14
    listing.highlighted = next(k for k, prompt in enumerate(prompts) if title in prompt)
    await pilot.pause()
    return app.screen


async def _pick(app: TrainerApp, pilot: Pilot[None], authored: int) -> None:
    """Press the number key of the option written `authored`-th in the scenario (the screen
    shows options in an order shuffled for each run)."""
    screen = app.screen
    assert isinstance(screen, RolePlayScreen)
    await pilot.press(str(screen.option_order().index(authored) + 1))
    await pilot.pause()


async def _reply(app: TrainerApp, pilot: Pilot[None], text: str) -> None:
    """Type a reply as a person would (Chinese arrives whole from the input method)."""
    reply = app.screen.query_one("#reply", Input)
    if text.isascii():
        reply.focus()
        await type_text(pilot, text)
    else:
        reply.value = text
    await pilot.press("enter")
    await pilot.pause()


async def test_a_practice_call_with_checklist_hint_and_scorecard(context: TrainerContext) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await _roleplays(app, pilot)
        assert "Caller: Ms. Wang" in screen_text(app)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, RolePlayScreen)
        text = screen_text(app)
        assert "My refund is ten days late" in text
        assert "☐ Apologise  ☐ Listen  ☐ Resolve  ☐ Follow up" in text
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "Give the company name and your agent ID" in screen_text(app)
        assert "hints left: 1" in screen_text(app)

        await _reply(app, pilot, "Hello, Galaxy Mart, agent ID 1024. I am so sorry about this.")
        text = screen_text(app)
        assert "☑ Apologise  ☐ Listen" in text
        assert "✓ Apologise·apology +25" in text
        assert "Order A20240518, a 299 yuan refund" in text
        await _pick(app, pilot, 1)
        await pilot.pause()
        await _reply(app, pilot, "I will raise an urgent ticket and call you back by 5 pm today.")
        await _reply(app, pilot, "Is there anything else? Thank you for calling, goodbye.")
        assert isinstance(app.screen, RolePlayResultScreen)
        text = screen_text(app)
        # no word of understanding: listening is the confirmation picked, 20 of 25
        assert "Total 95 / 100 · passed (pass mark 60)" in text
        assert "Practice runs do not count" in text

    runs = context.store.person_file("li-na").all(RolePlayRun)
    assert len(runs) == 1 and runs[0].mode == "practice" and runs[0].hints_used == 1
    assert runs[0].total == 95 and runs[0].passed is True
    card = RolePlays.scorecard_of(runs[0])
    assert card is not None
    assert [(e.turn, e.text) for e in card.steps["follow_up"].evidence] == [
        (3, "call you back by 5 pm today")
    ]


async def test_an_exam_call_in_chinese_counts_and_explains_its_score(
    context: TrainerContext,
) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await _roleplays(app, pilot)
        await pilot.press("f2")  # 中文
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")  # it counts: confirm
        await pilot.pause()
        assert isinstance(app.screen, RolePlayScreen)
        text = screen_text(app)
        assert "退款都十天了还没到账" in text
        assert "☐ 道歉" not in text  # no checklist in an exam
        await pilot.press("ctrl+t")  # and no hints
        await pilot.pause()
        assert "先报公司名和工号" not in screen_text(app)

        await _reply(app, pilot, "你好，这个我不清楚。")
        await _pick(app, pilot, 1)
        await pilot.pause()
        await _reply(app, pilot, "我帮您查一下，稍后给您回电。")
        await _reply(app, pilot, "请问还有其他需要帮助的吗？感谢您的来电，再见！")
        assert isinstance(app.screen, RolePlayResultScreen)
        text = screen_text(app)
        assert "总分 47.5 / 100 · 未通过（及格线 60）" in text
        assert "T1 服务禁语 “不清楚” −5" in text
        assert "T1 开场白 −5" in text
        assert "“稍后”太模糊" in text

        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RolePlayReplayScreen)
        text = screen_text(app)
        assert "第 1 轮，共 4 轮" in text
        assert "⚠ 服务禁语 “不清楚” −5" in text
        assert "更好的回复：" in text
        for _ in range(3):  # every turn speaks Chinese: no step shown by its key, no "+0"
            await pilot.press("n")
            await pilot.pause()
            text = screen_text(app)
            assert "standard" not in text and "+0 (" not in text
        assert "第 4 轮，共 4 轮" in text

    runs = context.store.person_file("li-na").all(RolePlayRun)
    assert len(runs) == 1 and runs[0].mode == "exam" and runs[0].lang == "zh"
    assert runs[0].scenario_snapshot is not None
    learner = context.accounts.person("li-na")
    track = context.library.track("frontline")
    assert track is not None
    # an exam run of a practice-only call is kept, but the practical is the reactive call's
    assert context.roleplays.practical_score(learner, "li-na", track) is None
    card = RolePlays.scorecard_of(runs[0])
    assert card is not None
    assert card.steps["follow_up"].score == 12.5
    assert {v.rule for v in card.violations} == {"greeting", "forbidden_phrase"}


async def test_leaving_a_call_keeps_it_and_a_new_app_resumes_it(context: TrainerContext) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await _roleplays(app, pilot)
        await pilot.press("p")
        await pilot.pause()
        await _reply(app, pilot, "Hello, Galaxy Mart, agent ID 1024. I am so sorry.")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RolePlaysScreen)
        runs = app.screen.query_one("#runs", OptionList)
        shown = str(runs.get_option_at_index(0).prompt)
        assert "practice  unfinished: p or Enter resumes this practice call" in shown

    again = make_app(open_context(context.settings))
    async with again.run_test(size=SIZE) as pilot:
        await _roleplays(again, pilot)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(again.screen, RolePlayScreen)
        text = screen_text(again)
        assert "I am so sorry." in text  # the turn already given
        assert "Order A20240518, a 299 yuan refund" in text  # waiting at the second node
        assert "☑ Apologise" in text
    runs = context.store.person_file("li-na").all(RolePlayRun)
    assert len(runs) == 1 and len(runs[0].turns) == 1


async def test_the_keys_and_the_scorecard_say_only_what_is_so(context: TrainerContext) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await _roleplays(app, pilot)
        await pilot.press("f2")  # 中文
        await pilot.pause()
        # a practice run has a score: it does not count, but it is scored
        text = screen_text(app)
        assert "练习成绩不计入考核" in text and "不计分" not in text

        # an unfinished exam run is resumed by x (p would start a practice call)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await _reply(app, pilot, "ok")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RolePlaysScreen)
        runs = app.screen.query_one("#runs", OptionList)
        assert "考核  未完成：按 x 或回车继续这次考核" in str(runs.get_option_at_index(0).prompt)

        # a practice call in which no step was taken says nothing of the steps' order
        await pilot.press("p")
        await pilot.pause()
        for _ in range(8):
            screen = app.screen
            if not isinstance(screen, RolePlayScreen):
                break
            if screen.option_order():
                await _pick(app, pilot, 2)
            else:
                await _reply(app, pilot, "ok")
        assert isinstance(app.screen, RolePlayResultScreen)
        text = screen_text(app)
        assert "道歉" in text and "步骤顺序" not in text


async def _open_wrong_address(app: TrainerApp, pilot: Pilot[None]) -> RolePlayScreen:
    """Practise the reactive call with a customer record: the frontline practical."""
    if not isinstance(app.screen, RolePlaysScreen):
        await _roleplays(app, pilot, "A parcel sent to an old address")
    await pilot.press("p")
    await pilot.pause()
    assert isinstance(app.screen, RolePlayScreen)
    return app.screen


async def test_the_customer_record_is_beside_the_call_and_reading_it_out_is_fatal(
    context: TrainerContext,
) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_wrong_address(app, pilot)
        text = screen_text(app)
        assert "The line connects: you speak first." in text  # the agent opens the call
        record = str(screen.query_one("#customer-record").render())
        assert "Customer record" in record and "13966012345" in record
        assert "330***********1234" in record and "330106199001011234" not in record
        await _reply(app, pilot, "Hello, Galaxy Mart customer service, agent ID 1024.")
        assert "My order B61027 says delivered" in screen_text(app)
        await _reply(app, pilot, "I'm so sorry about this, I understand how annoying it is.")
        await _pick(app, pilot, 1)
        await _reply(app, pilot, "Is your number 13966012345? I'll contact the courier now.")
        text = screen_text(app)
        assert "⚠ privacy “13966012345” fatal" in text
        card = screen.live.play.scorecard()
        assert card.fatal and card.total == 0
    runs = context.store.person_file("li-na").all(RolePlayRun)
    assert runs[0].turns[-1].say == "Is your number 13966012345? I'll contact the courier now."


async def test_the_customer_asks_for_the_apology_the_agent_skipped(
    context: TrainerContext,
) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await _open_wrong_address(app, pilot)
        await _reply(app, pilot, "Hello, Galaxy Mart customer service, agent ID 1024.")
        await _reply(app, pilot, "What's the order number?")
        assert "Not even a sorry?" in screen_text(app)
        await _reply(app, pilot, "I'm truly sorry, we let you down. I'll look into it now.")
        assert "First tell me what phone number and address you've got" in screen_text(app)


async def test_options_are_shuffled_per_run_and_scored_by_what_was_picked(
    context: TrainerContext,
) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    orders: list[list[int]] = []
    async with app.run_test(size=SIZE) as pilot:
        await _open_wrong_address(app, pilot)
        for _ in range(12):  # new runs until two show the options in different orders
            screen = app.screen
            assert isinstance(screen, RolePlayScreen)
            await _reply(app, pilot, "Hello, Galaxy Mart customer service, agent ID 1024.")
            await _reply(app, pilot, "I'm so sorry, I understand how annoying this is.")
            order = screen.option_order()
            shown = str(screen.query_one("#choices", OptionList).get_option_at_index(0).prompt)
            verify = screen.live.scenario.node("verify")
            assert verify is not None
            assert shown == f"1.\u00a0{verify.options[order[0] - 1].text.get('en')}"
            await _pick(app, pilot, 1)  # the same option, wherever it is shown
            orders.append(order)
            if len({tuple(o) for o in orders}) > 1:
                break
            await pilot.press("ctrl+r")  # practise again: a new run
            await pilot.pause()
    assert len({tuple(o) for o in orders}) > 1
    runs = context.store.person_file("li-na").all(RolePlayRun)
    assert len(runs) == len(orders)
    assert {run.turns[2].pick for run in runs} == {1}  # stored in the authored order
    learner = context.accounts.person("li-na")
    moods = {tuple(context.roleplays.resume(learner, run).play.mood_history) for run in runs}
    assert len(moods) == 1  # the same picks, the same effect


COUNTED = [
    (track, scenario, lang)
    for track, scenarios in (
        ("frontline", ["wrong_address"]),
        ("new_hire", ["greeting_drill", "fact_confirm_drill"]),
        ("supervisor", ["major_complaint", "coaching_session"]),
    )
    for scenario in scenarios
    for lang in ("zh", "en")
]


@pytest.mark.parametrize(("track_id", "scenario_id", "lang"), COUNTED)
async def test_the_universal_reply_fails_every_counted_role_play(
    context: TrainerContext, track_id: str, scenario_id: str, lang: str
) -> None:
    """One all-purpose reply typed at every turn, the first written option at every choice:
    the practical a script could pass is no practical."""
    track = context.library.track(track_id)
    assert track is not None and scenario_id in track.practice.scenarios
    context.accounts.set_up("星河电商", "陈静", PASSWORD, person_id="chen")
    boss = context.accounts.person("chen")
    context.accounts.add_person(boss, "吴昊", ["learner"], PASSWORD, [track_id], "wu-hao")
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wu-hao", PASSWORD)
        if context.settings.language != lang:
            await pilot.press("f2")  # the call is played in the interface's language
            await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        listing = app.screen.query_one("#scenarios", OptionList)
        listing.highlighted = next(
            k
            for k in range(listing.option_count)
            if listing.get_option_at_index(k).id == scenario_id
        )
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        for _ in range(20):
            screen = app.screen
            if not isinstance(screen, RolePlayScreen):
                break
            node = screen.live.play.node
            assert node is not None
            if node.input == "choice":
                await _pick(app, pilot, 1)
            else:  # pasted, as a script would be
                screen.query_one("#reply", Input).value = UNIVERSAL_REPLY[lang]
                await pilot.press("enter")
                await pilot.pause()
        assert isinstance(app.screen, RolePlayResultScreen)
        text = screen_text(app)
        assert ("not passed" if lang == "en" else "未通过") in text
