"""The one epoch driver, `Run`, and `fit` on top of it: schedulers, checkpoints and early stopping.

There is no second loop: every epoch anywhere in `helpers` (fit, the playground, `python -m helpers`)
is `Run.epoch()`, which is `train_one_epoch` then `validate` (lessons 02-03); the extras are the few
lines lessons 06-08 teach, placed where they teach them.
"""

from __future__ import annotations

import contextlib
import copy
import math
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.optim.lr_scheduler import CyclicLR, OneCycleLR, ReduceLROnPlateau
from torch.utils.data import DataLoader

from .amp import Precision, resolve_amp
from .checkpoint import load_checkpoint, rng_state, save_checkpoint, set_rng_state
from .checks import is_whole
from .device import get_device
from .distributed import barrier, gather, is_main, rank, set_epoch, unwrap, world_size
from .doctor import Watch
from .i18n import check_language, first_line, get_language, register, t
from .loop import NonFiniteLossError, StopTraining, train_one_epoch, validate

PER_BATCH_SCHEDULERS = (OneCycleLR, CyclicLR)
HISTORY_KEYS = ("epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr", "seconds")
SETTINGS = ("patience", "min_delta", "mode", "monitor")  # EarlyStopping's settings; the rest is counted state


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
    """Stop when the monitored value has not improved by `min_delta` for `patience` epochs (lesson 08).

    It keeps a copy of the weights of its best epoch (`best_weights`, when `update` is given the model), so
    that `fit` can put them back at the end and a checkpoint can carry them.
    """

    patience: int = 5
    min_delta: float = 0.0
    mode: str = "min"
    monitor: str = "val_loss"
    best: float | None = None
    best_epoch: int = 0
    bad_epochs: int = 0
    best_weights: dict[str, torch.Tensor] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        if self.mode not in ("min", "max"):
            raise ValueError(t("fit.bad_mode", value=self.mode))
        if not is_whole(self.patience, 1):
            raise ValueError(t("fit.bad_patience", value=self.patience))
        if self.monitor not in HISTORY_KEYS:
            raise ValueError(t("fit.bad_monitor", value=self.monitor, keys=", ".join(HISTORY_KEYS)))

    def update(self, value: float, epoch: int, *, model: nn.Module | None = None) -> bool:
        """Record this epoch's value; True when it is a new best, whose weights are then copied from `model`."""
        better = self.best is None or (
            value < self.best - self.min_delta if self.mode == "min" else value > self.best + self.min_delta
        )
        if better:
            self.best, self.best_epoch, self.bad_epochs = value, epoch, 0
            if model is not None:
                self.best_weights = _snapshot(model)
        else:
            self.bad_epochs += 1
        return better

    @property
    def should_stop(self) -> bool:
        return self.bad_epochs >= self.patience

    def restore_best(self, model: nn.Module, *, unless_epoch: int | None = None) -> bool:
        """Put the best epoch's weights back into `model`, unless that epoch is `unless_epoch` (they are there)."""
        if self.best_weights is None or self.best_epoch == unless_epoch:
            return False
        unwrap(model).load_state_dict(self.best_weights)
        return True

    def settings(self) -> dict[str, Any]:
        """What the learner chose (patience, min_delta, mode, monitor), apart from what a run has counted."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name in SETTINGS}

    def state_dict(self) -> dict[str, Any]:
        """The settings and the counted state, for a checkpoint (lesson 08); the best weights travel beside it."""
        return {"settings": self.settings(), "best": self.best, "best_epoch": self.best_epoch,
                "bad_epochs": self.bad_epochs}

    def load_state_dict(self, state: dict[str, Any], *, history: dict[str, list] | None = None,
                        best_weights: dict[str, torch.Tensor] | None = None) -> dict[str, tuple]:
        """Continue from a checkpoint's state, keeping *these* settings; returns {setting: (saved, now)} that differ.

        With another monitor, mode or min_delta the saved best means something else: the state is then
        counted again from `history`, the per-epoch numbers the run has recorded (lesson 08), and the saved
        `best_weights` are kept only if the best epoch is still the same one.
        """
        saved = state.get("settings", {})
        changed = {key: (saved[key], value) for key, value in self.settings().items()
                   if key in saved and saved[key] != value}
        if set(changed) <= {"patience"}:  # same best and same count; only the limit moved
            self.best, self.best_epoch, self.bad_epochs = state["best"], state["best_epoch"], state["bad_epochs"]
        else:
            self.best, self.best_epoch, self.bad_epochs = None, 0, 0
            history = history or {}
            for epoch, value in zip(history.get("epoch", []), history.get(self.monitor, [])):
                self.update(value, epoch)
        self.best_weights = best_weights if state.get("best_epoch") == self.best_epoch else None
        return changed


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


class Run:
    """One training run: its pieces, its state and its History; `epoch()` trains and validates one epoch.

    The one epoch driver of `helpers` (lessons 02-03 and 06-08): `fit`, the playground (lesson 10)
    and `python -m helpers` all train through it. Anything may be replaced between two epochs
    (`run.optimizer = ...`, `run.set_precision(...)`); `on_batch` is called after every batch.
    `checkpoint()` is everything that continues the run exactly, `save()` writes it, `resume()` reads it back.
    """

    def __init__(
        self,
        model: nn.Module,
        train_loader: Iterable,
        val_loader: Iterable,
        *,
        optimizer: torch.optim.Optimizer,
        criterion: nn.Module,
        device: torch.device,
        precision: Precision | None = None,
        scheduler: object | None = None,
        scheduler_step: str = "auto",
        max_grad_norm: float | None = None,
        accumulation_steps: int = 1,
        log_interval: int | None = 100,
        check_every: int | None = None,
        say: Callable[[str], object] = print,
        on_batch: Callable[[int, torch.Tensor], object] | None = None,
        lang: str | None = None,
    ):
        self.model, self.train_loader, self.val_loader = model.to(device), train_loader, val_loader
        self.optimizer, self.criterion, self.device = optimizer, criterion, device
        self.scheduler = scheduler
        self.interval = scheduler_interval(scheduler, scheduler_step, lang=lang)
        self.max_grad_norm, self.accumulation_steps = max_grad_norm, accumulation_steps
        self.log_interval, self.check_every = log_interval, check_every
        self.say, self.on_batch, self.lang = say, on_batch, lang
        self.precision = precision or Precision(device_type=device.type)
        self.scaler = self.precision.make_scaler()  # run state: its loss scale adapts as training goes
        self.history = History()
        # A DistributedSampler's epoch for epoch 1: 0, as in PyTorch's recipe (`for epoch in range(n):
        # sampler.set_epoch(epoch)`), so fit under torchrun equals a learner's plain DDP loop (lesson 11).
        self.sampler_epochs_from = 0
        for loader in (train_loader, val_loader):
            _feed_device(loader, device)

    @property
    def next_epoch(self) -> int:
        """The number the next epoch will carry: one more than the last one recorded."""
        epochs = self.history["epoch"]
        return epochs[-1] + 1 if epochs else 1

    def set_precision(self, precision: Precision) -> None:
        """Mixed precision on or off from the next epoch, with a fresh GradScaler when it needs one."""
        self.precision, self.scaler = precision, precision.make_scaler()

    def epoch(self, *, of: int | None = None) -> dict[str, float]:
        """Train one epoch, validate, step an epoch scheduler, record and report it; returns the History row.

        `of` is the number of epochs the caller plans, for the "Epoch 3/10" line. A non-finite loss
        raises NonFiniteLossError with the weights of the epoch's start on a GPU (where the check is sparse).
        """
        epoch, began = self.next_epoch, time.perf_counter()
        # A DistributedSampler reshuffles by epoch (lesson 11): epochs 1, 2, ... are its 0, 1, ...
        set_epoch((self.train_loader, self.val_loader), epoch - 1 + self.sampler_epochs_from)
        lr = float(self.optimizer.param_groups[0]["lr"])  # the rate this epoch starts with
        last_good = _snapshot(self.model) if self.device.type != "cpu" else None
        try:
            train_loss, train_acc = train_one_epoch(
                self.model, self.device, self.train_loader, self.optimizer, self.criterion, self.log_interval,
                log=self.say, check_every=self.check_every, precision=self.precision, scaler=self.scaler,
                max_grad_norm=self.max_grad_norm, accumulation_steps=self.accumulation_steps,
                scheduler=self.scheduler if self.interval == "batch" else None, on_batch=self.on_batch)
        except NonFiniteLossError:
            if last_good is not None:
                unwrap(self.model).load_state_dict(last_good)
            raise
        val_loss, val_acc = validate(self.model, self.val_loader, self.criterion, self.device)
        if self.interval == "epoch":
            self.scheduler.step()
        elif self.interval == "metric":
            self.scheduler.step(val_loss)
        row = dict(epoch=epoch, train_loss=train_loss, train_acc=train_acc, val_loss=val_loss, val_acc=val_acc,
                   lr=lr, seconds=time.perf_counter() - began)
        self.history.add(**row)
        if is_main():  # several processes (lesson 11): the same row everywhere, printed once
            self.say(t("fit.epoch", self.lang, epochs=of or epoch, **row))
        return row

    def checkpoint(self, early_stopping: EarlyStopping | None = None) -> dict[str, Any]:
        """Everything the run needs to continue exactly where it stopped, as one plain dict (lesson 08).

        Model, optimizer, scheduler, scaler, history, early stopping with its best weights, and every random
        number generator. Under torchrun every rank must call it: it gathers each rank's generators (lesson 11).
        """
        rng = rng_state(self.train_loader, self.val_loader)
        return {
            "epoch": self.next_epoch - 1,
            "model": unwrap(self.model).state_dict(),  # without DDP's "module." prefix: loads into a plain model
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict() if self.scheduler is not None else None,
            "scaler": self.scaler.state_dict() if self.scaler is not None else None,
            "history": dict(self.history),
            "early_stopping": early_stopping.state_dict() if early_stopping is not None else None,
            "best_model": early_stopping.best_weights if early_stopping is not None else None,
            "sampler_epochs_from": self.sampler_epochs_from,
            "rng": rng,
            # Several processes (lesson 11): each rank's own generators (dropout differs by rank), in rank order.
            **({"rng_ranks": gather(rng)} if world_size() > 1 else {}),
        }

    def save(self, path: str | os.PathLike, early_stopping: EarlyStopping | None = None) -> None:
        """Write `checkpoint()` to `path`: rank 0 writes, and every rank waits until the file is whole (lesson 11)."""
        state = self.checkpoint(early_stopping)  # on every rank: it gathers their RNGs
        if is_main():
            save_checkpoint(path, state)
        barrier()

    def resume(self, path: str | os.PathLike, early_stopping: EarlyStopping | None = None) -> None:
        """Continue from the checkpoint at `path`: the run, early stopping (with this call's settings), the RNGs.

        A checkpoint that does not fit changes nothing and raises a ValueError that says why (lesson 08).
        """
        path, lang = Path(path), self.lang
        state = load_checkpoint(path, map_location=self.device, lang=lang)
        if not isinstance(state, dict):
            raise ValueError(t("ckpt.mismatch", lang, path=path, reason=f"not a dict but {type(state).__name__}"))
        missing = [key for key in ("epoch", "model", "optimizer", "history", "rng") if key not in state]
        if missing:
            raise ValueError(t("ckpt.mismatch", lang, path=path, reason="missing " + ", ".join(missing)))
        self._load(state, path)
        saved = state.get("early_stopping")
        if early_stopping is not None and saved:
            changed = early_stopping.load_state_dict(saved, history=self.history, best_weights=state.get("best_model"))
            if changed and is_main():
                print(t("fit.early_stopping_changed", lang,
                        changes=", ".join(f"{key} {old!r} → {new!r}" for key, (old, new) in changed.items())))
        # Checkpoints from before helpers numbered the sampler's epochs from 0 (as PyTorch does) counted from 1:
        # such a run goes on counting as it began, so it continues exactly as it would have (lesson 11).
        self.sampler_epochs_from = state.get("sampler_epochs_from", 1)
        ranks = state.get("rng_ranks") or []
        set_rng_state(ranks[rank()] if len(ranks) == world_size() else state["rng"], self.train_loader,
                      self.val_loader)
        if is_main():
            print(t("fit.resumed", lang, path=path, epoch=state["epoch"]))

    def _load(self, state: dict[str, Any], path: Path) -> None:
        """Model, optimizer, scheduler, scaler and history from `state`; on a mismatch nothing changes."""
        weights, optimizer_state = _snapshot(self.model), copy.deepcopy(self.optimizer.state_dict())
        try:
            unwrap(self.model).load_state_dict(state["model"])
            self.optimizer.load_state_dict(state["optimizer"])
        except (RuntimeError, ValueError, KeyError) as error:
            unwrap(self.model).load_state_dict(weights)  # a failed load may have copied some tensors already
            self.optimizer.load_state_dict(optimizer_state)
            raise ValueError(t("ckpt.mismatch", self.lang, path=path, reason=first_line(error))) from error
        if self.scheduler is not None and state.get("scheduler") is not None:
            self.scheduler.load_state_dict(state["scheduler"])
        if self.scaler is not None and state.get("scaler") is not None:
            self.scaler.load_state_dict(state["scaler"])
        self.history = History(state["history"])


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
    on_epoch: Callable[[dict[str, float]], object] | None = None,
    lang: str | None = None,
) -> History:
    """Train `epochs` epochs, validating after each; returns the History (lessons 07-08).

    Stops cleanly, keeping the model and the history, on Ctrl-C (or the notebook's stop
    button), on early stopping, and on a non-finite loss (restoring the last good weights).
    With `watch=True` the mistake doctor (lesson 09) reports each setup problem it sees, once.
    `log_interval=None` prints one line per epoch and no per-batch lines. `on_epoch(row)` runs after
    each epoch (after early stopping and the checkpoint) with that epoch's History row: your own
    logging, or anything that must happen between two epochs.
    """
    lang = check_language(lang or get_language())
    device = get_device(device, lang=lang)
    _check_arguments(epochs=epochs, optimizer=optimizer, scheduler_step=scheduler_step, max_grad_norm=max_grad_norm,
                     accumulation_steps=accumulation_steps, log_interval=log_interval, lang=lang)
    main = is_main()  # several processes (lesson 11): rank 0 alone prints, shows progress and writes files
    precision = resolve_amp(amp, device, lang=lang, say=print if main else _silent)  # advice from rank 0 only
    _check_loader(train_loader, "train_loader", lang)
    _check_loader(val_loader, "val_loader", lang)
    bar = progress and main
    say = (_tqdm().write if bar else print) if main else _silent
    run = Run(model, train_loader, val_loader, optimizer=optimizer, criterion=criterion, device=device,
              precision=precision, scheduler=scheduler, scheduler_step=scheduler_step, max_grad_norm=max_grad_norm,
              accumulation_steps=accumulation_steps, log_interval=log_interval, say=say, lang=lang)
    if resume and checkpoint is not None and Path(checkpoint).exists():
        run.resume(checkpoint, early_stopping)
    elif resume and main:
        print(t("fit.fresh_start", lang))
    stopped_before = early_stopping is not None and early_stopping.should_stop  # nothing left to train
    start = epochs + 1 if stopped_before else run.next_epoch
    numbers = range(start, epochs + 1)
    if bar:
        numbers = _tqdm()(numbers, desc=t("fit.progress", lang), total=epochs, initial=min(start - 1, epochs))
    epoch, partial = start - 1, False  # partial: the weights are from the middle of an epoch
    with contextlib.ExitStack() as cleanup:  # leave hooks and progress bar tidy, however the run ends
        if watch:
            cleanup.enter_context(Watch(model, optimizer, criterion, lang=lang, say=say))
        if bar:
            cleanup.callback(numbers.close)
        try:
            for epoch in numbers:
                try:
                    row = run.epoch(of=epochs)
                except NonFiniteLossError as error:
                    say(t("fit.nonfinite", lang, epoch=epoch, batch=error.batch, loss=error.loss))
                    partial = True
                    break
                if early_stopping is not None:
                    early_stopping.update(row[early_stopping.monitor], epoch, model=model)
                stop = early_stopping is not None and early_stopping.should_stop
                if checkpoint is not None:
                    run.save(checkpoint, early_stopping)
                if on_epoch is not None:
                    on_epoch(row)
                if stop:
                    say(t("fit.early_stop", lang, epoch=epoch, patience=early_stopping.patience,
                          best_epoch=early_stopping.best_epoch, best=early_stopping.best))
                    break
        except (KeyboardInterrupt, StopTraining):
            say(t("fit.interrupted", lang, epoch=epoch, done=len(run.history["epoch"])))
            partial = True
    last = None if partial else run.next_epoch - 1  # a finished last epoch that was the best: its weights are there
    if early_stopping is not None and early_stopping.restore_best(model, unless_epoch=last):
        say(t("fit.restored_best", lang, best_epoch=early_stopping.best_epoch, best=early_stopping.best))
    return run.history


def _tqdm():
    """tqdm's notebook-or-terminal progress bar, imported only when a bar is shown."""
    from tqdm.auto import tqdm

    return tqdm


def _feed_device(loader: Iterable, device: torch.device) -> None:
    """Get batches to the device cheaply: preloaded tensors move once; a DataLoader pins its CPU batches."""
    if isinstance(loader, DataLoader):
        if device.type == "cuda" and not loader.pin_memory:
            # Page-locked batches let .to(device, non_blocking=True) copy while the GPU computes.
            loader.pin_memory = True
    elif hasattr(loader, "to") and hasattr(loader, "dataset"):
        loader.to(device)  # preloaded tensors (helpers.TensorLoader): moved once, not every batch


def _snapshot(model: nn.Module) -> dict[str, torch.Tensor]:
    """A copy of the weights that later steps cannot change (of the model inside DDP, lesson 11)."""
    return {k: v.detach().clone() for k, v in unwrap(model).state_dict().items()}


def _silent(_line: str) -> None:
    """What ranks other than 0 print: nothing (lesson 11)."""


def _check_arguments(*, epochs, optimizer, scheduler_step, accumulation_steps, max_grad_norm, log_interval,
                     lang) -> None:
    """Refuse a bad setting before any training starts, with a message that names it."""
    if not is_whole(epochs, 1):
        raise ValueError(t("fit.bad_epochs", lang, value=epochs))
    scheduler_interval(None, scheduler_step, lang=lang)  # a wrong name is refused even without a scheduler
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(t("fit.bad_optimizer", lang, value=type(optimizer).__name__))
    for group in optimizer.param_groups:
        lr = float(group["lr"])
        if not math.isfinite(lr) or lr < 0:
            raise ValueError(t("fit.bad_lr", lang, value=lr))
    if not is_whole(accumulation_steps, 1):
        raise ValueError(t("fit.bad_accumulation", lang, value=accumulation_steps))
    if max_grad_norm is not None and (isinstance(max_grad_norm, bool) or not isinstance(max_grad_norm, (int, float))
                                      or not max_grad_norm > 0):
        raise ValueError(t("fit.bad_clip", lang, value=max_grad_norm))
    if log_interval is not None and not is_whole(log_interval, 1):
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


MESSAGES: dict[str, dict[str, str]] = {
    "fit.epoch": {
        "en": "Epoch {epoch}/{epochs} | train loss {train_loss:.4f}, acc {train_acc:.1%} | "
        "val loss {val_loss:.4f}, acc {val_acc:.1%} | lr {lr:.2e}",
        "bn": "ইপক {epoch}/{epochs} | ট্রেন লস {train_loss:.4f}, সঠিকতা {train_acc:.1%} | "
        "ভ্যালিডেশন লস {val_loss:.4f}, সঠিকতা {val_acc:.1%} | lr {lr:.2e}",
    },
    "fit.nonfinite": {
        "en": "Stopped: the loss became {loss} at epoch {epoch}, batch {batch}. The weights are the last good "
        "ones and the history is kept. Try a smaller learning rate (e.g. 10x lower) or gradient clipping "
        "(max_grad_norm=1.0), and check the data for nan values.",
        "bn": "থামানো হলো: ইপক {epoch}, ব্যাচ {batch}-এ লস {loss} হয়ে গেছে। ওজনগুলো শেষ ভালো অবস্থায় আছে, "
        "হিস্ট্রিও রাখা আছে। লার্নিং রেট কমিয়ে দেখো (যেমন 10 দিয়ে ভাগ করে), অথবা গ্রেডিয়েন্ট ক্লিপিং দাও "
        "(max_grad_norm=1.0), আর ডেটায় nan আছে কি না দেখো।",
    },
    "fit.interrupted": {
        "en": "Stopped by you during epoch {epoch}. The model and the history of the {done} finished epochs are kept.",
        "bn": "তুমি ইপক {epoch}-এর মাঝখানে থামিয়েছ। মডেল আর শেষ হওয়া {done}টি ইপকের হিস্ট্রি রাখা আছে।",
    },
    "fit.early_stop": {
        "en": "Early stopping at epoch {epoch}: no improvement for {patience} epochs (best {best:.4f} at epoch {best_epoch}).",
        "bn": "ইপক {epoch}-এ আর্লি স্টপিং: {patience}টি ইপক ধরে উন্নতি নেই (সেরা {best:.4f}, ইপক {best_epoch}-এ)।",
    },
    "fit.restored_best": {
        "en": "Restored the best weights, from epoch {best_epoch} ({best:.4f}).",
        "bn": "সেরা ওজনগুলো ফিরিয়ে আনা হলো, ইপক {best_epoch} থেকে ({best:.4f})।",
    },
    "fit.resumed": {
        "en": "Resumed from {path} after epoch {epoch}.",
        "bn": "{path} থেকে ট্রেনিং চালিয়ে যাওয়া হচ্ছে, ইপক {epoch}-এর পর থেকে।",
    },
    "fit.early_stopping_changed": {
        "en": "Early stopping continues with this call's settings, not the checkpoint's: {changes}.",
        "bn": "আর্লি স্টপিং চলবে এই কলের সেটিং দিয়ে, চেকপয়েন্টেরটা দিয়ে নয়: {changes}।",
    },
    "fit.fresh_start": {
        "en": "No checkpoint to resume from yet: starting from epoch 1.",
        "bn": "চালিয়ে যাওয়ার মতো কোনো চেকপয়েন্ট এখনো নেই: ইপক 1 থেকে শুরু হচ্ছে।",
    },
    "fit.bad_epochs": {
        "en": "epochs must be a whole number of at least 1, got {value!r}.",
        "bn": "epochs-কে 1 বা তার বেশি একটি পূর্ণসংখ্যা হতে হবে, পাওয়া গেল {value!r}।",
    },
    "fit.bad_optimizer": {
        "en": "optimizer must be a torch.optim optimizer, got {value}.",
        "bn": "optimizer-কে একটি torch.optim অপটিমাইজার হতে হবে, পাওয়া গেল {value}।",
    },
    "fit.bad_lr": {
        "en": "The learning rate must be a finite number of at least 0, got {value!r}.",
        "bn": "লার্নিং রেটকে 0 বা তার বেশি একটি সসীম সংখ্যা হতে হবে, পাওয়া গেল {value!r}।",
    },
    "fit.bad_accumulation": {
        "en": "accumulation_steps must be a whole number of at least 1 (1 means no accumulation), got {value!r}.",
        "bn": "accumulation_steps-কে 1 বা তার বেশি একটি পূর্ণসংখ্যা হতে হবে (1 মানে গ্রেডিয়েন্ট জমানো নেই), পাওয়া গেল {value!r}।",
    },
    "fit.bad_clip": {
        "en": "max_grad_norm must be None or a positive number, got {value!r}.",
        "bn": "max_grad_norm-কে হয় None, নয়তো একটি ধনাত্মক সংখ্যা হতে হবে, পাওয়া গেল {value!r}।",
    },
    "fit.bad_log_interval": {
        "en": "log_interval must be a whole number of at least 1, got {value!r}.",
        "bn": "log_interval-কে 1 বা তার বেশি একটি পূর্ণসংখ্যা হতে হবে, পাওয়া গেল {value!r}।",
    },
    "fit.bad_loader": {
        "en": "{name} must yield (inputs, targets) pairs of tensors, but it gave {got}.",
        "bn": "{name} থেকে tensor-এর (inputs, targets) জোড়া আসার কথা, কিন্তু এলো {got}।",
    },
    "fit.empty_loader": {
        "en": "{name} gave no batches at all: is the dataset empty?",
        "bn": "{name} থেকে একটিও ব্যাচ এলো না: ডেটাসেট কি খালি?",
    },
    "fit.bad_mode": {
        "en": "mode must be 'min' (for a loss) or 'max' (for an accuracy), got {value!r}.",
        "bn": "mode হতে হবে 'min' (লসের জন্য) অথবা 'max' (সঠিকতার জন্য), পাওয়া গেল {value!r}।",
    },
    "fit.bad_patience": {
        "en": "patience must be a whole number of at least 1, got {value!r}.",
        "bn": "patience-কে 1 বা তার বেশি একটি পূর্ণসংখ্যা হতে হবে, পাওয়া গেল {value!r}।",
    },
    "fit.bad_monitor": {
        "en": "Cannot monitor {value!r}; choose one of: {keys}.",
        "bn": "{value!r} নজরে রাখা যায় না; এগুলোর একটি বেছে নাও: {keys}।",
    },
    "fit.bad_scheduler_interval": {
        "en": "scheduler_step must be 'auto', 'batch', 'epoch' or 'metric', got {value!r}.",
        "bn": "scheduler_step হতে হবে 'auto', 'batch', 'epoch' অথবা 'metric'; পাওয়া গেল {value!r}।",
    },
    "fit.progress": {
        "en": "epochs",
        "bn": "ইপক",
    },
}
register(MESSAGES)


__all__ = ["EarlyStopping", "History", "Run", "fit", "scheduler_interval"]
