"""The line-by-line stepper (lesson 02): run the training loop one numbered line at a time and see what each line changed.

It steps the real code, never a copy: the loop (by default `helpers.syllabus.train_one_epoch`, the
function lesson 02 prints; or the learner's own, with `# N` or `# X` comments on the lines to stop at)
runs in a helper thread that Python's line tracer (`sys.settrace`) stops before every numbered line.
The notebook's thread and that helper thread take turns, never run at once: `step()` lets the loop
run exactly one numbered line and waits until it stops before the next one. So the model and the
optimizer change exactly as in the plain loop, and torch's per-thread state (autocast, no_grad)
entered inside the loop stays inside it. `skip=(6,)` compiles the same source with line 6 replaced
by `pass` (line numbers kept). The widget in `helpers.stepper_view` is a thin view over this class;
the texts both show are in `helpers.stepper_messages`.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import inspect
import io
import math
import queue
import re
import sys
import textwrap
import threading
import tokenize
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import CodeType
from typing import Any

import torch
from torch import nn

from .checks import is_whole
from .i18n import check_language, get_language, t

Label = int | str  # 1-18 in lesson 02's loop, A-J in lesson 07's template

_LABEL = re.compile(r"#\s*(\d{1,3}|[A-Z])(?=$|[\s:])")  # "# 6", "# 10", "# C: mixed precision on"
_BLOCKS = (ast.For, ast.AsyncFor, ast.While, ast.If, ast.With, ast.AsyncWith, ast.Try, ast.FunctionDef,
           ast.AsyncFunctionDef, ast.ClassDef)


class _Abandoned(BaseException):
    """Raised inside the loop's thread to end it when the stepper restarts or is forgotten."""


# ---------------------------------------------------------------- reading the loop's source


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
        return self.function.__code__

    def line_of(self, label: Label) -> int:
        """The file line number of a label."""
        return next(number for number, other in self.labels.items() if other == label)

    def text(self, label: Label) -> str:
        """The code of a numbered line, without its comment."""
        raw = self.lines[self.line_of(label) - self.first]
        return _without_comment(raw)

    def skippable(self) -> list[Label]:
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
                               labels=_format_labels(source.skippable())))
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
                           labels=_format_labels(list(source.labels.values()))))
    return label


def _format_labels(labels: list[Label]) -> str:
    """'1-18' for a run of numbers, else the labels one by one."""
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


# ---------------------------------------------------------------- running the loop one line at a time


class _Worker:
    """Runs the loop in a daemon thread that waits before each numbered line until told to go on."""

    def __init__(self, loop: LoopSource, args: tuple, kwargs: dict[str, Any]):
        self.code, self.stops, self.comebacks = loop.code, loop.stops, loop.comebacks
        self.commands: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.reports: queue.SimpleQueue[tuple[str, Any, Any]] = queue.SimpleQueue()
        self.free = self.abandoned = False
        self.awaiting = True  # the first report (a stop before the first numbered line) is on its way
        self._last_line: int | None = None
        # The thread holds the loop's arguments, never the Stepper, so a forgotten Stepper can end it.
        self.thread = threading.Thread(target=self._run, args=(loop.function, args, kwargs), daemon=True,
                                       name="helpers-stepper")
        self.thread.start()

    def _run(self, function: Callable, args: tuple, kwargs: dict[str, Any]) -> None:
        sys.settrace(self._on_call)  # this thread only; the notebook's own thread is never traced
        try:
            result = function(*args, **kwargs)
        except _Abandoned:
            return
        except BaseException as error:  # the learner's own mistake: handed to the notebook's thread
            self.reports.put(("error", None, error))
        else:
            self.reports.put(("done", None, result))
        finally:
            sys.settrace(None)

    def _on_call(self, frame, event: str, arg: Any):
        return self._on_line if frame.f_code is self.code else None  # only the loop's own lines

    def _on_line(self, frame, event: str, arg: Any):
        if self.abandoned:
            raise _Abandoned
        if event != "line" or self.free:
            return self._on_line
        line, last = frame.f_lineno, self._last_line
        self._last_line = line
        # A line repeats itself inside a comprehension; a `with` line comes back to run __exit__.
        if line in self.stops and line != last and last not in self.comebacks.get(line, ()):
            self.reports.put(("paused", line, dict(frame.f_locals)))
            command = self.commands.get()
            if command == "abandon":
                self.abandoned = True
                raise _Abandoned
            self.free = command == "free"
        return self._on_line

    def resume(self, command: str = "go") -> tuple[str, Any, Any]:
        """Let the loop run to its next numbered line (or to the end, with 'free'); wait for its report."""
        if not self.awaiting:
            self.commands.put(command)
            self.awaiting = True
        while True:
            try:
                report = self.reports.get(timeout=0.2)  # a timeout keeps Ctrl-C / interrupt working here
            except queue.Empty:
                continue
            self.awaiting = False
            return report

    def abandon(self, *, wait: bool = False) -> None:
        """End the thread: the loop raises _Abandoned at its next line and unwinds."""
        if self.thread.is_alive():
            self.abandoned = True
            self.commands.put("abandon")
            if wait:
                self.thread.join()


