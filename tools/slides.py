"""Slides: every executed lesson notebook as a reveal.js deck that fits a 16:9 frame and works without the internet.

    python -m tools.course slides [NAME ...] [--lang bn]   # writes slides/{en,bn}/NAME.slides.html

A deck is made from the executed notebook (outputs and plots as the learners see them) with
nbconvert's SlidesExporter. Slide breaks come from the headings: `#`/`##` start a new slide, `###`
a slide below it, and every code cell (with its output) gets a slide of its own below the text that
introduces it; when code and output together would not fit the frame, the output gets the next slide.
A Markdown cell in the lesson source that starts with NOTES_MARKER is a speaker note: it stays out of
the notebook (see `course.generate`) and shows only in reveal's speaker view (press S).

Every deck loads reveal.js, require.js and jQuery from the files vendored in slides/assets/ (their versions,
sources and licences: slides/assets/VENDORED.md) and the Bengali font, which the build copies there from
helpers/fonts; all by relative URL: copy the slides/ folder to a laptop and it runs from file:// on a projector
with no network. The CDN links nbconvert writes (MathJax, Mermaid, the widget renderer) are removed: widgets
are drawn as static pictures (tools/static_widgets.py), and the lessons write formulas in Unicode, not TeX.
"""

from __future__ import annotations

import base64
import copy
import math
import re
import shutil
import struct
from pathlib import Path

from tools.lessons import GENERATED_CELLS, NOTES_MARKER, ROOT, SETUP_TAG, is_notes, notebook_path, read_lesson  # noqa: F401
from tools.static_widgets import STATIC_WIDGET, static_outputs

ASSETS = "assets"
VENDORED = ("reveal/dist/reveal.js", "reveal/dist/reveal.css", "reveal/dist/theme/white.css",
            "reveal/plugin/notes/notes.js", "reveal/LICENSE", "require.js", "jquery.min.js")
FONT_FILES = ("NotoSansBengali-Regular.ttf", "OFL.txt")  # copied from helpers/fonts by the build, not committed twice
WIDTH, HEIGHT = 1280, 720  # 16:9; reveal scales the whole slide, so at 1920x1080 everything is 1.5x this
MIN_SCALE = 0.6  # a slide taller than HEIGHT is shrunk to fit, never below this (17 px code stays 10 px, 15 at 1080p)
# Estimated heights in CSS px of the 1280x720 frame (FONT_CSS): they decide when a cell's outputs get their own slide.
CODE_LINE, TEXT_LINE, BLOCK, TABLE_ROW, PICTURE, PICTURE_WIDTH = 23, 21, 16, 30, 600, 1200  # FONT_CSS's sizes
PROSE_LINE, PROSE_CHARS, HEADING = 35, 70, 70  # 24 px text, 1.45 line height; Bengali about 70 letters a line
ROOM = HEIGHT - 40  # reveal's own margin around the slide

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
.reveal div.highlight > pre, .reveal .jp-InputArea pre { font-size: 17px; line-height: 1.35; }
.reveal div.jp-OutputArea-output > pre, .reveal .jp-OutputArea-output pre { font-size: 16px; line-height: 1.3; }
.reveal .jp-OutputArea-output img { max-width: 100%; max-height: 600px; }
.reveal .celltag_slide-output .jp-Cell-inputWrapper { display: none; }
.reveal .celltag_slide-output .jp-OutputArea-output img { max-height: 640px; }
.reveal .jp-InputPrompt, .reveal .jp-OutputPrompt { display: none; }
</style>
"""
# A slide still taller than the frame is shrunk (from its top edge) until it fits: a presenter paging with a clicker
# never pages past a hidden part. Runs on every slide change and again once the fonts have loaded.
FIT_JS = """
        var fitSlide = window.fitSlide = function(slide) {
          var room = HEIGHT, least = MIN_SCALE;
          if (!slide) return;
          slide.style.transform = '';
          var need = slide.scrollHeight, scale = Math.max(least, room / need);
          slide.dataset.fitScale = need > room ? scale.toFixed(3) : '1';
          if (need > room) {
            slide.style.transformOrigin = 'top center';
            slide.style.transform = 'scale(' + scale.toFixed(3) + ')';
            slide.style.top = '0px';
          }
        };
        Reveal.on('ready', function(event) { fitSlide(event.currentSlide); });
        Reveal.on('slidechanged', function(event) { fitSlide(event.currentSlide); });
        document.fonts.ready.then(function() { fitSlide(Reveal.getCurrentSlide()); });
