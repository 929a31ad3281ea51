"""The site's search index: every section of every page with its words, shipped as a script (works from file://)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

SKIPPED_CLASSES = {"output_wrapper", "anchor", "twin"}  # outputs are numbers and logs; the rest are link marks
VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "source", "col", "area", "base", "embed", "param", "track"}


class _Sections(HTMLParser):
    """Splits a page body at its headings that have an id: [(anchor, title, text)]."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[list[str]] = [["", "", ""]]
        self.skip_depth = 0  # >0 inside a skipped element: counts its open tags
        self.in_heading = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in VOID:
            return
        if self.skip_depth:
            self.skip_depth += 1
            return
        attributes = dict(attrs)
        if SKIPPED_CLASSES & set((attributes.get("class") or "").split()):
            self.skip_depth = 1
        elif re.fullmatch(r"h[1-6]", tag) and attributes.get("id"):
            self.sections.append([attributes["id"], "", ""])
            self.in_heading = True

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self.skip_depth:
            self.skip_depth -= 1
        elif re.fullmatch(r"h[1-6]", tag):
            self.in_heading = False

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.sections[-1][1 if self.in_heading else 2] += data


def page_sections(body: str) -> list[tuple[str, str, str]]:
    """(anchor, title, text) of each section of a page body; the text before the first heading has anchor ''."""
    parser = _Sections()
    parser.feed(re.sub(r"</?span\b[^>]*>", "", body))  # Pygments wraps every token in a span: a third of the tags
    squash = lambda s: re.sub(r"\s+", " ", s).strip()  # noqa: E731
    return [(anchor, squash(title), squash(text)) for anchor, title, text in parser.sections if squash(title + text)]


def index_entries(body: str, *, href: str, page_title: str) -> list[dict[str, str]]:
    """Search entries for one page: u (link to the section), t (its title), p (the page), x (its words)."""
    entries = []
    for anchor, title, text in page_sections(body):
        entries.append({"u": f"{href}#{anchor}" if anchor else href, "t": title or page_title, "p": page_title,
                        "x": text[:4000]})
    return entries


def index_script(entries: list[dict[str, str]], words: dict[str, str]) -> str:
    """The index as a script that sets window.COURSE_INDEX (a plain .json could not be read from file://)."""
    return ("window.COURSE_INDEX = " + json.dumps(entries, ensure_ascii=False, separators=(",", ":")) + ";\n"
            "window.COURSE_WORDS = " + json.dumps(words, ensure_ascii=False) + ";\n")
