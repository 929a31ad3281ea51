"""The lesson pipeline: twins, identical code, fresh translations, committed notebooks (README: how it is built)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from tools import course

ROOT = course.ROOT
LESSON = """---
jupyter:
  kernelspec:
    display_name: Python 3
    language: python
    name: python3
{extra}---

# {title}

{text}

```python
x = 1 + 1
print(x)
```

## {section}

{more}
"""


def test_course_is_in_step():
    """Every lesson has a twin, identical code, a current translation and an up-to-date notebook."""
    assert course.lesson_names(ROOT), "no lessons found"
    assert course.check(ROOT) == []


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A one-lesson course in a temporary folder, in step: a place to break things on purpose."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for lang in course.LANGS:
        course.lesson_dir(tmp_path, lang).mkdir()
    (tmp_path / "lessons_en" / "99_demo.md").write_text(
        LESSON.format(extra="", title="Demo", text="Some text.", section="Part", more="More."), encoding="utf-8")
    write_bn(tmp_path, sha="0")
    course.stamp(tmp_path, "99_demo")
    for lang in course.LANGS:
        path = course.notebook_path(tmp_path, lang, "99_demo")
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(course.generate(tmp_path, lang, "99_demo"), path)
    return tmp_path


def write_bn(root: Path, *, sha: str, code: str = "x = 1 + 1", section: str = "## অংশ") -> None:
    extra = f"  translation_of:\n    file: lessons_en/99_demo.md\n    sha256: {sha}\n"
    text = LESSON.format(extra=extra, title="ডেমো", text="কিছু লেখা।", section="অংশ", more="আরও।")
    text = text.replace("x = 1 + 1", code).replace("## অংশ", section)
    (root / "lessons_bn" / "99_demo.md").write_text(text, encoding="utf-8")


def test_mini_course_starts_in_step(mini):
    assert course.check(mini) == []


def test_missing_twin_is_reported(mini):
    (mini / "lessons_bn" / "99_demo.md").unlink()
    assert any("no bn twin" in p for p in course.check(mini))


def test_code_drift_is_reported(mini):
    write_bn(mini, sha="0", code="x = 2 + 2")
    course.stamp(mini, "99_demo")
    assert any("code cells differ" in p for p in course.check(mini))


def test_heading_drift_is_reported(mini):
    write_bn(mini, sha="0", section="### অংশ")
    course.stamp(mini, "99_demo")
    assert any("not parallel" in p for p in course.check(mini))


def test_changed_english_makes_bengali_stale(mini):
    en = mini / "lessons_en" / "99_demo.md"
    en.write_text(en.read_text(encoding="utf-8").replace("Some text.", "Some better text."), encoding="utf-8")
    problems = course.check(mini)
    assert any("older English version" in p for p in problems)
    course.stamp(mini, "99_demo")
    assert not any("older English version" in p for p in course.check(mini))


def test_a_speaker_note_glued_to_a_text_cell_is_reported(mini):
    """With one blank line before it, jupytext keeps the note inside the text above: learners would read it."""
    en = mini / "lessons_en" / "99_demo.md"
    en.write_text(en.read_text(encoding="utf-8").replace("Some text.", "Some text.\n\n<!-- notes -->\nAsk first."),
                  encoding="utf-8")
    assert any("inside a text cell" in p and "lessons_en/99_demo.md" in p for p in course.check(mini))


def test_stale_notebook_is_reported(mini):
    path = course.notebook_path(mini, "en", "99_demo")
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].source = "edited by hand"
    nbformat.write(nb, path)
    assert any("is stale" in p for p in course.check(mini))


def test_generated_notebook_has_badge_and_language(mini):
    config = course.course_config(mini)
    for lang in course.LANGS:
        nb = course.generate(mini, lang, "99_demo")
        badge, setup = nb.cells[0].source, nb.cells[1].source
        assert f"github/{config['repository']}/blob/{config['branch']}/notebooks/{lang}/99_demo_{lang}.ipynb" in badge
        assert f'helpers.set_language("{lang}")' in setup
        assert f"@ git+https://github.com/{config['repository']}@{config['branch']}" in setup


def test_twin_notebooks_are_told_apart_in_jupyterlab_tabs():
    # JupyterLab titles a tab with the file name only: twins opened side by side must not look the same
    for name in course.lesson_names(ROOT):
        paths = [course.notebook_path(ROOT, lang, name) for lang in course.LANGS]
        assert all(path.exists() for path in paths), paths
        assert len({path.name for path in paths}) == len(paths), paths
    assert {path.parent.name for path in committed_notebooks()} == set(course.LANGS)
    assert all(path.stem.endswith(f"_{path.parent.name}") for path in committed_notebooks())


def committed_notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*/*.ipynb"))


@pytest.mark.parametrize("path", committed_notebooks(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_committed_notebook_is_executed_and_clean(path: Path):
    """Committed with outputs, at least one plot, and not a single warning or traceback in them."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert all(c.get("execution_count") for c in code), "notebook was not executed"
    outputs = [o for c in code for o in c.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outputs), "a lesson shows at least one plot"
    for output in outputs:
        assert output["output_type"] != "error"
        text = "".join(output.get("text", "")) if output["output_type"] == "stream" else ""
        assert output.get("name") != "stderr", f"stderr output: {text[:200]}"
        for marker in ("Warning", "Traceback"):
            assert marker not in text, text[:300]