""".replace("HEIGHT", str(HEIGHT)).replace("MIN_SCALE", str(MIN_SCALE))


def _slide_type(cell) -> str:
    if SETUP_TAG in cell.get("metadata", {}).get("tags", []):
        return "skip"
    if cell.cell_type == "markdown":
        heading = re.match(r"(#+) ", cell.source)
        if heading:
            return "slide" if len(heading.group(1)) <= 2 else "subslide"
        return "-"
    return "subslide" if cell.source.strip() else "skip"


def _blocks(text: str) -> list[str]:
    """Markdown cut at its blank lines, never inside a ``` fence: paragraphs, lists, tables, code, headings."""
    blocks, current, fenced = [], [], False
    for line in text.splitlines():
        fenced ^= line.startswith("```")
        if not fenced and not line.strip():
            blocks, current = blocks + ["\n".join(current)] * bool(current), []
        else:
            current.append(line)
    return blocks + ["\n".join(current)] * bool(current)


def _markdown_height(text: str) -> float:
    """An estimate, in CSS px of the frame, of a Markdown text's height on a slide."""
    height = 0.0
    for block in _blocks(text):
        lines = block.splitlines()
        if block.startswith("```"):
            height += BLOCK + CODE_LINE * (len(lines) - 2)
        elif block.startswith("|"):
            height += BLOCK + TABLE_ROW * (len(lines) - 1)
        else:
            height += BLOCK + sum(HEADING if re.match(r"#+ ", line) else PROSE_LINE * math.ceil(len(line) / PROSE_CHARS)
                                  for line in lines)
        height += PICTURE * block.count("![")
    return height


def _split_markdown(cell) -> list:
    """A Markdown cell cut before each of its headings (jupytext keeps a section's text in one cell), and where
    its text would run past the bottom of the frame."""
    import nbformat

    if cell.cell_type != "markdown" or cell.metadata.get("slideshow"):
        return [cell]
    parts = [[]]
    for block in _blocks(cell.source):
        full = _markdown_height("\n\n".join(parts[-1] + [block])) > ROOM
        if parts[-1] and (re.match(r"#+ ", block) or full):
            parts.append([])
        parts[-1].append(block)
    pieces = [nbformat.v4.new_markdown_cell("\n\n".join(blocks)) for blocks in parts if blocks]
    for piece in pieces:  # a picture the build embedded (lesson 10's playground) goes with the part that shows it
        shown = {name: data for name, data in cell.get("attachments", {}).items() if f"attachment:{name}" in piece.source}
        if shown:
            piece["attachments"] = shown
    return pieces


def _picture_height(png_base64: str) -> float:
    """How tall a PNG output shows on a slide: its own size, at most PICTURE_WIDTH wide and PICTURE high."""
    width, height = struct.unpack(">II", base64.b64decode(png_base64[:64])[16:24])
    return min(PICTURE, height, height * PICTURE_WIDTH / max(width, 1))


