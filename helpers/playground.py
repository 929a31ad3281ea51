"""The playground (lesson 10): the course's one loop, driven live. This module is its controller: no widgets.

There is no training logic here: every epoch is `helpers.engine.Run.epoch()`, the course's one epoch
driver (`train_one_epoch` then `validate`, lessons 02-03). The loop's `on_batch` hook records the loss
of each step, applies the pending changes (learning rate into `optimizer.param_groups`, batch size
into the TensorLoader, the log interval into the hook's own log line), waits while paused, and raises
StopTraining to stop. A new optimizer (or AMP setting, or number of epochs) waits for the next epoch.

`Controller` holds the settings, the pending changes, one `State` and the history, and tells its
listeners what changed; `helpers.playground_view.Playground` is the thin ipywidgets view over it
(with Colab's poll mode as a small adapter). `from helpers.playground import Playground` still works.
Only one controller trains per kernel: a new one stops and closes the one before it.
"""

from __future__ import annotations

import copy
import enum
import io
import math
import threading
import time
import warnings
import weakref
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import torch
from torch import nn, optim

from .amp import mixed_precision
from .checks import is_whole
from .engine import History, Run
from .i18n import check_language, first_line, get_language, register, t
from .loop import NonFiniteLossError, StopTraining

OPTIMIZERS = ("SGD", "SGD+momentum", "Adam", "AdamW")
LR_MIN, LR_MAX = 1e-5, 1.0  # the slider's range: 10**-5 .. 10**0
INT_LIMITS = {"log_interval": (1, 1000), "epochs": (1, 1000)}  # batch_size: 1 .. the number of training samples
UNTIL_STOP = ("", "∞", "inf")  # what the epochs box accepts for "train until Stop" (epochs=None)
LIVE = ("lr", "batch_size", "log_interval")  # applied at the next step
AT_BOUNDARY = ("optimizer", "amp", "epochs")  # applied at the next epoch boundary
CONTROLS = LIVE + AT_BOUNDARY
_drawing = threading.Lock()  # matplotlib is not thread-safe: one drawing at a time, whoever draws
_latest: list[weakref.ref] = []  # the kernel's newest controller: the only one allowed to train


class State(str, enum.Enum):
    """Where a playground is: exactly one of these at any time (lesson 10)."""

    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"
    ERROR = "error"


class Message(NamedTuple):
    """The line under the status: a neutral confirmation ('info') or a refusal or warning ('warning')."""

    text: str
    kind: str = "info"


@dataclass
class PlaygroundHistory:
    """Everything a playground recorded since it was made (or Reset): per step, per epoch, every change (lesson 10)."""

    loss: list[float] = field(default_factory=list)  # one entry per step (batch)
    lr: list[float] = field(default_factory=list)  # the learning rate that step used
    batch_size: list[int] = field(default_factory=list)  # the size of that step's batch
    logged: list[int] = field(default_factory=list)  # the steps that wrote a log line
    events: list[dict[str, Any]] = field(default_factory=list)  # {"step", "epoch", "run", "control", "value"}
    epochs: History = field(default_factory=History)  # per-epoch numbers, as `fit` returns them
    epoch_end_steps: list[int] = field(default_factory=list)  # the step count at the end of each epoch
    epoch_runs: list[int] = field(default_factory=list)  # which run (1, 2, ...) each epoch belongs to
    run_starts: list[int] = field(default_factory=list)  # the step at which each run began
    log: list[str] = field(default_factory=list)  # every log line, also the ones a view no longer shows

    @property
    def steps(self) -> int:
        return len(self.loss)

    def changes(self, control: str) -> list[dict[str, Any]]:
        """The change events of one control, in order."""
        return [event for event in self.events if event["control"] == control]


def _quiet(_line: str) -> None:
    """The epoch driver's own epoch line is not printed: the controller logs one that names the run."""


