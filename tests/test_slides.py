"""Slides: one reveal.js deck per lesson and language, built from the executed notebook, usable offline."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from tools import course, slides, static_widgets

ROOT = course.ROOT
LESSON = "01_setup"


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict[str, str]:
    """One deck per language, and lesson 02's (the stepper) in Bengali, written into a temporary folder
    (with its own copy of the assets)."""
    out = tmp_path_factory.mktemp("slides")
    made = {lang: slides.export(ROOT, lang, LESSON, out_dir=out / lang) for lang in course.LANGS}
    html = {lang: path.read_text(encoding="utf-8") for lang, path in made.items()}
    html["02"] = slides.export(ROOT, "bn", "02_training_loop", out_dir=out / "bn").read_text(encoding="utf-8")
    return {**html, "path": str(made["en"])}


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


def vendored_record() -> dict[str, list[str]]:
    """slides/assets/VENDORED.md's first table: file -> [what, version, source, licence, sha256]."""
    text = (ROOT / "slides" / slides.ASSETS / "VENDORED.md").read_text(encoding="utf-8")
    rows = [line.strip("|").split("|") for line in text.split("\n\n")[2].splitlines()[2:]]
    return {row[0].strip().strip("`"): [cell.strip().strip("`") for cell in row[1:]] for row in rows}


def test_every_vendored_file_is_recorded_with_version_source_and_licence():
    record = vendored_record()
    assert sorted(record) == sorted(slides.VENDORED)
    for part, (what, version, source, licence, sha256) in record.items():
        assert what and re.match(r"\d+\.\d+\.\d+", version) and "@" in source and licence, part
        path = ROOT / "slides" / slides.ASSETS / part
        if sha256:
            assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256, f"{part} changed: update VENDORED.md"
        if part in ("reveal/dist/reveal.js", "reveal/dist/reveal.css", "require.js", "jquery.min.js"):
            assert version in path.read_text(encoding="utf-8")[:400], f"{part}: its header does not say {version}"


def test_assets_sit_next_to_the_decks(decks, tmp_path_factory):
    assets = Path(decks["path"]).parent.parent / slides.ASSETS
    for part in (*slides.VENDORED, *slides.FONT_FILES):
        assert (assets / part).exists(), part
    assert "@import url(" not in (assets / "reveal/dist/theme/white.css").read_text(encoding="utf-8")
    font = ROOT / "helpers" / "fonts" / "NotoSansBengali-Regular.ttf"
    assert (assets / font.name).read_bytes() == font.read_bytes()  # copied by the build: one committed copy


def test_the_build_reads_no_path_outside_the_repository():
    source = (ROOT / "tools" / "slides.py").read_text(encoding="utf-8")
    assert "/tmp" not in source and "Path.home()" not in source and "node_modules" not in source


def widget_cell(model_id: str):
    cell = nbformat.v4.new_code_cell("view")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "text/plain": "VBox(children=(HTML(value='...'),))",
        static_widgets.WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": model_id}})]
    return cell


def widget_state() -> dict:
    model = {"model_module": "@jupyter-widgets/controls", "model_module_version": "2.0.0"}
    return {"state": {
        "box": {**model, "model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_html", "IPY_MODEL_row"]}},
        "html": {**model, "model_name": "HTMLModel", "state": {"value": "<b>Stepper</b>", "layout": "IPY_MODEL_log"}},
        "log": {**model, "model_name": "LayoutModel", "state": {"height": "112px", "overflow": "auto", "width": None}},
        "row": {**model, "model_name": "HBoxModel", "state": {"children": ["IPY_MODEL_go", "IPY_MODEL_tick"]}},
        "go": {**model, "model_name": "ButtonModel", "state": {"description": "Next line", "button_style": "info"}},
        "tick": {**model, "model_name": "CheckboxModel", "state": {"description": "6", "value": True}},
    }, "version_major": 2, "version_minor": 0}


@pytest.mark.parametrize("lang", course.LANGS)
def test_widgets_become_static_pictures_or_a_note(lang):
    nb = nbformat.v4.new_notebook(cells=[widget_cell("box"), widget_cell("not-saved")])
    nb.metadata["widgets"] = {static_widgets.WIDGET_STATE: widget_state()}
    static_widgets.static_outputs(nb, lang)
    drawn, missing = (cell.outputs[0]["data"] for cell in nb.cells)
    assert "widgets" not in nb.metadata  # nbconvert fetches the widget renderer from the internet where it is
    assert list(drawn) == ["text/html"] and list(missing) == ["text/html"]
    assert "<b>Stepper</b>" in drawn["text/html"] and "Next line</button>" in drawn["text/html"]
    assert 'type="checkbox" disabled checked> 6' in drawn["text/html"]
    assert '<div style="height:112px;overflow:auto"><b>Stepper</b>' in drawn["text/html"]  # a log keeps its height
    assert static_widgets.NO_STATE[lang] in missing["text/html"]  # saved without its state (JupyterLab's autosave)
    assert "VBox(" not in drawn["text/html"] + missing["text/html"]


def test_lesson_02s_stepper_is_drawn_in_the_deck(decks):
    html = decks["02"]
    assert static_widgets.STATIC_WIDGET in html and "train_one_epoch" in html
    assert "widget-view+json" not in html and "VBox(children" not in html and "unpkg" not in html


def test_code_and_a_tall_output_get_a_slide_each():
    deck = slides.slide_notebook(ROOT, "bn", "02_training_loop")
    moved = [c for c in deck.cells if "slide-output" in c.metadata.get("tags", [])]
    assert moved, "no output of lesson 02 moved to a slide of its own"
    for cell in moved:
        assert cell.metadata["slideshow"]["slide_type"] == "subslide"
        assert slides._cell_height(cell) <= slides.ROOM or len(cell.outputs) == 1
    assert all(slides._cell_height(c) <= slides.ROOM for c in deck.cells
               if c.cell_type == "markdown" and c.metadata["slideshow"]["slide_type"] not in ("skip", "notes")
               and "|" not in c.source)


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
def test_every_lesson_is_a_deck_in_both_languages_with_its_speaker_notes(name):
    for lang in course.LANGS:
        if not course.notebook_path(ROOT, lang, name).exists():
            pytest.skip(f"{course.notebook_path(ROOT, lang, name).relative_to(ROOT)} is not built yet")
        deck = slides.slide_notebook(ROOT, lang, name)
        notes = sum(slides.is_notes(c) for c in course.read_lesson(ROOT, lang, name).cells)
        assert notes >= 4, (name, lang)  # a teacher projecting the lesson has something to go by
        assert sum(c.metadata["slideshow"]["slide_type"] == "notes" for c in deck.cells) == notes, (name, lang)
        for cell in deck.cells:  # embedded pictures (lesson 10's playground) are shown, not lost
            for picture in re.findall(r"attachment:([^)\s]+)", cell.source):
                assert picture in cell.get("attachments", {}), (name, lang, picture)
