"""The mentor program: assignments, days left and overdue, competencies and the weakest step,
who needs attention, notes, access, and the report PDF and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from tests.unit.test_certificates import fonts_of
from trainer.services.access import AccessDenied
from trainer.services.context import TrainerContext
from trainer.services.mentoring import Competency, MentoringError, competencies, days_left
from trainer.services.reports import dashboard_csv, mentor_report_pdf
from trainer.storage.records import Mentorship, now

pytestmark = pytest.mark.both_stores  # the services must behave the same on both

PASSWORD = "correct horse"
WEAK_CALL = ["你好，这个我不清楚。", 1, "我帮您查一下，稍后给您回电。", "好的，再见。"]


@pytest.fixture
def org(context: TrainerContext) -> Any:
    accounts = context.accounts
    accounts.set_up("星河电商", "陈静", PASSWORD, person_id="chen")
    boss = accounts.person("chen")
    mentor = accounts.add_person(boss, "刘洋", ["mentor"], PASSWORD, [], "liu")
    other_mentor = accounts.add_person(boss, "张敏", ["mentor"], PASSWORD, [], "zhang")
    wang = accounts.add_person(boss, "王小明", ["learner"], PASSWORD, ["new_hire"], "wang")
    li = accounts.add_person(boss, "李娜", ["learner"], PASSWORD, ["frontline"], "li")
    return context, boss, mentor, other_mentor, wang, li


def play(context: TrainerContext, learner: Any, turns: list[Any], mode: str = "exam") -> None:
    live = context.roleplays.start(learner, "refund_delay", mode, "zh")  # type: ignore[arg-type]
    for turn in turns:
        if isinstance(turn, int):
            live.pick(turn)
        else:
            live.say(turn)


def test_days_left_and_overdue(org: Any) -> None:
    context, boss, mentor, _, _, _ = org
    start = now() - dt.timedelta(days=10)
    mentorship = context.mentoring.assign(boss, "liu", "wang", start=start)
    assert mentorship.days == 30  # the new-hire track's mentorship length
    row = context.mentoring.dashboard(mentor)[0]
    # ten days without a lesson, exam or role-play: inactive as well
    assert (row.name, row.days_left, row.attention) == ("王小明", 20, ["inactive"])
    late = context.mentoring.dashboard(mentor, at=start + dt.timedelta(days=31))[0]
    assert late.days_left == -1 and "overdue" in late.attention
    assert context.mentoring.dashboard(mentor, at=start + dt.timedelta(days=30))[0].days_left == 0


def test_a_new_mentorship_shows_its_full_length_to_mentor_and_learner(org: Any) -> None:
    """Assigned just now for 30 days: 30 on the mentor's dashboard, the mentee detail, the
    CSV and the learner's assessment alike (it said 29 to the mentor, 30 to the learner)."""
    context, boss, mentor, _, wang, _ = org
    context.mentoring.assign(boss, "liu", "wang")
    assert context.mentoring.dashboard(mentor)[0].days_left == 30
    assert context.mentoring.row(mentor, "wang").days_left == 30
    table = csv.DictReader(
        io.StringIO(dashboard_csv(context.mentoring.dashboard(mentor)).decode("utf-8-sig"))
    )
    assert [line["days_left"] for line in table] == ["30"]
    missing = context.assessments.assess(wang, "wang", "new_hire").missing
    assert "The mentorship has 30 more day(s) to run." in [n.render("en") for n in missing]


def test_days_left_counts_calendar_dates_in_the_local_zone() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    late_start = dt.datetime(2026, 11, 1, 23, 30, tzinfo=shanghai)  # 15:30 UTC
    mentorship = Mentorship(id="m", mentor="liu", mentee="wang", start=late_start, days=30)

    def left(day: int, hour: int, month: int = 11) -> int:
        return days_left(mentorship, dt.datetime(2026, month, day, hour, tzinfo=shanghai), shanghai)

    assert left(1, 23) == 30  # started today: the full 30
    assert left(2, 9) == left(2, 17) == 29  # morning and evening of one day agree
    assert left(1, 9, month=12) == 0  # the last day: over
    assert left(2, 0, month=12) == -1
    # the same moments read in UTC fall on other dates, so the zone matters
    assert days_left(mentorship, dt.datetime(2026, 11, 2, 1, tzinfo=shanghai), dt.UTC) == 30


def test_failing_and_inactive_mentees_need_attention(org: Any) -> None:
    context, boss, mentor, _, _, li = org
    context.mentoring.assign(boss, "liu", "li", start=now() - dt.timedelta(days=3))
    assert context.mentoring.dashboard(mentor)[0].attention == []
    play(context, li, WEAK_CALL)
    row = context.mentoring.dashboard(mentor)[0]
    assert row.attention == ["failing"] and row.best_practical == 42.5
    idle = context.mentoring.dashboard(mentor, at=now() + dt.timedelta(days=8))[0]
    assert idle.attention == ["failing", "inactive"]


