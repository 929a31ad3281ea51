"""helpers.lr_find (lesson 12): the schedule, the smoothing, the stop, the suggestion's rule, bitwise restoration,
and the same numbers as torch-lr-finder (a dev-only dependency; that test skips without it)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import helpers
from helpers.data import TensorLoader
from helpers.lr_finder import lr_find
from helpers.models import DigitClassifier


def pieces(small_digits, *, shuffle: bool = True, optimizer: str = "adam"):
    torch.manual_seed(0)
    model = DigitClassifier(width=4)
    images, labels = small_digits
    loader = TensorLoader(TensorDataset(images, labels), batch_size=32, shuffle=shuffle, seed=3)
    make = {"adam": lambda p: torch.optim.Adam(p, lr=1e-3),
            "sgd": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, weight_decay=1e-4)}[optimizer]
    return model, loader, make(model.parameters()), nn.CrossEntropyLoss()


def test_the_rate_rises_exponentially_and_the_loss_is_smoothed_with_bias_correction(small_digits):
    model, loader, optimizer, criterion = pieces(small_digits)
    finder = lr_find(model, loader, optimizer, criterion, start_lr=1e-5, end_lr=1e-1, steps=20, diverge=1e9)
    assert len(finder.lrs) == 20 and not finder.stopped_early  # 20 steps: the 8 batches of the loader, cycled
    expected = [1e-5 * (1e-1 / 1e-5) ** (i / 19) for i in range(20)]
    assert finder.lrs == pytest.approx(expected, rel=1e-12)
    average = 0.0
    for i, (raw, smoothed) in enumerate(zip(finder.raw_losses, finder.losses)):
        average = 0.95 * average + 0.05 * raw
        assert smoothed == pytest.approx(average / (1 - 0.95 ** (i + 1)), rel=1e-12)
    assert finder.losses[0] == finder.raw_losses[0]  # bias correction: the first smoothed value is the first loss


def test_the_test_stops_when_the_loss_runs_away_and_suggests_a_tenth_of_the_best_rate(small_digits):
    model, loader, optimizer, criterion = pieces(small_digits)
    finder = lr_find(model, loader, optimizer, criterion, start_lr=1e-4, end_lr=1e3, steps=60)
    assert finder.stopped_early and len(finder.lrs) < 60
    last = finder.losses[-1]
    assert not math.isfinite(last) or last > 4 * min(finder.losses[:-1])
    best = min(range(len(finder.losses)), key=finder.losses.__getitem__)
    assert finder.suggestion == finder.lrs[best] / 10
    assert 1e-4 < finder.suggestion < 1.0
    assert "stopped when the loss ran away" in finder.summary("en") and "থেমেছে" in finder.summary("bn")


@pytest.mark.parametrize("optimizer_name", ["adam", "sgd"])
def test_weights_optimizer_state_rates_modes_and_random_generators_are_restored_bitwise(small_digits,
                                                                                       optimizer_name):
    model, loader, optimizer, criterion = pieces(small_digits, optimizer=optimizer_name)
    for inputs, targets in list(loader)[:2]:  # a run in progress: the optimizer has state, weights have grads
        optimizer.zero_grad()
        criterion(model(inputs), targets).backward()
        optimizer.step()
    model.eval()
    random.seed(7)
    np.random.seed(7)
    torch.manual_seed(7)
    weights = {k: v.clone() for k, v in model.state_dict().items()}
    grads = [p.grad.clone() for p in model.parameters()]
    state = {id_: {k: v.clone() if torch.is_tensor(v) else v for k, v in s.items()}
             for id_, s in optimizer.state_dict()["state"].items()}
    groups = [{k: v for k, v in g.items() if k != "params"} for g in optimizer.param_groups]
    generators = (random.getstate(), np.random.get_state()[1].copy(), torch.get_rng_state(),
                  loader.generator.get_state())

    lr_find(model, loader, optimizer, criterion, start_lr=1e-5, end_lr=10, steps=30)

    assert all(torch.equal(weights[k], v) for k, v in model.state_dict().items())
    assert all(torch.equal(g, p.grad) for g, p in zip(grads, model.parameters()))
    assert not model.training and not any(m.training for m in model.modules())
    after = optimizer.state_dict()["state"]
    assert after.keys() == state.keys()
    for id_, saved in state.items():
        for key, value in saved.items():
            assert torch.equal(after[id_][key], value) if torch.is_tensor(value) else after[id_][key] == value
    assert [{k: v for k, v in g.items() if k != "params"} for g in optimizer.param_groups] == groups
    assert random.getstate() == generators[0]
    assert (np.random.get_state()[1] == generators[1]).all()
    assert torch.equal(torch.get_rng_state(), generators[2])
    assert torch.equal(loader.generator.get_state(), generators[3])
    # and the parameters are the model's own tensors still: the optimizer keeps training them
    held = {id(p) for g in optimizer.param_groups for p in g["params"]}
    assert held == {id(p) for p in model.parameters()}


def test_a_fresh_optimizer_stays_fresh(small_digits):
    model, loader, optimizer, criterion = pieces(small_digits)
    lr_find(model, loader, optimizer, criterion, steps=10)
    assert optimizer.state_dict()["state"] == {} and optimizer.param_groups[0]["lr"] == 1e-3
    assert all(p.grad is None for p in model.parameters())


@pytest.mark.parametrize("kwargs", [dict(start_lr=0.0), dict(start_lr=1.0, end_lr=0.1), dict(steps=1),
                                    dict(steps=2.5)])
def test_a_bad_range_is_refused_in_the_chosen_language(small_digits, kwargs):
    model, loader, optimizer, criterion = pieces(small_digits)
    with pytest.raises(ValueError, match="start_lr"):
        lr_find(model, loader, optimizer, criterion, lang="bn", **kwargs)


def test_an_empty_loader_is_refused_and_nothing_changes():
    model = nn.Linear(3, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    empty = TensorLoader(TensorDataset(torch.zeros(0, 3), torch.zeros(0, dtype=torch.long)), batch_size=4)
    with pytest.raises(ValueError, match="no batches"):
        lr_find(model, empty, optimizer, nn.CrossEntropyLoss(), lang="en")
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert optimizer.param_groups[0]["lr"] == 0.1


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_the_plot_marks_the_suggestion_with_labels_in_the_language(small_digits, lang):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.plots import plot_language

    model, loader, optimizer, criterion = pieces(small_digits)
    finder = lr_find(model, loader, optimizer, criterion, start_lr=1e-5, end_lr=10, steps=30)
    ax = finder.plot(lang=lang)
    shown = plot_language(lang)
    assert ax.get_xscale() == "log" and ax.get_title() == helpers.t("lrf.title", shown)
    labels = [line.get_label() for line in ax.lines]
    assert labels == [helpers.t("lrf.raw", shown), helpers.t("lrf.smoothed", shown),
                      helpers.t("lrf.suggestion", shown, lr=finder.suggestion)]
    plt.close(ax.figure)


def test_the_same_numbers_as_torch_lr_finder(small_digits):
    """Like for like: the same model, batches (no shuffling, no dropout) and exponential schedule.

    torch-lr-finder smooths without bias correction (`s = f * loss + (1 - f) * s`, first value raw) and keeps only
    the smoothed values; its smoothing applied to our raw losses must give its history, and its rates ours.
    """
    torch_lr_finder = pytest.importorskip("torch_lr_finder")
    images, labels = small_digits
    data = TensorDataset(images, labels)

    def fresh():
        torch.manual_seed(0)
        model = DigitClassifier(width=4, dropout=0.0)
        return model, torch.optim.SGD(model.parameters(), lr=1e-5, momentum=0.9)

    model, optimizer = fresh()
    ours = lr_find(model, DataLoader(data, batch_size=32), optimizer, nn.CrossEntropyLoss(), start_lr=1e-5,
                   end_lr=1.0, steps=40, diverge=1e9)
    model, optimizer = fresh()
    theirs = torch_lr_finder.LRFinder(model, optimizer, nn.CrossEntropyLoss(), device="cpu")
    theirs.range_test(DataLoader(data, batch_size=32), start_lr=1e-5, end_lr=1.0, num_iter=40, step_mode="exp",
                      smooth_f=0.05, diverge_th=1e9)
    assert ours.lrs == pytest.approx(theirs.history["lr"], rel=1e-9)
    smoothed = [ours.raw_losses[0]]
    for raw in ours.raw_losses[1:]:
        smoothed.append(0.05 * raw + 0.95 * smoothed[-1])
    assert smoothed == pytest.approx(theirs.history["loss"], rel=1e-5)