class Controller:
    """The playground without widgets: settings, pending changes, one State, the per-step hook (lesson 10).

    Every request (`set`, `start`, `pause`, `resume`, `stop`, `reset`) answers True or False and leaves
    a `message` (neutral when it worked, a warning when refused); none raises. `listen(callback)`:
    `callback(what)` is called with "step", "state", "settings", "message", "log" or "closed", from the
    training thread too. `background=True` trains in a thread; False trains in the caller's thread,
    calling `poller`'s poll function between steps (Colab, where thread updates do not show).
    """

    def __init__(
        self,
        model: nn.Module | None = None,
        train_loader=None,
        val_loader=None,
        *,
        lr: float = 1e-3,
        batch_size: int = 64,
        log_interval: int = 5,
        optimizer: str = "Adam",
        epochs: int | None = None,
        amp: bool = False,
        criterion: nn.Module | None = None,
        device: torch.device | str | None = None,
        lang: str | None = None,
        background: bool = True,
        poller: Callable[[], AbstractContextManager] | None = None,
        seed: int = 0,
        step_delay: float = 0.0,
    ):
        from . import data, models
        from . import device as devices

        self.lang = check_language(lang or get_language())
        self.device = devices.get_device(device, lang=self.lang)
        self.seed = seed
        loaders = (None, None)
        if model is None or train_loader is None or val_loader is None:
            devices.seed_everything(seed)  # the same seed: the same first weights and batches, also after Reset
            loaders = data.get_loaders(batch_size=batch_size, seed=seed, lang=self.lang)
        self.model = (model if model is not None else models.DigitClassifier()).to(self.device)
        self.train_loader = train_loader if train_loader is not None else loaders[0]
        self.val_loader = val_loader if val_loader is not None else loaders[1]
        self.n_train = len(self.train_loader.dataset)
        self.criterion = criterion or nn.CrossEntropyLoss()
        self.background, self.poller = background, poller
        self.step_delay = step_delay  # tests only: a slower loop to click in; the lesson never uses it
        self.settings: dict[str, Any] = {}
        for name, value in dict(lr=lr, batch_size=batch_size, log_interval=log_interval, optimizer=optimizer,
                                epochs=epochs, amp=amp).items():
            ok, parsed = self.parse(name, value)
            if not ok:
                raise ValueError(parsed)
            self.settings[name] = parsed
        # What Reset goes back to: the first weights and the random state the first run would start from.
        self._fresh = {"model": copy.deepcopy(self.model.state_dict()), "rng": torch.get_rng_state(),
                       "loader": self._loader_rng()}
        self.history = PlaygroundHistory()
        self.run: Run | None = None  # the epoch driver, made at the first Start (and again after Reset)
        self.state = State.IDLE
        self.message = Message("")
        self.error: BaseException | None = None  # what stopped the last run, in State.ERROR
        self.closed = False  # True once a newer playground replaced this one (or after close())
        self.runs = 0  # runs since the playground was made (or Reset): the "run 2" in the status
        self.run_epochs: int | None = None  # how many epochs this run trains (None: until Stop)
        self.epoch_in_run = 0  # the epoch of this run that is training now (1, 2, ...)
        self._listeners: list[Callable[[str], None]] = []
        self._pending: dict[str, Any] = {}
        self._lock = threading.RLock()
        self._resume = threading.Event()
        self._resume.set()
        self._stop_requested = False
        self._reset_requested = False
        self._thread: threading.Thread | None = None
        self._schedule: dict[int, dict[str, Any]] = {}
        self._last_used: dict[str, Any] | None = None  # the settings the last run ended with
        self._optimizer_name = self.settings["optimizer"]
        self._epoch_seen = 0  # samples of this epoch trained so far
        self._run_samples = 0  # samples of this run trained so far
        self._times: deque[float] = deque(maxlen=50)  # when the last steps ended: the steps per second
        self._poll: Callable[[bool], None] | None = None
        self._last_poll = 0.0
        self._replace_previous()

    # ---- one training playground per kernel -------------------------------------------------------
    def _replace_previous(self) -> None:
        """A new playground (the cell run again) stops the one before it and closes it: one run per kernel."""
        previous = _latest[0]() if _latest else None
        _latest[:] = [weakref.ref(self)]
        if previous is not None and previous is not self:
            previous.close(replaced=True)

    def close(self, *, replaced: bool = False) -> None:
        """Stop a run (waiting for its last step) and refuse every request from now on."""
        if self.closed:
            return
        if self.running:
            self.stop()
            self.wait(60)
        self.closed = True
        self._say("pg.msg.replaced" if replaced else "pg.msg.closed", kind="warning")
        self._notify("closed")

    # ---- listeners and messages --------------------------------------------------------------------
    def listen(self, callback: Callable[[str], None]) -> None:
        """Call `callback(what)` after every change; a view redraws from the controller's state."""
        self._listeners.append(callback)

    def _notify(self, what: str) -> None:
        for callback in list(self._listeners):
            callback(what)

    def _say(self, key: str, kind: str = "info", **values: Any) -> None:
        self.message = Message(t(key, self.lang, **values), kind)
        self._notify("message")

    def _refuse(self, text: str) -> bool:
        self.message = Message(text, "warning")
        self._notify("message")
        return False

    def _set_state(self, state: State, key: str | None = None, kind: str = "info", **values: Any) -> None:
        """The one way the state changes; the old message goes with it (or the new one replaces it)."""
        self.state = state
        self.message = Message(t(key, self.lang, **values), kind) if key else Message("")
        self._notify("state")

    @property
    def running(self) -> bool:
        return self.state in (State.RUNNING, State.PAUSED)

    @property
    def paused(self) -> bool:
        return self.state is State.PAUSED

    # ---- reading and checking values ----------------------------------------------------------------
    def name(self, control: str) -> str:
        return t(f"pg.{control}", self.lang)

    def parse(self, name: str, value: Any) -> tuple[bool, Any]:
        """(True, the value to use) or (False, a message in the playground's language)."""
        lang = self.lang
        if name == "lr":
            try:
                if isinstance(value, bool):
                    raise TypeError
                number = float(value)
            except (TypeError, ValueError):
                return False, t("pg.msg.not_number", lang, name=self.name(name), value=value)
            if not (math.isfinite(number) and LR_MIN <= number <= LR_MAX):
                return False, t("pg.msg.out_of_range", lang, name=self.name(name), value=value,
                                low=LR_MIN, high=LR_MAX)
            return True, number
        if name == "epochs" and (value is None or (isinstance(value, str) and value.strip().lower() in UNTIL_STOP)):
            return True, None
        if name in ("batch_size", "log_interval", "epochs"):
            low, high = (1, self.n_train) if name == "batch_size" else INT_LIMITS[name]
            text = value.strip() if isinstance(value, str) else value
            signed_digits = isinstance(text, str) and text.lstrip("+-").isdigit() and text.count("-") + text.count("+") <= 1
            if not (is_whole(text) or signed_digits):  # -4 is whole, only too small
                return False, t("pg.msg.not_whole", lang, name=self.name(name), value=value)
            number = int(text)
            if not low <= number <= high:
                return False, t("pg.msg.out_of_range", lang, name=self.name(name), value=value, low=low, high=high)
            return True, number
        if name == "optimizer":
            if value not in OPTIMIZERS:
                return False, t("pg.msg.bad_optimizer", lang, value=value, options=", ".join(OPTIMIZERS))
            return True, value
        if name == "amp":
            if not isinstance(value, bool):
                return False, t("pg.msg.not_bool", lang, value=value)
            if value and self.device.type != "cuda":
                return False, t("pg.msg.amp_unavailable", lang, device=self.device.type)
            return True, value
        return False, t("pg.msg.unknown_control", lang, name=name, names=", ".join(CONTROLS))

    def current(self, name: str) -> Any:
        """The value a control should show: a change waiting for the loop, else the setting."""
        with self._lock:
            return self._pending.get(name, self.settings[name])

    def set(self, **changes: Any) -> bool:
        """Change controls, from code or from a widget; False (with a message) if one was refused."""
        accepted = True
        for name, value in changes.items():
            if self.closed:
                return self._refuse(t("pg.msg.replaced", self.lang))
            ok, parsed = self.parse(name, value)
            if not ok:
                accepted = self._refuse(parsed)
                continue
            with self._lock:
                if self.running:
                    self._pending[name] = parsed
                    key = "pg.msg.next_step" if name in LIVE else "pg.msg.next_epoch"
                else:
                    self.settings[name] = parsed
                    key = "pg.msg.at_start"
            shown = t("pg.until_stop", self.lang) if parsed is None else parsed
            self._say(key, name=self.name(name), value=shown)
        self._notify("settings")
        return accepted

    # ---- Start / Pause / Resume / Stop / Reset -----------------------------------------------------
    def start(self, epochs: int | None = None, *, schedule: dict[int, dict[str, Any]] | None = None) -> bool:
        """Train (the epochs control's number, or `epochs` for this run only), continuing the same model.

        `schedule` scripts changes for notebooks nobody clicks in: {n: {control: value}} changes the
        controls, exactly as the mouse would, after the n-th step of this run.
        """
        if self.closed:
            return self._refuse(t("pg.msg.replaced", self.lang))
        with self._lock:
            if self.running:
                return self._refuse(t("pg.msg.already_running", self.lang))
            if epochs is not None:
                ok, parsed = self.parse("epochs", epochs)
                if not ok or parsed is None:
                    return self._refuse(parsed if not ok else t("pg.msg.not_whole", self.lang,
                                                                 name=self.name("epochs"), value=epochs))
            self.run_epochs = epochs if epochs is not None else self.settings["epochs"]
            self._schedule = {self.history.steps + int(step): dict(changes) for step, changes in (schedule or {}).items()}
            self._stop_requested = self._reset_requested = False
            self._resume.set()
            self.error = None
            self.runs += 1
            self._set_state(State.RUNNING)  # before the thread exists: a second click cannot start another
        if self.background:
            self._thread = threading.Thread(target=self._train, name="playground", daemon=True)
            self._thread.start()
        else:
            self._train()
        return True

    def pause(self) -> bool:
        """Hold the loop after the current step; the model and the optimizer wait as they are."""
        with self._lock:
            if self.state is State.PAUSED:
                return self._refuse(t("pg.msg.already_paused", self.lang))
            if self.state is not State.RUNNING:
                return self._refuse(t("pg.msg.not_running", self.lang))
            self._resume.clear()
            self._set_state(State.PAUSED, "pg.msg.paused", step=self.history.steps)
        return True

    def resume(self) -> bool:
        """Continue after Pause."""
        with self._lock:
            if self.state is not State.PAUSED:
                return self._refuse(t("pg.msg.not_paused", self.lang))
            self._set_state(State.RUNNING)
            self._resume.set()
        return True

    def stop(self) -> bool:
        """Stop after the current step; the model and the history are kept."""
        with self._lock:
            if not self.running:
                return self._refuse(t("pg.msg.not_running", self.lang))
            self._stop_requested = True
            self._resume.set()  # a paused loop must wake up to stop
            self._say("pg.msg.stopping")
        return True

    def reset(self) -> bool:
        """Start again from the first weights (the same seed) with a new optimizer; the history starts empty.

        During a run it stops the run first, after its current step. The controls keep their values.
        """
        if self.closed:
            return self._refuse(t("pg.msg.replaced", self.lang))
        with self._lock:
            if self.running:
                self._reset_requested = True
                self._stop_requested = True
                self._resume.set()
                self._say("pg.msg.resetting")
                return True
        self._do_reset()
        return True

    def _do_reset(self) -> None:
        self.model.load_state_dict(self._fresh["model"])
        torch.set_rng_state(self._fresh["rng"])
        generator = getattr(self.train_loader, "generator", None)
        if isinstance(generator, torch.Generator) and self._fresh["loader"] is not None:
            generator.set_state(self._fresh["loader"])
        self.run, self.history, self.runs, self._last_used = None, PlaygroundHistory(), 0, None
        self._reset_requested, self.error, self.epoch_in_run = False, None, 0
        self._set_state(State.IDLE, "pg.msg.reset", seed=self.seed)
        self._notify("step")  # an empty chart and log

    def _loader_rng(self) -> torch.Tensor | None:
        generator = getattr(self.train_loader, "generator", None)
        return generator.get_state() if isinstance(generator, torch.Generator) else None

    def wait(self, timeout: float | None = None, *, step: int | None = None) -> bool:
        """Block until the run ends (or has done `step` steps); True if that happened within `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.running and (step is None or self.history.steps < step):
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        thread = self._thread
        if step is None and thread is not None and thread is not threading.current_thread():
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))  # its last redraw
            return not thread.is_alive()
        return True

    # ---- what a view shows -----------------------------------------------------------------------------
    @property
    def rate(self) -> float:
        """Steps per second over the last steps of the run (0 when it is not running)."""
        times = self._times
        if not self.running or len(times) < 2 or times[-1] <= times[0]:
            return 0.0
        return (len(times) - 1) / (times[-1] - times[0])

    def status(self) -> str:
        """One line: the state, and which run and epoch the step count belongs to."""
        lang = self.lang
        state = t(f"pg.state.{self.state.value}", lang)
        if not self.runs:
            return t("pg.status.idle", lang, state=state)
        of = "∞" if self.run_epochs is None else self.run_epochs
        values = dict(state=state, run=self.runs, epoch=self.epoch_in_run, of=of, step=self.history.steps)
        if self.running:
            return t("pg.status.running", lang, rate=self.rate, **values)
        return t("pg.status.done", lang, **values)

    def progress(self) -> tuple[int, int]:
        """(done, total) samples: of this run, or of this epoch when the run goes on until Stop."""
        if self.run_epochs is None:
            return self._epoch_seen, self.n_train
        return min(self._run_samples, self.run_epochs * self.n_train), max(1, self.run_epochs * self.n_train)

    def log(self, line: str) -> None:
        self.history.log.append(line)
        self._notify("log")

    # ---- the run: the one epoch driver, with a hook ----------------------------------------------------
    def _train(self) -> None:
        history, lang = self.history, self.lang
        ends: tuple[State, str | None, dict[str, Any]] = (State.FINISHED, None, {})
        with self._poll_events():
            try:
                run = self._prepare_run()
                done = 0
                while self.run_epochs is None or done < self.run_epochs:
                    if done:
                        self._apply_boundary(run)
                        if self.run_epochs is not None and done >= self.run_epochs:
                            break
                    self._epoch_seen, self.epoch_in_run = 0, done + 1
                    row = run.epoch()
                    history.epoch_end_steps.append(history.steps)
                    history.epoch_runs.append(self.runs)
                    of = "∞" if self.run_epochs is None else self.run_epochs
                    numbers = {k: row[k] for k in ("train_loss", "train_acc", "val_loss", "val_acc")}
                    self.log(t("pg.log.epoch", lang, run=self.runs, epoch=done + 1, of=of, **numbers))
                    done += 1
                self.log(t("pg.log.finished", lang, steps=history.steps))
            except (StopTraining, KeyboardInterrupt):  # Stop, Reset, or Ctrl-C in poll mode
                ends = (State.STOPPED, None, {})
                self.log(t("pg.log.stopped", lang, step=history.steps))
            except NonFiniteLossError as error:
                ends = (State.STOPPED, "pg.log.nonfinite", dict(step=history.steps, loss=error.loss))
                self.log(t("pg.log.nonfinite", lang, step=history.steps, loss=error.loss))
            except Exception as error:  # shown in the view; the notebook, the model and the history survive
                ends = (State.ERROR, "pg.msg.error", dict(reason=first_line(error)))
                self.error = error
                self.log(t("pg.msg.error", lang, reason=first_line(error)))
            finally:
                with self._lock:
                    for name, value in self._pending.items():  # not applied: the setting for the next Start
                        self.settings[name] = value
                    self._pending.clear()
                    self._last_used = dict(self.settings)
                    state, key, values = ends
                    self._set_state(state, key, "warning", **values)  # a warning, or no message at all
                    self._notify("settings")
                if self._reset_requested:
                    self._do_reset()

    def _prepare_run(self) -> Run:
        """At Start: the controls' values go into the run; a change made since the last run is marked."""
        with self._lock:
            self.settings.update(self._pending)
            self._pending.clear()
        s, history = self.settings, self.history
        if self.run is None:
            self.run = Run(self.model, self.train_loader, self.val_loader, optimizer=self._make_optimizer(s["optimizer"]),
                           criterion=self.criterion, device=self.device, log_interval=None, say=_quiet,
                           on_batch=self._on_batch, lang=self.lang)
            self.run.history = history.epochs  # one History: the run appends, the chart reads
            self._optimizer_name = s["optimizer"]
        elif self._optimizer_name != s["optimizer"]:
            self.run.optimizer, self._optimizer_name = self._make_optimizer(s["optimizer"]), s["optimizer"]
        for group in self.run.optimizer.param_groups:
            group["lr"] = s["lr"]
        self.train_loader.batch_size = s["batch_size"]
        if (self.run.precision.dtype is not None) != s["amp"]:
            self.run.set_precision(mixed_precision(self.device, s["amp"]))
        history.run_starts.append(history.steps)
        self.epoch_in_run, self._epoch_seen, self._run_samples = 1, 0, 0
        self._times.clear()
        if self._last_used is not None:  # changed between two runs: marked where the new run begins
            for name in CONTROLS:
                if s[name] != self._last_used[name]:
                    self._event(name, s[name])
        return self.run

    @property
    def optimizer(self) -> optim.Optimizer | None:
        """The optimizer training uses now (a new one after a change of the optimizer control)."""
        return self.run.optimizer if self.run is not None else None

    def _make_optimizer(self, name: str) -> optim.Optimizer:
        params, lr = self.model.parameters(), self.settings["lr"]
        if name == "SGD":
            return optim.SGD(params, lr=lr)
        if name == "SGD+momentum":
            return optim.SGD(params, lr=lr, momentum=0.9)
        if name == "Adam":
            return optim.Adam(params, lr=lr)
        return optim.AdamW(params, lr=lr)

    def _take(self, names: tuple[str, ...]) -> dict[str, Any]:
        with self._lock:
            taken = {name: self._pending.pop(name) for name in names if name in self._pending}
            taken = {name: value for name, value in taken.items() if value != self.settings[name]}
            self.settings.update(taken)
        return taken

    def _event(self, control: str, value: Any) -> None:
        epoch = self.run.next_epoch if self.run is not None else 1
        self.history.events.append({"step": self.history.steps, "epoch": epoch, "run": self.runs,
                                    "control": control, "value": value})

    def _apply_boundary(self, run: Run) -> None:
        """Between two epochs, a clean boundary: a new optimizer, AMP on/off, the number of epochs."""
        for name, value in self._take(AT_BOUNDARY).items():
            self._event(name, value)
            if name == "optimizer":
                old = self._optimizer_name
                run.optimizer, self._optimizer_name = self._make_optimizer(value), value
                self.log(t("pg.log.optimizer", self.lang, old=old, new=value, epoch=run.next_epoch,
                           step=self.history.steps))
            elif name == "amp":
                run.set_precision(mixed_precision(self.device, value))
                self.log(t("pg.log.amp", self.lang, value=value, epoch=run.next_epoch))
            else:
                self.run_epochs = value
                self.log(t("pg.log.epochs", self.lang, value="∞" if value is None else value))

    def _on_batch(self, batch_idx: int, loss: torch.Tensor) -> None:
        """After every batch: record, log, apply the live changes, tell the view, pause, stop."""
        value = loss.item()  # the chart needs every step's loss (on a GPU this waits for it: fine for a playground)
        if not math.isfinite(value):
            raise NonFiniteLossError(batch_idx, value)
        history, loader = self.history, self.train_loader
        size = min(loader.batch_size, self.n_train - self._epoch_seen)  # the batch just trained
        self._epoch_seen += size
        self._run_samples += size
        history.loss.append(value)
        history.lr.append(self.optimizer.param_groups[0]["lr"])
        history.batch_size.append(size)
        self._times.append(time.perf_counter())
        if batch_idx % self.settings["log_interval"] == 0:
            left = self.n_train - self._epoch_seen
            total = batch_idx + 1 + math.ceil(left / loader.batch_size)  # the epoch's length, as it now stands
            history.logged.append(history.steps - 1)
            self.log(t("loop.batch", self.lang, batch=batch_idx, total=total, loss=value))
        for step in [s for s in self._schedule if s <= history.steps]:
            self.set(**self._schedule.pop(step))  # scripted changes go through the same requests
        for name, new in self._take(LIVE).items():  # these take effect at the very next step
            self._event(name, new)
            if name == "lr":
                for group in self.optimizer.param_groups:
                    group["lr"] = new
            elif name == "batch_size":
                loader.batch_size = new  # TensorLoader reads it when it cuts the next batch
        self._notify("step")
        if self.step_delay:
            time.sleep(self.step_delay)
        while not self._resume.wait(0.05):  # paused: the weights and the optimizer wait here
            self._poll_ui(force=True)
        self._poll_ui()
        if self._stop_requested:
            raise StopTraining  # train_one_epoch stops; _train keeps the model and the history

    # ---- poll mode: let the kernel read widget messages between steps ---------------------------------
    def _poll_events(self) -> AbstractContextManager:
        """The poll adapter's context (it hands back a poll function), or nothing in thread mode."""
        return _Polling(self)

    def _poll_ui(self, force: bool = False) -> None:
        if self._poll is None:
            return
        now = time.monotonic()
        if force or now - self._last_poll > 0.05:
            self._last_poll = now
            self._poll(force)


