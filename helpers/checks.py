"""Argument checks shared by `fit`, the loaders, the playground, the stepper and the exercises (lessons 02-10)."""

from __future__ import annotations


def is_whole(value: object, minimum: int | None = None) -> bool:
    """Whether `value` is a whole number (an int, not a bool), at least `minimum` if given (lessons 02-08).

    `True` is an int to Python, but `epochs=True` is a mistake, not one epoch.
    """
    return isinstance(value, int) and not isinstance(value, bool) and (minimum is None or value >= minimum)
