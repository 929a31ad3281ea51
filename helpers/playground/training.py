"""One Start of the playground (lesson 10): the epoch loop over `Run.epoch()` and the per-step hook.

There is no training logic here: every epoch is `helpers.engine.Run.epoch()`, the course's one epoch driver
(`train_one_epoch` then `validate`, lessons 02-03). The loop's `on_batch` hook records the loss of each step,
applies the pending changes (learning rate into `optimizer.param_groups`, batch size into the TensorLoader, the
log interval into the hook's own log line), waits while paused, and raises StopTraining to stop. A new optimizer
(or AMP setting, or number of epochs) waits for the next epoch.

A loss that becomes nan or inf cannot be trained on: the weights that produced it are broken, so lowering the
learning rate alone would stop again at the next step. The trainer therefore keeps one restore point (the weights
and optimizer where this run began, moved forward just before each raise of the learning rate while the loss was
still sane) and goes back to it on a nan, so that "lower the learning rate and press Start" works.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch

from ..amp import mixed_precision
from ..engine import Run
from ..i18n import first_line, t
from ..loop import NonFiniteLossError, StopTraining
from .controls import AT_BOUNDARY, CONTROLS, LIVE, make_optimizer, shown
from .history import State
from .snapshot import Weights, copy_weights, load_weights

if TYPE_CHECKING:
    from .controller import Controller

SANE = 1.5  # a restore point moves forward only while the loss is at most this many times its loss there


@dataclass
class RestorePoint:
    """Where a nan sends the run back to: a step, its loss, and why it was taken then."""

    step: int
    loss: float
    why: str
    weights: Weights


def _quiet(_line: str) -> None:
    """The epoch driver's own epoch line is not printed: the controller logs one that names the run."""


