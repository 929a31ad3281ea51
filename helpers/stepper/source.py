"""Reading a training loop's source (lesson 02): its numbered lines, what each assigns, and the loop without some of them.

The stepper steps the real function: this module finds the lines to stop at (the `# N` or `# X`
comment that ends a line of code), the batch loop, and, for `skip=`, compiles the same source with
those lines replaced by `pass`, every line number kept so tracebacks still point at the cell.
"""

from __future__ import annotations

import ast
import inspect
import io
import re
import textwrap
import tokenize
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import CodeType
from typing import Any

from .. import syllabus
from ..i18n import t
from . import messages  # noqa: F401  (registers the "step." texts this module's errors use)

Label = int | str  # 1-18 in lesson 02's loop, A-J in lesson 07's template

_LABEL = re.compile(r"#\s*(\d{1,3}|[A-Z])(?=$|[\s:])")  # "# 6", "# 10", "# C: mixed precision on"
_BLOCKS = (ast.For, ast.AsyncFor, ast.While, ast.If, ast.With, ast.AsyncWith, ast.Try, ast.FunctionDef,
           ast.AsyncFunctionDef, ast.ClassDef)


@dataclass
class LoopSource:
    """A loop function, its numbered lines and what can be skipped; `function` is what really runs (lesson 02)."""

    function: Callable
    name: str
    first: int  # the file line number of the function's first source line
    lines: list[str]  # the function's source, one string per line
    labels: dict[int, Label]  # file line number -> label
    blocks: dict[Label, str]  # label -> "for", "if", ... for lines that open a block
    batch_start: int | None  # the line number each batch begins at (the loop's header, or its first numbered line)
    loop_lines: tuple[int, int] | None  # first and last file line number of the batch loop
    assigns: dict[Label, tuple[str, ...]] = field(default_factory=dict)  # the names each numbered line assigns
    # Every statement's first line (the loop waits there too, silently, so a numbered line's record holds
    # only what that line did) and, for those execution comes back to from their own later lines
    # (a `with` to run __exit__, a call spread over several lines), the lines it comes back from.
    stops: set[int] = field(default_factory=set)
    ends: dict[int, int] = field(default_factory=dict)  # a statement's first line -> its last line
    comebacks: dict[int, range] = field(default_factory=dict)
    skip: tuple[Label, ...] = ()

    @property
    def code(self) -> CodeType:
        """The code object the tracer watches: the function that really runs."""
        return self.function.__code__

    def line_of(self, label: Label) -> int:
        """The file line number of a label."""
        return next(number for number, other in self.labels.items() if other == label)

    def text(self, label: Label) -> str:
        """The code of a numbered line, without its comment."""
        raw = self.lines[self.line_of(label) - self.first]
        return _without_comment(raw)

    def skippable(self) -> list[Label]:
        """The labels of the lines that can be skipped (those that open no block)."""
        return [label for label in self.labels.values() if label not in self.blocks]


def _without_comment(line: str) -> str:
    match = _LABEL.search(line)
    return (line[: match.start()] if match else line).strip()


def _labels(text: str, first: int) -> dict[int, Label]:
    """The `# N` (or `# X`) comments that end a line of code, by file line number."""
    found: dict[int, Label] = {}
    lines = text.splitlines()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type != tokenize.COMMENT:
            continue
        row, col = token.start
        match = _LABEL.match(token.string)
        if match and lines[row - 1][:col].strip():
            raw = match.group(1)
            found[first + row - 1] = int(raw) if raw.isdigit() else raw
    return found


def _statements(tree: ast.AST) -> dict[int, ast.stmt]:
    """Every statement of the function's own body (not of functions inside it), by relative line number."""
    function = tree.body[0] if tree.body else None
    found: dict[int, ast.stmt] = {}
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):  # e.g. a lambda: no lines to stop at
        return found
    pending = list(function.body)
    while pending:
        node = pending.pop()
        found.setdefault(node.lineno, node)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for child in ("body", "orelse", "finalbody", "handlers"):
                pending.extend(getattr(node, child, []))
    return found


