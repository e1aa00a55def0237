"""The working context: content loads once, even when a warm-up thread and a screen ask at
the same time; failed golden tests are among the content problems the trainer sees."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from trainer.content import loader
from trainer.locations import bundled_content_root
from trainer.services.context import open_context
from trainer.services.roleplay.golden import golden_problems
from trainer.settings import Settings


def test_a_warm_up_and_a_screen_asking_together_load_the_content_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = open_context(Settings(data_dir=tmp_path))
    loads = []
    real = loader.load_library

    def counting(*args: object, **kwargs: object) -> loader.ContentLibrary:
        loads.append(threading.current_thread().name)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_library", counting)
    warm = threading.Thread(target=context.warm_up, name="warm-up")
    warm.start()
    library = context.library
    warm.join()
    assert len(loads) == 1
    assert context.library is library and library.scenarios


def test_content_problems_include_failed_golden_tests(tmp_path: Path) -> None:
    # a company's copy of the script drill whose model run is wrongly expected to fail
    root = tmp_path / "acme"
    (root / "scenarios").mkdir(parents=True)
    drill = (bundled_content_root() / "scenarios" / "greeting_drill.yaml").read_text("utf-8")
    wrong = drill.replace(
        "expect: {min_total: 80, ending: end_ok, passed: true}", "expect: {passed: false}"
    )
    assert wrong != drill
    (root / "scenarios" / "greeting_drill.yaml").write_text(wrong, encoding="utf-8")
    context = open_context(Settings(data_dir=tmp_path / "data", content_roots=[root]))
    library = context.library
    assert library.problems == []  # loading alone does not play the golden tests
    failed = context.content_problems
    assert [problem.key for problem in failed] == ["golden_passed"]
    assert failed == golden_problems(library)
    context.reload_content()
    assert "content_problems" not in context.__dict__ and "library" not in context.__dict__
