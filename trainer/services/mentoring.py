"""The mentor program: who mentors whom, the dashboard of mentees, competencies, timelines,
notes and sign-offs (which the cleared-for-duty gate reads) and their withdrawal.

Assignments live in the roster and are never deleted, so the history of who mentored whom
stays. Only a trainer assigns; a mentor sees, notes and signs off only their own mentees; a
trainer sees everyone. Figures: days left or overdue,
lessons, best theory and practical scores, the four steps as competencies (the share of each
step's weight earned per role-play run, averaged, with its trend), the weakest step, the last
activity; a mentee needs attention when overdue, failing or inactive for a week.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from trainer.bulk import collector_paused
from trainer.content.loader import ContentLibrary
from trainer.content.models import STEPS
from trainer.errors import TrainerError
from trainer.services.access import AccessDenied, require_role
from trainer.services.snapshot import PersonRecords, RosterRecords
from trainer.storage.interface import Store
from trainer.storage.records import (
    ExamAttempt,
    LessonDone,
    MentorNote,
    Mentorship,
    Person,
    RolePlayRun,
    SignOff,
    SignOffWithdrawal,
    new_id,
    now,
)

DEFAULT_DAYS = 30
MIN_DAYS, MAX_DAYS = 1, 365
START_WINDOW = dt.timedelta(days=365)
"""A mentorship starts at most this long before or after today: a typo such as 2062 or
9999 is refused before it is stored, where it would break every reading of the roster."""
INACTIVE_DAYS = 7
FAILING_BELOW = 60.0

# The calendar's ends, two days in, so a shown moment survives conversion to any time zone.
_EARLIEST_SHOWN = dt.datetime(1, 1, 3, tzinfo=dt.UTC)
_LATEST_SHOWN = dt.datetime(9999, 12, 29, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Competency:
    """One of the four steps over a mentee's role-play runs, as % of the step's weight."""

    step: str
    scores: list[float]
    """Per finished run, oldest first."""

    @property
    def average(self) -> float | None:
        return round(sum(self.scores) / len(self.scores), 1) if self.scores else None

    @property
    def trend(self) -> float | None:
        """The latest run against the mean of the ones before it (points up or down)."""
        if len(self.scores) < 2:
            return None
        earlier = self.scores[:-1]
        return round(self.scores[-1] - sum(earlier) / len(earlier), 1)


@dataclass(frozen=True)
class MenteeRow:
    """One line of a mentor's dashboard."""

    person_id: str
    name: str
    tracks: list[str]
    mentor: str
    start: dt.datetime
    end: dt.datetime
    days_left: int
    """Days until the mentorship ends; negative when overdue."""
    lessons_done: int
    lessons_total: int
    best_theory: float | None
    best_practical: float | None
    competencies: list[Competency]
    last_activity: dt.datetime | None
    signed_off: bool
    attention: list[str]
    """Why this mentee needs attention: `overdue`, `failing`, `inactive` (empty if none)."""

    @property
    def weakest_step(self) -> str | None:
        return weakest_of(self.competencies)


@dataclass(frozen=True)
class Activity:
    """One event of a mentee's timeline."""

    at: dt.datetime
    kind: str
    """`lesson`, `exam`, `roleplay`, `note`, `sign_off` or `sign_off_withdrawn`."""
    subject: str
    detail: str = ""
    """A score, a note's text or a withdrawal's reason, as it was recorded."""
    record_id: str = ""
    by: str = ""
    """The person id behind a sign-off or withdrawal (the screen shows their name)."""
    mode: str = ""
    """A role-play run's mode, `practice` or `exam` (the screen names it)."""


class MentoringError(TrainerError):
    area = "mentoring"


def check_days(days: int) -> None:
    """Refuse a mentorship length outside MIN_DAYS..MAX_DAYS."""
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise MentoringError("bad_days", days=days, low=MIN_DAYS, high=MAX_DAYS)


def check_start(start: dt.date | dt.datetime, today: dt.date | None = None) -> None:
    """Refuse a start more than START_WINDOW before or after today (its calendar date is
    compared, so a naive moment is checked before anything converts it)."""
    today = today or dt.date.today()
    day = start.date() if isinstance(start, dt.datetime) else start
    earliest, latest = today - START_WINDOW, today + START_WINDOW
    if not earliest <= day <= latest:
        raise MentoringError("bad_start", start=day.isoformat(), earliest=earliest, latest=latest)