def test_competencies_average_trend_and_weakest_step(org: Any) -> None:
    context, boss, mentor, _, _, li = org
    context.mentoring.assign(boss, "liu", "li")
    play(context, li, WEAK_CALL)
    scenario = context.library.scenario("refund_delay")
    assert scenario is not None
    good = [t.say if t.say is not None else t.pick for t in scenario.tests[0].turns]
    play(context, li, good)
    row = context.mentoring.dashboard(mentor)[0]
    by_step = {c.step: c for c in row.competencies}
    assert by_step["apologize"].scores == [0, 100]
    assert by_step["apologize"].average == 50 and by_step["apologize"].trend == 100
    assert by_step["follow_up"].scores == [50, 100]
    assert row.weakest_step == "apologize"
    assert competencies([]) == [Competency(step, []) for step in by_step]


def test_a_mentor_sees_only_their_own_mentees(org: Any) -> None:
    context, boss, mentor, other_mentor, _, li = org
    context.mentoring.assign(boss, "liu", "li")
    play(context, li, WEAK_CALL, mode="practice")
    assert [row.person_id for row in context.mentoring.dashboard(other_mentor)] == []
    for refused in (
        lambda: context.mentoring.row(other_mentor, "li"),
        lambda: context.mentoring.notes(other_mentor, "li"),
        lambda: context.mentoring.add_note(other_mentor, "li", "hi"),
        lambda: context.mentoring.sign_off(other_mentor, "li", "frontline"),
        lambda: context.roleplays.runs(other_mentor, "li"),
        lambda: context.exams.attempts(other_mentor, "li"),
        lambda: context.mentoring.dashboard(mentor, mentor_id="zhang"),
    ):
        with pytest.raises(AccessDenied):
            refused()
    assert len(context.roleplays.runs(mentor, "li")) == 1  # their own mentee's records
    assert context.mentoring.row(boss, "li").name == "李娜"  # a trainer sees everyone


def test_notes_are_timestamped_and_edited_by_their_author_only(org: Any) -> None:
    context, boss, mentor, other_mentor, _, _ = org
    context.mentoring.assign(boss, "liu", "li")
    context.mentoring.assign(boss, "zhang", "li")
    note = context.mentoring.add_note(mentor, "li", "  多练习道歉的时机  ")
    assert note.text == "多练习道歉的时机" and note.created_at <= now()
    with pytest.raises(AccessDenied):
        context.mentoring.edit_note(other_mentor, note.id, "改写")
    edited = context.mentoring.edit_note(mentor, note.id, "先道歉再解决")
    assert edited.text == "先道歉再解决" and edited.edited_at is not None
    with pytest.raises(MentoringError):
        context.mentoring.add_note(mentor, "li", "   ")
    timeline = context.mentoring.timeline(mentor, "li")
    assert [(event.kind, event.detail) for event in timeline] == [("note", "先道歉再解决")]


def test_assigning_needs_a_trainer_and_a_mentor(org: Any) -> None:
    context, boss, mentor, _, _, _ = org
    with pytest.raises(AccessDenied):
        context.mentoring.assign(mentor, "liu", "li")
    with pytest.raises(MentoringError) as error:
        context.mentoring.assign(boss, "wang", "li")
    assert error.value.key == "not_a_mentor"


def test_report_pdf_and_csv_hold_every_mentee_and_figure(org: Any, tmp_path: Path) -> None:
    context, boss, mentor, _, _, li = org
    context.mentoring.assign(boss, "liu", "wang", start=now() - dt.timedelta(days=40))
    context.mentoring.assign(boss, "liu", "li", start=now() - dt.timedelta(days=5))
    play(context, li, WEAK_CALL)
    context.mentoring.add_note(mentor, "li", "跟进承诺要给出具体时间")
    rows = context.mentoring.dashboard(mentor)
    notes = {row.person_id: context.mentoring.notes(mentor, row.person_id) for row in rows}
    pdf = mentor_report_pdf(rows, notes, "zh", "刘洋", "星河电商")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "导师带教进度报告：刘洋",
        "王小明",
        "李娜",
        "42.5",
        "已超期 10 天",
        "跟进承诺要给出具体时间",
        "道歉",
        "0%",
    ):
        assert expected in text, expected
    assert len(reader.pages) == 2
    assert all(embedded for _, embedded in fonts_of(reader))

    data = dashboard_csv(rows)
    assert data.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    by_id = {line["mentee"]: line for line in table}
    assert by_id["li"]["name"] == "李娜" and by_id["li"]["best_practical"] == "42.5"
    assert by_id["li"]["apologize_average"] == "0" and by_id["li"]["attention"] == "failing"
    assert by_id["wang"]["days_left"] == "-10" and "overdue" in by_id["wang"]["attention"]


