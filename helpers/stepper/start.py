"""The stepper's starting point (lesson 02): everything a restart puts back, so every run starts from the same place.

The model's weights and gradients, the optimizer's state, the loop's other stateful arguments (a
GradScaler, a scheduler), torch's random state and the loader's shuffling generator.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn


@dataclass
class StartingPoint:
    """What the model, optimizer, random state and loader were when the stepper was made (lesson 02)."""

    model: nn.Module
    optimizer: torch.optim.Optimizer
    loader: Iterable
    loop_args: dict[str, Any]

    def __post_init__(self) -> None:
        generator = getattr(self.loader, "generator", None)
        self.state = {
            "model": copy.deepcopy(self.model.state_dict()),
            "grads": [None if p.grad is None else p.grad.detach().clone() for p in self.model.parameters()],
            "optimizer": copy.deepcopy(self.optimizer.state_dict()),
            "others": {k: copy.deepcopy(v.state_dict()) for k, v in self._stateful().items()},
            "rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None,
            "loader": generator.get_state() if isinstance(generator, torch.Generator) else None,
        }

    def _stateful(self) -> dict[str, Any]:
        """The loop's arguments that carry a state from step to step (a GradScaler, a scheduler)."""
        return {k: v for k, v in self.loop_args.items() if hasattr(v, "state_dict") and hasattr(v, "load_state_dict")}

    def restore(self) -> None:
        """Put everything back as it was when the stepper was made."""
        state = self.state
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(copy.deepcopy(state["optimizer"]))
        for p, grad in zip(self.model.parameters(), state["grads"]):
            p.grad = None if grad is None else grad.clone()  # as they were: matters when line 6 is skipped
        for key, value in self._stateful().items():
            value.load_state_dict(copy.deepcopy(state["others"][key]))
        torch.set_rng_state(state["rng"])
        if state["cuda_rng"] is not None:
            torch.cuda.set_rng_state_all(state["cuda_rng"])
        if state["loader"] is not None:
            self.loader.generator.set_state(state["loader"])
