"""A run's health, layer by layer: gradient norms, update-to-data ratios and activation statistics (lesson 12).

    with Health(model, optimizer, every=10) as health:
        ...train...
    health.latest()          # {layer: {"step", "grad_norm", "update_ratio"}} of the last sampled step
    health.rows              # every sampled step, one plain row per layer and per activation
    plot_health(health)      # the picture

Hooks record a step only when it is sampled (`step % every == 0`): an optimizer step post hook counts the
steps, and for a sampled step alone it adds forward hooks on the activation modules and a step pre hook
(weights before, gradient norms), which it removes once that step is done. Detached, nothing is hooked.
The numbers stay on the device until something reads them, so a GPU never waits for the CPU's bookkeeping.
"""

from __future__ import annotations

import math
from collections import deque

import torch
from torch import nn

from .i18n import register, t

NAN = float("nan")
ZERO_KINDS = (nn.ReLU, nn.ReLU6)  # activations whose exact zeros mean "this unit passed nothing on"
# |tanh| > 0.97 is where its slope 1 - tanh² drops below 0.06; sigmoid(x) = (1 + tanh(x/2)) / 2 has that
# point at 0.015 and 0.985, so "saturated" means the same flatness for both.
SATURATED = {nn.Tanh: 0.97, nn.Sigmoid: 0.97}
ACTIVATION_KINDS = (*ZERO_KINDS, *SATURATED)
WEIGHT_KEYS = ("grad_norm", "update_ratio")
ACTIVATION_KEYS = ("mean", "std", "zero", "dead", "saturated")
HEALTHY_RATIO = 1e-3  # Karpathy's rule of thumb: a step moves a weight by about 1/1000 of its spread
# The update ratio of a large weight is estimated on this many evenly spaced entries: a spread estimated from 4,096
# numbers is within a few percent, the signal spans powers of ten, and a sample then costs the same for any model.
RATIO_ENTRIES = 4096

MESSAGES: dict[str, dict[str, str]] = {
    "health.update_title": {"en": "How far a step moves the weights", "bn": "এক স্টেপে ওজন কতটা সরে"},
    "health.update_axis": {"en": "log10(update / weight spread)", "bn": "log10(আপডেট / ওজনের বিস্তার)"},
    "health.healthy": {"en": "healthy ≈ 1e-3", "bn": "সুস্থ ≈ 1e-3"},
    "health.grad_title": {"en": "Gradient norm per layer", "bn": "স্তরভিত্তিক গ্রেডিয়েন্ট নর্ম"},
    "health.grad_axis": {"en": "gradient norm (log scale)", "bn": "গ্রেডিয়েন্ট নর্ম (লগ স্কেল)"},
    "health.act_title": {"en": "Activations: zero or saturated", "bn": "অ্যাক্টিভেশন: শূন্য বা স্যাচুরেটেড"},
    "health.act_axis": {"en": "share of outputs", "bn": "আউটপুটের অংশ"},
    "health.step": {"en": "step", "bn": "স্টেপ"},
    "health.zero": {"en": "{layer} zero", "bn": "{layer} শূন্য"},
    "health.saturated": {"en": "{layer} saturated", "bn": "{layer} স্যাচুরেটেড"},
    "health.empty": {"en": "No step recorded yet: train while the Health is attached.",
                     "bn": "এখনো কোনো স্টেপ রেকর্ড হয়নি: Health যুক্ত থাকা অবস্থায় ট্রেন করো।"},
    "health.bad_every": {"en": "every must be a whole number of at least 1, not {value!r}.",
                         "bn": "every কমপক্ষে 1 এমন একটি পূর্ণসংখ্যা হতে হবে, {value!r} নয়।"},
}
register(MESSAGES)


def weight_layers(model: nn.Module, optimizer: torch.optim.Optimizer | None = None) -> dict[str, list[nn.Parameter]]:
    """{module name: its own trainable parameters, weight first} for every module that holds some.

    With an optimizer, only the parameters it holds: a weight no optimizer steps has no update to measure.
    """
    held = None if optimizer is None else {id(p) for group in optimizer.param_groups for p in group["params"]}
    layers = {}
    for name, module in model.named_modules():
        own = [(key, p) for key, p in module.named_parameters(recurse=False)
               if p.requires_grad and (held is None or id(p) in held)]
        params = [p for key, p in own if key != "weight"]
        params[:0] = [p for key, p in own if key == "weight"]
        if params:
            layers[name or type(module).__name__] = params
    return layers


