"""The call library in the app: a supervisor scores a call on the call-quality form, sees
their score beside the reference with its reasons, the review is stored, and the practical
score counts it; a frontline learner spots what went wrong in a call."""

from __future__ import annotations

from textual.widgets import OptionList, Select, SelectionList

from tests.functional.helpers import PASSWORD, SIZE, screen_text, sign_in
from trainer.services.context import TrainerContext
from trainer.storage.records import CalibrationReview, QualityReviewAttempt, RolePlayRun, now
from trainer.ui.app import make_app
from trainer.ui.screens import (
    AssessmentScreen,
    CallLibraryScreen,
    CallReviewResultScreen,
    CallReviewScreen,
    CallSpotScreen,
    TrackScreen,
)

BREACH = "wrong_address_breach"


def supervisor_with_five_of_six_items(context: TrainerContext) -> None:
    """周强 on the supervisor track: both role-plays played in exam mode (80 and 70), both
    quality reviews handed in (100 and 80) and one of the two calibration calls reviewed (95),
    so the practical waits for the other call."""
    context.accounts.set_up("星河电商", "陈静", PASSWORD, person_id="chen")
    boss = context.accounts.person("chen")
    zhou = context.accounts.add_person(boss, "周强", ["learner"], PASSWORD, ["supervisor"], "zhou")
    for scenario, total in (("major_complaint", 80), ("coaching_session", 70)):
        context.store.person_file("zhou").insert(
            RolePlayRun(
                id=f"rp-{scenario}",
                scenario=scenario,
                mode="exam",
                lang="en",
                scenario_version="v",
                finished_at=now(),
                total=total,
                passed=True,
            )
        )
    for case, total in (("appliance_repairs_q3", 100), ("online_returns_q2", 80)):
        context.store.person_file("zhou").insert(
            QualityReviewAttempt(
                id=f"qr-{case}",
                case=case,
                lang="en",
                answers={},
                total=total,
                passed=True,
                parts={},
            )
        )
    points = context.library.call("system_down_dont_know").reference_points()  # type: ignore[union-attr]
    points["closing"] = 5  # five points off the reference on one item
    review = context.calls.submit(zhou, "system_down_dont_know", points, "en")
    assert review.agreement == 95 and review.within_tolerance


async def test_a_supervisor_calibrates_a_call_and_it_counts(context: TrainerContext) -> None:
    supervisor_with_five_of_six_items(context)
    zhou = context.accounts.person("zhou")
    track = context.library.track("supervisor")
    assert track is not None
    assert context.assessments.practical_score(zhou, "zhou", track) is None

    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "zhou", PASSWORD)
        assert "practical: 5 of 6 items done" in screen_text(app)  # the home screen
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TrackScreen)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, CallLibraryScreen)
        listing = app.screen.query_one("#calls", OptionList)
        ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        assert ids[:2] == ["system_down_dont_know", BREACH]  # the assessed calls first
        listing.highlighted = 1
        await pilot.pause()
        assert "Mr. Chen's parcel went to his old address" in screen_text(app)
        await pilot.press("w")  # its marked moments stay hidden until it is reviewed
        await pilot.pause()
        assert isinstance(app.screen, CallLibraryScreen)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, CallReviewScreen)
        assert "It went to 128 Xixi Road" in screen_text(app)  # the transcript is on screen

        # every level as the reference has it, except listening one level kinder (15, not 10)
        picks = {
            "greeting": 0,
            "apologize": 0,
            "listen": 0,
            "resolve": 0,
            "follow_up": 0,
            "language": 0,
            "closing": 0,
        }
        for item, level in picks.items():
            app.screen.query_one(f"#item-{item}", Select).value = str(level)
        await pilot.pause()
        await pilot.press("ctrl+s")  # the red-line item is still unscored: refused
        await pilot.pause()
        assert isinstance(app.screen, CallReviewScreen)
        assert not context.calls.reviews(zhou, "zhou", BREACH)
        app.screen.query_one("#item-red_lines", Select).value = "1"  # crossed
        await pilot.pause()
        assert "Your total so far: 0 · 8 of 8 items scored" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()

        assert isinstance(app.screen, CallReviewResultScreen)
        text = screen_text(app)
        assert "Total: 0   reference 0   deviation +0" in text
        assert "✓ Within tolerance (±5 points in total, ±1 level per item)." in text
        assert "Calibration score: 95" in text
        assert "This is your first review of the call: its calibration score counts." in text
        assert "Reads out the full address and phone number" in text  # a reference reason
        assert "✗ turn 5: the breach: the full address and phone number read out" in text
        listen_row = next(line for line in text.splitlines() if "Listening and confirming" in line)
        assert listen_row.split()[-7:] == ["15", "10", "+5", "✓", "1", "level(s)", "off"]

        await pilot.press("f2")
        await pilot.pause()
        assert "✓ 在容差内（总分 ±5 分，每项 ±1 档）。" in screen_text(app)

        await pilot.press("escape", "escape", "a")  # back to the track, then its assessment
        await pilot.pause()
        assert isinstance(app.screen, AssessmentScreen)
        text = screen_text(app)
        assert "实操（各计分项的平均）：86.7   权重 60%" in text  # (80+70+95+95+100+80)/6
        assert "  · 通话评分《包裹寄到旧地址——读出了客户地址》：95" in text
        assert "  · 情景演练《主管接手升级的重大投诉》：80" in text

    [record] = context.store.person_file("zhou").all(CalibrationReview)[1:]
    assert (record.call, record.points["listen"], record.agreement) == (BREACH, 15, 95)
    assert record.within_tolerance and record.total == 0
    assert (
        context.assessments.practical_score(zhou, "zhou", track) == 86.7
    )  # (80+70+95+95+100+80)/6


