"""helpers.engine.fit and train_one_epoch's lesson-07 options, each checked against plain PyTorch.

Everything runs on the CPU with 256 digits and a tiny model, so each test takes about a second.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.optim import lr_scheduler
from torch.utils.data import DataLoader, TensorDataset

from helpers.checkpoint import load_checkpoint
from helpers.data import TensorLoader, load_dataset
from helpers.device import seed_everything
from helpers.engine import EarlyStopping, fit, scheduler_interval
from helpers.loop import train_one_epoch
from helpers.models import DigitClassifier

DEVICE = torch.device("cpu")
TESTS = Path(__file__).resolve().parent
BENGALI = re.compile(r"[\u0980-\u09FF]")
EPOCHS = 5
BATCHES = 8  # 256 samples / 32


def tiny_mlp(dropout: float = 0.0) -> nn.Module:
    """A model small enough that a whole epoch costs a few milliseconds."""
    return nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 16), nn.ReLU(), nn.Dropout(dropout), nn.Linear(16, 10))


def loaders(train_data, val_data, *, batch_size=32, seed=0):
    """The shuffled training loader and the fixed validation loader every test builds the same way."""
    train = TensorLoader(TensorDataset(*train_data), batch_size=batch_size, shuffle=True, seed=seed)
    val = TensorLoader(TensorDataset(*val_data), batch_size=64)
    return train, val


def weights(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def assert_bitwise_equal(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


def quiet(_line: str) -> None:
    """A log callback that prints nothing."""



@pytest.fixture(scope="module")
def val_data(digits):
    images, labels = digits["val"].tensors
    return images[:64].clone(), labels[:64].clone()


def build_resume_run():
    """Model, loaders, optimizer and scheduler, built identically here and in a fresh Python process."""
    splits = load_dataset("digits", seed=0)
    images, labels = splits["train"].tensors
    val_images, val_labels = splits["val"].tensors
    seed_everything(0)
    model = tiny_mlp(dropout=0.25)  # dropout: a resumed run must restore the global RNG as well
    train, val = loaders((images[:256], labels[:256]), (val_images[:64], val_labels[:64]))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)  # Adam: its moments must be restored
    scheduler = lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    return model, train, val, optimizer, scheduler


# --- 1. fit is the plain loop -------------------------------------------------------------------


def plain_loop(model, train_loader, val_loader, optimizer, criterion, epochs):
    """The lessons' loop with nothing added: per-epoch mean batch loss, validation loss and accuracy."""
    results = []
    for _ in range(epochs):
        model.train()
        batch_losses = []
        for data, targets in train_loader:
            optimizer.zero_grad()
            outputs = model(data)
            loss = criterion(outputs, targets)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        model.eval()
        total_loss, correct, total = 0.0, 0, 0
        with torch.no_grad():
            for data, targets in val_loader:
                outputs = model(data)
                total_loss += criterion(outputs, targets).item() * len(targets)
                correct += (outputs.argmax(1) == targets).sum().item()
                total += len(targets)
        results.append((sum(batch_losses) / len(batch_losses), total_loss / total, correct / total))
    return results


@pytest.mark.parametrize("amp", [False, "auto"])
def test_fit_gives_bitwise_the_weights_of_the_plain_loop(small_digits, val_data, amp):
    """No scheduler, clipping or accumulation: fit must be exactly the plain loop, dropout included."""
    seed_everything(0)
    plain_model = DigitClassifier(width=4)
    train, val = loaders(small_digits, val_data)
    optimizer = torch.optim.Adam(plain_model.parameters(), lr=1e-3)
    expected = plain_loop(plain_model, train, val, optimizer, nn.CrossEntropyLoss(), epochs=2)

    seed_everything(0)
    model = DigitClassifier(width=4)
    train, val = loaders(small_digits, val_data)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    history = fit(model, train, val, epochs=2, optimizer=optimizer, criterion=nn.CrossEntropyLoss(),
                  device="cpu", amp=amp, progress=False)

    assert_bitwise_equal(weights(model), weights(plain_model))
    assert history["epoch"] == [1, 2]
    for epoch, (train_loss, val_loss, val_acc) in enumerate(expected):
        assert history["train_loss"][epoch] == pytest.approx(train_loss, rel=1e-5)
        assert history["val_loss"][epoch] == pytest.approx(val_loss, rel=1e-5)
        assert history["val_acc"][epoch] == val_acc