def ratio_entries(weight: torch.Tensor) -> torch.Tensor:
    """At most RATIO_ENTRIES evenly spaced entries of a weight, as a view (all of them for a small weight)."""
    flat = weight.detach().reshape(-1)
    return flat[::max(1, flat.numel() // RATIO_ENTRIES)]


def activation_stats(module: nn.Module, output: torch.Tensor) -> torch.Tensor:
    """[mean, std, zero share, dead-unit share, saturated share] of one activation's output, on its device."""
    x = output.detach().float()
    nan = torch.full((), NAN, device=x.device)
    zero = dead = saturated = nan
    if isinstance(module, ZERO_KINDS):
        zeros = x == 0
        zero = zeros.mean(dtype=torch.float32)
        if x.dim() >= 2:  # a unit is a feature (dim 1) or a channel: dead if 0 for every sample and position
            dead = zeros.transpose(0, 1).reshape(x.shape[1], -1).all(dim=1).mean(dtype=torch.float32)
    for kind, edge in SATURATED.items():
        if isinstance(module, kind):
            centred = x if kind is nn.Tanh else 2 * x - 1
            saturated = (centred.abs() > edge).mean(dtype=torch.float32)
    return torch.stack((x.mean(), x.std() if x.numel() > 1 else nan, zero, dead, saturated))


class Health:
    """Per-layer gradient norms, update-to-data ratios and activation statistics on sampled steps (lesson 12).

    `every`: a step is recorded when `step % every == 0` (steps count optimizer steps from 0); `every=None`
    leaves the choice to the owner, who calls `arm(step)` before each step it wants and `step_done()` after
    every step (the doctor does).
    `activations=False` skips the activation modules. At most `keep` sampled steps are kept.
    """

    def __init__(self, model: nn.Module, optimizer: torch.optim.Optimizer, *, every: int | None = 10,
                 activations: bool = True, keep: int = 1000):
        if every is not None and (isinstance(every, bool) or not isinstance(every, int) or every < 1):
            raise ValueError(t("health.bad_every", value=every))
        self.model, self.optimizer, self.every = model, optimizer, every
        self._layers = weight_layers(model, optimizer)
        self.layers = list(self._layers)
        self._params = [p for params in self._layers.values() for p in params]
        self._index = torch.tensor([i for i, params in enumerate(self._layers.values()) for _ in params])
        self._weights = [params[0] for params in self._layers.values()]
        self._activations = {name: m for name, m in model.named_modules()
                             if isinstance(m, ACTIVATION_KINDS)} if activations else {}
        self.step = 0
        self._samples: deque = deque(maxlen=keep)  # (step, weight tensor [L, 2], {activation: tensor [5]})
        self._read: list[tuple[int, dict, dict]] = []  # the same, as plain floats, once read
        self._counter = None
        self._armed: list = []
        self._before: list[torch.Tensor] = []
        self._grad_norms: torch.Tensor | None = None
        self._acts: dict[str, torch.Tensor] = {}

    # --- hooks on and off -------------------------------------------------------------------------------------

    def attach(self) -> Health:
        """Hook into the model and the optimizer (lesson 12); returns the Health itself."""
        if self.every is not None and self._counter is None:
            self._counter = self.optimizer.register_step_post_hook(lambda *_: self.step_done())
            if self.step % self.every == 0:
                self.arm()
        return self

    def detach(self) -> None:
        """Remove every hook; what was recorded stays readable."""
        if self._counter is not None:
            self._counter.remove()
            self._counter = None
        self.disarm()

    def __enter__(self) -> Health:
        return self.attach()

    def __exit__(self, *exc: object) -> None:
        self.detach()

    def arm(self, step: int | None = None) -> None:
        """Record the coming optimizer step (numbered `step`, if the owner counts): activations, gradients, updates."""
        if step is not None:
            self.step = step
        if self._armed:
            return
        self._acts = {}
        self._armed = [self.optimizer.register_step_pre_hook(self._before_step)]
        self._armed += [m.register_forward_hook(self._on_activation(name)) for name, m in self._activations.items()]

    def disarm(self) -> None:
        """Stop recording (the hooks of a sampled step come off)."""
        for handle in self._armed:
            handle.remove()
        self._armed, self._before, self._grad_norms = [], [], None

    # --- what the hooks do ------------------------------------------------------------------------------------

    def _on_activation(self, name: str):
        def hook(module, inputs, output):
            if torch.is_grad_enabled() and isinstance(output, torch.Tensor):  # training, not validation
                self._acts[name] = activation_stats(module, output)
        return hook

    def _before_step(self, optimizer, args, kwargs) -> None:
        if not self._params:  # the optimizer holds none of the model's weights (the doctor says so): nothing to see
            self._grad_norms, self._before = torch.zeros(0), []
            return
        with torch.no_grad():
            grads = [p.grad if p.grad is not None else torch.zeros((), device=p.device) for p in self._params]
            squares = torch.stack(torch._foreach_norm(grads)).float() ** 2  # one kernel for every gradient
            per_layer = torch.zeros(len(self.layers), device=squares.device)
            self._grad_norms = per_layer.index_add_(0, self._index.to(squares.device), squares).sqrt()
            self._before = [ratio_entries(w).clone() for w in self._weights]

    def step_done(self) -> bool:
        """After an optimizer step: record it if it was armed, count it, arm or disarm for the next one.

        Returns whether the step was recorded.

        With `every`, the Health's own step post hook calls this; with `every=None` its owner does, from its own
        post hook (a hook cannot add or remove hooks of the kind PyTorch is running at that moment).
        """
        recorded = self._grad_norms is not None  # the step just done was armed
        if recorded:
            self._record()
        self.step += 1
        if self.every is not None and self.step % self.every == 0:
            self.arm()
        elif self._armed:
            self.disarm()
        return recorded

    def _record(self) -> None:
        with torch.no_grad():
            ratios = torch.stack([((ratio_entries(w) - b).float().std() / b.float().std()) if b.numel() > 1
                                  else torch.full((), NAN, device=b.device) for w, b in zip(self._weights, self._before)]
                                 ) if self._before else torch.zeros(0)
            weights = torch.stack((self._grad_norms.to(ratios.device), ratios), dim=1)
        self._samples.append((self.step, weights, dict(self._acts)))
        self._before, self._grad_norms = [], None

    # --- reads ------------------------------------------------------------------------------------------------

    def _flush(self) -> list[tuple[int, dict, dict]]:
        """Turn the samples not read yet into plain floats (one wait for the device per sample, on reading)."""
        done = {step for step, _, _ in self._read}
        for step, weights, acts in self._samples:
            if step in done:
                continue
            per_layer = {layer: dict(zip(WEIGHT_KEYS, values)) for layer, values in zip(self.layers, weights.tolist())}
            per_act = {name: {"kind": type(self._activations[name]).__name__, **dict(zip(ACTIVATION_KEYS,
                                                                                        v.tolist()))}
                       for name, v in acts.items()}
            self._read.append((step, per_layer, per_act))
        self._read = self._read[-(self._samples.maxlen or len(self._read)):]
        return self._read

    def latest(self) -> dict[str, dict[str, float]]:
        """{layer: {"step", "grad_norm", "update_ratio"}} of the last sampled step; {} before the first."""
        if not self._samples:
            return {}
        step, weights, _ = self._samples[-1]
        return {layer: {"step": step, **dict(zip(WEIGHT_KEYS, values))}
                for layer, values in zip(self.layers, weights.tolist())}

    def activations(self) -> dict[str, dict[str, float]]:
        """{activation module: {"step", "kind", "mean", "std", "zero", "dead", "saturated"}} of the last sample."""
        if not self._samples:
            return {}
        step, _, per_act = self._flush()[-1]
        return {name: {"step": step, **values} for name, values in per_act.items()}

    @property
    def rows(self) -> list[dict]:
        """Every sampled step as plain rows: one per layer ("weights") and one per activation module."""
        rows = []
        for step, per_layer, per_act in self._flush():
            for layer, values in per_layer.items():
                rows.append({"step": step, "layer": layer, "kind": "weights", **values,
                             **dict.fromkeys(ACTIVATION_KEYS, NAN)})
            for name, values in per_act.items():
                rows.append({"step": step, "layer": name, **dict.fromkeys(WEIGHT_KEYS, NAN), **values})
        return rows

    def history(self, key: str, layer: str) -> tuple[list[int], list[float]]:
        """Steps and values of one signal (`grad_norm`, `update_ratio`, `mean`, `zero`...) of one layer."""
        pairs = [(row["step"], row[key]) for row in self.rows if row["layer"] == layer and not math.isnan(row[key])]
        return [s for s, _ in pairs], [v for _, v in pairs]

    def plot(self, *, lang: str | None = None):
        """The picture of `plot_health` (lesson 12)."""
        return plot_health(self, lang=lang)


def plot_health(health: Health, *, lang: str | None = None):
    """Update ratios, gradient norms and activation shares per layer over the sampled steps (lesson 12)."""
    import matplotlib.pyplot as plt

    from .plots import plot_language

    lang = plot_language(lang)
    if not health.rows:
        raise ValueError(t("health.empty", lang))
    fig, (up_ax, grad_ax, act_ax) = plt.subplots(1, 3, figsize=(15, 4))
    for layer in health.layers:
        steps, ratios = health.history("update_ratio", layer)
        up_ax.plot(steps, [math.log10(r) if r > 0 else NAN for r in ratios], marker=".", label=layer)
        steps, norms = health.history("grad_norm", layer)
        grad_ax.plot(steps, norms, marker=".", label=layer)
    up_ax.axhline(math.log10(HEALTHY_RATIO), color="grey", linestyle="--", label=t("health.healthy", lang))
    grad_ax.set_yscale("log")
    for name, module in health._activations.items():
        key, label = ("zero", "health.zero") if isinstance(module, ZERO_KINDS) else ("saturated", "health.saturated")
        steps, shares = health.history(key, name)
        act_ax.plot(steps, shares, marker=".", label=t(label, lang, layer=name))
    act_ax.set_ylim(-0.02, 1.02)
    for ax, title, axis in ((up_ax, "health.update_title", "health.update_axis"),
                            (grad_ax, "health.grad_title", "health.grad_axis"),
                            (act_ax, "health.act_title", "health.act_axis")):
        ax.set_title(t(title, lang))
        ax.set_xlabel(t("health.step", lang))
        ax.set_ylabel(t(axis, lang))
        ax.grid(alpha=0.3)
        if ax.lines:
            ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


__all__ = ["Health", "activation_stats", "plot_health", "weight_layers"]
