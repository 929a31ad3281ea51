"""The playground's charts (lesson 10): drawn off-screen, the same in the live view, in `plot()` and in a script.

`draw_chart` is the live chart: loss per step, accuracy per epoch, a numbered line at every change (the numbers
explained in one line under the axes, so no two labels overlap), other branches overlaid from where they part.
`plot_branches` is the static comparison of a forked run. One diverged step must not flatten the rest of the
curve: the y axis stops at a robust top and says how many steps it leaves out.
"""

from __future__ import annotations

import io
import math
import statistics
import threading
import warnings
from typing import TYPE_CHECKING, Any

from ..i18n import t
from .controls import shown
from .history import PlaygroundHistory

if TYPE_CHECKING:
    from .branches import Branch
    from .controller import Controller

CHART_SIZE = (9.0, 3.0)  # inches; the view shows it 900 CSS px wide, so 1 pt of text is 1.39 px on screen
CHART_DPI = 150  # PNG pixels per inch: 1.5 pixels per CSS px, sharp on a projector at 150 %
FONT_PT = 10.5  # chart text: about 15 px on screen at 900 px wide, over 10 px down to 650 px wide
SHOWN_CHANGES = 4  # the caption under the axes explains the last few numbered changes
BRANCH_COLOURS = ("tab:blue", "tab:purple", "tab:brown", "tab:pink", "tab:olive", "tab:cyan")
_drawing = threading.Lock()  # matplotlib is not thread-safe: one drawing at a time, whoever draws


def _mark(control: str, value: Any) -> str:
    """The label of a change: code names, the same in both languages, the value as its control shows it."""
    return f"{control}={shown(control, value)}"


def change_groups(events: list[dict[str, Any]], width: int) -> list[tuple[int, str]]:
    """Changes close together on the x axis share one line and one number (lesson 10).

    Within a group each control shows its last value (a slider dragged through ten values shows one).
    """
    gap = max(1, width * 0.035)  # 3.5 % of the axis: wider than one number
    groups: list[tuple[int, dict[str, Any]]] = []
    for event in events:
        if not groups or event["step"] - groups[-1][0] >= gap:
            groups.append((event["step"], {}))
        groups[-1][1][event["control"]] = event["value"]
    shown_groups = []
    for step, values in groups:
        labels = [_mark(control, value) for control, value in values.items()]
        shown_groups.append((step, ", ".join(labels[:2]) + (f" +{len(labels) - 2}" if len(labels) > 2 else "")))
    return shown_groups


def loss_range(losses: list[float]) -> tuple[float, float, int, bool]:
    """(bottom, top, steps above top, log scale) for a loss axis that one diverged step cannot flatten.

    The top is the larger of 4x the median of the first 20 steps (where a run starts) and the 90th percentile:
    a healthy curve is shown whole, a blow-up of a few steps is cut off (and counted), a long one shows on a
    log scale.
    """
    finite = [v for v in losses if math.isfinite(v)]
    if not finite:
        return 0.0, 2.5, 0, False  # before the first step: the range a 10-class loss starts in (ln 10 = 2.3)
    ordered = sorted(finite)
    top = max(4 * statistics.median(finite[:20]), ordered[int(0.9 * (len(ordered) - 1))])
    above = sum(v > top for v in finite)
    top = ordered[-1] if not above else top
    low = max(ordered[0], 1e-12)
    log = top / low > 100
    return (low * 0.8 if log else 0.0), top * (1.3 if log else 1.05), above, log


def _axes_for_loss(ax, losses: list[float], *, lang: str) -> None:
    bottom, top, above, log = loss_range(losses)
    if log:
        ax.set_yscale("log")
    ax.set_ylim(bottom, top)
    if above:
        note = t("pg.chart.clipped", lang, count=above, top=f"{top:.3g}", largest=f"{max(losses):.2g}")
        ax.text(0.995, 0.97, note, transform=ax.transAxes, ha="right", va="top", fontsize=FONT_PT - 1,
                color="0.3", bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="0.8", alpha=0.9))


