"""The playground (lesson 10): the course's one loop, driven live from widgets.

There is no training logic here: every epoch is `train_one_epoch` then `validate` (lessons 02-03).
The loop's `on_batch` hook records the loss of each step, applies the controls' pending changes
(learning rate into `optimizer.param_groups`, batch size into the TensorLoader, the log interval
into the hook's own seed-style log line), waits while paused, and raises KeyboardInterrupt to stop.
A new optimizer (or AMP setting, or number of epochs) takes effect at the next epoch boundary.

Two ways to run, picked by `mode='auto'`:
- 'thread' (JupyterLab, classic Notebook, VS Code): training runs in a background thread, so the
  kernel stays free to receive the widgets' messages; the thread sends widget updates only (the
  chart is a PNG in an Image widget, the log an Output widget's state), never prints.
- 'poll' (Google Colab, where widget updates sent from a thread never show, colabtools issue 3373):
  training runs in the main thread and, between steps, lets the kernel handle the waiting widget
  messages (jupyter_ui_poll), so the sliders still reach the loop.
"""

from __future__ import annotations

import contextlib
import html
import io
import math
import sys
import threading
import time
import warnings
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn, optim

from .engine import History
from .i18n import check_language, first_line, get_language, t
from .loop import NonFiniteLossError, train_one_epoch, validate

OPTIMIZERS = ("SGD", "SGD+momentum", "Adam", "AdamW")
LR_MIN, LR_MAX = 1e-5, 1.0  # the slider's range: 10**-5 .. 10**0
INT_LIMITS = {"log_interval": (1, 1000), "epochs": (1, 100)}  # batch_size: 1 .. the number of training samples
LIVE = ("lr", "batch_size", "log_interval")  # applied at the next step
AT_BOUNDARY = ("optimizer", "amp", "epochs")  # applied at the next epoch boundary
NEVER_LOG = 10**9  # train_one_epoch's own log_interval: the hook logs instead, with the live interval
_drawing = threading.Lock()  # matplotlib is not thread-safe: one drawing at a time, whoever draws


@dataclass
class PlaygroundHistory:
    """Everything a playground run recorded, kept after Stop: per step, per epoch, and every change (lesson 10)."""

    loss: list[float] = field(default_factory=list)  # one entry per step (batch)
    lr: list[float] = field(default_factory=list)  # the learning rate that step used
    batch_size: list[int] = field(default_factory=list)  # the size of that step's batch
    logged: list[int] = field(default_factory=list)  # the steps that wrote a log line
    events: list[dict[str, Any]] = field(default_factory=list)  # {"step", "epoch", "control", "value"}
    epochs: History = field(default_factory=History)  # per-epoch numbers, as `fit` returns them
    epoch_end_steps: list[int] = field(default_factory=list)  # the step count at the end of each epoch
    log: list[str] = field(default_factory=list)  # every log line, also the ones the widget no longer shows

    @property
    def steps(self) -> int:
        return len(self.loss)

    def changes(self, control: str) -> list[dict[str, Any]]:
        """The change events of one control, in order."""
        return [event for event in self.events if event["control"] == control]


def default_mode() -> str:
    """'poll' in Google Colab (thread updates do not show there), else 'thread' (lesson 10)."""
    return "poll" if "google.colab" in sys.modules else "thread"


def _mark(control: str, value: Any) -> str:
    """The label of a change on the chart: code names, the same in both languages."""
    if control == "lr":
        return f"lr={value:.0e}"
    return f"{control}={value}"


