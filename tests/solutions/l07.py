"""Solutions and common wrong answers of lesson 07's exercises (kept out of the notebooks)."""

from __future__ import annotations

import torch


def amp_step_right(model, data, targets, optimizer, criterion, scaler, max_norm):
    optimizer.zero_grad()
    with torch.amp.autocast(device_type=data.device.type, dtype=torch.bfloat16):
        loss = criterion(model(data), targets)
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    scaler.step(optimizer)
    scaler.update()
    return loss


def amp_step_clip_first(model, data, targets, optimizer, criterion, scaler, max_norm):
    optimizer.zero_grad()
    with torch.amp.autocast(device_type=data.device.type, dtype=torch.bfloat16):
        loss = criterion(model(data), targets)
    scaler.scale(loss).backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)  # clips the scaled gradients
    scaler.unscale_(optimizer)
    scaler.step(optimizer)
    scaler.update()
    return loss


def amp_step_no_clip(model, data, targets, optimizer, criterion, scaler, max_norm):
    optimizer.zero_grad()
    with torch.amp.autocast(device_type=data.device.type, dtype=torch.bfloat16):
        loss = criterion(model(data), targets)
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)
    scaler.step(optimizer)
    scaler.update()
    return loss


def amp_step_no_update(model, data, targets, optimizer, criterion, scaler, max_norm):
    optimizer.zero_grad()
    with torch.amp.autocast(device_type=data.device.type, dtype=torch.bfloat16):
        loss = criterion(model(data), targets)
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    scaler.step(optimizer)
    return loss


def amp_step_plain_optimizer_step(model, data, targets, optimizer, criterion, scaler, max_norm):
    optimizer.zero_grad()
    with torch.amp.autocast(device_type=data.device.type, dtype=torch.bfloat16):
        loss = criterion(model(data), targets)
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()  # does not skip a step whose gradients are inf
    scaler.update()
    return loss


def accumulate_right(model, micro_batches, criterion):
    k = len(micro_batches)
    for data, targets in micro_batches:
        loss = criterion(model(data), targets) / k
        loss.backward()


def accumulate_no_division(model, micro_batches, criterion):
    for data, targets in micro_batches:
        criterion(model(data), targets).backward()


def accumulate_zero_inside(model, micro_batches, criterion):
    k = len(micro_batches)
    for data, targets in micro_batches:
        model.zero_grad()
        (criterion(model(data), targets) / k).backward()


def accumulate_fixed_four(model, micro_batches, criterion):
    for data, targets in micro_batches:
        (criterion(model(data), targets) / 4).backward()


def grad_norm_right(model):
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    return torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads])).item()


def grad_norm_sum_of_norms(model):
    return sum(p.grad.norm(2).item() for p in model.parameters() if p.grad is not None)


def grad_norm_no_sqrt(model):
    return sum(p.grad.norm(2).item() ** 2 for p in model.parameters() if p.grad is not None)


def grad_norm_no_none_check(model):
    total = 0.0
    for p in model.parameters():
        total += p.grad.norm(2).item() ** 2
    return total**0.5


# exercise id -> (a right answer, [(a common wrong answer, the hint it must get)])
CASES = {
    "07.amp_step": (amp_step_right, [
        (amp_step_clip_first, "ex.07.amp_step.order"),
        (amp_step_no_clip, "ex.07.amp_step.no_clip"),
        (amp_step_no_update, "ex.07.amp_step.update"),
        (amp_step_plain_optimizer_step, "ex.07.amp_step.skip"),
    ]),
    "07.accumulate": (accumulate_right, [
        (accumulate_no_division, "ex.07.accumulate.divide"),
        (accumulate_zero_inside, "ex.07.accumulate.zero_inside"),
        (accumulate_fixed_four, "ex.07.accumulate.factor"),
    ]),
    "07.grad_norm": (grad_norm_right, [
        (grad_norm_sum_of_norms, "ex.07.grad_norm.squares"),
        (grad_norm_no_sqrt, "ex.07.grad_norm.sqrt"),
        (grad_norm_no_none_check, "ex.07.grad_norm.none"),
    ]),
}
