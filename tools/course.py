"""The lesson pipeline: Markdown lessons in two languages -> executed notebooks (README: how the course is built).

A tool for building the course, kept out of the installed `helpers` package.

    python -m tools.course check              # twins, the same code, fresh translations, notebooks up to date
    python -m tools.course build [NAME ...]   # regenerate and execute notebooks/{en,bn}/NAME_{en,bn}.ipynb
    python -m tools.course stamp NAME         # record that lessons_bn/NAME.md translates the current English
    python -m tools.course slides [NAME ...]  # reveal.js decks from the executed notebooks: slides/{en,bn}/
    python -m tools.course setup-cells        # give the committed notebooks the current set-up cell (no rebuild)
    python -m tools.course site [OPTIONS]     # the website (tools/site): its own options, see `site --help`

A Bengali lesson's front matter records the hash of the English lesson it translates
(`translation_of.sha256`); when the English changes, `check` fails until the Bengali
is updated and stamped again.

The twins' code is the same code: token for token identical once comments are set aside,
except that a Bengali lesson may replace an English string literal (a printed label, a
docstring) by one written in Bengali. Strings in assertions, dict keys, subscripts and the
expressions inside f-strings never change (`code_differences`).
"""

from __future__ import annotations

import argparse
import ast
import base64
import copy
import json
import os
import re
import sys
import tempfile
import tokenize
from pathlib import Path

# The lesson format lives in tools.lessons (course, slides and site all read it); these names stay importable from here.
from tools.lessons import (  # noqa: F401
    COLAB_URL,
    LANGS,
    NOTEBOOK_NAME,
    NOTES_MARKER,
    ROOT,
    SETUP_TAG,
    colab_url,
    course_config,
    is_notes,
    lesson_dir,
    lesson_names,
    notebook_path,
    read_lesson,
    source_hash,
)

PACKAGE = "training-loop-course[mnist,metrics,widgets]"
# The set-up cell, in the lesson's language. Where `helpers` is missing (Colab) it installs it quietly; when that fails
# (no internet, a wrong repository address) the learner gets what failed and what to do, in one message and without
# a traceback, and Run All stops at this cell.
SETUP_TEXT = {
    "en": {
        "intro": ["Set-up: installs the course's helpers package where it is missing (on Colab), then chooses",
                  "the language helpers prints in. Where helpers is installed, the install step does nothing."],
        "cause": "pip's own words for what failed: the first line that says, else its last line",
        "plain": "Jupyter shows this message alone, without a traceback",
        "colours": "without the colour codes pip writes in a notebook",
        "failed": ["Could not install the course's helpers package:",
                   "    {cause}",
                   "Check that this notebook is connected to the internet and that",
                   "https://github.com/{repository} opens in a browser;",
                   "then run this cell again."],
    },
    "bn": {
        "intro": ["সেট-আপ: কোর্সের helpers প্যাকেজ না থাকলে (Colab-এ) সেটা ইনস্টল করে, তারপর helpers কোন",
                  "ভাষায় লিখবে তা ঠিক করে। helpers আগে থেকে ইনস্টল করা থাকলে ইনস্টলের ধাপ কিছুই করে না।"],
        "cause": "কী ব্যর্থ হলো, pip-এর নিজের ভাষায়: যে লাইনে তা বলা আছে, নইলে শেষ লাইন",
        "plain": "Jupyter শুধু এই বার্তাটা দেখায়, ট্রেসব্যাক ছাড়া",
        "colours": "নোটবুকে pip যে রঙের কোড লেখে সেগুলো বাদ দিয়ে",
        "failed": ["কোর্সের helpers প্যাকেজ ইনস্টল করা গেল না:",
                   "    {cause}",
                   "নোটবুকটা ইন্টারনেটে যুক্ত আছে কি না আর ব্রাউজারে",
                   "https://github.com/{repository} খোলে কি না দেখো;",
                   "তারপর এই সেলটা আবার চালাও।"],
    },
}
SETUP_CODE = '''\
{intro}
import importlib.util, re, subprocess, sys
if importlib.util.find_spec("helpers") is None:
    course = "{package} @ {url}"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "-q", course], capture_output=True, text=True)
    if install.returncode != 0:
        # {cause}
        said = re.sub(r"\\x1b\\[[0-9;]*m", "", install.stdout + install.stderr)  # {colours}
        lines = [line.strip() for line in said.splitlines() if line.strip()] or ["pip"]
        cause = next((line for line in lines if line.startswith(("fatal:", "ERROR:"))), lines[-1])

        class SetupFailed(Exception):
            def _render_traceback_(self):  # {plain}
                return [str(self)]

        raise SetupFailed({failed})
    importlib.invalidate_caches()
import helpers
helpers.set_language("{lang}")'''