def _output_height(output) -> float:
    """An estimate, in CSS px of the frame, of one output's height on a slide."""
    data = output.get("data", {})
    if output.get("output_type") == "stream":
        return BLOCK + TEXT_LINE * output.get("text", "").rstrip("\n").count("\n") + TEXT_LINE
    if "image/png" in data:
        return _picture_height(data["image/png"])
    if "text/html" in data:
        if STATIC_WIDGET in data["text/html"]:
            return ROOM  # a widget gets a slide of its own
        return BLOCK + TABLE_ROW * max(1, data["text/html"].count("<tr"))
    if output.get("output_type") == "error":
        return BLOCK + TEXT_LINE * len(output.get("traceback", []))
    return BLOCK + TEXT_LINE * (1 + data.get("text/plain", "").count("\n"))


def _cell_height(cell) -> float:
    """An estimate, in CSS px of the frame, of a cell's height on a slide (code, outputs, or Markdown)."""
    if cell.cell_type == "markdown":
        return _markdown_height(cell.source)
    shown = cell.source.strip() and "slide-output" not in cell.metadata.get("tags", [])
    code = BLOCK + CODE_LINE * (cell.source.count("\n") + 1) if shown else 0
    return code + sum(map(_output_height, cell.get("outputs", [])))


def _split_long_code(cell) -> list:
    """A code cell too long to read even shrunk to fit, cut at blank lines into parts that each fit at 3/4 size
    (the outputs go with the last part); a blank line before unindented code is the preferred cut."""
    most = int((ROOM / 0.75 - BLOCK) / CODE_LINE)
    lines = cell.source.splitlines()
    if cell.cell_type != "code" or len(lines) <= most:
        return [cell]
    parts, start = [], 0
    while len(lines) - start > most:
        blanks = [i for i in range(start + 1, start + most) if not lines[i].strip()]
        top = [i for i in blanks if i + 1 < len(lines) and not lines[i + 1].startswith((" ", "\t"))]
        cut = (top or blanks or [start + most])[-1]
        parts.append("\n".join(lines[start:cut]).rstrip())
        start = cut + (not lines[cut].strip())
    parts.append("\n".join(lines[start:]))
    pieces = []
    for i, part in enumerate(parts):
        piece = copy.deepcopy(cell)
        piece.source, piece["id"] = part, f"{cell.get('id', 'cell')}-{i}"
        if i < len(parts) - 1:
            piece.outputs = []
        if i:
            piece.metadata["slideshow"] = {"slide_type": "subslide"}
        pieces.append(piece)
    return pieces


def _own_slide_for_outputs(cell) -> list:
    """The code cell, and its outputs on a slide of their own when code and outputs together would not fit."""
    if cell.cell_type != "code" or not cell.get("outputs") or _cell_height(cell) <= ROOM:
        return [cell]
    shown = copy.deepcopy(cell)
    shown.metadata.setdefault("tags", []).append("slide-output")  # FONT_CSS hides its (repeated) code
    shown.metadata["slideshow"] = {"slide_type": "subslide"}
    shown["id"] = f"{cell.get('id', 'cell')}-output"
    cell.outputs = []
    return [cell, shown]


def slide_notebook(root: Path, lang: str, name: str):
    """The executed notebook, with the lesson's speaker notes put back and a slide type on every cell."""
    import nbformat

    executed = nbformat.read(notebook_path(root, lang, name), as_version=4)
    lesson = read_lesson(root, lang, name)
    generated = len(executed.cells) - sum(not is_notes(c) for c in lesson.cells)
    if generated != GENERATED_CELLS:
        raise SystemExit(f"{notebook_path(root, lang, name)} does not match lessons_{lang}/{name}.md: "
                         f"run python -m tools.course build {name}")
    cells, rest = list(executed.cells[:generated]), iter(executed.cells[generated:])
    for cell in lesson.cells:
        if is_notes(cell):
            note = nbformat.v4.new_markdown_cell(cell.source.lstrip()[len(NOTES_MARKER):].strip())
            note.metadata["slideshow"] = {"slide_type": "notes"}
            cells.append(note)
        else:
            cells.append(next(rest))
    deck = copy.deepcopy(executed)
    deck.cells = [part for cell in cells for part in _split_markdown(copy.deepcopy(cell))]
    static_outputs(deck, lang)  # widgets as pictures: nbconvert would fetch their renderer from the internet
    deck.cells = [part for cell in deck.cells for long in _split_long_code(cell) for part in _own_slide_for_outputs(long)]
    for i, cell in enumerate(deck.cells):
        if "slideshow" not in cell.metadata:  # the Colab badge (cell 0) links to the web: not on a projector
            cell.metadata["slideshow"] = {"slide_type": "skip" if i == 0 else _slide_type(cell)}
    _paginate(deck.cells)
    return deck