class _Polling(AbstractContextManager):
    """Opens the controller's poller (Colab's poll mode) for one run; a poller that cannot start says so."""

    def __init__(self, controller: Controller):
        self.controller, self.context = controller, None

    def __enter__(self):
        c = self.controller
        c._poll = None
        if c.background or c.poller is None:
            return self
        try:
            self.context = c.poller()
            c._poll = self.context.__enter__()
        except Exception:  # no kernel, no jupyter_ui_poll, or ipykernel 7+: the controls are read at Start only
            self.context, c._poll = None, None
            c.log(t("pg.msg.no_poll", c.lang))
        return self

    def __exit__(self, *exc) -> None:
        if self.context is not None:
            self.context.__exit__(None, None, None)
        self.controller._poll = None


# ---- the chart: drawn off-screen, the same in the live view and in `plot()` ----------------------------
CHART_SIZE = (9.0, 3.0)  # inches; the view shows it 900 CSS px wide, so 1 pt of text is 1.39 px on screen
CHART_DPI = 150  # PNG pixels per inch: 1.5 pixels per CSS px, sharp on a projector at 150 %
FONT_PT = 10.5  # chart text: about 15 px on screen at 900 px wide, over 10 px down to 650 px wide


def _mark(control: str, value: Any) -> str:
    """The label of a change on the chart: code names, the same in both languages."""
    if control == "lr":
        return f"lr={value:.0e}"
    if control == "epochs" and value is None:
        return "epochs=∞"
    return f"{control}={value}"


