"""helpers.i18n: one registry of every message, each in both languages with the same placeholders (lesson 01)."""

from __future__ import annotations

import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import i18n
from helpers.i18n import LANGUAGES, get_language, register, set_language, t

BENGALI = re.compile("[\u0980-\u09ff]")
LATIN_WORD = re.compile("[A-Za-z]{2,}")
ALL = i18n.all_messages()  # every module of helpers imported, so every table registered
# Messages that are a line of code, the same in both languages (the doctor's one-line fixes).
CODE_KEYS = {"doc.bce_int_targets.fix", "doc.float_class_targets.fix", "doc.onehot_targets.fix",
             "doc.target_extra_dim.fix"}


def fields(text: str) -> list[tuple[str, str | None, str]]:
    """(name, conversion, format spec) of every {placeholder} in `text`."""
    return [(name, conv, spec) for _, name, spec, conv in string.Formatter().parse(text) if name is not None]


def words(text: str) -> str:
    """The text without its placeholders, code spans and code-like names: what a reader reads as language."""
    text = re.sub(r"\{[^{}]*\}|`[^`]*`", "", text)
    return re.sub(r"\b\w+[._(=]\w*[\w.()=,'\"]*|\b[A-Z][A-Za-z0-9]*\b", "", text)


def test_every_module_registers_its_own_table_and_i18n_knows_none_of_them():
    assert len(ALL) > 300
    tables = [module.MESSAGES for name, module in sorted(sys.modules.items())
              if name.startswith("helpers") and isinstance(getattr(module, "MESSAGES", None), dict)]
    tables += [sys.modules["helpers.plots"].LESSON_LABELS]
    assert sum(len(table) for table in tables) == len(ALL)  # each key in one table, beside the code that prints it
    assert {key for table in tables for key in table} == set(ALL)
    assert set(i18n.MESSAGES) == {"lang.unknown"}  # the registry's own; every other key lives beside its code
    source = Path(i18n.__file__).read_text(encoding="utf-8")
    assert "helpers." not in source.replace("helpers.t(", "").replace("helpers/__main__.py", "")


@pytest.mark.parametrize("key, owner", [("doc.none", "helpers.doctor"), ("l03.best_epoch", "helpers.plots"),
                                        ("ex.right", "helpers.exercises"), ("fit.progress", "helpers.engine")])
