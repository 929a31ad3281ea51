"""What the website reads from the repository: the lessons, their notebooks and speaker notes, [tool.course].

Read here rather than imported from tools.course, because tools.course imports this package for its `site`
command (no import cycle). The paths follow tools/course.py: notebooks/LANG/NAME_LANG.ipynb.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, from PyPI
    import tomli as tomllib

LANGS = ("en", "bn")
SETUP_TAG = "course-setup"  # the setup cell tools.course puts second in every notebook
LESSON_FILE = re.compile(r"^\d\d_[a-z0-9_]+$")


@dataclass(frozen=True)
class Note:
    """A speaker note (tools/slides.py) and the notebook cell it comes before."""

    before_cell: int
    text: str


def notebook_path(root: Path, lang: str, name: str) -> Path:
    """notebooks/bn/02_training_loop_bn.ipynb: where tools.course writes lesson `name`'s executed notebook."""
    return root / "notebooks" / lang / f"{name}_{lang}.ipynb"


def lessons(root: Path) -> list[str]:
    """Every NN_slug with an executed notebook in both languages, in order."""
    names = {p.stem for p in (root / "lessons_en").glob("[0-9][0-9]_*.md") if LESSON_FILE.match(p.stem)}
    return sorted(n for n in names if all(notebook_path(root, lang, n).exists() for lang in LANGS))


def course_config(root: Path) -> dict[str, str]:
    """repository and branch from pyproject.toml's [tool.course], the one place that names them."""
    with open(root / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["course"]


def read_notebook(root: Path, lang: str, name: str):
    """The executed notebook of one lesson, as nbformat reads it."""
    import nbformat

    return nbformat.read(notebook_path(root, lang, name), as_version=4)


def speaker_notes(root: Path, lang: str, name: str, notebook_cells: int) -> list[Note]:
    """The lesson source's speaker notes, each with the index of the notebook cell it precedes.

    `notebook_cells`: how many cells the notebook has; the ones the lesson does not have come first (badge, setup).
    """
    import jupytext

    from tools.slides import NOTES_MARKER, is_notes

    source = jupytext.read(root / f"lessons_{lang}" / f"{name}.md")
    generated = notebook_cells - sum(not is_notes(cell) for cell in source.cells)
    notes, kept = [], 0
    for cell in source.cells:
        if is_notes(cell):
            notes.append(Note(generated + kept, cell.source.lstrip()[len(NOTES_MARKER):].strip()))
        else:
            kept += 1
    return notes
