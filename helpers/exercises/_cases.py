"""What the lessons' checkers share: seeded little models, a tiny regression, a learner's number as a float."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn


def seeded(make: Callable[[], nn.Module], generator: torch.Generator, *, zero_bias: bool = False) -> nn.Module:
    """`make()` with every weight drawn from `generator` (biases 0 with `zero_bias`), leaving the learner's
    global random numbers untouched, so a case is the same however often it is built."""
    with torch.random.fork_rng(devices=[]):
        model = make()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if zero_bias and name.endswith("bias"):
                p.zero_()
            else:
                p.copy_(torch.randn(p.shape, generator=generator))
    return model


def regression(inputs: int, outputs: int, samples: int, *, seed: int, zero_bias: bool = False):
    """A seeded nn.Linear(inputs, outputs), `samples` random inputs and random targets: (model, data, targets)."""
    generator = torch.Generator().manual_seed(seed)
    model = seeded(lambda: nn.Linear(inputs, outputs), generator, zero_bias=zero_bias)
    return model, torch.randn(samples, inputs, generator=generator), torch.randn(samples, outputs, generator=generator)


def as_float(value: Any) -> float:
    """A learner's number: a Python number or a one-element tensor (a longer tensor raises)."""
    return float(value.detach().item() if isinstance(value, torch.Tensor) else value)
