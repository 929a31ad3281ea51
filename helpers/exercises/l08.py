"""Lesson 08's exercises: a checkpoint that can resume Adam, early stopping, a safe load."""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from ..checks import is_whole
from ._cases import regression

MESSAGES: dict[str, dict[str, str]] = {
    # 08.save
    "ex.08.save.why": {
        "en": "Model weights plus Adam's running averages and step counts: a fresh model and optimizer that load "
        "them take exactly the step the original run would have taken.",
        "bn": "মডেলের ওজনের সঙ্গে Adam-এর চলমান গড় আর স্টেপের কাউন্টও রাখা হয়েছে: নতুন মডেল আর অপটিমাইজার এগুলো লোড "
        "করলে ঠিক সেই স্টেপটাই নেয়, যা আসল রানটি নিত।",
    },
    "ex.08.save.no_file": {
        "en": "No file appeared at `path`. Call torch.save(checkpoint, path).",
        "bn": "`path`-এ কোনো ফাইল তৈরি হয়নি। torch.save(checkpoint, path) কল করো।",
    },
    "ex.08.save.not_dict": {
        "en": "The file should hold one dict with the keys epoch, model_state_dict and optimizer_state_dict.",
        "bn": "ফাইলে একটিই dict থাকার কথা, যার key হলো epoch, model_state_dict আর optimizer_state_dict।",
    },
    "ex.08.save.no_optimizer": {
        "en": "The optimizer's state is missing, so a resumed Adam would start from zero. "
        "Add \"optimizer_state_dict\": optimizer.state_dict().",
        "bn": "অপটিমাইজারের অবস্থা নেই, তাই চেকপয়েন্ট থেকে চালিয়ে যাওয়া Adam শূন্য থেকে শুরু করবে। "
        "\"optimizer_state_dict\": optimizer.state_dict() যোগ করো।",
    },
    "ex.08.save.objects": {
        "en": "torch.load(path, weights_only=True) refuses the file: it holds a Python object. "
        "Save model.state_dict() and optimizer.state_dict(), not the model or the optimizer itself.",
        "bn": "torch.load(path, weights_only=True) ফাইলটি নিতে রাজি নয়: এতে একটি Python অবজেক্ট আছে। "
        "মডেল বা অপটিমাইজার নিজে নয়, model.state_dict() আর optimizer.state_dict() সংরক্ষণ করো।",
    },
    "ex.08.save.keys": {
        "en": "Use exactly the keys the loading code expects: {expected}. Your file has: {found}.",
        "bn": "লোড করার কোড ঠিক যে key-গুলো খোঁজে সেগুলোই দাও: {expected}। তোমার ফাইলে আছে: {found}।",
    },
    "ex.08.save.epoch": {
        "en": "The checkpoint should record the `epoch` argument as it is, so the run knows where to continue.",
        "bn": "চেকপয়েন্টে `epoch` আর্গুমেন্টটি যেমন আছে তেমনই রাখতে হবে, যাতে রান জানে কোথা থেকে চলবে।",
    },
    "ex.08.save.not_same": {
        "en": "After loading, the next step differs from the original run's. Save the state of this optimizer, "
        "optimizer.state_dict(), taken at the moment of saving.",
        "bn": "লোড করার পরের স্টেপটি আসল রানের স্টেপের সঙ্গে মিলছে না। এই অপটিমাইজারেরই অবস্থা, "
        "optimizer.state_dict(), সংরক্ষণের মুহূর্তে নিয়ে রাখো।",
    },
    # 08.early_stopping
    "ex.08.early_stopping.why": {
        "en": "An epoch counts as an improvement only if it beats the best by more than min_delta; any other epoch "
        "adds 1 to the counter, an improvement resets it, and training stops when the counter reaches patience.",
        "bn": "কোনো ইপক তখনই উন্নতি, যখন সেটা সেরা মানকে min_delta-র চেয়ে বেশি ছাড়িয়ে যায়; অন্য যেকোনো ইপক কাউন্টারে 1 "
        "যোগ করে, উন্নতি হলে কাউন্টার শূন্য হয়, আর কাউন্টার patience-এ পৌঁছালে ট্রেনিং থামে।",
    },
    "ex.08.early_stopping.type": {
        "en": "Return the index of the epoch where training stops (an int), or None if it never stops.",
        "bn": "যে ইপকে ট্রেনিং থামে তার index (একটি int) ফেরত দাও, আর কখনো না থামলে None।",
    },
    "ex.08.early_stopping.no_reset": {
        "en": "The counter keeps counting after an improvement. Set it back to 0 whenever a new best is found.",
        "bn": "উন্নতির পরও কাউন্টার গুনেই চলেছে। নতুন সেরা মান পেলেই কাউন্টার আবার 0 করো।",
    },
    "ex.08.early_stopping.min_delta": {
        "en": "Tiny improvements still count as improvements. A new value must be below best - min_delta to count.",
        "bn": "খুব ছোট উন্নতিও উন্নতি হিসেবে গোনা হচ্ছে। নতুন মানকে best - min_delta-র নিচে নামতে হবে, তবেই সেটা গোনা হবে।",
    },
    "ex.08.early_stopping.late": {
        "en": "You stop one epoch too late. Stop as soon as the counter reaches patience (counter >= patience).",
        "bn": "তুমি এক ইপক দেরিতে থামছ। কাউন্টার patience-এ পৌঁছানো মাত্র থামো (counter >= patience)।",
    },
    "ex.08.early_stopping.one_based": {
        "en": "Your epochs are numbered from 1. Return the index into val_losses, which starts at 0 (use enumerate).",
        "bn": "তোমার ইপক-নম্বর 1 থেকে শুরু। val_losses-এর index ফেরত দাও, যা শুরু হয় 0 থেকে (enumerate ব্যবহার করো)।",
    },
    "ex.08.early_stopping.wrong": {
        "en": "For val_losses={losses}, patience={patience}, min_delta={min_delta} the answer is {expected}, "
        "yours gave {got}. Follow the counter epoch by epoch.",
        "bn": "val_losses={losses}, patience={patience}, min_delta={min_delta} হলে উত্তর {expected}, "
        "তোমারটা দিল {got}। ইপক ধরে ধরে কাউন্টারটা হিসাব করে দেখো।",
    },
    # 08.safe_load
    "ex.08.safe_load.why": {
        "en": "With weights_only=True, torch.load rebuilds only tensors and plain values, so a file cannot run code "
        "while it loads; anything else is refused with an error the caller sees.",
        "bn": "weights_only=True দিলে torch.load শুধু tensor আর সাধারণ মান তৈরি করে, তাই লোড হওয়ার সময় ফাইল কোনো কোড "
        "চালাতে পারে না; অন্য কিছু থাকলে এরর হয়, আর যে কোড torch.load কল করেছে, সেই কোড এররটা দেখতে পায়।",
    },
    "ex.08.safe_load.ran_code": {
        "en": "Loading the untrusted file ran code hidden in it! Use weights_only=True, and never fall back to "
        "weights_only=False.",
        "bn": "অবিশ্বস্ত ফাইলটি লোড করতে গিয়ে তার ভেতরে লুকানো কোড চালু হয়ে গেছে! weights_only=True ব্যবহার করো, আর কখনো "
        "weights_only=False-এ ফিরে যেয়ো না।",
    },
    "ex.08.safe_load.accepted": {
        "en": "The untrusted file came back without an error. Let torch.load's error reach the caller instead of "
        "catching it.",
        "bn": "অবিশ্বস্ত ফাইলটি কোনো এরর ছাড়াই ফেরত এলো। torch.load-এর এররটা ধরে চেপে রেখো না, যে কোড কল করেছে তার কাছে পৌঁছাতে দাও।",
    },
    "ex.08.safe_load.normal_fails": {
        "en": "A normal checkpoint (a dict of tensors and numbers) raised an error. It must load.",
        "bn": "একটি সাধারণ চেকপয়েন্ট (tensor আর সংখ্যার একটি dict) লোড করতে গিয়ে এরর হয়েছে। এটা লোড হতেই হবে।",
    },
    "ex.08.safe_load.normal_wrong": {
        "en": "A normal checkpoint did not come back whole. Return the dict torch.load gives you, unchanged.",
        "bn": "সাধারণ চেকপয়েন্টটি পুরোটা ফেরত এলো না। torch.load যে dict দেয়, সেটাই অপরিবর্তিত ফেরত দাও।",
    },
}

