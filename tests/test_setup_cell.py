"""The notebooks' set-up cell where `helpers` is missing and cannot be installed (Colab offline, a wrong repository).

A real kernel runs the cell in a virtual environment that has ipykernel and pip but not `helpers`; git and pip are
pointed at addresses that refuse connections. The learner must see one message in the lesson's language (what
failed, in pip's words, and what to do), no traceback and none of pip's own output, and Run All stops there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest

from tools import course

pytestmark = pytest.mark.slow
CONFIG = {"repository": "bengali-ml/pytorch-training-loop", "branch": "main"}
REFUSED = "http://127.0.0.1:9/"  # the discard port: nothing listens, the connection is refused at once


@pytest.fixture(scope="module")
def kernel_without_helpers(tmp_path_factory) -> Path:
    """A kernelspec whose Python sees this environment's packages (ipykernel, pip) but not the editable `helpers`."""
    root = tmp_path_factory.mktemp("setup")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # A path in a .pth file is not itself a site directory: its own .pth files (the editable install's finder) are
    # not read, so `helpers` stays missing while ipykernel and pip import.
    Path(purelib, "outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    spec = root / "kernels" / "no-helpers"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "no helpers", "language": "python"}), encoding="utf-8")
    return root


def run_setup(root: Path, lang: str, monkeypatch, git_to: str) -> nbformat.NotebookNode:
    """The set-up cell and one cell after it, as Run All runs them; git fetches `git_to` instead of GitHub."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    for name in [n for n in os.environ if n.startswith("PIP_")]:
        monkeypatch.delenv(name)
    for name, value in {"JUPYTER_PATH": str(root), "PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": REFUSED + "simple",
                        "PIP_RETRIES": "0", "PIP_NO_INPUT": "1", "GIT_CONFIG_COUNT": "1",
                        "GIT_CONFIG_KEY_0": f"url.{git_to}.insteadOf", "GIT_CONFIG_VALUE_0": "https://github.com/"
                        }.items():
        monkeypatch.setenv(name, value)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(course.setup_code(lang, CONFIG)),
                                         nbformat.v4.new_code_cell("print('the lesson goes on')")])
    client = NotebookClient(nb, kernel_name="no-helpers", timeout=120, resources={"metadata": {"path": str(root)}})
    with pytest.raises(CellExecutionError):
        client.execute()
    return nb


def shown(nb) -> tuple[list[dict], str]:
    """The set-up cell's outputs and the text the learner reads in them."""
    outputs = nb.cells[0].outputs
    text = "\n".join(line for out in outputs for line in out.get("traceback", []) + [out.get("text", "")])
    return outputs, text


def assert_one_clean_message(nb, lang: str) -> str:
    outputs, text = shown(nb)
    assert [out.output_type for out in outputs] == ["error"]  # pip's own output was captured, not shown
    assert outputs[0].ename == "SetupFailed"
    for part in course.SETUP_TEXT[lang]["failed"][2:]:
        assert part.format(**CONFIG) in text  # what to do, in the lesson's language
    for noise in ("Traceback", "CalledProcessError", "subprocess", "File \"", "\x1b["):
        assert noise not in text, text
    assert nb.cells[1].outputs == [] and nb.cells[1].execution_count is None  # Run All stopped at the set-up cell
    return text


def test_no_network_in_bengali(kernel_without_helpers, monkeypatch):
    nb = run_setup(kernel_without_helpers, "bn", monkeypatch, git_to=REFUSED)
    text = assert_one_clean_message(nb, "bn")
    assert "ইনস্টল করা গেল না" in text
    assert "fatal: unable to access" in text and "127.0.0.1" in text  # the cause, in git's words, on one line


def test_repository_found_but_package_index_unreachable_in_english(kernel_without_helpers, monkeypatch, tmp_path):
    repo = tmp_path / "bengali-ml" / "pytorch-training-loop"
    repo.mkdir(parents=True)
    (repo / "pyproject.toml").write_text('[build-system]\nrequires = ["setuptools>=61"]\n'
                                         'build-backend = "setuptools.build_meta"\n[project]\n'
                                         'name = "training-loop-course"\nversion = "0"\n', encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo)]
    for step in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "x"]):
        subprocess.run(git + step, check=True, capture_output=True)
    nb = run_setup(kernel_without_helpers, "en", monkeypatch, git_to=tmp_path.as_uri() + "/")
    text = assert_one_clean_message(nb, "en")
    assert "Could not install the course's helpers package" in text
    assert "ERROR: Could not find a version that satisfies the requirement setuptools" in text


def test_the_cell_does_nothing_but_set_the_language_where_helpers_is_installed():
    from helpers.i18n import get_language, set_language

    before = get_language()
    try:
        for lang in course.LANGS:
            exec(compile(course.setup_code(lang, CONFIG), "setup", "exec"), {})  # no pip: helpers is found
            assert get_language() == lang
    finally:
        set_language(before)
