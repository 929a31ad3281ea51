"""The course as a static website in both languages, with a teacher's edition (issue 22).

    python -m tools.course site [--lang bn] [--out site] [--pdf]    (or: python -m tools.site ...)

Builds site/en/ and site/bn/ from the executed notebooks in notebooks/{en,bn}/ (nothing is executed again):
a home page per language, a page per lesson with its outputs and plots, the syllabus map, the glossary, a
search page, and the teacher's edition (teacher/LANG/NAME.md plus what is generated from the speaker notes and
tests/solutions/). Every heading has the anchor of its position (`#s7`), the same in both languages, and a link
to the same section of the twin page. Everything the pages load (style, scripts, the Bengali font, plots) is in
site/ itself and linked relatively: copy the folder to any static host or a USB stick and open it from file://.

The tool: nbconvert's HTML exporter (already installed with JupyterLab) renders the notebooks, Jinja2 (which
nbconvert uses) lays out the pages. Sphinx with myst-nb would add a second Markdown dialect, a theme and a much
slower build for the same pages; see the README.
"""

from __future__ import annotations

import argparse
import html
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from . import search, sources
from .render import Fragment, markdown_page, notebook_page
from .strings import LANGUAGE_NAMES, count, ui

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
STATIC = ("site.css", "site.js", "search.js")


@dataclass
class Lesson:
    """One lesson in one language, rendered."""

    name: str
    title: str
    page: Fragment
    nb: object


@dataclass
class Page:
    """One page to write: its path under site/LANG/, title, body and what the layout shows around it."""

    path: str
    title: str
    body: str
    kind: str
    toc: list | None = None
    colab: str = ""
    setup_code: str = ""
    previous: dict | None = None
    next: dict | None = None
    scripts: tuple[str, ...] = ()
    pdf: str = ""


def other(lang: str) -> str:
    """The twin language."""
    return "bn" if lang == "en" else "en"


def up(path: str) -> str:
    """The relative way from a page at `path` (under site/LANG/) back to site/LANG/."""
    return "../" * path.count("/")


def twin_href(path: str, lang: str) -> str:
    """The relative link from a page to the same page in the other language."""
    return f"{up(path)}../{other(lang)}/{path}"


def copy_assets(root: Path, out: Path) -> None:
    """The style, scripts, code colours and the Bengali font (with its licence) into site/assets/."""
    from pygments.formatters import HtmlFormatter

    assets = out / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    for name in STATIC:
        shutil.copy(HERE / "static" / name, assets / name)
    light = HtmlFormatter(style="default").get_style_defs(".highlight")
    dark = HtmlFormatter(style="monokai").get_style_defs("html .highlight")
    (assets / "pygments.css").write_text(f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
                                         "@media print { .highlight { background: #f6f8fa; } }\n", encoding="utf-8")
    for name in ("NotoSansBengali-Regular.ttf", "OFL.txt"):
        shutil.copy(root / "helpers" / "fonts" / name, assets / name)


def render_lessons(root: Path, lang: str, names: list[str]) -> list[Lesson]:
    """Every lesson's notebook in `lang` as a page fragment."""
    lessons = []
    for name in names:
        nb = sources.read_notebook(root, lang, name)
        page = notebook_page(nb, name=name, twin=twin_href(f"{name}.html", lang), lang=lang)
        title = next((h.text for h in page.headings if h.level == 1), name)
        lessons.append(Lesson(name, title, page, nb))
    return lessons


def home_page(lang: str, lessons: list[Lesson], config: dict[str, str]) -> Page:
    """What the course is, how to start, the lesson list."""
    items = "\n".join(f'<li><span class="num">{lesson.name[:2]}</span><a href="{lesson.name}.html">'
                      f"{html.escape(lesson.title)}</a></li>" for lesson in lessons)
    clone = (f"git clone https://github.com/{config['repository']}.git\ncd {config['repository'].split('/')[1]}\n"
             "python3 -m venv .venv &amp;&amp; source .venv/bin/activate\npip install -r requirements.txt\n"
             f"jupyter lab notebooks/{lang}/")
    body = f"""<h1 id="s1">{ui("site.title", lang)}</h1>
<p>{ui("home.intro", lang)}</p>
<h2 id="s2">{ui("home.start", lang)}</h2>
<ul><li>{ui("home.start_read", lang)}</li><li>{ui("home.start_colab", lang)}</li>
<li>{ui("home.start_local", lang)}<pre><code>{clone}</code></pre></li></ul>
<h2 id="s3">{ui("site.lessons", lang)}</h2>
<ol class="lessons">{items}</ol>
<h2 id="s4">{ui("home.also", lang)}</h2>
<ul><li><a href="syllabus.html">{ui("site.syllabus", lang)}</a>: {ui("home.syllabus", lang)}</li>
<li><a href="glossary.html">{ui("site.glossary", lang)}</a>: {ui("home.glossary", lang)}</li>
<li><a href="teacher/index.html">{ui("site.teacher", lang)}</a>: {ui("home.teacher", lang)}</li></ul>"""
    return Page("index.html", ui("site.home", lang), body, "home")