CHECKPOINT_KEYS = ("epoch", "model_state_dict", "optimizer_state_dict")


# --- 08.save ------------------------------------------------------------------------------------


def _adam_run(seed: int = 0):
    """A tiny model and an Adam that has taken three steps: its state is not zero any more."""
    model, data, targets = regression(4, 3, 8, seed=seed, zero_bias=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    for _ in range(3):
        _step(model, optimizer, data, targets)
    return model, optimizer, data, targets


def _step(model: nn.Module, optimizer: torch.optim.Optimizer, data: torch.Tensor, targets: torch.Tensor) -> None:
    optimizer.zero_grad()
    nn.functional.mse_loss(model(data), targets).backward()
    optimizer.step()


def _looks_like_optimizer_state(value: Any) -> bool:
    return isinstance(value, dict) and "state" in value and "param_groups" in value


def check_save(save: Callable) -> Any:
    """08.save: save(model, optimizer, epoch, path) writes what a resumed Adam needs to take the identical next step."""
    model, optimizer, data, targets = _adam_run()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "checkpoint.pth")
        save(model, optimizer, 7, path)
        if not os.path.exists(path):
            return "ex.08.save.no_file"
        try:
            state = torch.load(path, weights_only=True)
        except pickle.UnpicklingError:
            return "ex.08.save.objects"
    if not isinstance(state, dict):
        return "ex.08.save.not_dict"
    missing = [key for key in CHECKPOINT_KEYS if key not in state]
    if missing:
        holds_optimizer = any(_looks_like_optimizer_state(value) for value in state.values())
        if missing == ["optimizer_state_dict"] and not holds_optimizer:
            return "ex.08.save.no_optimizer"
        return ("ex.08.save.keys", {"expected": ", ".join(CHECKPOINT_KEYS), "found": ", ".join(map(str, state))})
    if state["epoch"] != 7:
        return "ex.08.save.epoch"
    resumed_model = nn.Linear(4, 3)
    resumed_optimizer = torch.optim.Adam(resumed_model.parameters(), lr=0.1)
    try:
        resumed_model.load_state_dict(state["model_state_dict"])
        resumed_optimizer.load_state_dict(state["optimizer_state_dict"])
    except (RuntimeError, ValueError, KeyError, TypeError, AttributeError):
        return "ex.08.save.not_same"
    _step(model, optimizer, data, targets)  # the original run goes on ...
    _step(resumed_model, resumed_optimizer, data, targets)  # ... and so does the resumed one
    same = all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), resumed_model.state_dict().values()))
    return None if same else "ex.08.save.not_same"