def setup_code(lang: str, config: dict[str, str]) -> str:
    """The set-up cell of a notebook in `lang`: install helpers where it is missing, or say why it could not."""
    text = SETUP_TEXT[lang]
    failed = [line.format(cause="{cause}", **config) for line in text["failed"]]
    literals = [("f" if "{cause}" in line else "") + json.dumps(line + ("\n" if i < len(failed) - 1 else ""),
                                                                 ensure_ascii=False) for i, line in enumerate(failed)]
    url = f"git+https://github.com/{config['repository']}@{config['branch']}"
    return SETUP_CODE.format(intro="\n".join(f"# {line}" for line in text["intro"]), cause=text["cause"],
                             colours=text["colours"], plain=text["plain"], lang=lang, package=PACKAGE, url=url,
                             failed=("\n" + " " * 26).join(literals))


def generate(root: Path, lang: str, name: str):
    """The notebook a lesson becomes: a Colab badge and a setup cell, then the lesson's own cells."""
    import nbformat

    nb = read_lesson(root, lang, name)
    badge = colab_url(root, lang, name)
    cells = [
        nbformat.v4.new_markdown_cell(f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({badge})"),
        nbformat.v4.new_code_cell(setup_code(lang, course_config(root)), metadata={"tags": [SETUP_TAG]}),
    ]
    nb.cells = cells + [c for c in nb.cells if not is_notes(c)]  # speaker notes go to the slides only
    for cell in nb.cells:
        _attach_images(cell, lesson_dir(root, lang))
    nb.metadata.pop("jupytext", None)
    nb.metadata["language_info"] = {"name": "python"}
    # What JupyterLab writes on opening: a committed "Python 3" would make every opened notebook look modified.
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name[:2]}-{lang}-{i:03d}"  # stable ids: rebuilding does not churn the diff
    return nb


IMAGE_LINK = re.compile(r"!\[([^\]]*)\]\((?![a-z]+:)([^)\s]+\.(png|jpe?g|svg))\)")
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "svg": "image/svg+xml"}


def _attach_images(cell, folder: Path) -> None:
    """Embed the pictures a Markdown cell links by relative path, so GitHub, Colab and JupyterLab all show them."""
    if cell.cell_type != "markdown":
        return

    def attach(match: re.Match) -> str:
        path = (folder / match.group(2)).resolve()
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        cell.setdefault("attachments", {})[path.name] = {IMAGE_TYPES[match.group(3)]: data}
        return f"![{match.group(1)}](attachment:{path.name})"

    cell.source = IMAGE_LINK.sub(attach, cell.source)


def _code(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


BENGALI = re.compile("[\u0980-\u09ff]")
_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING}
_FSTRING_START, _FSTRING_END = getattr(tokenize, "FSTRING_START", None), getattr(tokenize, "FSTRING_END", None)


def _tokens(source: str) -> list[tuple[str, str, bool, int]]:
    """(kind, text, protected, line) of every token but comments; an f-string is one 'STRING' token.

    protected: a string that must never be translated (in an assert, a dict key, a subscript).
    """
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    absolute = lambda pos: offsets[pos[0] - 1] + pos[1]  # noqa: E731
    raw = [t for t in tokenize.generate_tokens(iter(lines).__next__) if t.type not in _SKIPPED]
    merged, i = [], 0
    while i < len(raw):  # Python 3.12+ splits f-strings into parts: put each back together
        tok = raw[i]
        if _FSTRING_START is not None and tok.type == _FSTRING_START:
            depth, j = 0, i
            while True:
                depth += {_FSTRING_START: 1, _FSTRING_END: -1}.get(raw[j].type, 0)
                if depth == 0:
                    break
                j += 1
            merged.append(("STRING", source[absolute(tok.start):absolute(raw[j].end)], tok.start[0]))
            i = j + 1
            continue
        merged.append((tokenize.tok_name[tok.type], tok.string, tok.start[0]))
        i += 1
    out, brackets, in_assert = [], [], False
    for k, (kind, text, line) in enumerate(merged):
        if kind == "NAME" and text == "assert" and (k == 0 or merged[k - 1][0] in ("NEWLINE", "INDENT", "DEDENT")
                                                    or merged[k - 1][1] == ";"):
            in_assert = True
        elif kind == "NEWLINE" or text == ";":
            in_assert = False
        protected = False
        if kind == "STRING":
            after = merged[k + 1][1] if k + 1 < len(merged) else ""
            protected = in_assert or (brackets[-1:] == ["{"] and after == ":") or brackets[-1:] == ["subscript"]
        if kind == "OP" and text in "([{":
            before = merged[k - 1] if k else ("", "", 0)
            subscript = text == "[" and (before[0] in ("NAME", "STRING") or before[1] in (")", "]"))
            brackets.append("subscript" if subscript else text)
        elif kind == "OP" and text in ")]}" and brackets:
            brackets.pop()
        out.append((kind, text, protected, line))
    return out


