"""Solutions and common wrong answers of lesson 05's exercises (kept out of the notebooks)."""

from __future__ import annotations

from torch import optim


def momentum_right(params, grads, velocities, lr, momentum):
    new_params, new_velocities = [], []
    for p, g, v in zip(params, grads, velocities):
        v = momentum * v + g
        new_params.append(p - lr * v)
        new_velocities.append(v)
    return new_params, new_velocities


def momentum_in_place(params, grads, velocities, lr, momentum):
    for p, g, v in zip(params, grads, velocities):
        v.mul_(momentum).add_(g)
        p.sub_(lr * v)


def momentum_plain_sgd(params, grads, velocities, lr, momentum):
    return [p - lr * g for p, g in zip(params, grads)], list(velocities)


def momentum_old_velocity(params, grads, velocities, lr, momentum):
    new_params = [p - lr * v for p, v in zip(params, velocities)]  # steps before updating v
    return new_params, [momentum * v + g for g, v in zip(grads, velocities)]


def momentum_running_mean(params, grads, velocities, lr, momentum):
    new_velocities = [momentum * v + (1 - momentum) * g for g, v in zip(grads, velocities)]
    return [p - lr * v for p, v in zip(params, new_velocities)], new_velocities


def momentum_rebinding(params, grads, velocities, lr, momentum):
    for p, g, v in zip(params, grads, velocities):
        v = momentum * v + g  # rebinds the loop variable: the lists never change
        p = p - lr * v


def momentum_uphill(params, grads, velocities, lr, momentum):
    new_velocities = [momentum * v + g for g, v in zip(grads, velocities)]
    return [p + lr * v for p, v in zip(params, new_velocities)], new_velocities


def momentum_sutskever(params, grads, velocities, lr, momentum):
    # v <- mu * v - lr * g; p <- p + v: the same weights for a constant lr, but a different velocity
    new_velocities = [momentum * v - lr * g for g, v in zip(grads, velocities)]
    return [p + v for p, v in zip(params, new_velocities)], new_velocities


def groups_right(model):
    return optim.Adam([
        {"params": model.features.parameters(), "lr": 1e-4},
        {"params": model.classifier.parameters(), "lr": 1e-3},
    ])


def groups_one(model):
    return optim.Adam(model.parameters(), lr=1e-3)


def groups_swapped(model):
    return optim.Adam([
        {"params": model.features.parameters(), "lr": 1e-3},
        {"params": model.classifier.parameters(), "lr": 1e-4},
    ])


def groups_head_only(model):
    return optim.Adam(model.classifier.parameters(), lr=1e-3)


def groups_default_lr(model):
    return optim.Adam([
        {"params": model.features.parameters()},  # takes the default lr below
        {"params": model.classifier.parameters(), "lr": 1e-3},
    ], lr=1e-3)


def closure_right(model, data, targets, optimizer, criterion):
    def closure():
        optimizer.zero_grad()
        loss = criterion(model(data), targets)
        loss.backward()
        return loss
    return closure


def closure_no_return(model, data, targets, optimizer, criterion):
    def closure():
        optimizer.zero_grad()
        loss = criterion(model(data), targets)
        loss.backward()
    return closure


def closure_no_zero_grad(model, data, targets, optimizer, criterion):
    def closure():
        loss = criterion(model(data), targets)
        loss.backward()
        return loss
    return closure


def closure_no_backward(model, data, targets, optimizer, criterion):
    def closure():
        optimizer.zero_grad()
        return criterion(model(data), targets)
    return closure


def closure_called(model, data, targets, optimizer, criterion):
    optimizer.zero_grad()
    loss = criterion(model(data), targets)
    loss.backward()
    return loss  # the loss, not the function


# exercise id -> (a right answer, [(a common wrong answer, the hint it must get)])
CASES = {
    "05.momentum": (momentum_right, [
        (momentum_plain_sgd, "ex.05.momentum.no_momentum"),
        (momentum_old_velocity, "ex.05.momentum.order"),
        (momentum_running_mean, "ex.05.momentum.dampening"),
        (momentum_rebinding, "ex.05.momentum.no_update"),
        (momentum_uphill, "ex.05.momentum.sign"),
        (momentum_sutskever, "ex.05.momentum.velocity"),
    ]),
    "05.param_groups": (groups_right, [
        (groups_one, "ex.05.param_groups.one_group"),
        (groups_swapped, "ex.05.param_groups.swapped"),
        (groups_head_only, "ex.05.param_groups.missing"),
        (groups_default_lr, "ex.05.param_groups.wrong_lr"),
    ]),
    "05.closure": (closure_right, [
        (closure_no_return, "ex.05.closure.no_return"),
        (closure_no_zero_grad, "ex.05.closure.zero_grad"),
        (closure_no_backward, "ex.05.closure.no_backward"),
        (closure_called, "ex.05.closure.not_callable"),
    ]),
}
