"""What the website reads from the repository: which lessons to publish, their notebooks and speaker notes.

Where lessons and notebooks are, and the lesson format, come from tools.lessons (the module course, slides and
site all read); this package never imports tools.course, which imports it for its `site` command.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tools.lessons import LANGS, NOTES_MARKER, course_config, is_notes, lesson_names, notebook_path, read_lesson

__all__ = ["LANGS", "Note", "course_config", "lessons", "notebook_path", "read_notebook", "speaker_notes"]


@dataclass(frozen=True)
class Note:
    """A speaker note (tools/slides.py shows it in the speaker view) and the notebook cell it comes before."""

    before_cell: int
    text: str


def lessons(root: Path) -> list[str]:
    """Every lesson with an executed notebook in both languages, in order: what the website publishes."""
    return [name for name in lesson_names(root) if all(notebook_path(root, lang, name).exists() for lang in LANGS)]


def read_notebook(root: Path, lang: str, name: str):
    """The executed notebook of one lesson, as nbformat reads it."""
    import nbformat

    return nbformat.read(notebook_path(root, lang, name), as_version=4)


def speaker_notes(root: Path, lang: str, name: str, notebook_cells: int) -> list[Note]:
    """The lesson source's speaker notes, each with the index of the notebook cell it precedes.

    `notebook_cells`: how many cells the notebook has; the ones the lesson does not have come first (badge, setup).
    """
    source = read_lesson(root, lang, name)
    generated = notebook_cells - sum(not is_notes(cell) for cell in source.cells)
    notes, kept = [], 0
    for cell in source.cells:
        if is_notes(cell):
            notes.append(Note(generated + kept, cell.source.lstrip()[len(NOTES_MARKER):].strip()))
        else:
            kept += 1
    return notes
