"""The Bengali stepper in a real browser: JupyterLab on localhost, headless Chromium, Playwright (lesson 02).

The test opens a small notebook that shows the stepper on lesson 02's model and data, presses "পরের লাইন"
(Next line) up to line 9 and checks what a learner sees: line 9 highlighted, one gradient bar per layer, the
code at 16 px or more, nothing cut off on a laptop (1366x768) or a 1080p projector, and the explanation beside
the code on the projector and right under the buttons on the laptop. Screenshots go to
test-artifacts/ (gitignored); the test never writes a tracked file.

The README's picture is made on purpose, not by the test:
    .venv/bin/python tests/test_stepper_browser.py --screenshot docs/stepper.png

Skipped, with the reason, where Debian's chromium, playwright, jupyterlab or ipywidgets is missing.
The JupyterLab server is tests/lab_server.py's, as for tests/test_playground_browser.py.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest
from lab_server import ARTIFACTS, CHROMIUM, FLAGS, jupyterlab, missing, run_cell

NOTEBOOK_CODE = """\
import torch
from torch import nn, optim
import helpers
from helpers import DigitClassifier
torch.set_num_threads(1)
helpers.set_language("bn")
train_loader, val_loader, test_loader = helpers.get_loaders(batch_size=64)
helpers.seed_everything(0)
model = DigitClassifier()
optimizer = optim.Adam(model.parameters(), lr=1e-3)
stepper = helpers.Stepper(model, "cpu", train_loader, optimizer, nn.CrossEntropyLoss(), log_interval=5)
view = stepper.show()"""

NEXT_LINE = "পরের লাইন চালাও"  # step.ui.next_line, bn

FACTS = """() => {
    const root = document.querySelector('.step-stepper');
    const box = (name) => { const r = root.querySelector(name).getBoundingClientRect();
                            return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
    const notebook = document.querySelector('.jp-NotebookPanel-notebook').getBoundingClientRect();
    const rows = [...root.querySelectorAll('div[style*="white-space:pre"]')];
    const yellow = rows.filter(r => r.getAttribute('style').includes('#fff3a0'));
    const bars = [...root.querySelectorAll('td > div[style*="#4a90d9"]')];
    const boxes = [...root.querySelectorAll('*')].map(e => e.getBoundingClientRect()).filter(r => r.width > 0);
    // cut off: a part of the widget whose content is wider than its box
    const clipped = [...root.querySelectorAll('.widget-html-content, .widget-html, .widget-hbox, .widget-vbox')]
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.className + ' ' + e.scrollWidth + '>' + e.clientWidth);
    return {
        highlighted: yellow.map(r => r.textContent.replace(/\\u00a0/g, ' ').trim()),
        codeFont: rows.length ? parseFloat(getComputedStyle(rows[0]).fontSize) : 0,
        buttonFont: parseFloat(getComputedStyle(root.querySelector('button')).fontSize),
        bars: bars.map(b => b.getBoundingClientRect().width),
        barLabels: bars.map(b => b.closest('tr').querySelector('code').textContent),
        right: Math.max(...boxes.map(r => r.right)), notebookRight: notebook.right, clipped: clipped,
        width: root.getBoundingClientRect().width, height: root.getBoundingClientRect().height,
        buttons: box('.step-buttons'), code: box('.step-code'), panel: box('.step-panel'),
        viewport: window.innerHeight,
    };
}"""


def stepper_lab(folder: Path):
    """A JupyterLab server serving `folder` with the stepper notebook in it; yields its URL."""
    return jupyterlab(folder, "stepper_bn.ipynb", NOTEBOOK_CODE)


def step_to_line_9(page, url: str) -> dict:
    """Open the notebook, run its cell, press Next line nine times; what the page shows then."""
    button = page.get_by_role("button", name=NEXT_LINE)
    run_cell(page, url, button)
    page.wait_for_function("() => document.body.innerText.includes('এরপর চলবে লাইন 1')")
    for line in range(1, 10):
        for attempt in range(3):  # a click before the widget's comm is open can be lost: click again
            button.click()
            try:
                page.wait_for_function(f"() => document.body.innerText.includes('লাইন {line} চলল')", timeout=30_000)
                break
            except Exception:
                if attempt == 2 or line > 1:
                    raise
    page.evaluate("() => document.querySelector('.step-stepper').scrollIntoView({block: 'start'})")
    time.sleep(0.5)
    return page.evaluate(FACTS)


def screenshot(path: Path, *, width: int = 1920, height: int = 1080) -> None:
    """Step the Bengali stepper to line 9 and save a picture of the cell's output (the README's picture)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, stepper_lab(Path(folder)) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(120_000)
            step_to_line_9(page, url)
            page.locator(".step-stepper").first.screenshot(path=str(path))
        finally:
            browser.close()


@pytest.fixture
def lab(tmp_path):
    if reason := missing():
        pytest.skip(reason)
    with stepper_lab(tmp_path) as url:
        yield url


def test_bengali_stepper_in_jupyterlab(lab):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.set_default_timeout(120_000)
        try:
            facts = step_to_line_9(page, lab)
            page.screenshot(path=str(ARTIFACTS / "stepper-1-line9-1920x1080.png"))
            page.locator(".step-stepper").first.screenshot(path=str(ARTIFACTS / "stepper.png"))
            assert len(facts["highlighted"]) == 1 and facts["highlighted"][0].startswith("loss.backward()"), facts
            assert facts["highlighted"][0].endswith("# 9"), facts
            assert page.get_by_text("প্রতিটি স্তরের গ্রেডিয়েন্ট নর্ম").count() > 0  # the gradient panel's title
            assert len(facts["bars"]) >= 3 and all(w >= 1 for w in facts["bars"]), facts  # a bar per layer
            assert max(facts["bars"]) >= 200, facts
            assert facts["codeFont"] >= 16, facts  # legible when projected
            assert not facts["clipped"] and facts["right"] <= facts["notebookRight"] + 1, facts
            code, panel = facts["code"], facts["panel"]  # a projector: the explanation beside the code, tops aligned
            assert panel["left"] >= code["right"] - 1 and abs(panel["top"] - code["top"]) <= 2, facts

            # A student's laptop: 1366x768. Nothing of the stepper may be cut off or need a sideways scroll.
            page.set_viewport_size({"width": 1366, "height": 768})
            time.sleep(1.5)
            laptop = page.evaluate(FACTS)
            page.screenshot(path=str(ARTIFACTS / "stepper-2-laptop-1366x768.png"))
            assert not laptop["clipped"] and laptop["right"] <= laptop["notebookRight"] + 1, laptop
            assert laptop["codeFont"] >= 16 and len(laptop["bars"]) == len(facts["bars"]), laptop
            assert laptop["buttonFont"] >= 15 and facts["buttonFont"] >= 15, laptop
            # The explanation right under the buttons (only the skip boxes between), beside the code or above it:
            # read without scrolling away from the buttons (newcomer-2.md found it 550 px below them).
            buttons, panel = laptop["buttons"], laptop["panel"]
            assert 0 <= panel["top"] - buttons["bottom"] <= 120, laptop
            assert panel["top"] < laptop["viewport"] - 200, laptop  # its start is on the screen with the buttons
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "stepper-failure.png"), full_page=True)
            raise
        finally:
            browser.close()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="A screenshot of the Bengali stepper after line 9 (for the README).")
    parser.add_argument("--screenshot", type=Path, required=True, help="where to save the PNG, e.g. docs/stepper.png")
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    args = parser.parse_args()
    screenshot(args.screenshot.resolve(), width=args.width, height=args.height)
    print(f"saved {args.screenshot}")
