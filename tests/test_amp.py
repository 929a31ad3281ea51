"""helpers.amp and the loop's mixed-precision path: bfloat16 autocast on a CPU, and GradScaler's rules."""

from __future__ import annotations

import re
import warnings

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.optim import lr_scheduler
from torch.utils.data import TensorDataset

import helpers.amp
from helpers.amp import Precision, resolve_amp
from helpers.data import TensorLoader
from helpers.engine import fit
from helpers.loop import train_one_epoch

CPU = torch.device("cpu")
BENGALI = re.compile(r"[\u0980-\u09FF]")


@pytest.fixture(autouse=True)
def fresh_messages():
    """Each test sees the one-time messages as if in a new Python session, and leaves them that way."""
    helpers.amp._said_once.clear()
    yield
    helpers.amp._said_once.clear()



def tiny_mlp() -> nn.Module:
    return nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 16), nn.ReLU(), nn.Linear(16, 10))


def loader(small_digits, n=64, batch_size=32):
    return TensorLoader(TensorDataset(small_digits[0][:n], small_digits[1][:n]), batch_size=batch_size)


def quiet(_line: str) -> None:
    """A log callback that prints nothing."""


def record_grad_norms(optimizer):
    """The global gradient norm the optimizer sees at each real step (a skipped step records nothing)."""
    norms = []

    def record(opt, args, kwargs):
        grads = [p.grad for group in opt.param_groups for p in group["params"] if p.grad is not None]
        norms.append(torch.nn.utils.get_total_norm(grads).item())

    optimizer.register_step_pre_hook(record)
    return norms


# --- resolve_amp --------------------------------------------------------------------------------


def test_auto_on_a_cpu_is_off_and_says_why_once(capsys):
    precision = resolve_amp("auto", CPU)
    assert precision.dtype is None and not precision.scaled and precision.make_scaler() is None
    assert precision.device_type == "cpu"
    assert "Mixed precision is off on cpu" in capsys.readouterr().out
    resolve_amp("auto", CPU)
    assert capsys.readouterr().out == ""  # once per session, not once per call


def test_the_auto_message_follows_the_language(capsys):
    resolve_amp("auto", CPU, lang="bn")
    assert BENGALI.search(capsys.readouterr().out)


def test_true_on_a_cpu_is_bfloat16_autocast_without_a_scaler(capsys):
    precision = resolve_amp(True, CPU)
    assert precision.dtype == torch.bfloat16 and not precision.scaled
    assert "bfloat16" in capsys.readouterr().out  # it warns that this is usually slower on a CPU
    with precision.autocast():
        assert (torch.ones(2, 2) @ torch.ones(2, 2)).dtype == torch.bfloat16


@pytest.mark.parametrize("device", ["cpu", "cuda", "mps"])
def test_false_is_full_float32_everywhere(device, capsys):
    precision = resolve_amp(False, torch.device(device))
    assert precision.dtype is None and not precision.scaled and precision.device_type == device
    with precision.autocast():
        assert (torch.ones(2, 2) @ torch.ones(2, 2)).dtype == torch.float32
    assert capsys.readouterr().out == ""


def test_true_on_mps_is_float16_without_a_scaler():
    precision = resolve_amp(True, torch.device("mps"))
    assert precision.dtype == torch.float16 and not precision.scaled


@pytest.mark.parametrize("value", ["fast", "true", "", None, 1, 0, 2, [True]])
@pytest.mark.parametrize("lang", ["en", "bn"])
def test_a_bad_amp_value_is_refused(value, lang):
    with pytest.raises(ValueError, match="amp") as raised:
        resolve_amp(value, CPU, lang=lang)
    assert bool(BENGALI.search(str(raised.value))) == (lang == "bn")


@pytest.mark.parametrize("value", [1.0, 0.0])
def test_a_float_amp_value_is_refused(value):
    with pytest.raises(ValueError, match="amp"):
        resolve_amp(value, CPU)


# --- the loop in bfloat16 -----------------------------------------------------------------------


def test_train_one_epoch_in_bfloat16_runs_the_forward_in_bfloat16_and_returns_a_finite_loss(small_digits):
    torch.manual_seed(0)
    model = tiny_mlp()
    seen = []

    def criterion(outputs, targets):
        seen.append(outputs.dtype)
        return F.cross_entropy(outputs, targets)

    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    before = model[1].weight.detach().clone()
    loss, acc = train_one_epoch(model, CPU, loader(small_digits), optimizer, criterion, log=quiet,
                                precision=Precision(device_type="cpu", dtype=torch.bfloat16))
    assert seen == [torch.bfloat16, torch.bfloat16]
    assert torch.isfinite(torch.tensor(loss)) and 0 < loss < 10 and 0 <= acc <= 1
    assert model[1].weight.dtype == torch.float32  # the weights stay float32; only the compute is bfloat16
    assert not torch.equal(model[1].weight, before)


