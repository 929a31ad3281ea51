"""The learning-rate range test on the course's own step, leaving everything as it found it (lesson 12).

(The module is `lr_finder`, not `lr_find`: `helpers.lr_find` is the function, and a submodule of the same name
would take its place in the package once imported.)

    finder = helpers.lr_find(model, train_loader, optimizer, criterion)
    finder.suggestion   # a learning rate to start from
    finder.plot()       # loss against learning rate, the suggestion marked

Lesson 06 wrote the test by hand; this is the same test as a tool (fastai's `lr_find`, `torch-lr-finder`):
the learning rate rises exponentially from `start_lr` to `end_lr` over at most `steps` training steps
(lesson 02's step: zero_grad, forward, loss, backward, step), the loss is smoothed, and the test stops
when the smoothed loss runs away. Afterwards the model's weights and buffers, its train/eval mode, the
optimizer's state and learning rates, and every random generator (Python, NumPy, PyTorch, the loader's own)
are exactly as before, bit for bit: the test changes nothing but what it returns.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import torch
from torch import nn

from .checkpoint import rng_state, set_rng_state
from .i18n import check_language, get_language, register, t

MESSAGES: dict[str, dict[str, str]] = {
    "lrf.title": {"en": "Learning-rate range test", "bn": "লার্নিং রেটের রেঞ্জ টেস্ট"},
    "lrf.lr": {"en": "learning rate (log scale)", "bn": "লার্নিং রেট (লগ স্কেল)"},
    "lrf.loss": {"en": "loss", "bn": "লস"},
    "lrf.raw": {"en": "loss of each step", "bn": "প্রতিটি স্টেপের লস"},
    "lrf.smoothed": {"en": "smoothed loss", "bn": "মসৃণ করা লস"},
    "lrf.suggestion": {"en": "suggestion {lr:.1e}", "bn": "প্রস্তাবিত রেট {lr:.1e}"},
    "lrf.summary": {
        "en": "{steps} steps from {first:.1e} to {last:.1e}{stopped}; lowest smoothed loss {best:.3f} at "
        "{best_lr:.1e}; suggested learning rate {suggestion:.1e} (a tenth of it).",
        "bn": "{first:.1e} থেকে {last:.1e} পর্যন্ত {steps}টি স্টেপ{stopped}; মসৃণ করা লস সবচেয়ে কম {best:.3f}, "
        "রেট {best_lr:.1e}-এ; প্রস্তাবিত লার্নিং রেট {suggestion:.1e} (তার দশ ভাগের এক ভাগ)।",
    },
    "lrf.stopped": {"en": ", stopped when the loss ran away", "bn": ", লস লাগামছাড়া বেড়ে যাওয়ায় থেমেছে"},
    "lrf.bad_range": {
        "en": "lr_find needs 0 < start_lr < end_lr and at least 2 steps; got start_lr={start}, end_lr={end}, "
        "steps={steps}.",
        "bn": "lr_find-এর দরকার 0 < start_lr < end_lr আর অন্তত 2টি স্টেপ; দেওয়া হয়েছে start_lr={start}, "
        "end_lr={end}, steps={steps}।",
    },
    "lrf.empty_loader": {"en": "lr_find got a train_loader with no batches.",
                         "bn": "lr_find যে train_loader পেয়েছে, তাতে কোনো ব্যাচ নেই।"},
}
register(MESSAGES)


@dataclass
class LRFinder:
    """What the range test saw: `lrs`, smoothed `losses`, the `raw_losses` of each step, and a `suggestion`."""

    lrs: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    raw_losses: list[float] = field(default_factory=list)
    suggestion: float = math.nan
    stopped_early: bool = False

    def summary(self, lang: str | None = None) -> str:
        """One line: the range tried, where the smoothed loss was lowest, the suggestion (lesson 12)."""
        best = min(range(len(self.losses)), key=self.losses.__getitem__)
        stopped = t("lrf.stopped", lang) if self.stopped_early else ""
        return t("lrf.summary", lang, steps=len(self.lrs), first=self.lrs[0], last=self.lrs[-1], stopped=stopped,
                 best=self.losses[best], best_lr=self.lrs[best], suggestion=self.suggestion)

    def plot(self, *, lang: str | None = None, ax=None):
        """Loss against learning rate (log scale), raw and smoothed, with the suggestion marked (lesson 12)."""
        import matplotlib.pyplot as plt

        from .plots import plot_language

        lang = plot_language(lang)
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4))
        ax.plot(self.lrs, self.raw_losses, alpha=0.35, label=t("lrf.raw", lang))
        ax.plot(self.lrs, self.losses, label=t("lrf.smoothed", lang))
        ax.axvline(self.suggestion, color="green", linestyle="--", label=t("lrf.suggestion", lang, lr=self.suggestion))
        ax.set_xscale("log")
        top = max(self.losses[0], min(self.losses)) * 1.5  # keep the interesting part: the run-away goes off the top
        ax.set_ylim(min(self.raw_losses) * 0.9 if min(self.raw_losses) > 0 else 0, top)
        ax.set_xlabel(t("lrf.lr", lang))
        ax.set_ylabel(t("lrf.loss", lang))
        ax.set_title(t("lrf.title", lang))
        ax.legend()
        ax.grid(alpha=0.3)
        return ax


def lr_find(model: nn.Module, train_loader: Iterable, optimizer: torch.optim.Optimizer,
            criterion: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], *, start_lr: float = 1e-7,
            end_lr: float = 10.0, steps: int = 100, smoothing: float = 0.95, diverge: float = 4.0,
            lang: str | None = None) -> LRFinder:
    """The LR range test: rising learning rate, smoothed loss, a suggested rate; changes nothing (lesson 12).

    Step i (from 0) trains one batch at `start_lr * (end_lr / start_lr) ** (i / (steps - 1))`, every
    parameter group alike; the loader is started again if it runs out. The smoothed loss is an exponential
    moving average with weight `smoothing` on the past, divided by `1 - smoothing ** (i + 1)` so that the
    first steps are not pulled towards 0 (Adam's bias correction). The test stops when the smoothed loss
    is not finite or above `diverge` times its lowest value so far.
    The rule for the suggestion: the learning rate where the smoothed loss was lowest, divided by 10
    (lesson 06): at the lowest point the rate is already about to make the loss run away; ten times
    less sits in the steep part of the fall, where the loss falls fastest and steadily.
    """
    lang = check_language(lang or get_language())
    if not (0 < start_lr < end_lr) or isinstance(steps, bool) or not isinstance(steps, int) or steps < 2:
        raise ValueError(t("lrf.bad_range", lang, start=start_lr, end=end_lr, steps=steps))
    saved = _save(model, optimizer, train_loader)
    try:
        result = _range_test(model, train_loader, optimizer, criterion, start_lr=start_lr, end_lr=end_lr,
                             steps=steps, smoothing=smoothing, diverge=diverge, lang=lang)
    finally:
        _restore(model, optimizer, train_loader, saved)
    best = min(range(len(result.losses)), key=result.losses.__getitem__)
    result.suggestion = result.lrs[best] / 10
    return result


def _range_test(model, train_loader, optimizer, criterion, *, start_lr, end_lr, steps, smoothing, diverge,
                lang) -> LRFinder:
    """The test's loop: lesson 02's step at a rising rate, until `steps` or until the loss runs away."""
    device = next((p.device for p in model.parameters()), torch.device("cpu"))
    result, average, best = LRFinder(), 0.0, math.inf
    batches = _cycle(train_loader, lang)
    model.train()
    for i in range(steps):
        lr = start_lr * (end_lr / start_lr) ** (i / (steps - 1))
        for group in optimizer.param_groups:
            group["lr"] = lr
        inputs, labels = (x.to(device) for x in next(batches))
        optimizer.zero_grad()
        loss = criterion(model(inputs), labels)
        loss.backward()
        optimizer.step()
        value = loss.item()
        average = smoothing * average + (1 - smoothing) * value
        smoothed = average / (1 - smoothing ** (i + 1))
        result.lrs.append(lr)
        result.raw_losses.append(value)
        result.losses.append(smoothed)
        best = min(best, smoothed)
        if not math.isfinite(smoothed) or smoothed > diverge * best:
            result.stopped_early = True
            break
    return result


def _cycle(loader: Iterable, lang: str):
    """The loader's batches, started again each time it runs out."""
    while True:
        empty = True
        for batch in loader:
            empty = False
            yield batch
        if empty:
            raise ValueError(t("lrf.empty_loader", lang))


def _save(model: nn.Module, optimizer: torch.optim.Optimizer, loader: Iterable) -> dict:
    """Everything the test changes: weights, buffers and gradients, modes, the optimizer's state and rates, RNGs."""
    return {
        "model": copy.deepcopy(model.state_dict()),
        "modes": [m.training for m in model.modules()],
        "grads": [None if p.grad is None else p.grad.detach().clone() for p in model.parameters()],
        "optimizer": copy.deepcopy(optimizer.state_dict()),
        "opt_called": optimizer.__dict__.get("_opt_called", None),  # a scheduler's "step was called" flag
        "rng": rng_state(loader),
    }


def _restore(model: nn.Module, optimizer: torch.optim.Optimizer, loader: Iterable, saved: dict) -> None:
    """Put back what `_save` kept, into the same tensors and objects."""
    with torch.no_grad():
        model.load_state_dict(saved["model"])
    for module, mode in zip(model.modules(), saved["modes"]):
        module.training = mode
    optimizer.load_state_dict(saved["optimizer"])
    for param, grad in zip(model.parameters(), saved["grads"]):
        param.grad = grad
    if saved["opt_called"] is None:
        optimizer.__dict__.pop("_opt_called", None)
    else:
        optimizer._opt_called = saved["opt_called"]
    set_rng_state(saved["rng"], loader)


__all__ = ["LRFinder", "lr_find"]
