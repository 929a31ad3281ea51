"""The playground's controls (lesson 10): their values, the changes waiting for the loop, and their checks.

A control's value is checked here once, whether it comes from a widget or from code; a refusal is a message in the
learner's language, never an exception. The optimizers are one table: a name and how to make it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

import torch
from torch import optim

from ..checks import is_whole
from ..i18n import t

OPTIMIZERS: dict[str, Callable[..., optim.Optimizer]] = {
    "SGD": optim.SGD,
    "SGD+momentum": partial(optim.SGD, momentum=0.9),
    "Adam": optim.Adam,
    "AdamW": optim.AdamW,
}
LR_MIN, LR_MAX = 1e-5, 1.0  # the slider's range: 10**-5 .. 10**0
INT_LIMITS = {"log_interval": (1, 1000), "epochs": (1, 1000)}  # batch_size: 1 .. the number of training samples
UNTIL_STOP = ("", "∞", "inf")  # what the epochs box accepts for "train until Stop" (epochs=None)
LIVE = ("lr", "batch_size", "log_interval")  # applied at the next step
AT_BOUNDARY = ("optimizer", "amp", "epochs")  # applied at the next epoch boundary
CONTROLS = LIVE + AT_BOUNDARY


class Refused(ValueError):
    """A value a control cannot take; its message is in the learner's language."""


def make_optimizer(name: str, params: Iterable[torch.nn.Parameter], lr: float) -> optim.Optimizer:
    """A new optimizer of the playground's menu over `params` (lesson 10)."""
    return OPTIMIZERS[name](params, lr=lr)


def shown(control: str, value: Any) -> str:
    """A control's value as a person reads it, the way its widget shows it: lr 5.0e-2, not 0.05011872336272725.

    "lr" is also the format of any small positive number the playground shows (an update ratio, a gradient norm).
    """
    if value is None:
        return "∞"
    if control == "lr":
        mantissa, exponent = f"{value:.1e}".split("e")
        return f"{mantissa}e{int(exponent):+d}"  # the slider's readout (d3's ".1e"): 5.0e-2, 1.0e+0
    return str(value)


class Controls:
    """The six controls: the settings in use, the changes waiting for the loop, and their checks (lesson 10)."""

    def __init__(self, *, n_train: int, device: torch.device, lang: str):
        self.n_train, self.device, self.lang = n_train, device, lang
        self.settings: dict[str, Any] = {}
        self.pending: dict[str, Any] = {}
        self.lock = threading.RLock()  # the training thread takes changes while the kernel thread adds them

    def begin(self, **values: Any) -> None:
        """The first settings; a wrong one raises ValueError (a programming mistake, not a click)."""
        for name, value in values.items():
            ok, parsed = self.parse(name, value)
            if not ok:
                raise ValueError(parsed)
            self.settings[name] = parsed

    def name(self, control: str) -> str:
        return t(f"pg.{control}", self.lang)

    def parse(self, name: str, value: Any) -> tuple[bool, Any]:
        """(True, the value to use) or (False, a message in the playground's language)."""
        if name not in CONTROLS:
            return False, t("pg.msg.unknown_control", self.lang, name=name, names=", ".join(CONTROLS))
        check = {"lr": self._lr, "optimizer": self._optimizer, "amp": self._amp}.get(name, self._whole)
        try:
            return True, check(name, value)
        except Refused as refusal:
            return False, str(refusal)

    def _refuse(self, key: str, **values: Any) -> Refused:
        return Refused(t(key, self.lang, **values))

    def _lr(self, name: str, value: Any) -> float:
        try:
            if isinstance(value, bool):
                raise TypeError
            number = float(value)
        except (TypeError, ValueError):
            raise self._refuse("pg.msg.not_number", name=self.name(name), value=value) from None
        if not (math.isfinite(number) and LR_MIN <= number <= LR_MAX):
            raise self._refuse("pg.msg.out_of_range", name=self.name(name), value=value,
                               low=shown("lr", LR_MIN), high=shown("lr", LR_MAX))
        return number

    def _whole(self, name: str, value: Any) -> int | None:
        if name == "epochs" and (value is None or (isinstance(value, str) and value.strip().lower() in UNTIL_STOP)):
            return None
        low, high = (1, self.n_train) if name == "batch_size" else INT_LIMITS[name]
        text = value.strip() if isinstance(value, str) else value
        signed = isinstance(text, str) and text.lstrip("+-").isdigit() and text.count("-") + text.count("+") <= 1
        if not (is_whole(text) or signed):  # -4 is whole, only too small
            raise self._refuse("pg.msg.not_whole", name=self.name(name), value=value)
        number = int(text)
        if not low <= number <= high:
            raise self._refuse("pg.msg.out_of_range", name=self.name(name), value=value, low=low, high=high)
        return number

    def _optimizer(self, name: str, value: Any) -> str:
        if value not in OPTIMIZERS:
            raise self._refuse("pg.msg.bad_optimizer", value=value, options=", ".join(OPTIMIZERS))
        return value

    def _amp(self, name: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise self._refuse("pg.msg.not_bool", value=value)
        if value and self.device.type != "cuda":
            raise self._refuse("pg.msg.amp_unavailable", device=self.device.type)
        return value

    def current(self, name: str) -> Any:
        """The value a control should show: a change waiting for the loop, else the setting."""
        with self.lock:
            return self.pending.get(name, self.settings[name])

    def request(self, name: str, value: Any, *, running: bool) -> tuple[bool, str]:
        """Check and store a value (waiting for the loop while it runs, else the setting); (accepted, the answer)."""
        ok, parsed = self.parse(name, value)
        if not ok:
            return False, parsed
        with self.lock:
            if running:
                self.pending[name] = parsed
                key = "pg.msg.next_step" if name in LIVE else "pg.msg.next_epoch"
            else:
                self.settings[name] = parsed
                key = "pg.msg.at_start"
        value = t("pg.until_stop", self.lang) if parsed is None else shown(name, parsed)
        return True, t(key, self.lang, name=self.name(name), value=value)

    def run_epochs(self, epochs: Any) -> tuple[bool, Any]:
        """The epochs one Start trains: `epochs` for this run only (a whole number), else the control's."""
        if epochs is None:
            return True, self.settings["epochs"]
        ok, parsed = self.parse("epochs", epochs)
        if ok and parsed is None:
            return False, t("pg.msg.not_whole", self.lang, name=self.name("epochs"), value=epochs)
        return ok, parsed

    def take(self, names: tuple[str, ...]) -> dict[str, Any]:
        """The waiting changes of `names` that differ from the settings; they become the settings."""
        with self.lock:
            taken = {name: self.pending.pop(name) for name in names if name in self.pending}
            taken = {name: value for name, value in taken.items() if value != self.settings[name]}
            self.settings.update(taken)
        return taken

    def settle(self) -> None:
        """Every waiting change becomes a setting (a run starts, or ended before the loop took them)."""
        with self.lock:
            self.settings.update(self.pending)
            self.pending.clear()