def draw_chart(fig, history: PlaygroundHistory, *, lang: str, others: list[tuple[str, list[float], int]] = ()) -> None:
    """Loss per step, accuracy per epoch, numbered changes, other branches from their split (lesson 10).

    `others`: (label, losses, split step) of the branches that are not training now.
    """
    from matplotlib.lines import Line2D

    fig.clear()
    ax = fig.add_subplot(1, 1, 1)
    loss = history.loss
    width = max(10, len(loss), *(len(other[1]) for other in others))
    for (label, losses, split), colour in zip(others, BRANCH_COLOURS[1:]):
        ax.plot(range(split, len(losses)), losses[split:], lw=1.3, color=colour, alpha=0.9, label=label)
    ax.plot(range(len(loss)), loss, lw=1.0, color="tab:blue", label=t("pg.chart.loss", lang))
    ax.set_xlabel(t("plot.step", lang), fontsize=FONT_PT, labelpad=2)
    ax.set_ylabel(t("plot.loss", lang), fontsize=FONT_PT)
    _axes_for_loss(ax, [*loss, *(v for other in others for v in other[1])], lang=lang)
    acc_ax = ax.twinx()
    ends = history.epoch_end_steps
    if ends:
        acc_ax.plot(ends, history.epochs["train_acc"], "o-", color="tab:green", ms=4, label=t("pg.chart.train_acc", lang))
        acc_ax.plot(ends, history.epochs["val_acc"], "s-", color="tab:orange", ms=4, label=t("pg.chart.val_acc", lang))
    acc_ax.set_ylim(0, 1.02)
    acc_ax.set_ylabel(t("plot.accuracy", lang), fontsize=FONT_PT)
    for start in history.run_starts[1:]:  # where a new Start began
        ax.axvline(start, color="0.55", ls=":", lw=1.0)
    _numbered_changes(fig, ax, history.events, width, lang=lang)
    ax.set_xlim(0, width)
    for axis in (ax, acc_ax):
        axis.tick_params(labelsize=FONT_PT - 0.5)
    ax.grid(alpha=0.3)
    handles = ax.get_legend_handles_labels()[0][::-1] + acc_ax.get_legend_handles_labels()[0]
    handles.append(Line2D([], [], color="tab:red", ls="--", lw=1.0, label=t("pg.chart.changes", lang)))
    if len(history.run_starts) > 1:
        handles.append(Line2D([], [], color="0.55", ls=":", lw=1.0, label=t("pg.chart.new_run", lang)))
    columns = min(len(handles), 5)
    rows = math.ceil(len(handles) / columns)
    # Above the axes and the change numbers, never on the data: rows of entries where a title would be.
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.12), ncol=columns, fontsize=FONT_PT - 0.5,
              frameon=False, borderaxespad=0.2, handlelength=1.6, columnspacing=1.2)
    fig.subplots_adjust(left=0.075, right=0.925, bottom=0.26, top=0.80 - 0.08 * (rows - 1))  # fixed: no tight_layout


def _numbered_changes(fig, ax, events: list[dict[str, Any]], width: int, *, lang: str) -> None:
    """A dashed line and a number above the axes at each group of changes; the last few explained below."""
    groups = change_groups(events, width)
    for number, (step, _text) in enumerate(groups, start=1):
        ax.axvline(step, color="tab:red", ls="--", lw=1.0, alpha=0.85)
        ax.annotate(str(number), xy=(step, 1.0), xycoords=ax.get_xaxis_transform(), xytext=(0, 1.5),
                    textcoords="offset points", ha="center", va="bottom", fontsize=FONT_PT - 1, color="tab:red",
                    annotation_clip=True)
    if groups:
        first = max(0, len(groups) - SHOWN_CHANGES)
        items = [f"{n}: {text}" for n, (_step, text) in enumerate(groups[first:], start=first + 1)]
        fig.text(0.075, 0.015, t("pg.chart.changes_list", lang, items=" · ".join(items)), fontsize=FONT_PT - 1,
                 color="tab:red", ha="left", va="bottom")


def chart_png(history: PlaygroundHistory, *, lang: str, dpi: int = CHART_DPI,
              others: list[tuple[str, list[float], int]] = ()) -> bytes:
    """The chart as PNG bytes, drawn with Agg, off-screen, under a lock (matplotlib is not thread-safe)."""
    from matplotlib.figure import Figure

    from ..plots import plot_language

    with _drawing, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a warning from the training thread would land in whichever cell runs
        fig = Figure(figsize=CHART_SIZE)
        draw_chart(fig, history, lang=plot_language(lang), others=others)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def plot(history: PlaygroundHistory, *, lang: str, others: list[tuple[str, list[float], int]] = ()):
    """The same chart as a pyplot figure, for a static picture in the notebook (lesson 10)."""
    import matplotlib.pyplot as plt

    from ..plots import plot_language

    lang = plot_language(lang)  # before the figure: its labels take the font settings
    fig = plt.figure(figsize=CHART_SIZE, dpi=110)
    with _drawing:
        draw_chart(fig, history, lang=lang, others=others)
    return fig


