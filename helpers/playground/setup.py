"""The playground's default course setup (lesson 10): DigitClassifier on the digits, seeded."""

from __future__ import annotations

import torch
from torch import nn

from .. import data, models
from .. import device as devices
from ..data import TensorLoader


def digits_setup(*, seed: int = 0, batch_size: int = 64, lang: str | None = None) -> tuple[nn.Module, TensorLoader,
                                                                                          TensorLoader]:
    """(model, train_loader, val_loader): lesson 01's DigitClassifier on the digits, the same for the same seed."""
    devices.seed_everything(seed)  # the same seed: the same first weights and batches, also after Reset
    train, val = data.get_loaders(batch_size=batch_size, seed=seed, lang=lang)[:2]
    return models.DigitClassifier(), train, val


def setup(model: nn.Module | None, train_loader, val_loader, *, device: torch.device | str | None, seed: int,
          batch_size: int, lang: str) -> tuple[torch.device, nn.Module, TensorLoader, TensorLoader]:
    """The device (the one asked for, else the best there is) and the model on it with its loaders (lesson 10).

    A model and both loaders, or none of them: then `digits_setup`. The train loader is a TensorLoader (or any
    loader whose `batch_size` may change between batches): the batch size control writes it at the next batch.
    """
    device = devices.get_device(device, lang=lang)
    if model is None or train_loader is None or val_loader is None:
        model, train_loader, val_loader = digits_setup(seed=seed, batch_size=batch_size, lang=lang)
    return device, model.to(device), train_loader, val_loader
