"""Solutions and common wrong answers of lesson 08's exercises (kept out of the notebooks)."""

from __future__ import annotations

import torch

# --- 08.save ---


def save_right(model, optimizer, epoch, path):
    torch.save({
        "epoch": epoch,
        "model_state_dict": model.state_dict(),
        "optimizer_state_dict": optimizer.state_dict(),
    }, path)


def save_model_only(model, optimizer, epoch, path):  # the notebook's starting code
    torch.save({
        "epoch": epoch,
        "model_state_dict": model.state_dict(),
    }, path)


def save_optimizer_object(model, optimizer, epoch, path):
    torch.save({
        "epoch": epoch,
        "model_state_dict": model.state_dict(),
        "optimizer_state_dict": optimizer,  # the object, not its state_dict()
    }, path)


def save_other_keys(model, optimizer, epoch, path):
    torch.save({"epoch": epoch, "model": model.state_dict(), "optimizer": optimizer.state_dict()}, path)


def save_fresh_optimizer(model, optimizer, epoch, path):
    fresh = torch.optim.Adam(model.parameters(), lr=optimizer.param_groups[0]["lr"])
    torch.save({
        "epoch": epoch,
        "model_state_dict": model.state_dict(),
        "optimizer_state_dict": fresh.state_dict(),  # a new Adam: its averages and step counts are empty
    }, path)


# --- 08.early_stopping ---


def stop_right(val_losses, patience, min_delta=0.0):
    best, counter = None, 0
    for epoch, loss in enumerate(val_losses):
        if best is None or loss <= best - min_delta:
            best, counter = loss, 0
        else:
            counter += 1
            if counter >= patience:
                return epoch
    return None


def stop_no_reset(val_losses, patience, min_delta=0.0):  # the notebook's starting code
    best = None
    counter = 0
    for epoch, loss in enumerate(val_losses):
        if best is None or loss < best - min_delta:
            best = loss
        else:
            counter += 1
            if counter >= patience:
                return epoch
    return None


def stop_ignores_min_delta(val_losses, patience, min_delta=0.0):
    best, counter = None, 0
    for epoch, loss in enumerate(val_losses):
        if best is None or loss < best:
            best, counter = loss, 0
        else:
            counter += 1
            if counter >= patience:
                return epoch
    return None


def stop_late(val_losses, patience, min_delta=0.0):
    best, counter = None, 0
    for epoch, loss in enumerate(val_losses):
        if best is None or loss < best - min_delta:
            best, counter = loss, 0
        else:
            counter += 1
            if counter > patience:
                return epoch
    return None


def stop_one_based(val_losses, patience, min_delta=0.0):
    best, counter = None, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if best is None or loss < best - min_delta:
            best, counter = loss, 0
        else:
            counter += 1
            if counter >= patience:
                return epoch
    return None


# --- 08.safe_load ---


def load_right(path):
    return torch.load(path, map_location="cpu", weights_only=True)


def load_unsafe(path):  # the notebook's starting code
    return torch.load(path, weights_only=False)


def load_with_fallback(path):
    try:
        return torch.load(path, weights_only=True)
    except Exception:
        return torch.load(path, weights_only=False)  # "fixes" the error by running the file's code


def load_swallowing(path):
    try:
        return torch.load(path, weights_only=True)
    except Exception:
        return None


# exercise id -> (a right answer, [(a common wrong answer, the hint it must get)])
CASES = {
    "08.save": (save_right, [
        (save_model_only, "ex.08.save.no_optimizer"),
        (save_optimizer_object, "ex.08.save.objects"),
        (save_other_keys, "ex.08.save.keys"),
        (save_fresh_optimizer, "ex.08.save.not_same"),
    ]),
    "08.early_stopping": (stop_right, [
        (stop_no_reset, "ex.08.early_stopping.no_reset"),
        (stop_ignores_min_delta, "ex.08.early_stopping.min_delta"),
        (stop_late, "ex.08.early_stopping.late"),
        (stop_one_based, "ex.08.early_stopping.one_based"),
    ]),
    "08.safe_load": (load_right, [
        (load_unsafe, "ex.08.safe_load.ran_code"),
        (load_with_fallback, "ex.08.safe_load.ran_code"),
        (load_swallowing, "ex.08.safe_load.accepted"),
    ]),
}
