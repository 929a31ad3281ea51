"""The stepper's controller (lesson 02): run the training loop one numbered line at a time, with no widgets.

It steps the real code, never a copy: the loop (by default `helpers.syllabus.train_one_epoch`, the
function lesson 02 prints; or the learner's own, with `# N` or `# X` comments on the lines to stop at)
runs in the tracer's helper thread (`tracer.Worker`), which stops before every statement. `step()`
lets it run exactly one numbered line; the Recorder says what that line changed, and the BatchLog
keeps what each batch did. Views (the widget, the picture) read this object and subscribe to it:
after every action, from a button or from code, each subscriber is called once.
"""

from __future__ import annotations

import contextlib
import io
import sys
import weakref
from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch import nn

from .. import syllabus
from ..checks import is_whole
from ..i18n import check_language, get_language, t
from .batches import BatchLog, BatchStats
from .record import StepRecord, table
from .recorder import Recorder
from .source import Label, check_label, note_key, read_loop
from .start import StartingPoint
from .subscribers import Subscribers, action
from .tracer import Worker


class Controller:
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
        self.lang = check_language(lang or get_language())
        if not is_whole(log_interval, 1):
            raise ValueError(t("step.bad_log_interval", self.lang, value=log_interval))
        self.model, self.device, self.train_loader = model, device, train_loader
        self.optimizer, self.criterion, self.log_interval = optimizer, criterion, log_interval
        self.loop_args = dict(loop_args or {})
        self.echo = echo  # print what the loop prints (the widget shows it in its panel instead)
        self._function = loop or syllabus.train_one_epoch
        self.source = read_loop(self._function, skip=skip, lang=self.lang)
        self._start = StartingPoint(model, optimizer, train_loader, self.loop_args)
        self.runs: dict[tuple[Label, ...], tuple[Any, list[BatchStats]]] = {}  # skip -> (result, batches), per epoch run
        self._worker: Worker | None = None
        self._finalizer: weakref.finalize | None = None
        self.subscribers = Subscribers()  # the views: told once after every action, from a button or from code
        self._said_cpu = False
        self._reset()

    # ---- what the stepper is at ---------------------------------------------------------------
    @property
    def skip(self) -> tuple[Label, ...]:
        """The labels of the lines this run leaves out."""
        return self.source.skip

    @property
    def next_line(self) -> Label | None:
        """The numbered line that runs next; None when the epoch is over."""
        return None if self.done else self.source.labels[self._next] if self._next else self.first_line

    @property
    def first_line(self) -> Label:
        """The loop's first numbered line."""
        return self.source.labels[min(self.source.labels)]

    @property
    def variables(self) -> dict[str, Any]:
        """The loop's own variables where it stands now (before `next_line` runs): data, outputs, loss, ..."""
        return dict(self._locals)

    @property
    def last(self) -> StepRecord | None:
        """The record of the line that ran last, None before the first."""
        return self.records[-1] if self.records else None

    @property
    def just_ran(self) -> StepRecord | None:
        """The record of the line that ran last, unless the rest of the epoch ran after it at full speed."""
        return None if self._ran_free else self.last

    @property
    def batches(self) -> list[BatchStats]:
        """What every batch that has ended did: loss, gradient norm, how far the weights moved (lesson 02)."""
        return self._batch_log.stats()

    def note(self, line: Label, lang: str | None = None) -> str:
        """The lesson's one or two sentences about `line`, or '' for a line the lessons do not print."""
        key = note_key(self.source, line)
        return t(key, lang or self.lang) if key else ""

    def table(self, records: list[StepRecord] | None = None, *, lang: str | None = None) -> str:
        """A plain-text table: one row per line that ran (default: all so far), with what it changed."""
        return table(self.records if records is None else records, check_language(lang or self.lang))

    def subscribe(self, callback: Callable[[], None]) -> None:
        """Call the bound method `callback` after every action (a view redraws itself); held weakly."""
        self.subscribers.add(callback)

    def __repr__(self) -> str:
        return f"Stepper({self.source.name}, next_line={self.next_line!r}, steps={len(self.records)}, skip={self.skip})"

    # ---- running ------------------------------------------------------------------------------
    @action
    def step(self) -> StepRecord:
        """Run the next numbered line and return what it changed (lesson 02)."""
        self._check_running()
        self._ensure_started()
        line, before = self._next, self._recorder.before(self._locals)
        kind, next_line, payload = self._resume("go")
        printed = self._printed
        # The line's own block (a `with` body, an `if` body) belongs to its record, up to the next numbered line.
        while kind == "paused" and next_line not in self.source.labels and line < next_line <= self.source.ends[line]:
            kind, next_line, payload = self._resume("go")
            printed += self._printed
        local = payload if kind == "paused" else self._locals
        if kind == "error":
            self._apply(kind, None, payload)
        record = self._recorder.record(self.source, self.source.labels[line], before, local, printed=printed,
                                       result=payload if kind == "done" else None)
        self.records.append(record)
        if kind == "error":
            raise payload
        self._apply(kind, next_line, payload)
        self._run_silent_lines(record)
        record.next_line = self.next_line
        record.loop_ended = self._ended_loop(line)
        return record

    @action
    def step_to(self, line: Label) -> StepRecord:
        """Run until `line` has run (its next run) and return its record; stops early if the epoch ends."""
        check_label(self.source, line, lang=self.lang)
        while True:
            record = self.step()
            if record.line == line or self.done:
                return record

    @action
    def next_batch(self) -> list[StepRecord]:
        """Run up to the start of the next batch (or the end) and return the records of the lines that ran."""
        start = self.source.batch_start
        records = [self.step()]
        ran_start = self.source.line_of(records[0].line) == start
        while not self.done and not (ran_start and self._next == start):
            records.append(self.step())
            ran_start = ran_start or self.source.line_of(records[-1].line) == start
        return records

    @action
    def finish(self) -> Any:
        """Run the rest of the epoch at full speed and return what the loop returns: (avg_loss, train_acc)."""
        if self.done and self.error is None:
            return self.result
        self._check_running()
        self._ensure_started()
        kind, _, payload = self._resume("free")
        self._ran_free = True
        self._apply(kind, None, payload)
        if kind == "error":
            raise payload
        return payload

    @action
    def restart(self, *, skip: Iterable[Label] | None = None) -> None:
        """Start the epoch again from the stepper's starting weights, optionally skipping other lines."""
        if skip is not None:
            self.source = read_loop(self._function, skip=skip, lang=self.lang)
        self.close()
        self._start.restore()
        self._reset()

    def close(self) -> None:
        """End the loop's thread now (restart and a forgotten stepper do this too)."""
        if self._worker is not None:
            self._worker.abandon(wait=True)
            self._finalizer.detach()
            self._worker = None

    # ---- inside -------------------------------------------------------------------------------
    def _reset(self) -> None:
        self.records: list[StepRecord] = []
        self.done, self.result, self.error = False, None, None
        self._next: int | None = None
        self._locals: dict[str, Any] = {}
        self._printed, self._ran_free = "", False
        self._recorder = Recorder(self.model, self.optimizer, self.loop_args)
        self._batch_log = BatchLog(self.model)

    def _apply(self, kind: str, next_line: int | None, payload: Any) -> None:
        """Take in the loop's report: where it waits now and its variables, or how it ended."""
        if kind == "paused":
            self._next, self._locals = next_line, payload
            return
        self.done, self._next = True, None
        self.result = payload if kind == "done" else None
        self.error = payload if kind == "error" else None
        if kind == "done":
            self.runs[self.skip] = (payload, self.batches)

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
        self._worker = Worker(self.source, args, {"log_interval": self.log_interval, **self.loop_args},
                              on_header=self._batch_log)
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

    def _ended_loop(self, line: int) -> bool:
        """Whether the loop's numbered header just ran and found no batch left."""
        span = self.source.loop_lines
        if span is None or line != span[0]:
            return False
        return self._next is None or not span[0] < self._next <= span[1]