def _groups(events: list[dict[str, Any]], width: int) -> list[tuple[int, str]]:
    """Changes close together on the x axis share one line and one label, so no two labels overlap.

    Within a group each control shows its last value (a slider dragged through ten values shows one).
    """
    gap = max(1, width * 0.035)  # 3.5 % of the axis: wider than one line of rotated text
    groups: list[tuple[int, dict[str, Any]]] = []
    for event in events:
        if not groups or event["step"] - groups[-1][0] >= gap:
            groups.append((event["step"], {}))
        groups[-1][1][event["control"]] = event["value"]
    shown = []
    for step, values in groups:
        labels = [_mark(control, value) for control, value in values.items()]
        shown.append((step, ", ".join(labels[:2]) + (f" +{len(labels) - 2}" if len(labels) > 2 else "")))
    return shown


def draw_chart(fig, history: PlaygroundHistory, *, lang: str) -> None:
    """Loss per step, accuracy per epoch, a labelled line at every change, legend above the data (lesson 10)."""
    from matplotlib.lines import Line2D

    fig.clear()
    ax = fig.add_subplot(1, 1, 1)
    loss = history.loss
    ax.plot(range(len(loss)), loss, lw=1.0, color="tab:blue", label=t("pg.chart.loss", lang))
    ax.set_xlabel(t("plot.step", lang), fontsize=FONT_PT)
    ax.set_ylabel(t("plot.loss", lang), fontsize=FONT_PT)
    finite = [v for v in loss if math.isfinite(v) and v > 0]
    if not finite:
        ax.set_ylim(0, 2.5)  # before the first step: the range a 10-class loss starts in (ln 10 = 2.3)
    elif max(finite) / min(finite) > 100:
        ax.set_yscale("log")  # a blown-up loss would flatten everything else
    acc_ax = ax.twinx()
    ends = history.epoch_end_steps
    if ends:
        acc_ax.plot(ends, history.epochs["train_acc"], "o-", color="tab:green", ms=4, label=t("pg.chart.train_acc", lang))
        acc_ax.plot(ends, history.epochs["val_acc"], "s-", color="tab:orange", ms=4, label=t("pg.chart.val_acc", lang))
    acc_ax.set_ylim(0, 1.02)
    acc_ax.set_ylabel(t("plot.accuracy", lang), fontsize=FONT_PT)
    width = max(10, len(loss))
    for start in history.run_starts[1:]:  # where a new Start began
        ax.axvline(start, color="0.55", ls=":", lw=1.0)
    for step, text in _groups(history.events, width):
        ax.axvline(step, color="tab:red", ls="--", lw=1.0, alpha=0.85)
        ax.text(step, 0.97, text + " ", transform=ax.get_xaxis_transform(), rotation=90, va="top", ha="right",
                fontsize=FONT_PT - 0.5, color="tab:red", clip_on=True)
    ax.set_xlim(0, width)
    for axis in (ax, acc_ax):
        axis.tick_params(labelsize=FONT_PT - 0.5)
    ax.grid(alpha=0.3)
    handles = ax.get_legend_handles_labels()[0] + acc_ax.get_legend_handles_labels()[0]
    handles.append(Line2D([], [], color="tab:red", ls="--", lw=1.0, label=t("pg.chart.changes", lang)))
    if len(history.run_starts) > 1:
        handles.append(Line2D([], [], color="0.55", ls=":", lw=1.0, label=t("pg.chart.new_run", lang)))
    # Above the axes, never on the data: one row of entries where the title would be.
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=len(handles), fontsize=FONT_PT - 0.5,
              frameon=False, borderaxespad=0.2, handlelength=1.6, columnspacing=1.2)
    fig.subplots_adjust(left=0.075, right=0.925, bottom=0.17, top=0.86)  # fixed margins: cheaper than tight_layout


