"""Solutions and common wrong answers of lesson 09's exercises (kept out of the notebooks)."""

from __future__ import annotations

from torch import nn


def f1_right(preds, targets):
    tp = ((preds == 1) & (targets == 1)).sum().item()
    fp = ((preds == 1) & (targets == 0)).sum().item()
    fn = ((preds == 0) & (targets == 1)).sum().item()
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def f1_accuracy(preds, targets):
    return (preds == targets).float().mean().item()


def f1_arithmetic_mean(preds, targets):
    tp = ((preds == 1) & (targets == 1)).sum().item()
    precision = tp / max((preds == 1).sum().item(), 1)
    recall = tp / max((targets == 1).sum().item(), 1)
    return (precision + recall) / 2


def f1_no_guard(preds, targets):
    tp = ((preds == 1) & (targets == 1)).sum().item()
    precision = tp / (preds == 1).sum().item()  # 0 / 0 when nothing is predicted positive
    recall = tp / (targets == 1).sum().item()
    return 2 * precision * recall / (precision + recall)


def f1_tensor_no_guard(preds, targets):
    tp = ((preds == 1) & (targets == 1)).sum().float()
    precision = tp / (preds == 1).sum()  # tensors: 0 / 0 is nan, not an error
    recall = tp / (targets == 1).sum()
    return 2 * precision * recall / (precision + recall)


def class_weights_right(counts):
    return nn.CrossEntropyLoss(weight=counts.sum() / (len(counts) * counts.float()))


def class_weights_none(counts):
    return nn.CrossEntropyLoss()


def class_weights_proportional(counts):
    return nn.CrossEntropyLoss(weight=counts.float() / counts.sum())


def class_weights_integer(counts):
    return nn.CrossEntropyLoss(weight=counts.max() // counts)


def class_weights_tensor_only(counts):
    return 1.0 / counts.float()


def iou_right(pred, target):
    intersection = (pred & target).sum().item()
    union = (pred | target).sum().item()
    return intersection / union


def iou_count(pred, target):
    return (pred * target).sum().item()


def iou_pixel_accuracy(pred, target):
    return (pred == target).float().mean().item()


def iou_dice(pred, target):
    return 2 * (pred * target).sum().item() / (pred.sum() + target.sum()).item()


def iou_over_target(pred, target):
    return (pred * target).sum().item() / target.sum().item()


# exercise id -> (a right answer, [(a common wrong answer, the hint it must get)])
CASES = {
    "09.f1": (f1_right, [
        (f1_accuracy, "ex.09.f1.accuracy"),
        (f1_arithmetic_mean, "ex.09.f1.mean"),
        (f1_no_guard, "ex.09.f1.zero_division"),
        (f1_tensor_no_guard, "ex.09.f1.zero_division"),
    ]),
    "09.class_weights": (class_weights_right, [
        (class_weights_none, "ex.09.class_weights.no_weight"),
        (class_weights_proportional, "ex.09.class_weights.proportional"),
        (class_weights_integer, "ex.09.class_weights.float"),
        (class_weights_tensor_only, "ex.09.class_weights.type"),
    ]),
    "09.iou": (iou_right, [
        (iou_count, "ex.09.iou.count"),
        (iou_pixel_accuracy, "ex.09.iou.pixel_accuracy"),
        (iou_dice, "ex.09.iou.dice"),
        (iou_over_target, "ex.09.iou.wrong"),
    ]),
}