def test_on_epoch_sees_each_row_between_epochs_and_changes_nothing(small_digits, val_data):
    results = []
    for on_epoch in (None, "record"):
        seed_everything(0)
        model = DigitClassifier(width=4)
        train, val = loaders(small_digits, val_data)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        rows: list[dict] = []
        history = fit(model, train, val, epochs=3, optimizer=optimizer, criterion=nn.CrossEntropyLoss(),
                      device="cpu", progress=False, log_interval=None,
                      on_epoch=rows.append if on_epoch else None)
        results.append((weights(model), history))
    assert [row["epoch"] for row in rows] == [1, 2, 3]
    assert [row["val_loss"] for row in rows] == history["val_loss"]  # the History row, as it was recorded
    assert_bitwise_equal(results[0][0], results[1][0])


# --- 2. gradient accumulation -------------------------------------------------------------------


def one_epoch(images, labels, *, batch_size, accumulation_steps, optimizer="sgd"):
    """Seeded tiny model, one train_one_epoch over an unshuffled loader; returns (model, optimizer, steps)."""
    torch.manual_seed(0)
    model = tiny_mlp()
    if optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=1.0)  # lr 1, no momentum: the update is the gradient
    else:
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    steps = []
    opt.register_step_pre_hook(lambda *_: steps.append(1))
    loader = TensorLoader(TensorDataset(images, labels), batch_size=batch_size)
    train_one_epoch(model, DEVICE, loader, opt, nn.CrossEntropyLoss(), log=quiet,
                    accumulation_steps=accumulation_steps)
    return model, opt, len(steps)


def test_accumulating_four_micro_batches_equals_one_four_times_larger_batch(small_digits):
    """4 micro-batches of 8 with accumulation_steps=4 make the same single update as one batch of 32."""
    images, labels = small_digits[0][:32], small_digits[1][:32]
    big, _, big_steps = one_epoch(images, labels, batch_size=32, accumulation_steps=1)
    accumulated, _, accumulated_steps = one_epoch(images, labels, batch_size=8, accumulation_steps=4)

    assert big_steps == accumulated_steps == 1
    torch.manual_seed(0)
    assert not torch.equal(big[1].weight, tiny_mlp()[1].weight)  # the update did move the weights
    for (name, a), b in zip(big.named_parameters(), accumulated.parameters(), strict=True):
        torch.testing.assert_close(b, a, rtol=0, atol=1e-6, msg=name)


def test_a_short_last_group_is_stepped_and_averaged_over_its_own_batches(small_digits):
    """5 micro-batches with accumulation_steps=2: 3 optimizer steps, the last one on 1 batch scaled by 1/1."""
    images, labels = small_digits[0][:40], small_digits[1][:40]
    _, adam, adam_steps = one_epoch(images, labels, batch_size=8, accumulation_steps=2, optimizer="adam")
    assert adam_steps == 3
    assert all(state["step"] == 3 for state in adam.state.values())

    model, _, _ = one_epoch(images, labels, batch_size=8, accumulation_steps=2)
    torch.manual_seed(0)
    reference = tiny_mlp()
    optimizer = torch.optim.SGD(reference.parameters(), lr=1.0)
    for start, stop in [(0, 16), (16, 32), (32, 40)]:  # what each group would be as one batch
        optimizer.zero_grad()
        F.cross_entropy(reference(images[start:stop]), labels[start:stop]).backward()
        optimizer.step()
    for (name, a), b in zip(reference.named_parameters(), model.parameters(), strict=True):
        # Three steps at lr 1 grow some weights to ~90: float32 rounding is relative there.
        torch.testing.assert_close(b, a, rtol=1e-5, atol=1e-6, msg=name)


# --- 3. gradient clipping -----------------------------------------------------------------------