def chart_png(history: PlaygroundHistory, *, lang: str, dpi: int = CHART_DPI) -> bytes:
    """The chart as PNG bytes, drawn with Agg, off-screen, under a lock (matplotlib is not thread-safe)."""
    from matplotlib.figure import Figure

    from .plots import plot_language

    with _drawing, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a warning from the training thread would land in whichever cell runs
        fig = Figure(figsize=CHART_SIZE)
        draw_chart(fig, history, lang=plot_language(lang))
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def plot(history: PlaygroundHistory, *, lang: str):
    """The same chart as a pyplot figure, for a static picture in the notebook (lesson 10)."""
    import matplotlib.pyplot as plt

    from .plots import plot_language

    lang = plot_language(lang)  # before the figure: its labels take the font settings
    fig = plt.figure(figsize=CHART_SIZE, dpi=110)
    with _drawing:
        draw_chart(fig, history, lang=lang)
    return fig


def __getattr__(name: str):
    """`Playground` (the widget) lives in helpers.playground_view, so that this module needs no ipywidgets."""
    if name == "Playground":
        from .playground_view import Playground

        return Playground
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def default_mode() -> str:
    """'poll' in Google Colab (thread updates do not show there), else 'thread' (lesson 10)."""
    import sys

    return "poll" if "google.colab" in sys.modules else "thread"