def lesson_pages(lang: str, lessons: list[Lesson], pdf: bool) -> list[Page]:
    """A page per lesson, with its Colab badge, contents and links to the lessons before and after it."""
    pages = []
    for i, lesson in enumerate(lessons):
        link = lambda j: {"href": f"{lessons[j].name}.html", "title": lessons[j].title}  # noqa: E731
        pages.append(Page(f"{lesson.name}.html", lesson.title, lesson.page.body, "lesson",
                          toc=[h for h in lesson.page.headings if h.level == 2], colab=lesson.page.colab,
                          setup_code=_setup_html(lesson.page.setup_code),
                          previous=link(i - 1) if i else None, next=link(i + 1) if i + 1 < len(lessons) else None,
                          pdf=f"pdf/{lesson.name}.pdf" if pdf else ""))
    return pages


def _setup_html(code: str) -> str:
    from .teacher import highlight

    return highlight(code) if code else ""


def document_pages(root: Path, lang: str) -> list[Page]:
    """The syllabus map and the glossary (the glossary is one bilingual file, shown in both sites)."""
    pages = []
    for path, source in (("syllabus.html", root / f"lessons_{lang}" / "SYLLABUS.md"),
                         ("glossary.html", root / "lessons_bn" / "GLOSSARY.md")):
        fragment = markdown_page(source, twin=twin_href(path, lang), lang=lang)
        title = next((h.text for h in fragment.headings if h.level == 1), path)
        pages.append(Page(path, title, fragment.body, "document", toc=[h for h in fragment.headings if h.level == 2]))
    return pages


def teacher_pages(root: Path, lang: str, lessons: list[Lesson]) -> list[Page]:
    """The teacher's edition: an index, and a page per lesson."""
    from .exercises import lesson_exercises, solution_modules
    from .teacher import teacher_page

    modules = solution_modules(root)
    items = "\n".join(f'<li><span class="num">{lesson.name[:2]}</span><a href="{lesson.name}.html">'
                      f"{html.escape(lesson.title)}</a></li>" for lesson in lessons)
    pages = [Page("teacher/index.html", ui("site.teacher", lang),
                  f'<h1 id="s1">{ui("site.teacher", lang)}</h1><p>{ui("teacher.intro", lang)}</p>'
                  f'<ol class="lessons">{items}</ol>', "teacher")]
    for lesson in lessons:
        path = f"teacher/{lesson.name}.html"
        notes = sources.speaker_notes(root, lang, lesson.name, len(lesson.nb.cells))
        module = modules.get(lesson.name[:2])
        exercises = lesson_exercises(lesson.nb, module, lang)
        waiting = sorted(set(module.CASES if module else ()) - {e.id for e in exercises})
        if waiting and lang == "en":
            print(f"{lesson.name}: not in the teacher's edition until its notebook checks them: {', '.join(waiting)}")
        fragment = teacher_page(root=root, lang=lang, name=lesson.name, title=lesson.title, lesson=lesson.page,
                                notes=notes, exercises=exercises, twin=twin_href(path, lang))
        pages.append(Page(path, ui("teacher.lesson_title", lang, title=lesson.title), fragment.body, "teacher"))
    return pages


def search_page(lang: str) -> Page:
    """The search page; its script reads search-index.js."""
    body = f"""<h1 id="s1">{ui("site.search", lang)}</h1>
<form id="search-form" class="search" role="search"><input id="q" type="search" name="q"
 aria-label="{ui("site.search", lang)}" placeholder="{ui("site.search_placeholder", lang)}">
<button type="submit">{ui("site.search", lang)}</button></form>
<p id="summary"><noscript>{ui("site.search_needs_js", lang)}</noscript></p>
<ol id="results"></ol>"""
    return Page("search.html", ui("site.search", lang), body, "search",
                scripts=("search-index.js", "../assets/search.js"))