def draw_chart(fig, history: PlaygroundHistory, *, lang: str) -> None:
    """Loss per step, accuracy per epoch, and a labelled vertical line at every change, into `fig` (lesson 10)."""
    fig.clear()
    ax = fig.add_subplot(1, 1, 1)
    loss = history.loss
    ax.plot(range(len(loss)), loss, lw=0.9, color="tab:blue", label=t("l10.chart.loss", lang))
    ax.set_xlabel(t("plot.step", lang))
    ax.set_ylabel(t("plot.loss", lang))
    finite = [v for v in loss if math.isfinite(v) and v > 0]
    if finite and max(finite) / min(finite) > 100:
        ax.set_yscale("log")  # a blown-up loss would flatten everything else
    acc_ax = ax.twinx()
    ends = history.epoch_end_steps
    if ends:
        acc_ax.plot(ends, history.epochs["train_acc"], "o-", color="tab:green", ms=4,
                    label=t("l10.chart.train_acc", lang))
        acc_ax.plot(ends, history.epochs["val_acc"], "s-", color="tab:orange", ms=4, label=t("l10.chart.val_acc", lang))
    acc_ax.set_ylim(0, 1.02)
    acc_ax.set_ylabel(t("plot.accuracy", lang))
    for event in history.events:
        ax.axvline(event["step"], color="tab:red", ls="--", lw=0.9, alpha=0.8)
        ax.text(event["step"], 0.98, " " + _mark(event["control"], event["value"]), transform=ax.get_xaxis_transform(),
                rotation=90, va="top", ha="right", fontsize=7, color="tab:red")
    ax.set_xlim(0, max(10, len(loss)))
    ax.set_title(t("l10.chart.title", lang), fontsize=10)
    ax.grid(alpha=0.3)
    handles = ax.get_legend_handles_labels()[0] + acc_ax.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="lower left", fontsize=8)
    fig.subplots_adjust(left=0.08, right=0.92, bottom=0.14, top=0.9)  # fixed margins: cheaper than tight_layout