# --- 08.early_stopping --------------------------------------------------------------------------


def _stop_epoch(val_losses, patience, min_delta, *, reset=True, late=False):
    """The reference answer (the syllabus's EarlyStopping), and with a flag its common mistakes."""
    best, counter = None, 0
    for epoch, loss in enumerate(val_losses):
        if best is None:
            best = loss
        elif loss > best - min_delta:
            counter += 1
            if (counter > patience) if late else (counter >= patience):
                return epoch
        else:
            best = loss
            if reset:
                counter = 0
    return None


STOP_CASES = [  # (val_losses, patience, min_delta); no value ties exactly with best - min_delta
    ([1.0, 0.9, 0.8, 0.85, 0.86, 0.87, 0.7], 3, 0.0),
    ([1.0, 0.9, 0.95, 0.85, 0.9, 0.95, 0.97, 0.99], 2, 0.0),
    ([1.0, 0.99, 0.985, 0.975, 0.968, 0.96], 2, 0.02),
    ([1.0, 0.8, 0.6, 0.4], 2, 0.0),
    ([0.5, 0.6, 0.7, 0.8], 1, 0.0),
    ([0.9, 0.7, 0.75, 0.6, 0.65, 0.58, 0.57, 0.61], 3, 0.05),
]


def check_early_stopping(stop_epoch: Callable) -> Any:
    """08.early_stopping: stop_epoch(val_losses, patience, min_delta) -> index of the stopping epoch, or None."""
    got = []
    for losses, patience, min_delta in STOP_CASES:
        value = stop_epoch(list(losses), patience, min_delta)
        if value is not None and not is_whole(value):
            return "ex.08.early_stopping.type"
        got.append(value)
    variants = [
        (None, {}),
        ("ex.08.early_stopping.no_reset", {"reset": False}),
        ("ex.08.early_stopping.late", {"late": True}),
    ]
    for hint, flags in variants:
        if got == [_stop_epoch(losses, p, d, **flags) for losses, p, d in STOP_CASES]:
            return hint
    if got == [_stop_epoch(losses, p, 0.0) for losses, p, _ in STOP_CASES]:
        return "ex.08.early_stopping.min_delta"
    right = [_stop_epoch(losses, p, d) for losses, p, d in STOP_CASES]
    if got == [None if r is None else r + 1 for r in right]:
        return "ex.08.early_stopping.one_based"
    for (losses, patience, min_delta), expected, value in zip(STOP_CASES, right, got):
        if value != expected:
            values = {"losses": losses, "patience": patience, "min_delta": min_delta}
            return ("ex.08.early_stopping.wrong", {**values, "expected": expected, "got": value})
    return None  # unreachable: got == right was caught above


