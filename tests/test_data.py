"""helpers.data: the digits and MNIST splits, and the slicing TensorLoader (lessons 01-03)."""

from __future__ import annotations

import math
import struct

import pytest
import torch
from torch.utils.data import TensorDataset

from helpers.data import MNIST_MEAN, MNIST_STD, TensorLoader, get_loaders, load_dataset

# ---------------------------------------------------------------- digits


def test_digits_split_sizes_shapes_and_dtypes(digits):
    sizes = {name: len(ds) for name, ds in digits.items()}
    assert sizes == {"train": 1258, "val": 180, "test": 359}  # 70 / 10 / 20 of 1,797
    assert sum(sizes.values()) == 1797
    for images, labels in (ds.tensors for ds in digits.values()):
        assert images.shape[1:] == (1, 28, 28) and images.dtype == torch.float32
        assert labels.dtype == torch.int64 and labels.ndim == 1
        assert 0 <= labels.min() and labels.max() <= 9
        assert torch.isfinite(images).all()


def test_digits_train_is_normalised(digits):
    train = digits["train"].tensors[0]
    assert abs(train.mean().item()) < 1e-4
    assert train.std().item() == pytest.approx(1.0, abs=1e-4)
    for name in ("val", "test"):  # same statistics, applied to the other splits: close, not exact
        assert abs(digits[name].tensors[0].mean().item()) < 0.2


def test_digits_splits_partition_the_whole_dataset(digits):
    """Every one of the 1,797 images lands in exactly one split (duplicate images in digits allowed)."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    raw = torch.tensor(bunch.images, dtype=torch.float32).unsqueeze(1) / 16.0
    raw = torch.nn.functional.interpolate(raw, size=(28, 28), mode="bilinear", align_corners=False).flatten(1)
    got = torch.cat([digits[n].tensors[0] for n in ("train", "val", "test")]).flatten(1)
    labels = torch.cat([digits[n].tensors[1] for n in ("train", "val", "test")])
    # Undo the one affine normalisation (same mean/std for every split) using the stats of the whole set.
    scale = raw.std() / got.std()
    got = got * scale + (raw.mean() - scale * got.mean())
    # Compare as multisets: one random projection per image, sorted, together with its label.
    w = torch.randn(raw.shape[1], generator=torch.Generator().manual_seed(0))
    key_raw = raw @ w + 1000 * torch.tensor(bunch.target, dtype=torch.float32)
    key_got = got @ w + 1000 * labels.float()
    torch.testing.assert_close(key_got.sort().values, key_raw.sort().values, atol=1e-2, rtol=0)


def test_digits_split_depends_on_seed_only(digits):
    again = load_dataset("digits", seed=0)
    other = load_dataset("digits", seed=1)
    for name in digits:
        for a, b in zip(digits[name].tensors, again[name].tensors, strict=True):
            assert torch.equal(a, b)
    assert not torch.equal(digits["test"].tensors[1], other["test"].tensors[1])


def test_unknown_dataset_raises():
    with pytest.raises(ValueError, match="Unknown dataset 'cifar'"):
        load_dataset("cifar")
    with pytest.raises(ValueError, match="অজানা ডেটাসেট"):
        load_dataset("cifar", lang="bn")


# ---------------------------------------------------------------- TensorLoader


def index_loader(n: int = 50, **kwargs) -> TensorLoader:
    """A loader over (index, 10 * index): lets a test see which samples came, and that pairs stay paired."""
    idx = torch.arange(n)
    return TensorLoader(TensorDataset(idx, idx * 10), **kwargs)


def epoch_order(loader: TensorLoader) -> torch.Tensor:
    return torch.cat([x for x, _ in loader])


@pytest.mark.parametrize(("n", "bs"), [(50, 7), (50, 10), (50, 64), (1, 1), (0, 4)])
def test_len_is_number_of_batches(n, bs):
    loader = index_loader(n, batch_size=bs)
    assert len(loader) == math.ceil(n / bs)
    assert sum(1 for _ in loader) == len(loader)


def test_shuffled_epoch_yields_every_sample_once_and_keeps_pairs():
    loader = index_loader(50, batch_size=7, shuffle=True, seed=3)
    for _ in range(2):
        batches = list(loader)
        assert [len(x) for x, _ in batches] == [7] * 7 + [1]
        for x, y in batches:
            assert torch.equal(y, x * 10)
        assert torch.equal(torch.cat([x for x, _ in batches]).sort().values, torch.arange(50))


def test_same_seed_same_order_and_epochs_differ():
    a, b = (index_loader(50, batch_size=8, shuffle=True, seed=5) for _ in range(2))
    first_a, first_b = epoch_order(a), epoch_order(b)
    assert torch.equal(first_a, first_b)
    assert not torch.equal(first_a, torch.arange(50))
    second_a = epoch_order(a)
    assert not torch.equal(first_a, second_a)
    assert torch.equal(second_a, epoch_order(b))
    assert not torch.equal(first_a, epoch_order(index_loader(50, batch_size=8, shuffle=True, seed=6)))


def test_unshuffled_order_is_identity():
    loader = index_loader(23, batch_size=5)
    assert torch.equal(epoch_order(loader), torch.arange(23))
    assert torch.equal(epoch_order(loader), torch.arange(23))


def test_batch_size_change_takes_effect_at_next_batch():
    loader = index_loader(30, batch_size=4, shuffle=True, seed=0)
    sizes, seen = [], []
    for i, (x, _) in enumerate(loader):
        sizes.append(len(x))
        seen.append(x)
        if i == 0:
            loader.batch_size = 10
    assert sizes == [4, 10, 10, 6]
    assert torch.equal(torch.cat(seen).sort().values, torch.arange(30))
    assert len(loader) == 3  # and len follows the new size


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "8", None])
def test_invalid_batch_size_raises(bad):
    with pytest.raises(ValueError, match="batch_size must be a positive whole number"):
        index_loader(batch_size=bad)
    loader = index_loader(batch_size=4)
    with pytest.raises(ValueError):
        loader.batch_size = bad
    assert loader.batch_size == 4


def test_to_keeps_the_data():
    loader = index_loader(12, batch_size=5)
    before = [t.clone() for t in loader.dataset.tensors]
    assert loader.to("cpu") is loader
    for a, b in zip(before, loader.dataset.tensors, strict=True):
        assert torch.equal(a, b) and b.device.type == "cpu"
    assert torch.equal(epoch_order(loader), torch.arange(12))


def test_get_loaders(digits):
    train, val, test = get_loaders(batch_size=32, eval_batch_size=100, seed=0, device="cpu")
    assert (train.shuffle, val.shuffle, test.shuffle) == (True, False, False)
    assert (train.batch_size, val.batch_size, test.batch_size) == (32, 100, 100)
    for loader, name in zip((train, val, test), ("train", "val", "test"), strict=True):
        for a, b in zip(loader.dataset.tensors, digits[name].tensors, strict=True):
            assert torch.equal(a, b)
    assert len(train) == math.ceil(1258 / 32)


# ---------------------------------------------------------------- MNIST


def test_mnist_falls_back_to_digits_with_one_line(tmp_path, capsys, digits):
    splits = load_dataset("mnist", root=tmp_path, download=False)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("MNIST is not available here (")
    assert lines[0].endswith("using the built-in digits instead.")
    assert {n: len(ds) for n, ds in splits.items()} == {n: len(ds) for n, ds in digits.items()}
    assert torch.equal(splits["train"].tensors[0], digits["train"].tensors[0])

    load_dataset("mnist", root=tmp_path, download=False, lang="bn")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("এখানে MNIST পাওয়া গেল না (")


def write_idx(path, data: bytes, dims: tuple[int, ...]) -> None:
    """An uncompressed IDX file of unsigned bytes, as MNIST ships it (big-endian header)."""
    magic = 0x0800 + len(dims)  # 0x08: unsigned byte, then the number of dimensions
    path.write_bytes(struct.pack(f">{1 + len(dims)}i", magic, *dims) + data)


def fake_mnist(root, n_train: int = 120, n_test: int = 30) -> None:
    """Image i is filled with the value i (its id), its label is i % 10: pairs can be checked after shuffling."""
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for prefix, n, offset in (("train", n_train, 0), ("t10k", n_test, 200)):
        ids = [offset + i for i in range(n)]
        write_idx(raw / f"{prefix}-images-idx3-ubyte", b"".join(bytes([v]) * 784 for v in ids), (n, 28, 28))
        write_idx(raw / f"{prefix}-labels-idx1-ubyte", bytes(v % 10 for v in ids), (n,))


def ids_of(images: torch.Tensor) -> torch.Tensor:
    """Undo the MNIST normalisation and read back each image's id."""
    pixels = ((images * MNIST_STD + MNIST_MEAN) * 255).round().long()
    assert (pixels == pixels[:, :, :1, :1]).all()  # each image is one constant value
    return pixels[:, 0, 0, 0]