def test_fit_with_amp_true_on_a_cpu_trains(small_digits):
    torch.manual_seed(0)
    model = tiny_mlp()
    history = fit(model, loader(small_digits, n=128), loader(small_digits, n=64), epochs=2,
                  optimizer=torch.optim.SGD(model.parameters(), lr=0.1), criterion=nn.CrossEntropyLoss(),
                  device="cpu", amp=True, progress=False)
    assert history["epoch"] == [1, 2]
    assert all(0 < loss < 10 for loss in history["train_loss"] + history["val_loss"])


# --- GradScaler rules ---------------------------------------------------------------------------


def test_with_a_scaler_gradients_are_unscaled_then_clipped(small_digits):
    """Scaler + max_grad_norm: clip the true gradients (unscale_ first), never the scaled ones."""
    torch.manual_seed(0)
    model = tiny_mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    norms = record_grad_norms(optimizer)
    precision = Precision(device_type="cpu", dtype=torch.bfloat16, scaled=True)
    scaler = precision.make_scaler()
    loss, _ = train_one_epoch(model, CPU, loader(small_digits, n=128), optimizer, nn.CrossEntropyLoss(), log=quiet,
                              precision=precision, scaler=scaler, max_grad_norm=0.1)
    assert len(norms) == 4  # no step was skipped
    assert all(norm <= 0.1 + 1e-5 for norm in norms), norms  # scaled by 65536, they would be far above
    assert max(norms) > 0.1 - 1e-3
    assert scaler.get_scale() == 65536.0
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_a_per_batch_scheduler_waits_for_the_first_step_the_scaler_lets_through(small_digits):
    """An initial scale of 2**127 makes the first gradients inf: the scaler skips that step, so must OneCycleLR."""

    def criterion(outputs, targets):  # gradients above 2 (times 2**127) overflow float32
        return 1000 * F.cross_entropy(outputs, targets)

    torch.manual_seed(0)
    model = tiny_mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    norms = record_grad_norms(optimizer)
    scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=100)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**127)
    precision = Precision(device_type="cpu", dtype=torch.bfloat16, scaled=True)
    one_batch = loader(small_digits, n=32)
    before = [p.detach().clone() for p in model.parameters()]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        train_one_epoch(model, CPU, one_batch, optimizer, criterion, log=quiet,
                        precision=precision, scaler=scaler, scheduler=scheduler)
        assert norms == []  # skipped: inf gradients
        assert scheduler.last_epoch == 0
        assert scaler.get_scale() == 2.0**126
        assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))

        for _ in range(60):  # each skip halves the scale until the gradients fit in float32
            train_one_epoch(model, CPU, one_batch, optimizer, criterion, log=quiet,
                            precision=precision, scaler=scaler, scheduler=scheduler)
            if norms:
                break
    assert len(norms) == 1
    assert scheduler.last_epoch == 1  # stepped with the optimizer's first real step, not before
    assert not [w for w in caught if "lr_scheduler.step()" in str(w.message)]


# --- CUDA only ----------------------------------------------------------------------------------


class SyncFreeAfterFirstBatch:
    """Yields device batches; sync debug mode is 'error' from after batch 0's log line to the last batch's end."""

    def __init__(self, batches):
        self.batches = batches

    def __len__(self):
        return len(self.batches)

    def __iter__(self):
        yield from self.batches
        torch.cuda.set_sync_debug_mode(0)  # the epoch's end reads the loss once: that sync is intended


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_on_cuda_the_loop_does_not_sync_between_log_lines(small_digits):
    """Between log lines the loop keeps the loss on the GPU: no .item(), no host-device sync."""
    device = torch.device("cuda")
    torch.manual_seed(0)
    model = tiny_mlp().to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    images, labels = small_digits[0].to(device), small_digits[1].to(device)
    batches = [(images[i:i + 32], labels[i:i + 32]) for i in range(0, 256, 32)]

    def log(line):  # only batch 0 logs (log_interval is larger than the loader); its .item() is allowed
        torch.cuda.set_sync_debug_mode("error")

    try:
        loss, _ = train_one_epoch(model, device, SyncFreeAfterFirstBatch(batches), optimizer, nn.CrossEntropyLoss(),
                                  log_interval=1000, log=log, precision=resolve_amp(False, device))
    finally:
        torch.cuda.set_sync_debug_mode(0)
    assert 0 < loss < 10


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_true_on_cuda_is_float16_with_a_scaler():
    precision = resolve_amp(True, torch.device("cuda"))
    assert precision.dtype == torch.float16 and isinstance(precision.make_scaler(), torch.amp.GradScaler)
    assert resolve_amp("auto", torch.device("cuda")).dtype == torch.float16
