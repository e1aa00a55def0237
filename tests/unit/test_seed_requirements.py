"""The curriculum against the seed documents' requirements: every reference of the register
names real content, at most five requirements are missing, and the content format reference
lists exactly those with their reasons."""

from __future__ import annotations

import re
from pathlib import Path

from trainer.content import load_library
from trainer.content.coverage import SeedRequirement, load_requirements, requirement_coverage
from trainer.locations import bundled_content_root

ROOT = Path(__file__).resolve().parents[2]
REGISTER = load_requirements(ROOT / "docs" / "seed-requirements.yaml")
COVERAGE = requirement_coverage(load_library([bundled_content_root()]), REGISTER)


def test_the_register_holds_the_seeds_requirements_once_each() -> None:
    ids = [item.id for item in REGISTER]
    assert len(ids) == len(set(ids)) >= 110
    assert {item.id[1:4] for item in REGISTER} == {"000", "001", "002", "003", "004"}


def test_every_reference_names_content_that_exists() -> None:
    assert COVERAGE.unresolved == []


def test_at_most_five_requirements_are_missing() -> None:
    missing = COVERAGE.with_status("missing")
    assert len(missing) <= 5
    assert all(item.missing for item in missing), "a missing requirement says why"


def test_the_docs_list_exactly_the_missing_requirements() -> None:
    text = (ROOT / "docs" / "content-format.md").read_text(encoding="utf-8")
    section = text.split("## Seed requirements not covered", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`(r\d{3}-\d{2})`", section))
    assert listed == {item.id for item in COVERAGE.with_status("missing")}


def test_a_reference_to_nothing_is_reported() -> None:
    library = load_library([bundled_content_root()])
    broken = [SeedRequirement(id="r009-01", text="x", by=["lesson:supervisor/nowhere"])]
    assert requirement_coverage(library, broken).unresolved == [
        "r009-01: lesson:supervisor/nowhere"
    ]
