"""Lesson 10's exercises: when a playground change takes effect, the steps of an epoch, the noise of a small batch."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
from torch.utils.data import TensorDataset

from ..data import TensorLoader
from ._cases import as_float

MESSAGES: dict[str, dict[str, str]] = {
    # 10.when
    "ex.10.when.why": {
        "en": "The learning rate, the batch size and the log interval are numbers the loop reads at every step; a "
        "new optimizer, mixed precision and the number of epochs wait for the end of the epoch, where nothing is "
        "half done.",
        "bn": "লার্নিং রেট, ব্যাচ সাইজ আর লগ ইন্টারভাল হলো এমন সংখ্যা, যা লুপ প্রতিটি স্টেপে পড়ে; নতুন অপটিমাইজার, "
        "মিক্সড প্রিসিশন আর ইপকের সংখ্যা অপেক্ষা করে ইপকের শেষ পর্যন্ত, যেখানে কোনো কাজ আধাআধি হয়ে নেই।",
    },
    "ex.10.when.keys": {
        "en": "Give a dict with one entry per control: {controls}. Missing or extra: {names}.",
        "bn": "প্রতিটি কন্ট্রোলের জন্য একটি করে এন্ট্রিসহ একটি dict দাও: {controls}। বাদ পড়েছে বা বাড়তি: {names}।",
    },
    "ex.10.when.values": {
        "en": "Each value should be \"step\" (from the next step) or \"epoch\" (at the next epoch boundary); "
        "{name} has {value!r}.",
        "bn": "প্রতিটি মান হতে হবে \"step\" (পরের স্টেপ থেকে) অথবা \"epoch\" (পরের ইপকের সীমানায়); {name}-এর মান "
        "{value!r}।",
    },
    "ex.10.when.lr": {
        "en": "The learning rate is a number in optimizer.param_groups that every optimizer.step() reads: the very "
        "next step uses a new one (Experiment 1).",
        "bn": "লার্নিং রেট হলো optimizer.param_groups-এর একটি সংখ্যা, যা প্রতিটি optimizer.step() পড়ে: ঠিক পরের "
        "স্টেপটিই নতুন রেট ব্যবহার করে (পরীক্ষা ১)।",
    },
    "ex.10.when.batch_size": {
        "en": "TensorLoader reads batch_size each time it cuts a batch from the preloaded tensor: the next batch "
        "already has the new size (Experiment 2).",
        "bn": "TensorLoader আগে থেকে লোড করা tensor থেকে প্রতিবার ব্যাচ কাটার সময় batch_size পড়ে: পরের ব্যাচটিই "
        "নতুন সাইজের হয় (পরীক্ষা ২)।",
    },
    "ex.10.when.log_interval": {
        "en": "The hook checks the log interval at every batch, so it changes at the next step.",
        "bn": "হুকটি প্রতিটি ব্যাচে লগ ইন্টারভাল দেখে, তাই এটা পরের স্টেপেই বদলায়।",
    },
    "ex.10.when.optimizer": {
        "en": "A new optimizer waits for the end of the epoch: there no gradient is waiting and the epoch's "
        "averages are complete, and it starts with an empty state.",
        "bn": "নতুন অপটিমাইজার ইপকের শেষ পর্যন্ত অপেক্ষা করে: সেখানে কোনো গ্রেডিয়েন্ট বাকি নেই, ইপকের গড়ও সম্পূর্ণ, "
        "আর এটি শুরু করে খালি অবস্থা নিয়ে।",
    },
    "ex.10.when.amp": {
        "en": "Mixed precision is set up for a whole epoch (one autocast context and its GradScaler), so it "
        "changes at the next epoch boundary.",
        "bn": "মিক্সড প্রিসিশন পুরো একটি ইপকের জন্য ঠিক করা থাকে (একটি autocast কনটেক্সট আর তার GradScaler), তাই এটা "
        "বদলায় পরের ইপকের সীমানায়।",
    },
    "ex.10.when.epochs": {
        "en": "The number of epochs is looked at between two epochs, when the run decides whether to train another.",
        "bn": "ইপকের সংখ্যা দেখা হয় দুটি ইপকের মাঝে, যখন রানটি ঠিক করে আরেকটি ইপক ট্রেন করবে কি না।",
    },
    # 10.steps
    "ex.10.steps.why": {
        "en": "The first change_after steps use the old size; the samples left are cut into batches of the new size, "
        "and a last, smaller batch is a step too: change_after + ceil((n - change_after × batch_size) / new_size).",
        "bn": "প্রথম change_after টি স্টেপ পুরোনো সাইজে চলে; বাকি স্যাম্পলগুলো নতুন সাইজের ব্যাচে কাটা হয়, আর শেষের "
        "ছোট ব্যাচটিও একটি স্টেপ: change_after + ceil((n - change_after × batch_size) / new_size)।",
    },
    "ex.10.steps.floor": {
        "en": "You left out the last, smaller batch: the {n} samples left after the change, cut into batches of "
        "{size}, end with a batch of {rest}, and that is a step too. Round the division up (math.ceil).",
        "bn": "শেষের ছোট ব্যাচটি বাদ পড়েছে: বদলের পরে বাকি {n}টি স্যাম্পল {size}-এর ব্যাচে কাটলে শেষে থাকে {rest}টির "
        "একটি ব্যাচ, আর সেটাও একটি স্টেপ। ভাগফলকে ওপরের দিকে রাউন্ড করো (math.ceil)।",
    },
    "ex.10.steps.no_change": {
        "en": "That is an epoch with one batch size throughout. The first change_after steps used batch_size "
        "samples each; only the samples left are cut into batches of the new size.",
        "bn": "এটা তো পুরো ইপক একই ব্যাচ সাইজে চলার হিসাব। প্রথম change_after টি স্টেপে প্রতিবার batch_size টি "
        "স্যাম্পল গেছে; শুধু বাকি স্যাম্পলগুলো নতুন সাইজের ব্যাচে কাটা হয়।",
    },
    "ex.10.steps.wrong": {
        "en": "With {n} samples, {change_after} batches of {batch_size}, then batches of {new_size}, the epoch has "
        "{expected} steps; got {got}.",
        "bn": "{n}টি স্যাম্পল, প্রথমে {batch_size}-এর {change_after}টি ব্যাচ, তারপর {new_size}-এর ব্যাচ হলে ইপকে "
        "স্টেপ হয় {expected}টি; এসেছে {got}।",
    },
    # 10.noise
    "ex.10.noise.why": {
        "en": "A batch's loss is the mean of batch-size many sample losses, and the spread of a mean shrinks with "
        "the square root of how many it averages: sqrt(big / small).",
        "bn": "একটি ব্যাচের লস হলো ব্যাচ সাইজ সংখ্যক স্যাম্পলের লসের গড়, আর গড়ের ছড়ানো কমে যতগুলো মান গড় করা হয় "
        "তার বর্গমূলের অনুপাতে: sqrt(big / small)।",
    },
    "ex.10.noise.linear": {
        "en": "That grows with the batch size itself. The spread of a mean shrinks with the square root of the "
        "number of samples, not with the number.",
        "bn": "এটা ব্যাচ সাইজের সঙ্গে সরাসরি বাড়ছে। গড়ের ছড়ানো কমে স্যাম্পল-সংখ্যার বর্গমূলের অনুপাতে, সংখ্যাটির "
        "অনুপাতে নয়।",
    },
    "ex.10.noise.inverted": {
        "en": "The small batch should be the noisier one, so the ratio is above 1. Swap the two sizes.",
        "bn": "ছোট ব্যাচেই নয়েজ বেশি হওয়ার কথা, তাই অনুপাতটি 1-এর চেয়ে বড়। দুটি সাইজ অদলবদল করো।",
    },
    "ex.10.noise.wrong": {
        "en": "For batches of {small} against {big} the ratio should be {expected:.3f}, got {got}.",
        "bn": "{small} আর {big}-এর ব্যাচের বেলায় অনুপাত হওয়ার কথা {expected:.3f}, এসেছে {got}।",
    },
}


def check_when(when: Any) -> str | tuple[str, dict] | None:
    """10.when: a dict control -> "step" or "epoch", as the playground applies each control's changes."""
    from ..playground.controls import CONTROLS, LIVE

    if not isinstance(when, dict) or set(when) != set(CONTROLS):
        names = sorted(set(CONTROLS) ^ set(when)) if isinstance(when, dict) else []
        return "ex.10.when.keys", {"controls": ", ".join(CONTROLS), "names": ", ".join(names) or "-"}
    for name in CONTROLS:
        if when[name] not in ("step", "epoch"):
            return "ex.10.when.values", {"name": name, "value": when[name]}
    for name in CONTROLS:
        if when[name] != ("step" if name in LIVE else "epoch"):
            return f"ex.10.when.{name}"
    return None


