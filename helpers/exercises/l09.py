"""Lesson 09's exercises: F1 by hand, class weights from counts, the IoU of two masks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from ._cases import as_float

MESSAGES: dict[str, dict[str, str]] = {
    # 09.f1
    "ex.09.f1.why": {
        "en": "F1 = 2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall; with nothing to divide by "
        "it is 0, as torchmetrics reports.",
        "bn": "F1 = 2·TP / (2·TP + FP + FN), অর্থাৎ প্রিসিশন আর রিকলের হারমোনিক গড়; হর (ভাজক) 0 হলে "
        "এটি 0, torchmetrics-ও তা-ই দেয়।",
    },
    "ex.09.f1.accuracy": {
        "en": "That is the accuracy: it counts the true negatives too. F1 uses only TP, FP and FN.",
        "bn": "এটা তো সঠিকতা: এতে ট্রু নেগেটিভগুলোও গোনা হয়। F1 শুধু TP, FP আর FN দিয়ে হিসাব হয়।",
    },
    "ex.09.f1.mean": {
        "en": "That is the ordinary mean of precision and recall. F1 is their harmonic mean: "
        "2 · precision · recall / (precision + recall).",
        "bn": "এটা প্রিসিশন আর রিকলের সাধারণ গড়। F1 হলো তাদের হারমোনিক গড়: "
        "2 · precision · recall / (precision + recall)।",
    },
    "ex.09.f1.zero_division": {
        "en": "Right on ordinary cases, but it fails when the model never predicts a positive (0 / 0). "
        "Return 0.0 when there is nothing to divide by.",
        "bn": "সাধারণ ক্ষেত্রে ঠিক আছে, কিন্তু মডেল যখন একবারও পজিটিভ বলে না (0 / 0), তখন ভুল হয়। "
        "হর (ভাজক) 0 হলে 0.0 ফেরত দাও।",
    },
    "ex.09.f1.wrong": {
        "en": "Not yet F1: on preds {preds} and targets {targets} it should be {expected:.4f}, got {got}. "
        "Count TP, FP and FN first.",
        "bn": "এখনো F1 হয়নি: preds {preds} আর targets {targets}-এ হওয়া উচিত {expected:.4f}, এসেছে {got}। "
        "আগে TP, FP আর FN গুনে নাও।",
    },
    # 09.class_weights
    "ex.09.class_weights.why": {
        "en": "With weight[c] ∝ 1 / count[c], a mistake on a rare class costs as much in total as the many "
        "mistakes a common class can make, so the model cannot ignore the rare class.",
        "bn": "weight[c] ∝ 1 / count[c] হলে বিরল ক্লাসের একটি ভুলের দাম এত বেশি হয় যে মোটের হিসাবে তা সাধারণ ক্লাসের "
        "অনেকগুলো ভুলের সমান দাঁড়ায়, তাই মডেল বিরল ক্লাসটিকে আর উপেক্ষা করতে পারে না।",
    },
    "ex.09.class_weights.type": {
        "en": "make_criterion must return an nn.CrossEntropyLoss, got {got}.",
        "bn": "make_criterion-কে একটি nn.CrossEntropyLoss ফেরত দিতে হবে, এসেছে {got}।",
    },
    "ex.09.class_weights.no_weight": {
        "en": "The loss has no class weights yet: pass weight=... to nn.CrossEntropyLoss.",
        "bn": "লসে এখনো কোনো ক্লাস-ওজন নেই: nn.CrossEntropyLoss-এ weight=... দাও।",
    },
    "ex.09.class_weights.proportional": {
        "en": "These weights grow with the counts, so the common classes weigh the most. Invert them: 1 / counts.",
        "bn": "এই ওজনগুলো কাউন্টের সঙ্গে বাড়ছে, ফলে সাধারণ ক্লাসগুলোই সবচেয়ে ভারী। উল্টে দাও: 1 / counts।",
    },
    "ex.09.class_weights.float": {
        "en": "The weights must be a float tensor; integer division (//) or integer counts give whole numbers. "
        "Use counts.float() or /.",
        "bn": "ওজনগুলো float tensor হতে হবে; পূর্ণসংখ্যার ভাগ (//) বা পূর্ণসংখ্যার কাউন্ট থেকে পূর্ণসংখ্যাই আসে। "
        "counts.float() অথবা / ব্যবহার করো।",
    },
    "ex.09.class_weights.wrong": {
        "en": "For counts {counts} the weights {got} are not proportional to 1 / counts.",
        "bn": "কাউন্ট {counts}-এর জন্য ওজন {got} 1 / counts-এর সমানুপাতিক নয়।",
    },
    # 09.iou
    "ex.09.iou.why": {
        "en": "IoU = |pred ∩ target| / |pred ∪ target|: the overlap divided by the area the two masks cover "
        "together; background pixels that both leave empty do not count.",
        "bn": "IoU = |pred ∩ target| / |pred ∪ target|: দুই মাস্কের সাধারণ অংশকে (ছেদ) দুটো একসঙ্গে "
        "যতটা জায়গা জোড়ে (সংযোগ) তা দিয়ে ভাগ; যে পটভূমির পিক্সেল দুটোতেই ফাঁকা, সেগুলো গোনা হয় না।",
    },
    "ex.09.iou.count": {
        "en": "That is the number of overlapping pixels. Divide it by the number of pixels in the union.",
        "bn": "এটা ছেদের পিক্সেলের সংখ্যা (যেগুলো দুই মাস্কেই আছে)। একে সংযোগের পিক্সেল-সংখ্যা দিয়ে ভাগ করো।",
    },
    "ex.09.iou.pixel_accuracy": {
        "en": "That is the pixel accuracy: it counts the empty background too. IoU looks only at the pixels "
        "that are set in either mask.",
        "bn": "এটা পিক্সেল সঠিকতা: এতে ফাঁকা পটভূমিও গোনা হয়। IoU শুধু সেই পিক্সেলগুলো দেখে, যেগুলো অন্তত একটি "
        "মাস্কে আছে।",
    },
    "ex.09.iou.dice": {
        "en": "That is the Dice coefficient, 2·|A ∩ B| / (|A| + |B|). IoU divides the intersection by the union.",
        "bn": "এটা Dice সহগ, 2·|A ∩ B| / (|A| + |B|)। IoU ছেদকে সংযোগ দিয়ে ভাগ করে।",
    },
    "ex.09.iou.wrong": {
        "en": "For these masks the IoU is {expected:.4f}, got {got}. Intersection: pixels set in both; "
        "union: pixels set in at least one.",
        "bn": "এই মাস্কগুলোর IoU {expected:.4f}, এসেছে {got}। ছেদ: যে পিক্সেল দুটোতেই আছে; "
        "সংযোগ: যে পিক্সেল অন্তত একটিতে আছে।",
    },
}


def _near(a: float, b: float) -> bool:
    """Whether two scores are the same up to 1e-4."""
    return abs(a - b) < 1e-4


def _f1_cases() -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Predictions and targets: an ordinary case, an imbalanced one, and three without a predicted positive."""
    return [
        (torch.tensor([1, 1, 0, 0, 1, 0, 1, 0]), torch.tensor([1, 0, 0, 1, 1, 0, 0, 0])),  # TP 2, FP 2, FN 1
        (torch.tensor([0] * 15 + [1, 1, 1, 0, 0]), torch.tensor([0] * 16 + [1, 1, 1, 1])),  # imbalanced
        (torch.tensor([1, 1, 1, 1]), torch.tensor([1, 1, 1, 1])),  # perfect
        (torch.zeros(10, dtype=torch.long), torch.tensor([0] * 8 + [1, 1])),  # never says positive
        (torch.zeros(6, dtype=torch.long), torch.zeros(6, dtype=torch.long)),  # nothing to find, nothing found
    ]


