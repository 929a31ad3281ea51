"""Lesson 07's exercises: unscale before clipping, accumulation, the global gradient norm."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from ._cases import as_float, regression, seeded

MESSAGES: dict[str, dict[str, str]] = {
    # 07.amp_step
    "ex.07.amp_step.why": {
        "en": "unscale_ first, so clip_grad_norm_ limits the true gradients; scaler.step skips a step with inf "
        "or nan, and scaler.update adapts the scale.",
        "bn": "আগে unscale_ করলে clip_grad_norm_ আসল গ্রেডিয়েন্টকেই সীমায় বাঁধে; inf বা nan থাকলে scaler.step "
        "স্টেপটি বাদ দেয়, আর scaler.update স্কেল ঠিক করে নেয়।",
    },
    "ex.07.amp_step.order": {
        "en": "The step taken is about {ratio:.0f} times too small: clipping saw the scaled gradients. "
        "Call scaler.unscale_(optimizer) before clip_grad_norm_.",
        "bn": "নেওয়া স্টেপটি যা হওয়ার কথা তার প্রায় {ratio:.0f} ভাগের এক ভাগ: ক্লিপিং স্কেল করা গ্রেডিয়েন্ট দেখেছে। "
        "clip_grad_norm_-এর আগে scaler.unscale_(optimizer) কল করো।",
    },
    "ex.07.amp_step.no_clip": {
        "en": "The step is as long as the unclipped gradient: the clipping did not act. "
        "After unscale_, call clip_grad_norm_(model.parameters(), max_norm).",
        "bn": "স্টেপটি ক্লিপ-না-করা গ্রেডিয়েন্টের সমান লম্বা: ক্লিপিং কাজ করেনি। "
        "unscale_-এর পরে clip_grad_norm_(model.parameters(), max_norm) কল করো।",
    },
    "ex.07.amp_step.no_step": {
        "en": "The weights did not change. Is scaler.step(optimizer) still there?",
        "bn": "ওজন বদলায়নি। scaler.step(optimizer) কি এখনো আছে?",
    },
    "ex.07.amp_step.update": {
        "en": "The scale never changes: call scaler.update() after scaler.step(optimizer).",
        "bn": "স্কেল কখনো বদলাচ্ছে না: scaler.step(optimizer)-এর পরে scaler.update() কল করো।",
    },
    "ex.07.amp_step.skip": {
        "en": "With inf gradients the weights changed (or became nan). Let scaler.step(optimizer) make the step: "
        "it skips it when a gradient is inf or nan.",
        "bn": "গ্রেডিয়েন্ট inf হওয়া সত্ত্বেও ওজন বদলে গেছে (বা nan হয়েছে)। স্টেপটি scaler.step(optimizer)-কে দিয়ে "
        "করাও: কোনো গ্রেডিয়েন্ট inf বা nan হলে এটি নিজেই স্টেপটি বাদ দেয়।",
    },
    "ex.07.amp_step.wrong": {
        "en": "The step is not the clipped true gradient. The order is: scale(loss).backward(), unscale_, "
        "clip_grad_norm_, step, update.",
        "bn": "স্টেপটি ক্লিপ করা আসল গ্রেডিয়েন্ট নয়। ক্রমটি হলো: scale(loss).backward(), unscale_, "
        "clip_grad_norm_, step, update।",
    },
    # 07.accumulate
    "ex.07.accumulate.why": {
        "en": "Each micro-batch loss is a mean; dividing it by k makes the k backward passes add up to the mean "
        "over all samples, the big batch's gradient.",
        "bn": "প্রতিটি মাইক্রো-ব্যাচের লস একটি গড়; সেটাকে k দিয়ে ভাগ করলে k-টি ব্যাকওয়ার্ড পাসের গ্রেডিয়েন্ট যোগ "
        "হয়ে সব স্যাম্পলের গড় লসের গ্রেডিয়েন্ট দাঁড়ায়, অর্থাৎ বড় ব্যাচের গ্রেডিয়েন্ট।",
    },
    "ex.07.accumulate.divide": {
        "en": "The gradient is {k} times too large: each micro-batch loss must be divided by k before backward().",
        "bn": "গ্রেডিয়েন্ট যা হওয়ার কথা তার {k} গুণ বড়: backward()-এর আগে প্রতিটি মাইক্রো-ব্যাচের লসকে k দিয়ে ভাগ করতে হবে।",
    },
    "ex.07.accumulate.zero_inside": {
        "en": "Only the last micro-batch's gradient is left: do not clear the gradients inside the loop.",
        "bn": "শুধু শেষ মাইক্রো-ব্যাচের গ্রেডিয়েন্ট রয়ে গেছে: লুপের ভেতরে গ্রেডিয়েন্ট মুছবে না।",
    },
    "ex.07.accumulate.factor": {
        "en": "The direction is right but the size is {ratio:.2f} times the big batch's. Divide by the number "
        "of micro-batches, len(micro_batches).",
        "bn": "দিক ঠিক আছে, কিন্তু মাপ বড় ব্যাচের {ratio:.2f} গুণ। মাইক্রো-ব্যাচের সংখ্যা len(micro_batches) "
        "দিয়ে ভাগ করো।",
    },
    "ex.07.accumulate.no_grad": {
        "en": "No gradient arrived in .grad. Call backward() on every micro-batch's loss.",
        "bn": ".grad-এ কোনো গ্রেডিয়েন্ট আসেনি। প্রতিটি মাইক্রো-ব্যাচের লসে backward() কল করো।",
    },
    "ex.07.accumulate.wrong": {
        "en": "The gradient differs from the big batch's. For every micro-batch: loss / k, then backward().",
        "bn": "গ্রেডিয়েন্টটি বড় ব্যাচের গ্রেডিয়েন্টের সঙ্গে মেলে না। প্রতিটি মাইক্রো-ব্যাচে: loss / k, তারপর backward()।",
    },
    # 07.grad_norm
    "ex.07.grad_norm.why": {
        "en": "The global norm is the square root of the sum of every gradient's squared norm: all gradients as "
        "one long vector.",
        "bn": "সামগ্রিক নর্ম হলো প্রতিটি গ্রেডিয়েন্টের নর্মের বর্গের যোগফলের বর্গমূল: যেন সব গ্রেডিয়েন্ট মিলে "
        "একটিই লম্বা ভেক্টর।",
    },
    "ex.07.grad_norm.none": {
        "en": "Some parameters have no gradient (.grad is None). Skip them: if p.grad is not None.",
        "bn": "কিছু প্যারামিটারের গ্রেডিয়েন্ট নেই (.grad হলো None)। সেগুলো বাদ দাও: if p.grad is not None।",
    },
    "ex.07.grad_norm.squares": {
        "en": "That is the sum of the norms. Add up the squared norms, then take the square root of the total.",
        "bn": "এটা নর্মগুলোর যোগফল। নর্মগুলোর বর্গ যোগ করো, তারপর মোট যোগফলের বর্গমূল নাও।",
    },
    "ex.07.grad_norm.sqrt": {
        "en": "That is the square of the norm: take the square root of the sum at the end.",
        "bn": "এটা নর্মের বর্গ: শেষে যোগফলের বর্গমূল নাও।",
    },
    "ex.07.grad_norm.wrong": {
        "en": "The value differs from what clip_grad_norm_ returns. Use every parameter that has a gradient.",
        "bn": "মানটি clip_grad_norm_-এর ফেরত দেওয়া মানের সঙ্গে মেলে না। গ্রেডিয়েন্ট আছে এমন প্রতিটি প্যারামিটার নাও।",
    },
}


def _flat(tensors) -> torch.Tensor:
    return torch.cat([t.reshape(-1) for t in tensors])


# ---------------------------------------------------------------- 07.amp_step


def _amp_case(init_scale: float, data_scale: float):
    """A tiny regression whose true gradient norm is well above max_norm; SGD(lr=1) so the step is the gradient."""
    model, data, targets = regression(4, 3, 8, seed=7)
    data = data * data_scale
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    scaler = torch.amp.GradScaler("cpu", init_scale=init_scale, growth_interval=1)
    return model, data, targets, optimizer, scaler


def check_amp_step(amp_step: Callable) -> Any:
    """07.amp_step: one AMP step, unscale_ then clip_grad_norm_, then scaler.step and scaler.update."""
    max_norm, scale = 0.5, 1024.0
    model, data, targets, optimizer, scaler = _amp_case(scale, 3.0)
    criterion = nn.MSELoss()
    reference = copy.deepcopy(model)
    criterion(reference(data), targets).backward()
    true_grad = _flat(p.grad for p in reference.parameters())
    true_norm = true_grad.norm().item()  # about 18: far above max_norm

    before = _flat(p.detach().clone() for p in model.parameters())
    amp_step(model, data, targets, optimizer, criterion, scaler, max_norm)
    step = before - _flat(p.detach() for p in model.parameters())
    length = step.norm().item()
    if not math.isfinite(length) or length == 0.0:
        return "ex.07.amp_step.no_step"
    cosine = torch.nn.functional.cosine_similarity(step, true_grad, dim=0).item()
    if abs(length - max_norm) > 1e-3 * max_norm or cosine < 0.99:
        if abs(length * scale / max_norm - 1) < 0.05:
            return ("ex.07.amp_step.order", {"ratio": scale})
        if abs(length / true_norm - 1) < 0.05:
            return "ex.07.amp_step.no_clip"
        return "ex.07.amp_step.wrong"
    if scaler.get_scale() != 2 * scale:  # growth_interval=1: one clean step doubles the scale
        return "ex.07.amp_step.update"

    # A scale of 2**127 makes the scaled loss inf: the step must be skipped and the scale halved.
    model, data, targets, optimizer, scaler = _amp_case(2.0**127, 3.0)
    before = _flat(p.detach().clone() for p in model.parameters())
    amp_step(model, data, targets, optimizer, criterion, scaler, max_norm)
    after = _flat(p.detach() for p in model.parameters())
    if not torch.equal(before, after):
        return "ex.07.amp_step.skip"
    return None


# ---------------------------------------------------------------- 07.accumulate


def _accumulate_case():
    generator = torch.Generator().manual_seed(3)
    model = seeded(lambda: nn.Linear(5, 4), generator)
    data = torch.randn(12, 5, generator=generator)
    targets = torch.randint(0, 4, (12,), generator=generator)
    micro = [(d, t) for d, t in zip(data.chunk(3), targets.chunk(3))]  # k = 3 micro-batches of 4
    return model, data, targets, micro


def check_accumulate(accumulate: Callable) -> Any:
    """07.accumulate: accumulate(model, micro_batches, criterion) leaves the big batch's gradient in .grad."""
    criterion = nn.CrossEntropyLoss()
    model, data, targets, micro = _accumulate_case()
    criterion(model(data), targets).backward()
    big = _flat(p.grad for p in model.parameters())
    model.zero_grad(set_to_none=True)
    last = copy.deepcopy(model)  # no gradients yet: they were just cleared
    criterion(last(micro[-1][0]), micro[-1][1]).backward()
    last_only = _flat(p.grad for p in last.parameters())

    accumulate(model, list(micro), criterion)
    if any(p.grad is None for p in model.parameters()):
        return "ex.07.accumulate.no_grad"
    got = _flat(p.grad for p in model.parameters())
    k = len(micro)
    if torch.allclose(got, big, atol=1e-6):
        return None
    if torch.allclose(got, k * big, atol=1e-5):
        return ("ex.07.accumulate.divide", {"k": k})
    if torch.allclose(got, last_only, atol=1e-6) or torch.allclose(got, last_only / k, atol=1e-6):
        return "ex.07.accumulate.zero_inside"
    ratio = (got.norm() / big.norm()).item()
    if torch.allclose(got, ratio * big, atol=1e-5):
        return ("ex.07.accumulate.factor", {"ratio": ratio})
    return "ex.07.accumulate.wrong"