STEPS_CASES = ((1257, 64, 10, 8), (1000, 100, 3, 30), (640, 64, 4, 32), (100, 10, 2, 7), (50, 8, 6, 5))


def _epoch_steps(n: int, batch_size: int, change_after: int, new_size: int) -> int:
    """Steps of one epoch through a TensorLoader whose batch size changes after `change_after` batches."""
    loader = TensorLoader(TensorDataset(torch.zeros(n, 1)), batch_size=batch_size)
    steps = 0
    for _ in loader:
        steps += 1
        if steps == change_after:
            loader.batch_size = new_size  # as the playground's hook does after a step
    return steps


def check_steps(steps_in_epoch: Callable) -> str | tuple[str, dict] | None:
    """10.steps: steps_in_epoch(n, batch_size, change_after, new_size) counts the steps as TensorLoader yields them."""
    for n, batch_size, change_after, new_size in STEPS_CASES:
        expected = _epoch_steps(n, batch_size, change_after, new_size)
        got = as_float(steps_in_epoch(n, batch_size, change_after, new_size))
        if got == expected:
            continue
        rest = n - change_after * batch_size
        if rest % new_size and got == change_after + rest // new_size:
            return "ex.10.steps.floor", {"n": rest, "size": new_size, "rest": rest % new_size}
        if got in (math.ceil(n / new_size), math.ceil(n / batch_size)):
            return "ex.10.steps.no_change"
        return "ex.10.steps.wrong", {"n": n, "change_after": change_after, "batch_size": batch_size,
                                     "new_size": new_size, "expected": expected, "got": got}
    return None


NOISE_CASES = ((8, 64), (16, 64), (32, 128), (10, 1000))


def check_noise(noise_ratio: Callable) -> str | tuple[str, dict] | None:
    """10.noise: noise_ratio(small, big) is how many times noisier a batch of `small` is: sqrt(big / small)."""
    for small, big in NOISE_CASES:
        expected = math.sqrt(big / small)
        got = as_float(noise_ratio(small, big))
        if math.isclose(got, expected, rel_tol=1e-6):
            continue
        if math.isclose(got, big / small, rel_tol=1e-6):
            return "ex.10.noise.linear"
        if got > 0 and math.isclose(1 / got, expected, rel_tol=1e-6) or math.isclose(got, small / big, rel_tol=1e-6):
            return "ex.10.noise.inverted"
        return "ex.10.noise.wrong", {"small": small, "big": big, "expected": expected, "got": got}
    return None


CHECKERS: dict[str, Callable[[Any], Any]] = {
    "10.when": check_when,
    "10.steps": check_steps,
    "10.noise": check_noise,
}
