"""The mistake doctor reads a run's dynamics: which health signals mean trouble, and where the lines are (lesson 12).

`Dynamics` keeps a `Health` (helpers/health.py) that records a few steps only: `SAMPLED` at the start, then every
`every`-th step (the doctor asks for every 100th, twice its own sampling interval). It judges each recorded step
against `THRESHOLDS`. The thresholds come from measurements, not guesses: `python bench/health_thresholds.py`
prints what each rule sees, on these very steps, in every healthy run of the course (the lessons' `fit` calls, the
playground's defaults, lesson 09's MLP, the benchmark's MLP) and in issue 21's broken runs; each line sits between
the two groups (the numbers are in the comments below; the closest margin is the too-large rule's, 0.4 of a decade
on either side).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .health import Health
from .i18n import register

LESSON = "12_reading_a_run"
SAMPLED = (0, 9)  # the start: Adam's first step shows a too-large rate plainly; step 9 has seen the first steps' work
THRESHOLDS = {
    # A step moving a layer's weights by more than 1.5 times their spread. Healthy runs: at most 0.6 (lesson 08's
    # Adam 1e-2, its first step); Adam 0.1: 6. (Adam 2e-2 gives 1.2 and kills its units: dead_units finds it.)
    "too_large": 1.5,
    # Over the first samples no layer moves by more than 1e-5 of its spread. Healthy: at least 1.8e-4 (SGD 1e-3,
    # the playground's rate with plain SGD); SGD 1e-6: 1.8e-7.
    "too_small": 1e-5,
    # Share of a ReLU's units that are 0 for every sample of a batch. Healthy: at most 0.78 on any step of any
    # run (lesson 08's overfitting run); Adam 0.1: 1.00 from its 6th step on. Dead units do not come back.
    "dead": 0.95,
    # Smallest layer gradient norm over the largest, on two samples in a row. Healthy: at least 0.073;
    # a 10-layer sigmoid MLP: 1.8e-8.
    "vanishing": 1e-4,
}
CODES = ("dynamics.updates_too_large", "dynamics.updates_too_small", "dynamics.dead_units",
         "dynamics.vanishing_gradients")

MESSAGES: dict[str, dict[str, str]] = {
    "dynamics.updates_too_large": {
        "en": "At step {step} one optimizer step moved the weights of layer {layer} by {ratio:.2g} times their "
        "spread (a healthy step moves them by about 0.001 of it): the learning rate ({lr:.3g}) is far too large. "
        "Units die and the loss jumps.",
        "bn": "স্টেপ {step}-এ অপটিমাইজারের একটি স্টেপ স্তর {layer}-এর ওজন তাদের বিস্তারের {ratio:.2g} গুণ সরিয়েছে "
        "(সুস্থ একটি স্টেপ সরায় বিস্তারের মোটামুটি 0.001 অংশ): লার্নিং রেট ({lr:.3g}) অনেক বড়। "
        "ইউনিটগুলো মরে যায়, লস লাফিয়ে বাড়ে।",
    },
    "dynamics.updates_too_large.fix": {
        "en": "divide the learning rate by 10, or let helpers.lr_find suggest one.",
        "bn": "লার্নিং রেটকে 10 দিয়ে ভাগ করো, অথবা helpers.lr_find দিয়ে একটি রেট বের করে নাও।",
    },
    "dynamics.updates_too_small": {
        "en": "In its first {steps} steps no layer's weights moved by more than {ratio:.2g} of their spread per "
        "step (most at layer {layer}; healthy is about 0.001): with the learning rate {lr:.3g} the model hardly "
        "learns.",
        "bn": "প্রথম {steps}টি স্টেপে কোনো স্তরের ওজন প্রতি স্টেপে তাদের বিস্তারের {ratio:.2g} অংশের বেশি সরেনি "
        "(সবচেয়ে বেশি স্তর {layer}-এ; সুস্থ হলে মোটামুটি 0.001): লার্নিং রেট {lr:.3g} দিয়ে মডেল প্রায় কিছুই শিখছে না।",
    },
    "dynamics.updates_too_small.fix": {
        "en": "multiply the learning rate by 10 or more, or let helpers.lr_find suggest one.",
        "bn": "লার্নিং রেটকে 10 বা তার বেশি দিয়ে গুণ করো, অথবা helpers.lr_find দিয়ে একটি রেট বের করে নাও।",
    },
    "dynamics.dead_units": {
        "en": "{share:.0%} of the units of {layer} ({activation}) output 0 for every sample of a batch (step {step}): they "
        "are dead. A dead unit passes nothing on and gets no gradient, so it never comes back.",
        "bn": "{layer} ({activation})-এর {share:.0%} ইউনিট একটি ব্যাচের প্রতিটি স্যাম্পলের জন্য 0 দিচ্ছে (স্টেপ {step}): "
        "এগুলো মৃত। মৃত ইউনিট কিছুই সামনে পাঠায় না, গ্রেডিয়েন্টও পায় না, তাই আর কখনো ফেরে না।",
    },
    "dynamics.dead_units.fix": {
        "en": "lower the learning rate (Adam: about 1e-3) and start again from fresh weights; "
        "nn.LeakyReLU keeps a little gradient for negative inputs.",
        "bn": "লার্নিং রেট কমাও (Adam-এ মোটামুটি 1e-3) আর নতুন ওজন দিয়ে আবার শুরু করো; "
        "nn.LeakyReLU ঋণাত্মক ইনপুটেও একটু গ্রেডিয়েন্ট রাখে।",
    },
    "dynamics.vanishing_gradients": {
        "en": "Layer {layer} gets a gradient {ratio:.1e} times the size of layer {largest}'s (step {step}): the "
        "gradient fades on its way back, so the early layers hardly learn (vanishing gradients).",
        "bn": "স্তর {layer}-এর গ্রেডিয়েন্ট স্তর {largest}-এর গ্রেডিয়েন্টের মাত্র {ratio:.1e} গুণ (স্টেপ {step}): "
        "পেছনে ফেরার পথে গ্রেডিয়েন্ট মিলিয়ে যায়, তাই শুরুর দিকের স্তরগুলো প্রায় শেখে না (ভ্যানিশিং গ্রেডিয়েন্ট)।",
    },
    "dynamics.vanishing_gradients.fix": {
        "en": "use nn.ReLU instead of sigmoid or tanh between the layers, fewer layers, or normalisation "
        "(nn.BatchNorm1d) between them.",
        "bn": "স্তরগুলোর মাঝে sigmoid বা tanh-এর বদলে nn.ReLU দাও, স্তর কমাও, অথবা মাঝে নরমালাইজেশন "
        "(nn.BatchNorm1d) বসাও।",
    },
}
register(MESSAGES)


class Dynamics:
    """The doctor's reading of a run: records the steps it is asked to, judges each (lesson 12).

    `wants(step)` says whether a step is one to record; `arm(step)` before it, `step_done()` after every
    optimizer step; `step_done()` returns the findings, as (code, values) pairs, of a step just recorded.
    """

    def __init__(self, model: nn.Module, optimizer: torch.optim.Optimizer, *, every: int = 50):
        self.optimizer, self.every = optimizer, every
        self.health = Health(model, optimizer, every=None, keep=4)
        self._quiet = 0.0  # the largest update ratio of the first samples
        self._quiet_layer = ""
        self._runs = {"vanishing": 0}  # samples in a row over the line

    def wants(self, step: int) -> bool:
        return step in SAMPLED or (step > 0 and step % self.every == 0)

    def arm(self, step: int) -> None:
        self.health.arm(step)

    def close(self) -> None:
        self.health.detach()

    def step_done(self) -> list[tuple[str, dict]]:
        """Count a step; judge it if it was recorded."""
        step = self.health.step
        if not self.health.step_done():
            return []
        lr = float(self.optimizer.param_groups[0]["lr"])
        return [*self._updates(step, lr), *self._dead(step), *self._vanishing(step)]

    def _updates(self, step: int, lr: float) -> list[tuple[str, dict]]:
        ratios = {layer: v["update_ratio"] for layer, v in self.health.latest().items()
                  if math.isfinite(v["update_ratio"])}
        if not ratios:
            return []
        layer = max(ratios, key=ratios.get)
        found = []
        if ratios[layer] > THRESHOLDS["too_large"]:
            found.append(("dynamics.updates_too_large", {"step": step, "layer": layer, "ratio": ratios[layer],
                                                         "lr": lr}))
        if step in SAMPLED:
            if ratios[layer] >= self._quiet:
                self._quiet, self._quiet_layer = ratios[layer], layer
            if step == SAMPLED[-1] and self._quiet < THRESHOLDS["too_small"]:
                found.append(("dynamics.updates_too_small", {"steps": step + 1, "layer": self._quiet_layer,
                                                             "ratio": self._quiet, "lr": lr}))
        return found

    def _dead(self, step: int) -> list[tuple[str, dict]]:
        worst = max(((name, v) for name, v in self.health.activations().items() if not math.isnan(v["dead"])),
                    key=lambda item: item[1]["dead"], default=None)
        if worst is None or worst[1]["dead"] < THRESHOLDS["dead"]:
            return []
        name, values = worst
        return [("dynamics.dead_units", {"step": step, "layer": name, "activation": values["kind"], "share": values["dead"]})]

    def _vanishing(self, step: int) -> list[tuple[str, dict]]:
        # A layer with no gradient at all is dead (or unused), not fading: dead_units speaks of it.
        norms = {layer: v["grad_norm"] for layer, v in self.health.latest().items() if v["grad_norm"] > 0}
        if len(norms) < 2:
            return []
        low, high = min(norms, key=norms.get), max(norms, key=norms.get)
        ratio = norms[low] / norms[high]
        if ratio >= THRESHOLDS["vanishing"]:
            self._runs["vanishing"] = 0
            return []
        self._runs["vanishing"] += 1
        if self._runs["vanishing"] < 2:
            return []
        return [("dynamics.vanishing_gradients", {"step": step, "layer": low, "largest": high, "ratio": ratio})]


__all__ = ["CODES", "Dynamics", "SAMPLED", "THRESHOLDS"]
