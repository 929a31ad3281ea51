"""helpers.loop: train_one_epoch and validate, tested against the plain loops the syllabus teaches."""

from __future__ import annotations

import re

import pytest
import torch
from torch import nn
from torch.utils.data import TensorDataset

from helpers.data import TensorLoader
from helpers.i18n import set_language
from helpers.loop import train_one_epoch, validate
from helpers.models import DigitClassifier
from helpers.syllabus import train_one_epoch as syllabus_train_one_epoch  # lesson 02's 18 lines, checked verbatim

DEVICE = torch.device("cpu")
BATCH_LINE = re.compile(r"^Batch +\d+/ +\d+ \| Loss: \d+\.\d{4}$")


def syllabus_validate(model, loader, criterion, device):
    """The syllabus's validate (seed 002), verbatim."""
    model.eval()
    running_loss = 0.0
    correct = 0
    with torch.no_grad():
        for inputs, targets in loader:
            inputs, targets = inputs.to(device), targets.to(device)
            outputs = model(inputs)
            loss = criterion(outputs, targets)
            running_loss += loss.item() * inputs.size(0)
            preds = outputs.argmax(dim=1)
            correct += (preds == targets).sum().item()
    acc = correct / len(loader.dataset)
    return running_loss / len(loader.dataset), acc


def run(train_fn, data, *, epochs=2, batch_size=32, **kwargs):
    """Seed, build model, optimizer and loader identically, train `epochs` epochs; return model and results."""
    torch.manual_seed(0)
    model = DigitClassifier().to(DEVICE).eval()  # the loop itself must switch dropout on
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = TensorLoader(TensorDataset(*data), batch_size=batch_size, shuffle=True, seed=7)
    results = [train_fn(model, DEVICE, loader, optimizer, nn.CrossEntropyLoss(), 100, **kwargs)
               for _ in range(epochs)]
    return model, results


def test_train_one_epoch_matches_the_syllabus_loop_bitwise(small_digits, capsys):
    ours, our_results = run(train_one_epoch, small_digits, log=lambda line: None)
    ref, ref_results = run(syllabus_train_one_epoch, small_digits)
    capsys.readouterr()
    ref_state = ref.state_dict()
    for name, tensor in ours.state_dict().items():
        assert torch.equal(tensor, ref_state[name]), name
    for (loss, acc), (ref_loss, ref_acc) in zip(our_results, ref_results, strict=True):
        assert loss == pytest.approx(ref_loss, rel=1e-5)
        assert acc == ref_acc
    assert our_results[1][0] < our_results[0][0]  # it learns: the second epoch's loss is lower


def test_logs_every_log_interval_batches(small_digits, capsys):
    model, _ = run(train_one_epoch, small_digits, epochs=1, batch_size=32)  # 8 batches, log_interval 100
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and BATCH_LINE.match(lines[0]) and lines[0].startswith("Batch     0/    8 |")

    lines = []
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loader = TensorLoader(TensorDataset(*small_digits), batch_size=32)
    train_one_epoch(model, DEVICE, loader, optimizer, nn.CrossEntropyLoss(), 3, log=lines.append)
    assert capsys.readouterr().out == ""  # a log= callback replaces print
    assert [int(line.split()[1].split("/")[0]) for line in lines] == [0, 3, 6]
    assert all(BATCH_LINE.match(line) and "/    8 |" in line for line in lines)


def test_logs_in_bengali(small_digits):
    set_language("bn")
    lines = []
    model = DigitClassifier()
    loader = TensorLoader(TensorDataset(*small_digits), batch_size=64)
    train_one_epoch(model, DEVICE, loader, torch.optim.SGD(model.parameters(), lr=0.01), nn.CrossEntropyLoss(), 2,
                    log=lines.append)
    assert len(lines) == 2
    assert all(re.match(r"^ব্যাচ +\d+/ +4 \| লস: \d+\.\d{4}$", line) for line in lines)


def test_empty_loader_returns_zeros_and_leaves_model_alone():
    model = DigitClassifier()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    empty = TensorLoader(TensorDataset(torch.zeros(0, 1, 28, 28), torch.zeros(0, dtype=torch.long)))
    optimizer = torch.optim.Adam(model.parameters())
    assert train_one_epoch(model, DEVICE, empty, optimizer, nn.CrossEntropyLoss(), log=print) == (0.0, 0.0)
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())
    assert validate(model, empty, nn.CrossEntropyLoss(), DEVICE) == (0.0, 0.0)


@pytest.fixture
def trained_model(small_digits):
    torch.manual_seed(1)
    model = DigitClassifier()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    train_one_epoch(model, DEVICE, TensorLoader(TensorDataset(*small_digits), batch_size=32, shuffle=True),
                    optimizer, nn.CrossEntropyLoss(), log=lambda line: None)
    model.zero_grad(set_to_none=True)
    return model


def test_validate_matches_hand_computation_and_syllabus(trained_model, digits):
    images, labels = digits["val"].tensors
    trained_model.eval()
    with torch.no_grad():
        logits = trained_model(images)
    expected_loss = nn.functional.cross_entropy(logits, labels, reduction="sum").item() / len(labels)
    expected_acc = (logits.argmax(dim=1) == labels).sum().item() / len(labels)

    trained_model.train()
    loader = TensorLoader(digits["val"], batch_size=64)
    loss, acc = validate(trained_model, loader, nn.CrossEntropyLoss(), DEVICE)
    assert not trained_model.training  # validate leaves the model in eval mode
    assert loss == pytest.approx(expected_loss, rel=1e-6)
    assert acc == expected_acc
    ref_loss, ref_acc = syllabus_validate(trained_model, loader, nn.CrossEntropyLoss(), DEVICE)
    assert loss == pytest.approx(ref_loss, rel=1e-6) and acc == ref_acc
    assert 0.2 < acc < 1.0  # a real, partly trained model: the comparison is not trivially 0 or 1


def test_validate_builds_no_graph(trained_model, digits):
    seen = []

    def criterion(outputs, targets):
        seen.append((torch.is_grad_enabled(), outputs.requires_grad))
        return nn.functional.cross_entropy(outputs, targets)

    validate(trained_model, TensorLoader(digits["val"], batch_size=100), criterion, DEVICE)
    assert seen == [(False, False), (False, False)]
    assert all(p.grad is None for p in trained_model.parameters())
    assert torch.is_grad_enabled()  # and grad mode is back on afterwards


def test_validate_weights_a_short_last_batch(trained_model, digits):
    full = validate(trained_model, TensorLoader(digits["val"], batch_size=len(digits["val"])), nn.CrossEntropyLoss(),
                    DEVICE)
    ragged = validate(trained_model, TensorLoader(digits["val"], batch_size=7), nn.CrossEntropyLoss(), DEVICE)
    assert len(digits["val"]) % 7 != 0  # 180 = 25 * 7 + 5: the last batch is short
    assert ragged[0] == pytest.approx(full[0], rel=1e-6)
    assert ragged[1] == full[1]