def other_branches(c: Controller) -> list[tuple[str, list[float], int]]:
    """(label, losses, split step) of every branch but the current one, for the live chart's overlay."""
    return [(f"{b.name}: {c.lineage.describe(b)}", b.history.loss, c.lineage.split_step(c.branch.index, b.index))
            for b in c.branches if b is not c.branch]


def smoothed(values: list[float], window: int) -> list[float]:
    """The mean of the last `window` values at each point (fewer at the start): a curve a comparison can read."""
    out, total = [], 0.0
    for i, value in enumerate(values):
        total += value
        if i >= window:
            total -= values[i - window]
        out.append(total / min(i + 1, window))
    return out


def plot_branches(source: Any, *, lang: str | None = None, smooth: int = 20):
    """A forked run compared (lesson 10): each branch's loss from its fork, and its validation accuracy.

    `source` is a Controller or a Playground. Left: the loss per step averaged over `smooth` steps (the raw loss
    faint behind it), the shared part in grey; right: validation accuracy at the end of each epoch. Each branch
    is labelled by what changed since its fork ("B: lr 1.0e-2 → 1.0e-1").
    """
    import matplotlib.pyplot as plt

    from ..plots import plot_language

    c = getattr(source, "controller", source)
    lang = plot_language(lang or c.lang)
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(11, 4), dpi=110, gridspec_kw={"width_ratios": [2.2, 1]})
    with _drawing:
        _draw_branches(loss_ax, acc_ax, c, lang=lang, smooth=smooth)
        fig.suptitle(t("pg.chart.branches_title", lang), fontsize=FONT_PT + 1.5)
        fig.subplots_adjust(left=0.06, right=0.99, bottom=0.25, top=0.88, wspace=0.22)
    return fig


def _draw_branches(loss_ax, acc_ax, c: Controller, *, lang: str, smooth: int) -> None:
    branches: list[Branch] = c.branches
    first_fork = min((b.fork_step for b in branches if b.parent is not None), default=0)
    trunk = smoothed(branches[0].history.loss[: first_fork + 1], smooth)
    loss_ax.plot(range(len(trunk)), trunk, color="0.5", lw=1.6)
    everything = []
    for branch, colour in zip(branches, BRANCH_COLOURS):
        losses = branch.history.loss
        split = min(branch.fork_step if branch.parent is not None else first_fork, len(losses))
        label = f"{branch.name}: {c.lineage.describe(branch)}"
        loss_ax.plot(range(split, len(losses)), losses[split:], color=colour, lw=0.6, alpha=0.25)
        loss_ax.plot(range(split, len(losses)), smoothed(losses, smooth)[split:], color=colour, lw=1.8, label=label)
        ends, accuracy = branch.history.epoch_end_steps, branch.history.epochs["val_acc"]
        later = [(s, a) for s, a in zip(ends, accuracy) if s >= split]  # from the fork's own epoch end
        acc_ax.plot([s for s, _ in later], [a for _, a in later], "o-", color=colour, ms=5, label=label)
        everything += losses
    for step in sorted({b.fork_step for b in branches if b.parent is not None}):
        for axis in (loss_ax, acc_ax):
            axis.axvline(step, color="0.35", ls=":", lw=1.0)
        loss_ax.annotate(t("pg.chart.fork_at", lang, step=step), xy=(step, 1.0), xycoords=loss_ax.get_xaxis_transform(),
                         xytext=(3, -3), textcoords="offset points", ha="left", va="top", fontsize=FONT_PT - 1,
                         color="0.3")
    _axes_for_loss(loss_ax, everything, lang=lang)
    loss_ax.set_title(t("pg.chart.smoothed", lang, window=smooth), fontsize=FONT_PT)
    acc_ax.set_title(t("pg.chart.val_acc", lang), fontsize=FONT_PT)
    for axis in (loss_ax, acc_ax):
        axis.set_xlabel(t("plot.step", lang), fontsize=FONT_PT)
        axis.tick_params(labelsize=FONT_PT - 0.5)
        axis.grid(alpha=0.3)
    loss_ax.set_ylabel(t("plot.loss", lang), fontsize=FONT_PT)
    loss_ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.15), ncol=2, fontsize=FONT_PT - 0.5, frameon=False)
