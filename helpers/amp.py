"""Mixed precision with the current `torch.amp` API (lesson 07).

On CUDA: float16 autocast plus a GradScaler, because float16 gradients underflow without scaling.
On a CPU: bfloat16 autocast (same exponent range as float32, so no scaler), but on most CPUs it is
not faster than float32, and often slower, so 'auto' leaves it off there.

`Precision` holds settings only. The GradScaler, whose loss scale changes as training runs, belongs
to the run that uses it (`helpers.engine.Run`), like the optimizer's state.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

import torch

from .i18n import register, t

_said_once: set[str] = set()
_FLOAT32 = contextlib.nullcontext()  # one shared do-nothing context: it keeps no state, so every thread can use it


@dataclass(frozen=True)
class Precision:
    """How the loop computes: autocast dtype (None = full float32) and whether the loss is scaled (lesson 07)."""

    device_type: str = "cpu"
    dtype: torch.dtype | None = None
    scaled: bool = False  # float16 gradients need a GradScaler; bfloat16 ones do not

    def autocast(self):
        """The context the forward pass and the loss run in; one can be entered at every step of an epoch."""
        if self.dtype is None:
            return _FLOAT32
        return torch.autocast(device_type=self.device_type, dtype=self.dtype)

    def make_scaler(self) -> torch.amp.GradScaler | None:
        """A fresh GradScaler for a run with these settings, or None when the loss is not scaled."""
        return torch.amp.GradScaler(self.device_type) if self.scaled else None


def mixed_precision(device: torch.device | str, enabled: bool) -> Precision:
    """Mixed precision on or off for `device`: float16 + scaling on CUDA, bfloat16 on a CPU (lesson 07)."""
    kind = torch.device(device).type
    if not enabled:
        return Precision(device_type=kind)
    if kind == "cpu":
        return Precision(device_type=kind, dtype=torch.bfloat16)
    return Precision(device_type=kind, dtype=torch.float16, scaled=kind == "cuda")


def say_once(key: str, lang: str | None = None, *, say: Callable[[str], object] = print, **values: object) -> None:
    """Say a message only the first time it is needed in this Python session."""
    if key not in _said_once:
        _said_once.add(key)
        say(t(key, lang, **values))


def resolve_amp(amp: str | bool, device: torch.device, *, lang: str | None = None,
                say: Callable[[str], object] = print) -> Precision:
    """Turn fit's `amp` argument into a Precision for `device`, saying why when it chooses (lesson 07)."""
    if not (isinstance(amp, bool) or amp == "auto"):  # 1, 1.0 or "on" are refused, not guessed
        raise ValueError(t("fit.bad_amp", lang, value=amp))
    kind = torch.device(device).type
    if amp == "auto":
        if kind != "cuda":
            say_once("amp.auto_off", lang, say=say, device=kind)
        amp = kind == "cuda"
    if amp and kind == "cpu":
        say_once("amp.cpu_slow", lang, say=say)
    return mixed_precision(device, amp)


MESSAGES: dict[str, dict[str, str]] = {
    "amp.auto_off": {
        "en": "Mixed precision is off on {device}: it speeds up CUDA GPUs, while on most CPUs bfloat16 is not faster "
        "than float32 and often several times slower. Pass amp=True to try it anyway.",
        "bn": "ডিভাইস {device}-তে মিক্সড প্রিসিশন বন্ধ রাখা হলো: এটা CUDA GPU-তে গতি বাড়ায়, কিন্তু বেশিরভাগ CPU-তে bfloat16 "
        "float32-এর চেয়ে দ্রুত নয়, প্রায়ই কয়েক গুণ ধীর। তবু চালাতে চাইলে amp=True দাও।",
    },
    "amp.cpu_slow": {
        "en": "Mixed precision on the CPU uses bfloat16; on most CPUs this is slower than float32, not faster.",
        "bn": "CPU-তে মিক্সড প্রিসিশন bfloat16 ব্যবহার করে; বেশিরভাগ CPU-তে এটা float32-এর চেয়ে দ্রুত নয়, বরং ধীর।",
    },
    "fit.bad_amp": {
        "en": "amp must be 'auto', True or False, got {value!r}.",
        "bn": "amp হতে হবে 'auto', True অথবা False; পাওয়া গেল {value!r}।",
    },
}
register(MESSAGES)
