"""A learner's final assessment of a track: theory and practice with their weights, the total,
the grade, what is still missing, the cleared-for-duty gate, and the certificate (claim it
once passed, save its PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from trainer.content.models import Track
from trainer.services.assessment import Result
from trainer.services.certificates import CertificateError
from trainer.storage.files import atomic_write_bytes
from trainer.storage.records import Certificate
from trainer.ui.dialogs.text import TextDialog
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.timefmt import local_time


def default_pdf_path(code: str) -> Path:
    """Where a saved certificate goes unless the person says otherwise."""
    from platformdirs import user_documents_dir

    return Path(user_documents_dir()) / f"certificate-{code}.pdf"


def save_pdf_dialog(screen: TrainerScreen, code: str) -> TextDialog:
    """Ask where to save certificate `code`'s PDF, and save it there."""
    actor = screen.trainer_app.signed_in_person

    def save(value: str) -> str | None:
        if not value:
            return screen.t("assessment.path_needed")
        path = Path(value).expanduser()
        try:
            atomic_write_bytes(path, screen.context.certificates.pdf(actor, code), shared=True)
        except OSError as error:
            return screen.t("assessment.cannot_write", path=path, error=error.strerror or error)
        screen.notify(screen.t("assessment.saved", path=path))
        return None

    return TextDialog(
        screen.trainer_app.tr,
        screen.t("assessment.save_title", code=code),
        screen.t("assessment.save_label"),
        save,
        str(default_pdf_path(code)),
    )


class AssessmentScreen(TrainerScreen):
    CSS_PATH = "records.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("c", "claim", "keys.claim_certificate"),
        Binding("s", "save_pdf", "keys.save_pdf"),
    ]

    def __init__(self, track_id: str) -> None:
        super().__init__()
        self.track_id = track_id

    @property
    def result(self) -> Result:
        person = self.trainer_app.signed_in_person
        return self.context.assessments.assess(person, person.id, self.track_id)

    @property
    def certificate(self) -> Certificate | None:
        return self.context.certificates.current(
            self.trainer_app.signed_in_person.id, self.track_id
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "claim":
            return self.certificate is None and self.result.passed
        if action == "save_pdf":
            return self.certificate is not None
        return True

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="assessment"):
            yield Static("", id="assessment-title", classes="card-title")
            yield Static("", id="assessment-scores")
            yield Static("", id="assessment-missing")
            yield Static("", id="assessment-gate")
            yield Static("", id="assessment-certificate")
        yield Footer(compact=True)

    def _practical_items(self, track: Track, lang: str) -> list[str]:
        """One line per counted practical item, its kind, title and counted score."""
        person = self.trainer_app.signed_in_person
        lines = []
        for item in self.context.assessments.practical_items(person, person.id, track):
            title = item.title.get(lang, item.id)
            shown = f"{item.score:g}" if item.score is not None else self.t("assessment.item_todo")
            line = self.t(f"assessment.item_{item.kind}", title=title, score=shown)
            lines.append(escape(line))
        return lines

    def fill(self) -> None:
        lang = self.trainer_app.tr.lang
        track = self.context.library.track(self.track_id)
        assert track is not None
        result = self.result
        self.query_one("#assessment-title", Static).update(
            self.t("assessment.screen_title", track=track.title.get(lang))
        )

        def score(value: float | None) -> str:
            return f"{value:g}" if value is not None else "-"

        lines = []
        if result.theory_weight:
            lines.append(
                self.t(
                    "assessment.theory_line",
                    score=score(result.theory),
                    weight=f"{result.theory_weight:g}",
                )
            )
        if result.practical_weight:
            lines.append(
                self.t(
                    "assessment.practical_line",
                    score=score(result.practical),
                    weight=f"{result.practical_weight:g}",
                )
            )
            lines += self._practical_items(track, lang)
        lines.append(
            self.t(
                "assessment.final_line",
                score=score(result.final),
                pass_mark=f"{track.assessment.pass_mark:g}",
            )
        )
        if result.grade is not None:
            grade = self.t(f"assessment.grade_{result.grade}")
            style = "green" if result.assessment_passed else "red"
            lines.append(f"[b {style}]{escape(self.t('assessment.grade_line', grade=grade))}[/]")
        else:
            grade = self.t("assessment.grade_pending")
            lines.append(f"[b]{escape(self.t('assessment.grade_line', grade=grade))}[/]")
        self.query_one("#assessment-scores", Static).update("\n".join(lines))

        missing = self.query_one("#assessment-missing", Static)
        if result.passed:
            missing.update(f"[green]{escape(self.t('assessment.all_met'))}[/green]")
        else:
            items = "\n".join(f"• {note.render(lang)}" for note in result.missing)
            missing.update(f"[b]{escape(self.t('assessment.missing_title'))}[/b]\n{escape(items)}")

        gate = self.query_one("#assessment-gate", Static)
        if result.gate:
            marks = "\n".join(
                f"{'☑' if condition.met else '☐'} {self.t(f'assessment.gate_{condition.key}')}"
                for condition in result.gate
            )
            gate.update(f"[b]{escape(self.t('assessment.gate_title'))}[/b]\n{marks}")
        else:
            gate.update("")

        certificate = self.certificate
        holder = self.query_one("#assessment-certificate", Static)
        if certificate is not None:
            expiry = (
                self.t("assessment.expires", date=local_time(certificate.expires_at)[:10])
                if certificate.expires_at
                else self.t("assessment.no_expiry")
            )
            holder.update(
                self.t(
                    "assessment.certificate_line",
                    code=certificate.id,
                    issued=local_time(certificate.issued_at)[:10],
                    expiry=expiry,
                )
                + "\n"
                + self.t("assessment.save_hint")
            )
        elif result.passed:
            holder.update(self.t("assessment.claim_hint"))
        else:
            holder.update("")
        self.refresh_bindings()

    def action_claim(self) -> None:
        person = self.trainer_app.signed_in_person
        try:
            issued = self.context.certificates.issue(person, person.id, self.track_id)
        except CertificateError as error:
            self.notify(self.t(error.catalog_key, **error.values), severity="warning")
            return
        self.notify(self.t("assessment.claimed", code=issued.certificate.id))
        if issued.missing_glyphs:
            self.notify(
                self.t("cli.missing_glyphs", chars=" ".join(issued.missing_glyphs)),
                severity="warning",
                timeout=15,
            )
        self.fill()

    def action_save_pdf(self) -> None:
        certificate = self.certificate
        if certificate is not None:
            self.app.push_screen(save_pdf_dialog(self, certificate.id))
