"""Shared fixtures for the helpers tests."""

from __future__ import annotations

import pytest
import torch

from helpers.i18n import get_language, set_language


@pytest.fixture(autouse=True, scope="session")
def one_cpu_thread():
    """Tiny models run fastest on one thread: with two, a busy second core can make each step 100x slower.
    (pytest-xdist runs one such process per core.)"""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(autouse=True)
def english_afterwards():
    """Every test starts in English and leaves `helpers` in English, whatever it switched to."""
    set_language("en")
    yield
    set_language("en")
    assert get_language() == "en"


@pytest.fixture(scope="session")
def digits():
    """The digits splits with seed 0, loaded once; tests must not modify the tensors."""
    from helpers.data import load_dataset

    return load_dataset("digits", seed=0)


@pytest.fixture(scope="session")
def small_digits(digits):
    """The first 256 training images and labels: small enough for a two-epoch run in a second."""
    images, labels = digits["train"].tensors
    return images[:256].clone(), labels[:256].clone()
