"""helpers.device: choosing a device and seeding (lessons 01 and 08)."""

from __future__ import annotations

import os
import random

import numpy as np
import pytest
import torch

from helpers.device import available_devices, get_device, seed_everything


def expected_best() -> str:
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    return "mps" if mps is not None and mps.is_available() else "cpu"


def test_default_device_is_the_best_available():
    assert get_device() == torch.device(expected_best())
    assert available_devices()[0] == expected_best()
    assert available_devices()[-1] == "cpu"


def test_cpu_can_always_be_asked_for():
    assert get_device("cpu") == torch.device("cpu")
    assert torch.zeros(1, device=get_device("cpu")).device.type == "cpu"


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_missing_cuda_raises_value_error_in_chosen_language():
    with pytest.raises(ValueError, match=r"'cuda'.*available: .*cpu"):
        get_device("cuda")
    with pytest.raises(ValueError, match="ডিভাইস 'cuda' এখানে নেই"):
        get_device("cuda", lang="bn")


@pytest.fixture
def restore_determinism(monkeypatch):
    """Undo what seed_everything changes globally: env variables, cudnn flags, deterministic algorithms."""
    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    monkeypatch.delenv("CUBLAS_WORKSPACE_CONFIG", raising=False)
    before = (torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark,
              torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled())
    yield
    torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = before[:2]
    torch.use_deterministic_algorithms(before[2], warn_only=before[3])


def draw() -> tuple:
    return torch.rand(5), random.random(), np.random.rand(3)


def test_seed_everything_repeats_torch_python_and_numpy(restore_determinism):
    seed_everything(123)
    first = draw()
    seed_everything(123)
    second = draw()
    assert torch.equal(first[0], second[0])
    assert first[1] == second[1]
    np.testing.assert_array_equal(first[2], second[2])
    seed_everything(124)
    other = draw()
    assert not torch.equal(first[0], other[0]) and first[1] != other[1]
    assert not np.array_equal(first[2], other[2])


def test_seed_everything_does_not_touch_determinism_by_default(restore_determinism):
    torch.use_deterministic_algorithms(False)
    seed_everything(0)
    assert not torch.are_deterministic_algorithms_enabled()


def test_deterministic_sets_cudnn_flags_and_algorithms(restore_determinism):
    torch.backends.cudnn.benchmark = True
    seed_everything(0, deterministic=True)
    assert torch.backends.cudnn.deterministic is True
    assert torch.backends.cudnn.benchmark is False
    assert torch.are_deterministic_algorithms_enabled()
    assert torch.is_deterministic_algorithms_warn_only_enabled()
    assert os.environ["CUBLAS_WORKSPACE_CONFIG"] == ":4096:8"
    assert os.environ["PYTHONHASHSEED"] == "0"
