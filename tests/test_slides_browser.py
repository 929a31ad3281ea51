"""A Bengali slide deck in a real browser at 1920x1080: reveal.js starts, the Bengali font loads, nothing fails.

The deck is built into tmp_path with tools.slides.export from the committed notebook and opened from disk, as a
teacher opens it on a projector without Python. Screenshots go to test-artifacts/ (gitignored). Skipped, with
the reason, where Debian's chromium or the playwright package is missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import course, slides

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
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