def _paginate(cells: list) -> None:
    """A cell that continues a slide ("-") but would run past the bottom of the frame starts a slide below it."""
    used = 0.0
    for cell in cells:
        kind = cell.metadata["slideshow"]["slide_type"]
        if kind in ("skip", "notes"):
            continue
        height = _cell_height(cell)
        if kind == "-" and used and used + height > ROOM:
            cell.metadata["slideshow"]["slide_type"] = "subslide"
            used = 0.0
        used += height


def copy_assets(root: Path, target: Path | None = None) -> Path:
    """The vendored reveal.js, require.js and jQuery (slides/assets/ of this repository) and the Bengali font
    (helpers/fonts), into `target` (default: root's slides/assets/); returns `target`."""
    target = target or root / "slides" / ASSETS
    vendored = ROOT / "slides" / ASSETS
    missing = [part for part in VENDORED if not (vendored / part).exists()]
    if missing:  # they are committed: a checkout without them is damaged, and no download can replace them here
        raise SystemExit(f"{vendored} lacks {', '.join(missing)}: restore them with `git checkout -- slides/assets`")
    for part in (*VENDORED, "VENDORED.md"):
        if not (target / part).exists():
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(vendored / part, target / part)
    for part in FONT_FILES:
        font = ROOT / "helpers" / "fonts" / part
        if not (target / part).exists() or (target / part).stat().st_size != font.stat().st_size:
            shutil.copy(font, target / part)
    return target


def offline(html: str) -> str:
    """Remove the CDN scripts nbconvert adds, make the slide-change hook work without MathJax, fit every slide."""
    html = re.sub(r"<script type=\"module\">\s*import mermaid.*?</script>", "", html, flags=re.S)
    mathjax = (r"<!-- Load mathjax -->.*?</script>\s*<!-- MathJax configuration -->\s*"
               r"<script type=\"text/x-mathjax-config\">.*?</script>")
    html = re.sub(mathjax, "", html, flags=re.S)
    html = html.replace("if(MathJax.Hub.getAllJax(", "if(window.MathJax && MathJax.Hub.getAllJax(")
    hook = "Reveal.addEventListener('slidechanged', update);"
    assert hook in html, "nbconvert's reveal template changed: the slide-fitting script has no place to go"
    html = html.replace(hook, hook + "\n" + FIT_JS, 1)
    return html.replace("</head>", FONT_CSS + "</head>", 1)


def export(root: Path, lang: str, name: str, out_dir: Path | None = None) -> Path:
    """Write one deck; returns its path. `out_dir` defaults to slides/LANG (assets are one level up)."""
    from nbconvert import SlidesExporter

    out_dir = out_dir or root / "slides" / lang
    copy_assets(root, out_dir.parent / ASSETS)
    prefix = f"../{ASSETS}"
    exporter = SlidesExporter(reveal_url_prefix=f"{prefix}/reveal", reveal_theme="white", reveal_scroll=False,
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
    written = []
    for name in names:
        for lang in langs:
            if notebook_path(root, lang, name).exists():
                written.append(export(root, lang, name))
            else:
                path = notebook_path(root, lang, name).relative_to(root)
                print(f"no slides for {lang}/{name}: {path} is missing (run build first)")
    return written
