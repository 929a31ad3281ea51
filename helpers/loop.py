"""The training loop the syllabus teaches: `train_one_epoch` (lesson 02) and `validate` (lesson 03)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import torch
from torch import nn
from torch.optim.lr_scheduler import LRScheduler

from .amp import Precision
from .distributed import active, is_main, sum_over_ranks
from .i18n import register, t


class NonFiniteLossError(FloatingPointError):
    """The loss became nan or inf at `batch`; raised before that batch changes any weight."""

    def __init__(self, batch: int, loss: float):
        super().__init__(f"non-finite loss {loss} at batch {batch}")
        self.batch, self.loss = batch, loss


DEVICE_CHECK_EVERY = 100  # batches between two nan/inf checks of the loss on a GPU: each one waits


class StopTraining(Exception):
    """Raised by an `on_batch` hook to end training after the current step (the playground's Stop, lesson 10).

    A requested stop has its own name so that Ctrl-C (KeyboardInterrupt) keeps meaning the learner's own interrupt.
    """


def train_one_epoch(
    model: nn.Module,
    device: torch.device | str,
    train_loader: Iterable,
    optimizer: torch.optim.Optimizer,
    criterion: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    log_interval: int | None = 100,
    *,
    log: Callable[[str], object] | None = print,
    check_every: int | None = None,
    precision: Precision | None = None,
    scaler: torch.amp.GradScaler | None = None,
    max_grad_norm: float | None = None,
    accumulation_steps: int = 1,
    scheduler: LRScheduler | None = None,
    on_batch: Callable[[int, torch.Tensor], object] | None = None,
) -> tuple[float, float]:
    """One pass over `train_loader`, the 18 numbered lines of lesson 02; returns (avg_loss, train_acc).

    Same result as the lesson's code. On a CPU it is the lesson's code: `.item()` costs nothing there.
    On a GPU `.item()` would make the CPU wait for the GPU at every step, so the loss and the count of
    correct predictions stay on the device and are read once at the end (and at each log line).
    `log=None` (or `log_interval=None`) prints no per-batch lines. `check_every`: how often the loss is
    checked for nan/inf; by default every batch on a CPU, where it is free, and every 100th batch on a
    GPU, where each check waits for the GPU.
    The other keyword-only options are lesson 07's additions, each a few lines in this one loop:
    mixed precision (`precision`, with its `scaler`), clipping, accumulation and a per-batch scheduler.
    `on_batch(batch_idx, loss)` runs after every batch; the playground (lesson 10) uses it to apply
    new settings, to pause, and to stop (by raising StopTraining).
    """
    on_device = torch.device(device).type != "cpu"
    # One context for the whole epoch, entered at every step (torch.autocast can be entered again and again).
    forward_context = (precision or Precision(device_type=torch.device(device).type)).autocast()
    check_every = check_every or (DEVICE_CHECK_EVERY if on_device else 1)
    log_every = log_interval if log is not None and is_main() else None  # several processes: rank 0 prints
    spread = active()  # trained by several processes (lesson 11); checked once, not at every batch
    trusted = scaler is None  # until the scaler has let one step through, check whether it skipped it
    model.train()  # 1: dropout on, batch norm updates its statistics
    running_loss = torch.zeros((), device=device) if on_device else 0.0  # 2
    total, correct = 0, torch.zeros((), dtype=torch.long, device=device) if on_device else 0  # 3
    batches = 0

    for batch_idx, (data, targets) in enumerate(train_loader):  # 4
        data, targets = data.to(device, non_blocking=True), targets.to(device, non_blocking=True)  # 5

        if batch_idx % accumulation_steps == 0:
            optimizer.zero_grad(set_to_none=True)  # 6: None instead of zeros is cheaper
            # Micro-batches in this group; the epoch's last group may be shorter.
            group = min(accumulation_steps, len(train_loader) - batch_idx) if accumulation_steps > 1 else 1
        try:
            with forward_context:  # float32: a context that does nothing; mixed precision: autocast
                outputs = model(data)  # 7: logits [N, C]
                loss = criterion(outputs, targets)  # 8
        except (RuntimeError, ValueError, IndexError) as error:  # device, shape, dtype, class-range mistakes
            raise _explained(error) from error
        value = None if on_device else loss.item()  # a number now: free on a CPU, a wait on a GPU
        seen = value
        if spread and batch_idx % check_every == 0:
            # A nan on one rank must stop every rank at this batch: the others would wait forever in backward.
            # Summed over ranks, the loss is finite only if it is finite everywhere (lesson 11).
            (seen,) = sum_over_ranks(loss.detach(), device=device)
        if batch_idx % check_every == 0 and not (math.isfinite(seen) if seen is not None else torch.isfinite(loss)):
            raise NonFiniteLossError(batch_idx, loss.item() if seen is None else seen)
        scaled = loss / group if group > 1 else loss  # the average over the group, as one big batch would give
        (scaler.scale(scaled) if scaler is not None else scaled).backward()  # 9
        if accumulation_steps == 1 or (batch_idx + 1) % accumulation_steps == 0 or batch_idx + 1 == len(train_loader):
            stepped = _step(model, optimizer, scaler, max_grad_norm, trusted)  # 10
            trusted = trusted or stepped
            if scheduler is not None and stepped:
                scheduler.step()  # per-batch schedules (OneCycleLR): after the optimizer, every update

        running_loss += loss.detach() if value is None else value  # 11: on a GPU no .item(), so no wait
        batches += 1

        preds = outputs.argmax(dim=1)  # 12
        hits = (preds == targets).sum()
        correct += hits if on_device else hits.item()  # 13
        total += targets.size(0)  # 14

        if log_every and batch_idx % log_every == 0:  # 15: on a GPU .item() waits, every log_interval
            log(t("loop.batch", batch=batch_idx, total=len(train_loader), loss=loss.item() if value is None else value))
        if on_batch is not None:
            on_batch(batch_idx, loss.detach())

    if spread:  # each rank saw its share: add them up, so every rank reports the whole epoch (lesson 11)
        running_loss, batches, correct, total = sum_over_ranks(running_loss, batches, correct, total, device=device)
    avg_loss = float(running_loss) / batches if batches else 0.0  # 16
    train_acc = (int(correct) / total) if total else 0.0  # 17
    return avg_loss, train_acc  # 18


def _explained(error: Exception) -> Exception:
    """The same error with the mistake doctor's explanation added, when it has one (lesson 09)."""
    from .doctor import explain_error

    explanation = explain_error(error)
    return type(error)(f"{error}\n\n{explanation}") if explanation else error


def _step(model: nn.Module, optimizer: torch.optim.Optimizer, scaler: torch.amp.GradScaler | None,
          max_grad_norm: float | None, trusted: bool) -> bool:
    """optimizer.step(), with the scaler's unscale-then-clip order (lesson 07); False if the scaler skipped it."""
    if max_grad_norm is not None:
        if scaler is not None:
            scaler.unscale_(optimizer)  # clip the true gradients, not the scaled ones
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
    if scaler is None:
        optimizer.step()
        return True
    if trusted:  # the scale has settled: no more checks, so no more waits for the GPU
        scaler.step(optimizer)
        scaler.update()
        return True
    # At the start a too-large scale gives inf gradients and the scaler skips the step, lowering the
    # scale. Reading the scale syncs, but only until one step has gone through.
    before = scaler.get_scale()
    scaler.step(optimizer)
    scaler.update()
    return scaler.get_scale() >= before


@torch.no_grad()  # no graph is built: less memory, faster
def validate(
    model: nn.Module,
    loader: Iterable,
    criterion: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    device: torch.device | str,
) -> tuple[float, float]:
    """Loss and accuracy over a whole loader in eval mode, averaged per sample (lesson 03).

    On a CPU it is the lesson's code, `.item()` at every batch; on a GPU the sums stay on the device
    and are read once, at the end, as in `train_one_epoch`.
    """
    on_device = torch.device(device).type != "cpu"
    model.eval()  # dropout off, batch norm uses its stored statistics
    running_loss = torch.zeros((), device=device) if on_device else 0.0
    correct = torch.zeros((), dtype=torch.long, device=device) if on_device else 0
    total = 0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device, non_blocking=True), targets.to(device, non_blocking=True)
        outputs = model(inputs)
        loss, hits = criterion(outputs, targets), (outputs.argmax(dim=1) == targets).sum()
        # The criterion averages over the batch; weight by batch size so a short last batch counts less.
        running_loss += (loss if on_device else loss.item()) * inputs.size(0)
        correct += hits if on_device else hits.item()
        total += targets.size(0)
    if active():  # each rank validated its share: add up sums and counts, sample-weighted (lesson 11)
        loss_sum, hits, total = sum_over_ranks(running_loss, correct, total, device=device)
        return (loss_sum / total, hits / total) if total else (0.0, 0.0)
    if total == 0:
        return 0.0, 0.0
    return float(running_loss) / total, int(correct) / total


MESSAGES: dict[str, dict[str, str]] = {
    "loop.batch": {
        "en": "Batch {batch:5d}/{total:5d} | Loss: {loss:.4f}",
        "bn": "ব্যাচ {batch:5d}/{total:5d} | লস: {loss:.4f}",
    },
}
register(MESSAGES)