def grad_norms_before_each_step(small_digits, val_data, max_grad_norm):
    """The global gradient norm the optimizer sees at every step of a 1-epoch fit."""
    torch.manual_seed(0)
    model = tiny_mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    norms = []

    def record(opt, args, kwargs):
        grads = [p.grad for group in opt.param_groups for p in group["params"] if p.grad is not None]
        norms.append(torch.nn.utils.get_total_norm(grads).item())

    optimizer.register_step_pre_hook(record)
    train, val = loaders(small_digits, val_data)
    fit(model, train, val, epochs=1, optimizer=optimizer, criterion=nn.CrossEntropyLoss(),
        device="cpu", max_grad_norm=max_grad_norm, progress=False)
    assert len(norms) == BATCHES
    return norms


def test_clipping_bounds_the_global_gradient_norm_at_every_step(small_digits, val_data):
    unclipped = grad_norms_before_each_step(small_digits, val_data, None)
    clipped = grad_norms_before_each_step(small_digits, val_data, 0.5)
    assert max(unclipped) > 0.5, "the test needs gradients that clipping must shrink"
    assert all(norm <= 0.5 + 1e-5 for norm in clipped), clipped
    assert max(clipped) > 0.5 - 1e-3  # clipped to the bound, not to zero


# --- 4. schedulers ------------------------------------------------------------------------------


def warmup_then_cosine(opt, epochs, steps):
    warmup = lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=2)
    cosine = lr_scheduler.CosineAnnealingLR(opt, T_max=epochs - 2)
    return lr_scheduler.SequentialLR(opt, [warmup, cosine], milestones=[2])


SCHEDULERS = {
    # name: (build(optimizer, epochs, steps_per_epoch), when fit must step it)
    "StepLR": (lambda opt, e, s: lr_scheduler.StepLR(opt, step_size=2, gamma=0.5), "epoch"),
    "MultiStepLR": (lambda opt, e, s: lr_scheduler.MultiStepLR(opt, milestones=[1, 3], gamma=0.1), "epoch"),
    "ExponentialLR": (lambda opt, e, s: lr_scheduler.ExponentialLR(opt, gamma=0.7), "epoch"),
    "CosineAnnealingLR": (lambda opt, e, s: lr_scheduler.CosineAnnealingLR(opt, T_max=e), "epoch"),
    "LinearLR+SequentialLR": (warmup_then_cosine, "epoch"),
    "ReduceLROnPlateau": (
        lambda opt, e, s: lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=0, threshold=0.1), "metric"),
    "OneCycleLR": (lambda opt, e, s: lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=e * s), "batch"),
    "CyclicLR": (lambda opt, e, s: lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=5), "batch"),
}


def reference_lrs(build, interval, val_losses):
    """The LR of every batch when PyTorch's own scheduler is stepped by hand on a dummy optimizer."""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    scheduler = build(optimizer, EPOCHS, BATCHES)
    lrs = []
    for epoch in range(EPOCHS):
        for _ in range(BATCHES):
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            if interval == "batch":
                scheduler.step()
        if interval == "epoch":
            scheduler.step()
        elif interval == "metric":
            scheduler.step(val_losses[epoch])
    return lrs


