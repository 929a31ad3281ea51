"""The teacher's edition (tools/site, issue 22): what it publishes is what CI checks.

The code text shown for each solution and common wrong answer is run again here, through the exercise's checker:
the solution must pass, each wrong answer must get the very hint the page names, and the message the page quotes
must be the one the learner sees. The hand-written parts must exist for every lesson, in both languages, in the
same shape, and name only sections the lesson has.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from helpers.exercises import grade
from tools.site import sources
from tools.site.exercises import as_learner_writes, check_cells, lesson_exercises, run_published, solution_modules
from tools.site.teacher import PARTS, REFERENCE, source_path

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sources.lessons(ROOT)
MODULES = solution_modules(ROOT)


def published(lang: str):
    """(lesson, exercise) for every exercise the teacher's pages publish in `lang`."""
    for name in LESSONS:
        for exercise in lesson_exercises(sources.read_notebook(ROOT, lang, name), MODULES.get(name[:2]), lang):
            yield name, exercise


@pytest.fixture(scope="module")
def bengali():
    return list(published("bn"))


def test_every_checked_exercise_is_published(bengali):
    asked = {e for name in LESSONS for e in check_cells(sources.read_notebook(ROOT, "bn", name))}
    assert asked and {exercise.id for _, exercise in bengali} == asked


def test_published_answers_get_the_published_verdicts(bengali):
    """Run the shown code itself: the solution passes, each wrong answer gets its hint, the quoted message is right."""
    for name, exercise in bengali:
        module = MODULES[name[:2]]
        for answer in (exercise.solution, *exercise.wrong):
            verdict = grade(exercise.id, run_published(answer.code, exercise.variable, module), lang="bn")
            assert verdict.right is (answer.hint is None), (exercise.id, answer.code)
            assert verdict.hint == answer.hint and verdict.message == answer.message, (exercise.id, answer.code)
        assert len(exercise.wrong) == len(module.CASES[exercise.id][1])


def test_english_pages_quote_the_english_messages():
    """Spot check of the other language: lesson 02's messages as an English learner reads them."""
    name = "02_training_loop"
    exercises = lesson_exercises(sources.read_notebook(ROOT, "en", name), MODULES["02"], "en")
    first = exercises[0]
    assert first.solution.message.startswith("✅ Right!")
    assert all(wrong.message.startswith("❌ Not yet.") for wrong in first.wrong)


def test_a_solution_is_shown_as_the_learner_writes_it():
    assert as_learner_writes("def zero_grad_right(model):\n    pass", "train_step") == "def train_step(model):\n    pass"
    assert as_learner_writes("4", "my_log_interval") == "my_log_interval = 4"
    lesson_02 = importlib.import_module("helpers.exercises.l02")
    assert grade("02.log_interval", run_published("my_log_interval = 4", "my_log_interval", lesson_02)).right


@pytest.mark.parametrize("lang", sources.LANGS)
@pytest.mark.parametrize("name", LESSONS)
def test_hand_written_part_exists_in_the_same_shape(name, lang):
    """Goals, a 45-minute plan, a 90-minute plan, misconceptions: each lesson, each language, naming real sections."""
    text = source_path(ROOT, lang, name).read_text(encoding="utf-8")
    headings = re.findall(r"^(#+) ", text, flags=re.M)
    assert headings == ["##"] * PARTS, headings
    twin = source_path(ROOT, "en" if lang == "bn" else "bn", name).read_text(encoding="utf-8")
    assert sorted(REFERENCE.findall(text)) == sorted(REFERENCE.findall(twin)), "the twins name different sections"
    sections = len(re.findall(r"^#+ ", "\n".join(
        line for line in (ROOT / f"lessons_{lang}" / f"{name}.md").read_text(encoding="utf-8").split("```")[::2])
        , flags=re.M))
    for anchor in REFERENCE.findall(text):
        assert 1 <= int(anchor[1:]) <= sections, f"{anchor}: the lesson has {sections} sections"
