"""Slides: every executed lesson notebook as a reveal.js deck that works without the internet.

    python -m tools.course slides [NAME ...] [--lang bn]   # writes slides/{en,bn}/NAME.slides.html

A deck is made from the executed notebook (outputs and plots as the learners see them) with
nbconvert's SlidesExporter. Slide breaks come from the headings: `#`/`##` start a new slide, `###`
a slide below it, and every code cell (with its output) gets a slide of its own below the text that
introduces it. A Markdown cell in the lesson source that starts with NOTES_MARKER is a speaker note:
it stays out of the notebook (see `course.generate`) and shows only in reveal's speaker view (press S).

reveal.js, require.js, jQuery and the Bengali font are copied into slides/assets/ (see ASSETS), and
every deck points there with a relative URL: copy the slides/ folder to a laptop and it runs from
file:// on a projector with no network. The CDN links nbconvert writes (MathJax, Mermaid) are removed;
the lessons write formulas in Unicode, not TeX.
"""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

NOTES_MARKER = "<!-- notes -->"
ASSETS = "assets"
# Where the build finds the files it copies into slides/assets/ (reveal.js 5 from npm, the font from helpers).
REVEAL_SOURCES = (Path("/tmp/npmr/node_modules"), Path.home() / ".cache" / "course-slides" / "node_modules")
WIDTH, HEIGHT = 1280, 720  # 16:9; reveal scales the whole slide, so at 1920x1080 everything is 1.5x this

FONT_CSS = """
<style>
@font-face { font-family: "Noto Sans Bengali"; src: url("../assets/NotoSansBengali-Regular.ttf") format("truetype"); }
.reveal, .reveal .slides section, .reveal h1, .reveal h2, .reveal h3, .reveal p, .reveal li, .reveal td, .reveal th,
.jp-RenderedHTMLCommon { font-family: "Noto Sans Bengali", "Source Sans Pro", Helvetica, Arial, sans-serif; }
.reveal pre, .reveal code, .jp-OutputArea-output pre, .jp-InputArea .cm-editor, .highlight pre {
  font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace, "Noto Sans Bengali"; }
.reveal .slides { text-align: left; }
.reveal h1, .reveal h2, .reveal h3 { text-transform: none; }
.reveal h1 { font-size: 1.6em; } .reveal h2 { font-size: 1.3em; } .reveal h3 { font-size: 1.1em; }
.reveal .jp-RenderedHTMLCommon p, .reveal .jp-RenderedHTMLCommon li { font-size: 24px; line-height: 1.45; }
.reveal .jp-RenderedHTMLCommon table { font-size: 18px; }
.reveal .jp-InputArea pre, .reveal .highlight pre { font-size: 17px; line-height: 1.35; }
.reveal .jp-OutputArea-output pre { font-size: 16px; line-height: 1.3; }
.reveal .jp-OutputArea-output img { max-width: 100%; max-height: 600px; }
.reveal .jp-InputPrompt, .reveal .jp-OutputPrompt { display: none; }
</style>
"""


def is_notes(cell) -> bool:
    """A speaker note: a Markdown cell whose text starts with NOTES_MARKER."""
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith(NOTES_MARKER)


def _slide_type(cell, setup_tag: str) -> str:
    if setup_tag in cell.get("metadata", {}).get("tags", []):
        return "skip"
    if cell.cell_type == "markdown":
        heading = re.match(r"(#+) ", cell.source)
        if heading:
            return "slide" if len(heading.group(1)) <= 2 else "subslide"
        return "-"
    return "subslide" if cell.source.strip() else "skip"


def _split_at_headings(cell) -> list:
    """A Markdown cell cut before each of its headings: jupytext keeps a section's text in one cell."""
    import nbformat

    if cell.cell_type != "markdown" or cell.metadata.get("slideshow"):
        return [cell]
    parts, fenced = [[]], False
    for line in cell.source.splitlines():
        fenced ^= line.startswith("```")
        if not fenced and re.match(r"#+ ", line) and any(x.strip() for x in parts[-1]):
            parts.append([])
        parts[-1].append(line)
    pieces = [nbformat.v4.new_markdown_cell("\n".join(lines).strip()) for lines in parts if any(x.strip() for x in lines)]
    for piece in pieces:  # a picture the build embedded (lesson 10's playground) goes with the part that shows it
        shown = {name: data for name, data in cell.get("attachments", {}).items() if f"attachment:{name}" in piece.source}
        if shown:
            piece["attachments"] = shown
    return pieces


