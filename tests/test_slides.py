"""Slides: one reveal.js deck per lesson and language, built from the executed notebook, usable offline."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from tools import course, slides

ROOT = course.ROOT
LESSON = "01_setup"


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict[str, str]:
    """One deck per language, written into a temporary folder (with its own copy of the assets)."""
    out = tmp_path_factory.mktemp("slides")
    return {lang: slides.export(ROOT, lang, LESSON, out_dir=out / lang).read_text(encoding="utf-8")
            for lang in course.LANGS}


@pytest.mark.parametrize("lang", course.LANGS)
def test_deck_has_one_slide_per_section(decks, lang):
    html = decks[lang]
    nb = course.read_lesson(ROOT, lang, LESSON)
    headings = sum(len(re.findall(r"^#{1,2} ", c.source, flags=re.M)) for c in nb.cells if c.cell_type == "markdown")
    top_level = re.findall(r'<div class="slides">|<section>\s*<section>', html)
    assert f'<html lang="{lang}">' in html
    assert len(top_level) - 1 == headings  # every # and ## heading starts a slide, nothing else does
    assert html.count("<section") > headings  # code cells are slides below their section


@pytest.mark.parametrize("lang", course.LANGS)
def test_deck_works_offline(decks, lang):
    html = decks[lang]
    external = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?:[^"]+)"', html)
    assert external == []
    for local in ("../assets/reveal/dist/reveal.css", "../assets/require.js", "../assets/reveal/dist/reveal.js"):
        assert local in html
    assert "NotoSansBengali-Regular.ttf" in html
    assert "data:image/png;base64" in html  # the plots of the executed notebook


def test_assets_sit_next_to_the_decks(decks, tmp_path_factory):
    assets = ROOT / "slides" / slides.ASSETS
    for part in ("reveal/dist/reveal.js", "reveal/dist/theme/white.css", "reveal/plugin/notes/notes.js",
                 "require.js", "jquery.min.js", "NotoSansBengali-Regular.ttf"):
        assert (assets / part).exists(), part
    assert "@import url(" not in (assets / "reveal/dist/theme/white.css").read_text(encoding="utf-8")


def test_speaker_notes_go_to_the_slides_only(tmp_path: Path):
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    text = ("---\njupyter:\n  kernelspec:\n    display_name: Python 3\n    language: python\n    name: python3\n---\n\n"
            "# Demo\n\nText.\n\n\n<!-- notes -->\nAsk the class first.\n\n```python\nx = 1\n```\n")
    for lang in course.LANGS:
        course.lesson_dir(tmp_path, lang).mkdir()
        (course.lesson_dir(tmp_path, lang) / "99_demo.md").write_text(text, encoding="utf-8")
        nb = course.generate(tmp_path, lang, "99_demo")
        assert not any("Ask the class" in c.source for c in nb.cells)
        path = course.notebook_path(tmp_path, lang, "99_demo")
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
    deck = slides.slide_notebook(tmp_path, "en", "99_demo")
    kinds = [(c.metadata["slideshow"]["slide_type"], c.source) for c in deck.cells]
    assert ("notes", "Ask the class first.") in kinds
    assert kinds[0][0] == "skip" and kinds[1][0] == "skip"  # the Colab badge and the setup cell
    assert [k for k, _ in kinds[2:]] == ["slide", "notes", "subslide"]  # heading and text, note, code
    html = slides.export(tmp_path, "en", "99_demo").read_text(encoding="utf-8")
    assert '<aside class="notes">' in html and "Ask the class first." in html


@pytest.mark.parametrize("name", course.lesson_names(), ids=str)
def test_every_lesson_is_a_deck_in_both_languages_with_its_speaker_notes(name, tmp_path: Path):
    for lang in course.LANGS:
        html = slides.export(ROOT, lang, name, out_dir=tmp_path / lang).read_text(encoding="utf-8")
        notes = sum(slides.is_notes(c) for c in course.read_lesson(ROOT, lang, name).cells)
        assert notes >= 4, (name, lang)  # a teacher projecting the lesson has something to go by
        assert html.count('class="notes"') == notes, (name, lang)
        assert "attachment:" not in html  # embedded pictures (lesson 10's playground) are shown, not lost