def test_a_trainer_sees_every_mentorship(org: Any) -> None:
    context, boss, mentor, other_mentor, _, _ = org
    context.mentoring.assign(boss, "liu", "li")
    context.mentoring.assign(boss, "zhang", "wang")
    assert sorted(row.person_id for row in context.mentoring.dashboard(boss, "*")) == [
        "li",
        "wang",
    ]
    with pytest.raises(AccessDenied):
        context.mentoring.dashboard(mentor, "*")
    # a new mentor takes over: the mentee leaves the old mentor's dashboard
    context.mentoring.assign(boss, "zhang", "li")
    assert context.mentoring.dashboard(mentor) == []
    assert len(context.mentoring.dashboard(other_mentor)) == 2
    assert {row.mentor for row in context.mentoring.dashboard(boss, "*")} == {"zhang"}


def test_a_change_of_mentor_does_not_restart_the_days(org: Any) -> None:
    context, boss, _, other_mentor, wang, _ = org
    context.mentoring.assign(boss, "liu", "wang", start=now() - dt.timedelta(days=10))
    context.mentoring.assign(boss, "zhang", "wang")  # handed over today
    [row] = context.mentoring.dashboard(other_mentor)
    assert (row.mentor, row.days_left) == ("zhang", 20)
    missing = context.assessments.assess(wang, "wang", "new_hire").missing
    assert "The mentorship has 20 more day(s) to run." in [n.render("en") for n in missing]


def test_sign_off_gaps_name_lessons_exam_and_role_play(org: Any) -> None:
    context, boss, mentor, _, _, li = org
    context.mentoring.assign(boss, "liu", "li")
    track = context.library.track("frontline")
    context.progress.mark_lesson_done(li, track, track.lessons[0].id)
    context.progress.mark_lesson_done(li, track, track.lessons[1].id)
    gaps = [n.render("en") for n in context.assessments.sign_off_gaps(mentor, "li", "frontline")]
    assert gaps[0] == f"2 of {len(track.lessons)} lessons are done."
    assert "The theory exam has not been taken yet." in gaps
    assert any(gap.startswith("An exam-mode role-play is still to do") for gap in gaps)


def test_a_sign_off_is_withdrawn_with_a_reason_and_the_gate_reads_the_latest(org: Any) -> None:
    context, boss, mentor, other_mentor, _, _ = org
    context.mentoring.assign(boss, "liu", "wang")

    def signed() -> bool:
        gate = context.assessments.assess(boss, "wang", "new_hire").gate
        return next(c.met for c in gate if c.key == "sign_off")

    context.mentoring.sign_off(mentor, "wang", "new_hire")
    assert signed() and context.mentoring.row(mentor, "wang").signed_off
    with pytest.raises(MentoringError) as error:
        context.mentoring.withdraw_sign_off(boss, "wang", "new_hire", "  ")
    assert error.value.key == "withdraw_reason_needed"
    with pytest.raises(AccessDenied):  # not this mentor's mentee
        context.mentoring.withdraw_sign_off(other_mentor, "wang", "new_hire", "太早了")
    context.mentoring.withdraw_sign_off(boss, "wang", "new_hire", "考试还没考")  # a trainer may
    assert not signed() and not context.mentoring.row(mentor, "wang").signed_off
    with pytest.raises(MentoringError) as error:
        context.mentoring.withdraw_sign_off(mentor, "wang", "new_hire", "again")
    assert error.value.key == "nothing_to_withdraw"
    kinds = [(e.kind, e.by, e.detail) for e in context.mentoring.timeline(mentor, "wang")]
    assert kinds == [("sign_off_withdrawn", "chen", "考试还没考"), ("sign_off", "liu", "")]

    context.mentoring.sign_off(mentor, "wang", "new_hire")  # signed again: the latest stands
    assert signed()


def test_notes_of_several_mentees_at_once(org: Any) -> None:
    context, boss, mentor, _, _, _ = org
    context.mentoring.assign(boss, "liu", "wang")
    first = context.mentoring.add_note(mentor, "wang", "第一次练习很紧张")
    second = context.mentoring.add_note(mentor, "wang", "道歉更自然了")
    assert context.mentoring.notes_of(mentor, ["wang"]) == {"wang": [first, second]}
    assert context.mentoring.notes_of(boss, ["wang", "li"]) == {"wang": [first, second], "li": []}
    with pytest.raises(AccessDenied):
        context.mentoring.notes_of(mentor, ["wang", "li"])  # li is not liu's mentee