# ---------------------------------------------------------------- what one line changed


@dataclass(frozen=True)
class TensorInfo:
    """Shape, dtype and device of one tensor the loop holds (lesson 02)."""

    shape: tuple[int, ...]
    dtype: str
    device: str

    def __str__(self) -> str:
        return f"{self.shape} {self.dtype} {self.device}"


@dataclass
class StepRecord:
    """What one numbered line did: the loop's tensors and counters, gradients, weight changes, output (lesson 02)."""

    line: Label
    source: str
    batch: int | None
    training: bool
    loss: float | None
    tensors: dict[str, TensorInfo]
    grads: dict[str, float | None]  # parameter name -> gradient norm, None where .grad is None
    weight_change: dict[str, float]  # parameter name -> norm of the change this line made
    counters: dict[str, float]  # running_loss, correct, total, ... (the loop's plain numbers)
    values: dict[str, str]  # the loop's other variables this line assigned, as short text (device_type='cpu')
    changed: tuple[str, ...]  # the loop's variables this line (re)assigned, plus ".grad", "weights", "scale", "model.training"
    printed: str = ""  # what the loop printed from this line up to the next numbered line
    skipped: bool = False
    scale: float | None = None  # the GradScaler's scale, when the loop has an enabled one
    grads_scaled: bool = False  # the gradients are still multiplied by `scale` (after scaled backward, before unscale_)
    next_line: Label | None = None
    result: Any = None  # what the loop returned, on the record of its last line
    loop_ended: bool = False  # the loop's header ran and found no batch left

    @property
    def grad_norm(self) -> float | None:
        """The global norm of all gradients (as clip_grad_norm_ measures it), None when there are none."""
        norms = [v for v in self.grads.values() if v is not None]
        return math.sqrt(sum(v * v for v in norms)) if norms else None

    @property
    def true_grad_norm(self) -> float | None:
        """The gradient norm divided by the scale while the gradients are still scaled (lesson 07)."""
        norm = self.grad_norm
        return norm / self.scale if norm is not None and self.grads_scaled and self.scale else norm

    @property
    def moved(self) -> float:
        """How far this line moved the weights: the norm of the change over all parameters."""
        return math.sqrt(sum(v * v for v in self.weight_change.values()))

    def summary(self, lang: str | None = None) -> str:
        """What the line changed, in a few words, in `lang`."""
        lang = check_language(lang or get_language())
        parts = [t("step.skipped", lang)] if self.skipped else []
        parts += [f"{name} {self.tensors[name]}" for name in self.changed if name in self.tensors and name != "loss"]
        if "loss" in self.changed and self.loss is not None:
            parts.append(f"loss={self.loss:.4f} {self.tensors['loss'].dtype}")
        if "model.training" in self.changed or self.line == 1:
            parts.append(f"model.training={self.training}")
        parts += [f"{name}={_number(self.counters[name])}" for name in self.changed if name in self.counters]
        parts += [f"{name}={text}" for name, text in self.values.items()]
        if ".grad" in self.changed:
            parts.append(_grad_words(self, lang))
        if "weights" in self.changed:
            parts.append(t("step.moved", lang, norm=self.moved))
        if "scale" in self.changed or (self.scale is not None and self.line in ("D", "I")):
            parts.append(t("step.scale", lang, scale=self.scale))
        if self.printed:
            parts.append(t("step.printed", lang, text=self.printed.strip()))
        if self.loop_ended:
            parts.append(t("step.loop_over", lang))
        return "; ".join(parts) or (t("step.nothing", lang) + ("; " + t("step.no_grads", lang)
                                                               if self.grad_norm is None else ""))


