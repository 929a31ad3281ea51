"""`fit`: the lessons' loop run for many epochs, with validation, schedulers, checkpoints and early stopping.

It adds no second loop: every epoch is `train_one_epoch` then `validate` (lessons 02-03), and the
extras are the few lines lessons 06-08 teach, placed where they teach them.
"""

from __future__ import annotations

import contextlib
import copy
import math
import os
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.optim.lr_scheduler import CyclicLR, OneCycleLR, ReduceLROnPlateau
from torch.utils.data import DataLoader

from .amp import resolve_amp
from .checkpoint import load_checkpoint, rng_state, save_checkpoint, set_rng_state
from .device import get_device
from .doctor import Watch
from .i18n import check_language, first_line, get_language, t
from .loop import NonFiniteLossError, train_one_epoch, validate

PER_BATCH_SCHEDULERS = (OneCycleLR, CyclicLR)
HISTORY_KEYS = ("epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr", "seconds")


class History(dict):
    """Per-epoch numbers of a run, one list per key; `history.plot()` draws them (lesson 02)."""

    def __init__(self, data: dict[str, list] | None = None):
        super().__init__({key: list((data or {}).get(key, [])) for key in HISTORY_KEYS})

    def add(self, **values: float) -> None:
        for key in HISTORY_KEYS:
            self[key].append(values[key])

    def plot(self, *, lang: str | None = None):
        from .plots import plot_history

        return plot_history(self, lang=lang)


@dataclass
class EarlyStopping:
    """Stop when the monitored value has not improved by `min_delta` for `patience` epochs (lesson 08)."""

    patience: int = 5
    min_delta: float = 0.0
    mode: str = "min"
    monitor: str = "val_loss"
    best: float | None = None
    best_epoch: int = 0
    bad_epochs: int = 0

    def __post_init__(self):
        if self.mode not in ("min", "max"):
            raise ValueError(t("fit.bad_mode", value=self.mode))
        if isinstance(self.patience, bool) or not isinstance(self.patience, int) or self.patience < 1:
            raise ValueError(t("fit.bad_patience", value=self.patience))
        if self.monitor not in HISTORY_KEYS:
            raise ValueError(t("fit.bad_monitor", value=self.monitor, keys=", ".join(HISTORY_KEYS)))

    def update(self, value: float, epoch: int) -> bool:
        """Record this epoch's value; True when it is a new best."""
        better = self.best is None or (
            value < self.best - self.min_delta if self.mode == "min" else value > self.best + self.min_delta
        )
        if better:
            self.best, self.best_epoch, self.bad_epochs = value, epoch, 0
        else:
            self.bad_epochs += 1
        return better

    @property
    def should_stop(self) -> bool:
        return self.bad_epochs >= self.patience


def scheduler_interval(scheduler: object, interval: str = "auto", *, lang: str | None = None) -> str | None:
    """When to call scheduler.step(): 'batch', 'epoch' or 'metric' (with the validation loss) (lesson 06)."""
    if interval not in ("auto", "batch", "epoch", "metric"):
        raise ValueError(t("fit.bad_scheduler_interval", lang, value=interval))
    if scheduler is None:
        return None
    if interval == "auto":
        if isinstance(scheduler, ReduceLROnPlateau):
            return "metric"
        return "batch" if isinstance(scheduler, PER_BATCH_SCHEDULERS) else "epoch"
    return interval


