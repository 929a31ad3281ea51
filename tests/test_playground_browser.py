"""The Bengali playground in a real browser: JupyterLab on localhost, headless Chromium, Playwright (lesson 10).

Screenshots go to test-artifacts/ (gitignored); the test never writes a tracked file. The lessons' pictures are
made on purpose, by running this file: `python tests/test_playground_browser.py --lang bn` writes
docs/playground.png (the README's and the Bengali lesson's), docs/playground_health.png (the health panel) and
docs/playground_fork.png (a forked run compared); `--lang en` the same three with `_en` (the English lesson's).
Skipped, with the reason, where Debian's chromium or the playwright package is missing.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest
from lab_server import ARTIFACTS, CHROMIUM, FLAGS, jupyterlab, missing, run_cell

ROOT = Path(__file__).resolve().parents[1]

NOTEBOOK_CODE = """\
import torch
import helpers
from helpers.playground import Playground
torch.set_num_threads(1)
helpers.set_language("{lang}")
pg = Playground(lang="{lang}", lr=1e-3, log_interval=1, step_delay=0.05, refresh_s=0.3)  # until Stop
pg"""
# What the page must show, per language (helpers/playground/messages.py and helpers/i18n.py hold these texts).
TEXTS = {
    "bn": {"start": "শুরু করো", "stop": "থামাও", "fork": "ফর্ক করো",
           "controls": ("লার্নিং রেট", "ব্যাচ সাইজ", "লগ ইন্টারভাল", "অপটিমাইজার", "থামাও", "বিরতি দাও", "রিসেট করো",
                        "চালিয়ে যাও", "ফর্ক করো", "শাখা"),
           "loss": "| লস:", "next_step": "পরের স্টেপ থেকে কাজ করবে", "stopped": "থামানো হয়েছে",
           "stopping": "এই স্টেপ শেষ হলেই থামছে", "health": "হেলথ", "forked": "শাখা B তৈরি হলো",
           "switched": "এখন শাখা A-এ"},
    "en": {"start": "Start", "stop": "Stop", "fork": "Fork",
           "controls": ("learning rate", "batch size", "log interval", "optimizer", "Stop", "Pause", "Reset", "Resume",
                        "Fork", "branch"),
           "loss": "| Loss:", "next_step": "used from the next step", "stopped": "stopped",
           "stopping": "Stopping after the current step", "health": "Health at step", "forked": "Branch B made",
           "switched": "Now on branch A"},
}
PICTURES = {"bn": ROOT / "docs" / "playground.png", "en": ROOT / "docs" / "playground_en.png"}
KINDS = ("", "_health", "_fork")  # the playground, its health panel, a forked run compared


def _jupyterlab(folder: Path, lang: str):
    """JupyterLab serving a one-cell playground notebook from `folder`; yields the notebook's URL."""
    return jupyterlab(folder, f"playground_{lang}.ipynb", NOTEBOOK_CODE.format(lang=lang))


@pytest.fixture
def lab(tmp_path):
    if reason := missing():
        pytest.skip(reason)
    with _jupyterlab(tmp_path, "bn") as url:
        yield url


LOG_FACTS = """() => {
    const box = document.querySelector('.pg-log');
    const pre = box.querySelector('pre');
    const text = pre.firstChild;
    if (!text || text.length < 2) return null;
    const range = document.createRange();
    range.setStart(text, text.length - 1);
    range.setEnd(text, text.length);
    const last = range.getBoundingClientRect(), area = box.getBoundingClientRect();
    return {newestVisible: last.top >= area.top - 1 && last.bottom <= area.bottom + 1, scrollTop: box.scrollTop,
            fromTop: box.scrollHeight - box.clientHeight + box.scrollTop,
            overflowing: box.scrollHeight > box.clientHeight + 20, lines: pre.textContent.split('\\n').length,
            newest: pre.textContent.split('\\n').pop()};
}"""
OVERLAPS = """() => {
    // Pairs of the playground's visible pieces (rows, buttons, controls, chart, log, health) whose boxes overlap.
    const root = document.querySelector('.pg-playground');
    const rows = [...root.children];
    const pieces = [...rows.filter(e => !e.classList.contains('widget-hbox')),
                    ...rows.filter(e => e.classList.contains('widget-hbox')).flatMap(r => [...r.children])];
    const seen = [], bad = [];
    for (const p of pieces) {
        const b = p.getBoundingClientRect();
        if (b.width === 0 || b.height === 0) continue;
        for (const [q, c] of seen) {
            if (b.left < c.right - 1 && c.left < b.right - 1 && b.top < c.bottom - 1 && c.top < b.bottom - 1)
                bad.push([p.className.slice(0, 60), q.className.slice(0, 60)]);
        }
        seen.push([p, b]);
    }
    return bad;
}"""
FIT = """() => {
    const pg = document.querySelector('.pg-playground').getBoundingClientRect();
    const panel = document.querySelector('.pg-playground').closest('.jp-OutputArea-output').getBoundingClientRect();
    const chart = document.querySelector('.pg-playground img');
    return {height: pg.height, width: pg.width, panelHeight: panel.height, panelWidth: panel.width,
            chartWidth: chart.getBoundingClientRect().width, right: pg.right, viewportWidth: window.innerWidth};
}"""