def _grad_words(record: StepRecord, lang: str) -> str:
    norm = record.grad_norm
    if norm is None:
        return t("step.no_grads", lang)
    if record.grads_scaled and record.scale:
        return t("step.true_grad_norm", lang, norm=norm, scale=record.scale, true=norm / record.scale)
    return t("step.grad_norm", lang, norm=norm)


def _number(value: float) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _tensor_info(value: torch.Tensor) -> TensorInfo:
    return TensorInfo(tuple(value.shape), str(value.dtype).replace("torch.", ""), str(value.device))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _changed_names(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The loop's variables a line assigned: new names, other objects, or other numbers."""
    names = []
    for name, value in after.items():
        old = before.get(name, _MISSING)
        if old is _MISSING or (value is not old and not (_is_number(value) and _is_number(old) and value == old)):
            names.append(name)
    return names


_MISSING = object()


def _scaler_stage(scaler: Any, optimizer: torch.optim.Optimizer) -> str | None:
    """'ready', 'unscaled' or 'stepped': where a GradScaler is for this optimizer (private, so guarded)."""
    try:
        return scaler._per_optimizer_states[id(optimizer)]["stage"].name.lower()
    except (AttributeError, KeyError, TypeError):
        return None


# ---------------------------------------------------------------- the stepper


def _note_table() -> dict[tuple[Label, str], str]:
    """(label, code) -> note key, for the lines of the loops the lessons print."""
    from . import syllabus

    table = {}
    for lesson, function in (("02", syllabus.train_one_epoch), ("07", syllabus.train_one_epoch_amp)):
        source = read_loop(function)
        for label in source.labels.values():
            table[(label, source.text(label))] = f"step.note.{lesson}.{label}"
    return table


_notes: dict[tuple[Label, str], str] = {}


class Stepper:
    """Steps a training loop one numbered line at a time; by default lesson 02's `train_one_epoch` (lesson 02).

    `step()` runs the next numbered line and returns a StepRecord; `step_to(line)`, `next_batch()` and
    `finish()` run further. `skip=(6,)` runs the loop without line 6. `loop=` steps your own function
    instead (its lines to stop at end in `# N` comments), called as
    `loop(model, device, train_loader, optimizer, criterion, log_interval=log_interval, **loop_args)`.
    `restart()` puts the model, the optimizer, the random state and the loader's shuffling back to
    where they were when the stepper was made, so every run starts from the same place.
    """

    def __init__(
        self,
        model: nn.Module,
        device: torch.device | str,
        train_loader: Iterable,
        optimizer: torch.optim.Optimizer,
        criterion: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
        log_interval: int = 100,
        *,
        loop: Callable | None = None,
        skip: Iterable[Label] = (),
        lang: str | None = None,
        loop_args: dict[str, Any] | None = None,
        echo: bool = True,
    ):
        from . import syllabus

        self.lang = check_language(lang or get_language())
        if not is_whole(log_interval, 1):
            raise ValueError(t("step.bad_log_interval", self.lang, value=log_interval))
        self.model, self.device, self.train_loader = model, device, train_loader
        self.optimizer, self.criterion, self.log_interval = optimizer, criterion, log_interval
        self.loop_args = dict(loop_args or {})
        self.echo = echo  # print what the loop prints (the widget shows it in its panel instead)
        self._function = loop or syllabus.train_one_epoch
        self.source = read_loop(self._function, skip=skip, lang=self.lang)
        self._start = self._snapshot()
        self._worker: _Worker | None = None
        self._finalizer: weakref.finalize | None = None
        self._said_cpu = False
        self._reset()

    # ---- what the stepper is at ---------------------------------------------------------------
    @property
    def skip(self) -> tuple[Label, ...]:
        return self.source.skip

    @property
    def next_line(self) -> Label | None:
        """The numbered line that runs next; None when the epoch is over."""
        return None if self.done else self.source.labels[self._next] if self._next else self.first_line

    @property
    def first_line(self) -> Label:
        return self.source.labels[min(self.source.labels)]

    @property
    def variables(self) -> dict[str, Any]:
        """The loop's own variables where it stands now (before `next_line` runs): data, outputs, loss, ..."""
        return dict(self._locals)

    @property
    def last(self) -> StepRecord | None:
        return self.records[-1] if self.records else None

    def note(self, line: Label, lang: str | None = None) -> str:
        """The lesson's one or two sentences about `line`, or '' for a line the lessons do not print."""
        if not _notes:
            _notes.update(_note_table())
        key = _notes.get((line, self.source.text(line)))
        return t(key, lang or self.lang) if key else ""

    def __repr__(self) -> str:
        return f"Stepper({self.source.name}, next_line={self.next_line!r}, steps={len(self.records)}, skip={self.skip})"

    # ---- running ------------------------------------------------------------------------------
    def step(self) -> StepRecord:
        """Run the next numbered line and return what it changed (lesson 02)."""
        self._check_running()
        self._ensure_started()
        line, before = self._next, self._state()
        kind, next_line, payload = self._resume("go")
        printed = self._printed
        # The line's own block (a `with` body, an `if` body) belongs to its record, up to the next numbered line.
        while kind == "paused" and next_line not in self.source.labels and line < next_line <= self.source.ends[line]:
            kind, next_line, payload = self._resume("go")
            printed += self._printed
        self._printed = printed
        record = self._record(line, before, kind, payload)
        self.records.append(record)
        if kind == "error":
            raise payload
        self._apply(kind, next_line, payload)
        self._run_silent_lines(record)
        record.next_line = self.next_line
        record.loop_ended = self._ended_loop(line)
        return record

    def _apply(self, kind: str, next_line: int | None, payload: Any) -> None:
        """Take in the loop's report: where it waits now and its variables, or how it ended."""
        if kind == "paused":
            self._next, self._locals = next_line, payload
            return
        self.done, self._next = True, None
        self.result = payload if kind == "done" else None
        self.error = payload if kind == "error" else None

    def _run_silent_lines(self, record: StepRecord | None) -> None:
        """Run the statements without a number (they belong to no record) up to the next numbered line."""
        while not self.done and self._next not in self.source.labels:
            kind, next_line, payload = self._resume("go")
            if record is not None:
                record.printed += self._printed
            self._apply(kind, next_line, payload)
            if kind == "error":
                raise payload
        if self.done and record is not None:
            record.result = self.result

    def step_to(self, line: Label) -> StepRecord:
        """Run until `line` has run (its next run) and return its record; stops early if the epoch ends."""
        check_label(self.source, line, lang=self.lang)
        while True:
            record = self.step()
            if record.line == line or self.done:
                return record

    def next_batch(self) -> list[StepRecord]:
        """Run up to the start of the next batch (or the end) and return the records of the lines that ran."""
        start = self.source.batch_start
        records = [self.step()]
        ran_start = self.source.line_of(records[0].line) == start
        while not self.done and not (ran_start and self._next == start):
            records.append(self.step())
            ran_start = ran_start or self.source.line_of(records[-1].line) == start
        return records

    def finish(self) -> Any:
        """Run the rest of the epoch at full speed and return what the loop returns: (avg_loss, train_acc)."""
        if self.done and self.error is None:
            return self.result
        self._check_running()
        self._ensure_started()
        kind, _, payload = self._resume("free")
        self.done = True
        if kind == "error":
            self.error = payload
            raise payload
        self.result = payload
        return payload

    def restart(self, *, skip: Iterable[Label] | None = None) -> None:
        """Start the epoch again from the stepper's starting weights, optionally skipping other lines."""
        if skip is not None:
            self.source = read_loop(self._function, skip=skip, lang=self.lang)
        self.close()
        self._restore(self._start)
        self._reset()

    def close(self) -> None:
        """End the loop's thread now (restart and a forgotten stepper do this too)."""
        if self._worker is not None:
            self._worker.abandon(wait=True)
            self._finalizer.detach()
            self._worker = None

    # ---- pictures of the state --------------------------------------------------------------------
    def table(self, records: list[StepRecord] | None = None, *, lang: str | None = None) -> str:
        """A plain-text table: one row per line that ran (default: all so far), with what it changed."""
        lang = check_language(lang or self.lang)
        records = self.records if records is None else records
        width = max([len(r.source) for r in records] + [len(t("step.col_code", lang))])
        rows = [f"{t('step.col_line', lang):>5}  {t('step.col_code', lang):{width}s}  {t('step.col_changed', lang)}"]
        rows += [f"{r.line!s:>5}  {r.source:{width}s}  {r.summary(lang)}" for r in records]
        return "\n".join(rows)

    def plot(self, *, lang: str | None = None):
        """A picture of the state: the code with the line that just ran, gradients and weight change per layer."""
        from .stepper_view import draw_state

        return draw_state(self, lang=lang or self.lang)

    def show(self):
        """Display the widget (Next line, Next batch, Run to end, Restart) and return it (lesson 02)."""
        from IPython.display import display

        from .stepper_view import StepperView

        view = StepperView(self)
        display(view.widget)
        return view

    # ---- inside -------------------------------------------------------------------------------
    def _reset(self) -> None:
        self.records: list[StepRecord] = []
        self.done, self.result, self.error = False, None, None
        self._next: int | None = None
        self._locals: dict[str, Any] = {}
        self._scaled = False
        self._printed = ""

    def _check_running(self) -> None:
        if self.error is not None:
            raise RuntimeError(t("step.failed", self.lang, error=f"{type(self.error).__name__}: {self.error}"))
        if self.done:
            raise RuntimeError(t("step.finished", self.lang, result=self.result))

    def _ensure_started(self) -> None:
        if self._worker is not None:
            return
        if not self._said_cpu and str(self.device).startswith("cpu") and any(
                isinstance(v, torch.amp.GradScaler) and v.is_enabled() for v in self.loop_args.values()):
            self._said_cpu = True  # once per stepper, not at every restart
            print(t("step.cpu_amp", self.lang))
        args = (self.model, self.device, self.train_loader, self.optimizer, self.criterion)
        # log_interval by name: lesson 07's template takes `scaler` in the sixth place
        self._worker = _Worker(self.source, args, {"log_interval": self.log_interval, **self.loop_args})
        self._finalizer = weakref.finalize(self, self._worker.abandon)  # no thread outlives its stepper
        kind, line, payload = self._resume(None)  # code before the first numbered line runs now
        self._apply(kind, line, payload)
        if kind == "error":
            raise payload
        self._run_silent_lines(None)

    def _resume(self, command: str | None) -> tuple[str, Any, Any]:
        """Let the loop run while this thread collects what it prints (the two threads never run at once)."""
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            report = self._worker.resume(command) if command else self._worker.resume()
        self._printed = buffer.getvalue()
        if self.echo and self._printed:
            sys.stdout.write(self._printed)
        return report

    def _params(self) -> list[tuple[str, nn.Parameter]]:
        return list(self.model.named_parameters())

    def _state(self) -> dict[str, Any]:
        return {
            "weights": [p.detach().clone() for _, p in self._params()],
            "grads": self._grad_norms(),
            "training": self.model.training,
            "scale": self._scale(self._locals),
            "locals": self._locals,
        }

    def _grad_norms(self) -> dict[str, float | None]:
        return {name: (None if p.grad is None else float(torch.linalg.vector_norm(p.grad.detach().float())))
                for name, p in self._params()}

    def _scaler(self, local: dict[str, Any]) -> Any:
        found = [v for v in (*local.values(), *self.loop_args.values()) if isinstance(v, torch.amp.GradScaler)]
        return found[0] if found and found[0].is_enabled() else None

    def _scale(self, local: dict[str, Any]) -> float | None:
        scaler = self._scaler(local)
        return None if scaler is None else float(scaler.get_scale())

    def _record(self, line: int, before: dict[str, Any], kind: str, payload: Any) -> StepRecord:
        """Compare the state before and after the line, and say what changed."""
        local = payload if kind == "paused" else self._locals
        if kind == "error":
            self._apply(kind, None, payload)
        grads, scale = self._grad_norms(), self._scale(local)
        weight_change = {name: float(torch.linalg.vector_norm((p.detach() - old).float()))
                         for (name, p), old in zip(self._params(), before["weights"])}
        label = self.source.labels[line]
        assigned = [name for name in self.source.assigns.get(label, ()) if name in local]
        changed = list(dict.fromkeys(assigned + _changed_names(before["locals"], local)))
        changed += [name for name, moved in ((".grad", grads != before["grads"]),
                                             ("weights", any(v > 0 for v in weight_change.values())),
                                             ("scale", scale != before["scale"]),
                                             ("model.training", self.model.training != before["training"])) if moved]
        self._track_scaling(local, grads, before["grads"])
        arguments = set(self.source.code.co_varnames[: self.source.code.co_argcount])
        loss = local.get("loss")
        return StepRecord(
            line=self.source.labels[line], source=self.source.text(self.source.labels[line]),
            batch=local.get("batch_idx"), training=self.model.training,
            loss=float(loss.detach().float()) if isinstance(loss, torch.Tensor) and loss.numel() == 1 else None,
            tensors={k: _tensor_info(v) for k, v in local.items() if isinstance(v, torch.Tensor)},
            grads=grads, weight_change=weight_change,
            counters={k: v for k, v in local.items() if _is_number(v) and k not in arguments},
            values={k: _short(local[k]) for k in changed if k in local and not _is_number(local[k])
                    and not isinstance(local[k], torch.Tensor)},
            changed=tuple(changed), printed=self._printed, skipped=self.source.labels[line] in self.skip,
            scale=scale, grads_scaled=self._scaled,
            result=payload if kind == "done" else None,
        )

    def _ended_loop(self, line: int) -> bool:
        """Whether the loop's numbered header just ran and found no batch left."""
        span = self.source.loop_lines
        if span is None or line != span[0]:
            return False
        return self._next is None or not span[0] < self._next <= span[1]

    def _track_scaling(self, local: dict[str, Any], grads: dict, grads_before: dict) -> None:
        """Whether the gradients are still multiplied by the scale: from scaled backward to unscale_ or step."""
        scaler = self._scaler(local)
        stage = None if scaler is None else _scaler_stage(scaler, self.optimizer)
        if scaler is None or all(v is None for v in grads.values()) or stage in ("unscaled", "stepped"):
            self._scaled = False
        elif grads != grads_before and stage == "ready":
            self._scaled = True

    # ---- starting state -----------------------------------------------------------------------
    def _stateful(self) -> dict[str, Any]:
        """The loop's arguments that carry a state from step to step (a GradScaler, a scheduler)."""
        return {k: v for k, v in self.loop_args.items() if hasattr(v, "state_dict") and hasattr(v, "load_state_dict")}

    def _snapshot(self) -> dict[str, Any]:
        generator = getattr(self.train_loader, "generator", None)
        return {
            "model": copy.deepcopy(self.model.state_dict()),
            "grads": [None if p.grad is None else p.grad.detach().clone() for _, p in self._params()],
            "optimizer": copy.deepcopy(self.optimizer.state_dict()),
            "others": {k: copy.deepcopy(v.state_dict()) for k, v in self._stateful().items()},
            "rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None,
            "loader": generator.get_state() if isinstance(generator, torch.Generator) else None,
        }

    def _restore(self, state: dict[str, Any]) -> None:
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(copy.deepcopy(state["optimizer"]))
        for (_, p), grad in zip(self._params(), state["grads"]):
            p.grad = None if grad is None else grad.clone()  # as they were: matters when line 6 is skipped
        for key, value in self._stateful().items():
            value.load_state_dict(copy.deepcopy(state["others"][key]))
        torch.set_rng_state(state["rng"])
        if state["cuda_rng"] is not None:
            torch.cuda.set_rng_state_all(state["cuda_rng"])
        if state["loader"] is not None:
            self.train_loader.generator.set_state(state["loader"])


def per_layer(values: dict[str, float | None]) -> dict[str, float | None]:
    """Per-parameter norms combined per layer ('features.0.weight' + '.bias' -> 'features.0'); None if all None."""
    layers: dict[str, list[float]] = {}
    for name, value in values.items():
        layer = name.rsplit(".", 1)[0] if "." in name else name
        layers.setdefault(layer, [])
        if value is not None:
            layers[layer].append(value)
    return {layer: (math.sqrt(sum(v * v for v in vs)) if vs else None) for layer, vs in layers.items()}


__all__ = ["LoopSource", "StepRecord", "Stepper", "TensorInfo", "check_label", "per_layer", "read_loop"]