def mentorship_end(mentorship: Mentorship) -> dt.datetime:
    """When `mentorship` ends; the calendar's last shown day for one stored by an older
    version with a start so late that its end does not exist."""
    try:
        return mentorship.end
    except OverflowError:
        return _LATEST_SHOWN


def local_day(moment: dt.datetime, zone: dt.tzinfo | None = None) -> dt.date:
    """The calendar date of `moment` in the organisation's zone: `zone`, or by default the
    zone of the machine trainer runs on (where every screen shows its times)."""
    return shown(moment).astimezone(zone).date()


def days_left(mentorship: Mentorship, at: dt.datetime, zone: dt.tzinfo | None = None) -> int:
    """Calendar days from `at`'s date to the end of `mentorship`, in the organisation's local
    dates; negative when overdue. Every view that shows days left asks this one function.

    A 30-day mentorship started today has 30 days left, tomorrow 29, and 0 on the day it
    ends, when it counts as over. Whole dates, not hours, so a mentor at 9:00 and a learner
    at 17:00 see the same number."""
    try:
        end = local_day(mentorship.start, zone) + dt.timedelta(days=mentorship.days)
    except OverflowError:  # a start so late (stored by an older version) that no end exists
        end = dt.date.max
    return (end - local_day(at, zone)).days


def current_sign_off(store: Store, mentee_id: str, track_id: str) -> SignOff | None:
    """The sign-off of `mentee_id` on `track_id` that stands now: the latest sign-off, unless
    a withdrawal came after it (the cleared-for-duty gate and every view read this)."""
    found = store.roster.all_of(SignOff, SignOffWithdrawal)
    return standing_sign_off(
        [s for s in found[SignOff.table] if s.mentee == mentee_id],
        [w for w in found[SignOffWithdrawal.table] if w.mentee == mentee_id],
        track_id,
    )


def standing_sign_off(
    sign_offs: list[SignOff], withdrawals: list[SignOffWithdrawal], track_id: str
) -> SignOff | None:
    """`current_sign_off` from one mentee's sign-offs and withdrawals already read."""
    signed = [s for s in sign_offs if s.track == track_id]
    if not signed:
        return None
    latest = max(signed, key=lambda s: s.at)
    withdrawn = any(
        w.sign_off == latest.id or (w.track == track_id and w.at >= latest.at) for w in withdrawals
    )
    return None if withdrawn else latest


def signed_tracks_of(sign_offs: list[SignOff], withdrawals: list[SignOffWithdrawal]) -> list[str]:
    """The tracks on which one mentee's sign-off stands, from their records already read."""
    tracks = dict.fromkeys(s.track for s in sign_offs)
    return [t for t in tracks if standing_sign_off(sign_offs, withdrawals, t) is not None]


