"""helpers' Bengali messages use the terms of lessons_bn/GLOSSARY.md (issue 13, point 2).

For every glossary term whose English spelling appears in an English message (as a word, not as code),
the Bengali twin must contain the glossary's Bengali form; a Bengali inflection (ইপকে, লসের) contains
its stem, so a substring test accepts it. A few words the glossary rules out (forms it calls old, "ডাকা"
for call, transliterations of terms kept in English) must not appear at all.
"""

from __future__ import annotations

import re

import pytest

from helpers import i18n
from tests.test_glossary import REFERENCE, rows, table

ALL = i18n.all_messages()
BENGALI = re.compile("[\u0980-\u09ff]")
OLD_FORM = "দ্বিতীয় রূপটি পুরোনো"  # the glossary's mark for a second form that new text no longer uses

# Forms the glossary's notes allow besides its first column, each with the note that allows it.
EXTRA_FORMS = {
    "error": ["এরর"],  # "raise (an error): এরর দেখানো / এরর হওয়া"
    "step": ["ধাপ"],  # "iteration / step: সাধারণ অর্থে 'ধাপ'"
    "count": ["গোন", "গুন"],  # "count: কাউন্ট = গুনে পাওয়া সংখ্যা (গুনতি)"; the verb "to count" is গোনা
    "run": ["চাল", "চল"],  # the glossary's রান is "run (of training)"; the verb "to run" is চালানো/চলা
    "training": ["ট্রেন"],  # "training: ক্রিয়াপদে 'ট্রেন করা'"
    "call": ["কল"],  # "call / callable: কল / কল করা যায় এমন"
    "resume": ["চালিয়ে"],  # "resume: চালিয়ে যাওয়া", the button «চালিয়ে যাও»
    "layer": ["লেয়ার"],  # "layer: স্তর; মুখে 'লেয়ার'ও বলা হয়"
    "random": ["র‍্যান্ডম"],  # "random: এলোমেলো (র‍্যান্ডম)"; "random number generator: র‍্যান্ডম সংখ্যা জেনারেটর"
    "noisy": ["নয়েজ"],  # "less noisy" reads best as "নয়েজ কম"
    "raise": ["Error হ", "Error দেখ"],  # "raise: '`TypeError` হয়', 'এরর দেখায়'": the error's own name is enough
}
# English spellings the glossary's first column does not list, for the same concept.
EXTRA_SPELLINGS = {"batch normalisation": ["batch norm"]}

# Words helpers' Bengali messages must not use: the glossary's table "নিষিদ্ধ রূপ", rows for everywhere ("সব") and
# for messages only ("বার্তা"), each matched at the start of a word.
FORBIDDEN = {rf"(?<![\w\u0980-\u09ff.`]){cells[0].strip('` ')}": f"{cells[2]}: {cells[1]}"
             for cells in table("নিষিদ্ধ রূপ") if cells[3] in ("সব", "বার্তা")}

# Messages where an English term has a sense the glossary's term does not (checked by hand).
EXCEPTIONS = {
    ("ex.08.save.not_same", "moment"): "'at the moment of saving', not Adam's moment",
    ("l05.evals", "evaluation"): "'gradient evaluations' counts computations, not model evaluation (মূল্যায়ন)",
    ("ex.03.validate.per_batch", "count"): "'counts as much as' means 'matters as much' (সমান গুরুত্ব)",
    ("ex.03.weighted_loss.per_batch", "count"): "'counts as much as' means 'matters as much' (সমান গুরুত্ব)",
    ("l04.error", "error"): "a prediction's error (prediction − target): ত্রুটি, not a program's এরর",
    ("ex.03.validate.per_batch", "weight"): "'weight each loss by its size' is weighting (ভার দেওয়া), not weights",
    ("ex.03.weighted_loss.divide", "weight"): "'you weighted the means' is weighting (ভার দেওয়া), not weights",
    ("ex.03.weighted_loss.per_batch", "weight"): "'weight every mean' is weighting (ভার দেওয়া), not weights",
    ("pg.health.waiting", "sample"): "'sampled step' is a step picked every few steps (নমুনা), not a data sample",
    ("step.ui.done", "step"): "'step through it' is going line by line (লাইন ধরে ধরে), not an optimizer step",
    ("step.ui.over", "step"): "'step through it' is going line by line (লাইন ধরে ধরে), not an optimizer step",
}


def _entries() -> list[tuple[list[str], list[str], list[str]]]:
    """(English spellings, allowed Bengali forms, old Bengali forms) of every translated glossary term."""
    entries = []
    for english, bengali, note, _ in rows():
        if not BENGALI.search(bengali):
            continue  # kept in English: nothing to translate
        spellings = [re.sub(r"\s*\(.*?\)", "", e).strip().lower() for e in english.split("/")]
        spellings = [s for s in spellings if len(s) >= 3]
        forms = [re.sub(r"\s*\(.*?\)", "", b).strip() for b in bengali.split("/")]
        old = forms[1:] if OLD_FORM in note else []
        allowed = forms[:1] if old else forms
        # Bengali inflects the verb of a phrase ("কল করা" -> "কল করো", "এরর দেখানো" -> "এরর দেখায়"): its other words suffice.
        allowed += [f.rsplit(" ", 1)[0] for f in list(allowed) if re.search(r" \S*(করা|হওয়া|ানো)$", f)]
        for spelling in list(spellings):
            spellings += EXTRA_SPELLINGS.get(spelling, [])
            allowed += EXTRA_FORMS.get(spelling, [])
        entries.append((spellings, [f for f in allowed if f], [f for f in old if f]))
    return entries


