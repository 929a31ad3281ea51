"""Plots with labels in English or Bengali (lesson 02 draws the first one).

matplotlib is imported only when a plot is drawn, so `import helpers` stays cheap.
Bengali needs text shaping, which matplotlib has from 3.11 on; older versions
(Colab ships 3.10) draw broken conjuncts, so there the labels fall back to English.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from .i18n import check_language, get_language, known, t

FONT_FILE = Path(__file__).with_name("fonts") / "NotoSansBengali-Regular.ttf"
BENGALI_FONT = "Noto Sans Bengali"
MIN_MATPLOTLIB_FOR_BENGALI = (3, 11)
# Figures for a projector and for GitHub (issue 13): a notebook shows an inline PNG at its own pixel size,
# shrunk to fit the column (about 900 px on GitHub and in JupyterLab at 1080p x 1.5). 200 dpi gives an 8-inch
# figure 1,600 px (about 1,400 once trimmed), so it stays sharp at a device-pixel ratio of 1.5; 11-12 pt text
# keeps the labels of a figure up to 13 inches wide at 10 px or more on screen. tests/test_plots.py measures both.
PROJECTOR_STYLE = {
    "figure.dpi": 200,
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "lines.linewidth": 2.0,
}


def _version_tuple(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int("".join(ch for ch in minor if ch.isdigit()) or 0)


def plot_language(lang: str | None = None) -> str:
    """The language plot labels will use: `lang`, or English where matplotlib cannot shape Bengali.

    Also sets PROJECTOR_STYLE, so the figures a lesson draws after this call are legible when projected."""
    lang = check_language(lang or get_language())
    import matplotlib as mpl

    mpl.rcParams.update(PROJECTOR_STYLE)
    if lang == "bn":
        if _version_tuple(mpl.__version__) < MIN_MATPLOTLIB_FOR_BENGALI:
            return "en"
        _register_bengali_font()
    return lang


def _register_bengali_font() -> None:
    """Add the bundled Noto Sans Bengali (OFL) and let it fill in glyphs the default font lacks."""
    import matplotlib as mpl
    from matplotlib import font_manager

    if BENGALI_FONT not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(FONT_FILE))
    families = list(mpl.rcParams["font.family"])
    if BENGALI_FONT not in families:
        # Keep the learner's fonts first; matplotlib falls back, glyph by glyph, to the next family.
        mpl.rcParams["font.family"] = [*families, BENGALI_FONT]


def plot_curves(
    curves: Mapping[str, Sequence[float]],
    *,
    xlabel: str = "plot.step",
    ylabel: str = "plot.loss",
    title: str | None = None,
    lang: str | None = None,
    ax=None,
    logy: bool = False,
):
    """Draw named curves on one axis; labels are message keys from `helpers.i18n` (lesson 02)."""
    import matplotlib.pyplot as plt

    lang = plot_language(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    for name, values in curves.items():
        ax.plot(range(len(values)), list(values), label=t(name, lang) if known(name) else name)
    ax.set_xlabel(t(xlabel, lang))
    ax.set_ylabel(t(ylabel, lang))
    if title:
        ax.set_title(t(title, lang) if known(title) else title)
    if logy:
        ax.set_yscale("log")
    if len(curves) > 1:
        ax.legend()
    ax.grid(alpha=0.3)
    return ax


def plot_history(history: Mapping[str, Sequence[float]], *, lang: str | None = None):
    """Loss and accuracy per epoch, train against validation, side by side (lessons 02-03)."""
    import matplotlib.pyplot as plt

    lang = plot_language(lang)  # before the axes exist: their labels take the font settings of that moment
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(10, 3.5))
    for ax, metric, title in ((loss_ax, "loss", "plot.loss_title"), (acc_ax, "acc", "plot.acc_title")):
        curves = {key: history[f"{split}_{metric}"] for split, key in (("train", "plot.train"), ("val", "plot.val"))
                  if f"{split}_{metric}" in history}
        ylabel = "plot.loss" if metric == "loss" else "plot.accuracy"
        plot_curves(curves, xlabel="plot.epoch", ylabel=ylabel, title=title, lang=lang, ax=ax)
        epochs = len(history.get(f"train_{metric}", []))
        ticks = range(0, epochs, max(1, math.ceil(epochs / 10)))  # at most ~10 labels, so long runs stay readable
        ax.set_xticks(ticks)
        ax.set_xticklabels([str(i + 1) for i in ticks])  # epochs count from 1
    fig.tight_layout()
    return fig



def plot_digits(images, labels, *, predictions=None, lang: str | None = None):
    """A row of digit images titled with their labels (and predictions, if given) (lesson 01)."""
    import matplotlib.pyplot as plt

    lang = plot_language(lang)
    n = len(images)
    # At least 8 inches wide, like the other figures: fewer pixels would be enlarged, and soft, on a projector.
    fig, axes = plt.subplots(1, n, figsize=(max(8.0, 1.6 * n), 2.4), squeeze=False)
    for i, ax in enumerate(axes[0]):
        ax.imshow(images[i].detach().cpu().reshape(28, 28).numpy(), cmap="gray_r")
        title = t("plot.label", lang, label=int(labels[i]))
        if predictions is not None:
            title += "\n" + t("plot.prediction", lang, label=int(predictions[i]))
        ax.set_title(title)
        ax.axis("off")
    fig.tight_layout()
    return fig
