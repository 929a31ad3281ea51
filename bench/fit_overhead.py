"""Does `helpers.fit` cost anything over a minimal hand-written loop? Seconds per epoch, side by side.

    python bench/fit_overhead.py [--epochs 12] [--device cpu|cuda]

Both train DigitClassifier on the built-in digits with Adam, batch 64, from the same initial weights,
and validate after every epoch. The hand loop is the lesson's code with nothing added. Runs alternate
(hand, fit, hand, fit, ...) so that a busy machine slows both alike; the median epoch time is reported.
Not run by the tests: numbers depend on the machine. Targets: overhead <= 2% on CPU, <= 3% on CUDA;
the mistake doctor's watch adds < 2%.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import torch

import helpers


def hand_loop(model, train_loader, val_loader, optimizer, criterion, device, epochs):
    """The plain loop of lessons 02-03, producing the same numbers fit reports (losses and accuracies), timed per epoch."""
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        model.train()
        running, correct, total = torch.zeros((), device=device), torch.zeros((), device=device), 0
        for data, targets in train_loader:
            data, targets = data.to(device), targets.to(device)
            optimizer.zero_grad(set_to_none=True)
            outputs = model(data)
            loss = criterion(outputs, targets)
            loss.backward()
            optimizer.step()
            running += loss.detach()
            correct += (outputs.argmax(dim=1) == targets).sum()
            total += targets.size(0)
        model.eval()
        val_loss, val_correct = torch.zeros((), device=device), torch.zeros((), device=device)
        with torch.no_grad():
            for data, targets in val_loader:
                data, targets = data.to(device), targets.to(device)
                outputs = model(data)
                val_loss += criterion(outputs, targets) * data.size(0)
                val_correct += (outputs.argmax(dim=1) == targets).sum()
        print(f"train {running.item() / len(train_loader):.4f} {correct.item() / total:.3f} "
              f"val {val_loss.item():.4f} {val_correct.item():.0f}", end="\r")
        seconds.append(time.perf_counter() - start)
    return seconds


def fit_loop(model, train_loader, val_loader, optimizer, criterion, device, epochs, *, watch=True):
    history = helpers.fit(model, train_loader, val_loader, epochs=epochs, optimizer=optimizer, criterion=criterion,
                          device=device, amp=False, log_interval=None, progress=False, watch=watch)
    return history["seconds"]


def fit_without_watch(*args):
    return fit_loop(*args, watch=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--device", default=None)
    args = parser.parse_args()
    device = helpers.get_device(args.device)
    criterion = torch.nn.CrossEntropyLoss()
    runs = {"hand-written loop": hand_loop, "helpers.fit, watch off": fit_without_watch,
            "helpers.fit (mistake doctor watching)": fit_loop}
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.rounds):
        for name, run in runs.items():
            helpers.seed_everything(0)
            train_loader, val_loader, _ = helpers.get_loaders(batch_size=64, device=device)
            model = helpers.DigitClassifier().to(device)
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
            seconds = run(model, train_loader, val_loader, optimizer, criterion, device, args.epochs)
            times[name].extend(seconds[1:])  # the first epoch warms up caches and kernels
    medians = {name: statistics.median(v) for name, v in times.items()}
    hand = medians["hand-written loop"]
    name = torch.cuda.get_device_name() if device.type == "cuda" else platform.processor() or platform.machine()
    print(f"device: {device} ({name}), {torch.get_num_threads()} CPU threads, torch {torch.__version__}")
    print("| loop | median s/epoch | ratio to hand-written |\n|---|---:|---:|")
    for run_name, median in medians.items():
        print(f"| {run_name} | {median:.4f} | {median / hand:.3f} |")


if __name__ == "__main__":
    main()