async def test_a_missed_red_line_is_outside_tolerance(context: TrainerContext) -> None:
    """Scoring the breach call as if the address had never been read out: the review's
    total is 95 against the reference's 0, and the calibration scores nothing."""
    supervisor_with_five_of_six_items(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "zhou", PASSWORD)
        await pilot.press("enter", "l")
        await pilot.pause()
        app.screen.query_one("#calls", OptionList).highlighted = 1
        await pilot.press("s")
        await pilot.pause()
        for item in ("greeting", "apologize", "resolve", "follow_up", "language", "closing"):
            app.screen.query_one(f"#item-{item}", Select).value = "0"
        app.screen.query_one("#item-listen", Select).value = "1"
        app.screen.query_one("#item-red_lines", Select).value = "0"  # kept, says the reviewer
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        text = screen_text(app)
        assert "Total: 95   reference 0   deviation +95" in text
        assert "✗ Outside tolerance" in text
        assert "disagree on a red line" in text
        assert "Calibration score: 0" in text
    zhou = context.accounts.person("zhou")
    track = context.library.track("supervisor")
    assert context.assessments.practical_score(zhou, "zhou", track) == 70.8  # (80+70+95+0+100+80)/6


async def test_a_frontline_learner_spots_what_went_wrong(context: TrainerContext) -> None:
    context.accounts.set_up("星河电商", "陈静", PASSWORD, person_id="chen")
    boss = context.accounts.person("chen")
    context.accounts.add_person(boss, "李娜", ["learner"], PASSWORD, ["frontline"], "li-na")
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "li-na", PASSWORD)
        await pilot.press("enter", "l")
        await pilot.pause()
        listing = app.screen.query_one("#calls", OptionList)
        ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        listing.highlighted = ids.index("refund_delay_no_callback")
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, CallSpotScreen)
        turns = app.screen.query_one("#spot-turns", SelectionList)
        turns.select(7)  # the missed callback
        turns.select(1)  # the opening, which was fine
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = screen_text(app)
        assert (
            "You found 1 of 2 faults; 1 turn(s) marked that the reference does not fault." in text
        )
        assert "✓ found, turn 7: the missed callback: she is left to watch her account" in text
        assert "✗ missed, turn 5: the apology comes after the facts, in passing" in text
        assert "· turn 1 is not a fault in the reference" in text
    assert not context.store.person_file("li-na").all(CalibrationReview)  # practice only
