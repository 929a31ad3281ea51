"""Solutions and common wrong answers of lesson 12's exercises (kept out of the notebooks)."""

from __future__ import annotations


def update_ratio_right(before, after):
    return ((after - before).std() / before.std()).item()


def update_ratio_mean_abs(before, after):  # the notebook's starting point
    return ((after - before).abs().mean() / before.abs().mean()).item()


def update_ratio_after(before, after):
    return ((after - before).std() / after.std()).item()


def update_ratio_weights(before, after):
    return (after.std() / before.std()).item()


def update_ratio_norms(before, after):
    return ((after - before).norm() / before.norm()).item()


def dead_share_right(outputs):
    return (outputs == 0).all(dim=0).float().mean().item()


def dead_share_zero_outputs(outputs):  # the notebook's starting point
    return (outputs == 0).float().mean().item()


def dead_share_samples(outputs):
    return (outputs == 0).all(dim=1).float().mean().item()


def dead_share_any(outputs):
    return (outputs == 0).any(dim=0).float().mean().item()


def smooth_right(losses, beta=0.95):
    average, smoothed = 0.0, []
    for i, loss in enumerate(losses):
        average = beta * average + (1 - beta) * loss
        smoothed.append(average / (1 - beta ** (i + 1)))
    return smoothed


def smooth_no_correction(losses, beta=0.95):  # the notebook's starting point
    average, smoothed = 0.0, []
    for loss in losses:
        average = beta * average + (1 - beta) * loss
        smoothed.append(average)
    return smoothed


def smooth_swapped(losses, beta=0.95):
    return smooth_right(losses, beta=1 - beta)


def smooth_last_only(losses, beta=0.95):
    return smooth_right(losses, beta)[-1:]


# exercise id -> (a right answer, [(a common wrong answer, the hint it must get)])
CASES = {
    "12.update_ratio": (update_ratio_right, [
        (update_ratio_mean_abs, "ex.12.update_ratio.mean_abs"),
        (update_ratio_after, "ex.12.update_ratio.after"),
        (update_ratio_weights, "ex.12.update_ratio.weights"),
        (update_ratio_norms, "ex.12.update_ratio.wrong"),
    ]),
    "12.dead_share": (dead_share_right, [
        (dead_share_zero_outputs, "ex.12.dead_share.zero_outputs"),
        (dead_share_samples, "ex.12.dead_share.samples"),
        (dead_share_any, "ex.12.dead_share.any"),
    ]),
    "12.smooth": (smooth_right, [
        (smooth_no_correction, "ex.12.smooth.no_correction"),
        (smooth_swapped, "ex.12.smooth.swapped"),
        (smooth_last_only, "ex.12.smooth.length"),
    ]),
}
