"""The playground's widgets (lesson 10): a thin ipywidgets view over `helpers.playground.Controller`.

The view builds the controls, forwards every widget event to the controller, and redraws from the
controller's state when the controller says something changed; it decides nothing itself. Its texts
are the "pg." messages in helpers.playground. Only APIs that ipywidgets 7.7.1 (Colab) and 8 share.

Two ways to run, picked by `mode='auto'`:
- 'thread' (JupyterLab, classic Notebook, VS Code): training runs in a background thread, so the
  kernel stays free to receive the widgets' messages; the thread only changes widget values.
- 'poll' (Google Colab, where widget updates sent from a thread never show, colabtools issue 3373):
  training runs in the main thread and, between steps, `ui_poll` lets the kernel handle the waiting
  widget messages (jupyter_ui_poll), so the sliders still reach the loop.

The log is an HTML widget whose box is a `column-reverse` flex container: its scroll position counts
from the bottom, so a box at the bottom shows each new line as it arrives, and a box the learner
scrolled up stays scrolled up (an Output widget re-renders from the top whenever its outputs change).
"""

from __future__ import annotations

import contextlib
import html
import math
import time
from typing import Any

from .i18n import t
from .playground import CONTROLS, LR_MAX, LR_MIN, OPTIMIZERS, Controller, chart_png, default_mode, plot

STATUS_COLOURS = {"info": "#333", "warning": "#b00"}  # a confirmation is neutral; a refusal or warning is red
LOG_STYLE = "margin:0;font-size:12.5px;line-height:1.35;white-space:pre-wrap;font-family:monospace"
CHART_WIDTH_PX = 900  # CSS px: the PNG has 1.5 pixels per CSS px (CHART_DPI 150 for 9 inches)


@contextlib.contextmanager
def ui_poll():
    """Colab's poll mode: a function that lets the kernel handle up to 20 waiting widget messages."""
    from IPython import get_ipython
    from jupyter_ui_poll import ui_events

    kernel = getattr(get_ipython(), "kernel", None)
    if not hasattr(kernel, "do_one_iteration"):  # plain Python, or ipykernel 7+ (use mode='thread' there)
        raise RuntimeError("no kernel loop to poll")
    with ui_events() as poll:
        yield lambda force: poll(20)


