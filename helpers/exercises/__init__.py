"""Exercises that check themselves: `check("02.zero_grad", answer)` says what is right or what to look at.

One module per lesson, `lNN.py`, holds that lesson's checkers and the texts they pick from: MESSAGES
(key -> {"en": ..., "bn": ...}: the exercises' hints; the lessons' plot labels live in helpers.plots),
registered with helpers.i18n, and CHECKERS (exercise id -> checker); this package collects them all,
so adding a lesson never touches a shared table. A checker runs the learner's answer on a small case
whose right result is known and returns None when the answer is right, or a hint's key (optionally
with values: `("ex.02.log_interval.count", {"lines": 4})`). Each exercise also has a message
"ex.<id>.why" saying why the right answer is right. The solutions stay out of the notebooks, in
tests/solutions/; tests/test_exercises.py proves that every checker accepts the right answer and
rejects the common wrong ones, in both languages.
"""

from __future__ import annotations

import importlib
import pkgutil
import textwrap
from collections.abc import Callable
from typing import Any, NamedTuple

from ..i18n import register, t

MESSAGES: dict[str, dict[str, str]] = {
    "ex.unknown": {
        "en": "There is no exercise {id!r}. Known: {known}.",
        "bn": "{id!r} নামে কোনো অনুশীলনী নেই। আছে: {known}।",
    },
    "ex.right": {"en": "✅ Right! {why}", "bn": "✅ ঠিক হয়েছে! {why}"},
    "ex.not_yet": {"en": "❌ Not yet. {hint}", "bn": "❌ এখনো হয়নি। {hint}"},
    "ex.crashed": {
        "en": "❌ Your code raised {error}. Read the message, fix the cell, and run both cells again.",
        "bn": "❌ তোমার কোড এরর দেখিয়েছে ({error})। বার্তাটি পড়ো, সেলটি ঠিক করো, তারপর দুটো সেলই আবার চালাও।",
    },
}


register(MESSAGES)

CHECKERS: dict[str, Callable[[Any], Any]] = {}
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name.startswith("_"):  # _cases.py: what the checkers share, no exercises of its own
        continue
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    register(_module.MESSAGES)  # refuses a key that another table defines too
    _twice = CHECKERS.keys() & _module.CHECKERS.keys()
    if _twice:
        raise ValueError(f"exercise ids defined twice: {sorted(_twice)}")
    CHECKERS.update(_module.CHECKERS)

WIDTH = 96  # characters per printed line: fits a notebook column at the default font size


class Verdict(NamedTuple):
    """What a checker decided: right or not, the message for the learner, and the hint's key when wrong."""

    right: bool
    message: str
    hint: str | None = None


def grade(exercise: str, answer: Any, *, lang: str | None = None) -> Verdict:
    """Whether an answer is right, and what to tell the learner, in the lesson's language."""
    if exercise not in CHECKERS:
        raise KeyError(t("ex.unknown", lang, id=exercise, known=", ".join(CHECKERS)))
    try:
        verdict = CHECKERS[exercise](answer)
    except Exception as error:  # the learner's code is unfinished: a hint, never a crashed notebook
        return Verdict(False, t("ex.crashed", lang, error=f"{type(error).__name__}: {error}"), "ex.crashed")
    if verdict is None:
        return Verdict(True, t("ex.right", lang, why=t(f"ex.{exercise}.why", lang)))
    key, values = verdict if isinstance(verdict, tuple) else (verdict, {})
    return Verdict(False, t("ex.not_yet", lang, hint=t(key, lang, **values)), key)


def check(exercise: str, answer: Any, *, lang: str | None = None) -> None:
    """Check an answer and print what is right or a hint, in the lesson's language (lessons 02-09).

    Returns nothing, so the notebook shows only the message (no stray True/False under it). Long messages
    are broken between words: a notebook wraps a long output line anywhere, even in the middle of a word.
    """
    print(textwrap.fill(grade(exercise, answer, lang=lang).message, width=WIDTH, break_long_words=False,
                        break_on_hyphens=False))
