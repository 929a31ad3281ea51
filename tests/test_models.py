"""helpers.models: DigitClassifier's shapes and its dropout (lessons 01-02)."""

from __future__ import annotations

import pytest
import torch

from helpers.models import DigitClassifier


@pytest.mark.parametrize("n", [1, 5])
def test_output_is_logits_per_class(n):
    torch.manual_seed(0)
    model = DigitClassifier()
    out = model(torch.randn(n, 1, 28, 28))
    assert out.shape == (n, 10) and out.dtype == torch.float32
    assert not torch.allclose(out.sum(dim=1), torch.ones(n))  # raw scores, not probabilities
    assert DigitClassifier(num_classes=3, width=4)(torch.randn(n, 1, 28, 28)).shape == (n, 3)


def test_dropout_varies_in_train_mode_only():
    torch.manual_seed(0)
    model = DigitClassifier()
    x = torch.randn(8, 1, 28, 28)
    model.train()
    assert not torch.equal(model(x), model(x))
    model.eval()
    with torch.no_grad():
        assert torch.equal(model(x), model(x))


def test_gradients_reach_every_parameter():
    torch.manual_seed(0)
    model = DigitClassifier()
    torch.nn.functional.cross_entropy(model(torch.randn(4, 1, 28, 28)), torch.tensor([0, 1, 2, 3])).backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in model.parameters())