def _string_parts(text: str) -> tuple[str, list[str]]:
    """A string literal's text and, for an f-string, the dump of every {expression} in it.

    A placeholder that holds only a string, as in a table header `f"{'loss':>10s}"`, is text a twin may translate:
    its words count as text, and only its conversion and format spec (the column's width) must stay the same.
    """
    node = ast.parse(text.strip(), mode="eval").body
    if not isinstance(node, ast.JoinedStr):
        return (node.value if isinstance(node.value, str) else repr(node.value)), []
    literal, expressions = [], []
    for part in node.values:
        if isinstance(part, ast.Constant):
            literal.append(part.value)
        elif isinstance(part.value, ast.Constant) and isinstance(part.value.value, str):
            literal.append(part.value.value)
            expressions.append(f"text{part.conversion}:{ast.dump(part.format_spec) if part.format_spec else ''}")
        else:
            expressions.append(ast.dump(part))
    return "".join(literal), expressions


def code_differences(english: str, bengali: str) -> list[str]:
    """How the Bengali twin of a code cell departs from the English one; empty when it is the same code.

    Allowed: other comments, and an English string literal replaced by one written in Bengali
    (same f-string expressions). Anything else (a name, a number, an operator, a string in an
    assert, a dict key or subscript, an English string replaced by another) is a difference.
    """
    if english == bengali:
        return []
    try:
        en, bn = _tokens(english), _tokens(bengali)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return ["not valid Python, and not byte-for-byte identical"]
    for (kind, text, protected, line), (bkind, btext, _, bline) in zip(en, bn):
        if (kind, text) == (bkind, btext):
            continue
        where = f"line {line} {text!r} / line {bline} {btext!r}"
        if kind != "STRING" or bkind != "STRING":
            return [f"the code differs at {where}"]
        if protected:
            return [f"a string in an assert, a dict key or a subscript differs at {where}"]
        try:
            (literal, expressions), (bliteral, bexpressions) = _string_parts(text), _string_parts(btext)
        except SyntaxError:
            return [f"a string that does not parse differs at {where}"]
        if expressions != bexpressions:
            return [f"the expressions of an f-string differ at {where}"]
        if BENGALI.search(literal) or not BENGALI.search(bliteral):
            return [f"only an English string may differ, and only by a Bengali one: {where}"]
    if len(en) != len(bn):
        extra = (en if len(en) > len(bn) else bn)[min(len(en), len(bn))]
        return [f"one twin has more code, from line {extra[3]} {extra[1]!r}"]
    return []


def _shape(nb) -> list[str]:
    """Cell types in order, with the heading level of each Markdown cell that starts with one."""
    shape = []
    for cell in nb.cells:
        heading = re.match(r"#+ ", cell.source) if cell.cell_type == "markdown" else None
        shape.append(cell.cell_type + (f":h{len(heading.group()) - 1}" if heading else ""))
    return shape


def check(root: Path = ROOT) -> list[str]:
    """Every way the two languages or the committed notebooks have drifted; empty when all is well."""
    import nbformat

    problems = []
    for name in lesson_names(root):
        paths = {lang: lesson_dir(root, lang) / f"{name}.md" for lang in LANGS}
        missing = [lang for lang, path in paths.items() if not path.exists()]
        if missing:
            problems.append(f"{name}: no {'/'.join(missing)} twin")
            continue
        en, bn = (read_lesson(root, lang, name) for lang in LANGS)
        en_code, bn_code = _code(en), _code(bn)
        if len(en_code) != len(bn_code):
            problems.append(f"{name}: code cells differ between the English and Bengali lessons "
                            f"({len(en_code)} against {len(bn_code)} cells)")
        for i, (en_cell, bn_cell) in enumerate(zip(en_code, bn_code) if len(en_code) == len(bn_code) else [],
                                                start=1):
            for difference in code_differences(en_cell, bn_cell):
                problems.append(f"{name}: code cells differ between the English and Bengali lessons "
                                f"(code cell {i}: {difference})")
        for lang, lesson in (("en", en), ("bn", bn)):
            for cell in lesson.cells:
                if NOTES_MARKER in cell.source and not is_notes(cell):
                    problems.append(f"{name}: lessons_{lang}/{name}.md has {NOTES_MARKER} inside a text cell, so the "
                                    "note would show in the learners' notebook; put two blank lines before it")
        if _shape(en) != _shape(bn):
            problems.append(f"{name}: cell order or headings are not parallel")
        recorded = bn.metadata.get("translation_of", {}).get("sha256")
        if recorded != source_hash(paths["en"]):
            problems.append(f"{name}: the Bengali lesson translates an older English version "
                            f"(recorded {recorded}); update it, then run: python -m tools.course stamp {name}")
        for lang in LANGS:
            path = notebook_path(root, lang, name)
            if not path.exists():
                problems.append(f"{name}: {path.relative_to(root)} is missing; run: python -m tools.course build {name}")
            elif [c.source for c in nbformat.read(path, as_version=4).cells] != [
                c.source for c in generate(root, lang, name).cells
            ]:
                problems.append(f"{name}: {path.relative_to(root)} is stale; run: python -m tools.course build {name}")
    return problems


