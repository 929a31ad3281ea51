"""Lesson 06's exercises: where scheduler.step() goes, OneCycleLR's length, stepping after validation."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import torch
from torch import nn
from torch.optim.lr_scheduler import OneCycleLR, ReduceLROnPlateau, StepLR

MESSAGES: dict[str, dict[str, str]] = {
    # 06.step_order
    "ex.06.step_order.why": {
        "en": "optimizer.step() uses the current learning rate, then scheduler.step() moves it on; an epoch "
        "scheduler like StepLR steps once, after the last batch of each epoch.",
        "bn": "optimizer.step() চলতি লার্নিং রেট দিয়ে আপডেট করে, তারপর scheduler.step() রেটটিকে পরের মানে "
        "নিয়ে যায়; StepLR-এর মতো ইপক-ভিত্তিক শিডিউলার প্রতিটি ইপকের শেষ ব্যাচের পরে একবার স্টেপ নেয়।",
    },
    "ex.06.step_order.before": {
        "en": "PyTorch saw scheduler.step() before the first optimizer.step(), so the first learning rate of the "
        "schedule was skipped. Call scheduler.step() after optimizer.step().",
        "bn": "PyTorch দেখেছে প্রথম optimizer.step()-এর আগেই scheduler.step() কল করা হয়েছে, তাই শিডিউলের প্রথম "
        "লার্নিং রেটটি বাদ পড়ে গেছে। scheduler.step() কল করো optimizer.step()-এর পরে।",
    },
    "ex.06.step_order.per_batch": {
        "en": "The learning rate changes inside an epoch: StepLR counts epochs, so step it once per epoch, "
        "after the batch loop, not after every batch.",
        "bn": "লার্নিং রেট একটি ইপকের ভেতরেই বদলে যাচ্ছে: StepLR ইপক গোনে, তাই ব্যাচের লুপের পরে ইপকে "
        "একবার স্টেপ দাও, প্রতিটি ব্যাচের পরে নয়।",
    },
    "ex.06.step_order.never": {
        "en": "The learning rate never changes. Did you call scheduler.step() at all?",
        "bn": "লার্নিং রেট কখনো বদলাচ্ছে না। scheduler.step() কি আদৌ কল করেছ?",
    },
    "ex.06.step_order.no_update": {
        "en": "optimizer.step() was never called: keep the training step (zero_grad, forward, loss, backward, step).",
        "bn": "optimizer.step() একবারও কল করা হয়নি: ট্রেনিং স্টেপটি রেখে দাও (zero_grad, forward, loss, backward, step)।",
    },
    "ex.06.step_order.wrong": {
        "en": "The learning rates used were {got}, expected {expected}: one scheduler.step() per epoch, after the batches.",
        "bn": "ব্যবহার হওয়া লার্নিং রেটগুলো {got}, হওয়ার কথা {expected}: প্রতি ইপকে একবার scheduler.step(), "
        "ব্যাচগুলোর পরে।",
    },
    # 06.one_cycle
    "ex.06.one_cycle.why": {
        "en": "OneCycleLR is stepped once per batch, so its cycle must last epochs × steps_per_epoch steps "
        "(total_steps, or epochs= and steps_per_epoch=): it peaks at max_lr and ends at its minimum on the last batch.",
        "bn": "OneCycleLR প্রতিটি ব্যাচের পরে একবার স্টেপ নেয়, তাই তার চক্রটি হতে হবে epochs × steps_per_epoch "
        "স্টেপ লম্বা (total_steps, অথবা epochs= আর steps_per_epoch=): এটি max_lr-এ চূড়ায় ওঠে আর শেষ ব্যাচে "
        "সর্বনিম্ন মানে নামে।",
    },
    "ex.06.one_cycle.too_few": {
        "en": "OneCycleLR stopped with \"Tried to step ... times\": the cycle is shorter than the training. It is "
        "stepped after every batch, so total_steps = epochs × steps_per_epoch.",
        "bn": "OneCycleLR \"Tried to step ... times\" বলে থেমে গেছে: চক্রটি ট্রেনিংয়ের চেয়ে ছোট। এটি প্রতিটি "
        "ব্যাচের পরে স্টেপ নেয়, তাই total_steps = epochs × steps_per_epoch।",
    },
    "ex.06.one_cycle.ends_high": {
        "en": "The learning rate is still {end:.2g} on the last batch, far above the cycle's minimum: the cycle is "
        "longer than the training. Use exactly epochs × steps_per_epoch steps.",
        "bn": "শেষ ব্যাচেও লার্নিং রেট {end:.2g}, চক্রের সর্বনিম্ন মানের চেয়ে অনেক বেশি: চক্রটি ট্রেনিংয়ের "
        "চেয়ে লম্বা। ঠিক epochs × steps_per_epoch স্টেপ দাও।",
    },
    "ex.06.one_cycle.peak": {
        "en": "The highest learning rate is {peak:.2g}, but the exercise asks for max_lr=0.01.",
        "bn": "সবচেয়ে বড় লার্নিং রেট {peak:.2g}, অথচ অনুশীলনী চায় max_lr=0.01।",
    },
    "ex.06.one_cycle.not_scheduler": {
        "en": "The function must return the scheduler it creates (a torch.optim.lr_scheduler.OneCycleLR).",
        "bn": "ফাংশনটিকে নিজের বানানো শিডিউলারটিই ফেরত দিতে হবে (একটি torch.optim.lr_scheduler.OneCycleLR)।",
    },
    # 06.after_validation
    "ex.06.after_validation.why": {
        "en": "ReduceLROnPlateau needs the validation loss, every other epoch scheduler steps without an argument; "
        "an explicit isinstance check says so, instead of a try/except that hides mistakes.",
        "bn": "ReduceLROnPlateau-এর দরকার ভ্যালিডেশন লস, আর বাকি সব ইপক-ভিত্তিক শিডিউলার স্টেপ নেয় কোনো "
        "আর্গুমেন্ট ছাড়া; isinstance দিয়ে সরাসরি যাচাই করলেই সেটা স্পষ্ট হয়; ভুল চাপা দেওয়া try/except লাগে না।",
    },
    "ex.06.after_validation.never": {
        "en": "ReduceLROnPlateau never lowered the learning rate although the loss stopped improving: its step() "
        "needs the metric and raised a TypeError, which was swallowed. Pass val_loss to it.",
        "bn": "লস কমা থেমে গেলেও ReduceLROnPlateau লার্নিং রেট একবারও কমায়নি: এর step()-এর মেট্রিক দরকার, "
        "তাই step() কল করতেই TypeError হয়েছিল, আর সেই এরর চাপা পড়ে গেছে। একে val_loss দাও।",
    },
    "ex.06.after_validation.no_metric": {
        "en": "ReduceLROnPlateau.step() raised a TypeError: it needs the monitored value, scheduler.step(val_loss).",
        "bn": "ReduceLROnPlateau.step() কল করতেই TypeError হয়েছে: এর দরকার নজরে রাখা মানটি, scheduler.step(val_loss)।",
    },
    "ex.06.after_validation.epoch_arg": {
        "en": "StepLR.step() got an argument: PyTorch reads it as an epoch number (a deprecated form) and warns. "
        "Only ReduceLROnPlateau takes the loss; call the others as scheduler.step().",
        "bn": "StepLR.step()-কে একটি আর্গুমেন্ট দেওয়া হয়েছে: PyTorch সেটাকে ইপকের নম্বর ধরে নেয় (একটি "
        "ডেপ্রিকেটেড রূপ) আর সতর্ক করে। লস নেয় শুধু ReduceLROnPlateau; বাকিগুলোকে কল করো scheduler.step() হিসেবে।",
    },
    "ex.06.after_validation.others": {
        "en": "ReduceLROnPlateau works now, but StepLR never moved: the other schedulers must still call "
        "scheduler.step() once per epoch.",
        "bn": "ReduceLROnPlateau এখন ঠিক কাজ করছে, কিন্তু StepLR একটুও নড়েনি: বাকি শিডিউলারগুলোকেও প্রতি "
        "ইপকে একবার scheduler.step() কল করতে হবে।",
    },
    "ex.06.after_validation.wrong": {
        "en": "The learning rates do not follow the schedules. Step ReduceLROnPlateau with val_loss and the "
        "others with no argument, once per call.",
        "bn": "লার্নিং রেটগুলো শিডিউল মেনে চলছে না। ReduceLROnPlateau-কে val_loss দিয়ে আর বাকিগুলোকে কোনো "
        "আর্গুমেন্ট ছাড়া স্টেপ দাও, প্রতি কলে একবার।",
    },
}


def _dummy_optimizer(lr: float = 0.1, momentum: float = 0.0) -> torch.optim.Optimizer:
    """An optimizer over one parameter that never gets a gradient: step() changes nothing."""
    return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr, momentum=momentum)


def _lr(optimizer: torch.optim.Optimizer) -> float:
    return float(optimizer.param_groups[0]["lr"])


def check_step_order(train: Callable) -> Any:
    """06.step_order: train(model, loader, optimizer, scheduler, criterion, epochs) steps StepLR after each epoch."""
    generator = torch.Generator().manual_seed(0)
    model = nn.Linear(3, 2)
    loader = [(torch.randn(4, 3, generator=generator), torch.randn(4, 2, generator=generator)) for _ in range(3)]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.5)
    used: list[float] = []
    optimizer.register_step_pre_hook(lambda opt, args, kwargs: used.append(_lr(opt)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        train(model, loader, optimizer, scheduler, nn.MSELoss(), 3)
    expected = [0.1] * 3 + [0.05] * 3 + [0.025] * 3
    if any("before `optimizer.step()`" in str(w.message) for w in caught):
        return "ex.06.step_order.before"
    if not used:
        return "ex.06.step_order.no_update"
    if len(used) == len(expected) and all(abs(a - b) < 1e-12 for a, b in zip(used, expected)):
        return None
    if len(set(used)) == 1:
        return "ex.06.step_order.never"
    if len(used) >= 3 and len(set(used[:3])) > 1:
        return "ex.06.step_order.per_batch"
    return ("ex.06.step_order.wrong", {"got": [round(v, 4) for v in used], "expected": expected})


def check_one_cycle(make_one_cycle: Callable) -> Any:
    """06.one_cycle: make_one_cycle(optimizer, epochs, steps_per_epoch) returns a OneCycleLR that fits the run."""
    epochs, steps_per_epoch, max_lr = 4, 5, 0.01
    optimizer = _dummy_optimizer(lr=0.001, momentum=0.9)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        scheduler = make_one_cycle(optimizer, epochs, steps_per_epoch)
        if not hasattr(scheduler, "step") or getattr(scheduler, "optimizer", None) is not optimizer:
            return "ex.06.one_cycle.not_scheduler"
        used = []
        try:
            for _ in range(epochs * steps_per_epoch):
                used.append(_lr(optimizer))
                optimizer.step()
                scheduler.step()
        except ValueError as error:
            if "Tried to step" in str(error):
                return "ex.06.one_cycle.too_few"
            raise
    peak = max(used)
    if abs(peak - max_lr) > 0.05 * max_lr:
        return ("ex.06.one_cycle.peak", {"peak": peak})
    if used[-1] > max_lr / 1000:
        return ("ex.06.one_cycle.ends_high", {"end": used[-1]})
    if not isinstance(scheduler, OneCycleLR):
        return "ex.06.one_cycle.not_scheduler"
    return None


def _run_after_validation(step_after_validation: Callable, make_scheduler: Callable, losses: list[float]):
    """LR after each call, and the warnings raised on the way."""
    optimizer = _dummy_optimizer()
    scheduler = make_scheduler(optimizer)
    lrs = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for loss in losses:
            optimizer.step()
            step_after_validation(scheduler, loss)
            lrs.append(_lr(optimizer))
    return lrs, [str(w.message) for w in caught]


def _reference_after_validation(scheduler, val_loss):
    if isinstance(scheduler, ReduceLROnPlateau):
        scheduler.step(val_loss)
    else:
        scheduler.step()


def check_after_validation(step_after_validation: Callable) -> Any:
    """06.after_validation: step_after_validation(scheduler, val_loss) steps any epoch scheduler correctly."""
    plateau = (lambda opt: ReduceLROnPlateau(opt, mode="min", factor=0.1, patience=1), [1.0, 0.8, 0.8, 0.8, 0.8, 0.8])
    step = (lambda opt: StepLR(opt, step_size=1, gamma=0.5), [1.0, 0.9, 0.8])
    try:
        got_plateau, _ = _run_after_validation(step_after_validation, *plateau)
    except TypeError:
        return "ex.06.after_validation.no_metric"
    if got_plateau == [0.1] * len(plateau[1]):
        return "ex.06.after_validation.never"
    got_step, messages = _run_after_validation(step_after_validation, *step)
    if any("epoch parameter" in m for m in messages):
        return "ex.06.after_validation.epoch_arg"
    if got_step == [0.1] * len(step[1]):
        return "ex.06.after_validation.others"
    right_plateau, _ = _run_after_validation(_reference_after_validation, *plateau)
    right_step, _ = _run_after_validation(_reference_after_validation, *step)
    close = lambda a, b: len(a) == len(b) and all(abs(x - y) < 1e-12 for x, y in zip(a, b))  # noqa: E731
    if close(got_plateau, right_plateau) and close(got_step, right_step):
        return None
    return "ex.06.after_validation.wrong"


CHECKERS: dict[str, Callable[[Any], Any]] = {
    "06.step_order": check_step_order,
    "06.one_cycle": check_one_cycle,
    "06.after_validation": check_after_validation,
}
