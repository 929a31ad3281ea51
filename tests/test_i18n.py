"""helpers.i18n: every message exists in both languages with the same placeholders (lesson 01)."""

from __future__ import annotations

import re
import string

import pytest

from helpers import i18n
from helpers.i18n import LANGUAGES, MESSAGES, get_language, set_language, t

BENGALI = re.compile("[\u0980-\u09ff]")
# Keys whose Bengali text may legitimately be a technical token with no Bengali letters
# (e.g. a bare "Tensor"). None today: every message reads as a Bengali sentence or word.
TECHNICAL_KEYS: set[str] = set()


def fields(text: str) -> list[tuple[str, str | None, str]]:
    """(name, conversion, format spec) of every {placeholder} in `text`."""
    return [(name, conv, spec) for _, name, spec, conv in string.Formatter().parse(text) if name is not None]


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_key_has_both_languages_with_text(key):
    assert set(MESSAGES[key]) == set(LANGUAGES)
    for lang in LANGUAGES:
        assert isinstance(MESSAGES[key][lang], str) and MESSAGES[key][lang].strip()


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_placeholders_match_between_languages(key):
    en, bn = (fields(MESSAGES[key][lang]) for lang in ("en", "bn"))
    assert {f[0] for f in en} == {f[0] for f in bn}
    # Same conversion and format spec too: '{loss:.4f}' must not become '{loss}' in one language.
    assert sorted(en) == sorted(bn)


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_bengali_is_bengali_and_english_is_not(key):
    if key not in TECHNICAL_KEYS:
        assert BENGALI.search(MESSAGES[key]["bn"]), f"{key}: Bengali text has no Bengali letters"
    assert not BENGALI.search(MESSAGES[key]["en"]), f"{key}: English text contains Bengali"


def test_technical_keys_exist():
    assert TECHNICAL_KEYS <= set(MESSAGES)


def test_every_message_formats_with_its_own_fields():
    for key, texts in MESSAGES.items():
        for lang in LANGUAGES:
            # An int where the spec asks for one ('5d'), else a float (fits '.4f', '.1%' and no spec).
            values = {name: 3 if spec.endswith("d") else 0.5 for name, _, spec in fields(texts[lang])}
            if key == "lang.unknown":  # its {lang} clashes with t()'s own `lang`; check_language formats it directly
                text = texts[lang].format(**values)
            else:
                text = t(key, lang, **values)
            assert "{" not in text and "}" not in text, (key, lang)


def test_placeholders_do_not_shadow_parameters_of_t():
    """A placeholder named `key` or `lang` could never be filled through t(); only lang.unknown may use one."""
    for key, texts in MESSAGES.items():
        names = {f[0] for f in fields(texts["en"])}
        if key != "lang.unknown":
            assert not names & {"key", "lang"}, key


def test_set_and_get_language_round_trip():
    assert get_language() == "en"
    set_language("bn")
    assert get_language() == "bn"
    assert t("plot.loss") == "লস"
    set_language("en")
    assert get_language() == "en"
    assert t("plot.loss") == "loss"


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
