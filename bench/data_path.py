"""How fast can each data path feed the loop? Samples per second for one epoch over the digits.

    python bench/data_path.py

Compares a per-sample torchvision-style pipeline (PIL image -> ToTensor -> Normalize in __getitem__),
a TensorDataset in a DataLoader, and helpers' TensorLoader (slicing preloaded tensors).
Not run by the tests: numbers depend on the machine.
"""

from __future__ import annotations

import platform
import time

import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset

import helpers


class PerSampleDigits(Dataset):
    """The usual image pipeline: each sample is converted and normalised when it is asked for."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor):
        from PIL import Image
        from torchvision import transforms

        self.images = [Image.fromarray((img.squeeze(0) * 255).clamp(0, 255).byte().numpy()) for img in images]
        self.labels = labels.tolist()
        self.transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int):
        return self.transform(self.images[i]), self.labels[i]


def samples_per_second(loader, n: int, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _batch in loader:
            pass
        best = min(best, time.perf_counter() - start)
    return n / best


def main() -> None:
    train = helpers.load_dataset("digits")["train"]
    images, labels = train.tensors
    n = len(labels)
    paths = {
        "per-sample PIL -> ToTensor -> Normalize, DataLoader":
            DataLoader(PerSampleDigits(images, labels), batch_size=64, shuffle=True),
        "TensorDataset in a DataLoader": DataLoader(TensorDataset(images, labels), batch_size=64, shuffle=True),
        "helpers.TensorLoader (preloaded, sliced)": helpers.TensorLoader(train, batch_size=64, shuffle=True),
    }
    print(f"machine: {platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}; {n} samples, batch 64")
    print("| data path | samples/s |\n|---|---:|")
    for name, loader in paths.items():
        print(f"| {name} | {samples_per_second(loader, n):,.0f} |")


if __name__ == "__main__":
    main()