ENGLISH_CELL = '''\
def report(values, name="loss"):
    """Print the mean of values."""
    scores = {"train": 1.5}  # a dict key
    print(f"mean {name}: {sum(values) / len(values):.2f}", scores["train"])
    assert values, "no values"
'''


@pytest.mark.parametrize("bengali", [
    ENGLISH_CELL,
    ENGLISH_CELL.replace("# a dict key", "# একটি dict key"),                      # a comment in Bengali
    ENGLISH_CELL.replace("Print the mean of values.", "values-এর গড় ছাপে।"),    # a docstring in Bengali
    ENGLISH_CELL.replace('f"mean {name}', 'f"গড় {name}'),                        # a label, same expressions
    ENGLISH_CELL.replace('"loss"', '"লস"'),                                      # a default label
    "# বাংলা মন্তব্য\n" + ENGLISH_CELL.replace("  # a dict key", ""),              # comments added or removed
], ids=["same", "comment", "docstring", "label", "default", "comment-lines"])
def test_bengali_comments_and_labels_are_the_same_code(bengali):
    assert course.code_differences(ENGLISH_CELL, bengali) == []


@pytest.mark.parametrize("bengali", [
    ENGLISH_CELL.replace("scores =", "score ="),                                  # an identifier
    ENGLISH_CELL.replace("1.5", "2.5"),                                           # a number
    ENGLISH_CELL.replace("sum(values) / len", "sum(values) * len"),               # an operator
    ENGLISH_CELL.replace("Print the mean of values.", "Prints the mean."),        # English for English
    ENGLISH_CELL.replace(':.2f}"', ':.3f}"'),                                     # an f-string's format
    ENGLISH_CELL.replace("{name}:", "{name.upper()}: গড়"),                        # an f-string's expression
    ENGLISH_CELL.replace('"no values"', '"কোনো মান নেই"'),                        # an assertion
    ENGLISH_CELL.replace('{"train"', '{"ট্রেন"'),                                 # a dict key
    ENGLISH_CELL.replace('scores["train"]', 'scores["ট্রেন"]'),                   # a subscript
    ENGLISH_CELL + "print(1)\n",                                                  # more code
], ids=["identifier", "number", "operator", "english-string", "format", "expression", "assert",
        "dict-key", "subscript", "more-code"])
def test_parity_catches_changed_code(bengali):
    assert course.code_differences(ENGLISH_CELL, bengali)


def test_a_table_header_in_an_f_string_may_be_translated_but_keeps_its_widths():
    english = """print(f"{'loss':>10s} {'accuracy':>10s} {x:.2f}")"""
    assert course.code_differences(english, """print(f"{'লস':>10s} {'সঠিকতা':>10s} {x:.2f}")""") == []
    wider = course.code_differences(english, """print(f"{'লস':>12s} {'সঠিকতা':>10s} {x:.2f}")""")
    assert wider and "expressions of an f-string differ" in wider[0]
    other_value = course.code_differences(english, """print(f"{'লস':>10s} {'সঠিকতা':>10s} {y:.2f}")""")
    assert other_value and "expressions of an f-string differ" in other_value[0]


def test_translated_label_keeps_the_mini_course_in_step(mini):
    en = mini / "lessons_en" / "99_demo.md"
    en.write_text(en.read_text(encoding="utf-8").replace("print(x)", 'print("sum:", x)  # the answer'),
                  encoding="utf-8")
    write_bn(mini, sha="0")
    bn = mini / "lessons_bn" / "99_demo.md"
    bn.write_text(bn.read_text(encoding="utf-8").replace("print(x)", 'print("যোগফল:", x)  # উত্তর'),
                  encoding="utf-8")
    course.stamp(mini, "99_demo")
    assert not any("code cells differ" in p for p in course.check(mini))
    bn.write_text(bn.read_text(encoding="utf-8").replace('"যোগফল:"', '"total:"'), encoding="utf-8")
    assert any("code cells differ" in p for p in course.check(mini))


