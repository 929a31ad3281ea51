"""Bengali lessons follow lessons_bn/GLOSSARY.md: an English term appears first as `বাংলা (English)`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tools import course

GLOSSARY = course.ROOT / "lessons_bn" / "GLOSSARY.md"
BENGALI = re.compile("[\u0980-\u09ff]")


TRANSLITERATED = "✓"  # the glossary's last column ("প্রতিবর্ণ"): every Bengali form of the row is a transliteration


def table(first_header: str) -> list[list[str]]:
    """The body rows of the glossary's table whose header row starts with `first_header`, split into cells.

    A cell may hold an escaped pipe (`\\|`, a regex's "or" in the forbidden forms); it is returned as `|`.
    """
    found, inside = [], False
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            inside = False
            continue
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if cells[0] == first_header:
            inside = True
        elif inside and not set(cells[0]) <= set("-: "):
            found.append(cells)
    return found


def rows() -> list[list[str]]:
    """The cells of every term row: English, বাংলা, note and, where given, প্রতিবর্ণ (transliteration)."""
    return [cells + [""] * (4 - len(cells)) for cells in table("English") if len(cells) >= 3]


def _split(cell: str, separators: str = r"\s*/\s*") -> list[str]:
    return [re.sub(r"\s*\(.*?\)", "", part).strip() for part in re.split(separators, cell)]


def glossary() -> list[tuple[list[str], list[str]]]:
    """(English spellings, Bengali spellings) of every term that is translated (not kept in English)."""
    terms = []
    for english, bengali, *_ in rows():
        if not BENGALI.search(bengali):
            continue  # kept in English
        spellings = _split(english)
        forms = _split(bengali, r"\s*[/,;]\s*")
        terms.append(([s for s in spellings if len(s) >= 3], [f for f in forms if f]))
    return terms


def transliterations() -> list[tuple[list[str], list[str]]]:
    """(English spellings, transliterated Bengali forms) of the terms the glossary marks as transliterations.

    A part in brackets counts both ways: "validation (set)" is "validation" and "validation set".
    """
    def variants(cell: str) -> list[str]:
        found = []
        for part in re.split(r"\s*/\s*", cell):
            found += [re.sub(r"\s*\(.*?\)", "", part).strip(), re.sub(r"\s+", " ", re.sub(r"[()]", "", part)).strip()]
        return list(dict.fromkeys(f for f in found if f))

    terms = []
    for english, bengali, _, mark in rows():
        if not mark or not BENGALI.search(bengali):
            continue
        if mark == TRANSLITERATED:
            terms.append(([s for s in variants(english) if len(s) >= 2], variants(bengali)))
            continue
        # Only some forms are transliterations: a form is the n-th Bengali form, so pair it with the n-th English
        # spelling where the row gives as many ("variance / high variance" and "ভ্যারিয়েন্স / উঁচু ভ্যারিয়েন্স").
        english_parts, bengali_parts = re.split(r"\s*/\s*", english), re.split(r"\s*/\s*", bengali)
        for form in re.split(r"\s*/\s*", mark):
            index = next((i for i, part in enumerate(bengali_parts) if form in variants(part)), None)
            spelling = english if index is None or len(english_parts) != len(bengali_parts) else english_parts[index]
            terms.append(([s for s in variants(spelling) if len(s) >= 2], variants(form)))
    return terms


def bengali_lesson(name: str) -> Path:
    """lessons_bn/NAME.md; the test is skipped while the twin is not written yet (`tools.course check` fails then)."""
    path = course.lesson_dir(course.ROOT, "bn") / f"{name}.md"
    if not path.exists():
        pytest.skip(f"{name} has no Bengali twin yet")
    return path


def prose(path: Path) -> str:
    """The Markdown text of a lesson without front matter, code blocks, inline code and link targets."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"\]\([^)\s]*\)", "]", text)  # a link's or picture's address is not prose
    return re.sub(r"`[^`\n]*`", " ", text)


def first_use_problems(text: str) -> list[str]:
    problems = []
    transliterated = {form for _, forms in transliterations() for form in forms}
    terms = glossary()
    every = {s.lower() for spellings, _ in terms for s in spellings}
    for spellings, forms in terms:
        for spelling in spellings:
            # "error" inside "mean squared error" is that longer term, checked on its own
            longer = [s for s in every if spelling.lower() in s and s != spelling.lower()]
            masked = re.sub("|".join(map(re.escape, longer)), lambda m: " " * len(m.group(0)), text,
                            flags=re.I) if longer else text
            match = re.search(rf"(?<![\w-]){re.escape(spelling)}(?![\w(-])", masked, flags=re.I)
            if not match:
                continue
            before = text[max(0, match.start() - 60) : match.start()]
            inside_parentheses = before.rfind("(") > before.rfind(")")
            closing = text.find(")", match.end())
            before += text[match.end() : closing if closing != -1 else match.end()]  # "(English: বাংলা)" also counts
            # Bengali inflects: "কনভার্জ করে" introduces "কনভার্জ করা", so the form's first word is enough.
            if inside_parentheses and any(form.split()[0] in before for form in forms):
                continue
            # A transliteration is not glossed: once its Bengali form has been used, the English word may follow.
            if any(form in transliterated and form.split()[0] in text[: match.start()] for form in forms):
                continue
            problems.append(f"'{spelling}' first appears without its Bengali form ({' / '.join(forms)}): "
                            f"...{text[max(0, match.start() - 40) : match.end() + 20]!r}")
    return problems


