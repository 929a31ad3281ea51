"""Lesson 04's exercises: a multi-label criterion, the double softmax, one-hot to class numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

MESSAGES: dict[str, dict[str, str]] = {
    # 04.multilabel
    "ex.04.multilabel.why": {
        "en": "BCEWithLogitsLoss gives every label its own sigmoid and its own yes/no loss, "
        "on logits [N, K] and float 0/1 targets [N, K].",
        "bn": "BCEWithLogitsLoss প্রতিটি লেবেলকে আলাদা sigmoid আর আলাদা হ্যাঁ/না লস দেয়, "
        "logits [N, K] আর float 0/1 টার্গেট [N, K]-এর ওপর।",
    },
    "ex.04.multilabel.instance": {
        "en": "That is the class itself, not a criterion. Create one by calling it: add ().",
        "bn": "এটা ক্লাসটা নিজেই, criterion নয়। ক্লাসটিকে কল করে একটা তৈরি করো: শেষে () বসাও।",
    },
    "ex.04.multilabel.exclusive": {
        "en": "CrossEntropyLoss reads each row as one softmax over classes that exclude each other, "
        "but here a photo can show several things at once. Which loss treats every label as its own yes/no question?",
        "bn": "CrossEntropyLoss প্রতিটি সারিকে পরস্পর-বর্জনকারী ক্লাসগুলোর ওপর একটিমাত্র softmax হিসেবে পড়ে, "
        "অথচ এখানে একটা ছবিতে একসঙ্গে কয়েকটা জিনিস থাকতে পারে। কোন লস প্রতিটি লেবেলকে আলাদা হ্যাঁ/না প্রশ্ন হিসেবে দেখে?",
    },
    "ex.04.multilabel.probabilities": {
        "en": "BCELoss wants probabilities between 0 and 1, but the model gives logits. Use the loss that applies "
        "the sigmoid itself.",
        "bn": "BCELoss চায় 0 থেকে 1-এর মধ্যে সম্ভাবনা, কিন্তু মডেল দেয় logits। যে লস নিজেই sigmoid বসায়, সেটা নাও।",
    },
    "ex.04.multilabel.sigmoid": {
        "en": "The loss is right, but a sigmoid is applied before it: BCEWithLogitsLoss already contains one. "
        "Give it the logits directly.",
        "bn": "লসটা ঠিক, কিন্তু তার আগে একটা sigmoid বসানো আছে: BCEWithLogitsLoss-এর ভেতরেই একটা আছে। "
        "সরাসরি logits দাও।",
    },
    "ex.04.multilabel.regression": {
        "en": "That is a regression loss: it measures distances between numbers, not yes/no answers on logits.",
        "bn": "এটা রিগ্রেশনের লস: এটা সংখ্যার মধ্যে দূরত্ব মাপে, logits-এর ওপর হ্যাঁ/না উত্তর নয়।",
    },
    "ex.04.multilabel.wrong": {
        "en": "Not this one. Each of the K labels is its own yes/no question on one logit: which loss takes logits "
        "[N, K] and float 0/1 targets of the same shape?",
        "bn": "এটা নয়। K-টি লেবেলের প্রতিটি একটি logit-এর ওপর আলাদা হ্যাঁ/না প্রশ্ন: কোন লস logits [N, K] আর "
        "একই shape-এর float 0/1 টার্গেট নেয়?",
    },
    # 04.double_softmax
    "ex.04.double_softmax.why": {
        "en": "cross_entropy applies log_softmax itself, so it must get the raw logits.",
        "bn": "cross_entropy নিজেই log_softmax বসায়, তাই একে কাঁচা logits দিতে হবে।",
    },
    "ex.04.double_softmax.softmax": {
        "en": "The softmax is still applied twice: once by you, once inside the loss. Pass the logits straight in.",
        "bn": "softmax এখনো দুবার হচ্ছে: একবার তুমি করছ, একবার লসের ভেতরে। logits সরাসরি দাও।",
    },
    "ex.04.double_softmax.nll": {
        "en": "nll_loss needs log-probabilities (log_softmax), not logits or probabilities. Simpler: cross_entropy "
        "on the logits.",
        "bn": "nll_loss-এর দরকার লগ-সম্ভাবনা (log_softmax), logits বা সম্ভাবনা নয়। আরও সহজ: logits-এর ওপর cross_entropy।",
    },
    "ex.04.double_softmax.reduction": {
        "en": "That is the sum over the batch. Keep the default reduction='mean'.",
        "bn": "এটা পুরো ব্যাচের যোগফল। ডিফল্ট reduction='mean' রেখে দাও।",
    },
    "ex.04.double_softmax.tensor": {
        "en": "Return the loss as a tensor (no .item()), so that loss.backward() can work.",
        "bn": "লসটা tensor হিসেবেই ফেরত দাও (.item() ছাড়া), যাতে loss.backward() কাজ করতে পারে।",
    },
    "ex.04.double_softmax.wrong": {
        "en": "The value is not the cross-entropy of the logits. Return F.cross_entropy of the logits and targets.",
        "bn": "মানটি logits-এর ক্রস-এনট্রপি নয়। logits আর টার্গেটের F.cross_entropy ফেরত দাও।",
    },
    # 04.class_numbers
    "ex.04.class_numbers.why": {
        "en": "argmax(dim=1) finds the column holding the 1 in every row: one int64 class number per sample, "
        "shape [N].",
        "bn": "argmax(dim=1) প্রতিটি সারিতে যে কলামে 1 আছে সেটা খুঁজে দেয়: প্রতি স্যাম্পলে একটি int64 ক্লাস নম্বর, "
        "shape [N]।",
    },
    "ex.04.class_numbers.tensor": {
        "en": "Return a tensor of class numbers.",
        "bn": "ক্লাস নম্বরের একটা tensor ফেরত দাও।",
    },
    "ex.04.class_numbers.shape": {
        "en": "The result still has shape {shape}; it needs one class number per sample, shape [N]. "
        "Which column of each row holds the 1?",
        "bn": "ফলাফলের shape এখনো {shape}; দরকার প্রতি স্যাম্পলে একটি ক্লাস নম্বর, shape [N]। "
        "প্রতিটি সারির কোন কলামে 1 আছে?",
    },
    "ex.04.class_numbers.dim": {
        "en": "You got one number per class, not per sample: the classes are along dim=1.",
        "bn": "তুমি পেয়েছ প্রতি ক্লাসে একটি সংখ্যা, প্রতি স্যাম্পলে নয়: ক্লাসগুলো আছে dim=1 বরাবর।",
    },
    "ex.04.class_numbers.dtype": {
        "en": "The shape is right, but the dtype is {dtype}; CrossEntropyLoss wants int64 (long) class numbers.",
        "bn": "shape ঠিক আছে, কিন্তু dtype হলো {dtype}; CrossEntropyLoss চায় int64 (long) ক্লাস নম্বর।",
    },
    "ex.04.class_numbers.values": {
        "en": "Shape and dtype are right, but the numbers are not the classes: each should be the position of the 1.",
        "bn": "shape আর dtype ঠিক, কিন্তু সংখ্যাগুলো ক্লাস নয়: প্রতিটি হওয়া উচিত 1-এর অবস্থান।",
    },
}


def _multilabel_case() -> tuple[torch.Tensor, torch.Tensor]:
    """Logits [5, 6] well outside [0, 1] and float 0/1 targets with several (or no) 1s per row."""
    generator = torch.Generator().manual_seed(4)
    logits = 3 * torch.randn(5, 6, generator=generator)
    targets = torch.tensor([[1, 0, 1, 0, 0, 1], [0, 0, 0, 0, 0, 0], [1, 1, 0, 0, 1, 0],
                            [0, 1, 0, 0, 0, 0], [1, 1, 1, 1, 0, 1]], dtype=torch.float32)
    return logits, targets


def _is_loss(value: Any, reference: torch.Tensor) -> bool:
    """Whether `value` is a one-element tensor equal to the loss `reference` (up to 1e-5)."""
    if not isinstance(value, torch.Tensor) or value.numel() != 1:
        return False
    return torch.allclose(value.float(), reference, atol=1e-5)


def check_multilabel(criterion: Any) -> Any:
    """04.multilabel: a criterion for logits [N, K] and float 0/1 targets [N, K]."""
    if isinstance(criterion, type):
        return "ex.04.multilabel.instance"
    logits, targets = _multilabel_case()
    try:
        value = criterion(logits, targets)
    except RuntimeError as error:
        if "between 0 and 1" in str(error):  # BCELoss on logits
            return "ex.04.multilabel.probabilities"
        return "ex.04.multilabel.wrong"
    except ValueError:
        return "ex.04.multilabel.wrong"
    if isinstance(criterion, nn.BCEWithLogitsLoss) and isinstance(value, torch.Tensor) and torch.isfinite(value).all():
        return None  # pos_weight, weight or reduction settings are fine choices too
    if _is_loss(value, F.binary_cross_entropy_with_logits(logits, targets)):
        return None
    if _is_loss(value, F.cross_entropy(logits, targets)):
        return "ex.04.multilabel.exclusive"
    if _is_loss(value, F.binary_cross_entropy_with_logits(torch.sigmoid(logits), targets)) or _is_loss(
        value, F.binary_cross_entropy(torch.sigmoid(torch.sigmoid(logits)), targets)
    ):
        return "ex.04.multilabel.sigmoid"
    if isinstance(criterion, (nn.MSELoss, nn.L1Loss, nn.SmoothL1Loss, nn.HuberLoss)) or any(
        _is_loss(value, f(logits, targets)) for f in (F.mse_loss, F.l1_loss, F.smooth_l1_loss)
    ):
        return "ex.04.multilabel.regression"
    return "ex.04.multilabel.wrong"


def check_double_softmax(loss_fn: Callable) -> Any:
    """04.double_softmax: loss_fn(logits, targets) must equal cross_entropy on the raw logits."""
    generator = torch.Generator().manual_seed(5)
    logits = 3 * torch.randn(6, 10, generator=generator)
    targets = torch.tensor([3, 0, 9, 3, 7, 1])
    value = loss_fn(logits, targets)
    if not isinstance(value, torch.Tensor):
        return "ex.04.double_softmax.tensor"
    if _is_loss(value, F.cross_entropy(logits, targets)):
        return None
    probabilities = torch.softmax(logits, dim=1)
    if _is_loss(value, F.cross_entropy(probabilities, targets)):
        return "ex.04.double_softmax.softmax"
    if any(_is_loss(value, F.nll_loss(x, targets)) for x in (logits, probabilities, probabilities.log_softmax(dim=1))):
        return "ex.04.double_softmax.nll"
    if _is_loss(value, F.cross_entropy(logits, targets, reduction="sum")):
        return "ex.04.double_softmax.reduction"
    return "ex.04.double_softmax.wrong"


def check_class_numbers(to_class_numbers: Callable) -> Any:
    """04.class_numbers: one-hot float rows [N, C] -> class numbers [N], int64."""
    classes = torch.tensor([2, 0, 3, 3, 1])  # N = 5 samples, C = 4 classes: the two dimensions differ
    result = to_class_numbers(F.one_hot(classes, num_classes=4).float())
    if not isinstance(result, torch.Tensor):
        return "ex.04.class_numbers.tensor"
    if tuple(result.shape) == (4,):
        return "ex.04.class_numbers.dim"
    if tuple(result.shape) != (5,):
        return ("ex.04.class_numbers.shape", {"shape": list(result.shape)})
    if result.dtype != torch.long:
        return ("ex.04.class_numbers.dtype", {"dtype": str(result.dtype).removeprefix("torch.")})
    if not torch.equal(result, classes):
        return "ex.04.class_numbers.values"
    return None


CHECKERS: dict[str, Callable[[Any], Any]] = {
    "04.multilabel": check_multilabel,
    "04.double_softmax": check_double_softmax,
    "04.class_numbers": check_class_numbers,
}