@pytest.mark.parametrize("name", SCHEDULERS)
def test_each_scheduler_gives_pytorchs_own_lr_sequence(small_digits, val_data, name):
    """fit steps each scheduler at the right moment: per batch, per epoch, or with the validation loss."""
    build, interval = SCHEDULERS[name]
    torch.manual_seed(0)
    model = tiny_mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = build(optimizer, EPOCHS, BATCHES)
    assert scheduler_interval(scheduler) == interval
    used = []
    optimizer.register_step_pre_hook(lambda opt, args, kwargs: used.append(opt.param_groups[0]["lr"]))
    train, val = loaders(small_digits, val_data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = fit(model, train, val, epochs=EPOCHS, optimizer=optimizer, criterion=nn.CrossEntropyLoss(),
                      device="cpu", scheduler=scheduler, progress=False)
        expected = reference_lrs(build, interval, history["val_loss"])

    assert not [w for w in caught if "lr_scheduler.step()" in str(w.message)]
    assert used == expected
    if interval != "batch":  # the LR in the history is the one every batch of that epoch used
        assert history["lr"] == expected[::BATCHES]
    if name == "ReduceLROnPlateau":
        assert len(set(history["lr"])) > 1, "pick settings under which the plateau cuts the LR at least once"


def test_scheduler_step_can_force_an_interval():
    """scheduler_step overrides the automatic choice; a ReduceLROnPlateau is stepped with the metric."""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    step = lr_scheduler.StepLR(optimizer, 1)
    assert scheduler_interval(None) is None
    assert scheduler_interval(step, "batch") == "batch"
    assert scheduler_interval(lr_scheduler.ReduceLROnPlateau(optimizer)) == "metric"


# --- 5. resume in a new process -----------------------------------------------------------------

RESUME_SCRIPT = """
import sys
import torch
from torch import nn
torch.set_num_threads(int(sys.argv[4]))  # as in the test process: a thread count can change float sums
sys.path.insert(0, sys.argv[1])
from test_engine import build_resume_run
from helpers.engine import fit

model, train, val, optimizer, scheduler = build_resume_run()
history = fit(model, train, val, epochs=4, optimizer=optimizer, criterion=nn.CrossEntropyLoss(), device="cpu",
              scheduler=scheduler, checkpoint=sys.argv[2], resume=True, progress=False)
torch.save({"model": model.state_dict(), "history": dict(history)}, sys.argv[3])
"""


def test_resuming_in_a_new_process_continues_bitwise_as_one_run(tmp_path):
    """2 epochs + checkpoint, then fit(epochs=4, resume=True) in a fresh Python = 4 epochs in one go."""
    model, train, val, optimizer, scheduler = build_resume_run()
    one_go = fit(model, train, val, epochs=4, optimizer=optimizer, criterion=nn.CrossEntropyLoss(),
                 device="cpu", scheduler=scheduler, progress=False)
    one_go_weights = weights(model)

    checkpoint = tmp_path / "run.pt"
    model, train, val, optimizer, scheduler = build_resume_run()
    first_half = fit(model, train, val, epochs=2, optimizer=optimizer, criterion=nn.CrossEntropyLoss(),
                     device="cpu", scheduler=scheduler, checkpoint=checkpoint, progress=False)
    assert checkpoint.exists()

    result = tmp_path / "resumed.pt"
    done = subprocess.run([sys.executable, "-c", RESUME_SCRIPT, str(TESTS), str(checkpoint), str(result),
                           str(torch.get_num_threads())],
                          cwd=TESTS.parent, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Resumed from" in done.stdout and "after epoch 2" in done.stdout
    assert "Epoch 1/4" not in done.stdout and "Epoch 3/4" in done.stdout

    resumed = torch.load(result, weights_only=True)
    assert_bitwise_equal(resumed["model"], one_go_weights)
    history = resumed["history"]
    assert history["epoch"] == [1, 2, 3, 4]
    for key in history:
        assert history[key][:2] == first_half[key], key  # the first two epochs come from the checkpoint
        if key != "seconds":
            assert history[key] == one_go[key], key


# --- 7. non-finite loss and Ctrl-C --------------------------------------------------------------


class Injecting:
    """Cross-entropy that does `action(loss)` at training batch `at` (counted over all epochs).

    Validation runs under no_grad, so it is told apart by `torch.is_grad_enabled()` and never counted.
    """

    def __init__(self, at: int, action):
        self.at, self.action, self.calls = at, action, 0

    def __call__(self, outputs, targets):
        loss = F.cross_entropy(outputs, targets)
        if not torch.is_grad_enabled():
            return loss
        self.calls += 1
        return self.action(loss) if self.calls - 1 == self.at else loss


@pytest.mark.parametrize("lang, words", [
    ("en", ["epoch 2", "batch 2", "learning rate", "nan"]),
    ("bn", ["ইপক 2", "ব্যাচ 2", "লার্নিং রেট", "nan"]),
])
def test_a_nan_loss_stops_fit_with_the_last_good_weights(small_digits, val_data, capsys, lang, words):
    """A nan at the 3rd batch of epoch 2: history keeps epoch 1, weights are those just before that batch."""
    torch.manual_seed(0)
    model = tiny_mlp()
    before_nan = {}

    def make_nan(loss):
        before_nan.update(weights(model))
        return loss * float("nan")

    train, val = loaders(small_digits, val_data)
    history = fit(model, train, val, epochs=4, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                  criterion=Injecting(BATCHES + 2, make_nan), device="cpu", progress=False, lang=lang)

    assert history["epoch"] == [1]
    assert all(torch.isfinite(v).all() for v in model.state_dict().values())
    assert_bitwise_equal(weights(model), before_nan)
    out = capsys.readouterr().out
    for word in words:
        assert word in out


def test_ctrl_c_keeps_the_model_and_the_finished_epochs(small_digits, val_data, capsys):
    """A KeyboardInterrupt during epoch 3 ends fit normally with the history of epochs 1 and 2."""
    torch.manual_seed(0)
    model = tiny_mlp()

    def interrupt(loss):
        raise KeyboardInterrupt

    train, val = loaders(small_digits, val_data)
    try:
        history = fit(model, train, val, epochs=5, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                      criterion=Injecting(2 * BATCHES + 3, interrupt), device="cpu", progress=False)
    except KeyboardInterrupt:
        pytest.fail("fit let the KeyboardInterrupt escape")
    assert history["epoch"] == [1, 2]
    assert all(len(values) == 2 for values in history.values())
    assert all(torch.isfinite(v).all() for v in model.state_dict().values())
    assert "Stopped by you during epoch 3" in capsys.readouterr().out


# --- 8. bad arguments are refused before training -----------------------------------------------


class Counting:
    """Wraps a loader (or a plain list of batches) and counts the batches drawn from it."""

    def __init__(self, batches):
        self.batches, self.drawn = batches, 0

    def __len__(self):
        return len(self.batches)

    def __iter__(self):
        for batch in self.batches:
            self.drawn += 1
            yield batch


def set_lr(value):
    def change(optimizer):
        optimizer.param_groups[0]["lr"] = value  # torch refuses a negative lr at construction, not later
    return change


X, Y = torch.zeros(4, 1, 28, 28), torch.zeros(4, dtype=torch.long)
BAD_ARGUMENTS = {
    # case: (fit keyword arguments, a change to the optimizer, error, a word the message must contain)
    "negative lr": ({}, set_lr(-1.0), ValueError, "-1.0"),
    "nan lr": ({}, set_lr(float("nan")), ValueError, "nan"),
    "accumulation_steps=0": ({"accumulation_steps": 0}, None, ValueError, "accumulation_steps"),
    "accumulation_steps=1.5": ({"accumulation_steps": 1.5}, None, ValueError, "accumulation_steps"),
    "amp='fast'": ({"amp": "fast"}, None, ValueError, "amp"),
    "amp=1": ({"amp": 1}, None, ValueError, "amp"),
    "max_grad_norm=0": ({"max_grad_norm": 0}, None, ValueError, "max_grad_norm"),
    "max_grad_norm=nan": ({"max_grad_norm": float("nan")}, None, ValueError, "max_grad_norm"),
    "epochs=0": ({"epochs": 0}, None, ValueError, "epochs"),
    "epochs=2.0": ({"epochs": 2.0}, None, ValueError, "epochs"),
    "log_interval=0": ({"log_interval": 0}, None, ValueError, "log_interval"),
    "scheduler_step='sometimes'": ({"scheduler_step": "sometimes", "scheduler": "StepLR"}, None,
                                   ValueError, "scheduler_step"),
    "batches of single tensors": ({"train_loader": [X, X]}, None, TypeError, "Tensor"),
    "batches as dicts": ({"train_loader": [{"x": X, "y": Y}]}, None, TypeError, "dict"),
    "batches as 3-tuples": ({"train_loader": [(X, Y, Y)]}, None, TypeError, "tuple of 3"),
    "empty train loader": ({"train_loader": []}, None, ValueError, "train_loader"),
    "empty val loader": ({"val_loader": []}, None, ValueError, "val_loader"),
    "not iterable": ({"train_loader": 5}, None, TypeError, "int"),
}


@pytest.mark.parametrize("lang", ["en", "bn"])
@pytest.mark.parametrize("case", BAD_ARGUMENTS)
def test_a_bad_argument_is_refused_before_any_training(small_digits, val_data, case, lang):
    """fit raises, in the chosen language, before drawing a training batch or touching a weight."""
    kwargs, change_optimizer, error, word = BAD_ARGUMENTS[case]
    torch.manual_seed(0)
    model = tiny_mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    if change_optimizer:
        change_optimizer(optimizer)
    good_train, good_val = loaders(small_digits, val_data)
    arguments = dict(epochs=2, optimizer=optimizer, criterion=nn.CrossEntropyLoss(), device="cpu",
                     progress=False, lang=lang)
    arguments.update(kwargs)
    if arguments.get("scheduler") == "StepLR":
        arguments["scheduler"] = lr_scheduler.StepLR(optimizer, 1)
    train = Counting(arguments.pop("train_loader", good_train))
    val = Counting(arguments.pop("val_loader", good_val))
    if isinstance(train.batches, int):  # a loader that cannot even be iterated
        train = train.batches
    before = weights(model)

    with pytest.raises(error, match=re.escape(word)) as raised:
        fit(model, train, val, **arguments)

    assert_bitwise_equal(weights(model), before)
    assert not optimizer.state  # no optimizer step happened
    drawn = getattr(train, "drawn", 0) + val.drawn
    assert drawn <= 1  # at most the one batch the pre-flight check looks at
    if error is ValueError and "loader" not in case:
        assert drawn == 0  # settings are checked before any loader is touched
    assert bool(BENGALI.search(str(raised.value))) == (lang == "bn"), str(raised.value)


def test_a_bad_scheduler_step_is_refused_even_without_a_scheduler(small_digits, val_data):
    torch.manual_seed(0)
    model = tiny_mlp()
    train, val = loaders(small_digits, val_data)
    with pytest.raises(ValueError, match="scheduler_step"):
        fit(model, train, val, epochs=1, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
            criterion=nn.CrossEntropyLoss(), device="cpu", scheduler_step="sometimes", progress=False)


@pytest.mark.parametrize("lang", ["en", "bn"])
@pytest.mark.parametrize("kwargs, word", [
    ({"mode": "up"}, "mode"),
    ({"patience": 0}, "patience"),
    ({"patience": 1.5}, "patience"),
    ({"monitor": "nope"}, "nope"),
])
def test_a_bad_early_stopping_setting_is_refused_in_the_chosen_language(kwargs, word, lang):
    from helpers.i18n import set_language

    set_language(lang)
    with pytest.raises(ValueError, match=word) as raised:
        EarlyStopping(**kwargs)
    assert bool(BENGALI.search(str(raised.value))) == (lang == "bn")


# --- 9. early stopping --------------------------------------------------------------------------


@pytest.mark.parametrize("mode, values, min_delta, expected_best, expected_bad", [
    ("min", [1.0, 0.5, 0.49, 0.48], 0.05, [True, True, False, False], 2),
    ("min", [1.0, 0.5, 0.49, 0.48], 0.0, [True, True, True, True], 0),
    ("min", [1.0, 0.5, 0.44, 0.5], 0.05, [True, True, True, False], 1),
    ("max", [0.1, 0.5, 0.52, 0.6], 0.05, [True, True, False, True], 0),
    ("max", [0.5, 0.5, 0.4, 0.3], 0.0, [True, False, False, False], 3),
])
def test_early_stopping_update_counts_only_improvements_beyond_min_delta(
        mode, values, min_delta, expected_best, expected_bad):
    stopper = EarlyStopping(patience=3, min_delta=min_delta, mode=mode)
    assert [stopper.update(v, epoch) for epoch, v in enumerate(values, 1)] == expected_best
    assert stopper.bad_epochs == expected_bad
    assert stopper.should_stop == (expected_bad >= 3)
    best_epoch = max(e for e, better in enumerate(expected_best, 1) if better)
    assert stopper.best_epoch == best_epoch and stopper.best == values[best_epoch - 1]


class ScriptedValidation:
    """Real cross-entropy for training; in validation the loss is `script[epoch]`, and the weights are kept."""

    def __init__(self, model, script):
        self.model, self.script, self.snapshots = model, script, {}

    def __call__(self, outputs, targets):
        loss = F.cross_entropy(outputs, targets)
        if torch.is_grad_enabled():
            return loss
        epoch = len(self.snapshots) + 1  # the val loader has one batch: one call per epoch
        self.snapshots[epoch] = weights(self.model)
        return loss * 0 + self.script[epoch - 1]


def test_early_stopping_stops_and_restores_the_best_weights(small_digits, val_data, tmp_path, capsys):
    """Val loss 1.0, 0.5, 0.49, 0.48 with min_delta 0.05 and patience 2: stop after epoch 4, keep epoch 2."""
    torch.manual_seed(0)
    model = tiny_mlp()
    criterion = ScriptedValidation(model, [1.0, 0.5, 0.49, 0.48, 0.1, 0.1, 0.1, 0.1])
    stopper = EarlyStopping(patience=2, min_delta=0.05)
    train, val = loaders(small_digits, val_data)
    history = fit(model, train, val, epochs=8, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                  criterion=criterion, device="cpu", early_stopping=stopper, checkpoint=tmp_path / "ck.pt",
                  progress=False)

    assert history["epoch"] == [1, 2, 3, 4]
    assert history["val_loss"] == pytest.approx([1.0, 0.5, 0.49, 0.48])
    assert stopper.best_epoch == 2 and stopper.should_stop
    assert_bitwise_equal(weights(model), criterion.snapshots[2])
    assert not torch.equal(criterion.snapshots[2]["1.weight"], criterion.snapshots[4]["1.weight"])
    saved = load_checkpoint(tmp_path / "ck.pt")
    assert_bitwise_equal(saved["best_model"], criterion.snapshots[2])
    assert saved["early_stopping"]["best_epoch"] == 2
    out = capsys.readouterr().out
    assert "Early stopping at epoch 4" in out
    assert "Restored the best weights, from epoch 2" in out


def test_resuming_with_other_early_stopping_settings_uses_the_new_ones_and_says_so(
        small_digits, val_data, tmp_path, capsys):
    """Stopped by patience 2 after epoch 4; resumed with patience 4, the run goes on and keeps the saved count."""
    torch.manual_seed(0)
    model = tiny_mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    train, val = loaders(small_digits, val_data)
    checkpoint = tmp_path / "ck.pt"
    fit(model, train, val, epochs=8, optimizer=optimizer, criterion=ScriptedValidation(model, [1.0, 0.5, 0.49, 0.48]),
        device="cpu", early_stopping=EarlyStopping(patience=2, min_delta=0.05), checkpoint=checkpoint, progress=False)
    capsys.readouterr()

    patient = EarlyStopping(patience=4, min_delta=0.05)
    criterion = ScriptedValidation(model, [0.1, 0.1, 0.1, 0.1])  # epochs 5-8: one improvement, then none
    history = fit(model, train, val, epochs=8, optimizer=optimizer, criterion=criterion, device="cpu",
                  early_stopping=patient, checkpoint=checkpoint, resume=True, progress=False)

    out = capsys.readouterr().out
    assert "not the checkpoint's: patience 2 → 4" in out
    assert history["epoch"] == [1, 2, 3, 4, 5, 6, 7, 8]  # patience 2 would have stopped at once
    assert patient.patience == 4 and patient.min_delta == 0.05  # the call's settings, not the checkpoint's
    assert patient.best_epoch == 5 and patient.bad_epochs == 3 and not patient.should_stop
    assert load_checkpoint(checkpoint)["early_stopping"]["settings"]["patience"] == 4


def test_an_early_stopping_with_another_monitor_recounts_its_state_from_the_history():
    history = {"epoch": [1, 2, 3, 4], "val_loss": [1.0, 0.8, 0.9, 0.95], "val_acc": [0.5, 0.7, 0.6, 0.75]}
    by_loss = EarlyStopping(patience=2)
    for epoch, value in zip(history["epoch"], history["val_loss"]):
        by_loss.update(value, epoch)
    assert by_loss.should_stop and by_loss.best_epoch == 2

    by_accuracy = EarlyStopping(patience=2, monitor="val_acc", mode="max", min_delta=0.1)
    changed = by_accuracy.load_state_dict(by_loss.state_dict(), history=history)
    assert changed == {"monitor": ("val_loss", "val_acc"), "mode": ("min", "max"), "min_delta": (0.0, 0.1)}
    # 0.5 best; 0.7 beats it by more than 0.1; 0.6 and 0.75 do not beat 0.7 by more than 0.1
    assert (by_accuracy.best, by_accuracy.best_epoch, by_accuracy.bad_epochs) == (0.7, 2, 2)
    assert by_accuracy.should_stop

    same = EarlyStopping(patience=2)
    assert same.load_state_dict(by_loss.state_dict(), history=history) == {}
    assert (same.best, same.best_epoch, same.bad_epochs) == (0.8, 2, 2)


# --- 10. the pre-flight check uses no random numbers --------------------------------------------


class RecordsInputs(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner, self.seen = inner, []

    def forward(self, x):
        if self.training:
            self.seen.append(x.clone())
        return self.inner(x)


def test_fits_batch_order_is_that_of_a_fresh_loader(small_digits, val_data):
    """Looking at the first batch before training must not advance the loader's shuffling generator."""
    torch.manual_seed(0)
    model = RecordsInputs(tiny_mlp())
    train, val = loaders(small_digits, val_data)
    fresh, _ = loaders(small_digits, val_data)
    expected = [x for _ in range(2) for x, _ in fresh]
    fit(model, train, val, epochs=2, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        criterion=nn.CrossEntropyLoss(), device="cpu", progress=False)
    assert len(model.seen) == len(expected) == 2 * BATCHES
    assert all(torch.equal(a, b) for a, b in zip(model.seen, expected, strict=True))


def test_a_torch_dataloader_shuffling_from_the_global_generator_keeps_its_order(small_digits, val_data):
    """A DataLoader(shuffle=True) without its own generator draws from torch's global one: also untouched."""
    torch.manual_seed(0)
    model = RecordsInputs(tiny_mlp())
    train = DataLoader(TensorDataset(*small_digits), batch_size=32, shuffle=True)
    _, val = loaders(small_digits, val_data)
    torch.manual_seed(123)
    expected = [x for x, _ in train]
    torch.manual_seed(123)
    fit(model, train, val, epochs=1, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        criterion=nn.CrossEntropyLoss(), device="cpu", progress=False)
    assert len(model.seen) == BATCHES
    assert all(torch.equal(a, b) for a, b in zip(model.seen, expected, strict=True))


def test_fit_shows_a_progress_bar_and_returns_the_same_history(small_digits, val_data, capsys):
    """progress=True (tqdm) changes only what is printed, not the run."""
    histories = []
    for progress in (False, True):
        torch.manual_seed(0)
        model = tiny_mlp()
        train, val = loaders(small_digits, val_data)
        histories.append(fit(model, train, val, epochs=2, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                             criterion=nn.CrossEntropyLoss(), device="cpu", progress=progress))
    assert {k: v for k, v in histories[0].items() if k != "seconds"} == \
           {k: v for k, v in histories[1].items() if k != "seconds"}
    assert all(math.isfinite(s) and s >= 0 for s in histories[1]["seconds"])
    assert "epochs" in capsys.readouterr().err



@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_a_dataloader_is_pinned_on_cuda(small_digits, val_data):
    """CPU batches from a DataLoader are page-locked on CUDA, so non_blocking copies overlap with compute."""
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(0)
    model = tiny_mlp()
    train = DataLoader(TensorDataset(*small_digits), batch_size=32)
    val = DataLoader(TensorDataset(*val_data), batch_size=64)
    fit(model, train, val, epochs=1, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        criterion=nn.CrossEntropyLoss(), device="cuda", progress=False, log_interval=None)
    assert train.pin_memory and val.pin_memory


def test_a_dataloader_on_the_cpu_is_left_as_it_is(small_digits, val_data):
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(0)
    model = tiny_mlp()
    train = DataLoader(TensorDataset(*small_digits), batch_size=32)
    val = DataLoader(TensorDataset(*val_data), batch_size=64)
    history = fit(model, train, val, epochs=1, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                  criterion=nn.CrossEntropyLoss(), device="cpu", progress=False, log_interval=None)
    assert not train.pin_memory and len(history["epoch"]) == 1