# --- 08.safe_load -------------------------------------------------------------------------------

_RAN: list[str] = []


def _record(message: str) -> str:
    """What the untrusted file calls while it is unpickled: proof that loading ran code."""
    _RAN.append(message)
    return message


class _Payload:
    """Unpickling this object calls _record: harmless here, but it could have been any function."""

    def __reduce__(self):
        return (_record, ("code hidden in the checkpoint ran",))


_REFUSED = object()


def check_safe_load(load: Callable) -> Any:
    """08.safe_load: load(path) returns a normal checkpoint's dict and refuses (raises on) one with a pickled object."""
    with tempfile.TemporaryDirectory() as folder:
        normal = os.path.join(folder, "normal.pth")
        weights = torch.arange(6.0).reshape(2, 3)
        torch.save({"epoch": 3, "model_state_dict": {"weight": weights}, "loss": 0.25}, normal)
        try:
            state = load(normal)
        except Exception:
            return "ex.08.safe_load.normal_fails"
        whole = (isinstance(state, dict) and state.get("epoch") == 3 and state.get("loss") == 0.25
                 and isinstance(state.get("model_state_dict"), dict)
                 and torch.equal(state["model_state_dict"].get("weight", torch.empty(0)), weights))
        if not whole:
            return "ex.08.safe_load.normal_wrong"

        untrusted = os.path.join(folder, "untrusted.pth")
        torch.save({"epoch": 1, "note": _Payload()}, untrusted)
        _RAN.clear()
        try:
            result = load(untrusted)
        except Exception:
            result = _REFUSED
        ran = bool(_RAN)
        _RAN.clear()
    if ran:
        return "ex.08.safe_load.ran_code"
    return None if result is _REFUSED else "ex.08.safe_load.accepted"


CHECKERS: dict[str, Callable[[Any], Any]] = {
    "08.save": check_save,
    "08.early_stopping": check_early_stopping,
    "08.safe_load": check_safe_load,
}
