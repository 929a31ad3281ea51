"""The training loop the syllabus teaches: `train_one_epoch` (lesson 02) and `validate` (lesson 03)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import nn

from .i18n import t


def train_one_epoch(
    model: nn.Module,
    device: torch.device | str,
    train_loader: Iterable,
    optimizer: torch.optim.Optimizer,
    criterion: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    log_interval: int = 100,
    *,
    log: Callable[[str], object] = print,
) -> tuple[float, float]:
    """One pass over `train_loader`, the 18 numbered lines of lesson 02; returns (avg_loss, train_acc).

    Same result as the lesson's code, with one change for speed: the loss and the
    count of correct predictions stay on the device and are read once at the end
    (and at each log line), because `.item()` on a GPU waits for the GPU every step.
    """
    model.train()  # 1: dropout on, batch norm updates its statistics
    running_loss = torch.zeros((), device=device)  # 2
    total, correct = 0, torch.zeros((), dtype=torch.long, device=device)  # 3

    for batch_idx, (data, targets) in enumerate(train_loader):  # 4
        data, targets = data.to(device, non_blocking=True), targets.to(device, non_blocking=True)  # 5

        optimizer.zero_grad(set_to_none=True)  # 6: None instead of zeros is cheaper
        outputs = model(data)  # 7: logits [N, C]
        loss = criterion(outputs, targets)  # 8
        loss.backward()  # 9
        optimizer.step()  # 10

        running_loss += loss.detach()  # 11: no .item() here, so no wait for the GPU

        preds = outputs.argmax(dim=1)  # 12
        correct += (preds == targets).sum()  # 13
        total += targets.size(0)  # 14

        if batch_idx % log_interval == 0:  # 15: .item() here waits, but only every log_interval batches
            log(t("loop.batch", batch=batch_idx, total=len(train_loader), loss=loss.item()))

    batches = batch_idx + 1 if total else 0
    avg_loss = running_loss.item() / batches if batches else 0.0  # 16
    train_acc = (correct.item() / total) if total else 0.0  # 17
    return avg_loss, train_acc  # 18


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