def shown(moment: dt.datetime) -> dt.datetime:
    """`moment` kept within the calendar's ends, so showing it in local time cannot fail."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return min(max(moment, _EARLIEST_SHOWN), _LATEST_SHOWN)


@dataclass
class Mentoring:
    store: Store
    library: ContentLibrary

    def assign(
        self,
        actor: Person,
        mentor_id: str,
        mentee_id: str,
        start: dt.datetime | None = None,
        days: int | None = None,
        at: dt.datetime | None = None,
    ) -> Mentorship:
        """Assign `mentor_id` to `mentee_id` from `start` (default: `at`, the moment of
        assigning, now by default) for `days` (default: the longest of the mentee's tracks')."""
        require_role(actor, "trainer")
        mentor, mentee = self.store.person(mentor_id), self.store.person(mentee_id)
        if mentor is None or not mentor.has_role("mentor"):
            raise MentoringError("not_a_mentor", person=mentor_id)
        if not mentor.active:
            raise MentoringError("mentor_deactivated", person=mentor_id)
        if mentee is None:
            raise MentoringError("unknown_mentee", person=mentee_id)
        if mentor_id == mentee_id:
            raise MentoringError("self_mentoring")
        if days is None:
            tracks = [self.library.track(track_id) for track_id in mentee.tracks]
            days = max((t.mentorship_days for t in tracks if t), default=0) or DEFAULT_DAYS
        moment = at or now()
        check_days(days)
        if start is not None:
            check_start(start, moment.date())
        mentorship = Mentorship(
            id=new_id("mentorship"),
            mentor=mentor_id,
            mentee=mentee_id,
            start=start or moment,
            days=days,
            assigned_by=actor.id,
        )
        from trainer.services.accounts import event

        with self.store.roster.batch() as roster:
            roster.insert(mentorship)
            detail = f"{mentorship.start.date().isoformat()}+{days}"
            roster.insert(event(actor.id, "mentor.assign", mentee_id, f"{mentor_id} {detail}"))
        return mentorship

    def current_mentors(self, at: dt.datetime | None = None) -> dict[str, Mentorship]:
        """Each mentee's current assignment, from one reading of the roster: the latest one
        that has started and not ended (a change of mentor is a newer assignment)."""
        moment = at or now()
        current: dict[str, Mentorship] = {}
        for mentorship in self.store.roster.all(Mentorship):
            if mentorship.start > moment or mentorship_end(mentorship) <= moment:
                continue
            held = current.get(mentorship.mentee)
            if held is None or mentorship.start >= held.start:
                current[mentorship.mentee] = mentorship
        return current

    def current_mentor(self, mentee_id: str, at: dt.datetime | None = None) -> Mentorship | None:
        return self.current_mentors(at).get(mentee_id)

    def active_mentees(self, mentor_id: str, at: dt.datetime | None = None) -> list[str]:
        """Whom `mentor_id` mentors now (their current assignment is with them)."""
        return sorted(
            mentee for mentee, m in self.current_mentors(at).items() if m.mentor == mentor_id
        )

    def mentorships(self, mentee_id: str) -> list[Mentorship]:
        found = [m for m in self.store.roster.all(Mentorship) if m.mentee == mentee_id]
        return sorted(found, key=lambda m: m.start)

    def period(self, mentee_id: str) -> Mentorship | None:
        """The assignment whose days count for `mentee_id`: the first, since a change of
        mentor does not restart the mentorship (the gate and every view read this one)."""
        mentorships = self.mentorships(mentee_id)
        return mentorships[0] if mentorships else None

    def mentees_of(self, mentor_id: str) -> list[str]:
        mentees = [m.mentee for m in self.store.roster.all(Mentorship) if m.mentor == mentor_id]
        return list(dict.fromkeys(mentees))

    def require_mentor_of(self, actor: Person, mentee_id: str) -> None:
        """A mentor acts only for their own mentees; a trainer for anyone."""
        if actor.has_role("trainer"):
            return
        if not actor.has_role("mentor") or mentee_id not in self.mentees_of(actor.id):
            raise AccessDenied("not_yours", person=mentee_id)

    def sign_off(self, actor: Person, mentee_id: str, track_id: str, note: str = "") -> SignOff:
        if not actor.has_role("mentor"):
            raise AccessDenied("needs_role", role="mentor")
        self.require_mentor_of(actor, mentee_id)
        if self.library.track(track_id) is None:
            raise MentoringError("unknown_track", track=track_id)
        sign_off = SignOff(
            id=new_id("signoff"), mentor=actor.id, mentee=mentee_id, track=track_id, note=note
        )
        self.store.roster.insert(sign_off)
        return sign_off

    def sign_offs(self, mentee_id: str) -> list[SignOff]:
        return [s for s in self.store.roster.all(SignOff) if s.mentee == mentee_id]

    def withdrawals(self, mentee_id: str) -> list[SignOffWithdrawal]:
        return [w for w in self.store.roster.all(SignOffWithdrawal) if w.mentee == mentee_id]

    def signed_tracks(self, mentee_id: str) -> list[str]:
        """The tracks on which `mentee_id`'s sign-off stands now."""
        return signed_tracks_of(self.sign_offs(mentee_id), self.withdrawals(mentee_id))

    def withdraw_sign_off(
        self,
        actor: Person,
        mentee_id: str,
        track_id: str,
        reason: str,
        at: dt.datetime | None = None,
    ) -> SignOffWithdrawal:
        """Take back the sign-off standing for `mentee_id` on `track_id`, saying why: a
        mentor of the mentee or a trainer may. The sign-off itself stays in the record."""
        if not (actor.has_role("mentor") or actor.has_role("trainer")):
            raise AccessDenied("needs_role", role="mentor")
        self.require_mentor_of(actor, mentee_id)
        if not reason.strip():
            raise MentoringError("withdraw_reason_needed")
        standing = current_sign_off(self.store, mentee_id, track_id)
        if standing is None:
            raise MentoringError("nothing_to_withdraw", person=mentee_id, track=track_id)
        withdrawal = SignOffWithdrawal(
            id=new_id("withdrawal"),
            sign_off=standing.id,
            mentee=mentee_id,
            track=track_id,
            by=actor.id,
            reason=reason.strip(),
            at=max(at or now(), standing.at),
        )
        self.store.roster.insert(withdrawal)
        return withdrawal

    # ------------------------------------------------------------ notes

    def notes(self, actor: Person, mentee_id: str) -> list[MentorNote]:
        self.require_mentor_of(actor, mentee_id)
        found = [n for n in self.store.roster.all(MentorNote) if n.mentee == mentee_id]
        return sorted(found, key=lambda note: note.created_at)

    def notes_of(self, actor: Person, mentee_ids: list[str]) -> dict[str, list[MentorNote]]:
        """The notes on each of `mentee_ids`, oldest first, from one reading of the roster
        (a report on 500 mentees read it 500 times)."""
        if not actor.has_role("trainer"):
            mine = set(self.mentees_of(actor.id)) if actor.has_role("mentor") else set()
            stranger = next((m for m in mentee_ids if m not in mine), None)
            if stranger is not None:
                raise AccessDenied("not_yours", person=stranger)
        found: dict[str, list[MentorNote]] = {mentee_id: [] for mentee_id in mentee_ids}
        for note in sorted(self.store.roster.all(MentorNote), key=lambda n: n.created_at):
            if note.mentee in found:
                found[note.mentee].append(note)
        return found

    def add_note(self, actor: Person, mentee_id: str, text: str) -> MentorNote:
        self.require_mentor_of(actor, mentee_id)
        if not text.strip():
            raise MentoringError("empty_note")
        note = MentorNote(id=new_id("note"), mentor=actor.id, mentee=mentee_id, text=text.strip())
        self.store.roster.insert(note)
        return note

    def edit_note(self, actor: Person, note_id: str, text: str) -> MentorNote:
        note = self.store.roster.get(MentorNote, note_id)
        if note is None:
            raise MentoringError("unknown_note", note=note_id)
        if note.mentor != actor.id:
            raise AccessDenied("not_your_note")
        if not text.strip():
            raise MentoringError("empty_note")
        edited = note.model_copy(update={"text": text.strip(), "edited_at": now()})
        self.store.roster.put(edited)
        return edited

    # ------------------------------------------------------------ figures

    def dashboard(
        self, actor: Person, mentor_id: str | None = None, at: dt.datetime | None = None
    ) -> list[MenteeRow]:
        """One row a mentee of `mentor_id` (the actor by default, `*` for all mentors).

        The roster is read once and each mentee's file once: reading them again for every
        row made the dashboard's cost grow with the square of the mentees."""
        moment = at or now()
        mentor_id = mentor_id or actor.id
        if mentor_id != actor.id:
            require_role(actor, "trainer")
        with collector_paused():
            roster = RosterRecords.read(self.store)
            mentees = [
                person
                for mentee_id, mentorships in roster._mentorships.items()
                # a mentee handed to a new mentor leaves the old
                if mentor_id in ("*", mentorships[-1].mentor)
                and (person := roster.by_id.get(mentee_id)) is not None
            ]
            everyone = PersonRecords.read_many(self.store, [person.id for person in mentees])
            rows = [self.row_of(person, everyone[person.id], roster, moment) for person in mentees]
        return sorted(rows, key=lambda row: (not row.attention, row.name))

    def row(self, actor: Person, mentee_id: str, at: dt.datetime | None = None) -> MenteeRow:
        self.require_mentor_of(actor, mentee_id)
        roster = RosterRecords.read(self.store)
        person = roster.by_id.get(mentee_id)
        if person is None or not roster.mentorships_of(mentee_id):
            raise MentoringError("unknown_mentee", person=mentee_id)
        records = PersonRecords.read(self.store, mentee_id)
        return self.row_of(person, records, roster, at or now())

    def row_of(
        self, person: Person, records: PersonRecords, roster: RosterRecords, at: dt.datetime
    ) -> MenteeRow:
        """The dashboard's row for a mentee, from their records and the roster already read
        (`person` must have a mentorship)."""
        mentorships = roster.mentorships_of(person.id)
        mentorship, period = mentorships[-1], mentorships[0]
        lessons = records.lessons
        attempts = [a for a in records.attempts if a.score is not None and not a.practice]
        runs = [r for r in records.runs if r.finished_at is not None]
        tracks = [t for t in map(self.library.track, person.tracks) if t is not None]
        lessons_total = sum(len(track.lessons) for track in tracks)
        best_theory = max((a.score for a in attempts if a.score is not None), default=None)
        exam_runs = [r.total for r in runs if r.mode == "exam" and r.total is not None]
        best_practical = max(exam_runs, default=None)
        last_activity = records.summary.last_activity
        signed_off = bool(
            signed_tracks_of(roster.sign_offs_of(person.id), roster.withdrawals_of(person.id))
        )
        end = mentorship_end(period)
        left = days_left(period, at)

        attention = []
        if left < 0 and not signed_off:
            attention.append("overdue")
        latest_scores = [a.score for a in attempts[-1:]] + [r.total for r in runs[-1:]]
        if any(score is not None and score < FAILING_BELOW for score in latest_scores):
            attention.append("failing")
        since = last_activity or mentorship.start
        if (at - since).total_seconds() > INACTIVE_DAYS * 86400 and not signed_off:
            attention.append("inactive")
        return MenteeRow(
            person_id=person.id,
            name=person.name,
            tracks=list(person.tracks),
            mentor=mentorship.mentor,
            start=shown(period.start),
            end=shown(end),
            days_left=left,
            lessons_done=len({(lesson.track, lesson.lesson) for lesson in lessons}),
            lessons_total=lessons_total,
            best_theory=best_theory,
            best_practical=best_practical,
            competencies=competencies(runs),
            last_activity=shown(last_activity) if last_activity else None,
            signed_off=signed_off,
            attention=attention,
        )

    def timeline(self, actor: Person, mentee_id: str) -> list[Activity]:
        """What the mentee did, and what their mentors wrote, newest first."""
        self.require_mentor_of(actor, mentee_id)
        records = self.store.person_file(mentee_id)
        events = [
            Activity(lesson.done_at, "lesson", f"{lesson.track}/{lesson.lesson}")
            for lesson in records.all(LessonDone)
        ]
        events += [
            Activity(a.submitted_at, "exam", a.track, f"{a.score:g}", a.id)
            for a in records.all(ExamAttempt)
            if a.submitted_at is not None and a.score is not None
        ]
        events += [
            Activity(r.finished_at, "roleplay", r.scenario, f"{r.total:g}", r.id, mode=r.mode)
            for r in records.all(RolePlayRun)
            if r.finished_at is not None and r.total is not None
        ]
        events += [
            Activity(n.created_at, "note", "", n.text, n.id, by=n.mentor)
            for n in self.notes(actor, mentee_id)
        ]
        events += [
            Activity(s.at, "sign_off", s.track, record_id=s.id, by=s.mentor)
            for s in self.sign_offs(mentee_id)
        ]
        events += [
            Activity(w.at, "sign_off_withdrawn", w.track, w.reason, w.id, by=w.by)
            for w in self.withdrawals(mentee_id)
        ]
        return sorted(events, key=lambda event: event.at, reverse=True)