def _counts(p: torch.Tensor, t: torch.Tensor) -> tuple[int, int, int, int]:
    tp = int(((p == 1) & (t == 1)).sum())
    fp = int(((p == 1) & (t == 0)).sum())
    fn = int(((p == 0) & (t == 1)).sum())
    return tp, fp, fn, len(t) - tp - fp - fn


def check_f1(f1: Callable) -> str | tuple[str, dict] | None:
    """09.f1: f1(preds, targets) must equal torchmetrics' BinaryF1Score, also when it divides 0 by 0."""
    from torchmetrics.classification import BinaryF1Score

    cases = _f1_cases()
    ordinary, zero_division = cases[:3], cases[3:]
    for preds, targets in ordinary:
        expected = BinaryF1Score()(preds, targets).item()
        got = as_float(f1(preds.clone(), targets.clone()))
        if _near(got, expected):
            continue
        tp, fp, fn, tn = _counts(preds, targets)
        precision, recall = tp / (tp + fp), tp / (tp + fn)
        if _near(got, (tp + tn) / len(targets)):
            return "ex.09.f1.accuracy"
        if _near(got, (precision + recall) / 2):
            return "ex.09.f1.mean"
        return "ex.09.f1.wrong", {"preds": preds.tolist(), "targets": targets.tolist(), "expected": expected,
                                      "got": round(got, 4)}
    for preds, targets in zero_division:
        expected = BinaryF1Score()(preds, targets).item()
        try:
            got = as_float(f1(preds.clone(), targets.clone()))
        except ZeroDivisionError:
            return "ex.09.f1.zero_division"
        if got != got:  # nan: 0 / 0 with tensors
            return "ex.09.f1.zero_division"
        if not _near(got, expected):
            if _near(got, (preds == targets).float().mean().item()):
                return "ex.09.f1.accuracy"
            return "ex.09.f1.wrong", {"preds": preds.tolist(), "targets": targets.tolist(), "expected": expected,
                                      "got": round(got, 4)}
    return None


