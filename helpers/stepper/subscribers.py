"""Telling the stepper's views that it moved (lesson 02): once per action, from a button or from code.

An action may run others (`next_batch` runs `step` fifteen times); the subscribers hear of it once,
when the outermost one ends, even if it ends with an error. They are held weakly, so a view that is
gone is forgotten.
"""

from __future__ import annotations

import contextlib
import functools
import weakref
from collections.abc import Callable, Iterator
from typing import Any


class Subscribers:
    """Bound methods to call after every outermost action, held weakly (lesson 02)."""

    def __init__(self) -> None:
        self._methods: list[weakref.WeakMethod] = []
        self._depth = 0

    def add(self, method: Callable[[], None]) -> None:
        """Call the bound method `method` after every action from now on."""
        self._methods.append(weakref.WeakMethod(method))

    @contextlib.contextmanager
    def action(self) -> Iterator[None]:
        """Count nested actions; when the outermost ends, call every subscriber still alive."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._methods = [m for m in self._methods if m() is not None]
                for method in list(self._methods):
                    method()()


def action(method: Callable) -> Callable:
    """Decorate a method that changes its object: the object's `subscribers` hear of it (lesson 02)."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self.subscribers.action():
            return method(self, *args, **kwargs)

    return wrapper
