"""The Bengali playground in a real browser: JupyterLab on localhost, headless Chromium, Playwright (lesson 10).

Screenshots go to test-artifacts/ (gitignored); docs/playground.png is refreshed for the README.
Skipped, with the reason, where Debian's chromium or the playwright package is missing.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"

NOTEBOOK_CODE = """\
import torch
import helpers
from helpers.playground import Playground
torch.set_num_threads(1)
helpers.set_language("bn")
pg = Playground(lang="bn", epochs=100, lr=1e-3, log_interval=2, step_delay=0.05, refresh_s=0.3)
pg"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _notebook(path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(NOTEBOOK_CODE)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture
def lab(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium): apt-get install -y chromium")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed: pip install playwright")
    pytest.importorskip("jupyterlab")
    _notebook(tmp_path / "playground_bn.ipynb")
    token, port = secrets.token_hex(16), _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt")}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--IdentityProvider.token={token}", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={tmp_path}", "--allow-root", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "lab.log").open("wb"))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as response:
                    json.load(response)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text()[-2000:])
                time.sleep(1)
        yield f"{base}/lab/tree/playground_bn.ipynb?token={token}"
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()


def test_bengali_playground_in_jupyterlab(lab):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=flags)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.set_default_timeout(120_000)
        try:
            page.goto(lab)
            page.wait_for_selector(".jp-Notebook .jp-Cell .cm-content")
            page.get_by_text("| Idle").first.wait_for()  # the kernel is connected and ready
            start = page.get_by_role("button", name="শুরু")
            for attempt in range(3):  # a run sent while the session is still settling can be dropped: send again
                page.click(".jp-Notebook .jp-Cell .cm-content >> nth=0")
                page.keyboard.press("Control+Enter")
                try:
                    start.wait_for(timeout=60_000)
                    break
                except Exception:
                    if attempt == 2:
                        raise
            for label in ("লার্নিং রেট", "ব্যাচ সাইজ", "লগ ইন্টারভাল", "অপটিমাইজার", "থামাও", "বিরতি"):
                assert page.get_by_text(label).count() > 0, label
            page.screenshot(path=str(ARTIFACTS / "playground-1-shown.png"), full_page=True)

            log = page.locator(".jupyter-widgets-output-area, .widget-output").first
            for attempt in range(3):  # a click before the widget's comm is open can be lost: click again
                start.click()
                try:
                    page.wait_for_function("() => document.body.innerText.includes('| লস:')", timeout=40_000)
                    break
                except Exception:
                    if attempt == 2:
                        raise
            chart = page.locator(".widget-image").first
            first_chart, first_log = chart.get_attribute("src"), log.inner_text()
            time.sleep(2)
            assert chart.get_attribute("src") != first_chart  # the chart is redrawn while training
            assert log.inner_text() != first_log  # and the log grows

            handle = page.locator(".widget-slider .noUi-handle").first  # the learning-rate slider
            handle.focus()
            for _ in range(10):  # +0.1 in log10 per press: 1e-3 -> 1e-2
                page.keyboard.press("ArrowRight")
            page.wait_for_function("() => document.body.innerText.includes('পরের স্টেপ থেকে কাজ করবে')")
            time.sleep(2)  # a few redraws: the dashed line at the change
            page.screenshot(path=str(ARTIFACTS / "playground-2-lr-changed.png"), full_page=True)
            page.locator(".jp-Notebook .jp-Cell-outputArea").first.screenshot(path=str(ARTIFACTS / "playground.png"))
            assert "lr=" not in first_log  # the mark is on the chart, not in the log

            page.get_by_role("button", name="থামাও").click()
            page.wait_for_function("() => document.body.innerText.includes('থামানো হয়েছে')")
            page.screenshot(path=str(ARTIFACTS / "playground-3-stopped.png"), full_page=True)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "playground-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    shutil.copyfile(ARTIFACTS / "playground.png", docs / "playground.png")