def _log_has_grown(page, facts: dict, timeout: float = 30) -> dict:
    """Wait until newer lines than in `facts` are in the log; the new facts."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = page.evaluate(LOG_FACTS)
        if now and now["newest"] != facts["newest"]:
            return now
    raise AssertionError("no new log lines")


STEPS = """() => {
    const match = document.querySelector('.pg-status').innerText.match(/(?:step|স্টেপ) (\\d+)/);
    return match ? Number(match[1]) : 0;
}"""
HEALTH_FITS = """() => {
    const box = document.querySelector('.pg-health').getBoundingClientRect();
    const table = document.querySelector('.pg-health table');
    return !table || table.getBoundingClientRect().right <= box.right + 1;
}"""


def _train_steps(page, texts: dict, steps: int) -> None:
    """Press Start, let the run train `steps` steps (as the status line counts them), press Stop."""
    before = page.evaluate(STEPS)
    _button(page, texts["start"]).click()
    page.wait_for_function(f"() => ({STEPS})() >= {before + steps}")
    _button(page, texts["stop"]).click()
    page.wait_for_function("text => document.querySelector('.pg-status').innerText.includes(text)", arg=texts["stopped"])


def _button(page, label: str):
    """The playground's button whose whole text is `label`: "Start" is not "Restart", nor শুরু "আবার শুরু"."""
    return page.locator(".pg-playground button").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))


