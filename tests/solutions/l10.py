"""Solutions and common wrong answers of lesson 10's exercises (kept out of the notebooks)."""

from __future__ import annotations

import math


def steps_right(n, batch_size, change_after, new_size):
    return change_after + math.ceil((n - change_after * batch_size) / new_size)


def steps_floor(n, batch_size, change_after, new_size):
    return change_after + (n - change_after * batch_size) // new_size


def steps_new_size_only(n, batch_size, change_after, new_size):
    return math.ceil(n / new_size)


def steps_old_size_only(n, batch_size, change_after, new_size):
    return math.ceil(n / batch_size)


def steps_forgot_first_part(n, batch_size, change_after, new_size):
    return math.ceil((n - change_after * batch_size) / new_size)


def noise_right(small, big):
    return math.sqrt(big / small)


def noise_linear(small, big):
    return big / small


def noise_inverted(small, big):
    return math.sqrt(small / big)


def noise_halved(small, big):
    return big / small / 2


# exercise id -> (a right answer, [(a common wrong answer, the hint it must get)])
CASES = {
    # written out in full, as a learner writes them (the teacher's pages show these very dicts)
    "10.when": (
        {"lr": "step", "batch_size": "step", "log_interval": "step", "optimizer": "epoch", "amp": "epoch", "epochs": "epoch"},
        [
        ({"lr": "epoch", "batch_size": "step", "log_interval": "step", "optimizer": "epoch", "amp": "epoch", "epochs": "epoch"},
         "ex.10.when.lr"),
        ({"lr": "step", "batch_size": "epoch", "log_interval": "step", "optimizer": "epoch", "amp": "epoch", "epochs": "epoch"},
         "ex.10.when.batch_size"),
        ({"lr": "step", "batch_size": "step", "log_interval": "epoch", "optimizer": "epoch", "amp": "epoch", "epochs": "epoch"},
         "ex.10.when.log_interval"),
        ({"lr": "step", "batch_size": "step", "log_interval": "step", "optimizer": "step", "amp": "epoch", "epochs": "epoch"},
         "ex.10.when.optimizer"),
        ({"lr": "step", "batch_size": "step", "log_interval": "step", "optimizer": "epoch", "amp": "step", "epochs": "epoch"},
         "ex.10.when.amp"),
        ({"lr": "step", "batch_size": "step", "log_interval": "step", "optimizer": "epoch", "amp": "epoch", "epochs": "step"},
         "ex.10.when.epochs"),
        ({"lr": "soon", "batch_size": "step", "log_interval": "step", "optimizer": "epoch", "amp": "epoch", "epochs": "epoch"},
         "ex.10.when.values"),
        ({"lr": "step", "batch_size": "step"}, "ex.10.when.keys"),
    ]),
    "10.steps": (steps_right, [
        (steps_floor, "ex.10.steps.floor"),
        (steps_new_size_only, "ex.10.steps.no_change"),
        (steps_old_size_only, "ex.10.steps.no_change"),
        (steps_forgot_first_part, "ex.10.steps.wrong"),
    ]),
    "10.noise": (noise_right, [
        (noise_linear, "ex.10.noise.linear"),
        (noise_inverted, "ex.10.noise.inverted"),
        (noise_halved, "ex.10.noise.wrong"),
    ]),
}
