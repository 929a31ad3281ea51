"""The playground's controller (lesson 10): one State, the requests that change it, and the branches. No widgets.

`Controller` holds the controls (helpers.playground.controls), one `State`, the history and the branches of a
forked run, and tells its listeners what changed; the training itself is helpers.playground.training's Trainer,
over the course's one epoch driver. `helpers.playground.view.Playground` is the thin ipywidgets view over it.
Only one controller trains per kernel: a new one stops and closes the one before it.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import partial
from typing import Any

import torch
from torch import nn

from ..i18n import check_language, get_language, t
from . import messages  # noqa: F401  (registers the pg.* texts)
from .branches import MAX_BRANCHES, Branch, Lineage
from .controls import Controls
from .history import Message, PlaygroundHistory, State
from .runner import Runner
from .setup import setup
from .snapshot import copy_random, copy_weights, load_random
from .training import Trainer

_latest: list[weakref.ref] = []  # the kernel's newest controller: the only one allowed to train


def _replace_previous(controller: Controller) -> None:
    """A new playground (the cell run again) stops the one before it and closes it: one run per kernel."""
    previous = _latest[0]() if _latest else None
    _latest[:] = [weakref.ref(controller)]
    if previous is not None and previous is not controller:
        previous.close(replaced=True)


class Controller:
    """The playground without widgets: controls, one State, the branches, the requests (lesson 10).

    Every request (`set`, `start`, `pause`, `resume`, `stop`, `reset`, `fork`, `switch`) answers True or False
    and leaves a `message` (neutral when it worked, a warning when refused); none raises. `listen(callback)`:
    `callback(what)` is called with "step", "state", "settings", "message", "refused", "log" or "closed", from
    the training thread too. `background=True` trains in a thread; False trains in the caller's thread, calling
    `poller`'s poll function between steps (Colab, where thread updates do not show). Without a model and loaders
    it trains lesson 01's DigitClassifier on the digits (helpers.playground.setup).
    """

    def __init__(self, model: nn.Module | None = None, train_loader=None, val_loader=None, *, lr: float = 1e-3,
                 batch_size: int = 64, log_interval: int = 5, optimizer: str = "Adam", epochs: int | None = None,
                 amp: bool = False, criterion: nn.Module | None = None, device: torch.device | str | None = None,
                 lang: str | None = None, background: bool = True,
                 poller: Callable[[], AbstractContextManager] | None = None, seed: int = 0, step_delay: float = 0.0):
        self.lang, self.seed = check_language(lang or get_language()), seed
        self.device, self.model, self.train_loader, self.val_loader = setup(
            model, train_loader, val_loader, device=device, seed=seed, batch_size=batch_size, lang=self.lang)
        self.n_train = len(self.train_loader.dataset)
        self.criterion = criterion or nn.CrossEntropyLoss()
        self.runner = Runner(background=background, poller=poller, step_delay=step_delay,
                             unavailable=lambda: self.log(t("pg.msg.no_poll", self.lang)))
        self.controls = Controls(n_train=self.n_train, device=self.device, lang=self.lang)
        self.controls.begin(lr=lr, batch_size=batch_size, log_interval=log_interval, optimizer=optimizer,
                            epochs=epochs, amp=amp)
        # What Reset goes back to: the first weights and the random state the first run would start from.
        self._fresh = (copy_weights(self.model), copy_random(self.train_loader))
        self.history = PlaygroundHistory()
        self.state, self.message = State.IDLE, Message("")
        self.error: BaseException | None = None  # what stopped the last run, in State.ERROR
        self.closed = False  # True once a newer playground replaced this one (or after close())
        self.runs, self.epoch_in_run = 0, 0  # runs since made or Reset ("run 2"); this run's epoch now (1, 2, ...)
        self.run_epochs: int | None = None  # how many epochs this run trains (None: until Stop)
        self.trainer, self.lineage = Trainer(self), Lineage(self)
        self._listeners: list[Callable[[str], None]] = []
        self._lock = threading.RLock()
        _replace_previous(self)

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
        """A refused request: the answer is False and `message` says why (a view shows it if it asked)."""
        self.message = Message(text, "warning")
        self._notify("refused")
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
    def settings(self) -> dict[str, Any]:
        return self.controls.settings

    @property
    def run(self):
        """The engine's Run (helpers.engine), made at the first Start; None before it and after Reset."""
        return self.trainer.run

    @property
    def optimizer(self) -> torch.optim.Optimizer | None:
        """The optimizer training uses now (a new one after a change of the optimizer control)."""
        return self.trainer.optimizer

    def current(self, name: str) -> Any:
        """The value a control should show: a change waiting for the loop, else the setting."""
        return self.controls.current(name)

    def set(self, **changes: Any) -> bool:
        """Change controls, from code or from a widget; False (with a message) if one was refused."""
        if self.closed:
            return self._refuse(t("pg.msg.replaced", self.lang))
        answers = [self.controls.request(name, value, running=self.running) for name, value in changes.items()]
        for ok, text in answers:
            self.message = Message(text, "info" if ok else "warning")
            self._notify("message" if ok else "refused")
        self._notify("settings")
        return all(ok for ok, _ in answers)

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
            ok, run_epochs = self.controls.run_epochs(epochs)
            if not ok:
                return self._refuse(run_epochs)
            self.run_epochs = run_epochs
            steps = self.history.steps
            self.trainer.schedule = {steps + int(n): dict(changes) for n, changes in (schedule or {}).items()}
            self.error = None
            self.runs += 1
            self._set_state(State.RUNNING)  # before the thread exists: a second click cannot start another
        self.runner.launch(self.trainer.train)
        return True

    def pause(self) -> bool:
        """Hold the loop after the current step; the model and the optimizer wait as they are."""
        with self._lock:
            if self.state is State.PAUSED:
                return self._refuse(t("pg.msg.already_paused", self.lang))
            if self.state is not State.RUNNING:
                return self._refuse(t("pg.msg.not_running", self.lang))
            self.runner.open.clear()
            self._set_state(State.PAUSED, "pg.msg.pausing")  # "paused after step n" once the loop waits
        return True

    def resume(self) -> bool:
        """Continue after Pause."""
        with self._lock:
            if self.state is not State.PAUSED:
                return self._refuse(t("pg.msg.not_paused", self.lang))
            self._set_state(State.RUNNING)
            self.runner.open.set()
        return True

    def stop(self) -> bool:
        """Stop after the current step; the model and the history are kept."""
        return self._stop_then(None, "pg.msg.stopping")

    def _stop_then(self, then: Callable[[], None] | None, key: str) -> bool:
        with self._lock:
            if not self.running:
                return self._refuse(t("pg.msg.not_running", self.lang))
            self.runner.request_stop(then)
            self._say(key)
        return True

    def reset(self) -> bool:
        """Start again from the first weights (the same seed) with one branch; the history starts empty.

        During a run it stops the run first, after its current step. The controls keep their values.
        """
        return self._between_runs(self._reset, "pg.msg.resetting")

    def _reset(self) -> None:
        weights, random = self._fresh
        self.history, self.runs, self.error, self.epoch_in_run = PlaygroundHistory(), 0, None, 0
        self.trainer, self.lineage = Trainer(self), Lineage(self)
        self.trainer.load(weights)
        load_random(random, self.train_loader)
        self._set_state(State.IDLE, "pg.msg.reset", seed=self.seed)
        self._notify("step")  # an empty chart and log

    def _between_runs(self, change: Callable[[], None], key: str) -> bool:
        """Reset, Fork and a switch happen between two runs: during one, once it stops after its current step."""
        if self.closed:
            return self._refuse(t("pg.msg.replaced", self.lang))
        if self.running:
            return self._stop_then(change, key)
        change()
        return True

    def fork(self, label: str | None = None) -> bool:
        """Copy the whole run at this step into a new branch, which becomes the current one (lesson 10).

        The branch it came from waits exactly as it was (`switch` goes back to it). During a run it stops the
        run first, after its current step. At most MAX_BRANCHES branches: memory stays bounded.
        """
        if len(self.lineage.branches) >= MAX_BRANCHES:
            return self._refuse(t("pg.msg.too_many_branches", self.lang, limit=MAX_BRANCHES))
        return self._between_runs(partial(self._branched, self.lineage.fork, label), "pg.msg.forking")

    def switch(self, branch: int | str) -> bool:
        """Make another branch the current one, exactly as it was left (by index, or by name: "A", "B", ...)."""
        index = self.lineage.find(branch)
        if index is None:
            names = ", ".join(b.name for b in self.lineage.branches)
            return self._refuse(t("pg.msg.no_branch", self.lang, value=branch, names=names))
        return self._between_runs(partial(self._branched, self.lineage.switch, index), "pg.msg.switching")

    def _branched(self, change: Callable[[Any], tuple[str, dict[str, Any]]], argument: Any) -> None:
        key, values = change(argument)
        self._set_state(State.IDLE, key, **values)
        self._notify("settings")
        self._notify("step")

    @property
    def branches(self) -> list[Branch]:
        """The branches of this run, in the order made: A (the original), B, ... (lesson 10)."""
        return self.lineage.branches

    @property
    def branch(self) -> Branch:
        """The branch that trains now (`branch.index`, `branch.name`)."""
        return self.lineage.branches[self.lineage.current]

    def wait(self, timeout: float | None = None, *, step: int | None = None) -> bool:
        """Block until the run ends (or has done `step` steps); True if that happened within `timeout` seconds."""
        return self.runner.wait(lambda: self.running, lambda: self.history.steps, timeout, step)

    def log(self, line: str) -> None:
        self.history.log.append(line)
        self._notify("log")

    def ended(self, state: State, key: str | None, values: dict[str, Any]) -> None:
        """The run has ended (the Trainer says how): its state and message, then what waited for it to stop."""
        with self._lock:
            self.trainer.ended()
            self._set_state(state, key, "warning", **values)  # a warning, or no message at all
            self._notify("settings")
        then = self.runner.take_after_stop()
        if then is not None:
            then()

    def between_steps(self) -> None:
        """The hook's last part: tell the view, then the gate (a wait while paused, Colab's poll)."""
        self._notify("step")
        self.runner.gate(self._paused_here)

    def _paused_here(self) -> None:
        with self._lock:
            if self.state is State.PAUSED:
                self._say("pg.msg.paused", step=self.history.steps)


__all__ = ["Controller"]
