"""helpers.engine.Run, the one epoch driver, on its own: epochs, changes between epochs, its checkpoint (lessons 02-11).

`fit` is tested in test_engine.py; here the driver that fit, the playground and `python -m helpers` share.
Everything runs on the CPU with 256 digits and a tiny model.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from helpers import EarlyStopping, Run, StopTraining
from helpers.amp import mixed_precision
from helpers.checkpoint import load_checkpoint, save_checkpoint
from helpers.data import TensorLoader
from helpers.engine import HISTORY_KEYS
from tests.test_engine import assert_bitwise_equal, weights

CPU = torch.device("cpu")


def quiet(_line: str) -> None:
    """A `say` that prints nothing."""


def tiny_mlp(dropout: float = 0.0) -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 16), nn.ReLU(), nn.Dropout(dropout), nn.Linear(16, 10))


def make_run(small_digits, *, sampler: bool = False, dropout: float = 0.25, **options) -> Run:
    """A run on 256 digits (validated on 64 of them); with `sampler`, a DataLoader with a DistributedSampler."""
    images, labels = small_digits
    train_set, val_set = TensorDataset(images, labels), TensorDataset(images[:64], labels[:64])
    if sampler:  # one process: the sampler hands it everything, shuffled by seed + epoch (lesson 11)
        train = DataLoader(train_set, batch_size=32, sampler=DistributedSampler(train_set, num_replicas=1, rank=0))
    else:
        train = TensorLoader(train_set, batch_size=32, shuffle=True, seed=0)
    model = tiny_mlp(dropout)
    return Run(model, train, TensorLoader(val_set, batch_size=64), optimizer=torch.optim.Adam(model.parameters(), 1e-2),
               criterion=nn.CrossEntropyLoss(), device=CPU, say=quiet, **options)


def test_epochs_are_numbered_from_one_and_recorded_in_the_history(small_digits):
    run = make_run(small_digits)
    assert run.next_epoch == 1
    rows = [run.epoch(of=3) for _ in range(3)]
    assert [row["epoch"] for row in rows] == [1, 2, 3] and run.next_epoch == 4
    assert set(rows[0]) == set(HISTORY_KEYS)
    assert all(run.history[key] == [row[key] for row in rows] for key in HISTORY_KEYS)


def test_the_epoch_line_is_said_once_per_epoch_with_the_planned_count(small_digits):
    lines = []
    run = make_run(small_digits, log_interval=None)
    run.say = lines.append
    run.epoch(of=7)
    assert len(lines) == 1 and lines[0].startswith("Epoch 1/7 |")


def test_the_optimizer_can_be_replaced_between_epochs(small_digits):
    """The playground's optimizer menu: from the next epoch on the run steps with the new one."""
    run = make_run(small_digits)
    run.epoch()
    run.optimizer = torch.optim.SGD(run.model.parameters(), lr=0.5)
    before = weights(run.model)
    run.epoch()
    assert run.history["lr"] == [0.01, 0.5]
    assert not torch.equal(before["1.weight"], run.model.state_dict()["1.weight"])
    assert run.optimizer.state_dict()["state"] == {}  # plain SGD: nothing remembered, so it really stepped


def test_set_precision_switches_autocast_and_makes_a_fresh_scaler(small_digits):
    run = make_run(small_digits)
    run.set_precision(mixed_precision(CPU, True))
    assert run.precision.dtype is torch.bfloat16 and run.scaler is None  # bfloat16 needs no GradScaler
    run.epoch()
    run.set_precision(mixed_precision(CPU, False))
    assert run.precision.dtype is None
    run.epoch()
    assert run.history["epoch"] == [1, 2]


def test_on_batch_sees_every_batch_and_stop_training_ends_the_epoch(small_digits):
    seen = []

    def on_batch(batch: int, loss: torch.Tensor) -> None:
        seen.append(batch)
        if batch == 2:
            raise StopTraining

    run = make_run(small_digits, on_batch=on_batch)
    with pytest.raises(StopTraining):
        run.epoch()
    assert seen == [0, 1, 2] and run.history["epoch"] == []  # an unfinished epoch is not recorded


def test_a_checkpoint_resumed_in_a_new_run_continues_bitwise_as_one_run(small_digits, tmp_path):
    """2 epochs, save; a new Run resumes and trains 2 more: the same as 4 in one run (dropout: the RNGs too)."""
    one_go = make_run(small_digits)
    for _ in range(4):
        one_go.epoch()

    first = make_run(small_digits)
    first.epoch()
    first.epoch()
    first.save(tmp_path / "run.pt")
    torch.manual_seed(123)  # what a new process would have: other random numbers, which resume() puts back
    second = make_run(small_digits)
    second.resume(tmp_path / "run.pt")
    assert second.next_epoch == 3
    second.epoch()
    second.epoch()
    assert_bitwise_equal(weights(second.model), weights(one_go.model))
    assert {k: v for k, v in second.history.items() if k != "seconds"} == {
        k: v for k, v in one_go.history.items() if k != "seconds"}


