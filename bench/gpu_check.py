"""Everything the course wants to know from one run on a CUDA GPU, in one go (the "CUDA path measured" issue).

    python bench/gpu_check.py [--out DIR]

1. pytest of the CUDA-only tests and of tests/test_engine.py and tests/test_amp.py, on the GPU;
2. host-device synchronisations of `fit` epochs with AMP, clipping and accumulation, counted by
   torch.cuda.set_sync_debug_mode("warn"): an epoch four times as long must not sync more often;
3. benchmarks: bench/fit_overhead.py on cuda; AMP on against off (seconds per epoch, peak memory);
   one epoch of 60,000 MNIST-sized images (random tensors: the GPU machine has no internet) through a
   small two-convolution network of the size the fastest known MNIST loops use, data preloaded on the GPU;
4. lesson 07 executed on the GPU (into --out, the committed notebooks are left alone), to compare its
   AMP cells' outputs with the prose.
Prints a Markdown report for the README. Not run by the tests.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import warnings
from pathlib import Path

import torch
from torch import nn

import helpers
from helpers.data import TensorLoader

ROOT = Path(__file__).resolve().parents[1]


class FastMNISTNet(nn.Module):
    """Two convolutions (24 and 32 channels) with pooling, then two linear layers: about 0.2 M weights."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 24, 5), nn.MaxPool2d(2), nn.ReLU(),
                                      nn.Conv2d(24, 32, 3), nn.MaxPool2d(2), nn.ReLU(), nn.Flatten())
        self.head = nn.Sequential(nn.Linear(32 * 5 * 5, 256), nn.ReLU(), nn.Linear(256, 10))

    def forward(self, x):
        return self.head(self.features(x))


def random_images(n: int, *, device) -> TensorLoader:
    """n random 1x28x28 images with labels, preloaded on the device, batch 512, shuffled."""
    generator = torch.Generator().manual_seed(0)
    data = torch.utils.data.TensorDataset(torch.randn(n, 1, 28, 28, generator=generator),
                                          torch.randint(0, 10, (n,), generator=generator))
    return TensorLoader(data, batch_size=512, shuffle=True).to(device)


def run_tests() -> str:
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
                           "tests/test_engine.py", "tests/test_amp.py", "tests/test_loop.py", "-rs"],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    return f"exit {done.returncode}\n" + done.stdout[-3000:]


def count_syncs(batches: int, device) -> int:
    """Synchronisations PyTorch reports during one fit epoch of `batches` batches with AMP, clipping, accumulation."""
    helpers.seed_everything(0)
    model = FastMNISTNet().to(device)
    train, val = random_images(512 * batches, device=device), random_images(1024, device=device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.cuda.set_sync_debug_mode("warn")
        try:
            helpers.fit(model, train, val, epochs=1, optimizer=optimizer, criterion=nn.CrossEntropyLoss(), device=device,
                        amp=True, max_grad_norm=1.0, accumulation_steps=2, log_interval=None, progress=False,
                        watch=False)
        finally:
            torch.cuda.set_sync_debug_mode(0)
    return sum("synchroniz" in str(w.message) for w in caught)


def epoch_seconds(model, loader, *, amp: bool, device, epochs: int = 3) -> tuple[float, float]:
    """Median seconds per epoch (train + validation) and peak memory in MiB, for AMP on or off."""
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    torch.cuda.reset_peak_memory_stats()
    history = helpers.fit(model, loader, loader, epochs=epochs, optimizer=optimizer, criterion=nn.CrossEntropyLoss(),
                          device=device, amp=amp, log_interval=None, progress=False)
    torch.cuda.synchronize()
    return sorted(history["seconds"][1:])[len(history["seconds"][1:]) // 2], torch.cuda.max_memory_allocated() / 2**20


def run_lesson_07(out: Path) -> str:
    import nbformat
    from nbclient import NotebookClient

    path = ROOT / "notebooks" / "en" / "07_amp_clipping_accumulation_en.ipynb"
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, resources={"metadata": {"path": str(ROOT)}}).execute()
    out.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, out / path.name)
    texts = ["".join(o.get("text", "") for o in cell.get("outputs", [])) for cell in notebook.cells
             if cell.cell_type == "code"]
    return "\n---\n".join(text for text in texts if any(w in text for w in ("scale", "ms per step", "MiB", "relative")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("gpu-check"))
    args = parser.parse_args()
    if not torch.cuda.is_available():
        sys.exit("No CUDA GPU here: this script is for a machine with one.")
    device = torch.device("cuda")
    print(f"# GPU check: {torch.cuda.get_device_name()}, torch {torch.__version__}, {time.strftime('%Y-%m-%d')}\n")
    print("## 1. Tests on the GPU\n```\n" + run_tests() + "\n```\n")
    short, long = count_syncs(8, device), count_syncs(32, device)
    print(f"## 2. Synchronisations in one fit epoch (AMP, clipping, accumulation 2)\n\n8 batches: {short}, "
          f"32 batches: {long} ({'none per step' if long <= short else 'MORE with more steps: a per-step sync'})\n")
    print("## 3. Benchmarks\n```")
    done = subprocess.run([sys.executable, "bench/fit_overhead.py", "--device", "cuda"], cwd=ROOT, capture_output=True,
                          text=True, timeout=1200)
    print(done.stdout[-3000:] + "```\n")
    print("| network, 60,000 images of 28x28, batch 512 | AMP | s/epoch | peak MiB |\n|---|---|---:|---:|")
    for amp in (False, True):
        helpers.seed_everything(0)
        seconds, peak = epoch_seconds(FastMNISTNet().to(device), random_images(60_000, device=device), amp=amp,
                                      device=device)
        print(f"| two-convolution net (FastMNISTNet) | {'on' if amp else 'off'} | {seconds:.3f} | {peak:.0f} |")
    print("\n## 4. Lesson 07's AMP cells on the GPU\n```\n" + run_lesson_07(args.out) + "\n```")


if __name__ == "__main__":
    main()
