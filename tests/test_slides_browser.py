"""Slide decks in a real browser: reveal.js starts, the Bengali font loads, every slide fits the 16:9 frame.

The decks are built into tmp_path with tools.slides.export from the committed notebooks and opened from disk, as a
teacher opens them on a projector without Python, with every request that is not a local file refused (a deck
must work with no network). Screenshots go to test-artifacts/ (gitignored). Skipped, with the reason, where
Debian's chromium or the playwright package is missing.

Which decks are checked slide by slide: FIT_DECKS, a representative set (lesson 02 in Bengali: the stepper widget,
the 18-line loop, code with plots; lesson 08 in English: code cells over 40 lines). Every deck of every lesson:
COURSE_ALL_DECKS=1 pytest tests/test_slides_browser.py (15-35 s a deck on this 2-core machine under load; the
18 decks of lessons 01-09 took 7 min 23 s and all passed).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tools import course, slides

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
pytestmark = pytest.mark.slow
LESSON = "03_validation"  # Bengali prose, a table, code with Bengali comments and a Bengali plot
FONT = "Noto Sans Bengali"
REVEAL = "../assets/reveal/dist/reveal.js"  # nbconvert's template loads reveal.js as a require.js module, not a global


@pytest.fixture(scope="module")
def sync_playwright():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium): apt-get install -y chromium")
    return pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed").sync_playwright


def test_bengali_deck_in_chromium_at_1920x1080(sync_playwright, tmp_path):
    if not course.notebook_path(ROOT, "bn", LESSON).exists():
        pytest.skip(f"{course.notebook_path(ROOT, 'bn', LESSON)} is not built")
    deck = slides.export(ROOT, "bn", LESSON, out_dir=tmp_path / "bn")
    ARTIFACTS.mkdir(exist_ok=True)
    errors, failed = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))
            page.goto(deck.as_uri())
            page.wait_for_function(f"window.require && require.defined('{REVEAL}') && require('{REVEAL}').isReady()",
                                   timeout=30_000)
            page.evaluate(f"window.Reveal = require('{REVEAL}')")
            loaded = page.evaluate(f"""async () => {{
                await document.fonts.load('32px "{FONT}"', 'বাংলা');
                await document.fonts.ready;
                return [...document.fonts].filter(f => f.family.replace(/"/g, '') === '{FONT}').map(f => f.status);
            }}""")
            title = page.evaluate("Reveal.getCurrentSlide().innerText")
            page.screenshot(path=str(ARTIFACTS / "slides-bn-1-title.png"))
            # The first slide with a figure from the executed notebook: the plot must be on the page, not a link.
            moved = page.evaluate("""() => {
                const slide = Reveal.getSlides().find(s => s.querySelector('img'));
                if (!slide) return null;
                const {h, v} = Reveal.getIndices(slide);
                Reveal.slide(h, v);
                const img = slide.querySelector('img');
                return [img.naturalWidth, img.getBoundingClientRect().width];
            }""")
            page.wait_for_timeout(300)
            page.screenshot(path=str(ARTIFACTS / "slides-bn-2-figure.png"))
            total = page.evaluate("Reveal.getTotalSlides()")
        finally:
            browser.close()
    assert loaded == ["loaded"], f"{FONT} did not load: {loaded}"
    assert any("\u0980" <= ch <= "\u09ff" for ch in title), title
    assert total > 5
    assert moved and moved[0] > 0 and moved[1] > 0, "no slide shows a figure"
    assert errors == [], errors
    assert failed == [], failed


FIT_DECKS = [("bn", "02_training_loop"), ("en", "08_checkpoints")]
if os.environ.get("COURSE_ALL_DECKS"):
    FIT_DECKS = [(lang, name) for name in course.lesson_names() for lang in course.LANGS]
# Every slide, as a presenter pages through it: its content's top and bottom inside the frame after the deck's own
# fitting, and no code line hidden behind a horizontal scroll bar.
MEASURE = """async () => {
  const Reveal = require('REVEAL');
  await document.fonts.ready;
  const frame = document.querySelector('.reveal .slides').getBoundingClientRect();
  const rows = [];
  for (const slide of Reveal.getSlides()) {
    const {h, v} = Reveal.getIndices(slide);
    Reveal.slide(h, v);
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    let top = Infinity, bottom = -Infinity;
    for (const child of slide.children) {
      const box = child.getBoundingClientRect();
      if (child.tagName !== 'ASIDE' && box.height > 0) { top = Math.min(top, box.top); bottom = Math.max(bottom, box.bottom); }
    }
    const hidden = [...slide.querySelectorAll('pre')].filter(pre => pre.scrollWidth > pre.clientWidth + 1).length;
    rows.push({slide: `${h}/${v}`, top: top - frame.top, bottom: bottom - frame.top, height: frame.height,
               scale: +(slide.dataset.fitScale || 1), hidden, text: slide.innerText.slice(0, 60)});
  }
  return rows;
}""".replace("REVEAL", REVEAL)


@pytest.mark.parametrize(("lang", "name"), FIT_DECKS, ids=[f"{lang}-{name}" for lang, name in FIT_DECKS])
def test_every_slide_fits_a_1280x720_frame_offline(sync_playwright, tmp_path, lang, name):
    if not course.notebook_path(ROOT, lang, name).exists():
        pytest.skip(f"{course.notebook_path(ROOT, lang, name)} is not built")
    deck = slides.export(ROOT, lang, name, out_dir=tmp_path / lang)
    refused, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": slides.WIDTH, "height": slides.HEIGHT})
            page.route(lambda url: not url.startswith("file:"), lambda route: (refused.append(route.request.url),
                                                                                route.abort()))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(deck.as_uri())
            page.wait_for_function(f"window.require && require.defined('{REVEAL}') && require('{REVEAL}').isReady()",
                                   timeout=30_000)
            rows = page.evaluate(MEASURE)
            smallest = min(rows, key=lambda row: row["scale"])
            h, v = smallest["slide"].split("/")
            page.evaluate(f"require('{REVEAL}').slide({h}, {v})")  # a screenshot of the most shrunk slide
            page.wait_for_timeout(200)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"slides-{lang}-{name}-smallest.png"))
        finally:
            browser.close()
    assert refused == [] and errors == [], (refused, errors)
    cut = [row for row in rows if row["top"] < -1 or row["bottom"] > row["height"] + 1 or row["hidden"]]
    assert cut == [], f"{len(cut)} of {len(rows)} slides do not fit the frame: {cut}"
    assert smallest["scale"] >= slides.MIN_SCALE, smallest
