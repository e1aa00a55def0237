"""The content format reference stays complete: every field of every content model is listed
in `docs/content-format.md` (calibration cases in `docs/calibration.md`), and the examples
there load as they are written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

import trainer.services.roleplay.calibration  # noqa: F401  (its models join the walk)
from trainer.cli import main
from trainer.content import load_library
from trainer.content.models import ContentModel
from trainer.locations import bundled_content_root

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "docs" / "content-format.md", ROOT / "docs" / "calibration.md"]
MODEL_MODULES = {"trainer.content.models", "trainer.services.roleplay.calibration"}
HEADING = re.compile(r"^#{1,6} ")
MODEL_HEADING = re.compile(r"^#{2,6} `(\w+)`\s*$")
FIELD_ROW = re.compile(r"^\| `([a-z_]+)` \|")


def _content_models() -> list[type[ContentModel]]:
    found: list[type[ContentModel]] = []
    todo = list(ContentModel.__subclasses__())
    while todo:
        model = todo.pop()
        todo.extend(model.__subclasses__())
        if model.__module__ in MODEL_MODULES and model not in found:
            found.append(model)
    return sorted(found, key=lambda model: model.__name__)


def _documented_fields() -> dict[str, list[str]]:
    """For each `### \\`Model\\`` heading of the docs, the fields its table lists."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for doc in DOCS:
        for line in doc.read_text(encoding="utf-8").splitlines():
            heading = MODEL_HEADING.match(line)
            if heading:
                current = sections.setdefault(heading.group(1), [])
            elif HEADING.match(line):
                current = None
            elif current is not None and (row := FIELD_ROW.match(line)):
                current.append(row.group(1))
    return sections


def _own_fields(model: type[BaseModel]) -> set[str]:
    """The names a file uses for the model's fields (aliases: `except`, `if`), leaving out
    those a documented content-model base class already lists (every question's `id`...)."""
    names = {info.alias or name for name, info in model.model_fields.items()}
    for base in model.__mro__[1:]:
        if isinstance(base, type) and issubclass(base, ContentModel) and base is not ContentModel:
            names -= {info.alias or name for name, info in base.model_fields.items()}
    return names


MODELS = _content_models()


def test_the_walk_finds_the_content_models() -> None:
    names = {model.__name__ for model in MODELS}
    assert {"Track", "SingleChoice", "Scenario", "ServiceStandard", "CalibrationCase"} <= names
    assert len(MODELS) > 40


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_field_of_the_model_is_in_the_reference(model: type[ContentModel]) -> None:
    documented = _documented_fields()
    assert model.__name__ in documented, f"no section `{model.__name__}` in the docs"
    listed = documented[model.__name__]
    assert sorted(set(listed)) == sorted(listed), "a field listed twice"
    assert set(listed) == _own_fields(model)


def test_the_docs_point_only_inside_the_project() -> None:
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        assert "shared/" not in text and "/work/" not in text, path.name


def test_the_whole_examples_of_the_reference_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The question bank and the reactive call of the reference, written as shown, load
    with no problem and the call's golden tests pass."""
    text = DOCS[0].read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    bank = next(block for block in blocks if block.startswith("id: frontline_core"))
    call = next(block for block in blocks if block.startswith("id: parcel_late"))
    root = tmp_path / "content"
    (root / "question_banks").mkdir(parents=True)
    (root / "scenarios").mkdir()
    (root / "question_banks" / "doc_bank.yaml").write_text(
        bank.replace("id: frontline_core", "id: doc_bank", 1), encoding="utf-8"
    )
    (root / "scenarios" / "parcel_late.yaml").write_text(call, encoding="utf-8")
    assert main(["--lang", "en", "validate", str(root)]) == 0
    out = capsys.readouterr().out
    assert "All content is valid" in out and "parcel_late 2/2" in out
    library = load_library([bundled_content_root(), root])
    questions = library.bank("doc_bank").questions  # type: ignore[union-attr]
    assert {question.type for question in questions} == {
        "single",
        "multiple",
        "true_false",
        "short_answer",
        "numerical",
        "matching",
    }
