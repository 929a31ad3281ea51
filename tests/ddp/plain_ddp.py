"""A learner's plain PyTorch DDP loop, as PyTorch's own recipe writes it: no helpers in the training (lesson 11).

DistributedSampler + DistributedDataParallel + `sampler.set_epoch(epoch)` for `epoch` in `range(n)`. Also the model
and data that tests/ddp/check_fit.py gives `helpers.fit`, so that tests/test_distributed.py can check that fit under
torchrun ends exactly where this loop ends. Run alone, each rank writes its weights and history to OUT:
    torchrun --standalone --nproc_per_node=2 tests/ddp/plain_ddp.py --out DIR
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from helpers.data import load_dataset  # the data only: the built-in digits, offline

EPOCHS, BATCH, VAL_BATCH, LR, N_TRAIN = 3, 16, 50, 0.01, 256


def mlp(dropout: float = 0.0) -> nn.Module:
    """The same tiny model on every rank: seeded here, and DDP copies rank 0's weights anyway."""
    torch.manual_seed(0)
    return nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 32), nn.ReLU(), nn.Dropout(dropout), nn.Linear(32, 10))


def data() -> tuple[TensorDataset, TensorDataset]:
    """256 training digits (128 per rank, 8 batches of 16) and the 180 validation digits (90 per rank)."""
    splits = load_dataset("digits", seed=0)
    images, labels = splits["train"].tensors
    return TensorDataset(images[:N_TRAIN], labels[:N_TRAIN]), splits["val"]


def train(epochs: int = EPOCHS) -> tuple[nn.Module, dict[str, list[float]]]:
    """PyTorch's DDP recipe on the CPU (gloo): returns the DDP model and the validation numbers of each epoch."""
    train_set, val_set = data()
    model = DistributedDataParallel(mlp())
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    criterion = nn.CrossEntropyLoss()
    sampler = DistributedSampler(train_set, shuffle=True, seed=0)
    train_loader = DataLoader(train_set, batch_size=BATCH, sampler=sampler)
    val_loader = DataLoader(val_set, batch_size=VAL_BATCH, sampler=DistributedSampler(val_set, shuffle=False))
    history: dict[str, list[float]] = {"val_loss": [], "val_acc": []}
    for epoch in range(epochs):
        sampler.set_epoch(epoch)  # a new shuffle every epoch, the same on every rank
        model.train()
        for inputs, targets in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(inputs), targets)
            loss.backward()  # DDP averages the gradients over the ranks here
            optimizer.step()
        model.eval()
        loss_sum, hits, seen = 0.0, 0, 0
        with torch.no_grad():
            for inputs, targets in val_loader:
                outputs = model(inputs)
                loss_sum += criterion(outputs, targets).item() * inputs.size(0)
                hits += (outputs.argmax(dim=1) == targets).sum().item()
                seen += targets.size(0)
        totals = torch.tensor([loss_sum, hits, seen], dtype=torch.float64)
        dist.all_reduce(totals)  # each rank validated its share: add them up
        history["val_loss"].append(totals[0].item() / totals[2].item())
        history["val_acc"].append(totals[1].item() / totals[2].item())
    return model, history


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    dist.init_process_group("gloo")
    model, history = train()
    torch.save({"weights": model.module.state_dict(), "history": history},
               args.out / f"plain_rank{dist.get_rank()}.pt")
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
