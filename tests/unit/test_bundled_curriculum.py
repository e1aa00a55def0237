"""The bundled curriculum is complete: every track covers the source plan's items with real
lessons, enough explained questions of every type, and role-plays whose golden tests pass and
whose model answers pass in both languages. The coverage table is printed (pytest -s)."""

from __future__ import annotations

import pytest

from trainer.content import load_library
from trainer.content.coverage import Coverage, coverage
from trainer.content.loader import ContentLibrary
from trainer.content.models import Scenario
from trainer.locations import bundled_content_root
from trainer.services.roleplay.engine import Context, RolePlay
from trainer.services.roleplay.golden import golden_problems

QUESTION_TYPES = {"single", "multiple", "true_false", "matching", "numerical", "short_answer"}

# The layered training plan of the source documents, module by module.
MODULES = {
    "new_hire": {"culture", "process", "systems", "script_drill", "onboarding"},
    "frontline": {
        "etiquette",
        "communication",
        "product_knowledge",
        "emotion_management",
        "complaint_handling",
        "crm_tickets",
        "hotline_standard",
    },
    "supervisor": {"quality", "coaching", "cross_department", "root_cause", "sop"},
}

# Each situation the curriculum must let people practise, and the track that offers it.
SITUATIONS = {
    "a refund that has not arrived": ("frontline", "refund_delay"),
    "a rude-agent complaint": ("frontline", "rude_agent"),
    "a long wait and slow response": ("frontline", "long_wait"),
    "a repeated complaint": ("frontline", "repeat_complaint"),
    "a return stuck in a three-step approval": ("frontline", "return_approval"),
    "an after-sales repair and dispatch": ("frontline", "repair_dispatch"),
    "a VIP customer": ("frontline", "vip_customer"),
    "a business client": ("frontline", "b2b_client"),
    "a request beyond the agent's authority": ("frontline", "beyond_authority"),
    "a system outage": ("frontline", "system_down"),
    "a caller asking for someone else's data": ("frontline", "privacy_request"),
    "a billing error": ("frontline", "billing_error"),
    "a satisfaction callback": ("frontline", "satisfaction_callback"),
    "the script drill": ("new_hire", "greeting_drill"),
    "a second script drill": ("new_hire", "fact_confirm_drill"),
    "an escalated major complaint": ("supervisor", "major_complaint"),
    "coaching an agent after a failed call": ("supervisor", "coaching_session"),
}


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    return load_library([bundled_content_root()])


@pytest.fixture(scope="module")
def report(library: ContentLibrary) -> Coverage:
    found = coverage(library)
    print()
    print(f"{'track':12} {'modules':>7} {'lessons':>7} {'questions':>9}  role-plays  types")
    for track in found.tracks:
        types = ", ".join(f"{kind} {count}" for kind, count in track.question_types.items())
        print(
            f"{track.track:12} {len(track.modules):>7} {track.lessons:>7} {track.questions:>9}"
            f"  {len(track.scenarios):>10}  {types}"
        )
    print(f"{len(found.scenarios)} scenarios, {found.questions} questions in all")
    return found


def test_the_content_is_valid_and_every_golden_test_passes(library: ContentLibrary) -> None:
    assert library.problems == []
    assert golden_problems(library) == []


def test_validate_prints_each_tracks_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    from trainer.cli import main

    assert main(["--lang", "en", "validate"]) == 0
    out = capsys.readouterr().out
    assert "  Frontline agent: 7 modules, 11 lessons, 68 questions, 14 role-plays" in out
    assert "  Supervisor: 5 modules, 8 lessons, 77 questions, 4 role-plays" in out
    assert "in one language only" not in out


def test_each_track_has_the_modules_of_the_source_plan(report: Coverage) -> None:
    assert {track.track: set(track.modules) for track in report.tracks} == MODULES


def test_lessons_are_real_teaching_text_in_both_languages(report: Coverage) -> None:
    for track in report.tracks:
        assert track.lessons >= len(track.modules), track.track
        # a summary line is not a lesson: the shortest holds sections and examples
        assert track.shortest_lesson["zh"] >= 350, track.track
        assert track.shortest_lesson["en"] >= 900, track.track


def test_question_counts_types_and_explanations(report: Coverage) -> None:
    assert report.questions >= 200
    for track in report.tracks:
        assert track.questions >= 60, track.track
        assert set(track.question_types) == QUESTION_TYPES, track.track
        assert track.unexplained == [], track.track
        assert track.modules_without_questions == [], track.track
        assert track.modules_not_drawn == [], track.track


def test_every_text_a_person_reads_exists_in_both_languages(report: Coverage) -> None:
    assert report.one_language == []


def test_scenarios_have_the_shape_of_a_real_call(report: Coverage) -> None:
    assert len(report.scenarios) >= 15
    for scenario in report.scenarios:
        assert scenario.nodes >= 4, scenario.scenario
        assert scenario.choice_nodes >= 1 and scenario.free_text_nodes >= 1, scenario.scenario
        assert scenario.endings >= 2, scenario.scenario
        assert scenario.golden_tests >= 3, scenario.scenario
    with_facts = [s for s in report.scenarios if s.facts]
    with_secrets = [s for s in report.scenarios if s.secrets]
    assert len(with_facts) >= len(report.scenarios) - 1  # all but the coaching talk
    assert len(with_secrets) >= 8


def test_every_situation_is_offered_on_its_track(report: Coverage) -> None:
    offered = {track.track: set(track.scenarios) for track in report.tracks}
    missing = [
        situation
        for situation, (track, scenario) in SITUATIONS.items()
        if scenario not in offered[track]
    ]
    assert missing == []


def test_golden_tests_cover_a_model_run_a_missing_apology_and_a_broken_rule(
    library: ContentLibrary,
) -> None:
    for loaded in library.scenarios.values():
        expects = [test.expect for test in loaded.model.tests]
        assert any(e.passed for e in expects), loaded.model.id
        assert sum(1 for e in expects if e.passed is False) >= 2, loaded.model.id


def _model_run(scenario: Scenario, lang: str, context: Context) -> RolePlay:
    """Play a scenario with its model answers, the best option at each choice, and the
    standard closing where a node gives no model answer."""
    run = RolePlay(scenario, lang, context)
    closing = context.standard.closing.better
    while not run.finished:
        node = run.node
        assert node is not None
        if node.input == "choice":
            best = max(range(len(node.options)), key=lambda k: sum(node.options[k].score.values()))
            run.pick(best + 1)
        elif node.model_answer is not None:
            run.say(node.model_answer.get(lang))
        else:
            assert closing is not None
            run.say(closing.get(lang))
    return run


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_model_answers_pass_in_both_languages(library: ContentLibrary, lang: str) -> None:
    context = Context(library.lexicon, library.standard)
    failing = {}
    for scenario_id, loaded in sorted(library.scenarios.items()):
        card = _model_run(loaded.model, lang, context).scorecard()
        if not card.passed or card.fatal or card.total < 80:
            failing[scenario_id] = card.total
    assert failing == {}
