"""The course website (tools/site, issue 22): built once from the committed notebooks, then checked as files and in
Chromium at a phone's and a laptop's size with every request outside the site blocked.

The browser checks skip, saying why, where Debian's chromium or the playwright package is missing. Screenshots go
to test-artifacts/site/ (look at them); the build's time to test-artifacts/site/build_time.txt.
"""

from __future__ import annotations

import functools
import re
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tools import site
from tools.site import sources

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "site"
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SIZES = {"phone": (360, 800), "laptop": (1366, 768)}
LAPTOP_SAMPLE = ("index.html", "02_training_loop.html", "09_metrics_troubleshooting.html", "glossary.html",
                 "syllabus.html", "teacher/04_losses.html", "search.html")  # a phone is where pages overflow
LINK = re.compile(r'<(a|link|script|img)\b[^>]*?\b(href|src)="([^"]*)"', re.S)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The whole site in both languages, built once (its time is recorded: CI must stay well inside its limit)."""
    out = tmp_path_factory.mktemp("site")
    start = time.perf_counter()
    site.build(ROOT, out)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "build_time.txt").write_text(f"{time.perf_counter() - start:.1f} s\n", encoding="utf-8")
    return out


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


@functools.cache
def anchors(path: Path) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8")))


def test_every_lesson_has_a_page_and_a_teacher_page_in_both_languages(built):
    for name in sources.lessons(ROOT):
        for lang in sources.LANGS:
            assert (built / lang / f"{name}.html").exists()
            assert (built / lang / "teacher" / f"{name}.html").exists()
    for lang in sources.LANGS:
        for page in ("index.html", "syllabus.html", "glossary.html", "search.html", "teacher/index.html",
                     "search-index.js"):
            assert (built / lang / page).exists(), f"{lang}/{page}"
    assert (built / "assets" / "NotoSansBengali-Regular.ttf").exists() and (built / "index.html").exists()


def test_every_link_is_relative_and_lands_on_an_existing_file_and_anchor(built):
    """Offline and from file://: nothing the pages load comes from elsewhere; every internal link and #anchor exists."""
    for page in pages(built):
        html = page.read_text(encoding="utf-8")
        for tag, _, url in LINK.findall(html):
            if url.startswith("data:"):  # a picture inside the page itself
                continue
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                assert tag == "a" and parts.scheme in ("https", "http"), f"{page}: {tag} loads {url[:100]}"
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), f"{page.relative_to(built)} links to a missing {url}"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in anchors(target), f"{page.relative_to(built)}: {url} has no such anchor"


def test_twins_have_the_same_section_anchors(built):
    """A twin link lands on the same section: both languages number the same headings the same way."""
    for page in (built / "en").rglob("*.html"):
        twin = built / "bn" / page.relative_to(built / "en")
        numbered = lambda p: sorted(a for a in anchors(p) if re.fullmatch(r"s\d+|ex-[\w-]+|notes|exercises", a))  # noqa: E731
        assert numbered(page) == numbered(twin), page.relative_to(built)


def test_the_colab_badge_comes_from_pyproject(built):
    config = sources.course_config(ROOT)
    html = (built / "bn" / "02_training_loop.html").read_text(encoding="utf-8")
    assert (f"https://colab.research.google.com/github/{config['repository']}/blob/{config['branch']}/"
            "notebooks/bn/02_training_loop_bn.ipynb") in html


def test_teacher_pages_publish_every_exercise_the_lessons_check(built):
    """Each exercise a lesson checks is on its teacher's page, with every wrong answer of tests/solutions/ and its hint."""
    from tools.site.exercises import check_cells, solution_modules

    modules = solution_modules(ROOT)
    for name in sources.lessons(ROOT):
        for lang in sources.LANGS:
            html = (built / lang / "teacher" / f"{name}.html").read_text(encoding="utf-8")
            for exercise_id in check_cells(sources.read_notebook(ROOT, lang, name)):
                assert f'id="ex-{exercise_id.replace(".", "-")}"' in html, (lang, exercise_id)
                for _, hint in modules[name[:2]].CASES[exercise_id][1]:
                    assert f'data-hint="{hint}"' in html, (lang, exercise_id, hint)


