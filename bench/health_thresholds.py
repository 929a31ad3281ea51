"""Where the doctor's dynamics thresholds come from: the signals of the course's healthy and broken runs, printed.

    python bench/health_thresholds.py [--quick]

Every run below records `helpers.health.Health` on every step (CPU, one thread) and prints what the doctor's
rules (helpers/dynamics.py, `THRESHOLDS`) look at, on the steps the doctor samples (`SAMPLED`, then every 100th):
- largest update ratio: the largest layer's update-to-data ratio, its highest value over the samples;
- early update ratio: the same, its highest value over the first samples (too small if even that is tiny);
- dead units: the worst ReLU's share of dead units, its highest value;
- gradient spread: the smallest layer gradient norm over the largest, its lowest value held on two samples in a row.
Healthy runs are the `fit` calls of the lessons (their model, optimizer, rate, schedule and batch), the
playground's defaults and the benchmark's MLP; broken runs are issue 21's measured cases. The doctor's
thresholds sit between the two groups; the last lines print the healthy extremes. Not run by the tests.
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
from helpers import dynamics  # noqa: E402
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


def summary(health: Health, every: int = 100) -> dict[str, float]:
    """What each rule of the doctor sees over a run, on the steps the doctor samples (helpers/dynamics.py)."""
    by_step: dict[int, list[dict]] = {}
    for row in health.rows:
        by_step.setdefault(row["step"], []).append(row)
    steps = [s for s in sorted(by_step) if s in dynamics.SAMPLED or (s > 0 and s % every == 0)]

    def weights(s, key):
        return [r[key] for r in by_step[s] if r["kind"] == "weights" and math.isfinite(r[key])]

    top = [max(weights(s, "update_ratio")) for s in steps]
    dead = [max([r["dead"] for r in by_step[s] if not math.isnan(r["dead"])], default=math.nan) for s in steps]
    spread = []
    for s in steps:
        norms = [g for g in weights(s, "grad_norm") if g > 0]
        spread.append(min(norms) / max(norms) if len(norms) > 1 else math.nan)
    pairs = list(zip(steps, steps[1:]))  # vanishing gradients need two samples in a row
    index = {s: i for i, s in enumerate(steps)}
    return {
        "large": max(top),
        "small": max(top[index[s]] for s in dynamics.SAMPLED if s in index),
        "dead": max((d for d in dead if not math.isnan(d)), default=math.nan),
        "vanish": min((max(spread[index[a]], spread[index[b]]) for a, b in pairs), default=math.nan),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="at most 3 epochs per run")
    args = parser.parse_args()
    torch.set_num_threads(1)
    print("| run | healthy | largest update ratio | early update ratio | dead units | "
          "gradient spread (2 in a row) | findings |")
    print("|---|---|---:|---:|---:|---:|---|")
    extremes: dict[bool, dict[str, list[float]]] = {True: {}, False: {}}
    for name, (healthy, epochs, keywords) in RUNS.items():
        health = record(name, min(epochs, 3) if args.quick else epochs, **keywords)
        seen = summary(health)
        for key, value in seen.items():
            if not math.isnan(value):
                extremes[healthy].setdefault(key, []).append(value)
        found = [code.removeprefix("dynamics.") for code, rule in (
            ("dynamics.updates_too_large", seen["large"] > dynamics.THRESHOLDS["too_large"]),
            ("dynamics.updates_too_small", seen["small"] < dynamics.THRESHOLDS["too_small"]),
            ("dynamics.dead_units", seen["dead"] >= dynamics.THRESHOLDS["dead"]),
            ("dynamics.vanishing_gradients", seen["vanish"] < dynamics.THRESHOLDS["vanishing"])) if rule]
        cells = [f"{seen[k]:.2g}" if not math.isnan(seen[k]) else "-" for k in ("large", "small", "dead", "vanish")]
        print(f"| {name} | {'yes' if healthy else 'no'} | " + " | ".join(cells) + f" | {', '.join(found) or '-'} |")
    good = extremes[True]
    print(f"\nthresholds (helpers/dynamics.py): {dynamics.THRESHOLDS}")
    print(f"healthy runs: largest update ratio up to {max(good['large']):.2g}, early update ratio down to "
          f"{min(good['small']):.2g}, dead units up to {max(good['dead']):.2f}, gradient spread down to "
          f"{min(good['vanish']):.2g}")


if __name__ == "__main__":
    main()
