"""The stepper's state as a matplotlib picture (lesson 02), for notebooks read on GitHub and for the slides.

Sized for legibility, not for detail: a notebook shows the PNG shrunk to its column (about 900 px)
and a slide to at most 900 px high at 1080p, so the figure is only as large as its text needs (the
code at 11 pt, 1.5 lines apart) and every text stays 12 px or more in both (tests/test_stepper.py).
"""

from __future__ import annotations

from typing import Any

from ..i18n import t
from .controller import Controller
from .record import per_layer

CODE_PT, LABEL_PT, TITLE_PT = 12, 12, 13
LINE_PITCH = 1.45  # code lines apart, in font sizes
BARS_WIDTH_IN = 3.5  # the right column: per-layer (or, at the end, per-batch) panels


def draw_state(stepper: Controller, *, lang: str) -> Any:
    """The code with the line that just ran, the gradient and weight change per layer; per batch at the end."""
    import matplotlib.pyplot as plt

    from ..plots import plot_language

    lang = plot_language(lang)
    source, record = stepper.source, stepper.last
    code_in = (max(len(line) for line in source.lines) + 2) * 0.6 * CODE_PT / 72  # monospace: 0.6 em a character
    height_in = len(source.lines) * LINE_PITCH * CODE_PT / 72 + 0.8
    fig = plt.figure(figsize=(code_in + BARS_WIDTH_IN, height_in))
    grid = fig.add_gridspec(2, 2, width_ratios=[code_in, BARS_WIDTH_IN])
    _draw_code(fig.add_subplot(grid[:, 0]), stepper)
    top, bottom = fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, 1])
    batches = stepper.batches if stepper.done else []
    if batches:  # the epoch is over: what each batch did shows what a skipped line broke
        _draw_series(top, [b.grad_norm for b in batches], t("step.ui.series_grad", lang), "#4a90d9",
                     xlabel=t("step.axis_batch", lang))
        _draw_series(bottom, [b.moved for b in batches], t("step.ui.series_moved", lang), "#e07b39",
                     xlabel=t("step.axis_batch", lang))
        title = t("step.ui.per_batch", lang, batches=len(batches))
    else:
        moved = next((r for r in reversed(stepper.records) if "weights" in r.changed), None)
        _draw_bars(top, per_layer(record.grads) if record else {}, t("step.axis_grad", lang), "#4a90d9")
        _draw_bars(bottom, per_layer(moved.weight_change) if moved else {}, t("step.axis_moved", lang), "#e07b39")
        title = (t("step.picture_start", lang) if record is None
                 else t("step.picture_title", lang, line=record.line, batch=record.batch, code=record.source))
    fig.suptitle(title, fontsize=TITLE_PT)
    fig.tight_layout()
    return fig


def _draw_code(ax, stepper: Controller) -> None:
    """The loop's lines top to bottom; the one that ran on yellow, '>' before the next, skipped ones grey."""
    source, last = stepper.source, stepper.just_ran
    ran = source.line_of(last.line) if last is not None else None
    upcoming = source.line_of(stepper.next_line) if stepper.next_line is not None else None
    n = len(source.lines)
    for offset, text in enumerate(source.lines):
        number, y = source.first + offset, n - offset
        label = source.labels.get(number)
        if number == ran:
            ax.axhspan(y - 0.5, y + 0.5, color="#fff3a0")
        skipped = label is not None and label in stepper.skip
        marker = ">" if number == upcoming else " "
        ax.text(0.0, y, f"{marker} {text}" + ("   -> pass" if skipped else ""), family="monospace",
                fontsize=CODE_PT, va="center", color="#999" if skipped else "black")
    ax.set_ylim(0.5, n + 0.5)
    ax.set_xlim(0, 1)
    ax.axis("off")


def _draw_bars(ax, values: dict[str, float | None], title: str, color: str) -> None:
    """One horizontal bar per layer, its value written after it."""
    ax.set_title(title, fontsize=LABEL_PT + 1)
    if not values:  # nothing to show yet (no step has moved the weights)
        ax.text(0.5, 0.5, "-", ha="center", va="center", fontsize=14, transform=ax.transAxes)
        ax.set_xticks([])
        ax.set_yticks([])
        return
    names = list(values)[::-1]
    ax.barh(names, [values[k] or 0.0 for k in names], color=color)
    for i, k in enumerate(names):
        ax.text(values[k] or 0.0, i, " None" if values[k] is None else f" {values[k]:.3g}", va="center",
                fontsize=LABEL_PT)
    ax.tick_params(labelsize=LABEL_PT)
    ax.set_xticks([])  # the values are written on the bars
    ax.margins(x=0.3)


def _draw_series(ax, values: list[float | None], title: str, color: str, *, xlabel: str) -> None:
    """One column per batch; a batch without a value (no gradient) has none."""
    ax.set_title(title, fontsize=LABEL_PT + 1)
    ax.bar(range(len(values)), [v or 0.0 for v in values], color=color)
    if all(v is None for v in values):
        ax.text(0.5, 0.5, "None", ha="center", va="center", fontsize=LABEL_PT, transform=ax.transAxes)
    ax.tick_params(labelsize=LABEL_PT)
    ax.set_xlabel(xlabel, fontsize=LABEL_PT)
