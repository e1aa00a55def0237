"""The trainer's certificate registry: search, status at a glance, revoke, reissue, save a PDF."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Input, Static

from trainer.numbers import figure
from trainer.services.certificates import CertificateError, status_of
from trainer.storage.records import Certificate, now
from trainer.ui.screens.assessment import save_pdf_dialog
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.timefmt import local_time


class CertificatesScreen(TrainerScreen):
    CSS_PATH = "records.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("ctrl+r", "revoke", "keys.revoke"),
        Binding("ctrl+n", "reissue", "keys.reissue"),
        Binding("slash", "search_focus", "keys.search"),
        Binding("ctrl+s", "save_pdf", "keys.save_pdf"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="certificates"):
            yield Static(self.t("certificates_screen.title"), classes="card-title")
            yield Input(placeholder=self.t("certificates_screen.search"), id="search")
            yield DataTable(id="registry", cursor_type="row", zebra_stripes=True)
            yield Static("", id="registry-detail", classes="muted")
        yield Footer(compact=True)

    def fill(self) -> None:
        table = self.query_one("#registry", DataTable)
        table.clear(columns=True)
        table.add_columns(
            *(
                self.t(f"certificates_screen.{name}")
                for name in ("code", "name", "track", "grade", "final", "issued", "status")
            )
        )
        lang = self.trainer_app.tr.lang
        query = self.query_one("#search", Input).value
        moment = now()
        for certificate in self.context.certificates.registry(
            self.trainer_app.signed_in_person, query
        ):
            table.add_row(
                certificate.id,
                certificate.person_name,
                certificate.track_title.get(lang) or certificate.track,
                self.t(f"assessment.grade_{certificate.grade}"),
                f"{certificate.final:g}",
                local_time(certificate.issued_at)[:10],
                self.t(f"certificates_screen.status_{status_of(certificate, moment)}"),
                key=certificate.id,
            )
        self.query_one("#registry-detail", Static).update(
            self.t("certificates_screen.count", count=table.row_count)
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#registry", DataTable).focus()

    def action_search_focus(self) -> None:
        self.query_one("#search", Input).focus()

    @on(Input.Submitted, "#search")
    def search_done(self) -> None:
        self.query_one("#registry", DataTable).focus()

    @on(Input.Changed, "#search")
    def search(self) -> None:
        self.fill()

    def _selected(self) -> Certificate | None:
        table = self.query_one("#registry", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.context.certificates.get(str(key)) if key else None

    @on(DataTable.RowHighlighted, "#registry")
    def highlighted(self) -> None:
        certificate = self._selected()
        if certificate is None:
            return
        lines = [
            self.t(
                "certificates_screen.detail",
                code=certificate.id,
                person=certificate.person_name,
                theory=figure(certificate.theory),
                practical=figure(certificate.practical),
            )
        ]
        if certificate.revoked_at is not None:
            lines.append(
                self.t(
                    "certificates_screen.revoked_detail",
                    date=local_time(certificate.revoked_at),
                    reason=certificate.revoked_reason,
                )
            )
        if certificate.replaces:
            lines.append(self.t("certificates_screen.replaces", code=certificate.replaces))
        self.query_one("#registry-detail", Static).update("\n".join(lines))

    def _act(self, action: str) -> None:
        self.notify(action)
        self.fill()

    def action_revoke(self) -> None:
        from trainer.ui.dialogs import TextDialog

        certificate = self._selected()
        if certificate is None:
            return
        actor = self.trainer_app.signed_in_person

        def revoke(reason: str) -> str | None:
            try:
                self.context.certificates.revoke(actor, certificate.id, reason)
            except CertificateError as error:
                return self.t(error.catalog_key, **error.values)
            self._act(self.t("cli.revoked", code=certificate.id, name=certificate.person_name))
            return None

        self.app.push_screen(
            TextDialog(
                self.trainer_app.tr,
                self.t(
                    "certificates_screen.revoke_title",
                    code=certificate.id,
                    name=certificate.person_name,
                ),
                self.t("certificates_screen.reason"),
                revoke,
            )
        )

    def action_reissue(self) -> None:
        from trainer.ui.dialogs import ConfirmDialog

        certificate = self._selected()
        if certificate is None:
            return
        actor = self.trainer_app.signed_in_person

        def confirmed(answer: bool | None) -> None:
            if not answer:
                return
            try:
                issued = self.context.certificates.reissue(actor, certificate.id)
            except CertificateError as error:
                self.notify(self.t(error.catalog_key, **error.values), severity="warning")
                return
            self._act(
                self.t(
                    "certificates_screen.reissued", old=certificate.id, new=issued.certificate.id
                )
            )

        self.app.push_screen(
            ConfirmDialog(
                self.trainer_app.tr,
                self.t(
                    "certificates_screen.confirm_reissue",
                    code=certificate.id,
                    name=certificate.person_name,
                ),
            ),
            confirmed,
        )

    def action_save_pdf(self) -> None:
        certificate = self._selected()
        if certificate is not None:
            self.app.push_screen(save_pdf_dialog(self, certificate.id))
