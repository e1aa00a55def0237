"""The bank editor's document: saving changes only what was edited, comments travel with the
question they sit above, and bundled banks are saved as overrides, never in place."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from trainer.locations import bundled_content_root
from trainer.services.authoring import BankDocument, open_bank, save_path
from trainer.services.context import open_context
from trainer.settings import Settings

BANKS = sorted((bundled_content_root() / "question_banks").glob("*.yaml"))


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


@pytest.mark.parametrize("bundled", BANKS, ids=lambda path: path.stem)
def test_editing_one_question_leaves_every_other_line_byte_identical(
    bundled: Path, tmp_path: Path
) -> None:
    copy = tmp_path / bundled.name
    shutil.copy(bundled, copy)
    before = copy.read_text("utf-8")
    document = BankDocument.open(copy)
    question = document.ids()[-1]
    text = document.question_text(question)
    assert "difficulty: " in text
    old_line = next(line for line in text.splitlines() if line.startswith("difficulty: "))
    new_line = "difficulty: 3" if old_line != "difficulty: 3" else "difficulty: 2"
    edited = text.replace(old_line, new_line, 1)
    assert document.replace(question, edited).problems == []
    document.save()
    after = copy.read_bytes().decode("utf-8")
    removed = [line for line in changed_lines(before, after) if line.startswith("-")]
    added = [line for line in changed_lines(before, after) if line.startswith("+")]
    assert len(removed) <= 1 and len(added) <= 1
    assert all("difficulty" in line for line in removed + added)
    # flow mappings in flow lists, quoting and long lines are kept exactly
    assert after.count("[{value:") == before.count("[{value:") > 0


def test_saving_untouched_bank_writes_the_same_bytes(tmp_path: Path) -> None:
    copy = tmp_path / "bank.yaml"
    shutil.copy(BANKS[0], copy)
    document = BankDocument.open(copy)
    first = document.ids()[0]
    document.replace(first, document.question_text(first))  # applied unchanged
    assert not document.dirty
    document.save()
    assert copy.read_bytes() == BANKS[0].read_bytes()


def test_a_comment_above_a_moved_question_moves_with_it(tmp_path: Path) -> None:
    source = (bundled_content_root() / "question_banks" / "frontline_core.yaml").read_text("utf-8")
    commented = source.replace("  - id: fc-002\n", "  # reviewed in May\n  - id: fc-002\n")
    path = tmp_path / "frontline_core.yaml"
    path.write_text(commented, encoding="utf-8")
    document = BankDocument.open(path)
    document.move("fc-002", 1)
    document.save()
    saved = path.read_text("utf-8")
    assert "  # reviewed in May\n  - id: fc-002\n" in saved
    assert saved.index("id: fc-003") < saved.index("# reviewed in May")
    assert saved.count("# reviewed in May") == 1


def test_duplicate_changes_only_the_id(tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    shutil.copy(BANKS[0], path)
    document = BankDocument.open(path)
    question = document.ids()[0]
    copy = document.duplicate(question)
    original_lines = document.question_text(question).splitlines()
    copy_lines = document.question_text(copy).splitlines()
    assert [a for a, b in zip(original_lines, copy_lines, strict=True) if a != b] == [
        f"id: {question}"
    ]


def test_a_bundled_bank_is_saved_as_an_override_in_the_data_folder(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", language="en")
    context = open_context(settings)
    bundled = bundled_content_root() / "question_banks" / "frontline_core.yaml"
    before = bundled.read_bytes()
    assert save_path(bundled, settings.own_content_root) == (
        settings.own_content_root / "question_banks" / "frontline_core.yaml"
    )
    document = open_bank(context.library, "frontline_core", settings.own_content_root)
    assert document.is_override
    document.delete("fc-001")
    document.save()
    assert bundled.read_bytes() == before
    override = settings.own_content_root / "question_banks" / "frontline_core.yaml"
    assert "id: fc-001\n" not in override.read_text("utf-8")
    reloaded = open_context(settings).library.bank("frontline_core")
    assert reloaded is not None and "fc-001" not in [q.id for q in reloaded.questions]
    again = open_bank(open_context(settings).library, "frontline_core", settings.own_content_root)
    assert again.path == override and again.is_override  # still said to be a copy
    # a company root's own file is saved in place
    own = tmp_path / "company" / "question_banks" / "x.yaml"
    assert save_path(own, settings.own_content_root) == own