class Playground:
    """Widgets that drive the course's loop while it runs: LR, batch size, log interval, optimizer... (lesson 10).

    `pg.controller` does the work (see helpers.playground.Controller); `pg.model`, `pg.history`,
    `pg.start()`, `pg.set(...)` and the rest are the controller's, reached through the view.
    """

    def __init__(self, model=None, train_loader=None, val_loader=None, *, mode: str = "auto",
                 refresh_s: float = 0.35, max_log_lines: int = 200, **options: Any):
        from .i18n import check_language, get_language

        lang = check_language(options.get("lang") or get_language())
        if mode not in ("auto", "thread", "poll"):
            raise ValueError(t("pg.msg.bad_mode", lang, value=mode))
        self.mode = default_mode() if mode == "auto" else mode
        self.refresh_s, self.max_log_lines = refresh_s, max_log_lines
        self.controller = Controller(model, train_loader, val_loader, background=self.mode == "thread",
                                     poller=ui_poll if self.mode == "poll" else None, **options)
        self.lang = self.controller.lang
        self._syncing = False  # True while the view writes the controller's values into the widgets
        self._last_refresh = 0.0
        self._build_ui()
        self.controller.listen(self._changed)
        self._redraw()

    # ---- the widgets -------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        import ipywidgets as w  # only the APIs ipywidgets 7.7.1 (Colab) and 8.x share

        c, lang, wide = self.controller, self.lang, {"description_width": "initial"}
        cuda = c.device.type == "cuda"
        epochs = c.settings["epochs"]
        self.controls = {
            "lr": w.FloatLogSlider(value=c.settings["lr"], base=10, min=math.log10(LR_MIN), max=math.log10(LR_MAX),
                                   step=0.1, readout_format=".1e", continuous_update=False,
                                   description=t("pg.lr", lang), style=wide, layout=w.Layout(width="400px")),
            "optimizer": w.Dropdown(options=list(OPTIMIZERS), value=c.settings["optimizer"],
                                    description=t("pg.optimizer", lang), style=wide, layout=w.Layout(width="230px")),
            "amp": w.Checkbox(value=c.settings["amp"], indent=False, disabled=not cuda,
                              description=t("pg.amp" if cuda else "pg.amp_cuda_only", lang),
                              layout=w.Layout(width="200px")),
            "batch_size": w.Text(value=str(c.settings["batch_size"]), description=t("pg.batch_size", lang),
                                 style=wide, layout=w.Layout(width="170px")),
            "log_interval": w.Text(value=str(c.settings["log_interval"]), description=t("pg.log_interval", lang),
                                   style=wide, layout=w.Layout(width="170px")),
            "epochs": w.Text(value="∞" if epochs is None else str(epochs), placeholder=t("pg.epochs_hint", lang),
                             description=t("pg.epochs", lang), style=wide, layout=w.Layout(width="240px")),
        }
        for name, control in self.controls.items():
            if control.has_trait("continuous_update"):
                control.continuous_update = False  # a typed value arrives on Enter, not at every keystroke
            control.observe(self._observer(name), names="value")
        self.buttons = {
            "start": w.Button(description=t("pg.start", lang), button_style="success", icon="play"),
            "pause": w.Button(description=t("pg.pause", lang), button_style="warning", icon="pause"),
            "resume": w.Button(description=t("pg.resume", lang), button_style="info", icon="step-forward"),
            "stop": w.Button(description=t("pg.stop", lang), button_style="danger", icon="stop"),
            "reset": w.Button(description=t("pg.reset", lang), icon="refresh", tooltip=t("pg.reset_tip", lang)),
        }
        for name, button in self.buttons.items():
            button.layout.width = "108px"
            button.on_click(self._clicker(name))
        self.progress_bar = w.IntProgress(value=0, min=0, max=1, description=t("pg.progress", lang), style=wide,
                                      layout=w.Layout(width="220px"))
        self.status_line = w.HTML(layout=w.Layout(min_height="44px"))
        self.chart = w.Image(format="png", layout=w.Layout(width="100%", max_width=f"{CHART_WIDTH_PX}px"))
        # The log: an HTML widget in a box that scrolls from the bottom (see the module's docstring).
        self.log_box = w.HTML(layout=w.Layout(height="112px", overflow="auto", display="flex", flex_flow="column-reverse",
                                          border="1px solid #ccc", max_width=f"{CHART_WIDTH_PX}px"))
        self.log_box.add_class("pg-log")
        row = dict(layout=w.Layout(flex_flow="row wrap", align_items="center"))
        self.widget = w.VBox([
            w.HTML(f"<b>{html.escape(t('pg.title', lang))}</b>"),
            w.HBox([self.controls[n] for n in ("lr", "optimizer", "amp")], **row),
            w.HBox([self.controls[n] for n in ("batch_size", "log_interval", "epochs")], **row),
            w.HBox([*self.buttons.values(), self.progress_bar], **row),
            self.status_line, self.chart, self.log_box,
        ], layout=w.Layout(width="100%", max_width=f"{CHART_WIDTH_PX + 20}px"))
        self.widget.add_class("pg-playground")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def __repr__(self) -> str:
        c = self.controller
        return f"Playground(mode={self.mode!r}, state={c.state.value!r}, steps={c.history.steps})"

    # ---- from the widgets to the controller -----------------------------------------------------------
    def _observer(self, name: str):
        def changed(change: dict) -> None:
            if self._syncing:
                return
            try:
                self.controller.set(**{name: change["new"]})  # refused: the sync puts the good value back
            except Exception as error:  # a widget callback must never raise into the kernel
                self.controller.log(t("pg.msg.error", self.lang, reason=str(error)))
        return changed

    def _clicker(self, name: str):
        return lambda _button: getattr(self.controller, name)()

    # ---- from the controller to the widgets -----------------------------------------------------------
    def _changed(self, what: str) -> None:
        """The controller changed: settings and state at once, the step's numbers at most every refresh_s."""
        if what == "settings":
            self._sync_controls()
        elif what in ("state", "message", "closed"):
            self._show_status()
            if what != "message":
                self._redraw()
        elif what == "log" and not self.controller.running:
            self._redraw()
        elif what == "step":
            now = time.perf_counter()
            if now - self._last_refresh >= self.refresh_s:
                began = time.perf_counter()
                self._redraw()
                # Keep drawing under about a quarter of the time: on a busy machine the chart is redrawn less often.
                self._last_refresh = now + 3 * (time.perf_counter() - began)

    def _sync_controls(self) -> None:
        self._syncing = True
        try:
            for name in CONTROLS:
                value, control = self.controller.current(name), self.controls[name]
                if name in ("batch_size", "log_interval", "epochs"):
                    value = "∞" if value is None else str(value)
                if control.value != value:
                    control.value = value
        finally:
            self._syncing = False

    def _show_status(self) -> None:
        c = self.controller
        facts = html.escape(f"{c.status()} · {t(f'pg.mode.{self.mode}', self.lang)}")
        text, kind = c.message
        line = f"<br><span style='color:{STATUS_COLOURS[kind]}'>{html.escape(text)}</span>" if text else ""
        self.status_line.value = f"<span style='font-size:14px'>{facts}{line}</span>"
        if c.closed:
            for control in (*self.controls.values(), *self.buttons.values()):
                control.disabled = True

    def _redraw(self) -> None:
        c = self.controller
        done, total = c.progress()
        self.progress_bar.max = total
        self.progress_bar.value = min(done, total)
        self._show_status()
        lines = c.history.log[-self.max_log_lines:]
        self.log_box.value = f"<pre style='{LOG_STYLE}'>{html.escape(chr(10).join(lines))}</pre>"
        self.chart.value = chart_png(c.history, lang=self.lang)

    # ---- the controller's requests and facts, through the view -------------------------------------------
    def __getattr__(self, name: str) -> Any:
        """pg.start(), pg.history, pg.model ...: everything else is the controller's."""
        if name.startswith("_") or name == "controller":
            raise AttributeError(name)
        return getattr(self.controller, name)

    def plot(self, *, lang: str | None = None):
        """The live chart as a pyplot figure, for a static picture in the notebook (lesson 10)."""
        return plot(self.controller.history, lang=lang or self.lang)

    def chart_png(self) -> bytes:
        return chart_png(self.controller.history, lang=self.lang)


__all__ = ["Playground", "ui_poll"]