def fit(
    model: nn.Module,
    train_loader: Iterable,
    val_loader: Iterable,
    *,
    epochs: int,
    optimizer: torch.optim.Optimizer,
    criterion: nn.Module,
    device: torch.device | str | None = None,
    scheduler: object | None = None,
    scheduler_step: str = "auto",
    amp: str | bool = "auto",
    max_grad_norm: float | None = None,
    accumulation_steps: int = 1,
    checkpoint: str | os.PathLike | None = None,
    resume: bool = False,
    early_stopping: EarlyStopping | None = None,
    log_interval: int | None = 100,
    progress: bool = True,
    watch: bool = True,
    lang: str | None = None,
) -> History:
    """Train `epochs` epochs, validating after each; returns the History (lessons 07-08).

    Stops cleanly, keeping the model and the history, on Ctrl-C (or the notebook's stop
    button), on early stopping, and on a non-finite loss (restoring the last good weights).
    With `watch=True` the mistake doctor (lesson 09) reports each setup problem it sees, once.
    `log_interval=None` prints one line per epoch and no per-batch lines.
    """
    lang = check_language(lang or get_language())
    device = get_device(device, lang=lang) if device is not None else get_device()
    interval = scheduler_interval(scheduler, scheduler_step, lang=lang)
    _check_arguments(epochs=epochs, optimizer=optimizer, accumulation_steps=accumulation_steps,
                     max_grad_norm=max_grad_norm, log_interval=log_interval, lang=lang)
    precision = resolve_amp(amp, device, lang=lang)
    _check_loader(train_loader, "train_loader", lang)
    _check_loader(val_loader, "val_loader", lang)
    model.to(device)
    for loader in (train_loader, val_loader):
        _feed_device(loader, device)

    history, start, best_state = History(), 1, None
    if resume and checkpoint is not None and Path(checkpoint).exists():
        history, start, best_state = _restore(Path(checkpoint), model, optimizer, scheduler, precision,
                                              early_stopping, (train_loader, val_loader), device, lang)
        if early_stopping is not None and early_stopping.should_stop:
            start = epochs + 1  # that run had already stopped early: nothing left to train
    elif resume:
        print(t("fit.fresh_start", lang))

    say = print
    epoch_range = range(start, epochs + 1)
    if progress:
        from tqdm.auto import tqdm

        epoch_range = tqdm(epoch_range, desc=t("demo.progress", lang), total=epochs, initial=start - 1)
        say = tqdm.write

    epoch = start - 1
    with contextlib.ExitStack() as cleanup:  # leave hooks and progress bar tidy, however the run ends
        if watch:
            cleanup.enter_context(Watch(model, optimizer, criterion, lang=lang, say=say))
        if progress:
            cleanup.callback(epoch_range.close)
        try:
            for epoch in epoch_range:
                began = time.perf_counter()
                lr = optimizer.param_groups[0]["lr"]  # the rate this epoch starts with
                last_good = _snapshot(model) if device.type != "cpu" else None
                try:
                    train_loss, train_acc = train_one_epoch(
                        model, device, train_loader, optimizer, criterion, log_interval or 100,
                        log=say if log_interval else _quiet,
                        precision=precision, max_grad_norm=max_grad_norm, accumulation_steps=accumulation_steps,
                        scheduler=scheduler if interval == "batch" else None)
                except NonFiniteLossError as error:
                    if last_good is not None:  # on a GPU the check is sparse: go back to the epoch's start
                        model.load_state_dict(last_good)
                    say(t("fit.nonfinite", lang, epoch=epoch, batch=error.batch, loss=error.loss))
                    break
                val_loss, val_acc = validate(model, val_loader, criterion, device)
                if interval == "epoch":
                    scheduler.step()
                elif interval == "metric":
                    scheduler.step(val_loss)
                history.add(epoch=epoch, train_loss=train_loss, train_acc=train_acc, val_loss=val_loss,
                            val_acc=val_acc, lr=float(lr), seconds=time.perf_counter() - began)
                say(t("fit.epoch", lang, epoch=epoch, epochs=epochs, train_loss=train_loss, train_acc=train_acc,
                      val_loss=val_loss, val_acc=val_acc, lr=float(lr)))
                stop = False
                if early_stopping is not None:
                    if early_stopping.update(history[early_stopping.monitor][-1], epoch):
                        best_state = _snapshot(model)
                    stop = early_stopping.should_stop
                if checkpoint is not None:
                    save_checkpoint(checkpoint, _state(model, optimizer, scheduler, precision, epoch, history,
                                                       early_stopping, best_state, (train_loader, val_loader)))
                if stop:
                    say(t("fit.early_stop", lang, epoch=epoch, patience=early_stopping.patience,
                          best_epoch=early_stopping.best_epoch, best=early_stopping.best))
                    break
        except KeyboardInterrupt:
            say(t("fit.interrupted", lang, epoch=epoch, done=len(history["epoch"])))
    if early_stopping is not None and best_state is not None and early_stopping.best_epoch != epoch:
        model.load_state_dict(best_state)
        say(t("fit.restored_best", lang, best_epoch=early_stopping.best_epoch, best=early_stopping.best))
    return history


def _feed_device(loader: Iterable, device: torch.device) -> None:
    """Get batches to the device cheaply: preloaded tensors move once; a DataLoader pins its CPU batches."""
    if isinstance(loader, DataLoader):
        if device.type == "cuda" and not loader.pin_memory:
            # Page-locked batches let .to(device, non_blocking=True) copy while the GPU computes.
            loader.pin_memory = True
    elif hasattr(loader, "to") and hasattr(loader, "dataset"):
        loader.to(device)  # preloaded tensors (helpers.TensorLoader): moved once, not every batch


