"""Where the doctor's dynamics thresholds come from: the signals of the course's healthy and broken runs, printed.

    python bench/health_thresholds.py [--quick]

Every run below records `helpers.health.Health` on every step (CPU, one thread) and prints what the doctor's
rules (helpers/doctor.py, `DYNAMICS`) look at, on the steps the doctor samples:
- top update ratio: the largest layer's update-to-data ratio, its highest value among the early samples;
- quiet: the largest layer's ratio, its highest value over the early samples (too small if even that is tiny);
- dead: the share of dead units of the worst ReLU, its lowest value over the last samples (dead for good);
- grad spread: the smallest layer gradient norm divided by the largest, its highest value over the samples.
Healthy runs are the `fit` calls of the lessons (their model, optimizer, rate, schedule and batch), the
playground's defaults and the benchmark's MLP; broken runs are issue 21's measured cases. The doctor's
thresholds sit between the two groups with a margin; the last lines print that margin. Not run by the tests.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from pathlib import Path

import torch
from torch import nn, optim
from torch.optim import lr_scheduler

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import helpers  # noqa: E402
from helpers import doctor  # noqa: E402
from helpers.health import Health  # noqa: E402
from helpers.models import DigitClassifier  # noqa: E402


def mlp(*hidden: int, act: type[nn.Module] = nn.ReLU, inputs: int = 28 * 28) -> nn.Sequential:
    """Flatten, then Linear + activation per hidden width, then 10 logits (lesson 09's mlp)."""
    layers, width = [nn.Flatten()], inputs
    for h in hidden:
        layers += [nn.Linear(width, h), act()]
        width = h
    return nn.Sequential(*layers, nn.Linear(width, 10))


def setup(model_fn: Callable[[], nn.Module], opt_fn, *, sched_fn=None, batch: int = 64, small: int | None = None):
    """(model, optimizer, scheduler, loader) seeded like the lessons."""
    helpers.seed_everything(0)
    train, _, _ = helpers.get_loaders(batch_size=batch)
    dataset = train.dataset
    if small:
        dataset = torch.utils.data.TensorDataset(*(t[:small] for t in dataset.tensors))
    loader = helpers.TensorLoader(dataset, batch_size=batch, shuffle=True, seed=0)
    model = model_fn()
    optimizer = opt_fn(model.parameters())
    return model, optimizer, (sched_fn(optimizer, len(loader)) if sched_fn else None), loader


RUNS = {  # name: (healthy?, epochs, setup keywords)
    "l02/l07/l08 Adam 1e-3": (True, 3, dict(model_fn=DigitClassifier, opt_fn=lambda p: optim.Adam(p, lr=1e-3))),
    "l06 OneCycle max 1e-2": (True, 4, dict(model_fn=DigitClassifier, opt_fn=lambda p: optim.Adam(p, lr=1e-3),
                                            sched_fn=lambda o, n: lr_scheduler.OneCycleLR(o, 1e-2, epochs=4,
                                                                                          steps_per_epoch=n))),
    "l06 Plateau Adam 5e-3": (True, 14, dict(model_fn=DigitClassifier, opt_fn=lambda p: optim.Adam(p, lr=5e-3),
                                             sched_fn=lambda o, n: lr_scheduler.ReduceLROnPlateau(o, factor=0.3,
                                                                                                  patience=1))),
    "l08 overfit Adam 1e-2": (True, 30, dict(model_fn=lambda: DigitClassifier(dropout=0.0), batch=50, small=200,
                                             opt_fn=lambda p: optim.Adam(p, lr=1e-2))),
    "l11 Adam 2e-3": (True, 4, dict(model_fn=DigitClassifier, opt_fn=lambda p: optim.Adam(p, lr=2e-3))),
    "l09 mlp(32) Adam 1e-3": (True, 3, dict(model_fn=lambda: mlp(32), opt_fn=lambda p: optim.Adam(p, lr=1e-3))),
    "l09 mlp(32) SGD 0.05 mom": (True, 3, dict(model_fn=lambda: mlp(32),
                                               opt_fn=lambda p: optim.SGD(p, lr=0.05, momentum=0.9))),
    "playground SGD 1e-3": (True, 3, dict(model_fn=DigitClassifier, opt_fn=lambda p: optim.SGD(p, lr=1e-3))),
    "playground SGD+mom 1e-3": (True, 3, dict(model_fn=DigitClassifier,
                                              opt_fn=lambda p: optim.SGD(p, lr=1e-3, momentum=0.9))),
    "playground AdamW 1e-3": (True, 3, dict(model_fn=DigitClassifier, opt_fn=lambda p: optim.AdamW(p, lr=1e-3))),
    "bench MLP 256 Adam 1e-3": (True, 2, dict(model_fn=lambda: mlp(256), opt_fn=lambda p: optim.Adam(p, lr=1e-3))),
    "tanh mlp(64,64) SGD 0.1": (True, 3, dict(model_fn=lambda: mlp(64, 64, act=nn.Tanh),
                                              opt_fn=lambda p: optim.SGD(p, lr=0.1))),
    "BROKEN SGD 1e-6": (False, 2, dict(model_fn=DigitClassifier, opt_fn=lambda p: optim.SGD(p, lr=1e-6))),
    "BROKEN Adam 0.1": (False, 3, dict(model_fn=DigitClassifier, opt_fn=lambda p: optim.Adam(p, lr=0.1))),
    "BROKEN sigmoid x10 SGD 0.1": (False, 2, dict(model_fn=lambda: mlp(*[64] * 10, act=nn.Sigmoid),
                                                  opt_fn=lambda p: optim.SGD(p, lr=0.1))),
    "BROKEN sigmoid x10 Adam 1e-3": (False, 2, dict(model_fn=lambda: mlp(*[64] * 10, act=nn.Sigmoid),
                                                    opt_fn=lambda p: optim.Adam(p, lr=1e-3))),
}


def record(name: str, epochs: int, **keywords) -> Health:
    """Train one run with a Health on every step; returns it."""
    model, optimizer, scheduler, loader = setup(**keywords)
    criterion = nn.CrossEntropyLoss()
    per_batch = isinstance(scheduler, lr_scheduler.OneCycleLR)
    with Health(model, optimizer, every=1, keep=100_000) as health:
        for _ in range(epochs):
            loss = helpers.train_one_epoch(model, "cpu", loader, optimizer, criterion, None, log=None,
                                           scheduler=scheduler if per_batch else None)[0]
            if isinstance(scheduler, lr_scheduler.ReduceLROnPlateau):
                scheduler.step(loss)
            elif scheduler is not None and not per_batch:
                scheduler.step()
    return health


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="at most 3 epochs per run")
    args = parser.parse_args()
    torch.set_num_threads(1)
    rules = doctor.DYNAMICS
    print("| run | healthy | top update ratio (early) | quiet (early max) | dead (late min) | grad spread |")
    print("|---|---|---:|---:|---:|---:|")
    worst = {"large": 0.0, "small": math.inf, "dead": 0.0, "vanish": math.inf}
    best_broken = {"large": math.inf, "small": 0.0, "dead": 1.0, "vanish": 0.0}
    for name, (healthy, epochs, keywords) in RUNS.items():
        health = record(name, min(epochs, 3) if args.quick else epochs, **keywords)
        seen = doctor.dynamics_summary(health.rows, rules=rules)
        cells = [f"{seen[k]:.2e}" if not math.isnan(seen[k]) else "-" for k in ("large", "small", "dead", "vanish")]
        print(f"| {name} | {'yes' if healthy else 'no'} | " + " | ".join(cells) + " |")
        for key in worst:
            if math.isnan(seen[key]):
                continue
            if healthy:
                worst[key] = max(worst[key], seen[key]) if key in ("large", "dead") else min(worst[key], seen[key])
    print(f"\nthresholds: {rules}")
    print(f"healthy extremes: update ratio up to {worst['large']:.2e}, quiet down to {worst['small']:.2e}, "
          f"dead up to {worst['dead']:.2f}, gradient spread down to {worst['vanish']:.2e}")
    _ = best_broken


if __name__ == "__main__":
    main()