def read_loop(function: Callable, *, skip: Iterable[Label] = (), lang: str = "en") -> LoopSource:
    """Parse a loop's numbered lines and compile it without the `skip` lines (lesson 02)."""
    name = getattr(function, "__name__", repr(function))
    try:
        raw_lines, first = inspect.getsourcelines(function)
    except (OSError, TypeError) as error:
        raise ValueError(t("step.no_source", lang, name=name)) from error
    text = textwrap.dedent("".join(raw_lines))
    statements = _statements(ast.parse(text))
    labels = {n: label for n, label in _labels(text, first).items() if n - first + 1 in statements}
    if not labels:
        raise ValueError(t("step.no_labels", lang, name=name))
    nodes = {label: statements[n - first + 1] for n, label in labels.items()}
    blocks = {label: type(node).__name__.lower().replace("async", "") for label, node in nodes.items()
              if isinstance(node, _BLOCKS)}
    loop = _batch_loop(statements)
    source = LoopSource(function, name, first, text.splitlines(), labels, blocks, _batch_start(labels, loop, first),
                        None if loop is None else (first + loop.lineno - 1, first + loop.end_lineno - 1))
    source.assigns = {label: _assigned(node) for label, node in nodes.items()}
    source.stops = {first + n - 1 for n in statements}
    source.ends = {first + n - 1: first + node.end_lineno - 1 for n, node in statements.items()}
    source.comebacks = {first + n - 1: range(first + n, first + node.end_lineno) for n, node in statements.items()
                        if not isinstance(node, (ast.For, ast.AsyncFor, ast.While))}  # a loop's header comes back each round
    skip = tuple(skip)
    for label in skip:
        check_label(source, label, lang=lang)
        if label in source.blocks:
            raise ValueError(t("step.not_skippable", lang, line=label, kind=source.blocks[label],
                               labels=format_labels(source.skippable())))
    if skip:
        source.function = _without_lines(function, text, first, [nodes[label] for label in skip], lang=lang)
        source.skip = skip
    return source


def _assigned(node: ast.stmt) -> tuple[str, ...]:
    """The variable names a statement assigns (for a `for` line: its loop variables)."""
    targets = {ast.Assign: lambda n: n.targets, ast.AugAssign: lambda n: [n.target], ast.AnnAssign: lambda n: [n.target],
               ast.For: lambda n: [n.target]}.get(type(node), lambda n: [])(node)
    return tuple(dict.fromkeys(n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name)))


def _batch_loop(statements: dict[int, ast.stmt]) -> ast.stmt | None:
    """The function's first `for` or `while` loop: the loop over batches."""
    loops = [statements[n] for n in sorted(statements) if isinstance(statements[n], (ast.For, ast.While))]
    return loops[0] if loops else None


def _batch_start(labels: dict[int, Label], loop: ast.stmt | None, first: int) -> int | None:
    """Where each batch begins: the loop's line if it is numbered, else the first numbered line inside it."""
    if loop is None:
        return None
    inside = [n for n in sorted(labels) if loop.lineno <= n - first + 1 <= loop.end_lineno]
    return inside[0] if inside else None


def check_label(source: LoopSource, label: Any, *, lang: str = "en") -> Label:
    """Return `label` if it numbers a line of the loop, else raise a ValueError in `lang` (lesson 02)."""
    if isinstance(label, bool) or label not in source.labels.values():
        raise ValueError(t("step.bad_line", lang, line=label, name=source.name,
                           labels=format_labels(list(source.labels.values()))))
    return label


def format_labels(labels: list[Label]) -> str:
    """'1-18' for a run of numbers, else the labels one by one (lesson 02's messages)."""
    numbers = sorted(label for label in labels if isinstance(label, int))
    if numbers and numbers == list(range(numbers[0], numbers[-1] + 1)) and len(numbers) == len(labels) > 2:
        return f"{numbers[0]}-{numbers[-1]}"
    return ", ".join(str(label) for label in labels)


def _without_lines(function: Callable, text: str, first: int, nodes: list[ast.stmt], *, lang: str) -> Callable:
    """The same function compiled with each of `nodes` replaced by `pass`, keeping every line number."""
    if function.__code__.co_freevars:
        raise ValueError(t("step.closure", lang, name=function.__name__, names=", ".join(function.__code__.co_freevars)))
    lines = text.splitlines()
    for node in nodes:
        indent = lines[node.lineno - 1][: len(lines[node.lineno - 1]) - len(lines[node.lineno - 1].lstrip())]
        lines[node.lineno - 1] = indent + "pass"
        for n in range(node.lineno, node.end_lineno):
            lines[n] = ""  # the rest of a statement that spans several lines
    # Blank lines in front put every statement on its original line number, so tracebacks point at the cell.
    code = compile("\n" * (first - 1) + "\n".join(lines) + "\n", function.__code__.co_filename, "exec")
    namespace: dict[str, Any] = {}
    exec(code, function.__globals__, namespace)  # the learner's own globals: torch, helpers, ...
    compiled = namespace[function.__name__]
    compiled.__defaults__, compiled.__kwdefaults__ = function.__defaults__, function.__kwdefaults__
    return compiled


def note_key(source: LoopSource, label: Label) -> str | None:
    """The message key of the lesson's note on `label`, or None for a line the lessons do not print (lesson 02)."""
    if not _notes:
        _notes.update(_note_table())
    return _notes.get((label, source.text(label)))


def _note_table() -> dict[tuple[Label, str], str]:
    """(label, code) -> note key, for the lines of the loops lessons 02 and 07 print."""
    table = {}
    for lesson, function in (("02", syllabus.train_one_epoch), ("07", syllabus.train_one_epoch_amp)):
        source = read_loop(function)
        for label in source.labels.values():
            table[(label, source.text(label))] = f"step.note.{lesson}.{label}"
    return table


_notes: dict[tuple[Label, str], str] = {}
