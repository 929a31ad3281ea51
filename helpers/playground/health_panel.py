"""The playground's health panel (lesson 10, lesson 12): per layer, how far a step moves the weights, and the gradient.

The numbers are helpers.health's (`Health.latest()`: the update-to-data ratio and the gradient norm of each layer
on sampled steps); this module only shows them, as an HTML table with one bar per layer, redrawn with the chart
(at most a few times a second). The Health is attached while a run trains and follows the optimizer: a new one
(another optimizer, another branch, Reset) gets a new Health at its next step. Detached between runs: no hook.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

from ..dynamics import THRESHOLDS
from ..health import HEALTHY_RATIO, Health
from ..i18n import t
from .controls import shown

if TYPE_CHECKING:
    from .controller import Controller

# What the verdict column calls too large or too small: the mistake doctor's own thresholds (helpers.dynamics, measured
# on the course's runs), so that the panel and the doctor never disagree about a layer.
TOO_SMALL, TOO_LARGE = math.log10(THRESHOLDS["too_small"]), math.log10(THRESHOLDS["too_large"])  # log10 of the ratio
BAR_RANGE = (-7.0, 1.0)  # the bar's scale, log10: from far too small to past too large
COLOURS = {"ok": "#2e7d32", "too_small": "#ef6c00", "too_large": "#c62828"}
STYLE = "font-size:13px;line-height:1.45;border-collapse:collapse"


def verdict(log_ratio: float) -> str:
    """'ok', 'too_small' or 'too_large' for a layer's log10 update ratio."""
    if log_ratio > TOO_LARGE:
        return "too_large"
    return "too_small" if log_ratio < TOO_SMALL else "ok"


class HealthPanel:
    """A live table of per-layer update ratios and gradient norms under the playground's chart (lesson 10)."""

    def __init__(self, controller: Controller, *, every: int | None = 10):
        self.c, self.every = controller, every
        self.health: Health | None = None
        self.offset = 0  # the playground's step count when this Health was attached
        self.html = None
        controller.listen(self._changed)

    def widget(self):
        import ipywidgets as w

        self.html = w.HTML(layout=w.Layout(width="47%", min_width="360px", display="none" if self.every is None else ""))
        self.html.add_class("pg-health")
        self.refresh()
        return self.html

    def _changed(self, what: str) -> None:
        """Attach at a run's step (to the optimizer it uses now), detach when the run ends."""
        if self.every is None:
            return
        c = self.c
        if what == "step" and c.optimizer is not None and (self.health is None or self.health.optimizer is not c.optimizer
                                                           or self.health.model is not c.model):
            if self.health is not None:
                self.health.detach()
            self.health = Health(c.model, c.optimizer, every=self.every, activations=False).attach()
            self.offset = c.history.steps
        elif what == "state" and not c.running and self.health is not None:
            self.health.detach()

    def refresh(self) -> None:
        if self.html is None or self.every is None:
            return
        self.html.value = self.render()

    def render(self) -> str:
        """The table, in the playground's language."""
        lang = self.c.lang
        latest = self.health.latest() if self.health is not None else {}
        if not latest:
            return f"<div style='{STYLE};color:#555'>{html.escape(t('pg.health.waiting', lang, every=self.every))}</div>"
        step = self.offset + next(iter(latest.values()))["step"] + 1
        head = "".join(f"<th style='text-align:left;padding:0 5px;white-space:nowrap'>{html.escape(t(key, lang))}</th>"
                       for key in ("pg.health.layer", "pg.health.update_ratio", "pg.health.grad_norm"))
        rows = "".join(self._row(layer, values, lang) for layer, values in latest.items())
        title = html.escape(t("pg.health.title", lang, step=step))
        return (f"<div style='{STYLE}'><b>{title}</b><table style='{STYLE}'><tr>{head}<th></th></tr>{rows}"
                f"</table></div>")

    def _row(self, layer: str, values: dict[str, float], lang: str) -> str:
        ratio, grad = values["update_ratio"], values["grad_norm"]
        log_ratio = math.log10(ratio) if ratio > 0 and math.isfinite(ratio) else BAR_RANGE[0]
        kind = verdict(log_ratio)
        low, high = BAR_RANGE
        share = min(1.0, max(0.0, (log_ratio - low) / (high - low)))
        healthy = (math.log10(HEALTHY_RATIO) - low) / (high - low)
        bar = (f"<div style='position:relative;width:80px;height:11px;background:#eee;display:inline-block;"
               f"vertical-align:middle'><div style='width:{share:.0%};height:11px;background:{COLOURS[kind]}'></div>"
               f"<div style='position:absolute;left:{healthy:.0%};top:-2px;width:1px;height:15px;background:#333'>"
               f"</div></div>")
        cell = "padding:0 5px;white-space:nowrap"
        numbers = [shown("lr", v) if v > 0 and math.isfinite(v) else str(v) for v in (ratio, grad)]
        return (f"<tr><td style='{cell};font-family:monospace'>{html.escape(layer)}</td>"
                f"<td style='{cell}'>{bar} {numbers[0]}</td><td style='{cell}'>{numbers[1]}</td>"
                f"<td style='{cell};color:{COLOURS[kind]}'>{html.escape(t('pg.health.' + kind, lang))}</td></tr>")
