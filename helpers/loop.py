"""The training loop the syllabus teaches: `train_one_epoch` (lesson 02) and `validate` (lesson 03)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import nn
from torch.optim.lr_scheduler import LRScheduler

from .amp import Precision
from .i18n import t


class NonFiniteLossError(FloatingPointError):
    """The loss became nan or inf at `batch`; raised before that batch changes any weight on a CPU."""

    def __init__(self, batch: int, loss: float):
        super().__init__(f"non-finite loss {loss} at batch {batch}")
        self.batch, self.loss = batch, loss


def train_one_epoch(
    model: nn.Module,
    device: torch.device | str,
    train_loader: Iterable,
    optimizer: torch.optim.Optimizer,
    criterion: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    log_interval: int = 100,
    *,
    log: Callable[[str], object] = print,
    precision: Precision | None = None,
    max_grad_norm: float | None = None,
    accumulation_steps: int = 1,
    scheduler: LRScheduler | None = None,
    on_batch: Callable[[int, torch.Tensor], object] | None = None,
) -> tuple[float, float]:
    """One pass over `train_loader`, the 18 numbered lines of lesson 02; returns (avg_loss, train_acc).

    Same result as the lesson's code, with one change for speed: the loss and the
    count of correct predictions stay on the device and are read once at the end
    (and at each log line), because `.item()` on a GPU waits for the GPU every step.
    The keyword-only options are lesson 07's additions, each a few lines in this one loop:
    mixed precision, gradient clipping, gradient accumulation and a per-batch scheduler.
    `on_batch(batch_idx, loss)` runs after every batch; the playground (lesson 10) uses it to
    apply a new learning rate or batch size, to pause, and to stop (by raising KeyboardInterrupt).
    """
    precision = precision or Precision(device_type=torch.device(device).type)
    check_every_batch = torch.device(device).type == "cpu"  # a check costs a GPU sync; on a CPU it is free
    model.train()  # 1: dropout on, batch norm updates its statistics
    running_loss = torch.zeros((), device=device)  # 2
    total, correct = 0, torch.zeros((), dtype=torch.long, device=device)  # 3
    batches = 0

    for batch_idx, (data, targets) in enumerate(train_loader):  # 4
        data, targets = data.to(device, non_blocking=True), targets.to(device, non_blocking=True)  # 5

        if batch_idx % accumulation_steps == 0:
            optimizer.zero_grad(set_to_none=True)  # 6: None instead of zeros is cheaper
            # Micro-batches in this group; the epoch's last group may be shorter.
            group = min(accumulation_steps, len(train_loader) - batch_idx)
        try:
            with precision.autocast():
                outputs = model(data)  # 7: logits [N, C]
                loss = criterion(outputs, targets)  # 8
        except (RuntimeError, ValueError, IndexError) as error:  # device, shape, dtype, class-range mistakes
            raise _explained(error) from error
        if (check_every_batch or batch_idx % log_interval == 0) and not torch.isfinite(loss):
            raise NonFiniteLossError(batch_idx, loss.item())
        scaled = loss / group if group > 1 else loss  # the average over the group, as one big batch would give
        (precision.scaler.scale(scaled) if precision.scaler else scaled).backward()  # 9
        if (batch_idx + 1) % accumulation_steps == 0 or batch_idx + 1 == len(train_loader):
            _step(model, optimizer, precision, max_grad_norm)  # 10
            if scheduler is not None and (precision.scaler is None or precision.stepped):
                scheduler.step()  # per-batch schedules (OneCycleLR): after the optimizer, every update

        running_loss += loss.detach().float()  # 11: no .item() here, so no wait for the GPU
        batches += 1

        preds = outputs.argmax(dim=1)  # 12
        correct += (preds == targets).sum()  # 13
        total += targets.size(0)  # 14

        if batch_idx % log_interval == 0:  # 15: .item() here waits, but only every log_interval batches
            log(t("loop.batch", batch=batch_idx, total=len(train_loader), loss=loss.item()))
        if on_batch is not None:
            on_batch(batch_idx, loss.detach())

    avg_loss = running_loss.item() / batches if batches else 0.0  # 16
    train_acc = (correct.item() / total) if total else 0.0  # 17
    return avg_loss, train_acc  # 18


def _explained(error: Exception) -> Exception:
    """The same error with the mistake doctor's explanation added, when it has one (lesson 09)."""
    from .doctor import explain_error

    explanation = explain_error(error)
    return type(error)(f"{error}\n\n{explanation}") if explanation else error


def _step(model: nn.Module, optimizer: torch.optim.Optimizer, precision: Precision, max_grad_norm: float | None):
    """optimizer.step(), with the scaler's unscale-then-clip order when there is one (lesson 07)."""
    scaler = precision.scaler
    if scaler is None:
        if max_grad_norm is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
        optimizer.step()
        return
    if max_grad_norm is not None:
        scaler.unscale_(optimizer)  # clip the true gradients, not the scaled ones
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
    if precision.stepped:
        scaler.step(optimizer)
        scaler.update()
        return
    # Until one step has gone through, check whether the scaler skipped it (inf gradients at a
    # too-large initial scale): a skipped step lowers the scale. This syncs, but only at the start.
    before = scaler.get_scale()
    scaler.step(optimizer)
    scaler.update()
    precision.stepped = scaler.get_scale() >= before


@torch.no_grad()  # no graph is built: less memory, faster
def validate(
    model: nn.Module,
    loader: Iterable,
    criterion: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    device: torch.device | str,
) -> tuple[float, float]:
    """Loss and accuracy over a whole loader in eval mode, averaged per sample (lesson 03)."""
    model.eval()  # dropout off, batch norm uses its stored statistics
    running_loss = torch.zeros((), device=device)
    correct = torch.zeros((), dtype=torch.long, device=device)
    total = 0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device, non_blocking=True), targets.to(device, non_blocking=True)
        outputs = model(inputs)
        # The criterion averages over the batch; weight by batch size so a short last batch counts less.
        running_loss += criterion(outputs, targets) * inputs.size(0)
        correct += (outputs.argmax(dim=1) == targets).sum()
        total += targets.size(0)
    if total == 0:
        return 0.0, 0.0
    return running_loss.item() / total, correct.item() / total
