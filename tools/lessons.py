"""The lesson format and where things are: what the build, the slides and the website all read (README: how the course is built).

The lowest module of tools/: it imports nothing from tools, and course.py, slides.py and site.py import
from it, so that no module of tools/ needs another's command to know where a lesson or a notebook is.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, from PyPI
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("en", "bn")
SETUP_TAG = "course-setup"  # the tag of a notebook's generated set-up cell (the slides skip it)
GENERATED_CELLS = 2  # what the build puts before a lesson's own cells: the Colab badge, then the set-up cell
NOTES_MARKER = "<!-- notes -->"  # a Markdown cell that starts with it is a speaker note: slides only
# The language is in the file name too: JupyterLab titles a tab by the file name, and the twins open side by side.
NOTEBOOK_NAME = "{name}_{lang}.ipynb"
COLAB_URL = "https://colab.research.google.com/github/{repository}/blob/{branch}/notebooks/{lang}/" + NOTEBOOK_NAME


def lesson_dir(root: Path, lang: str) -> Path:
    """lessons_en/ or lessons_bn/: where the lesson sources of `lang` are (lesson 01 lists them)."""
    return root / f"lessons_{lang}"


def lesson_names(root: Path = ROOT) -> list[str]:
    """Every NN_slug that has a lesson in either language."""
    return sorted({p.stem for lang in LANGS for p in lesson_dir(root, lang).glob("[0-9][0-9]_*.md")})


def read_lesson(root: Path, lang: str, name: str):
    """The lesson source lessons_LANG/NAME.md as a notebook (jupytext), speaker notes included."""
    import jupytext

    return jupytext.read(lesson_dir(root, lang) / f"{name}.md")


def notebook_path(root: Path, lang: str, name: str) -> Path:
    """Where the executed notebook of lesson `name` in `lang` is committed: notebooks/bn/02_training_loop_bn.ipynb."""
    return root / "notebooks" / lang / NOTEBOOK_NAME.format(name=name, lang=lang)


def course_config(root: Path = ROOT) -> dict[str, str]:
    """Repository and branch from pyproject.toml's [tool.course]: the one place that names them."""
    with open(root / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["course"]


def colab_url(root: Path, lang: str, name: str) -> str:
    """The address that opens the committed notebook of lesson `name` in Colab."""
    return COLAB_URL.format(lang=lang, name=name, **course_config(root))


def source_hash(path: Path) -> str:
    """The hash a Bengali lesson records for the English text it translates."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def is_notes(cell) -> bool:
    """A speaker note: a Markdown cell whose text starts with NOTES_MARKER."""
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith(NOTES_MARKER)
