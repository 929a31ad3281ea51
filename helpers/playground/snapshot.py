"""A copy of everything that decides a run's next steps (lesson 10): what Fork keeps and Reset goes back to.

Weights, the optimizer (its kind and state), the scheduler and the GradScaler if there are any, torch's random
state on the CPU and on every CUDA device, and the train loader's generator: the order of the next epoch's
batches. Restored, the same steps follow bitwise (tests/test_playground_controller.py).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn


@dataclass
class Weights:
    """The trained state: weights, optimizer (None before the first Start), scheduler and scaler."""

    model: dict[str, torch.Tensor]
    optimizer: dict[str, Any] | None = None
    optimizer_name: str | None = None
    scheduler: dict[str, Any] | None = None
    scaler: dict[str, Any] | None = None


@dataclass
class RandomState:
    """torch's CPU and CUDA generators and the data order's generator (None where there is none)."""

    cpu: torch.Tensor
    cuda: list[torch.Tensor] | None
    data: torch.Tensor | None


def copy_weights(model: nn.Module, run: Any = None, optimizer_name: str | None = None) -> Weights:
    """A deep copy of the model's weights and, once a run exists, its optimizer, scheduler and scaler."""
    weights = Weights({k: v.detach().clone() for k, v in model.state_dict().items()})
    if run is not None:
        weights.optimizer = copy.deepcopy(run.optimizer.state_dict())
        weights.optimizer_name = optimizer_name
        weights.scheduler = copy.deepcopy(run.scheduler.state_dict()) if run.scheduler is not None else None
        weights.scaler = copy.deepcopy(run.scaler.state_dict()) if run.scaler is not None else None
    return weights


def load_weights(weights: Weights, model: nn.Module, run: Any = None) -> None:
    """Put copied weights back (and the optimizer's, scheduler's and scaler's state into `run`'s)."""
    model.load_state_dict(weights.model)
    if run is None or weights.optimizer is None:
        return
    # A copy again: load_state_dict keeps the tensors it is given, and the optimizer updates them in place.
    run.optimizer.load_state_dict(copy.deepcopy(weights.optimizer))
    if run.scheduler is not None and weights.scheduler is not None:
        run.scheduler.load_state_dict(copy.deepcopy(weights.scheduler))
    if run.scaler is not None and weights.scaler is not None:
        run.scaler.load_state_dict(copy.deepcopy(weights.scaler))


def copy_random(train_loader: Any) -> RandomState:
    """The generators that decide dropout, initialisations and the data order, as they are now."""
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() and torch.cuda.is_initialized() else None
    generator = getattr(train_loader, "generator", None)
    data = generator.get_state() if isinstance(generator, torch.Generator) else None
    return RandomState(torch.get_rng_state(), cuda, data)


def load_random(state: RandomState, train_loader: Any) -> None:
    """Set the generators back to a copied state."""
    torch.set_rng_state(state.cpu)
    if state.cuda is not None:
        torch.cuda.set_rng_state_all(state.cuda)
    generator = getattr(train_loader, "generator", None)
    if state.data is not None and isinstance(generator, torch.Generator):
        generator.set_state(state.data)
