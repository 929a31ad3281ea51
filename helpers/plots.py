"""Plots with labels in English or Bengali (lesson 02 draws the first one).

matplotlib is imported only when a plot is drawn, so `import helpers` stays cheap.
Bengali needs text shaping, which matplotlib has from 3.11 on; older versions
(Colab ships 3.10) draw broken conjuncts, so there the labels fall back to English.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from .i18n import check_language, get_language, known, register, t

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


# Solid, dashed, dash-dot, dotted: a curve drawn over an identical one still shows the one beneath.
LINE_STYLES = ("-", "--", "-.", ":")


def plot_curves(
    curves: Mapping[str, Sequence[float]],
    *,
    xlabel: str = "plot.step",
    ylabel: str = "plot.loss",
    title: str | None = None,
    lang: str | None = None,
    ax=None,
    logy: bool = False,
    start: int | None = None,
):
    """Draw named curves on one axis; labels are message keys from `helpers.i18n` (lesson 02).

    The x axis counts whole steps from 0 or, when `xlabel` is the epoch, epochs from 1 (`start` sets it). Each curve
    gets its own line style, so two curves that coincide (Adam and AdamW for a few epochs) both stay visible.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    lang = plot_language(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    first = (1 if xlabel == "plot.epoch" else 0) if start is None else start
    for i, (name, values) in enumerate(curves.items()):
        ax.plot(range(first, first + len(values)), list(values), linestyle=LINE_STYLES[i % len(LINE_STYLES)],
                label=t(name, lang) if known(name) else name)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps and epochs are whole numbers
    left, right = ax.get_xlim()
    ax.set_xlim(max(left, first - 0.5), right)  # no "epoch 0" tick in the margin of a long run
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
        plot_curves(curves, xlabel="plot.epoch", ylabel=ylabel, title=title, lang=lang, ax=ax)  # epochs from 1
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


MESSAGES: dict[str, dict[str, str]] = {
    "plot.epoch": {"en": "epoch", "bn": "ইপক"},
    "plot.step": {"en": "step (batch)", "bn": "স্টেপ (ব্যাচ)"},
    "plot.loss": {"en": "loss", "bn": "লস"},
    "plot.accuracy": {"en": "accuracy", "bn": "সঠিকতা"},
    "plot.train": {"en": "train", "bn": "ট্রেন"},
    "plot.val": {"en": "validation", "bn": "ভ্যালিডেশন"},
    "plot.label": {"en": "label {label}", "bn": "লেবেল {label}"},
    "plot.prediction": {"en": "predicted {label}", "bn": "প্রেডিকশন {label}"},
    "plot.loss_title": {"en": "Loss per epoch", "bn": "প্রতি ইপকে লস"},
    "plot.acc_title": {"en": "Accuracy per epoch", "bn": "প্রতি ইপকে সঠিকতা"},
}

# The lessons' own plot labels (titles, legends, axis names of the figures lessons 03-09 draw), by lesson:
# `plot_curves(..., xlabel="l06.lr")` or `helpers.t("l03.best_epoch")` in a lesson's code cell.
LESSON_LABELS: dict[str, dict[str, str]] = {
    # lesson 03
    "l03.underfit": {"en": "Underfitting: mlp(2)", "bn": "আন্ডারফিটিং: mlp(2)"},
    "l03.overfit": {"en": "Overfitting: mlp(512, 512), 200 images", "bn": "ওভারফিটিং: mlp(512, 512), 200টি ছবি"},
    "l03.good": {"en": "Good fit: mlp(128)", "bn": "ভালো ফিট: mlp(128)"},
    "l03.best_epoch": {"en": "lowest validation loss", "bn": "সবচেয়ে কম ভ্যালিডেশন লস"},
    "l03.stop_epoch": {"en": "early stop (patience {patience})", "bn": "আর্লি স্টপিং (ধৈর্য {patience})"},
    # lesson 04
    "l04.error": {"en": "error (prediction − target)", "bn": "ত্রুটি (প্রেডিকশন − টার্গেট)"},
    "l04.gradient": {"en": "gradient", "bn": "গ্রেডিয়েন্ট"},
    "l04.grad_size": {"en": "size of the gradient", "bn": "গ্রেডিয়েন্টের মাপ"},
    "l04.logit": {"en": "logit z of the true class", "bn": "সঠিক ক্লাসের logit z"},
    "l04.distance": {"en": "distance from the best value", "bn": "সেরা মান থেকে দূরত্ব"},
    "l04.sgd_step": {"en": "SGD step", "bn": "SGD স্টেপ"},
    # lesson 05
    "l05.evals": {
        "en": "gradient evaluations (forward + backward)",
        "bn": "গ্রেডিয়েন্ট হিসাবের সংখ্যা (forward + backward)",
    },
    "l05.rprop_full": {"en": "Rprop, full batch", "bn": "Rprop, পুরো ডেটা এক ব্যাচে"},
    "l05.rprop_mini": {"en": "Rprop, batches of 64", "bn": "Rprop, 64-এর ব্যাচ"},
    "l05.adam_mini": {"en": "Adam, batches of 64", "bn": "Adam, 64-এর ব্যাচ"},
    # lesson 06
    "l06.lr": {"en": "learning rate", "bn": "লার্নিং রেট"},
    "l06.val_loss": {"en": "validation loss", "bn": "ভ্যালিডেশন লস"},
    "l06.per_batch": {"en": "loss per batch", "bn": "প্রতি ব্যাচের লস"},
    "l06.smoothed": {"en": "smoothed", "bn": "মসৃণ করা"},
    "l06.handwritten": {"en": "hand-written WarmupScheduler", "bn": "হাতে লেখা WarmupScheduler"},
    # lesson 07
    "l07.grad_norm": {"en": "gradient norm", "bn": "গ্রেডিয়েন্টের নর্ম"},
    "l07.curve_big_lr": {"en": "lr=0.5, no clipping", "bn": "lr=0.5, ক্লিপিং ছাড়া"},
    "l07.curve_clipped": {"en": "lr=0.5, clip_grad_norm_ at 1.0", "bn": "lr=0.5, clip_grad_norm_, সীমা 1.0"},
    "l07.curve_small_lr": {"en": "lr=0.1, no clipping", "bn": "lr=0.1, ক্লিপিং ছাড়া"},
    "l07.curve_raw_pixels": {
        "en": "lr=0.1, pixels 0-255 (not normalised)",
        "bn": "lr=0.1, পিক্সেল 0-255 (নরমালাইজ করা হয়নি)",
    },
    # lesson 08
    "l08.uninterrupted": {"en": "uninterrupted run", "bn": "না-থামানো রান"},
    "l08.resumed": {"en": "resumed from the checkpoint", "bn": "চেকপয়েন্ট থেকে চালিয়ে যাওয়া"},
    "l08.no_rng": {"en": "resumed, RNG state not restored", "bn": "চালিয়ে যাওয়া, RNG অবস্থা ফেরানো হয়নি"},
    "l08.fresh_optimizer": {"en": "resumed with a fresh optimizer", "bn": "চালিয়ে যাওয়া, নতুন অপটিমাইজার দিয়ে"},
    "l08.saved_here": {"en": "checkpoint saved here", "bn": "এখানে চেকপয়েন্ট সংরক্ষণ"},
    "l08.best_epoch": {"en": "best epoch (saved)", "bn": "সেরা ইপক (সংরক্ষিত)"},
    "l08.early_stop": {"en": "early stopping", "bn": "আর্লি স্টপিং"},
    # lesson 09
    "l09.always_negative": {"en": "always 'negative'", "bn": "সবসময় 'নেগেটিভ'"},
    "l09.useful": {"en": "useful model", "bn": "কাজের মডেল"},
    "l09.metric_accuracy": {"en": "accuracy", "bn": "সঠিকতা"},
    "l09.metric_precision": {"en": "precision", "bn": "প্রিসিশন"},
    "l09.metric_recall": {"en": "recall", "bn": "রিকল"},
    "l09.metric_f1": {"en": "F1 score", "bn": "F1 স্কোর"},
    "l09.score": {"en": "score", "bn": "স্কোর"},
    "l09.true_mask": {"en": "true mask", "bn": "আসল মাস্ক"},
    "l09.pred_mask": {"en": "predicted mask", "bn": "প্রেডিক্ট করা মাস্ক"},
    "l09.overlap": {"en": "overlap: IoU = {iou}", "bn": "মিল: IoU = {iou}"},
    "l09.both": {"en": "in both", "bn": "দুটোতেই"},
    "l09.missed": {"en": "missed", "bn": "বাদ পড়েছে"},
    "l09.false_alarm": {"en": "false alarm", "bn": "ভুল সংকেত"},
    "l09.panel_lr": {"en": "learning rate", "bn": "লার্নিং রেট"},
    "l09.panel_init": {"en": "initialisation", "bn": "ইনিশিয়ালাইজেশন"},
    "l09.panel_data": {"en": "data scale", "bn": "ডেটার মাপ"},
    "l09.lr": {"en": "learning rate", "bn": "লার্নিং রেট"},
    "l09.loss_after": {"en": "loss after 60 steps", "bn": "60 স্টেপ পরের লস"},
    "l09.in_data": {"en": "in the data", "bn": "ডেটায়"},
    "l09.drawn": {"en": "drawn by the sampler", "bn": "স্যাম্পলার যা তুলেছে"},
    "l09.digit": {"en": "digit", "bn": "অঙ্ক"},
    "l09.images": {"en": "images", "bn": "ছবি"},
}

register(MESSAGES)
register(LESSON_LABELS)