# ---------------------------------------------------------------- 07.grad_norm


def _norm_case() -> nn.Module:
    generator = torch.Generator().manual_seed(5)
    model = seeded(lambda: nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)), generator)
    model[0].bias.requires_grad_(False)  # frozen: its .grad stays None
    data = torch.randn(6, 4, generator=generator) * 2
    targets = torch.randn(6, 3, generator=generator)
    nn.functional.mse_loss(model(data), targets).backward()
    return model


def check_grad_norm(grad_norm: Callable) -> Any:
    """07.grad_norm: grad_norm(model) returns the global L2 norm of all gradients, like clip_grad_norm_."""
    model = _norm_case()
    grads = [p.grad.detach().clone() for p in model.parameters() if p.grad is not None]
    right = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=float("inf")).item()
    try:
        value = grad_norm(model)
    except (AttributeError, TypeError) as error:
        if "NoneType" in str(error):
            return "ex.07.grad_norm.none"
        raise
    value = as_float(value)
    for p, g in zip((p for p in model.parameters() if p.grad is not None), grads):
        p.grad = g  # in case the answer changed the gradients
    if math.isclose(value, right, rel_tol=1e-4):
        return None
    if math.isclose(value, sum(g.norm().item() for g in grads), rel_tol=1e-4):
        return "ex.07.grad_norm.squares"
    if math.isclose(value, right**2, rel_tol=1e-4):
        return "ex.07.grad_norm.sqrt"
    return "ex.07.grad_norm.wrong"


CHECKERS: dict[str, Callable[[Any], Any]] = {
    "07.amp_step": check_amp_step,
    "07.accumulate": check_accumulate,
    "07.grad_norm": check_grad_norm,
}
