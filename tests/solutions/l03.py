"""Solutions and common wrong answers of lesson 03's exercises (kept out of the notebooks)."""

from __future__ import annotations

import torch


def validate_right(model, loader, criterion, device):
    model.eval()
    running_loss, correct = 0.0, 0
    with torch.no_grad():
        for inputs, targets in loader:
            inputs, targets = inputs.to(device), targets.to(device)
            outputs = model(inputs)
            loss = criterion(outputs, targets)
            running_loss += loss.item() * inputs.size(0)
            correct += (outputs.argmax(dim=1) == targets).sum().item()
    n = len(loader.dataset)
    return running_loss / n, correct / n


def validate_unchanged(model, loader, criterion, device):
    """The notebook's starting code: neither eval() nor no_grad()."""
    running_loss, correct = 0.0, 0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        outputs = model(inputs)
        loss = criterion(outputs, targets)
        running_loss += loss.item() * inputs.size(0)
        correct += (outputs.argmax(dim=1) == targets).sum().item()
    n = len(loader.dataset)
    return running_loss / n, correct / n


def validate_no_grad_only(model, loader, criterion, device):
    with torch.no_grad():
        return validate_unchanged(model, loader, criterion, device)


def validate_eval_only(model, loader, criterion, device):
    model.eval()
    return validate_unchanged(model, loader, criterion, device)


def validate_per_batch(model, loader, criterion, device):
    model.eval()
    running_loss, correct = 0.0, 0
    with torch.no_grad():
        for inputs, targets in loader:
            outputs = model(inputs.to(device))
            running_loss += criterion(outputs, targets.to(device)).item()
            correct += (outputs.argmax(dim=1) == targets.to(device)).sum().item()
    return running_loss / len(loader), correct / len(loader.dataset)


def validate_percent(model, loader, criterion, device):
    loss, acc = validate_right(model, loader, criterion, device)
    return loss, 100.0 * acc


def weighted_right(batch_means, batch_sizes):
    return sum(m * n for m, n in zip(batch_means, batch_sizes)) / sum(batch_sizes)


def weighted_per_batch(batch_means, batch_sizes):
    return sum(batch_means) / len(batch_means)


def weighted_divided_by_batches(batch_means, batch_sizes):
    return sum(m * n for m, n in zip(batch_means, batch_sizes)) / len(batch_sizes)


def weighted_sum_only(batch_means, batch_sizes):
    return sum(m * n for m, n in zip(batch_means, batch_sizes))


# exercise id -> (a right answer, [(a common wrong answer, the hint it must get)])
CASES = {
    "03.validate": (validate_right, [
        (validate_unchanged, "ex.03.validate.train_mode"),
        (validate_no_grad_only, "ex.03.validate.train_mode"),
        (validate_eval_only, "ex.03.validate.graph"),
        (validate_per_batch, "ex.03.validate.per_batch"),
        (validate_percent, "ex.03.validate.percent"),
    ]),
    "03.weighted_loss": (weighted_right, [
        (weighted_per_batch, "ex.03.weighted_loss.per_batch"),
        (weighted_divided_by_batches, "ex.03.weighted_loss.divide"),
        (weighted_sum_only, "ex.03.weighted_loss.sum"),
    ]),
    "03.diagnose": ({"A": "underfitting", "B": "overfitting", "C": "good"}, [
        ({"A": "good", "B": "good", "C": "good"}, "ex.03.diagnose.A"),
        ({"A": "underfitting", "B": "good", "C": "good"}, "ex.03.diagnose.B"),
        ({"A": "underfitting", "B": "overfitting", "C": "overfitting"}, "ex.03.diagnose.C"),
        ({"A": "high bias", "B": "overfitting", "C": "good"}, "ex.03.diagnose.words"),
    ]),
}
