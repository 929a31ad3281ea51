"""JupyterLab on localhost with a one-cell notebook, for the browser tests (the playground's and the stepper's).

Imported by name (`from lab_server import ...`): pytest puts tests/ on sys.path, and so does running a browser
test as a script. Not a test file itself, so pytest does not collect it.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]  # for chromium.launch
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"  # screenshots; gitignored


def missing() -> str | None:
    """Why a browser test cannot run here (no Debian chromium, playwright, jupyterlab or ipywidgets), or None."""
    if not CHROMIUM.exists():
        return "Debian's chromium is not installed (/usr/bin/chromium): apt-get install -y chromium"
    for module in ("playwright.sync_api", "jupyterlab", "ipywidgets"):
        try:
            __import__(module)
        except ImportError:
            return f"the {module.split('.')[0]} package is not installed: pip install {module.split('.')[0]}"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _notebook(path: Path, code: str) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, path)


@contextmanager
def jupyterlab(folder: Path, name: str, code: str) -> Iterator[str]:
    """A JupyterLab server serving `folder` with the notebook `name` holding one cell of `code`; yields its URL."""
    _notebook(folder / name, code)
    token, port = secrets.token_hex(16), _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(folder / "config"), "JUPYTER_RUNTIME_DIR": str(folder / "rt"),
           "OMP_NUM_THREADS": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--IdentityProvider.token={token}", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={folder}", "--allow-root", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=(folder / "lab.log").open("wb"))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as response:
                    json.load(response)
                break
            except OSError as error:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("JupyterLab did not start:\n" + (folder / "lab.log").read_text()[-2000:]) from error
                time.sleep(1)
        yield f"{base}/lab/tree/{name}?token={token}"
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()


def run_cell(page, url: str, ready) -> None:
    """Open the notebook at `url` in `page` and run its cell until `ready` (a Playwright locator) shows."""
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-Cell .cm-content")
    page.get_by_text("| Idle").first.wait_for()  # the kernel is connected and ready
    page.add_style_tag(content=".Toastify, .jp-toast-container { display: none !important; }")  # JupyterLab's news toast
    for attempt in range(3):  # a run sent while the session is still settling can be dropped: send again
        page.click(".jp-Notebook .jp-Cell .cm-content >> nth=0")
        page.keyboard.press("Control+Enter")
        try:
            ready.wait_for(timeout=60_000)
            return
        except Exception:
            if attempt == 2:
                raise
