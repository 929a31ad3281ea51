"""Comparing the state before and after a numbered line (lesson 02): which variables, gradients and weights it changed.

The Recorder takes a picture of the state before a line runs (`before`) and, once it has run, makes
its StepRecord (`record`): the loop's variables it (re)assigned, every parameter's gradient norm, how
far each parameter moved, the GradScaler's scale, and whether the gradients are still scaled.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from .record import StepRecord, TensorInfo
from .source import Label, LoopSource


class Recorder:
    """Makes the StepRecord of each numbered line from the state before and after it (lesson 02)."""

    def __init__(self, model: nn.Module, optimizer: torch.optim.Optimizer, loop_args: dict[str, Any]):
        self.model, self.optimizer, self.loop_args = model, optimizer, loop_args
        self.scaled = False  # the gradients are still multiplied by the scale (scaled backward, not yet unscaled)

    def before(self, local: dict[str, Any]) -> dict[str, Any]:
        """What a line may change, taken before it runs."""
        return {
            "weights": [p.detach().clone() for p in self.model.parameters()],
            "grads": self.grad_norms(),
            "training": self.model.training,
            "scale": self._scale(local),
            "locals": local,
        }

    def record(self, source: LoopSource, label: Label, before: dict[str, Any], local: dict[str, Any], *,
               printed: str = "", result: Any = None) -> StepRecord:
        """Compare the state before and after the line `label`, and say what changed."""
        grads, scale = self.grad_norms(), self._scale(local)
        weight_change = {name: float(torch.linalg.vector_norm((p.detach() - old).float()))
                         for (name, p), old in zip(self.model.named_parameters(), before["weights"])}
        assigned = [name for name in source.assigns.get(label, ()) if name in local]
        changed = list(dict.fromkeys(assigned + changed_names(before["locals"], local)))
        changed += [name for name, moved in ((".grad", grads != before["grads"]),
                                             ("weights", any(v > 0 for v in weight_change.values())),
                                             ("scale", scale != before["scale"]),
                                             ("model.training", self.model.training != before["training"])) if moved]
        self._track_scaling(local, grads, before["grads"])
        arguments = set(source.code.co_varnames[: source.code.co_argcount])
        loss = local.get("loss")
        return StepRecord(
            line=label, source=source.text(label), batch=local.get("batch_idx"), training=self.model.training,
            loss=float(loss.detach().float()) if isinstance(loss, torch.Tensor) and loss.numel() == 1 else None,
            tensors={k: _tensor_info(v) for k, v in local.items() if isinstance(v, torch.Tensor)},
            grads=grads, weight_change=weight_change,
            counters={k: v for k, v in local.items() if _is_number(v) and k not in arguments},
            values={k: _short(local[k]) for k in changed if k in local and not _is_number(local[k])
                    and not isinstance(local[k], torch.Tensor)},
            changed=tuple(changed), printed=printed, skipped=label in source.skip,
            scale=scale, grads_scaled=self.scaled, result=result,
        )

    def grad_norms(self) -> dict[str, float | None]:
        """Every parameter's gradient norm, None where .grad is None."""
        return {name: (None if p.grad is None else float(torch.linalg.vector_norm(p.grad.detach().float())))
                for name, p in self.model.named_parameters()}

    def scaler(self, local: dict[str, Any]) -> Any:
        """The loop's enabled GradScaler (lesson 07), or None."""
        found = [v for v in (*local.values(), *self.loop_args.values()) if isinstance(v, torch.amp.GradScaler)]
        return found[0] if found and found[0].is_enabled() else None

    def _scale(self, local: dict[str, Any]) -> float | None:
        scaler = self.scaler(local)
        return None if scaler is None else float(scaler.get_scale())

    def _track_scaling(self, local: dict[str, Any], grads: dict, grads_before: dict) -> None:
        """Whether the gradients are still multiplied by the scale: from scaled backward to unscale_ or step."""
        scaler = self.scaler(local)
        stage = None if scaler is None else _scaler_stage(scaler, self.optimizer)
        if scaler is None or all(v is None for v in grads.values()) or stage in ("unscaled", "stepped"):
            self.scaled = False
        elif grads != grads_before and stage == "ready":
            self.scaled = True


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _tensor_info(value: torch.Tensor) -> TensorInfo:
    return TensorInfo(tuple(value.shape), str(value.dtype).replace("torch.", ""), str(value.device))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def changed_names(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
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


