"""The exercises' checkers: each accepts the right answer and rejects the common wrong ones, in both languages.

The solutions live in tests/solutions/, not in the notebooks, which keep the exercises unsolved.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from helpers import exercises, i18n
from helpers.exercises import check, grade
from helpers.i18n import t


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
        assert i18n.known(f"ex.{exercise}.why"), exercise


@pytest.mark.parametrize("lang", ["en", "bn"])
@pytest.mark.parametrize("exercise", sorted(CASES))
def test_right_answer_is_accepted(exercise, lang, capsys):
    assert grade(exercise, CASES[exercise][0], lang=lang)[0] is True
    assert check(exercise, CASES[exercise][0], lang=lang) is None
    out = capsys.readouterr().out
    assert out.startswith("✅") and " ".join(t(f"ex.{exercise}.why", lang).split()) in " ".join(out.split())


@pytest.mark.parametrize("lang", ["en", "bn"])
@pytest.mark.parametrize("exercise,wrong,hint", [(e, w, h) for e, (_, bad) in CASES.items() for w, h in bad])
def test_common_wrong_answer_gets_its_hint(exercise, wrong, hint, lang, capsys):
    verdict = grade(exercise, wrong, lang=lang)
    assert verdict.right is False and verdict.hint == hint  # this very hint, not merely some hint
    check(exercise, wrong, lang=lang)
    out = capsys.readouterr().out
    assert out.startswith("❌") and " ".join(out.split()) == " ".join(verdict.message.split())
    assert all(len(line) <= exercises.WIDTH for line in out.splitlines() if " " in line)  # broken between words


def test_crashing_answer_gets_a_message_not_an_exception(capsys):
    def broken(model, data, targets, optimizer, criterion):
        raise NameError("name 'outputs' is not defined")

    assert grade("02.zero_grad", broken, lang="bn").hint == "ex.crashed"
    check("02.zero_grad", broken, lang="bn")
    assert "NameError" in capsys.readouterr().out


def test_unknown_exercise_is_named():
    with pytest.raises(KeyError, match="99.nope"):
        check("99.nope", None)


