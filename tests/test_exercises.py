"""The exercises' checkers: each accepts the right answer and rejects the common wrong ones, in both languages.

The solutions live in tests/solutions/, not in the notebooks, which keep the exercises unsolved.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from helpers import exercises
from helpers.exercises import check, grade


def load_cases() -> dict:
    """CASES of every tests/solutions/lNN.py: exercise id -> (right answer, [(wrong answer, hint key)])."""
    cases = {}
    for path in sorted((Path(__file__).parent / "solutions").glob("l*.py")):
        spec = importlib.util.spec_from_file_location(f"solutions_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cases.update(module.CASES)
    return cases


CASES = load_cases()


def test_every_exercise_has_cases():
    assert set(CASES) == set(exercises.CHECKERS)
    for exercise in CASES:
        assert f"ex.{exercise}.why" in exercises.LESSON_MESSAGES, exercise


@pytest.mark.parametrize("lang", ["en", "bn"])
@pytest.mark.parametrize("exercise", sorted(CASES))
def test_right_answer_is_accepted(exercise, lang, capsys):
    assert grade(exercise, CASES[exercise][0], lang=lang)[0] is True
    assert check(exercise, CASES[exercise][0], lang=lang) is None
    out = capsys.readouterr().out
    assert out.startswith("✅") and exercises.say(f"ex.{exercise}.why", lang) in out


@pytest.mark.parametrize("lang", ["en", "bn"])
@pytest.mark.parametrize("exercise,wrong,hint", [(e, w, h) for e, (_, bad) in CASES.items() for w, h in bad])
def test_common_wrong_answer_gets_its_hint(exercise, wrong, hint, lang, capsys):
    assert grade(exercise, wrong, lang=lang)[0] is False
    check(exercise, wrong, lang=lang)
    out = capsys.readouterr().out
    assert out.startswith("❌")
    expected = exercises.LESSON_MESSAGES[hint][lang].split("{")[0][:20]  # the hint's own words, before any value
    assert expected in out


def test_crashing_answer_gets_a_message_not_an_exception(capsys):
    def broken(model, data, targets, optimizer, criterion):
        raise NameError("name 'outputs' is not defined")

    assert grade("02.zero_grad", broken, lang="bn")[0] is False
    check("02.zero_grad", broken, lang="bn")
    assert "NameError" in capsys.readouterr().out


def test_unknown_exercise_is_named():
    with pytest.raises(KeyError, match="99.nope"):
        check("99.nope", None)


def test_every_message_has_both_languages():
    for key, texts in {**exercises.MESSAGES, **exercises.LESSON_MESSAGES}.items():
        assert set(texts) == {"en", "bn"}, key
        assert all(texts.values()), key
        assert re.search("[\u0980-\u09ff]", texts["bn"]), key