def write_pages(out: Path, lang: str, pages: list[Page], repository: str) -> None:
    """Every page of one language through the layout, and the search index over them."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["j2"]))
    env.globals["ui"] = lambda key, **values: ui(key, lang, **values)
    template = env.get_template("page.html.j2")
    entries = []
    for page in pages:
        prefix = up(page.path)
        text = template.render(lang=lang, other=other(lang), other_name=LANGUAGE_NAMES[other(lang)], title=page.title,
                               kind=page.kind, up=prefix, assets=f"{prefix}../assets",
                               twin=twin_href(page.path, lang),
                               body=_markup(page.body), toc=page.toc, colab=page.colab,
                               setup_code=_markup(page.setup_code), previous=page.previous, next=page.next,
                               scripts=page.scripts, pdf=page.pdf, repository=repository)
        target = out / lang / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        if page.kind != "search":
            entries += search.index_entries(page.body, href=page.path, page_title=page.title)
    words = {"hint": ui("site.search_hint", lang), "none": ui("site.search_none", lang, q="{q}"),
             "count": ui("site.search_count", lang, q="{q}", n="{n}"), "digits": count(1234567890, lang)}
    (out / lang / "search-index.js").write_text(search.index_script(entries, words), encoding="utf-8")


def _markup(text: str):
    from markupsafe import Markup

    return Markup(text)


def root_page(out: Path) -> None:
    """site/index.html: one link per language, each in its own script."""
    links = "".join(f'<li><a href="{lang}/index.html" hreflang="{lang}" lang="{lang}">{LANGUAGE_NAMES[lang]} · '
                    f"{ui('site.title', lang)}</a></li>" for lang in sources.LANGS)
    (out / "index.html").write_text(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{ui("site.title", "en")} · {ui("site.title", "bn")}</title><link rel="stylesheet" href="assets/site.css"></head>
<body class="root"><main><h1>{ui("site.title", "en")}<br><span lang="bn">{ui("site.title", "bn")}</span></h1>
<ul class="languages">{links}</ul></main></body></html>
""", encoding="utf-8")


def build(root: Path = ROOT, out: Path | None = None, langs: tuple[str, ...] = sources.LANGS,
          pdf: bool = False) -> Path:
    """Write the whole site (both languages unless `langs` says otherwise) into `out` (default: site/)."""
    out = out or root / "site"
    config = sources.course_config(root)
    names = sources.lessons(root)
    copy_assets(root, out)
    root_page(out)
    for lang in langs:
        if (out / lang).exists():
            shutil.rmtree(out / lang)
        lessons = render_lessons(root, lang, names)
        pages = [home_page(lang, lessons, config), *lesson_pages(lang, lessons, pdf), *document_pages(root, lang),
                 *teacher_pages(root, lang, lessons), search_page(lang)]
        write_pages(out, lang, pages, config["repository"])
        for lesson in lessons:
            for relative, data in lesson.page.files.items():
                (out / lang / relative).parent.mkdir(parents=True, exist_ok=True)
                (out / lang / relative).write_bytes(data)
        if pdf:
            print_pdfs(out / lang, names)
    return out


def print_pdfs(folder: Path, names: list[str]) -> None:
    """Each lesson page printed to pdf/NAME.pdf by Chromium (which shapes Bengali with HarfBuzz)."""
    from playwright.sync_api import sync_playwright

    (folder / "pdf").mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        for name in names:
            page.goto((folder / f"{name}.html").as_uri(), wait_until="load")
            page.evaluate("""Promise.all([document.fonts.ready, ...[...document.images].map(img => {
                img.loading = "eager";  // a lazy picture below the fold would print as a gap
                return img.complete ? null : new Promise(done => { img.onload = img.onerror = done; });
            })])""")
            page.pdf(path=str(folder / "pdf" / f"{name}.pdf"), format="A4", print_background=True)
        browser.close()


def main(argv: list[str] | None = None) -> int:
    """`python -m tools.course site`: build the website, say where it is and how long it took."""
    parser = argparse.ArgumentParser(prog="python -m tools.course site", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", choices=sources.LANGS,
                        help="build one language only (its language links need the other one built once)")
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="where to write the site (default: site/)")
    parser.add_argument("--pdf", action="store_true", help="also print each lesson to a PDF with Chromium")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # the exercises' checkers run tiny models
    start = time.perf_counter()
    out = build(ROOT, args.out, (args.lang,) if args.lang else sources.LANGS, pdf=args.pdf)
    print(f"wrote {out} in {time.perf_counter() - start:.1f} s; open {out / 'index.html'}")
    return 0

