"""Solutions and common wrong answers of lesson 04's exercises (kept out of the notebooks)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def loss_right(logits, targets):
    return F.cross_entropy(logits, targets)


def loss_double_softmax(logits, targets):
    probabilities = torch.softmax(logits, dim=1)
    return F.cross_entropy(probabilities, targets)


def loss_nll_on_logits(logits, targets):
    return F.nll_loss(logits, targets)


def loss_nll_on_probabilities(logits, targets):
    return F.nll_loss(torch.softmax(logits, dim=1), targets)


def loss_sum(logits, targets):
    return F.cross_entropy(logits, targets, reduction="sum")


def loss_item(logits, targets):
    return F.cross_entropy(logits, targets).item()


def class_numbers_right(one_hot):
    return one_hot.argmax(dim=1)


def class_numbers_long(one_hot):
    return one_hot.long()


def class_numbers_dim0(one_hot):
    return one_hot.argmax(dim=0)


def class_numbers_float(one_hot):
    return one_hot.argmax(dim=1).float()


def class_numbers_sum(one_hot):
    return one_hot.sum(dim=1).long()


# exercise id -> (a right answer, [(a common wrong answer, the hint it must get)])
CASES = {
    "04.multilabel": (nn.BCEWithLogitsLoss(), [
        (nn.CrossEntropyLoss(), "ex.04.multilabel.exclusive"),
        (nn.BCELoss(), "ex.04.multilabel.probabilities"),
        (nn.BCEWithLogitsLoss, "ex.04.multilabel.instance"),
        (lambda logits, targets: F.binary_cross_entropy_with_logits(torch.sigmoid(logits), targets),
         "ex.04.multilabel.sigmoid"),
        (nn.MSELoss(), "ex.04.multilabel.regression"),
    ]),
    "04.double_softmax": (loss_right, [
        (loss_double_softmax, "ex.04.double_softmax.softmax"),
        (loss_nll_on_logits, "ex.04.double_softmax.nll"),
        (loss_nll_on_probabilities, "ex.04.double_softmax.nll"),
        (loss_sum, "ex.04.double_softmax.reduction"),
        (loss_item, "ex.04.double_softmax.tensor"),
    ]),
    "04.class_numbers": (class_numbers_right, [
        (class_numbers_long, "ex.04.class_numbers.shape"),
        (class_numbers_dim0, "ex.04.class_numbers.dim"),
        (class_numbers_float, "ex.04.class_numbers.dtype"),
        (class_numbers_sum, "ex.04.class_numbers.values"),
    ]),
}