class Trainer:
    """The run of a playground: the engine's Run, the optimizer's name, and the per-step hook (lesson 10)."""

    def __init__(self, controller: Controller):
        self.c = controller
        self.run: Run | None = None  # the epoch driver, made at the first Start (and again after Reset)
        self.optimizer_name = controller.settings["optimizer"]
        self.last_used: dict[str, Any] | None = None  # the settings the last run ended with
        self.schedule: dict[int, dict[str, Any]] = {}
        self.epoch_seen = 0  # samples of this epoch trained so far
        self.run_samples = 0  # samples of this run trained so far
        self.times: deque[float] = deque(maxlen=50)  # when the last steps ended: the steps per second
        self.restore: RestorePoint | None = None

    # ---- a whole Start ---------------------------------------------------------------------------------
    def train(self) -> None:
        """One Start, to its end; then the controller hears how it ended (also if something escaped)."""
        ends: tuple[State, str | None, dict[str, Any]] = (State.STOPPED, None, {})
        try:
            ends = self.train_epochs()
        finally:
            self.c.ended(*ends)

    def train_epochs(self) -> tuple[State, str | None, dict[str, Any]]:
        """The run's epochs: the state it ends in, and the key and values of the message that says why."""
        c = self.c
        try:
            self.epochs()
        except (StopTraining, KeyboardInterrupt):  # Stop, Reset, Fork, or Ctrl-C in poll mode
            c.log(t("pg.log.stopped", c.lang, step=c.history.steps))
            return State.STOPPED, None, {}
        except NonFiniteLossError as error:
            values = self.go_back(error)
            c.log(t("pg.log.nonfinite", c.lang, **values))
            return State.STOPPED, "pg.log.nonfinite", values
        except Exception as error:  # shown in the view; the notebook, the model and the history survive
            c.error = error
            c.log(t("pg.msg.error", c.lang, reason=first_line(error)))
            return State.ERROR, "pg.msg.error", dict(reason=first_line(error))
        return State.FINISHED, None, {}

    def epochs(self) -> None:
        """Train the run's epochs (or until Stop); raises what stopped it."""
        c, history = self.c, self.c.history
        run, done = self.prepare(), 0
        while c.run_epochs is None or done < c.run_epochs:
            if done:
                self.boundary(run)
                if c.run_epochs is not None and done >= c.run_epochs:
                    break
            self.epoch_seen, c.epoch_in_run = 0, done + 1
            row = run.epoch()
            history.epoch_end_steps.append(history.steps)
            history.epoch_runs.append(c.runs)
            numbers = {k: row[k] for k in ("train_loss", "train_acc", "val_loss", "val_acc")}
            c.log(t("pg.log.epoch", c.lang, run=c.runs, epoch=done + 1, of=shown("epochs", c.run_epochs), **numbers))
            done += 1
        c.log(t("pg.log.finished", c.lang, steps=history.steps))

    def prepare(self) -> Run:
        """At Start: the controls' values go into the run; a change made since the last run is marked."""
        c = self.c
        c.controls.settle()
        s, history = c.settings, c.history
        if self.run is None:
            self.run = self.make_run(s["optimizer"])
        elif self.optimizer_name != s["optimizer"]:
            self.run.optimizer, self.optimizer_name = self.new_optimizer(s["optimizer"]), s["optimizer"]
        for group in self.run.optimizer.param_groups:
            group["lr"] = s["lr"]
        c.train_loader.batch_size = s["batch_size"]
        if (self.run.precision.dtype is not None) != s["amp"]:
            self.run.set_precision(mixed_precision(c.device, s["amp"]))
        history.run_starts.append(history.steps)
        c.epoch_in_run, self.epoch_seen, self.run_samples = 1, 0, 0
        self.times.clear()
        if self.last_used is not None:  # changed between two runs: marked where the new run begins
            for name in CONTROLS:
                if s[name] != self.last_used[name]:
                    self.event(name, s[name])
        self.keep_restore_point(t("pg.why.run_start", c.lang))
        return self.run

    def make_run(self, optimizer_name: str) -> Run:
        c = self.c
        run = Run(c.model, c.train_loader, c.val_loader, optimizer=self.new_optimizer(optimizer_name),
                  criterion=c.criterion, device=c.device, log_interval=None, say=_quiet, on_batch=self.on_batch,
                  lang=c.lang)
        run.history = c.history.epochs  # one History: the run appends, the chart reads
        self.optimizer_name = optimizer_name
        return run

    def new_optimizer(self, name: str) -> torch.optim.Optimizer:
        return make_optimizer(name, self.c.model.parameters(), self.c.settings["lr"])

    def ended(self) -> None:
        """After a run, however it ended: the changes it did not take become the settings for the next Start."""
        self.c.controls.settle()
        self.last_used = dict(self.c.settings)

    # ---- the weights a branch or a nan goes back to ------------------------------------------------------
    def save(self) -> Weights:
        return copy_weights(self.c.model, self.run, self.optimizer_name)

    def load(self, weights: Weights) -> None:
        """Put a branch's weights, optimizer, scheduler and scaler in place (its settings are already there)."""
        c = self.c
        name = weights.optimizer_name
        if weights.optimizer is None:
            self.run = None
        elif self.run is None:
            self.run = self.make_run(name)
        else:
            self.run.optimizer, self.optimizer_name = self.new_optimizer(name), name
        if self.run is not None:
            self.run.set_precision(mixed_precision(c.device, c.settings["amp"]))  # a fresh scaler, loaded below
            self.run.history = c.history.epochs
        load_weights(weights, c.model, self.run)
        self.restore = None

    def keep_restore_point(self, why: str) -> None:
        """Move the restore point here, unless the loss has blown up since the last one (then keep that one)."""
        loss = self.c.history.loss[-1] if self.c.history.loss else math.inf
        if self.restore is not None and not loss <= SANE * self.restore.loss:
            return
        self.restore = RestorePoint(self.c.history.steps, loss, why, self.save())

    def go_back(self, error: NonFiniteLossError) -> dict[str, Any]:
        """After a nan: back to the restore point; the values of the message that says so."""
        point = self.restore
        load_weights(point.weights, self.c.model, self.run)
        return dict(step=self.c.history.steps, loss=error.loss, back=point.step, why=point.why)

    # ---- between epochs and between steps ------------------------------------------------------------
    def event(self, control: str, value: Any) -> None:
        c = self.c
        epoch = self.run.next_epoch if self.run is not None else 1
        c.history.events.append({"step": c.history.steps, "epoch": epoch, "run": c.runs, "control": control,
                                 "value": value})

    def boundary(self, run: Run) -> None:
        """Between two epochs, a clean boundary: a new optimizer, AMP on/off, the number of epochs."""
        c = self.c
        for name, value in c.controls.take(AT_BOUNDARY).items():
            self.event(name, value)
            if name == "optimizer":
                old = self.optimizer_name
                run.optimizer, self.optimizer_name = self.new_optimizer(value), value
                c.log(t("pg.log.optimizer", c.lang, old=old, new=value, epoch=run.next_epoch, step=c.history.steps))
            elif name == "amp":
                run.set_precision(mixed_precision(c.device, value))
                c.log(t("pg.log.amp", c.lang, value=value, epoch=run.next_epoch))
            else:
                c.run_epochs = value
                c.log(t("pg.log.epochs", c.lang, value=shown("epochs", value)))

    def on_batch(self, batch_idx: int, loss: torch.Tensor) -> None:
        """After every batch: record, log, apply the live changes, tell the view, pause, stop."""
        value = loss.item()  # the chart needs every step's loss (on a GPU this waits for it: fine for a playground)
        if not math.isfinite(value):
            raise NonFiniteLossError(batch_idx, value)
        self.record(batch_idx, value)
        c = self.c
        for step in [s for s in self.schedule if s <= c.history.steps]:
            c.set(**self.schedule.pop(step))  # scripted changes go through the same requests
        for name, new in c.controls.take(LIVE).items():  # these take effect at the very next step
            if name == "lr" and new > self.optimizer.param_groups[0]["lr"]:
                self.keep_restore_point(t("pg.why.lr_raised", c.lang, lr=shown("lr", new)))
            self.event(name, new)
            if name == "lr":
                for group in self.optimizer.param_groups:
                    group["lr"] = new
            elif name == "batch_size":
                c.train_loader.batch_size = new  # TensorLoader reads it when it cuts the next batch
        c.between_steps()
        if c.runner.stop_requested:
            raise StopTraining  # train_one_epoch stops; the controller keeps the model and the history

    def record(self, batch_idx: int, value: float) -> None:
        """The step's loss, learning rate and batch size, and every `log_interval` batches a log line."""
        c = self.c
        history, loader = c.history, c.train_loader
        size = min(loader.batch_size, c.n_train - self.epoch_seen)  # the batch just trained
        self.epoch_seen += size
        self.run_samples += size
        history.loss.append(value)
        history.lr.append(self.optimizer.param_groups[0]["lr"])
        history.batch_size.append(size)
        self.times.append(time.perf_counter())
        if batch_idx % c.settings["log_interval"] == 0:
            left = c.n_train - self.epoch_seen
            total = batch_idx + 1 + math.ceil(left / loader.batch_size)  # the epoch's length, as it now stands
            history.logged.append(history.steps - 1)
            c.log(t("loop.batch", c.lang, batch=batch_idx, total=total, loss=value))

    @property
    def optimizer(self) -> torch.optim.Optimizer | None:
        return self.run.optimizer if self.run is not None else None

    def rate(self) -> float:
        """Steps per second over the last steps of the run."""
        times = self.times
        return (len(times) - 1) / (times[-1] - times[0]) if len(times) >= 2 and times[-1] > times[0] else 0.0