def _quiet(_line: str) -> None:
    """fit(log_interval=None): no per-batch lines, only one line per epoch."""


def _snapshot(model: nn.Module) -> dict[str, torch.Tensor]:
    """A copy of the weights that later steps cannot change."""
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _state(model, optimizer, scheduler, precision, epoch, history, early_stopping, best_state, loaders) -> dict[str, Any]:
    """Everything a run needs to continue exactly where it stopped: one plain dict (lesson 08)."""
    return {
        "epoch": epoch,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
        "scaler": precision.scaler.state_dict() if precision.scaler is not None else None,
        "history": dict(history),
        "early_stopping": asdict(early_stopping) if early_stopping is not None else None,
        "best_model": best_state,
        "rng": rng_state(*loaders),
    }


def _restore(path, model, optimizer, scheduler, precision, early_stopping, loaders, device, lang):
    """Load a checkpoint into the running objects; returns (history, first epoch to run, best weights)."""
    state = load_checkpoint(path, map_location=device, lang=lang)
    needed = ("epoch", "model", "optimizer", "history", "rng")
    missing = [key for key in needed if not isinstance(state, dict) or key not in state]
    if missing:
        raise ValueError(t("ckpt.mismatch", lang, path=path, reason="missing " + ", ".join(missing)))
    weights, optimizer_state = _snapshot(model), copy.deepcopy(optimizer.state_dict())
    try:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
    except (RuntimeError, ValueError, KeyError) as error:
        model.load_state_dict(weights)  # a failed load may have copied some tensors already
        optimizer.load_state_dict(optimizer_state)
        raise ValueError(t("ckpt.mismatch", lang, path=path, reason=first_line(error))) from error
    if scheduler is not None and state.get("scheduler") is not None:
        scheduler.load_state_dict(state["scheduler"])
    if precision.scaler is not None and state.get("scaler") is not None:
        precision.scaler.load_state_dict(state["scaler"])
        precision.stepped = True
    if early_stopping is not None and state.get("early_stopping"):
        for key, value in state["early_stopping"].items():
            setattr(early_stopping, key, value)
    set_rng_state(state["rng"], *loaders)
    print(t("fit.resumed", lang, path=path, epoch=state["epoch"]))
    return History(state["history"]), state["epoch"] + 1, state.get("best_model")


def _is_whole(value: object, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _check_arguments(*, epochs, optimizer, accumulation_steps, max_grad_norm, log_interval, lang) -> None:
    """Refuse a bad setting before any training starts, with a message that names it."""
    if not _is_whole(epochs, 1):
        raise ValueError(t("fit.bad_epochs", lang, value=epochs))
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(t("fit.bad_optimizer", lang, value=type(optimizer).__name__))
    for group in optimizer.param_groups:
        lr = float(group["lr"])
        if not math.isfinite(lr) or lr < 0:
            raise ValueError(t("fit.bad_lr", lang, value=lr))
    if not _is_whole(accumulation_steps, 1):
        raise ValueError(t("fit.bad_accumulation", lang, value=accumulation_steps))
    if max_grad_norm is not None and (isinstance(max_grad_norm, bool) or not isinstance(max_grad_norm, (int, float))
                                      or not max_grad_norm > 0):
        raise ValueError(t("fit.bad_clip", lang, value=max_grad_norm))
    if log_interval is not None and not _is_whole(log_interval, 1):
        raise ValueError(t("fit.bad_log_interval", lang, value=log_interval))


def _check_loader(loader: Iterable, name: str, lang: str) -> None:
    """The first batch must be (inputs, targets) tensors; looked at without using up any random numbers."""
    generator = getattr(loader, "generator", None)
    saved = generator.get_state() if isinstance(generator, torch.Generator) else None
    with torch.random.fork_rng(devices=[]):  # a shuffling loader draws from the global generator
        try:
            batch = next(iter(loader))
        except StopIteration:
            raise ValueError(t("fit.empty_loader", lang, name=name)) from None
        except TypeError as error:
            raise TypeError(t("fit.bad_loader", lang, name=name, got=type(loader).__name__)) from error
    if saved is not None:
        generator.set_state(saved)
    ok = isinstance(batch, (tuple, list)) and len(batch) == 2 and all(isinstance(x, torch.Tensor) for x in batch)
    if not ok:
        got = type(batch).__name__ + (f" of {len(batch)}" if isinstance(batch, (tuple, list)) else "")
        raise TypeError(t("fit.bad_loader", lang, name=name, got=got))


__all__ = ["EarlyStopping", "History", "fit", "scheduler_interval"]
