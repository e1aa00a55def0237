"""The call library: recorded calls, reviews scored against the reference, and calibration.

A review gives points per item of the call-quality form (`calls/_form.yaml`). Compared with
the call's reference review it shows, item by item, both scores, the deviation in points and
in levels, and whether the review agrees within the form's tolerance: the total within
`tolerance.total` points and every item within `tolerance.levels` levels. A red-line item
(`veto`) at its lowest level scores the whole call 0, in the review as in the reference.

A calibration review is stored in the reviewer's file (`CalibrationReview`). Its agreement,
the score that counts toward a supervisor's practical, is 100 less the sum of the item
deviations in points, and 0 when the review and the reference disagree on a red line:
missing a breach, or seeing one that is not there, is the one mistake calibration exists
to catch. Only the first review of each call counts: after it the reference is known.

`spot` is the frontline exercise "spot what went wrong": the turns a learner picks against
the reference's marked faults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from trainer.content.loader import ContentLibrary
from trainer.content.models import Call, CallForm
from trainer.errors import TrainerError
from trainer.services.access import require_reader, require_role
from trainer.storage.interface import Store
from trainer.storage.records import CalibrationReview, Person, new_id


class ReviewError(TrainerError):
    """A review that cannot be scored, for a reason its author can fix."""

    area = "review"


@dataclass(frozen=True)
class ItemComparison:
    """One form item: the review's points and level beside the reference's."""

    item: str
    points: float
    reference: float
    level: int
    reference_level: int
    within: bool
    """The level is within the tolerance of the reference's."""

    @property
    def deviation(self) -> float:
        return round(self.points - self.reference, 2)

    @property
    def level_deviation(self) -> int:
        """Levels away from the reference; positive when the review is kinder."""
        return self.reference_level - self.level


@dataclass(frozen=True)
class Comparison:
    """A review against the reference review of one call."""

    call: str
    items: list[ItemComparison]
    total: float
    reference_total: float
    tolerance_total: float
    tolerance_levels: int
    veto_agrees: bool

    @property
    def deviation(self) -> float:
        return round(self.total - self.reference_total, 2)

    @property
    def total_within(self) -> bool:
        return abs(self.deviation) <= self.tolerance_total + 1e-9

    @property
    def within_tolerance(self) -> bool:
        return self.total_within and all(item.within for item in self.items)

    @property
    def agreement(self) -> float:
        """The 0-100 score of the review as a calibration exercise (see the module's text)."""
        if not self.veto_agrees:
            return 0.0
        return round(max(0.0, 100 - sum(abs(item.deviation) for item in self.items)), 1)

    def to_json(self) -> dict[str, object]:
        return {
            "call": self.call,
            "total": self.total,
            "reference_total": self.reference_total,
            "deviation": self.deviation,
            "within_tolerance": self.within_tolerance,
            "tolerance": {"total": self.tolerance_total, "levels": self.tolerance_levels},
            "agreement": self.agreement,
            "items": [
                {
                    "item": item.item,
                    "points": item.points,
                    "reference": item.reference,
                    "deviation": item.deviation,
                    "level": item.level,
                    "reference_level": item.reference_level,
                    "level_deviation": item.level_deviation,
                    "within_tolerance": item.within,
                }
                for item in self.items
            ],
        }


def call_total(form: CallForm, points: Mapping[str, float]) -> float:
    """The call's total on the form: the items' points, or 0 when a red line is crossed."""
    for item in form.items:
        if item.vetoed(points.get(item.id, item.max)):
            return 0.0
    return round(sum(points.get(item.id, 0.0) for item in form.items), 2)


def check_points(form: CallForm, points: Mapping[str, float]) -> None:
    """Refuse a review that leaves an item out, names one the form lacks, or goes past a
    maximum; one sentence for the first problem met, in the form's order."""
    for name in points:
        if form.item(name) is None:
            known = ", ".join(item.id for item in form.items)
            raise ReviewError("unknown_item", item=name, known=known)
    for item in form.items:
        if item.id not in points:
            raise ReviewError("item_missing", item=item.id)
        value = points[item.id]
        if not 0 <= value <= item.max:
            raise ReviewError(
                "points_out_of_range", item=item.id, points=f"{value:g}", max=f"{item.max:g}"
            )