def _drive(url: str, lang: str, *, after_fork: int = 6) -> Path:
    """Run the playground in `lang` in the browser, checking what the learner sees; the picture's path."""
    from playwright.sync_api import sync_playwright

    texts = TEXTS[lang]
    prefix = "playground" if lang == "bn" else f"playground_{lang}"  # the Bengali names stay what they were
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        # A student's laptop, drawn at a projector's 1.5 device pixels per CSS pixel (which changes no layout)
        # so that the projector's picture below is sharp: Chromium cannot change the ratio of an open page.
        page = browser.new_page(viewport={"width": 1366, "height": 768}, device_scale_factor=1.5)
        page.set_default_timeout(120_000)
        try:
            start = _button(page, texts["start"])
            run_cell(page, url, start)
            for label in texts["controls"]:
                assert page.get_by_text(label).count() > 0, label
            page.locator(".pg-playground").scroll_into_view_if_needed()
            page.evaluate("() => document.querySelector('.pg-playground').scrollIntoView({block: 'start'})")
            fit = page.evaluate(FIT)
            page.screenshot(path=str(ARTIFACTS / f"{prefix}-1-laptop-1366x768.png"))
            notebook = page.evaluate("() => document.querySelector('.jp-NotebookPanel-notebook').clientHeight")
            assert fit["height"] <= notebook and fit["width"] <= fit["panelWidth"], fit  # one screen
            assert fit["chartWidth"] >= 650, fit  # chart text of 10.5 pt stays over 10 px on screen

            for attempt in range(3):  # a click before the widget's comm is open can be lost: click again
                start.click()
                try:
                    page.wait_for_function("text => document.body.innerText.includes(text)", arg=texts["loss"],
                                           timeout=40_000)
                    break
                except Exception:
                    if attempt == 2:
                        raise
            chart = page.locator(".pg-playground img").first
            first_chart = chart.get_attribute("src")
            facts = page.evaluate(LOG_FACTS)
            deadline = time.monotonic() + 60
            while not facts or not facts["overflowing"]:  # enough lines to scroll
                assert time.monotonic() < deadline, facts
                time.sleep(0.5)
                facts = page.evaluate(LOG_FACTS)
            assert chart.get_attribute("src") != first_chart  # the chart is redrawn while training
            facts = _log_has_grown(page, facts)
            assert facts["newestVisible"], facts  # the log follows the run
            facts = _log_has_grown(page, facts)
            assert facts["newestVisible"], facts

            page.locator(".pg-log").hover()
            page.mouse.wheel(0, -400)  # the learner scrolls up to read
            time.sleep(0.5)
            up = page.evaluate(LOG_FACTS)
            assert not up["newestVisible"] and up["scrollTop"] < -100, up
            later = _log_has_grown(page, up)
            later = _log_has_grown(page, later)
            assert not later["newestVisible"] and later["scrollTop"] < up["scrollTop"], later  # not yanked back
            assert later["fromTop"] == pytest.approx(up["fromTop"], abs=2), (up, later)  # the text they read stays put
            # Back to the bottom, as the learner's scrollbar drag would (a wheel event lands on whatever the page
            # has moved under the mouse meanwhile, which made this step flaky): following again.
            page.evaluate("() => { const box = document.querySelector('.pg-log'); box.scrollTop = 0; }")
            time.sleep(0.5)
            facts = _log_has_grown(page, page.evaluate(LOG_FACTS))
            assert facts["newestVisible"], facts

            handle = page.locator(".widget-slider .noUi-handle, .jupyter-widget-slider .noUi-handle").first
            handle.focus()
            for _ in range(10):  # +0.1 in log10 per press: 1e-3 -> 1e-2
                page.keyboard.press("ArrowRight")
            page.wait_for_function("text => document.body.innerText.includes(text)", arg=texts["next_step"])
            time.sleep(2)  # a few redraws: the dashed line at the change
            page.wait_for_function("() => document.querySelectorAll('.pg-health tr').length >= 3")  # live, per layer
            assert texts["health"] in page.locator(".pg-health").inner_text() and page.evaluate(HEALTH_FITS)
            assert page.evaluate(OVERLAPS) == []  # nothing on top of anything else
            page.screenshot(path=str(ARTIFACTS / f"{prefix}-2-lr-changed.png"))
            page.locator(".jp-Notebook .jp-Cell-outputArea").first.screenshot(path=str(ARTIFACTS / f"{prefix}.png"))
            page.locator(".pg-health").screenshot(path=str(ARTIFACTS / f"{prefix}_health.png"))

            # A teacher's projector: 1080p at 150 % is 1280x720 CSS px at 1.5 device pixels per px. The window
            # itself gets that size: JupyterLab lays itself out again only for a real resize.
            page.set_viewport_size({"width": 1280, "height": 720})
            time.sleep(1.5)
            fit = page.evaluate(FIT)
            assert fit["chartWidth"] >= 650 and fit["width"] <= fit["panelWidth"] <= 1280, fit
            assert fit["viewportWidth"] == 1280 and fit["right"] <= fit["viewportWidth"], fit  # nothing cut off
            page.locator(".jp-Notebook .jp-Cell-outputArea").first.screenshot(
                path=str(ARTIFACTS / f"{prefix}-3-projector-1080p-150.png"))
            page.screenshot(path=str(ARTIFACTS / f"{prefix}-3-projector-1080p-150-screen.png"))  # 1920x1080

            _button(page, texts["stop"]).click()
            page.wait_for_function("text => document.body.innerText.includes(text)", arg=texts["stopped"])
            assert texts["stopping"] not in page.locator(".pg-playground").inner_text()  # no stale message
            page.screenshot(path=str(ARTIFACTS / f"{prefix}-4-stopped.png"))

            # Fork: a copy of the run; the new branch gets a higher learning rate and trains; the chart overlays A.
            page.set_viewport_size({"width": 1366, "height": 768})  # the laptop again
            time.sleep(1)
            _button(page, texts["fork"]).click()
            page.wait_for_function("text => document.body.innerText.includes(text)", arg=texts["forked"])
            handle.focus()
            for _ in range(5):  # 1e-2 -> about 3e-2, in branch B only
                page.keyboard.press("ArrowRight")
            page.wait_for_function("() => [...document.querySelectorAll('.pg-playground select option')]"
                                   ".some(o => o.textContent.replace(/\\u00a0/g, ' ')"  # options have nbsp
                                   ".includes('B: lr 1.0e-2 → 3.2e-2'))")
            _train_steps(page, texts, after_fork)  # branch B trains past the fork
            page.locator(".pg-playground select").last.select_option(index=0)  # back to branch A, as it was left
            page.wait_for_function("text => document.body.innerText.includes(text)", arg=texts["switched"])
            _train_steps(page, texts, after_fork)  # A goes on with its own learning rate: two curves from the fork
            time.sleep(1)
            assert page.evaluate(OVERLAPS) == []
            page.evaluate("() => document.querySelector('.pg-playground').scrollIntoView({block: 'start'})")
            time.sleep(0.5)
            top = page.locator(".pg-playground").bounding_box()
            chart = page.locator(".pg-playground img").first.bounding_box()
            page.screenshot(path=str(ARTIFACTS / f"{prefix}_fork.png"),  # the controls, the branch menu, the chart
                            clip={"x": top["x"], "y": top["y"], "width": top["width"],
                                  "height": chart["y"] + chart["height"] - top["y"]})
        except Exception:
            page.screenshot(path=str(ARTIFACTS / f"{prefix}-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
    return ARTIFACTS / f"{prefix}.png"


def _picture(lang: str, kind: str) -> Path:
    """Where a lesson's picture goes: docs/playground.png, docs/playground_health_en.png, ..."""
    return PICTURES[lang].with_name(PICTURES[lang].stem.replace("playground", "playground" + kind) + ".png")


def test_bengali_playground_in_jupyterlab(lab):
    _drive(lab, "bn")


def main(argv: list[str] | None = None) -> int:
    """Make a lesson's picture on purpose: the same run as the test, then copy its screenshot into docs/."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--lang", choices=sorted(PICTURES), default="bn")
    args = parser.parse_args(argv)
    if reason := missing():
        print(reason, file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder, _jupyterlab(Path(folder), args.lang) as url:
        picture = _drive(url, args.lang, after_fork=40)  # a picture: the branches long enough to compare
    for kind in KINDS:
        target = _picture(args.lang, kind)
        shutil.copyfile(picture.with_name(picture.stem + kind + ".png"), target)
        print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
