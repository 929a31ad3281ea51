"""Run under torchrun by tests/test_distributed.py: helpers.fit and the mistake doctor with 2 gloo processes.

Each rank writes what it saw to OUT/<mode>_rank<r>.pt; the test compares the ranks with each other, with
PyTorch's own DDP recipe written by hand (tests/ddp/plain_ddp.py, run in the same launch), and with one plain
PyTorch process on the union of the ranks' batches (lesson 11).
    torchrun --standalone --nproc_per_node=2 tests/ddp/check_fit.py --out DIR [--mode main|nodes]
"""

from __future__ import annotations

import argparse
import contextlib
import io
from pathlib import Path

import plain_ddp
import torch
from plain_ddp import BATCH, EPOCHS, LR, VAL_BATCH, data, mlp  # the same model and data as the plain DDP loop
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import TensorDataset

import helpers.engine
from helpers import distributed
from helpers.doctor import Watch, check_setup, explain_error
from helpers.engine import EarlyStopping, fit
from helpers.loop import train_one_epoch, validate


def train_fit(device, *, dropout=0.0, epochs=EPOCHS, **options):
    """fit on a DDP model with DistributedSampler loaders, as a learner's script would call it."""
    train, val = data()
    model = distributed.wrap(mlp(dropout), device)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    history = fit(model, distributed.loader(train, batch_size=BATCH, shuffle=True, seed=0),
                  distributed.loader(val, batch_size=VAL_BATCH), epochs=epochs, optimizer=optimizer,
                  criterion=nn.CrossEntropyLoss(), device=device, progress=False, **options)
    return model, dict(history)


def weights(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in distributed.unwrap(model).state_dict().items()}


def count_saves() -> list[int]:
    """Replace the engine's save_checkpoint by one that counts its calls on this rank."""
    calls = [0]
    original = helpers.engine.save_checkpoint

    def counted(path, state):
        calls[0] += 1
        return original(path, state)

    helpers.engine.save_checkpoint = counted
    return calls


def doctor_cases(device) -> dict[str, list[str]]:
    """Each DDP mistake in a hand-written loop, and the correct loop, as the doctor sees them."""
    train, _ = data()
    found = {}
    for name, calls_set_epoch in (("no_set_epoch", False), ("set_epoch", True)):
        model = distributed.wrap(mlp(), device)
        optimizer = torch.optim.SGD(model.parameters(), lr=LR)
        loader = distributed.loader(train, batch_size=BATCH, shuffle=True)
        with Watch(model, optimizer, nn.CrossEntropyLoss(), loaders=(loader,), say=lambda _: None) as watch:
            for epoch in range(2):
                if calls_set_epoch:
                    loader.sampler.set_epoch(epoch)
                train_one_epoch(model, device, loader, optimizer, nn.CrossEntropyLoss(), log=None)
        found[name] = [f.code for f in watch.findings]
    plain = mlp().to(device)
    found["unwrapped"] = [f.code for f in check_setup(plain, torch.optim.SGD(plain.parameters(), lr=LR))]
    wrapped = distributed.wrap(mlp(), device)
    found["wrapped"] = [f.code for f in check_setup(wrapped, torch.optim.SGD(wrapped.parameters(), lr=LR))]
    try:
        DistributedDataParallel(mlp(), device_ids=[0])
        found["device_ids"] = []
    except ValueError as error:
        found["device_ids"] = [explain_error(error, lang="en") or "", explain_error(error, lang="bn") or ""]
    return found


def main_checks(out: Path, device) -> dict:
    """Everything the test reads from the standalone run: weights, histories, saves, resumes, nan, doctor."""
    result = {}
    saves = count_saves()
    model, result["history"] = train_fit(device, checkpoint=out / "a.pt")
    result["weights"], result["saves"] = weights(model), saves[0]
    _, val = data()
    result["validate"] = validate(model, distributed.loader(val, batch_size=VAL_BATCH), nn.CrossEntropyLoss(), device)
    plain, result["plain_history"] = plain_ddp.train()  # PyTorch's own DDP recipe, written by hand
    result["plain"] = weights(plain)

    # Interrupted after 2 epochs and resumed to 3, against 3 epochs in one go; dropout draws per-rank numbers.
    model, _ = train_fit(device, dropout=0.25, epochs=2, checkpoint=out / "b.pt")
    model, result["resumed_history"] = train_fit(device, dropout=0.25, checkpoint=out / "b.pt", resume=True)
    result["resumed"] = weights(model)
    model, result["straight_history"] = train_fit(device, dropout=0.25)
    result["straight"] = weights(model)

    _, result["early_history"] = train_fit(device, epochs=5, early_stopping=EarlyStopping(patience=1, min_delta=10.0))

    # One nan sample: the rank whose share holds it meets a nan loss, and both ranks must stop together.
    train, val = data()
    images = train.tensors[0].clone()
    images[37] = float("nan")
    model = distributed.wrap(mlp(), device)
    history = fit(model, distributed.loader(TensorDataset(images, train.tensors[1]), batch_size=BATCH, shuffle=True),
                  distributed.loader(val, batch_size=VAL_BATCH), epochs=2, device=device, progress=False,
                  optimizer=torch.optim.Adam(model.parameters(), lr=LR), criterion=nn.CrossEntropyLoss())
    result["nan_history"], result["nan_weights"] = dict(history), weights(model)

    with contextlib.redirect_stdout(io.StringIO()):  # a Watch's findings here are the doctor's, checked below
        result["doctor"] = doctor_cases(device)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--mode", choices=("main", "nodes"), default="main")
    args = parser.parse_args()
    device = distributed.setup()
    if args.mode == "main":
        result = main_checks(args.out, device)
    else:
        model, history = train_fit(device, log_interval=None)
        result = {"weights": weights(model), "history": history}
    result["world_size"] = distributed.world_size()
    torch.save(result, args.out / f"{args.mode}_rank{distributed.rank()}.pt")
    distributed.barrier()
    distributed.cleanup()


if __name__ == "__main__":
    main()