@pytest.fixture
def torchvision():
    """Skip a test that reads MNIST where torchvision is missing, or cannot be imported.

    A torchvision built for another torch (PyPI's CUDA wheel beside a CPU torch) fails at import with a
    RuntimeError ("operator torchvision::nms does not exist"), not an ImportError: that skips too, saying why.
    """
    try:
        import torchvision
    except Exception as error:  # any failure to import means: no MNIST here
        pytest.skip(f"torchvision cannot be imported: {type(error).__name__}: {str(error).splitlines()[0][:120]}")
    return torchvision


def test_mnist_loads_from_local_files(tmp_path, capsys, torchvision):
    fake_mnist(tmp_path)
    splits = load_dataset("mnist", root=tmp_path, download=False, seed=0)
    assert capsys.readouterr().out == ""  # no fallback message
    assert {n: len(ds) for n, ds in splits.items()} == {"train": 110, "val": 10, "test": 30}
    for images, labels in (ds.tensors for ds in splits.values()):
        assert images.shape[1:] == (1, 28, 28) and images.dtype == torch.float32
        assert labels.dtype == torch.int64
        assert torch.equal(labels, ids_of(images) % 10)  # labels still belong to their images
    train_ids = torch.cat([ids_of(splits["train"].tensors[0]), ids_of(splits["val"].tensors[0])])
    assert torch.equal(train_ids.sort().values, torch.arange(120))  # train/val partition the train file
    assert torch.equal(ids_of(splits["test"].tensors[0]), torch.arange(200, 230))  # test kept in order
    again = load_dataset("mnist", root=tmp_path, download=False, seed=0)
    assert torch.equal(again["val"].tensors[1], splits["val"].tensors[1])


def test_splits_and_loaders_name_the_data_they_really_hold(tmp_path, capsys):
    """After MNIST falls back, everything says 'digits', so the demo does not print 'mnist' over digits."""
    fallback = load_dataset("mnist", root=tmp_path, download=False)
    assert fallback.name == "digits"
    train, val, test = get_loaders("mnist", root=tmp_path / "empty", download=False)
    assert {train.name, val.name, test.name} == {"digits"}


def test_real_mnist_splits_and_loaders_are_named_mnist(tmp_path, torchvision):
    fake_mnist(tmp_path)
    assert load_dataset("mnist", root=tmp_path, download=False).name == "mnist"
    train, val, test = get_loaders("mnist", root=tmp_path, download=False)
    assert {train.name, val.name, test.name} == {"mnist"}