ENTRIES = _entries()


def _pattern(spelling: str) -> str:
    """A regex for an English term and its plural or verb forms (loss, losses, probabilities, called)."""
    stem = re.escape(spelling)
    if spelling.endswith("y"):
        return rf"(?<![\w-]){stem[:-1]}(y|ies)(?![\w-])"
    return rf"(?<![\w-]){stem}(s|es|d|ed|ing)?(?![\w-])"


def prose(english: str, bengali: str) -> str:
    """The English a reader reads as words: without placeholders, code, quoted names, and the Latin
    words the Bengali twin keeps as they are (names like `patience` or `targets` that it does not translate)."""
    text = re.sub(r"\{[^{}]*\}|`[^`]*`|'\w+'|\"\w+\"", " ", english)
    text = re.sub(r"\b\w+(\.\w+|[(\[=])[\w.()\[\]=,'\"]*|\b\w+_\w*", " ", text)  # model.train(), count[c], val_loss
    for word in set(re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", re.sub(r"\{[^{}]*\}", " ", bengali))):
        text = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", " ", text)
    return re.sub(r"\s+", " ", text)


def term_problems(key: str, english: str, bengali: str) -> list[str]:
    """Glossary terms of `english` whose Bengali form `bengali` lacks, and words the glossary rules out."""
    text, problems, taken = prose(english, bengali).lower(), [], []
    found = [(m.start(), m.end(), spelling, allowed)
             for spellings, allowed, _ in ENTRIES for spelling in spellings
             for m in re.finditer(_pattern(spelling), text)]
    for start, end, spelling, allowed in sorted(found, key=lambda f: f[0] - f[1]):  # longest term first
        if any(start < e and s < end for s, e in taken):
            continue  # inside a longer term: "gradient clipping" is not also "gradient"
        taken.append((start, end))
        if (key, spelling) not in EXCEPTIONS and not any(form in bengali for form in allowed):
            problems.append(f"{spelling!r} -> {' / '.join(allowed)}")
    # An old form is wrong where it stands for its own term; the same word may be another term's form
    # (এলোমেলো is noisy's old form and random's only one).
    current = {form for spellings, allowed, _ in ENTRIES for form in allowed
               if any(re.search(_pattern(spelling), text) for spelling in spellings)}
    for spellings, _, old in ENTRIES:
        problems += [f"old form {form!r} (use {spellings[0]!r}'s first form)" for form in old
                     if form in bengali and form not in current]
    problems += [f"{m.group(0)!r}: {why}" for pattern, why in FORBIDDEN.items() for m in re.finditer(pattern, bengali)]
    return problems


@pytest.mark.parametrize("key", sorted(ALL))
def test_bengali_message_uses_the_glossary_terms(key):
    assert term_problems(key, ALL[key]["en"], ALL[key]["bn"]) == [], ALL[key]["bn"]


@pytest.mark.parametrize("key", sorted(ALL))
def test_bengali_message_prints_latin_digits(key):
    """GLOSSARY.md: what code prints uses Latin digits (ইপক 1, 10 গুণ), so a message has Bengali digits only in a
    lesson or section reference (পাঠ ০৬, অংশ ৩), which the rule writes in Bengali everywhere."""
    bengali = REFERENCE.sub(" ", ALL[key]["bn"])
    assert re.findall("[০-৯]+", bengali) == [], ALL[key]["bn"]
    assert re.findall(r"(?:পাঠ|অংশ)\s*[0-9]", ALL[key]["bn"]) == [], ALL[key]["bn"]


def test_exceptions_are_still_needed():
    for key, _ in EXCEPTIONS:
        assert key in ALL, f"{key} no longer exists: remove its exception"


def test_the_glossary_gives_terms_and_old_forms():
    spellings = {s for entry in ENTRIES for s in entry[0]}
    assert {"loss", "epoch", "early stopping", "call", "count"} <= spellings
    early = next(entry for entry in ENTRIES if "early stopping" in entry[0])
    assert early[1] == ["আর্লি স্টপিং"] and early[2] == ["আগেভাগে থামানো"]


@pytest.mark.parametrize(("english", "bengali", "bad"), [
    ("Early stopping at epoch {epoch}.", "ইপক {epoch}-এ আগেভাগে থামানো।", True),  # old form
    ("Early stopping at epoch {epoch}.", "ইপক {epoch}-এ আর্লি স্টপিং।", False),
    ("Call model.train() first.", "আগে model.train() ডাকো।", True),  # ডাকা, not কল করা
    ("Weight the loss by the batch size.", "লসকে ব্যাচ সাইজ দিয়ে ওজন দাও।", True),  # ওজন is the model's weights
    ("Resume", "চালিয়ে যাও", False),
    ("Call model.train() first.", "আগে model.train() কল করো।", False),
    ("pass the raw logits", "সরাসরি লজিট দাও", True),  # logits is kept in English
    ("The loss of the validation set", "ভ্যালিডেশন সেটের লস", False),
    ("The validation loss", "ট্রেনিং লস", True),  # ভ্যালিডেশন is missing
    ("Try gradient clipping", "গ্রেডিয়েন্ট ক্লিপিং দাও", False),
    ("patience must be at least 1", "patience কমপক্ষে 1 হতে হবে", False),  # a name the Bengali keeps
    ("use 'digits' or 'mnist'", "'digits' অথবা 'mnist' দাও", False),
])
def test_rule_on_examples(english, bengali, bad):
    assert bool(term_problems("example", english, bengali)) is bad