def slide_notebook(root: Path, lang: str, name: str):
    """The executed notebook, with the lesson's speaker notes put back and a slide type on every cell."""
    import nbformat

    from tools import course

    executed = nbformat.read(course.notebook_path(root, lang, name), as_version=4)
    lesson = course.read_lesson(root, lang, name)
    generated = len(executed.cells) - sum(not is_notes(c) for c in lesson.cells)  # badge and setup cells
    cells, rest = list(executed.cells[:generated]), iter(executed.cells[generated:])
    for cell in lesson.cells:
        if is_notes(cell):
            note = nbformat.v4.new_markdown_cell(cell.source.lstrip()[len(NOTES_MARKER):].strip())
            note.metadata["slideshow"] = {"slide_type": "notes"}
            cells.append(note)
        else:
            cells.append(next(rest))
    deck = copy.deepcopy(executed)
    deck.cells = [part for cell in cells for part in _split_at_headings(cell)]
    for i, cell in enumerate(deck.cells):
        if "slideshow" not in cell.metadata:  # the Colab badge (cell 0) links to the web: not on a projector
            cell.metadata["slideshow"] = {"slide_type": "skip" if i == 0 else _slide_type(cell, course.SETUP_TAG)}
    return deck


def copy_assets(root: Path) -> Path:
    """reveal.js, require.js, jQuery and the Bengali font, once, into slides/assets/."""
    from tools import course

    target = root / "slides" / ASSETS
    if (target / "reveal" / "dist" / "reveal.js").exists():
        return target
    committed = course.ROOT / "slides" / ASSETS
    if (committed / "reveal" / "dist" / "reveal.js").exists():  # a course in another folder (the tests)
        shutil.copytree(committed, target, dirs_exist_ok=True)
        return target
    source = next((p for p in REVEAL_SOURCES if (p / "reveal.js" / "dist" / "reveal.js").exists()), None)
    if source is None:
        raise SystemExit("slides/assets/ is missing and reveal.js is not installed; run:\n"
                         f"  npm install --prefix {REVEAL_SOURCES[1].parent} reveal.js@5 requirejs@2 jquery@3")
    reveal = target / "reveal"
    for part in ("dist/reveal.js", "dist/reveal.css", "plugin/notes/notes.js", "LICENSE"):
        (reveal / part).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source / "reveal.js" / part, reveal / part)
    theme = (source / "reveal.js" / "dist" / "theme" / "white.css").read_text(encoding="utf-8")
    (reveal / "dist" / "theme").mkdir(parents=True, exist_ok=True)
    (reveal / "dist" / "theme" / "white.css").write_text(re.sub(r"@import url\([^)]*\);?", "", theme), encoding="utf-8")
    shutil.copy(source / "requirejs" / "require.js", target / "require.js")
    shutil.copy(source / "jquery" / "dist" / "jquery.min.js", target / "jquery.min.js")
    fonts = root / "helpers" / "fonts"
    shutil.copy(fonts / "NotoSansBengali-Regular.ttf", target / "NotoSansBengali-Regular.ttf")
    shutil.copy(fonts / "OFL.txt", target / "OFL.txt")
    return target


def offline(html: str) -> str:
    """Remove the CDN scripts nbconvert adds and make the slide-change hook work without MathJax."""
    html = re.sub(r"<script type=\"module\">\s*import mermaid.*?</script>", "", html, flags=re.S)
    mathjax = (r"<!-- Load mathjax -->.*?</script>\s*<!-- MathJax configuration -->\s*"
               r"<script type=\"text/x-mathjax-config\">.*?</script>")
    html = re.sub(mathjax, "", html, flags=re.S)
    html = html.replace("if(MathJax.Hub.getAllJax(", "if(window.MathJax && MathJax.Hub.getAllJax(")
    return html.replace("</head>", FONT_CSS + "</head>", 1)


def export(root: Path, lang: str, name: str, out_dir: Path | None = None) -> Path:
    """Write one deck; returns its path. `out_dir` defaults to slides/LANG (assets are one level up)."""
    from nbconvert import SlidesExporter

    out_dir = out_dir or root / "slides" / lang
    assets = copy_assets(root)
    if out_dir.parent / ASSETS != assets and not (out_dir.parent / ASSETS).exists():
        shutil.copytree(assets, out_dir.parent / ASSETS)
    prefix = f"../{ASSETS}"
    exporter = SlidesExporter(reveal_url_prefix=f"{prefix}/reveal", reveal_theme="white", reveal_scroll=True,
                              reveal_transition="none", reveal_number="c/t", reveal_width=str(WIDTH),
                              reveal_height=str(HEIGHT), jquery_url=f"{prefix}/jquery.min.js",
                              require_js_url=f"{prefix}/require.js", mathjax_url="", exclude_input_prompt=True,
                              exclude_output_prompt=True, language_code=lang)
    html, _ = exporter.from_notebook_node(slide_notebook(root, lang, name),
                                          resources={"language_code": lang, "metadata": {"name": name}})
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.slides.html"
    path.write_text(offline(html), encoding="utf-8")
    return path


def build_slides(root: Path, names: list[str], langs: tuple[str, ...]) -> list[Path]:
    """A deck for every lesson and language that has an executed notebook (run `build` first for the rest)."""
    from tools import course

    written = []
    for name in names:
        for lang in langs:
            if course.notebook_path(root, lang, name).exists():
                written.append(export(root, lang, name))
            else:
                path = course.notebook_path(root, lang, name).relative_to(root)
                print(f"no slides for {lang}/{name}: {path} is missing (run build first)")
    return written