def execute(nb, *, timeout: int = 900):
    """Run every cell in a fresh kernel, in a scratch folder so lessons leave no files behind."""
    from nbclient import NotebookClient

    nb = copy.deepcopy(nb)
    with tempfile.TemporaryDirectory() as scratch:
        NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                       resources={"metadata": {"path": scratch}}).execute()
    return nb


def build(root: Path = ROOT, names: list[str] | None = None, langs: tuple[str, ...] = LANGS) -> list[Path]:
    """Regenerate and execute the notebooks of `names` (default: all lessons)."""
    import nbformat

    written = []
    for name in names or lesson_names(root):
        for lang in langs:
            path = notebook_path(root, lang, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            print(f"building {path.relative_to(root)}", flush=True)
            nbformat.write(execute(generate(root, lang, name)), path)
            written.append(path)
    return written


def stamp(root: Path, name: str) -> None:
    """Record in lessons_bn/NAME.md that it now translates the current English lesson."""
    path = lesson_dir(root, "bn") / f"{name}.md"
    text = path.read_text(encoding="utf-8")
    english = source_hash(lesson_dir(root, "en") / f"{name}.md")
    new, count = re.subn(r"(\n\s+sha256: )\S+", rf"\g<1>{english}", text, count=1)
    if count != 1:
        raise SystemExit(f"{path}: no 'translation_of: sha256:' line in the front matter")
    path.write_text(new, encoding="utf-8")


def refresh_setup_cells(root: Path = ROOT, names: list[str] | None = None,
                        langs: tuple[str, ...] = LANGS) -> list[Path]:
    """Give committed notebooks the current set-up cell without executing them again; returns those changed.

    Safe without a rebuild: where `helpers` is installed (the build) the cell only imports it and sets the language,
    so its outputs (none) and the rest of the notebook stay what a fresh build would make.
    """
    import nbformat

    changed = []
    for name in names or lesson_names(root):
        for lang in langs:
            path = notebook_path(root, lang, name)
            if not path.exists():
                continue
            nb = nbformat.read(path, as_version=4)
            cell = next(c for c in nb.cells if SETUP_TAG in c.metadata.get("tags", []))
            fresh = setup_code(lang, course_config(root))
            if cell.source != fresh and not cell.get("outputs"):
                cell.source = fresh
                nbformat.write(nb, path)
                changed.append(path)
    return changed


COMMANDS = ("check", "build", "stamp", "slides", "setup-cells", "site")


def main(argv: list[str] | None = None) -> int:
    """`python -m tools.course COMMAND`: 0 when it did its work (check: when all is in step), 1 otherwise."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["site"]:  # the website has its own options (tools/site, helper D1): hand them over
        from tools.site import main as site_main

        return site_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m tools.course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument("names", nargs="*", help="lessons, e.g. 02_training_loop (default: all)")
    parser.add_argument("--lang", choices=LANGS, help="build (or make slides for) one language only")
    args = parser.parse_args(argv)
    langs = (args.lang,) if args.lang else LANGS
    # The lessons' models are tiny: one thread per kernel is as fast, and two builds side by side
    # (one per language) then do not fight over the cores.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if args.command == "build":
        build(ROOT, args.names or None, langs)
    elif args.command == "stamp":
        for name in args.names:
            stamp(ROOT, name)
    elif args.command in ("slides", "setup-cells"):
        if args.command == "slides":
            from tools.slides import build_slides

            written = build_slides(ROOT, args.names or lesson_names(ROOT), langs)
        else:
            written = refresh_setup_cells(ROOT, args.names or None, langs)
        for path in written:
            print(f"wrote {path.relative_to(ROOT)}", flush=True)
        return 0
    problems = check(ROOT) if args.command != "stamp" else []
    print("\n".join(problems) or "all lessons are in step")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
