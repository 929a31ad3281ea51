"""Solutions and common wrong answers of lesson 06's exercises (kept out of the notebooks)."""

from __future__ import annotations

from torch.optim import lr_scheduler


def _batch_step(model, data, targets, optimizer, criterion):
    optimizer.zero_grad()
    loss = criterion(model(data), targets)
    loss.backward()
    optimizer.step()


def train_right(model, loader, optimizer, scheduler, criterion, epochs):
    for _ in range(epochs):
        model.train()
        for data, targets in loader:
            _batch_step(model, data, targets, optimizer, criterion)
        scheduler.step()  # once per epoch, after the optimizer's steps


def train_scheduler_first(model, loader, optimizer, scheduler, criterion, epochs):
    for _ in range(epochs):
        model.train()
        for data, targets in loader:
            scheduler.step()
            _batch_step(model, data, targets, optimizer, criterion)


def train_per_batch(model, loader, optimizer, scheduler, criterion, epochs):
    for _ in range(epochs):
        model.train()
        for data, targets in loader:
            _batch_step(model, data, targets, optimizer, criterion)
            scheduler.step()


def train_epoch_start(model, loader, optimizer, scheduler, criterion, epochs):
    for _ in range(epochs):
        scheduler.step()
        model.train()
        for data, targets in loader:
            _batch_step(model, data, targets, optimizer, criterion)


def train_no_scheduler(model, loader, optimizer, scheduler, criterion, epochs):
    for _ in range(epochs):
        model.train()
        for data, targets in loader:
            _batch_step(model, data, targets, optimizer, criterion)


def one_cycle_right(optimizer, epochs, steps_per_epoch):
    return lr_scheduler.OneCycleLR(optimizer, max_lr=0.01, epochs=epochs, steps_per_epoch=steps_per_epoch)


def one_cycle_epochs_only(optimizer, epochs, steps_per_epoch):
    return lr_scheduler.OneCycleLR(optimizer, max_lr=0.01, total_steps=epochs)


def one_cycle_too_long(optimizer, epochs, steps_per_epoch):
    return lr_scheduler.OneCycleLR(optimizer, max_lr=0.01, total_steps=epochs * (steps_per_epoch + 1))


def one_cycle_wrong_peak(optimizer, epochs, steps_per_epoch):
    return lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=epochs * steps_per_epoch)


def after_validation_right(scheduler, val_loss):
    if isinstance(scheduler, lr_scheduler.ReduceLROnPlateau):
        scheduler.step(val_loss)
    else:
        scheduler.step()


def after_validation_swallowed(scheduler, val_loss):
    try:
        scheduler.step()
    except TypeError:
        pass


def after_validation_always_metric(scheduler, val_loss):
    scheduler.step(val_loss)


def after_validation_never_metric(scheduler, val_loss):
    scheduler.step()


def after_validation_plateau_only(scheduler, val_loss):
    if isinstance(scheduler, lr_scheduler.ReduceLROnPlateau):
        scheduler.step(val_loss)


# exercise id -> (a right answer, [(a common wrong answer, the hint it must get)])
CASES = {
    "06.step_order": (train_right, [
        (train_scheduler_first, "ex.06.step_order.before"),
        (train_per_batch, "ex.06.step_order.per_batch"),
        (train_epoch_start, "ex.06.step_order.before"),
        (train_no_scheduler, "ex.06.step_order.never"),
    ]),
    "06.one_cycle": (one_cycle_right, [
        (one_cycle_epochs_only, "ex.06.one_cycle.too_few"),
        (one_cycle_too_long, "ex.06.one_cycle.ends_high"),
        (one_cycle_wrong_peak, "ex.06.one_cycle.peak"),
    ]),
    "06.after_validation": (after_validation_right, [
        (after_validation_swallowed, "ex.06.after_validation.never"),
        (after_validation_always_metric, "ex.06.after_validation.epoch_arg"),
        (after_validation_never_metric, "ex.06.after_validation.no_metric"),
        (after_validation_plateau_only, "ex.06.after_validation.others"),
    ]),
}