class Playground:
    """Widgets that drive the course's loop while it runs: LR, batch size, log interval, optimizer... (lesson 10).

    `pg.model`, `pg.optimizer` and `pg.history` stay available after Stop; a new Start continues
    the same model and appends to the same history. Every method answers a wrong request with a
    message in the status line (English or Bengali) and returns False; none raises into the notebook.
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
        epochs: int = 3,
        amp: bool = False,
        criterion: nn.Module | None = None,
        device: torch.device | str | None = None,
        lang: str | None = None,
        mode: str = "auto",
        seed: int = 0,
        refresh_s: float = 0.35,
        max_log_lines: int = 200,
        step_delay: float = 0.0,
    ):
        from . import data, models
        from . import device as devices

        self.lang = check_language(lang or get_language())
        if mode not in ("auto", "thread", "poll"):
            raise ValueError(t("l10.msg.bad_mode", self.lang, value=mode))
        self.mode = default_mode() if mode == "auto" else mode
        self.device = devices.get_device(device, lang=self.lang) if device is not None else devices.get_device()
        if model is None or train_loader is None or val_loader is None:
            devices.seed_everything(seed)
            loaders = data.get_loaders(batch_size=batch_size, seed=seed, lang=self.lang)
        self.model = (model if model is not None else models.DigitClassifier()).to(self.device)
        self.train_loader = train_loader if train_loader is not None else loaders[0]
        self.val_loader = val_loader if val_loader is not None else loaders[1]
        for loader in (self.train_loader, self.val_loader):
            if hasattr(loader, "to"):
                loader.to(self.device)  # preloaded tensors: moved once, not every batch
        self.n_train = len(self.train_loader.dataset)
        self.criterion = criterion or nn.CrossEntropyLoss()
        self.refresh_s, self.step_delay = refresh_s, step_delay
        self.history = PlaygroundHistory()
        self.optimizer: optim.Optimizer | None = None
        self.precision = None
        self.error: BaseException | None = None
        self.settings: dict[str, Any] = {}
        for name, value in dict(lr=lr, batch_size=batch_size, log_interval=log_interval, optimizer=optimizer,
                                epochs=epochs, amp=amp).items():
            ok, parsed = self._parse(name, value)
            if not ok:
                raise ValueError(parsed)
            self.settings[name] = parsed
        self._pending: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._resume = threading.Event()
        self._resume.set()
        self._stop_requested = False
        self._running = False
        self._thread: threading.Thread | None = None
        self.runs = 0  # how many times Start began a run
        self._schedule: dict[int, dict[str, Any]] = {}
        self._reverting = False
        self._epoch_seen = 0
        self._run_samples, self._run_total = 0, 1
        self._last_refresh = 0.0
        self._last_poll = 0.0
        self._poll = None
        self._rate = 0.0
        self._message = ""
        self._state = "idle"
        self._lines: deque[str] = deque(maxlen=max_log_lines)
        self._build_ui()

    # ---- the widgets -------------------------------------------------------------------------
    def _build_ui(self) -> None:
        import ipywidgets as w  # only the APIs ipywidgets 7.7.1 (Colab) and 8.x share

        lang, wide = self.lang, {"description_width": "initial"}
        self.controls = {
            "lr": w.FloatLogSlider(value=self.settings["lr"], base=10, min=math.log10(LR_MIN), max=math.log10(LR_MAX),
                                   step=0.1, readout_format=".1e", continuous_update=False,
                                   description=t("l10.lr", lang), style=wide, layout=w.Layout(width="420px")),
            "batch_size": w.Text(value=str(self.settings["batch_size"]), description=t("l10.batch_size", lang),
                                 style=wide, layout=w.Layout(width="200px")),
            "log_interval": w.Text(value=str(self.settings["log_interval"]), description=t("l10.log_interval", lang),
                                   style=wide, layout=w.Layout(width="200px")),
            "epochs": w.Text(value=str(self.settings["epochs"]), description=t("l10.epochs", lang), style=wide,
                             layout=w.Layout(width="160px")),
            "optimizer": w.Dropdown(options=list(OPTIMIZERS), value=self.settings["optimizer"],
                                    description=t("l10.optimizer", lang), style=wide, layout=w.Layout(width="260px")),
            "amp": w.Checkbox(value=self.settings["amp"], indent=False, disabled=self.device.type != "cuda",
                              description=t("l10.amp" if self.device.type == "cuda" else "l10.amp_cuda_only", lang)),
        }
        for name, control in self.controls.items():
            if control.has_trait("continuous_update"):
                control.continuous_update = False  # a typed value arrives on Enter, not at every keystroke
            control.observe(self._observer(name), names="value")
        self.buttons = {
            "start": w.Button(description=t("l10.start", lang), button_style="success", icon="play"),
            "pause": w.Button(description=t("l10.pause", lang), button_style="warning", icon="pause"),
            "resume": w.Button(description=t("l10.resume", lang), button_style="info", icon="step-forward"),
            "stop": w.Button(description=t("l10.stop", lang), button_style="danger", icon="stop"),
        }
        self.buttons["start"].on_click(lambda _: self.start())
        self.buttons["pause"].on_click(lambda _: self.pause())
        self.buttons["resume"].on_click(lambda _: self.resume())
        self.buttons["stop"].on_click(lambda _: self.stop())
        self.progress = w.IntProgress(value=0, min=0, max=1, description=t("l10.progress", lang), style=wide,
                                      layout=w.Layout(width="420px"))
        self.status = w.HTML()
        self.chart = w.Image(format="png", layout=w.Layout(width="640px"))
        # A fixed-height box that scrolls; the thread replaces its state, never writes through `with output:`.
        self.output = w.Output(layout=w.Layout(height="180px", overflow="auto", border="1px solid #ccc"))
        c = self.controls
        self.widget = w.VBox([
            w.HTML(f"<b>{html.escape(t('l10.title', lang))}</b>"),
            c["lr"],
            w.HBox([c["batch_size"], c["log_interval"], c["epochs"]]),
            w.HBox([c["optimizer"], c["amp"]]),
            w.HBox(list(self.buttons.values())),
            self.progress, self.status, self.chart, self.output,
        ])
        self._show_status()
        self._draw()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def __repr__(self) -> str:
        return f"Playground(mode={self.mode!r}, state={self._state!r}, steps={self.history.steps})"

    # ---- reading and checking values ----------------------------------------------------------
    def _name(self, control: str) -> str:
        return t(f"l10.{control}", self.lang)

    def _parse(self, name: str, value: Any) -> tuple[bool, Any]:
        """(True, the value to use) or (False, a message in the playground's language)."""
        lang = self.lang
        if name == "lr":
            try:
                if isinstance(value, bool):
                    raise TypeError
                number = float(value)
            except (TypeError, ValueError):
                return False, t("l10.msg.not_number", lang, name=self._name(name), value=value)
            if not (math.isfinite(number) and LR_MIN <= number <= LR_MAX):
                return False, t("l10.msg.out_of_range", lang, name=self._name(name), value=value,
                                low=LR_MIN, high=LR_MAX)
            return True, number
        if name in ("batch_size", "log_interval", "epochs"):
            low, high = (1, self.n_train) if name == "batch_size" else INT_LIMITS[name]
            text = value.strip() if isinstance(value, str) else value
            if isinstance(text, bool) or not (isinstance(text, int) or (isinstance(text, str) and text.isdigit())):
                return False, t("l10.msg.not_whole", lang, name=self._name(name), value=value)
            number = int(text)
            if not low <= number <= high:
                return False, t("l10.msg.out_of_range", lang, name=self._name(name), value=value, low=low, high=high)
            return True, number
        if name == "optimizer":
            if value not in OPTIMIZERS:
                return False, t("l10.msg.bad_optimizer", lang, value=value, options=", ".join(OPTIMIZERS))
            return True, value
        if name == "amp":
            if not isinstance(value, bool):
                return False, t("l10.msg.not_bool", lang, value=value)
            if value and self.device.type != "cuda":
                return False, t("l10.msg.amp_unavailable", lang, device=self.device.type)
            return True, value
        return False, t("l10.msg.unknown_control", lang, name=name, names=", ".join(LIVE + AT_BOUNDARY))

    def _observer(self, name: str):
        def changed(change: dict) -> None:
            if self._reverting:
                return
            try:
                self._request(name, change["new"])
            except Exception as error:  # a widget callback must never raise into the kernel
                self._say(t("l10.msg.error", self.lang, reason=first_line(error)))
        return changed

    def _request(self, name: str, value: Any) -> bool:
        """Check a new value; queue it for the running loop, or keep it for the next Start."""
        ok, parsed = self._parse(name, value)
        if not ok:
            self._say(parsed)
            self._revert(name)
            return False
        with self._lock:
            if self._running:
                self._pending[name] = parsed
                key = "l10.msg.next_step" if name in LIVE else "l10.msg.next_epoch"
            else:
                self.settings[name] = parsed
                key = "l10.msg.at_start"
        self._say(t(key, self.lang, name=self._name(name), value=parsed))
        return True

    def _revert(self, name: str) -> None:
        control = self.controls[name]
        good = self._pending.get(name, self.settings[name])
        self._reverting = True
        try:
            control.value = good if isinstance(control.value, (bool, float)) or name == "optimizer" else str(good)
        finally:
            self._reverting = False

    def set(self, **changes: Any) -> bool:
        """Change controls from code, exactly as a learner would with the mouse; False if one was refused."""
        accepted = True
        for name, value in changes.items():
            ok, parsed = self._parse(name, value)
            if not ok:
                self._say(parsed)
                accepted = False
                continue
            control = self.controls[name]
            new = str(parsed) if name in ("batch_size", "log_interval", "epochs") else parsed
            if control.value == new:
                self._request(name, parsed)  # no widget event for an unchanged value: queue it ourselves
            else:
                control.value = new  # the observer checks and queues it
        return accepted

    # ---- Start / Pause / Resume / Stop -----------------------------------------------------------
    def start(self, epochs: int | None = None, *, schedule: dict[int, dict[str, Any]] | None = None) -> bool:
        """Train `epochs` more epochs (default: the epochs control), continuing the same model and history.

        `schedule` scripts changes for notebooks nobody clicks in: {n: {control: value}} changes the
        controls, exactly as the mouse would, after the n-th step of this run.
        """
        if self._running:
            self._say(t("l10.msg.already_running", self.lang))
            return False
        if epochs is not None and not self.set(epochs=epochs):
            return False
        base = self.history.steps  # schedule steps count from this run's start
        self._schedule = {base + int(step): dict(changes) for step, changes in (schedule or {}).items()}
        self._stop_requested = False
        self._resume.set()
        self.error = None
        self._running = True  # set before the thread exists: a second click cannot start another
        self.runs += 1
        if self.mode == "thread":
            self._thread = threading.Thread(target=self._run, name="playground", daemon=True)
            self._thread.start()
        else:
            self._run()
        return True

    def pause(self) -> bool:
        """Hold the loop after the current step; the model and the optimizer wait as they are."""
        if not self._running:
            self._say(t("l10.msg.not_running", self.lang))
            return False
        if not self._resume.is_set():
            self._say(t("l10.msg.already_paused", self.lang))
            return False
        self._resume.clear()
        self._state = "paused"
        self._say(t("l10.msg.paused", self.lang, step=self.history.steps))
        return True

    def resume(self) -> bool:
        """Continue after Pause."""
        if not self._running or self._resume.is_set():
            self._say(t("l10.msg.not_paused", self.lang))
            return False
        self._state = "running"
        self._resume.set()
        self._say("")
        return True

    def stop(self) -> bool:
        """Stop after the current step; the model and the history are kept."""
        if not self._running:
            self._say(t("l10.msg.not_running", self.lang))
            return False
        self._stop_requested = True
        self._resume.set()  # a paused loop must wake up to stop
        self._say(t("l10.msg.stopping", self.lang))
        return True

    @property
    def message(self) -> str:
        """The last message shown under the controls (a refusal, or when a change takes effect)."""
        return self._message

    @property
    def running(self) -> bool:
        return self._running

    @property
    def paused(self) -> bool:
        return self._running and not self._resume.is_set()

    def wait(self, timeout: float | None = None, *, step: int | None = None) -> bool:
        """Block until the run ends (or has done `step` steps); True if that happened within `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._running and (step is None or self.history.steps < step):
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        thread = self._thread
        if step is None and thread is not None and thread is not threading.current_thread():
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))  # its last redraw
            return not thread.is_alive()
        return True

    # ---- the run: the one loop, with a hook -------------------------------------------------------
    def _run(self) -> None:
        history, lang = self.history, self.lang
        self._state = "running"
        with self._ui_events():
            try:
                self._apply_settings()
                self._run_samples, self._run_total = 0, self.settings["epochs"] * self.n_train
                done, first = 0, len(history.epochs["epoch"])
                self._tick = (time.perf_counter(), history.steps)
                while done < self.settings["epochs"]:
                    if done:
                        self._apply_boundary(len(history.epochs["epoch"]) + 1)
                        self._run_total = max(self._run_samples + 1, self.settings["epochs"] * self.n_train)
                        if done >= self.settings["epochs"]:
                            break
                    epoch = len(history.epochs["epoch"]) + 1
                    began, lr = time.perf_counter(), self.optimizer.param_groups[0]["lr"]
                    self._epoch_seen, self._epoch = 0, epoch
                    train_loss, train_acc = train_one_epoch(
                        self.model, self.device, self.train_loader, self.optimizer, self.criterion, NEVER_LOG,
                        log=lambda line: None, precision=self.precision, on_batch=self._on_batch)
                    val_loss, val_acc = validate(self.model, self.val_loader, self.criterion, self.device)
                    history.epochs.add(epoch=epoch, train_loss=train_loss, train_acc=train_acc, val_loss=val_loss,
                                       val_acc=val_acc, lr=float(lr), seconds=time.perf_counter() - began)
                    history.epoch_end_steps.append(history.steps)
                    self._log(t("fit.epoch", lang, epoch=epoch, epochs=first + self.settings["epochs"],
                                train_loss=train_loss, train_acc=train_acc, val_loss=val_loss, val_acc=val_acc,
                                lr=float(lr)))
                    done += 1
                self._state = "finished"
                self._log(t("l10.log.finished", lang, steps=history.steps))
            except KeyboardInterrupt:
                self._state = "stopped"
                self._log(t("l10.log.stopped", lang, step=history.steps))
            except NonFiniteLossError as error:
                self._state = "stopped"
                self._log(t("l10.log.nonfinite", lang, step=history.steps, loss=error.loss))
            except Exception as error:  # shown in the widget; the notebook and the history survive
                self._state = "error"
                self.error = error
                self._log(t("l10.msg.error", lang, reason=first_line(error)))
            finally:
                with self._lock:
                    self._running = False
                    for name, value in self._pending.items():  # not applied: becomes the setting for next Start
                        self.settings[name] = value
                    self._pending.clear()
                self._refresh(force=True)

    def _apply_settings(self) -> None:
        """At Start: the controls' values go into the optimizer, the loader and the precision."""
        from .amp import Precision

        with self._lock:
            self.settings.update(self._pending)
            self._pending.clear()
        s = self.settings
        if self.optimizer is None or getattr(self, "_optimizer_name", None) != s["optimizer"]:
            self.optimizer = self._make_optimizer(s["optimizer"], s["lr"])
            self._optimizer_name = s["optimizer"]
        for group in self.optimizer.param_groups:
            group["lr"] = s["lr"]
        self.train_loader.batch_size = s["batch_size"]
        kind = self.device.type
        dtype = (torch.float16 if kind == "cuda" else torch.bfloat16) if s["amp"] else None
        scaler = torch.amp.GradScaler("cuda") if s["amp"] and kind == "cuda" else None
        self.precision = Precision(device_type=kind, dtype=dtype, scaler=scaler)

    def _make_optimizer(self, name: str, lr: float) -> optim.Optimizer:
        params = self.model.parameters()
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
        self.history.events.append({"step": self.history.steps, "epoch": getattr(self, "_epoch", 0),
                                    "control": control, "value": value})

    def _apply_boundary(self, next_epoch: int) -> None:
        """Between two epochs, a clean boundary: a new optimizer, AMP on/off, the number of epochs."""
        from .amp import Precision

        for name, value in self._take(AT_BOUNDARY).items():
            self._event(name, value)
            if name == "optimizer":
                old = self._optimizer_name
                self.optimizer = self._make_optimizer(value, self.settings["lr"])
                self._optimizer_name = value
                self._log(t("l10.log.optimizer", self.lang, old=old, new=value, epoch=next_epoch,
                            step=self.history.steps))
            elif name == "amp":
                kind = self.device.type
                self.precision = Precision(device_type=kind, dtype=torch.float16 if value else None,
                                           scaler=torch.amp.GradScaler("cuda") if value else None)
                self._log(t("l10.log.amp", self.lang, value=value, epoch=next_epoch))
            else:
                self._log(t("l10.log.epochs", self.lang, value=value))

    def _on_batch(self, batch_idx: int, loss: torch.Tensor) -> None:
        """After every batch: record, log, apply the live changes, refresh, pause, stop."""
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
        if batch_idx % self.settings["log_interval"] == 0:
            left = self.n_train - self._epoch_seen
            total = batch_idx + 1 + math.ceil(left / loader.batch_size)  # the epoch's length, as it now stands
            history.logged.append(history.steps - 1)
            self._log(t("loop.batch", self.lang, batch=batch_idx, total=total, loss=value))
        for step in [s for s in self._schedule if s <= history.steps]:
            self.set(**self._schedule.pop(step))  # scripted changes go through the same controls
        for name, new in self._take(LIVE).items():  # these take effect at the very next step
            self._event(name, new)
            if name == "lr":
                for group in self.optimizer.param_groups:
                    group["lr"] = new
            elif name == "batch_size":
                loader.batch_size = new  # TensorLoader reads it when it cuts the next batch
        self._refresh()
        if self.step_delay:
            time.sleep(self.step_delay)
        while not self._resume.wait(0.05):  # paused: the weights and the optimizer wait here
            self._poll_ui(force=True)
            self._refresh()
        self._poll_ui()
        if self._stop_requested:
            raise KeyboardInterrupt  # train_one_epoch stops; _run keeps the model and the history

    # ---- poll mode: let the kernel read widget messages between steps -----------------------------
    @contextlib.contextmanager
    def _ui_events(self):
        self._poll = None
        if self.mode != "poll":
            yield
            return
        try:
            from IPython import get_ipython
            from jupyter_ui_poll import ui_events

            kernel = getattr(get_ipython(), "kernel", None)
            if not hasattr(kernel, "do_one_iteration"):  # plain Python, or ipykernel 7+ (use mode='thread' there)
                raise RuntimeError("no kernel loop to poll")
            events = ui_events()
            self._poll = events.__enter__()
        except Exception:  # no kernel, no jupyter_ui_poll, or ipykernel 7+: run without live controls
            self._poll, events = None, None
            self._say(t("l10.msg.no_poll", self.lang))
        try:
            yield
        finally:
            if events is not None:
                events.__exit__(None, None, None)
            self._poll = None

    def _poll_ui(self, force: bool = False) -> None:
        if self._poll is None:
            return
        now = time.monotonic()
        if force or now - self._last_poll > 0.05:
            self._last_poll = now
            self._poll(20)  # handle up to 20 waiting widget messages (slider moves, clicks)

    # ---- what the learner sees ---------------------------------------------------------------------
    def _say(self, message: str) -> None:
        self._message = message
        self._show_status()

    def _show_status(self) -> None:
        if not hasattr(self, "status"):
            return
        state = t(f"l10.state.{self._state}", self.lang)
        facts = t("l10.status", self.lang, state=state, step=self.history.steps, rate=self._rate,
                  mode=t(f"l10.mode.{self.mode}", self.lang))
        message = f"<br><span style='color:#b00'>{html.escape(self._message)}</span>" if self._message else ""
        self.status.value = f"<span>{html.escape(facts)}</span>{message}"

    def _log(self, line: str) -> None:
        self.history.log.append(line)
        self._lines.append(line)
        # One stream output with the last lines, replaced whole: bounded, and no `with output:` from a thread.
        self.output.outputs = ({"output_type": "stream", "name": "stdout", "text": "\n".join(self._lines) + "\n"},)

    def _refresh(self, force: bool = False) -> None:
        """Progress, status and chart, at most every `refresh_s` seconds (the chart is redrawn off-screen)."""
        now = time.perf_counter()
        if not force and now - self._last_refresh < self.refresh_s:
            return
        began, steps = getattr(self, "_tick", (now, 0))
        if now > began and self.history.steps > steps:
            self._rate = (self.history.steps - steps) / (now - began)
        self._tick = (now, self.history.steps)
        self.progress.max = max(1, self._run_total)
        self.progress.value = min(self._run_samples, self.progress.max)
        self._show_status()
        self._draw()
        # Keep drawing under about a quarter of the time: on a busy machine the chart is redrawn less often.
        self._last_refresh = now + 3 * (time.perf_counter() - now)

    def _draw(self) -> None:
        self.chart.value = self.chart_png()

    def chart_png(self, *, dpi: int = 80) -> bytes:
        """The live chart as PNG bytes, drawn with Agg, off-screen, under a lock (matplotlib is not thread-safe)."""
        from matplotlib.figure import Figure

        from .plots import plot_language

        with _drawing, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a warning from this thread would land in whichever cell runs
            fig = Figure(figsize=(8, 3.6))
            draw_chart(fig, self.history, lang=plot_language(self.lang))
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue()

    def plot(self, *, lang: str | None = None):
        """The same chart as a pyplot figure, for a static picture in the notebook (lesson 10)."""
        import matplotlib.pyplot as plt

        from .plots import plot_language

        lang = plot_language(lang or self.lang)  # before the figure: its labels take the font settings
        fig = plt.figure(figsize=(8, 3.6))
        with _drawing:
            draw_chart(fig, self.history, lang=lang)
        return fig


def show(**options: Any) -> Playground:
    """Create a Playground with `options` (see Playground), display it, and return it (lesson 10)."""
    from IPython.display import display

    playground = Playground(**options)
    display(playground.widget)
    return playground


__all__ = ["Playground", "PlaygroundHistory", "default_mode", "draw_chart", "show"]
