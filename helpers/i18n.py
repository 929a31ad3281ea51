"""The one message registry and its lookup, `t`, in English and Bengali (lesson 01 explains `lang`).

Every module that prints keeps its own table beside its code, `MESSAGES = {"prefix.key": {"en": ..., "bn": ...}}`,
and registers it here when it is imported. This module knows none of them: `t` finds a key once its owner has
been imported (always so when the owner's code prints), and a key looked up before that (a lesson calling
`helpers.t("l03.best_epoch")` first thing) is found by importing the package's modules until one registers it.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import sys
from collections.abc import Iterator

LANGUAGES = ("en", "bn")

MESSAGES: dict[str, dict[str, str]] = {
    "lang.unknown": {
        "en": "Unknown language {lang!r}: use 'en' or 'bn'.",
        "bn": "অজানা ভাষা {lang!r}: 'en' অথবা 'bn' দাও।",
    },
}

# A script that a notebook launches (lesson 11's torchrun workers) cannot see the notebook's choice, so
# set_language also writes it to the environment, which child processes inherit and read here.
LANGUAGE_VARIABLE = "HELPERS_LANG"
_current = {"lang": os.environ.get(LANGUAGE_VARIABLE) if os.environ.get(LANGUAGE_VARIABLE) in LANGUAGES else "en"}


def check_language(lang: str) -> str:
    """Return `lang` if it is 'en' or 'bn', else raise a two-language ValueError (lesson 01)."""
    if lang not in LANGUAGES:
        both = " / ".join(MESSAGES["lang.unknown"][code].format(lang=lang) for code in LANGUAGES)
        raise ValueError(both)
    return lang


def set_language(lang: str) -> None:
    """Choose the language `helpers` prints in when a call names none, here and in the processes this
    one starts (lesson 01; lesson 11's torchrun scripts inherit it through HELPERS_LANG)."""
    _current["lang"] = os.environ[LANGUAGE_VARIABLE] = check_language(lang)


def get_language() -> str:
    """The language `helpers` prints in when a call names none (lesson 01)."""
    return _current["lang"]


# Every registered message, from every module's table; `t` looks keys up in this one dict.
_messages: dict[str, dict[str, str]] = {}
_KEY = re.compile(r"\w+(\.\w+)+")  # "prefix.name[.more]": what a message key looks like; a plain label does not
PACKAGE = __name__.rpartition(".")[0]  # "helpers": the package whose modules own the messages
_walked = {"all": False}


def register(table: dict[str, dict[str, str]]) -> None:
    """Add a module's messages to the one registry; a key defined by two tables is refused (README: messages)."""
    for key, texts in table.items():
        if _messages.get(key, texts) is not texts:
            raise ValueError(f"message key {key!r} is defined twice")
    _messages.update(table)


def _modules(*, strict: bool) -> Iterator[str]:
    """Import the package's modules one by one (subpackages included), yielding each name once imported.

    Not strict: a module whose optional dependency is missing (ipywidgets for a widget) is skipped.
    """
    package = importlib.import_module(PACKAGE)
    running = getattr(sys.modules.get("__main__"), "__spec__", None)  # `python -m helpers` runs as __main__
    for info in pkgutil.walk_packages(package.__path__, prefix=PACKAGE + ".",
                                      onerror=None if strict else (lambda _name: None)):
        if running is not None and info.name == running.name:  # imported twice, its table would clash with itself
            continue
        try:
            importlib.import_module(info.name)
        except ImportError:
            if strict:
                raise
            continue
        yield info.name


def _lookup(key: str) -> dict[str, str]:
    """The texts of `key`; when its owner is not imported yet, import the package's modules until one registers it."""
    if key not in _messages and _KEY.fullmatch(key) and not _walked["all"]:
        for _ in _modules(strict=False):
            if key in _messages:
                break
        else:
            _walked["all"] = True  # every module is imported now: a key still missing is no key at all
    return _messages[key]


def known(key: str) -> bool:
    """Whether `key` names a message (used to tell message keys from plain labels)."""
    try:
        _lookup(key)
    except KeyError:
        return False
    return True


def all_messages() -> dict[str, dict[str, str]]:
    """Every message of the package, every module imported: what the tests check key by key."""
    for _ in _modules(strict=True):
        pass
    return dict(_messages)


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The message `key` in `lang` (default: the chosen language), filled with `values`."""
    lang = check_language(lang or get_language())
    return _lookup(key)[lang].format(**values)


def first_line(error: BaseException) -> str:
    """A short reason for a message: the error's first line, or its type when it has no text."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # some errors carry terminal colour codes
    line = (text or type(error).__name__).splitlines()[0][:200].rstrip(" :")  # "Error downloading x.gz:" ends here
    return line or type(error).__name__


register(MESSAGES)
