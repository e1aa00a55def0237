"""Assessment and certificates in the app: the demo's certified learner saves their PDF, a
learner who has just passed claims theirs, and a trainer revokes one from the registry."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from textual.widgets import DataTable, Input, Static

from tests.functional.helpers import PASSWORD, SIZE, organisation_with_learner, screen_text, sign_in
from tests.unit.test_certificates import pass_frontline
from trainer.locations import DEMO_PASSWORD
from trainer.services.context import TrainerContext
from trainer.services.demo import build_demo
from trainer.ui.app import make_app
from trainer.ui.dialogs import TextDialog
from trainer.ui.screens import AssessmentScreen, CertificatesScreen

pytestmark = pytest.mark.both_stores  # what a person sees is the same on both stores


async def test_the_demo_learner_saves_their_certificate_from_the_app(
    context: TrainerContext, tmp_path: Path
) -> None:
    build_demo(context.store, context.library)
    code = context.certificates.registry(context.accounts.person("chen-jing"))[0].id
    target = tmp_path / "mine.pdf"
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "zhao-lei", DEMO_PASSWORD)
        await pilot.press("enter")  # frontline
        await pilot.pause()
        assert "Assessment: passed, Excellent (100) — press a" in screen_text(app)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AssessmentScreen)
        text = screen_text(app)
        assert "Weighted total: 100" in text and "Grade: Excellent" in text
        assert f"Certificate {code}, issued" in text
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        app.screen.query_one("#text-value", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AssessmentScreen)
    assert context.certificates.verify(code, target.read_bytes()).ok


async def test_a_learner_who_passed_claims_the_certificate(context: TrainerContext) -> None:
    organisation_with_learner(context)
    learner = context.accounts.person("li-na")
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "li-na", PASSWORD)
        await pilot.press("enter", "a")
        await pilot.pause()
        text = screen_text(app)
        assert "Still to do:" in text
        assert "The theory exam has not been taken yet." in text
        await pilot.press("c")  # not offered before passing
        await pilot.pause()
        assert context.certificates.all() == []

        pass_frontline(context, learner)
        await pilot.press("escape", "a")
        await pilot.pause()
        assert "✓ Passed: every requirement is met." in screen_text(app)
        await pilot.press("c")
        await pilot.pause()
        certificates = context.certificates.all()
        assert len(certificates) == 1 and certificates[0].person == "li-na"
        assert f"Certificate {certificates[0].id}" in screen_text(app)


async def test_a_trainer_revokes_a_certificate_in_the_registry(
    context: TrainerContext, tmp_path: Path
) -> None:
    organisation_with_learner(context)
    pass_frontline(context, context.accounts.person("li-na"))
    issued = context.certificates.issue(None, "li-na", "frontline")
    code = issued.certificate.id
    saved = tmp_path / "revoked.pdf"
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "陈静", PASSWORD)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CertificatesScreen)
        table = app.screen.query_one("#registry", DataTable)
        assert table.row_count == 1
        assert [str(cell) for cell in table.get_row(code)][1:] == [
            "李娜",
            "Frontline agent",
            "Excellent",
            "100",
            table.get_row(code)[5],
            "current",
        ]
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        await pilot.press("enter")  # no reason: refused with a sentence
        await pilot.pause()
        assert "Give a reason" in str(app.screen.query_one("#text-error").render())
        app.screen.query_one("#text-value", Input).value = "issued in error"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CertificatesScreen)
        table = app.screen.query_one("#registry", DataTable)
        assert str(table.get_row(code)[6]) == "revoked"
        await pilot.press("ctrl+s")  # saving it now gives the stamped PDF, not the clean one
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        app.screen.query_one("#text-value", Input).value = str(saved)
        await pilot.press("enter")
        await pilot.pause()
    assert saved.read_bytes() != issued.pdf
    text = PdfReader(saved).pages[0].extract_text()
    assert "已撤销" in text and "REVOKED" in text and "issued in error" in text
    assert context.certificates.verify(code).status == "revoked"
    assert context.certificates.get(code).revoked_reason == "issued in error"  # type: ignore[union-attr]


async def test_a_trainer_reads_item_analysis(context: TrainerContext) -> None:
    from trainer.ui.dialogs.message import MessageDialog
    from trainer.ui.screens import StatsScreen

    build_demo(context.store, context.library)
    expected = context.item_analysis.questions(context.accounts.person("chen-jing"))
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "chen-jing", DEMO_PASSWORD)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        await app.workers.wait_for_complete()  # the figures are computed off the screen's thread
        await pilot.pause()
        assert "Facility and discrimination are percentages." in screen_text(app)
        table = app.screen.query_one("#question-stats", DataTable)
        assert table.row_count == len(expected)
        # the demo's three sittings: too few answers to flag anything, and it says so
        rows = [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]
        assert all(row[4] == f"too few answers ({row[1]})" for row in rows)
        facility = {item.key: item.facility for item in expected}
        assert all(row[2] == f"{facility[row[0]]:g}" for row in rows)  # percent, not 0-1
        exams = app.screen.query_one("#exam-stats", DataTable)
        assert [str(c) for c in exams.get_row_at(0)][:2] == ["Frontline agent", "3"]
        assert str(exams.get_row_at(0)[5]) == "too few attempts (3)"

        choice = [
            (row[0], question)
            for row in rows
            for bank in [context.library.bank(row[0].split(":")[0])]
            for question in (bank.questions if bank else [])
            if question.id == row[0].split(":")[1] and question.type == "single"
        ]
        key, question = choice[0]
        table.focus()
        table.move_cursor(row=table.get_row_index(key))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        shown = str(app.screen.query_one("#message-text", Static).render())
        assert question.stem.get("en") in shown
        right = next(option for option in question.options if option.correct)  # type: ignore[union-attr]
        assert f"× {right.text.get('en')} ✓ right" in shown
        assert "Answered " in shown
