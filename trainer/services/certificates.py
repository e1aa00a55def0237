"""Certificates: issuing when a track is passed, the registry, PDFs, revocation, reissue,
verification and batch export.

The registry lives in `roster.json`; each certificate's PDF is kept in the data folder under
`certificates/<code>.pdf`, and its SHA-256 in the registry, so `verify` can say whether a
file is the one issued. PDFs are drawn deterministically (see `certificate_pdf`): a lost file
is drawn again, byte for byte.

A learner may claim their own certificate once they have passed; a trainer may issue one for
anyone who has passed, revoke, reissue and export. Nobody can issue a certificate for a
track that is not passed: the refusal carries what is missing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import io
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from trainer.errors import TrainerError
from trainer.services.access import require_reader, require_role, require_self_or_trainer
from trainer.services.assessment import Assessments
from trainer.services.certificate_pdf import missing_characters, render_certificate
from trainer.services.notes import Note
from trainer.storage.files import atomic_write_bytes
from trainer.storage.interface import Store
from trainer.storage.records import AuditEvent, Certificate, Person, new_id, now

# No 0/O, 1/I/L: a code read over the phone or typed from paper is not misread.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10

Status = Literal["genuine", "expired", "revoked", "unknown"]


class CertificateError(TrainerError):
    """A certificate action refused; `reasons` says what is missing when not passed."""

    area = "certificates"

    def __init__(self, key: str, reasons: list[Note] | None = None, **values: object) -> None:
        super().__init__(key, **values)
        self.reasons = reasons or []


@dataclass(frozen=True)
class Issued:
    certificate: Certificate
    pdf: bytes
    missing_glyphs: list[str] = field(default_factory=list)
    """Characters the font cannot draw (a rare name character): print a warning."""
    new: bool = True
    """False when the person already held a current certificate of the track."""


@dataclass(frozen=True)
class Verification:
    status: Status
    certificate: Certificate | None
    pdf_matches: bool | None = None
    """Whether a given file is the one issued (None when no file was given)."""

    @property
    def ok(self) -> bool:
        return self.status == "genuine" and self.pdf_matches is not False


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Certificates:
    store: Store
    assessments: Assessments
    verify_url: str = ""
    """The `certificate_verify_url` setting, printed on each certificate and in its QR code."""

    @property
    def folder(self) -> Path:
        return self.store.root / "certificates"

    # ------------------------------------------------------------ reading

    def all(self) -> list[Certificate]:
        return sorted(self.store.roster.all(Certificate), key=lambda c: c.issued_at)

    def get(self, code: str) -> Certificate | None:
        return self.store.roster.get(Certificate, normalise_code(code))

    def registry(self, actor: Person, query: str = "") -> list[Certificate]:
        """Certificates the actor may see (a trainer: all; others: their own), newest first,
        filtered by code, person, name or track."""
        visible = [c for c in self.all() if actor.has_role("trainer") or c.person == actor.id]
        needle = query.strip().casefold()
        if needle:
            visible = [
                c
                for c in visible
                if needle
                in " ".join(
                    [c.id, c.person, c.person_name, c.track, *c.track_title.values()]
                ).casefold()
            ]
        return sorted(visible, key=lambda c: c.issued_at, reverse=True)

    def of_person(self, actor: Person, person_id: str) -> list[Certificate]:
        require_reader(self.store, actor, person_id)
        return [c for c in self.all() if c.person == person_id]

    def current(
        self, person_id: str, track_id: str, at: dt.datetime | None = None
    ) -> Certificate | None:
        moment = at or now()
        for certificate in reversed(self.all()):
            mine = certificate.person == person_id and certificate.track == track_id
            if mine and status_of(certificate, moment) == "genuine":
                return certificate
        return None

    def pdf(self, actor: Person, code: str) -> bytes:
        """The certificate's PDF, from the data folder (drawn again if the file is gone).

        A revoked certificate's PDF is the marked one (stamped REVOKED with the date and the
        reason), never the clean file issued, so a copy saved later cannot pass for valid."""
        certificate = self._existing(code)
        require_self_or_trainer(actor, certificate.person)
        path = self.folder / f"{certificate.id}.pdf"
        if certificate.revoked_at is not None:
            return render_certificate(certificate, self.verify_url)
        if path.is_file():
            data = path.read_bytes()
            if sha256(data) == certificate.pdf_sha256:
                return data
        data = render_certificate(certificate, self.verify_url)
        if sha256(data) != certificate.pdf_sha256:
            raise CertificateError("pdf_changed", code=certificate.id)
        atomic_write_bytes(path, data)
        return data

    def _existing(self, code: str) -> Certificate:
        certificate = self.get(code)
        if certificate is None:
            raise CertificateError("unknown_code", code=code)
        return certificate

    # ------------------------------------------------------------ issuing

    def issue(
        self, actor: Person | None, person_id: str, track_id: str, at: dt.datetime | None = None
    ) -> Issued:
        """Issue the track's certificate to someone who has passed it (the current one again
        if they already hold it). `actor` None is the operator at the shell."""
        moment = at or now()
        person = self.store.person(person_id)
        if person is None:
            raise CertificateError("unknown_person", person=person_id)
        viewer = actor or operator()
        if actor is not None:
            require_self_or_trainer(actor, person_id)
        result = self.assessments.assess(viewer, person_id, track_id, at=moment)
        if not result.passed:
            raise CertificateError(
                "not_passed", reasons=result.missing, person=person.name, track=track_id
            )
        existing = self.current(person_id, track_id, moment)
        if existing is not None:
            return Issued(existing, self.pdf(viewer, existing.id), new=False)
        track = self.assessments.track(track_id)
        assert result.final is not None and result.grade is not None
        organisation = self.store.organisation()
        certificate = Certificate(
            id=self._new_code(),
            person=person_id,
            person_name=person.name,
            organisation=organisation.name if organisation else "",
            track=track_id,
            track_title={lang: text for lang in ("zh", "en") if (text := track.title.get(lang))},
            final=result.final,
            grade=result.grade,
            theory=result.theory,
            practical=result.practical,
            issued_at=moment,
            expires_at=add_months(moment, track.validity_months) if track.validity_months else None,
            issued_by=viewer.id,
        )
        return self._record(certificate, viewer)

    def _record(
        self, certificate: Certificate, actor: Person, replacing: Certificate | None = None
    ) -> Issued:
        """Store the certificate and its audit event in one write (with the revocation of the
        one it replaces, if any): the registry never holds one without the other."""
        pdf = render_certificate(certificate, self.verify_url)
        certificate = certificate.model_copy(update={"pdf_sha256": sha256(pdf)})
        # the file first: a failed write of the registry leaves at worst an unlisted file,
        # never a listed certificate without its PDF
        atomic_write_bytes(self.folder / f"{certificate.id}.pdf", pdf)
        with self.store.roster.batch() as roster:
            if replacing is not None:
                roster.put(replacing)
                roster.insert(
                    _event(actor, "certificate_revoked", replacing.id, replacing.revoked_reason)
                )
            roster.insert(certificate)
            roster.insert(_event(actor, "certificate_issued", certificate.id, certificate.track))
        if replacing is not None:
            self._mark_revoked(replacing)
        glyphs = missing_characters(certificate.person_name + certificate.organisation)
        return Issued(certificate, pdf, glyphs)

    def _new_code(self) -> str:
        taken = {certificate.id for certificate in self.store.roster.all(Certificate)}
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in taken:
                return code

    def revoke(self, actor: Person | None, code: str, reason: str) -> Certificate:
        if actor is not None:
            require_role(actor, "trainer")
        if not reason.strip():
            raise CertificateError("reason_needed")
        certificate = self._existing(code)
        if certificate.revoked_at is not None:
            raise CertificateError("already_revoked", code=certificate.id)
        revoked = certificate.model_copy(
            update={"revoked_at": now(), "revoked_reason": reason.strip()}
        )
        with self.store.roster.batch() as roster:
            roster.put(revoked)
            roster.insert(
                _event(actor or operator(), "certificate_revoked", certificate.id, reason.strip())
            )
        self._mark_revoked(revoked)
        return revoked

    def _mark_revoked(self, revoked: Certificate) -> None:
        """The kept copy is marked too, once the registry says so: whoever opens the data
        folder's file sees it revoked."""
        atomic_write_bytes(
            self.folder / f"{revoked.id}.pdf", render_certificate(revoked, self.verify_url)
        )

    def reissue(self, actor: Person | None, code: str) -> Issued:
        """A new certificate (new code, today's date, the person's current name) with the same
        figures and expiry; the old one is revoked as replaced, in the same write."""
        if actor is not None:
            require_role(actor, "trainer")
        old = self._existing(code)
        person = self.store.person(old.person)
        fresh = old.model_copy(
            update={
                "id": self._new_code(),
                "person_name": person.name if person else old.person_name,
                "issued_at": now(),
                "issued_by": (actor or operator()).id,
                "revoked_at": None,
                "revoked_reason": "",
                "replaces": old.id,
                "pdf_sha256": "",
            }
        )
        replacing = None
        if old.revoked_at is None:
            replacing = old.model_copy(
                update={"revoked_at": now(), "revoked_reason": f"reissued as {fresh.id}"}
            )
        return self._record(fresh, actor or operator(), replacing)

    # ------------------------------------------------------------ checking and exporting

    def verify(
        self, code: str, pdf: bytes | None = None, at: dt.datetime | None = None
    ) -> Verification:
        certificate = self.get(code)
        if certificate is None:
            return Verification("unknown", None, None if pdf is None else False)
        matches = None
        if pdf is not None:
            digest = sha256(pdf)
            matches = digest == certificate.pdf_sha256 or (
                certificate.revoked_at is not None
                and digest == sha256(render_certificate(certificate, self.verify_url))
            )
        return Verification(status_of(certificate, at or now()), certificate, matches)

    def export(
        self,
        actor: Person | None,
        track_id: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> bytes:
        """A zip of every current certificate's PDF (of one track, if given)."""
        viewer = actor or operator()
        chosen = self.exportable(actor, track_id)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
            for done, certificate in enumerate(chosen, start=1):
                name = f"{certificate.track}/{certificate.person}-{certificate.id}.pdf"
                archive.writestr(name, self.pdf(viewer, certificate.id))
                if progress is not None:
                    progress(done, len(chosen))
        return buffer.getvalue()

    def exportable(self, actor: Person | None, track_id: str | None = None) -> list[Certificate]:
        """The current certificates `export` would zip. An unknown track, or none to put
        in, is refused rather than answered with an empty zip that looks like success."""
        if actor is not None:
            require_role(actor, "trainer")
        if track_id is not None and self.assessments.library.track(track_id) is None:
            raise CertificateError("unknown_track", track=track_id)
        chosen = [
            c
            for c in self.all()
            if status_of(c, now()) == "genuine" and (track_id is None or c.track == track_id)
        ]
        if not chosen:
            if track_id is None:
                raise CertificateError("nothing_to_export")
            raise CertificateError("nothing_of_track_to_export", track=track_id)
        return chosen


def _event(actor: Person, action: str, subject: str, detail: str) -> AuditEvent:
    return AuditEvent(
        id=new_id("audit"), actor=actor.id, action=action, subject=subject, detail=detail
    )


def status_of(certificate: Certificate, at: dt.datetime) -> Status:
    if certificate.revoked_at is not None:
        return "revoked"
    if certificate.expires_at is not None and certificate.expires_at <= at:
        return "expired"
    return "genuine"


def normalise_code(code: str) -> str:
    """Codes are read back forgivingly: case, spaces and dashes do not matter."""
    return "".join(char for char in code.upper() if char.isalnum())


def operator() -> Person:
    """The person at the shell, who may do what a trainer does (as with `trainer user`)."""
    return Person(id="operator", name="operator", roles=["trainer"], password_hash="-")