def test_glossary_parses():
    terms = glossary()
    assert len(terms) > 50
    assert any("loss" in spellings for spellings, _ in terms)


@pytest.mark.parametrize("name", course.lesson_names(), ids=str)
def test_bengali_lesson_introduces_terms_in_bengali(name):
    assert first_use_problems(prose(bengali_lesson(name))) == []


def test_rule_catches_a_bare_english_term():
    assert first_use_problems("এখানে gradient হিসাব হয়।")
    assert first_use_problems("এখানে generalisation মাপা হয়।")
    assert not first_use_problems("এখানে সাধারণীকরণ (generalisation) মাপা হয়। পরে generalisation আবার।")
    assert not first_use_problems("এখানে গ্রেডিয়েন্ট হিসাব হয়। পরে gradient আবার।")  # a transliteration


# The first rule of GLOSSARY.md: a transliteration (মডেল, লস, ব্যাচ) is never glossed, "মডেল (model)" repeats
# what the student has just read.


def transliteration_glosses(text: str) -> list[str]:
    """Places where a transliterated glossary term is followed by its English in brackets: "মডেলের (model)"."""
    problems = []
    for spellings, forms in transliterations():
        for form in forms:
            for spelling in spellings:
                pattern = (rf"(?<![\u0980-\u09ff]){re.escape(form)}[\u0980-\u09ff]*[*\"”’']*\s*"
                           rf"\(\s*{re.escape(spelling)}(?:s|es)?\s*[),;:]")
                problems += [f"{m.group(0)!r}: {form} is a transliteration, no gloss"
                             for m in re.finditer(pattern, text, flags=re.I)]
    return problems


def test_glossary_marks_transliterations():
    marked = {form for _, forms in transliterations() for form in forms}
    assert {"মডেল", "লস", "ব্যাচ", "আর্লি স্টপিং", "টেস্ট সেট"} <= marked
    assert not {"সঠিকতা", "ওজন-ক্ষয়", "সাধারণীকরণ", "আগেভাগে থামানো"} & marked


@pytest.mark.parametrize("name", course.lesson_names(), ids=str)
def test_bengali_lesson_does_not_gloss_transliterations(name):
    assert transliteration_glosses(prose(bengali_lesson(name))) == []


def test_rule_catches_a_glossed_transliteration():
    assert transliteration_glosses("প্রথমে মডেল (model) বানাই।")
    assert transliteration_glosses("প্রতিটি ক্লাসের (class) জন্য")
    assert transliteration_glosses("*ইপক* (epoch)")
    assert transliteration_glosses("টেস্ট সেট (test set) আলাদা থাকে")
    assert transliteration_glosses("আর্লি স্টপিং (early stopping; পাঠ ০৮)")
    assert not transliteration_glosses("সঠিকতা (accuracy) আর ওজন-ক্ষয় (weight decay)")
    assert not transliteration_glosses("আগেভাগে থামানো (early stopping)")  # a translation may be glossed
    assert not transliteration_glosses("ব্যাচ নরমালাইজেশন (BatchNorm)")  # the class name, not a repetition


# The numerals rule of GLOSSARY.md: Latin digits for values, printed numbers and formulas, Bengali
# digits for lesson and section numbers and for counts in running prose, never both in one sentence
# (a lesson or section reference, always Bengali, may stand beside Latin values).
NUMERALS_RULE = course.lesson_names()  # every lesson
REFERENCE = re.compile(r"(?<![\u0980-\u09ff])(?:পাঠ|অংশ|পর্ব|পরীক্ষা|অনুশীলনী)\s*[০-৯]+(?:\.[০-৯]+)*"
                       r"(?:\s*(?:,|ও|আর|বা|থেকে|-)\s*[০-৯]+)*")


def mixed_numerals(text: str) -> list[str]:
    """Sentences of Bengali prose that write numbers in both scripts (names like F1 or float32 do not count)."""
    text = REFERENCE.sub(" ", text)  # "পাঠ ০৬", "অংশ ৩ ও ৬": Bengali by the rule, whatever the sentence's values
    text = re.sub(r"(?m)^#+[ \t]*[০-৯]+(?:\.[০-৯]+)*\.?", " ", text)  # a heading's own number ("## ২.")
    text = re.sub(r"\([^()]*[A-Za-z][^()]*\)", " ", text)  # English glosses
    text = re.sub(r"[A-Za-z_]+[0-9]+|[0-9]*[A-Za-z_]+[0-9]*", " ", text)
    return [s.strip() for s in re.split(r"[।\n|?!]", text) if re.search("[০-৯]", s) and re.search("[0-9]", s)]


@pytest.mark.parametrize("name", NUMERALS_RULE, ids=str)
def test_bengali_lesson_keeps_one_script_per_sentence(name):
    assert mixed_numerals(prose(bengali_lesson(name))) == []


def test_numerals_rule_catches_a_mixed_sentence():
    assert mixed_numerals("লস থেকে যায় ২৫-এর কাছে, কারণ ≈ 27.6।")
    assert not mixed_numerals("৩টি ছবি। লস 0.25। F1 স্কোর ৩টি ক্লাসে।")
    assert not mixed_numerals("পাঠ ০৬-এ লস 0.25-এ নেমেছিল (অংশ ৩ ও ৬)।")  # references are Bengali by the rule
    assert mixed_numerals("পাঠ ০৬-এ ৩টি রানের লস 0.25।")