def test_speaker_notes_stay_out_of_the_lesson_pages(built):
    from tools.lessons import NOTES_MARKER

    for page in (built / "en").glob("[0-9][0-9]_*.html"):
        assert NOTES_MARKER not in page.read_text(encoding="utf-8")
        assert 'class="answer' not in page.read_text(encoding="utf-8")  # no solutions either


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium): apt-get install -y chromium")
    sync_playwright = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing").sync_playwright
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


def open_page(browser, size: str):
    """A page at `size` that blocks, and records, every request that is not a file of the site."""
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.outside = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith("file:"):
            request_route.continue_()
        else:
            page.outside.append(url)
            request_route.abort()

    page.route("**/*", route)
    return page


@pytest.mark.parametrize("size", SIZES)
def test_no_page_scrolls_sideways_and_nothing_loads_from_outside(built, browser, size):
    page = open_page(browser, size)
    wide = []
    checked = pages(built) if size == "phone" else [built / lang / p for lang in sources.LANGS for p in LAPTOP_SAMPLE]
    for path in checked:
        page.goto(path.as_uri(), wait_until="domcontentloaded")
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if width[0] > width[1]:
            wide.append(f"{path.relative_to(built)}: {width[0]} px wide at {width[1]}")
    for shot in ("bn/02_training_loop.html#s12", "en/02_training_loop.html#s19", "bn/teacher/02_training_loop.html",
                 "bn/index.html", "bn/glossary.html"):
        page.goto((built / shot.split("#")[0]).as_uri() + ("#" + shot.split("#")[1] if "#" in shot else ""))
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(ARTIFACTS / f"{size}_{shot.replace('/', '_').replace('#', '_')}.png"))
    page.close()
    assert not wide, wide
    assert not page.outside, page.outside


def test_bengali_pages_are_set_in_the_bundled_font(built, browser):
    page = open_page(browser, "phone")
    page.goto((built / "bn" / "03_validation.html").as_uri())
    page.evaluate("document.fonts.ready")
    faces = page.evaluate("[...document.fonts].filter(f => f.family.includes('Noto Sans Bengali')).map(f => f.status)")
    family = page.evaluate("getComputedStyle(document.querySelector('main p')).fontFamily")
    assert faces == ["loaded"] and family.startswith('"Noto Sans Bengali"'), (faces, family)
    assert page.evaluate("document.fonts.check('16px \"Noto Sans Bengali\"', 'ভ্যালিডেশন')")


def test_twin_link_lands_on_the_same_section(built, browser):
    """Scroll to a section, follow the header's language link: the twin opens at the section with the same anchor."""
    page = open_page(browser, "laptop")
    page.goto((built / "en" / "05_optimizers.html").as_uri() + "#s11")
    page.wait_for_function("document.getElementById('twin-float').getAttribute('href').endsWith('#s11')")
    page.click("#twin-float")
    page.wait_for_load_state("load")
    assert page.url.endswith("/bn/05_optimizers.html#s11")
    heading = page.evaluate("document.getElementById('s11').textContent")
    assert "প্যারামিটার গ্রুপ" in heading
    page.click("#s11 a.twin")
    page.wait_for_load_state("load")
    assert page.url.endswith("/en/05_optimizers.html#s11") and "Parameter groups" in page.inner_text("#s11")


@pytest.mark.parametrize("lang,word,lesson", [("bn", "মোমেন্টাম", "05_optimizers"), ("bn", "চেকপয়েন্ট", "08_checkpoints"),
                                              ("en", "momentum", "05_optimizers")])
def test_search_finds_a_word_in_its_lesson(built, browser, lang, word, lesson):
    page = open_page(browser, "phone")
    page.goto((built / lang / "search.html").as_uri() + "?q=" + word)
    page.wait_for_selector("#results li")
    first = page.eval_on_selector("#results li a", "a => a.getAttribute('href')")
    assert first.startswith(f"{lesson}.html"), first
    page.click("#results li a")
    page.wait_for_load_state("load")
    assert word.lower() in page.inner_text("main").lower()
    if lang == "bn" and lesson.startswith("05"):
        page.goto((built / lang / "search.html").as_uri() + "?q=" + word)
        page.wait_for_selector("#results li")
        page.screenshot(path=str(ARTIFACTS / "phone_bn_search.png"))
