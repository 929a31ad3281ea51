"""Lesson 03's exercises: a validate that forgot two lines, the weighted loss, reading the curves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn
from torch.utils.data import TensorDataset

from ..data import TensorLoader
from ._cases import as_float

MESSAGES: dict[str, dict[str, str]] = {
    # 03.validate
    "ex.03.validate.why": {
        "en": "model.eval() turns dropout off and freezes batch norm, so every call gives the same answer; "
        "torch.no_grad() stops autograd from building a graph that backward() would never use.",
        "bn": "model.eval() ড্রপআউট বন্ধ করে আর ব্যাচ নরমালাইজেশনের পরিসংখ্যান ফ্রিজ করে রাখে, তাই প্রতিটি কলে একই উত্তর আসে; "
        "torch.no_grad() autograd-কে এমন গ্রাফ বানাতে দেয় না, যা backward() কখনো ব্যবহারই করবে না।",
    },
    "ex.03.validate.train_mode": {
        "en": "The model still runs in training mode, so dropout gives a different answer on every call. "
        "Which call switches it to evaluation mode?",
        "bn": "মডেল এখনো ট্রেনিং মোডে চলছে, তাই ড্রপআউট প্রতিবার আলাদা উত্তর দিচ্ছে। "
        "কোন কলটি একে eval মোডে নিয়ে যায়?",
    },
    "ex.03.validate.graph": {
        "en": "The forward pass still builds a computation graph (gradients are enabled). "
        "Wrap the loop in the block that switches gradient tracking off.",
        "bn": "ফরোয়ার্ড পাস এখনো গণনা-গ্রাফ বানাচ্ছে (গ্রেডিয়েন্ট চালু আছে)। "
        "লুপটিকে সেই ব্লকের ভেতরে রাখো, যা গ্রেডিয়েন্টের হিসাব রাখা বন্ধ করে।",
    },
    "ex.03.validate.per_batch": {
        "en": "The loss is an average of the batch means, so the short last batch counts as much as a full one. "
        "Weight each batch's loss by its size and divide by the number of samples.",
        "bn": "লসটা ব্যাচের গড়গুলোর গড়, তাই ছোট শেষ ব্যাচটিও একটি পূর্ণ ব্যাচের সমান গুরুত্ব পাচ্ছে। "
        "প্রতিটি ব্যাচের লসকে তার সাইজ দিয়ে গুণ করে ভার দাও, তারপর স্যাম্পলের সংখ্যা দিয়ে ভাগ করো।",
    },
    "ex.03.validate.percent": {
        "en": "The accuracy looks like a percentage. Return a fraction between 0 and 1, as helpers.validate does.",
        "bn": "সঠিকতাটা শতাংশের মতো দেখাচ্ছে। helpers.validate-এর মতো 0 থেকে 1-এর মধ্যের একটি ভগ্নাংশ ফেরত দাও।",
    },
    "ex.03.validate.wrong": {
        "en": "The loss or the accuracy is not the right one. Return (loss per sample, fraction of right predictions).",
        "bn": "লস বা সঠিকতার মান ঠিক নয়। ফেরত দাও (প্রতি স্যাম্পলে লস, সঠিক প্রেডিকশনের ভগ্নাংশ)।",
    },
    # 03.weighted_loss
    "ex.03.weighted_loss.why": {
        "en": "mean × size gives each batch's sum of losses; the sum over batches divided by the number of "
        "samples is the exact average per sample, whatever the batch sizes.",
        "bn": "গড় × সাইজ দিলে প্রতিটি ব্যাচের মোট লস পাওয়া যায়; সব ব্যাচের সেই যোগফলকে স্যাম্পলের সংখ্যা দিয়ে "
        "ভাগ করলে ব্যাচ সাইজ যা-ই হোক, প্রতি স্যাম্পলের হুবহু গড় পাওয়া যায়।",
    },
    "ex.03.weighted_loss.per_batch": {
        "en": "That is the average of the batch means: a batch of 2 samples counts as much as a batch of 64. "
        "Weight every mean by its batch size.",
        "bn": "এটা ব্যাচের গড়গুলোর গড়: 2টি স্যাম্পলের একটি ব্যাচও 64টির একটি ব্যাচের সমান গুরুত্ব পাচ্ছে। "
        "প্রতিটি গড়কে তার ব্যাচ সাইজ দিয়ে গুণ করে ভার দাও।",
    },
    "ex.03.weighted_loss.divide": {
        "en": "You weighted the means, good. Now divide by the number of samples (the sum of the batch sizes), "
        "not by the number of batches.",
        "bn": "গড়গুলোকে ভার দিয়েছ, ভালো। এবার ব্যাচের সংখ্যা দিয়ে নয়, স্যাম্পলের সংখ্যা (ব্যাচ সাইজগুলোর যোগফল) "
        "দিয়ে ভাগ করো।",
    },
    "ex.03.weighted_loss.sum": {
        "en": "That is the total loss of all samples, not an average. Divide it by the number of samples.",
        "bn": "এটা সব স্যাম্পলের মোট লস, গড় নয়। একে স্যাম্পলের সংখ্যা দিয়ে ভাগ করো।",
    },
    "ex.03.weighted_loss.wrong": {
        "en": "Not the average per sample yet. Sum mean × size over the batches, then divide by the sum of the sizes.",
        "bn": "এখনো প্রতি স্যাম্পলের গড় হয়নি। প্রতিটি ব্যাচের গড় × সাইজ যোগ করো, তারপর সাইজগুলোর যোগফল দিয়ে ভাগ করো।",
    },
    # 03.diagnose
    "ex.03.diagnose.why": {
        "en": "A: both losses high and close (underfitting). B: training loss near 0 while validation loss "
        "rises (overfitting). C: both low and close (good).",
        "bn": "A: দুটো লসই বেশি আর কাছাকাছি (আন্ডারফিটিং)। B: ট্রেনিং লস প্রায় 0, অথচ ভ্যালিডেশন লস বাড়ছে "
        "(ওভারফিটিং)। C: দুটোই কম আর কাছাকাছি (ভালো)।",
    },
    "ex.03.diagnose.words": {
        "en": "Give a dict with the keys \"A\", \"B\", \"C\", each set to \"underfitting\", \"overfitting\" or \"good\".",
        "bn": "\"A\", \"B\", \"C\" key-সহ একটি dict দাও, প্রতিটির মান \"underfitting\", \"overfitting\" অথবা \"good\"।",
    },
    "ex.03.diagnose.A": {
        "en": "Look at run A again: is its training loss low? A model that cannot even fit its training data...",
        "bn": "রান A আবার দেখো: এর ট্রেনিং লস কি কম? যে মডেল নিজের ট্রেনিং ডেটাই ঠিকমতো শিখতে পারে না...",
    },
    "ex.03.diagnose.B": {
        "en": "Look at run B again: what does its validation loss do while its training loss keeps falling?",
        "bn": "রান B আবার দেখো: ট্রেনিং লস যখন কমেই চলেছে, তখন ভ্যালিডেশন লস কী করছে?",
    },
    "ex.03.diagnose.C": {
        "en": "Look at run C again: both losses fall and stay close. A small gap between them is normal.",
        "bn": "রান C আবার দেখো: দুটো লসই কমছে আর কাছাকাছি থাকছে। দুটোর মধ্যে ছোট একটা ফাঁক স্বাভাবিক।",
    },
}


# 03.validate ---------------------------------------------------------------------------------


class _Watched(nn.Module):
    """A small model with dropout that records, for every forward pass, its mode and whether autograd was on."""

    def __init__(self):
        super().__init__()
        generator = torch.Generator().manual_seed(0)
        self.hidden = nn.Linear(6, 32)
        self.out = nn.Linear(32, 3)
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.randn(p.shape, generator=generator) * 0.5)
        self.drop = nn.Dropout(0.5)
        self.calls: list[tuple[bool, bool]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls.append((self.training, torch.is_grad_enabled()))
        return self.out(self.drop(torch.relu(self.hidden(x))))


def _validation_case():
    """A model left in training mode (as after an epoch) and a loader of 10 samples in batches of 4, 4 and 2."""
    generator = torch.Generator().manual_seed(1)
    inputs = torch.randn(10, 6, generator=generator)
    targets = torch.randint(0, 3, (10,), generator=generator)
    model = _Watched()
    model.train()
    return model, TensorLoader(TensorDataset(inputs, targets), batch_size=4)


def _reference(model: nn.Module, loader: TensorLoader, criterion) -> tuple[float, float, float]:
    """(loss per sample, loss per batch, accuracy) computed the right way, in eval mode without a graph."""
    model.eval()
    with torch.no_grad():
        pairs = [(criterion(model(x), y).item(), len(y), (model(x).argmax(dim=1) == y).sum().item()) for x, y in loader]
    n = sum(size for _, size, _ in pairs)
    per_sample = sum(mean * size for mean, size, _ in pairs) / n
    per_batch = sum(mean for mean, _, _ in pairs) / len(pairs)
    return per_sample, per_batch, sum(c for _, _, c in pairs) / n


def check_validate(validate: Callable) -> Any:
    """03.validate: validate(model, loader, criterion, device) in eval mode, without a graph, weighted per sample."""
    criterion = nn.CrossEntropyLoss()
    torch.manual_seed(0)
    model, loader = _validation_case()
    first = validate(model, loader, criterion, "cpu")
    second = validate(model, loader, criterion, "cpu")
    if any(training for training, _ in model.calls):
        return "ex.03.validate.train_mode"
    if any(grad for _, grad in model.calls):
        return "ex.03.validate.graph"
    loss, acc = (as_float(v) for v in first)
    if (loss, acc) != tuple(as_float(v) for v in second):
        return "ex.03.validate.train_mode"
    per_sample, per_batch, right_acc = _reference(model, loader, criterion)
    if abs(acc - right_acc) > 1e-6:
        return "ex.03.validate.percent" if abs(acc - 100 * right_acc) < 1e-4 else "ex.03.validate.wrong"
    if abs(loss - per_sample) < 1e-5:
        return None
    return "ex.03.validate.per_batch" if abs(loss - per_batch) < 1e-5 else "ex.03.validate.wrong"


# 03.weighted_loss ------------------------------------------------------------------------------


def check_weighted_loss(dataset_loss: Callable) -> Any:
    """03.weighted_loss: dataset_loss(batch_means, batch_sizes) is the average loss per sample."""
    means, sizes = [0.2, 0.2, 2.0], [64, 64, 2]
    value = as_float(dataset_loss(list(means), list(sizes)))
    total = sum(m * n for m, n in zip(means, sizes))
    if abs(value - total / sum(sizes)) < 1e-6:
        # one more case, so that a formula tuned to the first one does not pass by luck
        other_means, other_sizes = [1.0, 0.5, 0.25, 3.0], [32, 32, 32, 5]
        other = sum(m * n for m, n in zip(other_means, other_sizes)) / sum(other_sizes)
        if abs(as_float(dataset_loss(list(other_means), list(other_sizes))) - other) < 1e-6:
            return None
        return "ex.03.weighted_loss.wrong"
    if abs(value - sum(means) / len(means)) < 1e-6:
        return "ex.03.weighted_loss.per_batch"
    if abs(value - total / len(sizes)) < 1e-6:
        return "ex.03.weighted_loss.divide"
    if abs(value - total) < 1e-6:
        return "ex.03.weighted_loss.sum"
    return "ex.03.weighted_loss.wrong"


# 03.diagnose -----------------------------------------------------------------------------------

_WORDS = {
    "underfitting": "underfitting", "underfit": "underfitting", "আন্ডারফিটিং": "underfitting",
    "overfitting": "overfitting", "overfit": "overfitting", "ওভারফিটিং": "overfitting",
    "good": "good", "good fit": "good", "ভালো": "good",
}
_DIAGNOSIS = {"A": "underfitting", "B": "overfitting", "C": "good"}


def check_diagnose(diagnosis: Any) -> Any:
    """03.diagnose: {"A": ..., "B": ..., "C": ...} with "underfitting", "overfitting" or "good"."""
    if not isinstance(diagnosis, dict) or set(diagnosis) != set(_DIAGNOSIS):
        return "ex.03.diagnose.words"
    answers = {}
    for run, word in diagnosis.items():
        if not isinstance(word, str) or word.strip().lower() not in _WORDS:
            return "ex.03.diagnose.words"
        answers[run] = _WORDS[word.strip().lower()]
    for run, right in _DIAGNOSIS.items():
        if answers[run] != right:
            return f"ex.03.diagnose.{run}"
    return None


CHECKERS: dict[str, Callable[[Any], Any]] = {
    "03.validate": check_validate,
    "03.weighted_loss": check_weighted_loss,
    "03.diagnose": check_diagnose,
}