def _same_direction(weight: torch.Tensor, reference: torch.Tensor) -> bool:
    """Whether two weight vectors are equal up to a common positive factor."""
    return weight.shape == reference.shape and torch.allclose(weight / weight.sum(), reference / reference.sum(),
                                                              atol=1e-5)


def check_class_weights(make_criterion: Callable) -> str | tuple[str, dict] | None:
    """09.class_weights: make_criterion(counts) returns CrossEntropyLoss(weight ∝ 1 / counts)."""
    for counts in (torch.tensor([60, 30, 10]), torch.tensor([5, 40, 40, 15])):
        criterion = make_criterion(counts.clone())
        if not isinstance(criterion, nn.CrossEntropyLoss):
            return "ex.09.class_weights.type", {"got": type(criterion).__name__}
        weight = criterion.weight
        if weight is None:
            return "ex.09.class_weights.no_weight"
        if not weight.is_floating_point():
            return "ex.09.class_weights.float"
        weight = weight.detach().double().cpu()
        if _same_direction(weight, 1.0 / counts.double()):
            continue
        if _same_direction(weight, counts.double()):
            return "ex.09.class_weights.proportional"
        return "ex.09.class_weights.wrong", {"counts": counts.tolist(), "got": [round(w, 4) for w in weight.tolist()]}
    return None


def _iou_cases() -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(pred, target) masks: a partial hit, shifted squares, disjoint, identical, and an empty prediction."""
    def square(top: int, left: int, size: int = 4, shape: tuple[int, int] = (8, 8)) -> torch.Tensor:
        mask = torch.zeros(shape, dtype=torch.long)
        mask[top:top + size, left:left + size] = 1
        return mask

    partial = torch.zeros(6, 6, dtype=torch.long)
    partial[1:3, 1:5] = 1
    return [
        (partial, square(1, 1, size=3, shape=(6, 6))),  # IoU 6 / 11; Dice and |A ∩ B| / |B| differ from it
        (square(3, 2), square(2, 1)),  # IoU 9 / 23
        (square(0, 0, size=2), square(5, 5, size=3)),  # disjoint: 0
        (square(2, 2), square(2, 2)),  # identical: 1
        (torch.zeros(8, 8, dtype=torch.long), square(1, 1)),  # empty prediction: 0
    ]


def check_iou(iou: Callable) -> str | tuple[str, dict] | None:
    """09.iou: iou(pred, target) must equal torchmetrics' BinaryJaccardIndex on several pairs of masks."""
    from torchmetrics.classification import BinaryJaccardIndex

    for pred, target in _iou_cases():
        expected = BinaryJaccardIndex()(pred, target).item()
        got = as_float(iou(pred.clone(), target.clone()))
        if _near(got, expected):
            continue
        intersection = int((pred & target).sum())
        if _near(got, intersection) and intersection > 1:
            return "ex.09.iou.count"
        if _near(got, (pred == target).float().mean().item()):
            return "ex.09.iou.pixel_accuracy"
        if _near(got, 2 * intersection / int(pred.sum() + target.sum())):
            return "ex.09.iou.dice"
        return "ex.09.iou.wrong", {"expected": expected, "got": round(got, 4)}
    return None


CHECKERS: dict[str, Callable[[Any], Any]] = {
    "09.f1": check_f1,
    "09.class_weights": check_class_weights,
    "09.iou": check_iou,
}