def weakest_of(found: list[Competency]) -> str | None:
    """The step with the lowest average; None with no runs yet, or every step alike."""
    scored = [c for c in found if c.average is not None]
    if not scored or len({c.average for c in scored}) == 1:
        return None
    return min(scored, key=lambda c: c.average or 0).step


def competencies(runs: list[RolePlayRun]) -> list[Competency]:
    """Each step's share of its weight earned in each finished run, oldest run first."""
    per_step: dict[str, list[float]] = {step: [] for step in STEPS}
    for run in sorted(runs, key=lambda r: r.finished_at or r.started_at):
        for step, share in step_shares(run).items():
            per_step[step].append(share)
    return [Competency(step, scores) for step, scores in per_step.items()]


def step_shares(run: RolePlayRun) -> dict[str, float]:
    """The share (%) of each weighed step's points a finished run earned. Read from the
    stored scorecard's `steps` alone: validating the whole card (every turn and its
    evidence) to read eight numbers was most of a dashboard's time."""
    steps = (run.scorecard or {}).get("steps")
    if not isinstance(steps, dict):
        return {}
    shares: dict[str, float] = {}
    for step in STEPS:
        score = steps.get(step)
        if not isinstance(score, dict):
            continue
        points, most = score.get("score"), score.get("max")
        if isinstance(points, int | float) and isinstance(most, int | float) and most > 0:
            shares[step] = round(100 * points / most, 1)
    return shares
