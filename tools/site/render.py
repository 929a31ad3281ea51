"""Executed notebooks and Markdown files as HTML fragments with stable, position-numbered section anchors.

A heading's anchor is its position on the page (`s1`, `s2`, ...): the twins' headings are parallel (tools.course
checks it), so `#s7` names the same section in English and in Bengali, and a twin link lands there.
"""

from __future__ import annotations

import copy
import functools
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from tools.lessons import SETUP_TAG
from tools.static_widgets import static_outputs

from .strings import ui

HEADING = re.compile(r'<h([1-6]) id="[^"]*">(.*?)<a class="anchor-link" href="#[^"]*">(?:¶|&#182;)</a></h\1>', re.S)
CELL_START = re.compile(r'id="cell-id=[^"]*?-(\d+)"')
BADGE = re.compile(r"\]\((https://colab\.research\.google\.com/[^)\s]+)\)")
TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Heading:
    """A section of a page: its level, anchor, plain text and the notebook cell it is in (-1 outside notebooks)."""

    level: int
    anchor: str
    text: str
    cell: int = -1


@dataclass
class Fragment:
    """A rendered page body, its headings, and the files (plots) it links to."""

    body: str
    headings: list[Heading]
    files: dict[str, bytes] = field(default_factory=dict)
    colab: str = ""
    setup_code: str = ""

    def section_at(self, cell: int) -> Heading | None:
        """The section that notebook cell `cell` belongs to: the last heading at or before it."""
        before = [h for h in self.headings if h.cell <= cell]
        return before[-1] if before else None


def plain(fragment_html: str) -> str:
    """The text of an HTML fragment, tags removed and entities decoded."""
    return html.unescape(TAGS.sub("", fragment_html)).strip()


def number_headings(body: str, twin: str, lang: str) -> tuple[str, list[tuple[int, str, str, int]]]:
    """Give every Markdown heading the anchor `sN` and a link to the same section of the `twin` page."""
    found: list[tuple[int, str, str, int]] = []
    label = ui("site.twin", lang)
    twin_lang = "bn" if lang == "en" else "en"

    def rename(match: re.Match) -> str:
        level, inner = int(match.group(1)), match.group(2).strip()
        anchor = f"s{len(found) + 1}"
        found.append((level, anchor, plain(inner), match.start()))
        twin_link = (f' <a class="twin" href="{twin}#{anchor}" hreflang="{twin_lang}" title="{label}" '
                     f'aria-label="{label}">{"বাংলা" if lang == "en" else "EN"}</a>' if twin else "")
        return (f'<h{level} id="{anchor}">{inner}<a class="anchor" href="#{anchor}" aria-hidden="true">#</a>'
                f"{twin_link}</h{level}>")

    return HEADING.sub(rename, body), found


def scroll_tables(body: str) -> str:
    """Wrap each table in a box that scrolls sideways, so a wide table never widens the page on a phone."""
    return body.replace("<table", '<div class="scroll"><table').replace("</table>", "</table></div>")


def markdown_page(path: Path, *, twin: str, lang: str) -> Fragment:
    """A Markdown file (syllabus, glossary) as HTML with numbered sections."""
    return markdown_fragment(path.read_text(encoding="utf-8"), twin=twin, lang=lang)


def markdown_fragment(text: str, *, twin: str, lang: str) -> Fragment:
    """Markdown text as HTML with numbered sections (the same renderer as the notebooks' text cells)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    body, found = number_headings(markdown2html_mistune(text), twin, lang)
    return Fragment(scroll_tables(body), [Heading(level, anchor, text) for level, anchor, text, _ in found])


def _prepare(nb, lang: str) -> tuple[object, str, str]:
    """The notebook without its badge and setup cells (the page shows them itself), its widgets drawn as static HTML
    (as the slides draw them: a live widget would load its renderer from a CDN, and nothing could drive it)."""
    nb = copy.deepcopy(nb)
    colab, setup = "", ""
    if nb.cells and nb.cells[0].cell_type == "markdown" and BADGE.search(nb.cells[0].source):
        colab = BADGE.findall(nb.cells[0].source)[-1]  # [![Open In Colab](badge.svg)](notebook): the link, not the image
        nb.cells = nb.cells[1:]
    for cell in list(nb.cells):
        if SETUP_TAG in cell.get("metadata", {}).get("tags", []):
            setup = cell.source
            nb.cells.remove(cell)
    static_outputs(nb, lang)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.metadata["alt"] = ui("site.plot_alt", lang)  # nbconvert's template writes it on the cell's plots
    return nb, colab, setup


def _trusted(element: str | bytes) -> str:
    """The course's own notebooks need no sanitising (bleach took 40% of the build's time)."""
    return element.decode() if isinstance(element, bytes) else str(element)


@functools.cache
def _exporter():
    """nbconvert's HTML exporter, body only ("basic" template), plots extracted to files; made once (its setup is slow)."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    from nbconvert.preprocessors import ExtractOutputPreprocessor

    class BodyExporter(HTMLExporter):
        """HTMLExporter without its last step, a BeautifulSoup pass that only adds alt texts (the cells give theirs)
        and tab stops for the "lab" template: it took a third of the site's build."""

        def from_notebook_node(self, nb, resources=None, **kw):
            resources = self._init_resources(resources)
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name"))
            self.register_filter("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata,
                                                                           parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    exporter = BodyExporter(template_name="basic", exclude_input_prompt=True, exclude_output_prompt=True,
                            filters={"clean_html": _trusted})
    exporter.register_preprocessor(ExtractOutputPreprocessor(extract_output_types={"image/png", "image/jpeg",
                                                                                   "image/svg+xml"}), enabled=True)
    return exporter


def notebook_page(nb, *, name: str, twin: str, lang: str) -> Fragment:
    """An executed notebook as HTML: code, outputs, plots saved as files under img/NAME/."""
    nb, colab, setup = _prepare(nb, lang)
    body, resources = _exporter().from_notebook_node(nb, resources={"output_files_dir": f"img/{name}",
                                                                 "unique_key": "out"})
    body = body.replace(f'<img src="img/{name}/', f'<img loading="lazy" src="img/{name}/')
    cells = [(m.start(), int(m.group(1))) for m in CELL_START.finditer(body)]  # offsets before renaming
    body, found = number_headings(body, twin, lang)
    headings = []
    for level, anchor, text, offset in found:
        cell = max((index for start, index in cells if start <= offset), default=-1)
        headings.append(Heading(level, anchor, text, cell))
    return Fragment(scroll_tables(body), headings, dict(resources.get("outputs", {})), colab, setup)
