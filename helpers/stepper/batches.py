"""What each batch did, seen when it ended (lesson 02): the numbers that show what a skipped line broke.

The tracer calls a BatchLog each time the batch loop's header runs, at full speed too, so "Run to
end" still shows, batch by batch, the gradient norm the step used, how far the weights moved and the
loss. The numbers stay tensors on the model's device until read: no host-device sync per batch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn


@dataclass(frozen=True)
class BatchStats:
    """One batch, when it ended: its loss, the global gradient norm left in .grad, how far its step moved the weights."""

    batch: int
    loss: float | None
    grad_norm: float | None  # None: no parameter had a gradient
    moved: float  # the norm of the change of all weights during this batch


class BatchLog:
    """Per-batch numbers, gathered at the batch loop's header (called from the loop's thread) (lesson 02)."""

    def __init__(self, model: nn.Module):
        self.params = list(model.parameters())
        self._weights: list[torch.Tensor] | None = None
        self._pending: list[tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None]] = []
        self._read: list[BatchStats] = []

    def __call__(self, local: Mapping[str, Any]) -> None:
        """The header runs: a batch begins, or none is left; the batch before it has ended."""
        weights = [p.detach().clone() for p in self.params]
        if self._weights is not None:
            grads = [p.grad.detach() for p in self.params if p.grad is not None]
            loss = local.get("loss")
            loss = loss.detach().float().reshape(()) if isinstance(loss, torch.Tensor) and loss.numel() == 1 else None
            self._pending.append((_norm([w - old for w, old in zip(weights, self._weights)]),
                                  _norm(grads) if grads else None, loss))
        self._weights = weights

    def stats(self) -> list[BatchStats]:
        """Every batch that has ended so far, as plain numbers (one host-device sync per call)."""
        if self._pending:
            moved, norms, losses = (_floats(list(column)) for column in zip(*self._pending))
            first = len(self._read)
            self._read += [BatchStats(first + i, loss, norm, move)
                           for i, (move, norm, loss) in enumerate(zip(moved, norms, losses))]
            self._pending = []
        return list(self._read)


def _norm(tensors: list[torch.Tensor]) -> torch.Tensor:
    """The global norm of several tensors, as clip_grad_norm_ measures it, kept as a tensor."""
    return torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(t.float()) for t in tensors]))


def _floats(values: list[torch.Tensor | None]) -> list[float | None]:
    """Tensors of one number each as floats, in one transfer; None stays None."""
    present = [v for v in values if v is not None]
    numbers = iter(torch.stack(present).tolist() if present else [])
    return [None if v is None else next(numbers) for v in values]


def findings(stats: list[BatchStats]) -> list[tuple[str, dict[str, Any]]]:
    """What went wrong over the batches, as message keys with their values (lesson 02's skip experiment).

    No gradient in any batch; a gradient norm that grows batch after batch (gradients piling up);
    weights that never moved; a loss that is not finite.
    """
    found: list[tuple[str, dict[str, Any]]] = []
    if not stats:
        return found
    norms = [s.grad_norm for s in stats]
    if all(n is None for n in norms):
        found.append(("step.find.no_grads", {"batches": len(stats)}))
    elif piling_up(norms):
        found.append(("step.find.piling", {"first": norms[0], "last": norms[-1], "batches": len(stats)}))
    if all(s.moved == 0 for s in stats):
        found.append(("step.find.frozen", {"batches": len(stats)}))
    bad = next((s for s in stats if s.loss is not None and not math.isfinite(s.loss)), None)
    if bad is not None:
        found.append(("step.find.nonfinite", {"batch": bad.batch}))
    return found


def piling_up(norms: list[float | None]) -> bool:
    """Whether a gradient norm grows batch after batch: at least 4 batches, rising in 9 steps of 10, ending 1.5x higher."""
    if len(norms) < 4 or any(n is None for n in norms):
        return False
    rises = sum(b > a for a, b in zip(norms, norms[1:]))
    return rises >= 0.9 * (len(norms) - 1) and norms[-1] >= 1.5 * norms[0]
