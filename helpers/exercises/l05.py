"""Lesson 05's exercises: momentum by hand, two learning rates, the LBFGS closure."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from ._cases import seeded

MESSAGES: dict[str, dict[str, str]] = {
    # 05.momentum
    "ex.05.momentum.why": {
        "en": "The velocity adds up past gradients (v = momentum * v + g) and the weight moves by lr * v: "
        "exactly what optim.SGD(momentum=...) stores in its momentum_buffer.",
        "bn": "ভেলোসিটি আগের গ্রেডিয়েন্টগুলো জমিয়ে রাখে (v = momentum * v + g), আর ওজন সরে lr * v পরিমাণ: "
        "optim.SGD(momentum=...) ঠিক এটাই তার momentum_buffer-এ রাখে।",
    },
    "ex.05.momentum.returns": {
        "en": "Return two lists: (new_params, new_velocities).",
        "bn": "দুটি লিস্ট ফেরত দাও: (new_params, new_velocities)।",
    },
    "ex.05.momentum.no_update": {
        "en": "The weights did not change at all. Compute the new weight and put it in the list you return.",
        "bn": "ওজন একটুও বদলায়নি। নতুন ওজন হিসাব করে যে লিস্ট ফেরত দিচ্ছ তাতে রাখো।",
    },
    "ex.05.momentum.no_momentum": {
        "en": "This is plain SGD: the velocity is never used. First update v = momentum * v + g, then move by lr * v.",
        "bn": "এটা সাধারণ SGD: ভেলোসিটি কোথাও ব্যবহার হচ্ছে না। আগে ভেলোসিটি আপডেট করো, v = momentum * v + g, তারপর lr * v পরিমাণ সরাও।",
    },
    "ex.05.momentum.order": {
        "en": "You move the weight with the old velocity. Update the velocity first, then use the new one.",
        "bn": "তুমি পুরোনো ভেলোসিটি দিয়ে ওজন সরাচ্ছ। আগে ভেলোসিটি আপডেট করো, তারপর নতুনটি ব্যবহার করো।",
    },
    "ex.05.momentum.dampening": {
        "en": "That is a running mean, v = momentum * v + (1 - momentum) * g, as in Adam. "
        "PyTorch's SGD adds the whole gradient: v = momentum * v + g.",
        "bn": "এটা Adam-এর মতো চলমান গড়: v = momentum * v + (1 - momentum) * g। "
        "PyTorch-এর SGD পুরো গ্রেডিয়েন্ট যোগ করে: v = momentum * v + g।",
    },
    "ex.05.momentum.sign": {
        "en": "The weights move uphill. The step goes against the velocity: p - lr * v.",
        "bn": "ওজন ঢাল বেয়ে ওপরে উঠছে। ধাপটা ভেলোসিটির উল্টো দিকে: p - lr * v।",
    },
    "ex.05.momentum.velocity": {
        "en": "The weights are right, but the velocities you return differ from PyTorch's momentum_buffer. "
        "Return v = momentum * v + g itself.",
        "bn": "ওজন ঠিক আছে, কিন্তু যে ভেলোসিটি ফেরত দিচ্ছ তা PyTorch-এর momentum_buffer থেকে আলাদা। "
        "ঠিক v = momentum * v + g-ই ফেরত দাও।",
    },
    "ex.05.momentum.wrong": {
        "en": "The weights differ from optim.SGD(momentum=...). The rule is v = momentum * v + g, then p = p - lr * v.",
        "bn": "ওজনগুলো optim.SGD(momentum=...)-এর সঙ্গে মেলে না। নিয়মটি হলো v = momentum * v + g, তারপর p = p - lr * v।",
    },
    # 05.param_groups
    "ex.05.param_groups.why": {
        "en": "Two parameter groups, each with its own lr: the pretrained backbone moves slowly, the head learns fast.",
        "bn": "দুটি প্যারামিটার গ্রুপ, প্রতিটির নিজের lr: আগে থেকে শেখা ব্যাকবোন ধীরে সরে, হেড দ্রুত শেখে।",
    },
    "ex.05.param_groups.not_optimizer": {
        "en": "make_optimizer must return a torch.optim optimizer, e.g. optim.Adam([...]).",
        "bn": "make_optimizer-কে একটি torch.optim অপটিমাইজার ফেরত দিতে হবে, যেমন optim.Adam([...])।",
    },
    "ex.05.param_groups.missing": {
        "en": "Some parameters are in no group, so they would never learn. Put model.features in one group "
        "and model.classifier in the other.",
        "bn": "কিছু প্যারামিটার কোনো গ্রুপেই নেই, তাই সেগুলো কখনো শিখবে না। model.features একটি গ্রুপে "
        "আর model.classifier অন্যটিতে রাখো।",
    },
    "ex.05.param_groups.one_group": {
        "en": "There is only one group, so every parameter has the same lr. Pass a list of two dictionaries, "
        "each with 'params' and 'lr'.",
        "bn": "গ্রুপ মাত্র একটি, তাই সব প্যারামিটারের lr একই। দুটি ডিকশনারির একটি লিস্ট দাও, "
        "প্রতিটিতে 'params' আর 'lr'।",
    },
    "ex.05.param_groups.swapped": {
        "en": "The two learning rates are swapped: the backbone (features) gets 1e-4, the head (classifier) 1e-3.",
        "bn": "দুটি লার্নিং রেট উল্টে গেছে: ব্যাকবোন (features) পাবে 1e-4, হেড (classifier) পাবে 1e-3।",
    },
    "ex.05.param_groups.wrong_lr": {
        "en": "The groups exist, but the backbone has lr={backbone:g} and the head lr={head:g}; "
        "they should be 1e-4 and 1e-3.",
        "bn": "গ্রুপগুলো আছে, কিন্তু ব্যাকবোনের lr={backbone:g} আর হেডের lr={head:g}; "
        "হওয়া উচিত 1e-4 আর 1e-3।",
    },
    # 05.closure
    "ex.05.closure.why": {
        "en": "The closure clears the gradients, computes the loss, calls backward() and returns the loss, "
        "so LBFGS can evaluate it as often as it needs within one step.",
        "bn": "ক্লোজারটি গ্রেডিয়েন্ট মোছে, লস হিসাব করে, backward() কল করে আর লস ফেরত দেয়; "
        "তাই LBFGS এক স্টেপের ভেতরে যতবার দরকার ততবার এটা চালাতে পারে।",
    },
    "ex.05.closure.not_callable": {
        "en": "make_closure must return the function itself (return closure), not call it or return a loss.",
        "bn": "make_closure-কে ফাংশনটিই ফেরত দিতে হবে (return closure), সেটাকে কল করে লস ফেরত দিলে চলবে না।",
    },
    "ex.05.closure.no_return": {
        "en": "The closure returns nothing. LBFGS needs the loss: end it with return loss.",
        "bn": "ক্লোজারটি কিছুই ফেরত দিচ্ছে না। LBFGS-এর লস দরকার: শেষে return loss লেখো।",
    },
    "ex.05.closure.no_backward": {
        "en": "After the closure there are no gradients. Call loss.backward() inside it.",
        "bn": "ক্লোজার চলার পরে কোনো গ্রেডিয়েন্ট নেই। এর ভেতরে loss.backward() কল করো।",
    },
    "ex.05.closure.zero_grad": {
        "en": "Calling the closure twice doubles the gradients: they pile up. Start it with optimizer.zero_grad().",
        "bn": "ক্লোজার দুবার চালালে গ্রেডিয়েন্ট দ্বিগুণ হয়ে যায়: সেগুলো জমছে। শুরুতে optimizer.zero_grad() কল করো।",
    },
    "ex.05.closure.no_fall": {
        "en": "The LBFGS step did not lower the loss. Does the closure compute criterion(model(data), targets)?",
        "bn": "LBFGS-এর স্টেপে লস কমেনি। ক্লোজারটি কি criterion(model(data), targets) হিসাব করছে?",
    },
}


# ---- 05.momentum -------------------------------------------------------------------------------

LR, MOMENTUM, STEPS = 0.1, 0.9, 4


def _momentum_case():
    """Two weight tensors and a different gradient for each of STEPS steps."""
    generator = torch.Generator().manual_seed(5)
    params = [torch.randn(3, 2, generator=generator), torch.randn(2, generator=generator)]
    grads = [[torch.randn(p.shape, generator=generator) for p in params] for _ in range(STEPS)]
    return params, grads


def _run_rule(step: Callable) -> tuple[list[torch.Tensor], list[torch.Tensor]] | str:
    """Apply `step` STEPS times; returns (params, velocities) or a hint key."""
    params, all_grads = _momentum_case()
    params = [p.clone() for p in params]
    velocities = [torch.zeros_like(p) for p in params]
    for grads in all_grads:
        given_p, given_v = [p.clone() for p in params], [v.clone() for v in velocities]
        result = step(given_p, [g.clone() for g in grads], given_v, LR, MOMENTUM)
        if result is None:  # updated the lists in place
            result = (given_p, given_v)
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            return "ex.05.momentum.returns"
        new_p, new_v = (list(part) for part in result)
        if len(new_p) != len(params) or len(new_v) != len(params):
            return "ex.05.momentum.returns"
        params = [torch.as_tensor(p, dtype=torch.float32).detach().reshape(q.shape) for p, q in zip(new_p, params)]
        velocities = [torch.as_tensor(v, dtype=torch.float32).detach().reshape(q.shape) for v, q in zip(new_v, params)]
    return params, velocities


def _torch_reference() -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    start, all_grads = _momentum_case()
    params = [nn.Parameter(p.clone()) for p in start]
    optimizer = torch.optim.SGD(params, lr=LR, momentum=MOMENTUM)
    for grads in all_grads:
        for p, g in zip(params, grads):
            p.grad = g.clone()
        optimizer.step()
    return [p.detach() for p in params], [optimizer.state[p]["momentum_buffer"] for p in params]


def _variant(kind: str) -> Callable:
    """Common wrong rules, to recognise which one the learner wrote."""

    def step(params, grads, velocities, lr, momentum):
        new_p, new_v = [], []
        for p, g, v in zip(params, grads, velocities):
            if kind == "plain":
                new_p.append(p - lr * g)
                new_v.append(v)
                continue
            if kind == "order":
                new_p.append(p - lr * v)
                new_v.append(momentum * v + g)
                continue
            v = momentum * v + ((1 - momentum) * g if kind == "dampening" else g)
            new_p.append(p + lr * v if kind == "sign" else p - lr * v)
            new_v.append(v)
        return new_p, new_v

    return step


def _all_close(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    """Whether two lists of tensors are equal, tensor by tensor (up to 1e-5)."""
    return all(torch.allclose(x, y, atol=1e-5) for x, y in zip(a, b))


def check_momentum(momentum_step: Callable) -> Any:
    """05.momentum: momentum_step(params, grads, velocities, lr, momentum) -> (new_params, new_velocities)."""
    got = _run_rule(momentum_step)
    if isinstance(got, str):
        return got
    params, velocities = got
    right_p, right_v = _torch_reference()
    if _all_close(params, right_p):
        return None if _all_close(velocities, right_v) else "ex.05.momentum.velocity"
    if _all_close(params, _momentum_case()[0]):
        return "ex.05.momentum.no_update"
    for kind in ("plain", "order", "dampening", "sign"):
        if _all_close(params, _run_rule(_variant(kind))[0]):
            return "ex.05.momentum.no_momentum" if kind == "plain" else f"ex.05.momentum.{kind}"
    return "ex.05.momentum.wrong"


# ---- 05.param_groups ---------------------------------------------------------------------------


def check_param_groups(make_optimizer: Callable) -> Any:
    """05.param_groups: make_optimizer(model) gives model.features lr 1e-4 and model.classifier lr 1e-3."""
    from ..models import DigitClassifier

    model = DigitClassifier()
    optimizer = make_optimizer(model)
    if not isinstance(optimizer, torch.optim.Optimizer):
        return "ex.05.param_groups.not_optimizer"
    lr_of = {id(p): float(group["lr"]) for group in optimizer.param_groups for p in group["params"]}
    if any(id(p) not in lr_of for p in model.parameters()):
        return "ex.05.param_groups.missing"
    if len(optimizer.param_groups) == 1:
        return "ex.05.param_groups.one_group"
    backbone = {lr_of[id(p)] for p in model.features.parameters()}
    head = {lr_of[id(p)] for p in model.classifier.parameters()}
    if len(backbone) == 1 and len(head) == 1:
        (b,), (h,) = backbone, head
        if math.isclose(b, 1e-4) and math.isclose(h, 1e-3):
            return None
        if math.isclose(b, 1e-3) and math.isclose(h, 1e-4):
            return "ex.05.param_groups.swapped"
    return ("ex.05.param_groups.wrong_lr", {"backbone": min(backbone), "head": min(head)})


# ---- 05.closure --------------------------------------------------------------------------------


def _closure_case():
    """A small classification problem that one LBFGS step improves a lot."""
    generator = torch.Generator().manual_seed(3)
    model = seeded(lambda: nn.Linear(4, 3), generator, zero_bias=True)
    data = torch.randn(32, 4, generator=generator)
    targets = (data[:, 0] > 0).long() + (data[:, 1] > 0).long()  # a pattern the model can learn
    optimizer = torch.optim.LBFGS(model.parameters(), lr=1, max_iter=20)
    return model, data, targets, optimizer, nn.CrossEntropyLoss()


def _grads(model: nn.Module) -> list[torch.Tensor] | None:
    if any(p.grad is None for p in model.parameters()):
        return None
    return [p.grad.detach().clone() for p in model.parameters()]


def check_closure(make_closure: Callable) -> Any:
    """05.closure: make_closure(model, data, targets, optimizer, criterion) returns a working LBFGS closure."""
    model, data, targets, optimizer, criterion = _closure_case()
    closure = make_closure(model, data, targets, optimizer, criterion)
    if not callable(closure):
        return "ex.05.closure.not_callable"
    if closure() is None:
        return "ex.05.closure.no_return"
    first = _grads(model)
    if first is None or all(float(g.abs().sum()) == 0.0 for g in first):
        return "ex.05.closure.no_backward"
    closure()
    second = _grads(model)
    if second is None or not all(torch.allclose(a, b, atol=1e-6) for a, b in zip(first, second)):
        return "ex.05.closure.zero_grad"

    model, data, targets, optimizer, criterion = _closure_case()
    with torch.no_grad():
        before = criterion(model(data), targets).item()
    optimizer.step(make_closure(model, data, targets, optimizer, criterion))
    with torch.no_grad():
        after = criterion(model(data), targets).item()
    return None if after < 0.5 * before else "ex.05.closure.no_fall"


CHECKERS: dict[str, Callable[[Any], Any]] = {
    "05.momentum": check_momentum,
    "05.param_groups": check_param_groups,
    "05.closure": check_closure,
}
