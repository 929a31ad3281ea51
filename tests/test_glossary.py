"""Bengali lessons follow lessons_bn/GLOSSARY.md: an English term appears first as `বাংলা (English)`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tools import course

GLOSSARY = course.ROOT / "lessons_bn" / "GLOSSARY.md"
BENGALI = re.compile("[\u0980-\u09ff]")


def glossary() -> list[tuple[list[str], list[str]]]:
    """(English spellings, Bengali spellings) of every term that is translated (not kept in English)."""
    terms = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or cells[0] in ("English", "---") or set(cells[0]) <= set("-: "):
            continue
        english, bengali = cells[0], cells[1]
        if not BENGALI.search(bengali):
            continue  # kept in English
        spellings = [re.sub(r"\s*\(.*?\)", "", e).strip() for e in english.split("/")]
        forms = [re.sub(r"\s*\(.*?\)", "", b).strip() for b in re.split(r"\s*[/,;]\s*", bengali)]
        terms.append(([s for s in spellings if len(s) >= 3], [f for f in forms if f]))
    return terms


def prose(path: Path) -> str:
    """The Markdown text of a lesson without front matter, code blocks, inline code and link targets."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"\]\([^)\s]*\)", "]", text)  # a link's or picture's address is not prose
    return re.sub(r"`[^`\n]*`", " ", text)


def first_use_problems(text: str) -> list[str]:
    problems = []
    for spellings, forms in glossary():
        for spelling in spellings:
            match = re.search(rf"(?<![\w-]){re.escape(spelling)}(?![\w(-])", text, flags=re.I)
            if not match:
                continue
            before = text[max(0, match.start() - 60) : match.start()]
            inside_parentheses = before.rfind("(") > before.rfind(")")
            closing = text.find(")", match.end())
            before += text[match.end() : closing if closing != -1 else match.end()]  # "(English: বাংলা)" also counts
            # Bengali inflects: "কনভার্জ করে" introduces "কনভার্জ করা", so the form's first word is enough.
            if not (inside_parentheses and any(form.split()[0] in before for form in forms)):
                problems.append(f"'{spelling}' first appears without its Bengali form ({' / '.join(forms)}): "
                                f"...{text[max(0, match.start() - 40) : match.end() + 20]!r}")
    return problems


def test_glossary_parses():
    terms = glossary()
    assert len(terms) > 50
    assert any("loss" in spellings for spellings, _ in terms)


@pytest.mark.parametrize("name", course.lesson_names(), ids=str)
def test_bengali_lesson_introduces_terms_in_bengali(name):
    path = course.lesson_dir(course.ROOT, "bn") / f"{name}.md"
    assert first_use_problems(prose(path)) == []


def test_rule_catches_a_bare_english_term():
    assert first_use_problems("এখানে gradient হিসাব হয়।")
    assert not first_use_problems("এখানে গ্রেডিয়েন্ট (gradient) হিসাব হয়। পরে gradient আবার।")


# The numerals rule of GLOSSARY.md: Latin digits for values, printed numbers and formulas, Bengali
# digits only for counts in running prose, never both in one sentence. Lessons 02, 07 and 10 do not
# follow it yet; add them here once they do.
NUMERALS_RULE = ["01_setup", "02_training_loop", "03_validation", "04_losses", "05_optimizers", "06_schedulers",
                 "07_amp_clipping_accumulation", "08_checkpoints", "09_metrics_troubleshooting"]


def mixed_numerals(text: str) -> list[str]:
    """Sentences of Bengali prose that write numbers in both scripts (names like F1 or float32 do not count)."""
    text = re.sub(r"\([^()]*[A-Za-z][^()]*\)", " ", text)  # English glosses
    text = re.sub(r"[A-Za-z_]+[0-9]+|[0-9]*[A-Za-z_]+[0-9]*", " ", text)
    return [s.strip() for s in re.split(r"[।\n|?!]", text) if re.search("[০-৯]", s) and re.search("[0-9]", s)]


@pytest.mark.parametrize("name", NUMERALS_RULE, ids=str)
def test_bengali_lesson_keeps_one_script_per_sentence(name):
    assert mixed_numerals(prose(course.lesson_dir(course.ROOT, "bn") / f"{name}.md")) == []


def test_numerals_rule_catches_a_mixed_sentence():
    assert mixed_numerals("লস থেকে যায় ২৫-এর কাছে, কারণ ≈ 27.6।")
    assert not mixed_numerals("৩টি ছবি। লস 0.25। F1 স্কোর ৩টি ক্লাসে।")
