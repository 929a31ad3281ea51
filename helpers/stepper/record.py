"""What one numbered line changed (lesson 02): the record the stepper keeps of each line, and its words in both languages.

A StepRecord holds numbers only (shapes, norms, counters); `summary()` and `table()` put them in words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..i18n import check_language, get_language, t
from . import messages  # noqa: F401  (registers the "step." texts used below)
from .source import Label


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


def per_layer(values: dict[str, float | None]) -> dict[str, float | None]:
    """Per-parameter norms combined per layer ('features.0.weight' + '.bias' -> 'features.0'); None if all None."""
    layers: dict[str, list[float]] = {}
    for name, value in values.items():
        layer = name.rsplit(".", 1)[0] if "." in name else name
        layers.setdefault(layer, [])
        if value is not None:
            layers[layer].append(value)
    return {layer: (math.sqrt(sum(v * v for v in vs)) if vs else None) for layer, vs in layers.items()}




def table(records: list[StepRecord], lang: str) -> str:
    """A plain-text table: one row per line that ran, with what it changed (lesson 02)."""
    width = max([len(r.source) for r in records] + [len(t("step.col_code", lang))])
    rows = [f"{t('step.col_line', lang):>5}  {t('step.col_code', lang):{width}s}  {t('step.col_changed', lang)}"]
    rows += [f"{r.line!s:>5}  {r.source:{width}s}  {r.summary(lang)}" for r in records]
    return "\n".join(rows)