CODE_WIDTH = 88  # teachers project the notebooks: longer code lines get clipped (issue 13, point 6)


LINE_LABEL = re.compile(r"#\s*([0-9]{1,2}|[A-J])(:.*)?$")  # "# 6", "# C: mixed precision on"


def is_syllabus_listing(block: list[str]) -> bool:
    """The numbered loops the stepper steps (helpers.syllabus holds them verbatim): labels stay at line ends."""
    return any(line.lstrip().startswith("def train_one_epoch") for line in block) and sum(
        bool(LINE_LABEL.search(line)) for line in block) >= 10


def test_lesson_code_lines_fit_on_a_projector():
    """No line of a ```python block in any lesson, in either language, is longer than CODE_WIDTH."""
    too_long = []
    for lang in course.LANGS:
        for path in sorted(course.lesson_dir(ROOT, lang).glob("[0-9][0-9]_*.md")):
            lines = path.read_text(encoding="utf-8").splitlines()
            block, start = None, 0
            for number, line in enumerate(lines, start=1):
                if block is None and line.rstrip() == "```python":
                    block, start = [], number + 1
                elif block is not None and line.startswith("```"):
                    if not is_syllabus_listing(block):
                        too_long += [f"{path.relative_to(ROOT)}:{start + i}: {len(text)} characters"
                                     for i, text in enumerate(block) if len(text) > CODE_WIDTH]
                    block = None
                elif block is not None:
                    block.append(line)
    assert not too_long, f"code lines longer than {CODE_WIDTH} characters:\n" + "\n".join(too_long)


def tools_imports() -> dict[str, set[str]]:
    """Which tools modules each module of tools/ imports, lazy imports inside functions included."""
    import ast

    graph = {}
    for path in sorted((ROOT / "tools").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = ".".join(parts[:-1])
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = (package.rsplit(".", node.level - 1)[0] if node.level > 1 else package) if node.level else ""
                name = ".".join(filter(None, [base, node.module or ""]))
                found |= {name} | {f"{name}.{alias.name}" for alias in node.names}
        graph[module] = found
    return {module: {m for m in found if m in graph and m != module} for module, found in graph.items()}


def test_tools_have_no_import_cycle():
    """course -> slides/site -> lessons, never back (issue 20): lazy imports count too."""
    graph = tools_imports()
    assert "tools.lessons" in graph and graph["tools.lessons"] == set()

    def cycle_from(start: str, path: tuple[str, ...]) -> tuple[str, ...] | None:
        for nxt in sorted(graph[start]):
            if nxt in path:
                return path[path.index(nxt):] + (nxt,)
            found = cycle_from(nxt, path + (nxt,))
            if found:
                return found
        return None

    cycles = [c for c in (cycle_from(m, (m,)) for m in graph) if c]
    assert cycles == [], " -> ".join(cycles[0])
    assert not any("tools.course" in graph[m] for m in graph if m != "tools.course")


def test_site_command_hands_its_arguments_to_tools_site(monkeypatch):
    import types

    seen = []
    fake = types.ModuleType("tools.site")
    fake.main = lambda argv: seen.append(argv) or 0
    monkeypatch.setitem(__import__("sys").modules, "tools.site", fake)
    assert course.main(["site", "--out", "x", "--lang", "bn"]) == 0
    assert seen == [["--out", "x", "--lang", "bn"]]


def test_setup_cells_are_refreshed_without_running_anything(mini):
    path = course.notebook_path(mini, "bn", "99_demo")
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].source = "# an older set-up cell"
    nb.cells[-1].outputs = [nbformat.v4.new_output("stream", text="kept\n")]
    nbformat.write(nb, path)
    assert any("is stale" in p for p in course.check(mini))
    assert course.refresh_setup_cells(mini) == [path]
    again = nbformat.read(path, as_version=4)
    assert again.cells[1].source == course.setup_code("bn", course.course_config(mini))
    assert again.cells[-1].outputs[0]["text"] == "kept\n"  # nothing else touched, nothing executed
    assert course.check(mini) == [] and course.refresh_setup_cells(mini) == []
