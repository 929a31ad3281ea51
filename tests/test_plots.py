"""helpers.plots: labels in English or Bengali, and Bengali that renders without missing glyphs (lesson 02)."""

from __future__ import annotations

import io
import logging
import warnings

import matplotlib

matplotlib.use("Agg")  # before pyplot: no window, no display needed

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib import font_manager, ft2font  # noqa: E402

from helpers import plots  # noqa: E402
from helpers.i18n import set_language, t  # noqa: E402
from helpers.plots import (  # noqa: E402
    BENGALI_FONT,
    FONT_FILE,
    plot_curves,
    plot_digits,
    plot_history,
    plot_language,
)

HISTORY = {"train_loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.7, 0.5],
           "train_acc": [0.5, 0.7, 0.8], "val_acc": [0.45, 0.65, 0.75]}
NEW_ENOUGH = plots._version_tuple(matplotlib.__version__) >= plots.MIN_MATPLOTLIB_FOR_BENGALI


@pytest.fixture(autouse=True)
def clean_matplotlib():
    """Undo rcParams changes (the Bengali font fallback) and close every figure a test opened."""
    with matplotlib.rc_context():
        yield
    plt.close("all")


def labels(fig) -> list[tuple[str, str, str, list[str]]]:
    return [(ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), [x.get_text() for x in ax.get_legend().get_texts()])
            for ax in fig.axes]


@pytest.mark.skipif(not NEW_ENOUGH, reason="Bengali plots need matplotlib >= 3.11")
def test_plot_language_bengali_on_new_matplotlib():
    assert plot_language("bn") == "bn"
    assert plot_language("en") == "en"
    set_language("bn")
    assert plot_language() == "bn"


def test_plot_language_falls_back_to_english_on_old_matplotlib(monkeypatch):
    monkeypatch.setattr(matplotlib, "__version__", "3.10.0")
    assert plot_language("bn") == "en"
    fig = plot_history(HISTORY, lang="bn")
    assert labels(fig)[0][:3] == ("Loss per epoch", "epoch", "loss")


@pytest.mark.parametrize(("version", "expected"), [("3.10.0", (3, 10)), ("3.11.0rc1", (3, 11)), ("4.0", (4, 0)),
                                                   ("3.11.2.dev5+g1234", (3, 11))])
def test_version_tuple(version, expected):
    assert plots._version_tuple(version) == expected


def test_plot_language_rejects_unknown():
    with pytest.raises(ValueError, match="অজানা ভাষা"):
        plot_language("fr")


def test_plot_history_in_english():
    fig = plot_history(HISTORY, lang="en")
    assert labels(fig) == [("Loss per epoch", "epoch", "loss", ["train", "validation"]),
                           ("Accuracy per epoch", "epoch", "accuracy", ["train", "validation"])]
    fig.canvas.draw()
    ax = fig.axes[0]
    left, right = ax.get_xlim()
    assert [tick for tick in ax.get_xticks() if left <= tick <= right] == [1, 2, 3]  # whole epochs, from 1
    assert list(ax.lines[0].get_xdata()) == [1, 2, 3]
    assert list(fig.axes[0].lines[0].get_ydata()) == HISTORY["train_loss"]


@pytest.mark.skipif(not NEW_ENOUGH, reason="Bengali plots need matplotlib >= 3.11")
def test_plot_history_in_bengali_follows_set_language():
    set_language("bn")
    fig = plot_history(HISTORY)
    assert labels(fig) == [("প্রতি ইপকে লস", "ইপক", "লস", ["ট্রেন", "ভ্যালিডেশন"]),
                           ("প্রতি ইপকে সঠিকতা", "ইপক", "সঠিকতা", ["ট্রেন", "ভ্যালিডেশন"])]


def test_plot_digits_titles_in_both_languages():
    images, labels, preds = torch.rand(2, 1, 28, 28), torch.tensor([4, 9]), torch.tensor([4, 7])
    for lang in ("en", "bn") if NEW_ENOUGH else ("en",):
        titles = [ax.get_title() for ax in plot_digits(images, labels, predictions=preds, lang=lang).axes]
        assert titles == [f"{t('plot.label', lang, label=y)}\n{t('plot.prediction', lang, label=p)}"
                          for y, p in ((4, 4), (9, 7))]
        assert [ax.get_title() for ax in plot_digits(images, labels, lang=lang).axes] == [
            t("plot.label", lang, label=4), t("plot.label", lang, label=9)]
    assert titles[0].startswith("লেবেল 4") if NEW_ENOUGH else titles[0].startswith("label 4")


