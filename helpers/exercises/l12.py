"""Lesson 12's exercises: the update-to-data ratio, the share of dead units, the range test's smoothed loss."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ._cases import as_float

MESSAGES: dict[str, dict[str, str]] = {
    # 12.update_ratio
    "ex.12.update_ratio.why": {
        "en": "std(after − before) / std(before) compares the step with the spread of the weights, whatever the "
        "optimizer: a healthy step gives about 1e-3.",
        "bn": "std(after − before) / std(before) স্টেপটিকে ওজনের বিস্তারের সঙ্গে তুলনা করে, অপটিমাইজার যা-ই হোক: "
        "সুস্থ একটি স্টেপে মানটি মোটামুটি 1e-3।",
    },
    "ex.12.update_ratio.mean_abs": {
        "en": "That compares mean absolute values. Use the spread: (after - before).std() / before.std().",
        "bn": "এটা গড় পরম মানের তুলনা। বিস্তার ব্যবহার করো: (after - before).std() / before.std()।",
    },
    "ex.12.update_ratio.after": {
        "en": "Divide by the spread of the weights before the step, not after it.",
        "bn": "স্টেপের পরের নয়, আগের ওজনের বিস্তার দিয়ে ভাগ করো।",
    },
    "ex.12.update_ratio.weights": {
        "en": "That is the spread of the weights after the step over before: about 1 for any small step. "
        "Take the change first: after - before.",
        "bn": "এটা স্টেপের পরের আর আগের ওজনের বিস্তারের অনুপাত: যেকোনো ছোট স্টেপে মোটামুটি 1। "
        "আগে পরিবর্তনটা নাও: after - before।",
    },
    "ex.12.update_ratio.wrong": {
        "en": "For this step the ratio is {expected:.3e}, got {got}. Divide the standard deviation of "
        "after - before by the standard deviation of before.",
        "bn": "এই স্টেপের অনুপাত {expected:.3e}, এসেছে {got}। after - before-এর স্ট্যান্ডার্ড ডেভিয়েশনকে "
        "before-এর স্ট্যান্ডার্ড ডেভিয়েশন দিয়ে ভাগ করো।",
    },
    # 12.dead_share
    "ex.12.dead_share.why": {
        "en": "A unit is dead when it outputs 0 for every sample: (outputs == 0).all(dim=0) per unit, then the "
        "mean over the units. A zero for some samples is just ReLU at work.",
        "bn": "একটি ইউনিট মৃত, যখন সেটি প্রতিটি স্যাম্পলের জন্য 0 দেয়: প্রতি ইউনিটে (outputs == 0).all(dim=0), "
        "তারপর ইউনিটগুলোর গড়। কিছু স্যাম্পলে 0 তো ReLU-র স্বাভাবিক কাজ।",
    },
    "ex.12.dead_share.zero_outputs": {
        "en": "That is the share of zero outputs. A unit is dead only if it is 0 for every sample: "
        "(outputs == 0).all(dim=0).",
        "bn": "এটা শূন্য আউটপুটের অংশ। একটি ইউনিট মৃত শুধু তখনই, যখন সেটি প্রতিটি স্যাম্পলের জন্য 0: "
        "(outputs == 0).all(dim=0)।",
    },
    "ex.12.dead_share.samples": {
        "en": "That looks along the wrong dimension: it counts samples whose every unit is 0. Reduce over the "
        "samples, dim=0, to get one answer per unit.",
        "bn": "এটা ভুল মাত্রা বরাবর দেখছে: যে স্যাম্পলের সব ইউনিট 0, সেগুলো গুনছে। প্রতি ইউনিটে একটি উত্তর পেতে "
        "স্যাম্পলগুলোর ওপর, dim=0 বরাবর, হিসাব করো।",
    },
    "ex.12.dead_share.any": {
        "en": "That counts units that are 0 for at least one sample. Dead means 0 for all of them: .all(dim=0).",
        "bn": "এটা সেই ইউনিটগুলো গোনে, যেগুলো অন্তত একটি স্যাম্পলে 0। মৃত মানে সবগুলোতেই 0: .all(dim=0)।",
    },
    "ex.12.dead_share.wrong": {
        "en": "For this batch the share of dead units is {expected:.3f}, got {got}.",
        "bn": "এই ব্যাচে মৃত ইউনিটের অংশ {expected:.3f}, এসেছে {got}।",
    },
    # 12.smooth
    "ex.12.smooth.why": {
        "en": "The running average starts at 0, so its first values are too small; dividing step i by "
        "1 - beta ** (i + 1) corrects that, as Adam does for its averages.",
        "bn": "চলমান গড় 0 থেকে শুরু হয়, তাই প্রথম মানগুলো খুব ছোট আসে; স্টেপ i-কে 1 - beta ** (i + 1) দিয়ে ভাগ "
        "করলে তা ঠিক হয়, Adam তার গড়গুলোর বেলায় যেমন করে।",
    },
    "ex.12.smooth.no_correction": {
        "en": "The average is right, but its first values are pulled towards 0. Divide step i's average by "
        "1 - beta ** (i + 1).",
        "bn": "গড় ঠিক আছে, কিন্তু প্রথম মানগুলো 0-এর দিকে টেনে নামানো। স্টেপ i-এর গড়কে 1 - beta ** (i + 1) "
        "দিয়ে ভাগ করো।",
    },
    "ex.12.smooth.swapped": {
        "en": "The two factors are swapped: beta goes with the average so far, 1 - beta with the new loss.",
        "bn": "গুণক দুটো উল্টে গেছে: beta যায় এ পর্যন্ত গড়ের সঙ্গে, 1 - beta নতুন লসের সঙ্গে।",
    },
    "ex.12.smooth.length": {
        "en": "Return one smoothed value per loss: {expected} values, got {got}.",
        "bn": "প্রতিটি লসের জন্য একটি মসৃণ মান ফেরত দাও: {expected}টি মান, এসেছে {got}টি।",
    },
    "ex.12.smooth.wrong": {
        "en": "For the losses {losses} the smoothed values are {expected}, got {got}.",
        "bn": "লস {losses}-এর মসৃণ মান {expected}, এসেছে {got}।",
    },
}


def _near(a: float, b: float, rel: float = 1e-4) -> bool:
    """Whether two numbers agree to a relative 1e-4."""
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-12)


def check_update_ratio(update_ratio: Callable) -> str | tuple[str, dict] | None:
    """12.update_ratio: update_ratio(before, after) = std(after - before) / std(before)."""
    generator = torch.Generator().manual_seed(12)
    before = torch.randn(32, 16, generator=generator) * 0.05 + 0.02
    after = before * 0.9 + torch.randn(32, 16, generator=generator) * 1e-3  # a step that also shrinks them
    expected = ((after - before).std() / before.std()).item()
    got = as_float(update_ratio(before.clone(), after.clone()))
    if _near(got, expected):
        return None
    if _near(got, ((after - before).abs().mean() / before.abs().mean()).item()):
        return "ex.12.update_ratio.mean_abs"
    if _near(got, ((after - before).std() / after.std()).item()):
        return "ex.12.update_ratio.after"
    if _near(got, (after.std() / before.std()).item()):
        return "ex.12.update_ratio.weights"
    return "ex.12.update_ratio.wrong", {"expected": expected, "got": f"{got:.3e}"}


def check_dead_share(dead_share: Callable) -> str | tuple[str, dict] | None:
    """12.dead_share: the share of units (columns) that are 0 for every sample (row)."""
    generator = torch.Generator().manual_seed(12)
    outputs = torch.relu(torch.randn(8, 10, generator=generator))
    outputs[:, [1, 4, 7]] = 0.0  # three dead units
    outputs[5] = 0.0  # and a sample for which every unit is 0
    expected = (outputs == 0).all(dim=0).float().mean().item()
    got = as_float(dead_share(outputs.clone()))
    if _near(got, expected):
        return None
    zeros = outputs == 0
    for key, value in (("zero_outputs", zeros.float().mean()), ("samples", zeros.all(dim=1).float().mean()),
                       ("any", zeros.any(dim=0).float().mean())):
        if _near(got, value.item()):
            return f"ex.12.dead_share.{key}"
    return "ex.12.dead_share.wrong", {"expected": expected, "got": round(got, 4)}


def _smoothed(losses: list[float], beta: float, *, correct: bool = True) -> list[float]:
    average, out = 0.0, []
    for i, loss in enumerate(losses):
        average = beta * average + (1 - beta) * loss
        out.append(average / (1 - beta ** (i + 1)) if correct else average)
    return out


def check_smooth(smooth: Callable) -> str | tuple[str, dict] | None:
    """12.smooth: lr_find's running average with bias correction, for two values of beta."""
    losses = [2.3, 2.1, 2.4, 1.9, 1.7, 1.8, 1.2]
    for beta in (0.95, 0.8):
        got = [as_float(v) for v in smooth(list(losses), beta=beta)]
        expected = _smoothed(losses, beta)
        if len(got) != len(expected):
            return "ex.12.smooth.length", {"expected": len(expected), "got": len(got)}
        if all(_near(g, e) for g, e in zip(got, expected)):
            continue
        if all(_near(g, e) for g, e in zip(got, _smoothed(losses, beta, correct=False))):
            return "ex.12.smooth.no_correction"
        if all(_near(g, e) for g, e in zip(got, _smoothed(losses, 1 - beta))):
            return "ex.12.smooth.swapped"
        return "ex.12.smooth.wrong", {"losses": losses, "expected": [round(e, 4) for e in expected],
                                      "got": [round(g, 4) for g in got]}
    return None


CHECKERS: dict[str, Callable[[Any], Any]] = {
    "12.update_ratio": check_update_ratio,
    "12.dead_share": check_dead_share,
    "12.smooth": check_smooth,
}