def compare(form: CallForm, call: Call, points: Mapping[str, float]) -> Comparison:
    """The review `points` (per form item) against `call`'s reference review."""
    check_points(form, points)
    reference = call.reference_points()
    items = []
    vetoed = reference_vetoed = False
    for item in form.items:
        mine, theirs = points[item.id], reference.get(item.id, 0.0)
        level, reference_level = item.level_of(mine), item.level_of(theirs)
        vetoed |= item.vetoed(mine)
        reference_vetoed |= item.vetoed(theirs)
        items.append(
            ItemComparison(
                item=item.id,
                points=mine,
                reference=theirs,
                level=level,
                reference_level=reference_level,
                within=abs(level - reference_level) <= form.tolerance.levels,
            )
        )
    return Comparison(
        call=call.id,
        items=items,
        total=call_total(form, points),
        reference_total=call_total(form, reference),
        tolerance_total=form.tolerance.total,
        tolerance_levels=form.tolerance.levels,
        veto_agrees=vetoed == reference_vetoed,
    )


@dataclass(frozen=True)
class Spotting:
    """A "spot what went wrong" answer: the marked faults found, missed, and turns picked
    that the reference does not mark as faults."""

    found: list[int]
    missed: list[int]
    extra: list[int]

    @property
    def score(self) -> float:
        """Percent of the marked faults found, less one fault's worth per extra pick."""
        marked = len(self.found) + len(self.missed)
        if marked == 0:
            return 100.0 if not self.extra else 0.0
        return round(max(0.0, 100 * (len(self.found) - len(self.extra)) / marked), 1)


def spot(call: Call, picked: set[int]) -> Spotting:
    faults = sorted({moment.turn for moment in call.reference.moments if moment.fault})
    return Spotting(
        found=[turn for turn in faults if turn in picked],
        missed=[turn for turn in faults if turn not in picked],
        extra=sorted(turn for turn in picked if turn not in faults),
    )


@dataclass
class CallLibrary:
    """The calls of the content, and people's calibration reviews of them."""

    store: Store
    library: ContentLibrary

    @property
    def form(self) -> CallForm:
        if self.library.form is None:
            raise ReviewError("no_form")
        return self.library.form

    def calls(self) -> list[Call]:
        """Every call, best reference total first (then by id)."""
        form = self.library.form
        found = [loaded.model for loaded in self.library.calls.values()]
        if form is None:
            return sorted(found, key=lambda call: call.id)
        return sorted(found, key=lambda c: (-call_total(form, c.reference_points()), c.id))

    def call(self, call_id: str) -> Call:
        call = self.library.call(call_id)
        if call is None:
            raise ReviewError("unknown_call", call=call_id)
        return call

    def reference_total(self, call: Call) -> float:
        return call_total(self.form, call.reference_points())

    def compare(self, call_id: str, points: Mapping[str, float]) -> Comparison:
        return compare(self.form, self.call(call_id), points)

    def submit(
        self, actor: Person, call_id: str, points: Mapping[str, float], lang: str
    ) -> CalibrationReview:
        """Score the actor's review of a call and keep it in their file."""
        require_role(actor, "learner")
        comparison = self.compare(call_id, points)
        record = CalibrationReview(
            id=new_id("cal"),
            call=call_id,
            lang="en" if lang == "en" else "zh",
            points=dict(points),
            reference=self.call(call_id).reference_points(),
            total=comparison.total,
            reference_total=comparison.reference_total,
            within_tolerance=comparison.within_tolerance,
            agreement=comparison.agreement,
        )
        self.store.person_file(actor.id).insert(record)
        return record

    def reviews(
        self, actor: Person, person_id: str, call_id: str | None = None
    ) -> list[CalibrationReview]:
        """Someone's calibration reviews, oldest first."""
        require_reader(self.store, actor, person_id)
        found = self.store.person_file(person_id).all(CalibrationReview)
        chosen = [review for review in found if call_id is None or review.call == call_id]
        return sorted(chosen, key=lambda review: review.at)

    def review(self, actor: Person, person_id: str, review_id: str) -> CalibrationReview:
        require_reader(self.store, actor, person_id)
        found = self.store.person_file(person_id).get(CalibrationReview, review_id)
        if found is None:
            raise ReviewError("unknown_review", review=review_id)
        return found

    def counted_score(self, actor: Person, person_id: str, call_id: str) -> float | None:
        """The agreement of the person's first review of the call, or None before it."""
        reviews = self.reviews(actor, person_id, call_id)
        return reviews[0].agreement if reviews else None

    def stored_comparison(self, record: CalibrationReview) -> Comparison:
        """A stored review compared with the reference it was scored against."""
        call = self.call(record.call)
        frozen = call.model_copy(
            update={
                "reference": call.reference.model_copy(
                    update={
                        "scores": {
                            item: score.model_copy(
                                update={"points": record.reference.get(item, score.points)}
                            )
                            for item, score in call.reference.scores.items()
                        }
                    }
                )
            }
        )
        return compare(self.form, frozen, record.points)
