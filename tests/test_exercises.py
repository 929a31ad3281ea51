"""The exercises' checkers: each accepts the right answer and rejects the common wrong ones, in both languages.

The solutions live here, not in the notebooks, which keep the exercises unsolved.
"""

from __future__ import annotations

import re

import pytest

from helpers import exercises
from helpers.exercises import check


def zero_grad_right(model, data, targets, optimizer, criterion):
    optimizer.zero_grad()
    outputs = model(data)
    loss = criterion(outputs, targets)
    loss.backward()
    optimizer.step()
    return loss


def zero_grad_forgotten(model, data, targets, optimizer, criterion):
    loss = criterion(model(data), targets)
    loss.backward()
    optimizer.step()
    return loss


def zero_grad_after_backward(model, data, targets, optimizer, criterion):
    loss = criterion(model(data), targets)
    loss.backward()
    optimizer.zero_grad()  # wipes the gradient it just computed: no update at all
    optimizer.step()
    return loss


def step_forgotten(model, data, targets, optimizer, criterion):
    optimizer.zero_grad()
    loss = criterion(model(data), targets)
    loss.backward()
    return loss


def accuracy_right(outputs, targets):
    return (outputs.argmax(dim=1) == targets).float().mean().item()


def accuracy_count(outputs, targets):
    return (outputs.argmax(dim=1) == targets).sum().item()


def accuracy_dim0(outputs, targets):
    return (outputs.argmax(dim=0) == targets).float().mean().item()


def accuracy_max_value(outputs, targets):
    return (outputs.max(dim=1).values == targets).float().mean().item()


# exercise id -> (a right answer, [(a common wrong answer, the hint it must get)])
CASES = {
    "02.zero_grad": (zero_grad_right, [
        (zero_grad_forgotten, "ex.02.zero_grad.piles_up"),
        (zero_grad_after_backward, "ex.02.zero_grad.no_update"),
        (step_forgotten, "ex.02.zero_grad.no_update"),
    ]),
    "02.accuracy": (accuracy_right, [
        (accuracy_count, "ex.02.accuracy.count"),
        (accuracy_dim0, "ex.02.accuracy.dim"),
        (accuracy_max_value, "ex.02.accuracy.wrong"),
    ]),
    "02.log_interval": (4, [(5, "ex.02.log_interval.count"), (0, "ex.02.log_interval.type"),
                            (4.0, "ex.02.log_interval.type")]),
}


def test_every_exercise_has_cases():
    assert set(CASES) == set(exercises.CHECKERS)


@pytest.mark.parametrize("lang", ["en", "bn"])
@pytest.mark.parametrize("exercise", sorted(CASES))
def test_right_answer_is_accepted(exercise, lang, capsys):
    assert check(exercise, CASES[exercise][0], lang=lang) is True
    out = capsys.readouterr().out
    assert out.startswith("✅") and exercises.say(f"ex.{exercise}.why", lang) in out


@pytest.mark.parametrize("lang", ["en", "bn"])
@pytest.mark.parametrize("exercise,wrong,hint", [(e, w, h) for e, (_, bad) in CASES.items() for w, h in bad])
def test_common_wrong_answer_gets_its_hint(exercise, wrong, hint, lang, capsys):
    assert check(exercise, wrong, lang=lang) is False
    out = capsys.readouterr().out
    assert out.startswith("❌")
    expected = exercises.MESSAGES[hint][lang].split("{")[0][:20]  # the hint's own words, before any value
    assert expected in out


def test_crashing_answer_gets_a_message_not_an_exception(capsys):
    def broken(model, data, targets, optimizer, criterion):
        raise NameError("name 'outputs' is not defined")

    assert check("02.zero_grad", broken, lang="bn") is False
    assert "NameError" in capsys.readouterr().out


def test_unknown_exercise_is_named():
    with pytest.raises(KeyError, match="99.nope"):
        check("99.nope", None)


def test_every_message_has_both_languages():
    for key, texts in exercises.MESSAGES.items():
        assert set(texts) == {"en", "bn"}, key
        assert all(texts.values()), key
        assert re.search("[\u0980-\u09ff]", texts["bn"]), key
