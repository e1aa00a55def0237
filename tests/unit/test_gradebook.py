"""The gradebook's rows, the cohort dashboard's figures and their exports, against a hand-built
organisation whose every figure is known; and that each file is read once per build."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import store_options
from trainer.cli import main
from trainer.services.access import AccessDenied
from trainer.services.cohort import FUNNEL
from trainer.services.context import TrainerContext
from trainer.services.gradebook import GradebookError
from trainer.services.gradebook_reports import gradebook_csv, gradebook_pdf, gradebook_xlsx
from trainer.storage.records import (
    Certificate,
    ExamAttempt,
    LessonDone,
    Person,
    RolePlayRun,
)

pytestmark = pytest.mark.both_stores  # the services must behave the same on both

PASSWORD = "correct horse"
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def _sitting(attempt_id: str, score: float, marks: dict[str, float], practice: bool = False) -> Any:
    moment = NOW - dt.timedelta(days=3)
    return ExamAttempt(
        id=attempt_id,
        track="frontline",
        seed=1,
        question_ids=list(marks),
        marks=marks,
        started_at=moment,
        submitted_at=moment,
        score=score,
        practice=practice,
    )


def _run(run_id: str, total: float, apologise: float, days_ago: int) -> RolePlayRun:
    """An exam run of wrong_address (frontline's practical) scoring `apologise` of 25 on
    the apology and full marks on the other steps."""
    moment = NOW - dt.timedelta(days=days_ago)
    steps = {
        "apologize": {"score": apologise, "max": 25},
        "listen": {"score": 25, "max": 25},
        "resolve": {"score": 25, "max": 25},
        "follow_up": {"score": 25, "max": 25},
    }
    return RolePlayRun(
        id=run_id,
        scenario="wrong_address",
        mode="exam",
        lang="zh",
        scenario_version="v",
        started_at=moment,
        finished_at=moment,
        total=total,
        passed=total >= 60,
        scorecard={"steps": steps},
    )


@pytest.fixture
def org(context: TrainerContext) -> TrainerContext:
    return build_organisation(context)


def build_organisation(context: TrainerContext) -> TrainerContext:
    """Cohort C1: ann (every lesson, theory 90, practical 80: certified), bob (2 lessons,
    theory 40), cat (new hire, nothing done, mentored by liu). Cohort C2: eve (every lesson,
    theory 70, practical 60: passed, no certificate) and dan (deactivated)."""
    accounts = context.accounts
    accounts.set_up("星河电商", "陈静", PASSWORD, person_id="chen")
    boss = accounts.person("chen")
    accounts.add_person(boss, "刘洋", ["mentor"], PASSWORD, [], "liu")
    places = {
        "ann": ("Ann 安", "frontline", "A", "C1"),
        "bob": ("Bob 包", "frontline", "A", "C1"),
        "cat": ("Cat 猫", "new_hire", "B", "C1"),
        "dan": ("Dan 丹", "frontline", "B", "C2"),
        "eve": ("Eve 伊", "frontline", "B", "C2"),
    }
    for person_id, (name, track, team, cohort) in places.items():
        accounts.add_person(boss, name, ["learner"], PASSWORD, [track], person_id)

        def placed(person: Person, team: str = team, cohort: str = cohort) -> Person:
            return person.model_copy(update={"team": team, "cohort": cohort})

        context.store.roster.update(Person, person_id, placed)
    context.store.roster.update(
        Person, "dan", lambda person: person.model_copy(update={"deactivated_at": NOW})
    )
    frontline = context.library.track("frontline")
    assert frontline is not None
    for person_id, count in (("ann", None), ("bob", 2), ("eve", None)):
        records = context.store.person_file(person_id)
        for lesson in frontline.lessons[:count]:
            records.put(
                LessonDone(
                    id=f"frontline/{lesson.id}",
                    track="frontline",
                    lesson=lesson.id,
                    done_at=NOW - dt.timedelta(days=10),
                )
            )
    ann = context.store.person_file("ann")
    ann.put(_sitting("a1", 90, {"frontline_core:fc-011": 1, "frontline_core:fc-013": 0}))
    ann.put(
        _sitting("a2", 100, {"frontline_core:fc-011": 1, "frontline_core:fc-013": 1}, practice=True)
    )  # never counts
    ann.put(_run("r1", 70, 10, days_ago=9))  # apology 40%, a week before the next
    ann.put(_run("r2", 80, 20, days_ago=2))  # apology 80%
    context.store.person_file("bob").put(
        _sitting(
            "b1",
            40,
            {"frontline_core:fc-011": 0, "frontline_core:fc-013": 0, "frontline_core:fc-021": 0.5},
        )
    )
    eve = context.store.person_file("eve")
    eve.put(_sitting("e1", 70, {"frontline_core:fc-011": 1}))
    eve.put(_run("e2", 60, 25, days_ago=2))
    context.store.roster.insert(
        Certificate(
            id="CERTANN001",
            person="ann",
            person_name="Ann 安",
            organisation="星河电商",
            track="frontline",
            track_title={"zh": "一线客服", "en": "Frontline agent"},
            final=84,
            grade="good",
            theory=90,
            practical=80,
            issued_at=NOW - dt.timedelta(days=1),
        )
    )
    context.mentoring.assign(boss, "liu", "cat", start=NOW - dt.timedelta(days=5), at=NOW)
    return context


def boss(context: TrainerContext) -> Person:
    return context.accounts.person("chen")


def test_one_row_per_active_learner_with_its_figures(org: TrainerContext) -> None:
    rows = {row.person_id: row for row in org.gradebook.rows(boss(org), at=NOW)}
    assert sorted(rows) == ["ann", "bob", "cat", "eve"]  # dan is deactivated; chen, liu no track
    lessons = len(org.library.track("frontline").lessons)  # type: ignore[union-attr]
    ann, bob, cat, eve = rows["ann"], rows["bob"], rows["cat"], rows["eve"]
    assert (ann.lessons_done, ann.lessons_total) == (lessons, lessons)
    assert (ann.best_theory, ann.practical, ann.final, ann.grade) == (90, 80, 84, "good")
    assert (ann.status, ann.certificate, ann.cleared) == ("certified", "CERTANN001", None)
    assert (bob.lessons_done, bob.best_theory, bob.practical, bob.final) == (2, 40, None, None)
    assert (bob.status, bob.theory_passed) == ("in_progress", False)
    assert (cat.track, cat.status, cat.mentor, cat.mentor_name) == (
        "new_hire",
        "not_started",
        "liu",
        "刘洋",
    )
    assert (cat.cleared, cat.gate_met, cat.gate_total) == (False, 0, 4)
    assert (eve.final, eve.grade, eve.status, eve.certificate) == (64, "pass", "passed", None)
    assert ann.last_activity == NOW - dt.timedelta(days=3)  # the sitting (runs: by their turns)


def test_filters(org: TrainerContext) -> None:
    actor = boss(org)

    def ids(**filters: Any) -> list[str]:
        return [row.person_id for row in org.gradebook.rows(actor, at=NOW, **filters)]

    assert ids(team="A") == ["ann", "bob"]
    assert ids(cohort="C2") == ["eve"]
    assert ids(cohort="C2", include_deactivated=True) == ["dan", "eve"]
    assert ids(track="new_hire") == ["cat"]
    assert ids(status="passed") == ["eve"]
    assert ids(team="A", status="certified") == ["ann"]
    with pytest.raises(GradebookError) as unknown:
        ids(track="nope")
    assert unknown.value.key == "unknown_track"
    with pytest.raises(AccessDenied):
        org.gradebook.rows(org.accounts.person("ann"))


@pytest.mark.folder_only  # counts the reads of the files
def test_each_file_is_read_once_per_build(
    org: TrainerContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = boss(org)
    org.gradebook  # noqa: B018 - the content is loaded before counting
    reads: Counter[str] = Counter()
    real = Path.read_bytes

    def counted(path: Path) -> Any:
        reads[path.name] += 1  # cat has done nothing: her file is looked for, not there
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    org.gradebook.rows(actor, at=NOW)
    assert reads == Counter(
        {"roster.json": 1, **dict.fromkeys(("ann.json", "bob.json", "cat.json", "eve.json"), 1)}
    )
    reads.clear()
    org.mentoring.dashboard(actor, "*", at=NOW)
    assert reads == Counter({"roster.json": 1, "cat.json": 1})


def test_cohort_funnel_rates_steps_and_missed_questions(org: TrainerContext) -> None:
    dashboard = org.cohorts.dashboard(boss(org), "C1", at=NOW)
    assert [row.person_id for row in dashboard.rows] == ["ann", "bob", "cat"]
    assert dashboard.funnel == list(zip(FUNNEL, [3, 1, 1, 1, 1], strict=True))
    rates = {rate.key: (rate.passed, rate.of, rate.percent) for rate in dashboard.pass_rates}
    assert rates == {"theory": (1, 2, 50), "practical": (1, 1, 100), "assessment": (1, 1, 100)}
    steps = {step.step: step for step in dashboard.steps}
    assert steps["apologize"].average == 60 and steps["listen"].average == 100
    assert [average for _, average in steps["apologize"].weeks] == [40, 80]
    assert steps["apologize"].trend == 40
    assert dashboard.weakest_step == "apologize"
    missed = [(q.key, q.missed, q.answered) for q in dashboard.missed]
    assert missed == [
        ("frontline_core:fc-013", 2, 2),
        ("frontline_core:fc-021", 1, 1),
        ("frontline_core:fc-011", 1, 2),
    ]  # practice not counted
    with pytest.raises(GradebookError) as unknown:
        org.cohorts.dashboard(boss(org), "C9")
    assert "C1, C2" in str(unknown.value.values["cohorts"])


def test_xlsx_holds_numbers_under_a_frozen_header(org: TrainerContext) -> None:
    rows = org.gradebook.rows(boss(org), at=NOW)
    sheet = load_workbook(io.BytesIO(gradebook_xlsx(rows, org.library, "zh"))).active
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["工号", "姓名"] and "加权总分" in header
    ann = [cell.value for cell in sheet[2]]
    final = header.index("加权总分")
    assert ann[0] == "ann" and ann[final] == 84 and isinstance(ann[final], int | float)
    assert ann[header.index("理论最好成绩")] == 90
    assert sheet[3][final].value is None  # bob has no weighted total: an empty cell
    # a column is as wide as its widest text, Chinese characters counting two
    assert sheet.column_dimensions["B"].width >= len("Ann 安") + 1


def test_csv_and_pdf(org: TrainerContext) -> None:
    rows = org.gradebook.rows(boss(org), at=NOW)
    text = gradebook_csv(rows).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    assert [(r["id"], r["final"], r["status"]) for r in table] == [
        ("ann", "84", "certified"),
        ("bob", "", "in_progress"),
        ("cat", "", "not_started"),
        ("eve", "64", "passed"),
    ]
    pdf = gradebook_pdf(rows, org.library, "en", "星河电商", "all", day=dt.date(2026, 11, 23))
    page = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Gradebook · 星河电商" in page and "Ann 安" in page and "CERTANN001" in page
    assert "2026-11-23 · page 1" in page


def test_report_commands(org: TrainerContext, tmp_path: Path, capsys: Any) -> None:
    store = store_options(org)
    output = tmp_path / "g.xlsx"
    assert (
        main([*store, "--lang", "en", "report", "learners", "--team", "B", "-o", str(output)]) == 0
    )
    sheet = load_workbook(output).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["cat", "eve"]
    assert main([*store, "--lang", "en", "report", "learners", "-o", str(tmp_path / "g.txt")]) == 2
    assert "Save as .xlsx, .csv or .pdf" in capsys.readouterr().err
    assert not (tmp_path / "g.txt").exists()
    assert (
        main(
            [
                *store,
                "--lang",
                "en",
                "report",
                "learners",
                "--cohort",
                "none",
                "-o",
                str(tmp_path / "n.csv"),
            ]
        )
        == 1
    )
    assert "No learner matches." in capsys.readouterr().err
    assert not (tmp_path / "n.csv").exists()

    cohort = tmp_path / "c1.pdf"
    assert main([*store, "--lang", "en", "report", "cohort", "C1", "-o", str(cohort)]) == 0
    text = "\n".join(page.extract_text() for page in PdfReader(cohort).pages)
    for words in (
        "Cohort dashboard: C1",
        "Completion funnel",
        "Certified",
        "1 of 2 (50%)",
        "Weakest step: Apologise",
        "page 1",
    ):
        assert words in text
    assert (
        main(
            [
                *store,
                "--lang",
                "en",
                "report",
                "cohort",
                "C9",
                "-o",
                str(tmp_path / "c9.pdf"),
            ]
        )
        == 1
    )
    assert "No learner is in the cohort C9" in capsys.readouterr().err


def test_the_demo_gradebook_has_a_row_of_numbers_per_learner(
    context: TrainerContext, tmp_path: Path
) -> None:
    """`trainer report learners -o g.xlsx` on the demo: every learner once, scores as numbers."""
    from trainer.services.demo import DEMO_PEOPLE, build_demo

    build_demo(context.store, context.library)
    output = tmp_path / "g.xlsx"
    assert main([*store_options(context), "report", "learners", "-o", str(output)]) == 0
    sheet = load_workbook(output).active
    header = [cell.value for cell in sheet[1]]
    rows = {
        row[0]: dict(zip(header, row, strict=True))
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    learners = {p.id for p in DEMO_PEOPLE if "learner" in p.roles and p.tracks}
    assert set(rows) == learners and sheet.max_row == len(learners) + 1
    zhao = rows["zhao-lei"]
    assert (zhao["理论最好成绩"], zhao["实操"], zhao["加权总分"]) == (100, 100, 100)
    assert zhao["已完成课程"] == zhao["课程总数"] > 0 and zhao["状态"] == "已获证"
    assert isinstance(rows["sun-yue"]["理论最好成绩"], float)  # 38.1, a number
