"""What belongs to one lesson only: its plot labels and its exercises, one module per lesson.

Each `lNN.py` has MESSAGES (key -> {"en": ..., "bn": ...}: labels for `helpers.t` and the
exercises' texts), registered with helpers.i18n, and CHECKERS (exercise id -> checker, see
helpers.exercises). This package collects them all, so adding a lesson never touches a shared table.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

from ..i18n import register

CHECKERS: dict[str, Callable[[Any], Any]] = {}

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    register(getattr(_module, "MESSAGES", {}))
    CHECKERS.update(getattr(_module, "CHECKERS", {}))
