"""Data for the course: preloaded tensors, batched by slicing (lessons 01-02).

The default is scikit-learn's bundled handwritten digits (1,797 images, 8x8), which
needs no network, upscaled once to MNIST's 1x28x28 shape. Real MNIST comes through
torchvision when its files are cached or can be downloaded; otherwise we fall back
to the digits with a one-line message.
"""

from __future__ import annotations

import math
import socket
from collections.abc import Iterator
from pathlib import Path

import torch
from torch.utils.data import TensorDataset

from .checks import is_whole
from .i18n import first_line, register, t

DEFAULT_ROOT = Path.home() / ".cache" / "training-loop-course"
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081
DOWNLOAD_TIMEOUT_S = 15  # never let a lesson hang on a slow or closed network


class TensorLoader:
    """A DataLoader for tensors already in memory: shuffles with a seeded permutation and slices (lesson 02).

    Slicing preloaded tensors is far faster than a per-sample pipeline, and it lets
    `batch_size` change between batches (the playground uses that).
    """

    def __init__(self, dataset: TensorDataset, *, batch_size: int = 64, shuffle: bool = False, seed: int = 0,
                 name: str = ""):
        self.dataset = dataset
        self.name = name  # which data this is, e.g. "digits" after MNIST fell back to them
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = torch.Generator().manual_seed(seed)

    @property
    def batch_size(self) -> int:
        return self._batch_size

    @batch_size.setter
    def batch_size(self, value: int) -> None:
        if not is_whole(value, 1):
            raise ValueError(t("data.bad_batch_size", value=value))
        self._batch_size = value

    def __len__(self) -> int:
        return math.ceil(len(self.dataset) / self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, ...]]:
        tensors = self.dataset.tensors
        n = len(self.dataset)
        order = torch.randperm(n, generator=self.generator) if self.shuffle else None
        start = 0
        while start < n:
            stop = min(start + self.batch_size, n)  # read each time: the size may change mid-epoch
            if order is None:
                yield tuple(x[start:stop] for x in tensors)
            else:
                index = order[start:stop].to(tensors[0].device)
                yield tuple(x[index] for x in tensors)
            start = stop

    def to(self, device: torch.device | str) -> TensorLoader:
        """Move the whole dataset to `device` once, so no batch is copied during training (lesson 02)."""
        self.dataset = TensorDataset(*(x.to(device) for x in self.dataset.tensors))
        return self


def _split(images: torch.Tensor, labels: torch.Tensor, *, val_fraction: float, test_fraction: float, seed: int):
    """Shuffle once with `seed`, then cut train / validation / test (lesson 03)."""
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(seed))
    n_test = round(len(labels) * test_fraction)
    n_val = round(len(labels) * val_fraction)
    parts = {"test": order[:n_test], "val": order[n_test : n_test + n_val], "train": order[n_test + n_val :]}
    return {name: (images[idx], labels[idx]) for name, idx in parts.items()}


class Splits(dict):
    """{"train": ..., "val": ..., "test": ...} TensorDatasets, plus `name`: the data they really hold."""

    def __init__(self, name: str, **splits: TensorDataset):
        super().__init__(splits)
        self.name = name


def _digits(seed: int) -> Splits:
    """scikit-learn's 8x8 digits as normalised 1x28x28 tensors, split 70/10/20."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = torch.tensor(bunch.images, dtype=torch.float32).unsqueeze(1) / 16.0
    # Upscale once, here, instead of per sample in every epoch.
    images = torch.nn.functional.interpolate(images, size=(28, 28), mode="bilinear", align_corners=False)
    labels = torch.tensor(bunch.target, dtype=torch.long)
    parts = _split(images, labels, val_fraction=0.1, test_fraction=0.2, seed=seed)
    mean, std = parts["train"][0].mean(), parts["train"][0].std()  # statistics of train only
    return Splits("digits", **{name: TensorDataset((x - mean) / std, y) for name, (x, y) in parts.items()})


def _mnist(root: Path, download: bool, seed: int) -> Splits:
    """torchvision's MNIST as normalised tensors: 55,000 train / 5,000 val / 10,000 test."""
    from torchvision.datasets import MNIST  # heavy: imported only when MNIST is asked for

    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)
    try:
        train, test = (MNIST(str(root), train=flag, download=download) for flag in (True, False))
    finally:
        socket.setdefaulttimeout(previous)

    def scale(images: torch.Tensor) -> torch.Tensor:
        return ((images.float() / 255.0 - MNIST_MEAN) / MNIST_STD).unsqueeze(1)

    order = torch.randperm(len(train.targets), generator=torch.Generator().manual_seed(seed))
    n_val = len(order) // 12
    val_idx, train_idx = order[:n_val], order[n_val:]
    return Splits(
        "mnist",
        train=TensorDataset(scale(train.data[train_idx]), train.targets[train_idx]),
        val=TensorDataset(scale(train.data[val_idx]), train.targets[val_idx]),
        test=TensorDataset(scale(test.data), test.targets),
    )


def load_dataset(
    name: str = "digits",
    *,
    root: str | Path = DEFAULT_ROOT,
    download: bool = True,
    seed: int = 0,
    lang: str | None = None,
) -> Splits:
    """Train / val / test splits of 'digits' (offline) or 'mnist' (falls back to digits) (lesson 01)."""
    if name == "digits":
        return _digits(seed)
    if name != "mnist":
        raise ValueError(t("data.unknown", lang, name=name))
    try:
        return _mnist(Path(root), download, seed)
    except Exception as error:  # no torchvision, no files, no network: all end the same way
        print(t("data.mnist_fallback", lang, reason=first_line(error)))
        return _digits(seed)


def get_loaders(
    name: str = "digits",
    *,
    batch_size: int = 64,
    eval_batch_size: int = 500,
    seed: int = 0,
    device: torch.device | str | None = None,
    root: str | Path = DEFAULT_ROOT,
    download: bool = True,
    lang: str | None = None,
) -> tuple[TensorLoader, TensorLoader, TensorLoader]:
    """Train (shuffled), validation and test loaders over preloaded tensors (lesson 02)."""
    splits = load_dataset(name, root=root, download=download, seed=seed, lang=lang)
    loaders = (
        TensorLoader(splits["train"], batch_size=batch_size, shuffle=True, seed=seed, name=splits.name),
        TensorLoader(splits["val"], batch_size=eval_batch_size, name=splits.name),
        TensorLoader(splits["test"], batch_size=eval_batch_size, name=splits.name),
    )
    if device is not None:
        for loader in loaders:
            loader.to(device)
    return loaders


MESSAGES: dict[str, dict[str, str]] = {
    "data.mnist_fallback": {
        "en": "MNIST is not available here ({reason}); using the built-in digits instead.",
        "bn": "এখানে MNIST পাওয়া গেল না ({reason}); তার বদলে বিল্ট-ইন অঙ্কের ডেটা (digits) ব্যবহার করছি।",
    },
    "data.unknown": {
        "en": "Unknown dataset {name!r}: use 'digits' or 'mnist'.",
        "bn": "অজানা ডেটাসেট {name!r}: 'digits' অথবা 'mnist' দাও।",
    },
    "data.bad_batch_size": {
        "en": "batch_size must be a positive whole number, got {value!r}.",
        "bn": "batch_size-কে একটি ধনাত্মক পূর্ণসংখ্যা হতে হবে, পাওয়া গেল {value!r}।",
    },
}
register(MESSAGES)