def test_a_key_looked_up_before_its_owner_is_imported_is_found(key, owner):
    code = (f"import sys, helpers.i18n as i; print({owner!r} in sys.modules); "
            f"print(i.known({key!r}), {owner!r} in sys.modules, i.known('not a key'), i.known('no.such_key'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["False", "True", "True", "False", "False"], result.stderr


@pytest.mark.parametrize("key", sorted(ALL))
def test_message(key):
    """Both languages, with text; the same placeholders (name, conversion, format spec); each in its script."""
    texts = ALL[key]
    assert set(texts) == set(LANGUAGES)
    assert all(isinstance(text, str) and text.strip() for text in texts.values())
    en, bn = fields(texts["en"]), fields(texts["bn"])
    assert sorted(en) == sorted(bn), "'{loss:.4f}' must not become '{loss}' in one language"
    assert not BENGALI.search(texts["en"]), "English text contains Bengali"
    if key in CODE_KEYS:
        assert texts["en"] == texts["bn"] and "=" in texts["en"], "a code line, the same in both languages"
    elif LATIN_WORD.search(words(texts["en"])):  # the English says something in words: so must the Bengali
        assert BENGALI.search(texts["bn"]), "Bengali text has no Bengali letters"
    if key != "lang.unknown":  # its {lang} clashes with t()'s own `lang`; check_language formats it directly
        assert not {f[0] for f in en} & {"key", "lang"}, "a placeholder named like a parameter of t()"
        for lang in LANGUAGES:
            # An int where the spec asks for one ('5d'), else a float (fits '.4f', '.1%', '.0e' and no spec).
            values = {name: 3 if spec.endswith("d") else 0.5 for name, _, spec in fields(texts[lang])}
            assert "{" not in t(key, lang, **values)


def test_a_key_defined_twice_is_refused():
    with pytest.raises(ValueError, match="defined twice"):
        register({"plot.loss": {"en": "loss", "bn": "লস"}})
    assert t("plot.loss", "bn") == "লস"  # the registry is unchanged


def test_an_unknown_key_is_a_key_error_and_not_known():
    with pytest.raises(KeyError):
        t("plot.no_such_label")
    assert not i18n.known("plot.no_such_label") and not i18n.known("nosuchowner.x")
    assert i18n.known("plot.loss") and i18n.known("doc.none") and i18n.known("ex.right")


def test_the_search_never_imports_a_second_copy_of_the_running_command_line():
    """Under `python -m helpers` the command line is __main__: imported again, its table would clash with itself."""
    code = ("import importlib.util, sys, types; main = types.ModuleType('__main__'); "
            "main.__spec__ = importlib.util.find_spec('helpers.__main__'); sys.modules['__main__'] = main; "
            "import helpers.i18n as i; print(i.known('doc.none'), i.known('no.such_key'), 'helpers.__main__' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["True", "False", "False"], result.stderr


def test_set_and_get_language_round_trip():
    assert get_language() == "en"
    set_language("bn")
    assert get_language() == "bn"
    assert t("plot.loss") == "লস"
    set_language("en")
    assert get_language() == "en"
    assert t("plot.loss") == "loss"


def test_processes_started_after_set_language_speak_it():
    # lesson 11's torchrun scripts print fit's lines in the notebook's language, through HELPERS_LANG
    child = [sys.executable, "-c", "from helpers.i18n import t; print(t('plot.loss'))"]
    set_language("bn")
    assert os.environ[i18n.LANGUAGE_VARIABLE] == "bn"
    assert subprocess.run(child, capture_output=True, text=True, check=True).stdout.strip() == "লস"
    set_language("en")
    assert subprocess.run(child, capture_output=True, text=True, check=True).stdout.strip() == "loss"
    unknown = dict(os.environ, **{i18n.LANGUAGE_VARIABLE: "fr"})  # a wrong value falls back to English
    assert subprocess.run(child, capture_output=True, text=True, check=True, env=unknown).stdout.strip() == "loss"


@pytest.mark.parametrize("bad", ["fr", "EN", "", "bengali"])
def test_unknown_language_raises_in_both_languages(bad):
    with pytest.raises(ValueError) as info:
        set_language(bad)
    message = str(info.value)
    assert "Unknown language" in message
    assert "অজানা ভাষা" in message
    assert repr(bad) in message
    assert get_language() == "en"  # a failed switch leaves the language alone


def test_unknown_language_in_t_raises():
    with pytest.raises(ValueError, match="অজানা"):
        t("plot.loss", "de")


def test_t_formats_in_chosen_and_explicit_language():
    assert t("loop.batch", batch=3, total=40, loss=1.23456) == "Batch     3/   40 | Loss: 1.2346"
    assert t("loop.batch", "bn", batch=3, total=40, loss=1.23456) == "ব্যাচ     3/   40 | লস: 1.2346"
    set_language("bn")
    assert t("demo.test", loss=0.1, acc=0.975) == "টেস্ট লস 0.1000, টেস্ট সঠিকতা 97.5%"
    assert t("demo.test", "en", loss=0.1, acc=0.975) == "Test loss 0.1000, test accuracy 97.5%"


def test_check_language_returns_its_argument():
    assert [i18n.check_language(lang) for lang in LANGUAGES] == list(LANGUAGES)


def test_first_line_drops_a_dangling_colon():
    assert i18n.first_line(RuntimeError("Error downloading train-images-idx3-ubyte.gz:\nmore")) == (
        "Error downloading train-images-idx3-ubyte.gz")
    assert i18n.first_line(ValueError(":")) == "ValueError"
