"""The loops exactly as lessons 02 and 07 print them, kept here once so the stepper can step them (lesson 02).

`tests/test_stepper.py` checks that each function below is, character for character, the code the
lesson prints: `train_one_epoch` under "The whole function" in lessons_en/02_training_loop.md and
`train_one_epoch_amp` under "The professional template" in lessons_en/07_amp_clipping_accumulation.md.
These are the teaching versions (one `.item()` per batch); `helpers.train_one_epoch` is the fast one.
"""

from __future__ import annotations

import torch
from torch.optim.lr_scheduler import ReduceLROnPlateau


def train_one_epoch(model, device, train_loader, optimizer, criterion, log_interval=100):
    model.train()                                    # 1
    running_loss = 0.0                               # 2
    total, correct = 0, 0                            # 3

    for batch_idx, (data, targets) in enumerate(train_loader):  # 4
        data, targets = data.to(device), targets.to(device)     # 5

        optimizer.zero_grad()                        # 6
        outputs = model(data)                        # 7
        loss = criterion(outputs, targets)           # 8
        loss.backward()                              # 9
        optimizer.step()                             # 10

        running_loss += loss.item()                  # 11

        # optional: training accuracy
        preds = outputs.argmax(dim=1)                # 12
        correct += (preds == targets).sum().item()   # 13
        total += targets.size(0)                     # 14

        if (batch_idx % log_interval) == 0:          # 15
            print(f"Batch {batch_idx:5d}/{len(train_loader):5d} | "
                  f"Loss: {loss.item():.4f}")

    avg_loss = running_loss / len(train_loader)      # 16
    train_acc = (correct / total) if total else 0.0  # 17
    return avg_loss, train_acc                       # 18


def train_one_epoch_amp(model, device, train_loader, optimizer, criterion, scaler,
                        log_interval=100, max_grad_norm=None, scheduler=None):
    device_type = torch.device(device).type                                     # A
    amp_dtype = torch.float16 if device_type == "cuda" else torch.bfloat16      # B
    model.train()
    running_loss, total, correct = 0.0, 0, 0

    for batch_idx, (data, targets) in enumerate(train_loader):
        data, targets = data.to(device), targets.to(device)
        optimizer.zero_grad()

        with torch.amp.autocast(device_type=device_type, dtype=amp_dtype):     # C: mixed precision on
            outputs = model(data)
            loss = criterion(outputs, targets)

        scaler.scale(loss).backward()                                           # D: scaled backward

        if max_grad_norm is not None:                                           # E: clipping is optional
            scaler.unscale_(optimizer)                                          # F: true gradients first
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)   # G

        scaler.step(optimizer)                                                  # H: skips the step on inf/nan
        scaler.update()                                                         # I: adapts the scale

        running_loss += loss.item()
        preds = outputs.argmax(dim=1)
        correct += (preds == targets).sum().item()
        total += targets.size(0)

        if (batch_idx % log_interval) == 0:
            print(f"Batch {batch_idx:5d}/{len(train_loader):5d} | Loss: {loss.item():.4f}")

    avg_loss = running_loss / len(train_loader)
    train_acc = (correct / total) if total else 0.0

    if scheduler is not None and not isinstance(scheduler, ReduceLROnPlateau):  # J
        scheduler.step()  # per-epoch schedules; ReduceLROnPlateau is stepped outside, with the val loss
    return avg_loss, train_acc
