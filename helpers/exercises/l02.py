"""Lesson 02's exercises: the forgotten zero_grad, the accuracy of a batch, five log lines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from ..checks import is_whole
from ._cases import as_float, regression

MESSAGES: dict[str, dict[str, str]] = {
    # 02.zero_grad
    "ex.02.zero_grad.why": {
        "en": "Clearing the gradients before backward() makes every update use this batch's gradient only.",
        "bn": "backward()-এর আগে গ্রেডিয়েন্ট মুছে দিলে প্রতিটি আপডেট শুধু এই ব্যাচের গ্রেডিয়েন্ট ব্যবহার করে।",
    },
    "ex.02.zero_grad.piles_up": {
        "en": "The gradients still pile up from step to step. Where does optimizer.zero_grad() belong?",
        "bn": "গ্রেডিয়েন্ট এখনো এক স্টেপ থেকে আরেক স্টেপে জমছে। optimizer.zero_grad() কোথায় বসবে?",
    },
    "ex.02.zero_grad.no_update": {
        "en": "The weights do not change. Did you keep loss.backward() and optimizer.step()?",
        "bn": "ওজন বদলাচ্ছে না। loss.backward() আর optimizer.step() দুটোই কি রেখেছ?",
    },
    "ex.02.zero_grad.wiped": {
        "en": "The weights do not change: optimizer.step() finds no gradient, because zero_grad() ran between "
              "backward() and step() and wiped it. Clear the gradients before the forward pass instead.",
        "bn": "ওজন বদলাচ্ছে না: optimizer.step() কোনো গ্রেডিয়েন্ট পায় না, কারণ backward() আর step()-এর মাঝখানে "
              "zero_grad() চলে সেটি মুছে দিয়েছে। গ্রেডিয়েন্ট মোছো ফরোয়ার্ড পাসের আগে।",
    },
    "ex.02.zero_grad.wrong_order": {
        "en": "The update is not the one a correct step makes. The order is zero_grad, forward, loss, backward, step.",
        "bn": "আপডেটটি সঠিক স্টেপের মতো হচ্ছে না। ক্রমটি হলো zero_grad, forward, loss, backward, step।",
    },
    # 02.accuracy
    "ex.02.accuracy.why": {
        "en": "argmax over dim=1 picks one class per sample; dividing by the number of samples gives a fraction.",
        "bn": "dim=1 বরাবর argmax প্রতিটি স্যাম্পলের জন্য একটি ক্লাস বেছে নেয়; স্যাম্পলের সংখ্যা দিয়ে ভাগ করলে ভগ্নাংশ পাওয়া যায়।",
    },
    "ex.02.accuracy.dim": {
        "en": "The predictions have the wrong length: which dimension holds the classes?",
        "bn": "প্রেডিকশনের দৈর্ঘ্য ভুল: ক্লাসগুলো কোন মাত্রায় আছে?",
    },
    "ex.02.accuracy.count": {
        "en": "That looks like a count, not a fraction between 0 and 1. Divide by the number of samples.",
        "bn": "এটা দেখে একটা কাউন্ট মনে হচ্ছে, 0 আর 1-এর মধ্যের ভগ্নাংশ নয়। স্যাম্পলের সংখ্যা দিয়ে ভাগ করো।",
    },
    "ex.02.accuracy.wrong": {
        "en": "The value is not the share of correct predictions. Compare argmax(dim=1) with the targets.",
        "bn": "মানটি সঠিক প্রেডিকশনের অনুপাত নয়। argmax(dim=1)-কে টার্গেটের সঙ্গে মিলিয়ে দেখো।",
    },
    # 02.log_interval
    "ex.02.log_interval.why": {
        "en": "With 20 batches, lines print at batches 0, 4, 8, 12 and 16: five lines.",
        "bn": "20টি ব্যাচ থাকলে লাইন ছাপা হয় ব্যাচ 0, 4, 8, 12 আর 16-এ: মোট পাঁচটি লাইন।",
    },
    "ex.02.log_interval.count": {
        "en": "That prints {lines} lines, not 5. Remember: batch 0 always prints, then every log_interval batches.",
        "bn": "এতে {lines}টি লাইন ছাপা হবে, 5টি নয়। মনে রেখো: ব্যাচ 0 সবসময় ছাপা হয়, তারপর প্রতি log_interval ব্যাচ পরপর।",
    },
    "ex.02.log_interval.type": {
        "en": "log_interval must be a whole number of at least 1.",
        "bn": "log_interval-কে 1 বা তার বেশি একটি পূর্ণসংখ্যা হতে হবে।",
    },
}


def _tiny_setup():
    """A tiny regression problem whose right updates are easy to compute."""
    return regression(3, 2, 4, seed=0, zero_bias=True)


def _run_steps(step: Callable, steps: int = 3, *, seen: list | None = None) -> torch.Tensor:
    """The weight after `steps` calls of `step`; `seen` gets, at each optimizer.step(), whether a gradient is there."""
    model, data, targets = _tiny_setup()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    if seen is not None:
        optimizer.register_step_pre_hook(  # None or all zeros: zero_grad(set_to_none=True or False) ran
            lambda *_: seen.append(model.weight.grad is not None and bool(model.weight.grad.any())))
    for _ in range(steps):
        step(model, data, targets, optimizer, nn.MSELoss())
    return model.weight.detach().clone()


def _reference_step(model, data, targets, optimizer, criterion):
    optimizer.zero_grad()
    loss = criterion(model(data), targets)
    loss.backward()
    optimizer.step()
    return loss


def check_zero_grad(train_step: Callable) -> str | None:
    """02.zero_grad: train_step(model, data, targets, optimizer, criterion) must do one correct update."""
    right = _run_steps(_reference_step)
    steps_with_gradient: list[bool] = []
    got = _run_steps(train_step, seen=steps_with_gradient)
    if torch.allclose(got, right, atol=1e-6):
        return None
    start = _tiny_setup()[0].weight.detach()
    if torch.allclose(got, start):
        # step() was called, but never with a gradient: something cleared it in between
        wiped = steps_with_gradient and not any(steps_with_gradient)
        return "ex.02.zero_grad.wiped" if wiped else "ex.02.zero_grad.no_update"

    def piling(model, data, targets, optimizer, criterion):
        loss = criterion(model(data), targets)
        loss.backward()
        optimizer.step()

    if torch.allclose(got, _run_steps(piling), atol=1e-6):
        return "ex.02.zero_grad.piles_up"
    return "ex.02.zero_grad.wrong_order"


def check_accuracy(accuracy: Callable) -> str | None:
    """02.accuracy: accuracy(outputs, targets) returns the fraction of rows whose argmax is the target."""
    outputs = torch.tensor([[2.0, 0.1, 0.3], [0.1, 3.0, 0.2], [0.5, 0.1, 0.2], [0.1, 0.2, 0.9], [1.0, 0.0, 0.5]])
    targets = torch.tensor([0, 1, 2, 2, 1])  # rows 0, 1 and 3 are right: 3 / 5
    try:
        value = accuracy(outputs, targets)
    except RuntimeError:  # argmax over dim=0 gives 3 predictions for 5 targets: shapes clash
        return "ex.02.accuracy.dim"
    if isinstance(value, torch.Tensor) and value.numel() != 1:
        return "ex.02.accuracy.dim"
    value = as_float(value)
    if abs(value - 0.6) < 1e-6:
        return None
    if abs(value - 3) < 1e-6:
        return "ex.02.accuracy.count"
    return "ex.02.accuracy.wrong"


def check_log_interval(log_interval: Any) -> str | None:
    """02.log_interval: the interval that prints exactly 5 lines over 20 batches."""
    if not is_whole(log_interval, 1):
        return "ex.02.log_interval.type"
    lines = sum(1 for batch in range(20) if batch % log_interval == 0)
    return None if lines == 5 else ("ex.02.log_interval.count", {"lines": lines})


CHECKERS: dict[str, Callable[[Any], Any]] = {
    "02.zero_grad": check_zero_grad,
    "02.accuracy": check_accuracy,
    "02.log_interval": check_log_interval,
}
