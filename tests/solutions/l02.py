"""Solutions and common wrong answers of lesson 02's exercises (kept out of the notebooks)."""

from __future__ import annotations


def zero_grad_right(model, data, targets, optimizer, criterion):
    optimizer.zero_grad()
    outputs = model(data)
    loss = criterion(outputs, targets)
    loss.backward()
    optimizer.step()
    return loss


def zero_grad_forgotten(model, data, targets, optimizer, criterion):
    loss = criterion(model(data), targets)
    loss.backward()
    optimizer.step()
    return loss


def zero_grad_after_backward(model, data, targets, optimizer, criterion):
    loss = criterion(model(data), targets)
    loss.backward()
    optimizer.zero_grad()  # wipes the gradient it just computed: no update at all
    optimizer.step()
    return loss


def step_forgotten(model, data, targets, optimizer, criterion):
    optimizer.zero_grad()
    loss = criterion(model(data), targets)
    loss.backward()
    return loss


def accuracy_right(outputs, targets):
    return (outputs.argmax(dim=1) == targets).float().mean().item()


def accuracy_count(outputs, targets):
    return (outputs.argmax(dim=1) == targets).sum().item()


def accuracy_dim0(outputs, targets):
    return (outputs.argmax(dim=0) == targets).float().mean().item()


def accuracy_max_value(outputs, targets):
    return (outputs.max(dim=1).values == targets).float().mean().item()


# exercise id -> (a right answer, [(a common wrong answer, the hint it must get)])
CASES = {
    "02.zero_grad": (zero_grad_right, [
        (zero_grad_forgotten, "ex.02.zero_grad.piles_up"),
        (zero_grad_after_backward, "ex.02.zero_grad.wiped"),
        (step_forgotten, "ex.02.zero_grad.no_update"),
    ]),
    "02.accuracy": (accuracy_right, [
        (accuracy_count, "ex.02.accuracy.count"),
        (accuracy_dim0, "ex.02.accuracy.dim"),
        (accuracy_max_value, "ex.02.accuracy.wrong"),
    ]),
    "02.log_interval": (4, [(5, "ex.02.log_interval.count"), (0, "ex.02.log_interval.type"),
                            (4.0, "ex.02.log_interval.type")]),
}