# The playground's own texts: control labels, states, messages, log lines and chart labels (controller and view).
MESSAGES: dict[str, dict[str, str]] = {
    # labels of the controls
    "pg.title": {"en": "Training playground: change a control while the loop runs",
                  "bn": "ট্রেনিং প্লেগ্রাউন্ড: লুপ চলার সময়েই কন্ট্রোল বদলাও"},
    "pg.lr": {"en": "learning rate", "bn": "লার্নিং রেট"},
    "pg.batch_size": {"en": "batch size", "bn": "ব্যাচ সাইজ"},
    "pg.log_interval": {"en": "log interval", "bn": "লগ ইন্টারভাল"},
    "pg.epochs": {"en": "epochs", "bn": "ইপক"},
    "pg.epochs_hint": {"en": "∞ = until Stop", "bn": "∞ = «থামাও» চাপা পর্যন্ত"},
    "pg.until_stop": {"en": "∞ (until you press Stop)", "bn": "∞ («থামাও» না চাপা পর্যন্ত)"},
    "pg.optimizer": {"en": "optimizer", "bn": "অপটিমাইজার"},
    "pg.amp": {"en": "mixed precision (AMP)", "bn": "মিক্সড প্রিসিশন (AMP)"},
    "pg.amp_cuda_only": {"en": "AMP: CUDA only", "bn": "AMP: শুধু CUDA-তে"},
    "pg.start": {"en": "Start", "bn": "শুরু"},
    "pg.pause": {"en": "Pause", "bn": "বিরতি"},
    "pg.resume": {"en": "Resume", "bn": "আবার শুরু"},
    "pg.stop": {"en": "Stop", "bn": "থামাও"},
    "pg.reset": {"en": "Reset", "bn": "রিসেট"},
    "pg.reset_tip": {"en": "Back to the first weights (the same seed); the history starts empty",
                      "bn": "প্রথম ওজনে ফিরে যাও (একই সিড); হিস্ট্রি আবার খালি থেকে শুরু হবে"},
    "pg.progress": {"en": "progress", "bn": "অগ্রগতি"},
    # the status line
    "pg.status.idle": {"en": "{state}", "bn": "{state}"},
    "pg.status.running": {"en": "{state} · run {run} · epoch {epoch}/{of} · step {step} · {rate:.0f} steps/s",
                           "bn": "{state} · রান {run} · ইপক {epoch}/{of} · স্টেপ {step} · প্রতি সেকেন্ডে {rate:.0f} স্টেপ"},
    "pg.status.done": {"en": "{state} · run {run} · epoch {epoch}/{of} · step {step}",
                        "bn": "{state} · রান {run} · ইপক {epoch}/{of} · স্টেপ {step}"},
    "pg.state.idle": {"en": "ready: press Start", "bn": "প্রস্তুত: শুরু চাপো"},
    "pg.state.running": {"en": "training", "bn": "ট্রেনিং চলছে"},
    "pg.state.paused": {"en": "paused", "bn": "বিরতিতে"},
    "pg.state.finished": {"en": "finished", "bn": "শেষ হয়েছে"},
    "pg.state.stopped": {"en": "stopped", "bn": "থামানো হয়েছে"},
    "pg.state.error": {"en": "stopped by an error", "bn": "একটি ত্রুটির কারণে থেমে গেছে"},
    "pg.mode.thread": {"en": "background thread", "bn": "ব্যাকগ্রাউন্ড থ্রেড"},
    "pg.mode.poll": {"en": "main thread, polling the widgets", "bn": "মূল থ্রেড, উইজেটগুলো পোল করে"},
    # answers to the learner's requests
    "pg.msg.next_step": {"en": "{name} = {value}: used from the next step.",
                          "bn": "{name} = {value}: পরের স্টেপ থেকে কাজ করবে।"},
    "pg.msg.next_epoch": {"en": "{name} = {value}: takes effect at the next epoch boundary.",
                           "bn": "{name} = {value}: পরের ইপকের শুরুতে কাজ করবে।"},
    "pg.msg.at_start": {"en": "{name} = {value}: used when you press Start.",
                         "bn": "{name} = {value}: «শুরু» চাপলে কাজ করবে।"},
    "pg.msg.already_running": {"en": "Already training: there is only one training run at a time. "
                                      "Pause or Stop it first.",
                                "bn": "ট্রেনিং তো চলছেই: একসঙ্গে একটাই রান চলতে পারে। আগে বিরতি দাও বা থামাও।"},
    "pg.msg.not_running": {"en": "Nothing is training yet: press Start first.",
                            "bn": "এখনো কিছু ট্রেন হচ্ছে না: আগে «শুরু» চাপো।"},
    "pg.msg.already_paused": {"en": "Already paused: press Resume to continue.",
                               "bn": "বিরতি তো চলছেই: চালিয়ে যেতে «আবার শুরু» চাপো।"},
    "pg.msg.not_paused": {"en": "Not paused, so there is nothing to resume.",
                           "bn": "বিরতি দেওয়া হয়নি, তাই আবার শুরু করার কিছু নেই।"},
    "pg.msg.paused": {"en": "Paused after step {step}. The weights and the optimizer wait as they are.",
                       "bn": "স্টেপ {step}-এর পরে বিরতি। ওজন আর অপটিমাইজার যেমন ছিল তেমনই অপেক্ষা করছে।"},
    "pg.msg.stopping": {"en": "Stopping after the current step...", "bn": "এই স্টেপ শেষ হলেই থামছে..."},
    "pg.msg.resetting": {"en": "Stopping after the current step, then back to the first weights...",
                          "bn": "এই স্টেপ শেষ হলেই থামছে, তারপর প্রথম ওজনে ফেরা হবে..."},
    "pg.msg.reset": {"en": "Back to the first weights (seed {seed}) with a new optimizer; the history starts empty. "
                            "Press Start.",
                      "bn": "নতুন অপটিমাইজার নিয়ে প্রথম ওজনে ফেরা হলো (সিড {seed}); হিস্ট্রি আবার খালি। «শুরু» চাপো।"},
    "pg.msg.replaced": {"en": "A newer playground replaced this one (its cell ran again), so this one is stopped. "
                               "Use the new one.",
                         "bn": "এর জায়গায় একটি নতুন প্লেগ্রাউন্ড তৈরি হয়েছে (সেলটি আবার চালানো হয়েছে), তাই এটি বন্ধ। "
                               "নতুনটি ব্যবহার করো।"},
    "pg.msg.closed": {"en": "This playground is closed: make a new one to train again.",
                       "bn": "এই প্লেগ্রাউন্ডটি বন্ধ: আবার ট্রেন করতে একটি নতুন তৈরি করো।"},
    "pg.msg.not_number": {"en": "{name} must be a number, got {value!r}: not changed.",
                           "bn": "{name} হিসেবে একটি সংখ্যা চাই, পাওয়া গেল {value!r}: বদলানো হয়নি।"},
    "pg.msg.not_whole": {"en": "{name} must be a whole number, got {value!r}: not changed.",
                          "bn": "{name} হিসেবে একটি পূর্ণসংখ্যা চাই, পাওয়া গেল {value!r}: বদলানো হয়নি।"},
    "pg.msg.out_of_range": {"en": "{name} must be between {low:g} and {high:g}, got {value!r}: not changed.",
                             "bn": "{name}-এর মান {low:g} থেকে {high:g}-এর মধ্যে হতে হবে, পাওয়া গেল {value!r}: বদলানো হয়নি।"},
    "pg.msg.bad_optimizer": {"en": "Unknown optimizer {value!r}: choose one of {options}.",
                              "bn": "অজানা অপটিমাইজার {value!r}; এগুলোর যেকোনো একটি বেছে নাও: {options}।"},
    "pg.msg.not_bool": {"en": "AMP is on or off (True or False), got {value!r}.",
                         "bn": "AMP হয় চালু নয়তো বন্ধ (True অথবা False), পাওয়া গেল {value!r}।"},
    "pg.msg.amp_unavailable": {"en": "Mixed precision helps on CUDA GPUs only; here the device is {device}, "
                                      "so it stays off.",
                                "bn": "মিক্সড প্রিসিশন শুধু CUDA GPU-তে কাজে আসে; এখানে ডিভাইস {device}, তাই এটা বন্ধই থাকছে।"},
    "pg.msg.unknown_control": {"en": "There is no control {name!r}; the controls are: {names}.",
                                "bn": "{name!r} নামে কোনো কন্ট্রোল নেই; কন্ট্রোলগুলো হলো: {names}।"},
    "pg.msg.bad_mode": {"en": "mode must be 'auto', 'thread' or 'poll', got {value!r}.",
                         "bn": "mode হতে হবে 'auto', 'thread' অথবা 'poll'; পাওয়া গেল {value!r}।"},
    "pg.msg.error": {"en": "Training stopped by an error: {reason}. The model and the history are kept.",
                      "bn": "একটি ত্রুটির কারণে ট্রেনিং থেমে গেছে: {reason}। মডেল আর হিস্ট্রি রাখা আছে।"},
    "pg.msg.no_poll": {"en": "Poll mode needs a Jupyter kernel with ipykernel 6 (as on Colab) and the jupyter-ui-poll "
                              "package; here the controls are read only at Start. Use mode='thread'.",
                        "bn": "পোল মোডের জন্য দরকার ipykernel 6-এর একটি Jupyter কার্নেল (যেমন Colab-এ) আর jupyter-ui-poll "
                              "প্যাকেজ; এখানে কন্ট্রোলগুলো শুধু «শুরু» চাপার সময় পড়া হবে। mode='thread' ব্যবহার করো।"},
    # lines in the log
    "pg.log.epoch": {"en": "Run {run}, epoch {epoch}/{of} | train loss {train_loss:.4f}, acc {train_acc:.1%} | "
                            "val loss {val_loss:.4f}, acc {val_acc:.1%}",
                      "bn": "রান {run}, ইপক {epoch}/{of} | ট্রেন লস {train_loss:.4f}, সঠিকতা {train_acc:.1%} | "
                            "ভ্যালিডেশন লস {val_loss:.4f}, সঠিকতা {val_acc:.1%}"},
    "pg.log.optimizer": {"en": "Epoch {epoch}: optimizer {old} -> {new} at a clean boundary (step {step}); "
                                "its state (momentum, Adam's averages) starts fresh.",
                          "bn": "ইপক {epoch}: অপটিমাইজার {old} -> {new}, দুই ইপকের ঠিক মাঝখানে (স্টেপ {step}); "
                                "অপটিমাইজারের অবস্থা (মোমেন্টাম, Adam-এর গড়) নতুন করে শুরু হলো।"},
    "pg.log.amp": {"en": "Epoch {epoch}: mixed precision {value}.", "bn": "ইপক {epoch}: মিক্সড প্রিসিশন {value}।"},
    "pg.log.epochs": {"en": "This run now trains {value} epochs.", "bn": "এই রানে ইপকের সংখ্যা এখন {value}।"},
    "pg.log.finished": {"en": "Finished after step {steps}. pg.model and pg.history are ready for the next cell.",
                         "bn": "স্টেপ {steps}-এর পরে শেষ হলো। pg.model আর pg.history পরের সেলের জন্য তৈরি।"},
    "pg.log.stopped": {"en": "Stopped after step {step}. The model and the history are kept (pg.model, pg.history).",
                        "bn": "স্টেপ {step}-এর পরে থামানো হলো। মডেল আর হিস্ট্রি রাখা আছে (pg.model, pg.history)।"},
    "pg.log.nonfinite": {"en": "Stopped: the loss became {loss} at step {step}. The learning rate is too high; "
                                "lower it and press Start (the history is kept), or press Reset.",
                          "bn": "থামানো হলো: স্টেপ {step}-এ লস {loss} হয়ে গেছে। লার্নিং রেট খুব বেশি; সেটা কমিয়ে "
                                "«শুরু» চাপো (হিস্ট্রি রাখা আছে), অথবা «রিসেট» চাপো।"},
    # the chart
    "pg.chart.loss": {"en": "loss per step", "bn": "প্রতি স্টেপে লস"},
    "pg.chart.train_acc": {"en": "train accuracy", "bn": "ট্রেন সঠিকতা"},
    "pg.chart.val_acc": {"en": "validation accuracy", "bn": "ভ্যালিডেশন সঠিকতা"},
    "pg.chart.changes": {"en": "your changes", "bn": "তোমার পরিবর্তন"},
    "pg.chart.new_run": {"en": "a new Start", "bn": "নতুন করে শুরু"},
}

register(MESSAGES)

__all__ = ["Controller", "Message", "PlaygroundHistory", "State", "chart_png", "default_mode", "draw_chart", "plot"]
