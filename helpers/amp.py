"""Mixed precision with the current `torch.amp` API (lesson 07).

On CUDA: float16 autocast plus a GradScaler, because float16 gradients underflow without scaling.
On a CPU: bfloat16 autocast (same exponent range as float32, so no scaler), but on most CPUs it is
slower than float32 (a small CNN ran 4.8x slower on our 2-core test machine), so 'auto' leaves it off.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import torch

from .i18n import t

_said_once: set[str] = set()


@dataclass
class Precision:
    """How the loop computes: autocast dtype (None = full float32) and an optional GradScaler (lesson 07)."""

    device_type: str = "cpu"
    dtype: torch.dtype | None = None
    scaler: torch.amp.GradScaler | None = None
    # Until the scaler has let one optimizer step through, per-batch schedulers wait (see fit).
    stepped: bool = field(default=False)

    def autocast(self):
        """The context the forward pass and the loss run in."""
        if self.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device_type, dtype=self.dtype)

    @property
    def enabled(self) -> bool:
        return self.dtype is not None


def say_once(key: str, lang: str | None = None, **values: object) -> None:
    """Print a message only the first time it is needed in this Python session."""
    if key not in _said_once:
        _said_once.add(key)
        print(t(key, lang, **values))


def resolve_amp(amp: str | bool, device: torch.device, *, lang: str | None = None) -> Precision:
    """Turn fit's `amp` argument into a Precision for `device` (lesson 07)."""
    if not (isinstance(amp, bool) or amp == "auto"):  # 1, 1.0 or "on" are refused, not guessed
        raise ValueError(t("fit.bad_amp", lang, value=amp))
    kind = device.type
    if amp == "auto":
        if kind != "cuda":
            say_once("amp.auto_off", lang, device=kind)
        amp = kind == "cuda"
    if not amp:
        return Precision(device_type=kind)
    if kind == "cuda":
        return Precision(device_type=kind, dtype=torch.float16, scaler=torch.amp.GradScaler("cuda"))
    if kind == "cpu":
        say_once("amp.cpu_slow", lang)
        return Precision(device_type=kind, dtype=torch.bfloat16)
    return Precision(device_type=kind, dtype=torch.float16)