def test_the_checkpoint_holds_every_piece_of_the_run_in_one_dict(small_digits, tmp_path):
    run = make_run(small_digits)
    stopping = EarlyStopping(patience=3)
    row = run.epoch()
    stopping.update(row["val_loss"], row["epoch"], model=run.model)
    run.save(tmp_path / "run.pt", stopping)
    state = load_checkpoint(tmp_path / "run.pt")
    assert set(state) == {"epoch", "model", "optimizer", "scheduler", "scaler", "history", "early_stopping",
                          "best_model", "sampler_epochs_from", "rng"}
    assert state["epoch"] == 1 and state["sampler_epochs_from"] == 0
    assert state["early_stopping"]["best_epoch"] == 1
    assert_bitwise_equal(state["best_model"], weights(run.model))


def test_resuming_gives_early_stopping_its_best_weights_back(small_digits, tmp_path):
    run = make_run(small_digits)
    stopping = EarlyStopping(patience=3)
    row = run.epoch()
    stopping.update(row["val_loss"], row["epoch"], model=run.model)
    best = weights(run.model)
    run.save(tmp_path / "run.pt", stopping)

    resumed, again = make_run(small_digits), EarlyStopping(patience=3)
    resumed.resume(tmp_path / "run.pt", again)
    assert again.best_epoch == 1 and again.best == stopping.best
    resumed.epoch()  # trains on: the model moves away from the best weights
    assert again.restore_best(resumed.model, unless_epoch=2)
    assert_bitwise_equal(weights(resumed.model), best)
    assert not again.restore_best(resumed.model, unless_epoch=1)  # the best epoch's weights are already there


def test_a_checkpoint_that_is_not_a_runs_is_refused_and_changes_nothing(small_digits, tmp_path):
    run = make_run(small_digits)
    before = weights(run.model)
    save_checkpoint(tmp_path / "list.pt", [1, 2])
    with pytest.raises(ValueError, match="not a dict but list"):
        run.resume(tmp_path / "list.pt")
    save_checkpoint(tmp_path / "weights.pt", {"model": before})
    with pytest.raises(ValueError, match="missing epoch, optimizer, history, rng"):
        run.resume(tmp_path / "weights.pt")
    assert_bitwise_equal(weights(run.model), before)
    assert run.history["epoch"] == []


# The sampler's epochs (lesson 11): from 0, as PyTorch's recipe numbers them


def test_a_distributed_samplers_epochs_count_from_zero_as_in_pytorchs_recipe(small_digits):
    run = make_run(small_digits, sampler=True)
    sampler = run.train_loader.sampler
    orders = []
    for _ in range(3):
        run.epoch()
        orders.append(sampler.epoch)
    assert orders == [0, 1, 2]  # `for epoch in range(n): sampler.set_epoch(epoch)`


def test_a_checkpoint_from_before_the_change_goes_on_counting_from_one(small_digits, tmp_path):
    """A checkpoint written when fit numbered the sampler's epochs from 1 (it has no "sampler_epochs_from").

    Resumed, the run keeps counting as it began, so it continues exactly as the old run would have.
    """
    old_one_go = make_run(small_digits, sampler=True)
    old_one_go.sampler_epochs_from = 1  # the numbering of helpers before PyTorch's
    for _ in range(4):
        old_one_go.epoch()
    assert old_one_go.train_loader.sampler.epoch == 4

    first = make_run(small_digits, sampler=True)
    first.sampler_epochs_from = 1
    first.epoch()
    first.epoch()
    state = first.checkpoint()
    del state["sampler_epochs_from"]  # as the old helpers wrote it
    save_checkpoint(tmp_path / "old.pt", state)

    resumed = make_run(small_digits, sampler=True)
    resumed.resume(tmp_path / "old.pt")
    assert resumed.sampler_epochs_from == 1
    resumed.epoch()
    resumed.epoch()
    assert resumed.train_loader.sampler.epoch == 4
    assert_bitwise_equal(weights(resumed.model), weights(old_one_go.model))

    # A new run counts from 0: its order differs from the old numbering's.
    new = make_run(small_digits, sampler=True)
    for _ in range(4):
        new.epoch()
    assert not torch.equal(weights(new.model)["1.weight"], weights(old_one_go.model)["1.weight"])