def test_plot_digits_takes_tensors_without_warnings():
    """Notebook cells show every warning on stderr: drawing a batch of tensors must not emit any."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = plot_digits(torch.rand(2, 1, 28, 28), torch.tensor([4, 9]), lang="en")
        fig.savefig(io.BytesIO(), format="png")
    assert [str(w.message)[:100] for w in caught] == []


def test_plot_curves_single_curve_has_no_legend():
    ax = plot_curves({"plot.train": [3.0, 2.0, 1.0]}, lang="en", logy=True, title="my title")
    assert ax.get_legend() is None and ax.get_yscale() == "log" and ax.get_title() == "my title"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("step (batch)", "loss")


def draw_history():
    return plot_history(HISTORY, lang="bn")  # its tight_layout already measures the text


def draw_curves():
    ax = plot_curves({"plot.train": [3.0, 2.0], "plot.val": [3.5, 2.5]}, title="plot.loss_title", lang="bn")
    return ax.figure


def draw_digits():
    images, labels = torch.zeros(3, 1, 28, 28), torch.tensor([1, 2, 3])
    return plot_digits(images, labels, predictions=torch.tensor([1, 7, 3]), lang="bn")


@pytest.mark.skipif(not NEW_ENOUGH, reason="Bengali plots need matplotlib >= 3.11")
@pytest.mark.parametrize("draw", [draw_curves, draw_history, draw_digits])
def test_bengali_plot_renders_without_missing_glyphs(draw, caplog):
    """A first Bengali plot (rcParams fresh, as in a new session) lays out and saves with every glyph found."""
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING, logger="matplotlib"):
        warnings.simplefilter("always")
        fig = draw()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
    assert buffer.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    problems = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    assert not [p for p in problems if "glyph" in p.lower() or "missing" in p.lower() or "font" in p.lower()]


def test_bundled_font_exists_and_is_registered():
    assert FONT_FILE.is_file() and FONT_FILE.stat().st_size > 50_000
    assert (FONT_FILE.parent / "OFL.txt").is_file()  # the licence ships with the font
    # The file really is the family plots ask for (this machine may also have a system copy of it).
    assert font_manager.ttfFontProperty(ft2font.FT2Font(str(FONT_FILE))).name == BENGALI_FONT
    if not NEW_ENOUGH:
        pytest.skip("the font is registered only where Bengali is drawn")
    plot_language("bn")
    assert BENGALI_FONT in {f.name for f in font_manager.fontManager.ttflist}
    # Glyph-by-glyph fallback only walks the families listed in font.family.
    assert BENGALI_FONT in matplotlib.rcParams["font.family"]
    found = font_manager.findfont(font_manager.FontProperties(family=BENGALI_FONT), fallback_to_default=False)
    assert found.endswith(".ttf")
    plot_language("bn")  # a second call does not add the family twice
    assert matplotlib.rcParams["font.family"].count(BENGALI_FONT) == 1


# Legible when projected (issue 13): a notebook shows an inline PNG at its pixel size, shrunk to fit the
# column; about 900 px on GitHub and in JupyterLab at 1080p x 1.5. Sharp there means at least 1.5 PNG pixels
# per displayed pixel (the device-pixel ratio of 1.5); legible means every text at least 10 px tall on screen.
COLUMN_PX, PIXEL_RATIO, MIN_TEXT_PX = 900, 1.5, 10.0


def draw_digits_row():
    return plot_digits(torch.zeros(8, 1, 28, 28), torch.arange(8), predictions=torch.arange(8), lang="bn")


def on_screen(fig) -> tuple[float, float, list[tuple[str, float]]]:
    """(PNG width, PNG pixels per displayed pixel, (text, height on screen) of every text) of `fig` as inline."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight")  # what the inline backend does
    width = int.from_bytes(buffer.getvalue()[16:20], "big")  # the PNG header's width
    shown = min(width, COLUMN_PX)
    renderer = fig.canvas.get_renderer()
    titles = {id(ax.title) for ax in fig.axes}
    texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()
             and (t.axes is None or t.axes.axison or id(t) in titles)]  # axis("off") hides its tick labels
    heights = [(t.get_text(), t.get_window_extent(renderer).height * shown / width) for t in texts]
    return width, width / shown, heights


def draw_lesson_figure():
    """The widest figure a lesson draws itself after helpers.plot_language() (lesson 03: three panels, 13 in)."""
    lang = plot_language("bn")
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.5), sharey=True)
    for ax, title in zip(axes, ("l03.underfit", "l03.overfit", "l03.good")):
        plot_curves({"plot.train": [2.0, 1.0, 0.5], "plot.val": [2.1, 1.2, 0.9]}, xlabel="plot.epoch", title=title,
                    lang=lang, ax=ax)
    fig.tight_layout()
    return fig


@pytest.mark.parametrize("draw", [draw_curves, draw_history, draw_digits, draw_digits_row, draw_lesson_figure])
def test_figures_stay_sharp_and_legible_when_projected(draw):
    width, density, heights = on_screen(draw())
    assert density >= PIXEL_RATIO, f"{width} px shown at {min(width, COLUMN_PX)} px: soft at 1080p x 1.5"
    assert heights and min(h for _, h in heights) >= MIN_TEXT_PX, sorted(heights, key=lambda x: x[1])[:3]


def test_plot_language_sets_the_projector_style():
    plot_language("en")
    assert all(matplotlib.rcParams[key] == value for key, value in plots.PROJECTOR_STYLE.items())
    fig = plt.figure()  # a lesson's own figure, drawn after the call, gets it too
    assert fig.dpi == plots.PROJECTOR_STYLE["figure.dpi"]


def test_coinciding_curves_stay_visible_and_a_long_run_shows_no_epoch_0():
    ax = plot_curves({"Adam": [1.0, 0.5] * 15, "AdamW": [1.0, 0.5] * 15}, xlabel="plot.epoch", lang="en")
    assert len({line.get_linestyle() for line in ax.lines}) == 2  # the second curve does not hide the first
    ax.figure.canvas.draw()
    left, right = ax.get_xlim()
    ticks = [tick for tick in ax.get_xticks() if left <= tick <= right]
    assert ticks and min(ticks) >= 1 and all(float(tick).is_integer() for tick in ticks)
    steps = plot_curves({"loss": [1.0, 0.9, 0.8]}, lang="en")  # steps count from 0
    assert list(steps.lines[0].get_xdata()) == [0, 1, 2]
