"""The playground's widgets (lesson 10): a thin ipywidgets view over `helpers.playground.controller.Controller`.

The view builds the controls, forwards every widget event to the controller, and redraws from the controller's
state when the controller says something changed; it decides nothing itself. Its texts are the "pg." messages
(helpers.playground.messages). Only APIs that ipywidgets 7.7.1 (Colab) and 8 share.

Two ways to run, picked by `mode='auto'` (helpers.playground.polling): 'thread' (JupyterLab, classic Notebook,
VS Code) trains in a background thread, which only changes widget values; 'poll' (Google Colab) trains in the
main thread and lets the kernel read the widgets' messages between steps.

The log is an HTML widget whose box is a `column-reverse` flex container: its scroll position counts from the
bottom, so a box at the bottom shows each new line as it arrives, and a box the learner scrolled up stays
scrolled up (an Output widget re-renders from the top whenever its outputs change).

A refusal answers whoever asked: a click or a typed value gets its red message under the status line; a request
made from code returns False and leaves the reason in `pg.message` (so a cell that tries wrong values on purpose
leaves no red line under the widget).
"""

from __future__ import annotations

import html
import math
import time
from typing import Any

from ..i18n import check_language, get_language, t
from .chart import chart_png, other_branches, plot, plot_branches
from .controller import Controller
from .controls import CONTROLS, LR_MAX, LR_MIN, OPTIMIZERS
from .health_panel import HealthPanel
from .history import Message
from .polling import default_mode, ui_poll
from .status import progress, status_line

STATUS_COLOURS = {"info": "#333", "warning": "#b00"}  # a confirmation is neutral; a refusal or warning is red
LOG_STYLE = "margin:0;font-size:12.5px;line-height:1.35;white-space:pre-wrap;font-family:monospace"
CHART_WIDTH_PX = 900  # CSS px: the PNG has 1.5 pixels per CSS px (CHART_DPI 150 for 9 inches)
BUTTONS = {"start": ("success", "play"), "pause": ("warning", "pause"), "resume": ("info", "step-forward"),
           "stop": ("danger", "stop"), "reset": ("", "refresh"), "fork": ("", "code-fork")}


class Playground:
    """Widgets that drive the course's loop while it runs: LR, batch size, log interval, optimizer... (lesson 10).

    `pg.controller` does the work (helpers.playground.controller.Controller); the requests and facts a lesson
    uses are here as well: `pg.start()`, `pg.set(...)`, `pg.fork()`, `pg.switch(...)`, `pg.model`, `pg.history`...
    """

    def __init__(self, model=None, train_loader=None, val_loader=None, *, mode: str = "auto",
                 refresh_s: float = 0.35, max_log_lines: int = 200, health_every: int = 10, **options: Any):
        lang = check_language(options.get("lang") or get_language())
        if mode not in ("auto", "thread", "poll"):
            raise ValueError(t("pg.msg.bad_mode", lang, value=mode))
        self.mode = default_mode() if mode == "auto" else mode
        self.refresh_s, self.max_log_lines = refresh_s, max_log_lines
        self.controller = Controller(model, train_loader, val_loader, background=self.mode == "thread",
                                     poller=ui_poll if self.mode == "poll" else None, **options)
        self.lang = self.controller.lang
        self.health = HealthPanel(self.controller, every=health_every)
        self._syncing = False  # True while the view writes the controller's values into the widgets
        self._asking = False  # True while a widget's own request runs: its refusal is shown
        self._message = Message("")  # the line under the status
        self._last_refresh = 0.0
        self._build_ui()
        self.controller.listen(self._changed)
        self._redraw()

    # ---- the requests and facts of the controller, as the lesson uses them --------------------------------
    def set(self, **changes: Any) -> bool:
        """Change controls from code, as the widgets would (see Controller.set)."""
        return self.controller.set(**changes)

    def start(self, epochs: int | None = None, *, schedule: dict[int, dict[str, Any]] | None = None) -> bool:
        """Train; `schedule` scripts changes by step (see Controller.start)."""
        return self.controller.start(epochs, schedule=schedule)

    def pause(self) -> bool:
        return self.controller.pause()

    def resume(self) -> bool:
        return self.controller.resume()

    def stop(self) -> bool:
        return self.controller.stop()

    def reset(self) -> bool:
        return self.controller.reset()

    def fork(self, label: str | None = None) -> bool:
        """Copy the whole run at this step into a new branch (see Controller.fork)."""
        return self.controller.fork(label)

    def switch(self, branch: int | str) -> bool:
        return self.controller.switch(branch)

    def wait(self, timeout: float | None = None, *, step: int | None = None) -> bool:
        return self.controller.wait(timeout, step=step)

    model = property(lambda self: self.controller.model, doc="The model the playground trains.")
    history = property(lambda self: self.controller.history, doc="What the run recorded.")
    settings = property(lambda self: self.controller.settings, doc="The controls' values in use.")
    optimizer = property(lambda self: self.controller.optimizer, doc="The optimizer training uses now.")
    train_loader = property(lambda self: self.controller.train_loader)
    val_loader = property(lambda self: self.controller.val_loader)
    criterion = property(lambda self: self.controller.criterion)
    device = property(lambda self: self.controller.device)
    state = property(lambda self: self.controller.state, doc="idle, running, paused, finished, stopped, error.")
    message = property(lambda self: self.controller.message, doc="The answer to the last request.")
    running = property(lambda self: self.controller.running)
    closed = property(lambda self: self.controller.closed)
    branches = property(lambda self: self.controller.branches, doc="The branches of a forked run.")
    branch = property(lambda self: self.controller.branch, doc="The branch that trains now.")

    def plot(self, *, lang: str | None = None):
        """The live chart as a pyplot figure, for a static picture in the notebook (lesson 10)."""
        return plot(self.controller.history, lang=lang or self.lang, others=other_branches(self.controller))

    def plot_branches(self, *, lang: str | None = None, smooth: int = 20):
        """The branches of a forked run compared, as a pyplot figure (lesson 10)."""
        return plot_branches(self.controller, lang=lang or self.lang, smooth=smooth)

    def chart_png(self) -> bytes:
        return chart_png(self.controller.history, lang=self.lang, others=other_branches(self.controller))

    # ---- the widgets -------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        import ipywidgets as w  # only the APIs ipywidgets 7.7.1 (Colab) and 8.x share

        c, lang, wide = self.controller, self.lang, {"description_width": "initial"}
        cuda = c.device.type == "cuda"
        self.controls = {
            "lr": w.FloatLogSlider(value=c.settings["lr"], base=10, min=math.log10(LR_MIN), max=math.log10(LR_MAX),
                                   step=0.1, readout_format=".1e", continuous_update=False,
                                   description=t("pg.lr", lang), style=wide, layout=w.Layout(width="400px")),
            "optimizer": w.Dropdown(options=list(OPTIMIZERS), value=c.settings["optimizer"],
                                    description=t("pg.optimizer", lang), style=wide, layout=w.Layout(width="230px")),
            "amp": w.Checkbox(value=c.settings["amp"], indent=False, disabled=not cuda,
                              description=t("pg.amp" if cuda else "pg.amp_cuda_only", lang),
                              layout=w.Layout(width="200px")),
            **{name: w.Text(value=self._text(name), description=t(f"pg.{name}", lang), style=wide,
                            placeholder=t("pg.epochs_hint", lang) if name == "epochs" else "",
                            layout=w.Layout(width="190px" if name == "epochs" else "160px"))
               for name in ("batch_size", "log_interval", "epochs")},
        }
        for name, control in self.controls.items():
            if control.has_trait("continuous_update"):
                control.continuous_update = False  # a typed value arrives on Enter, not at every keystroke
            control.observe(self._observer(name), names="value")
        self.buttons = {name: w.Button(description=t(f"pg.{name}", lang), button_style=style, icon=icon,
                                       tooltip=t(f"pg.{name}_tip", lang) if name in ("reset", "fork") else "",
                                       layout=w.Layout(width="104px"))
                        for name, (style, icon) in BUTTONS.items()}
        for name, button in self.buttons.items():
            button.on_click(self._clicker(name))
        self.branch_menu = w.Dropdown(options=self._branch_options(), value=0, description=t("pg.branch", lang),
                                      style=wide, layout=w.Layout(width="330px"))
        self.branch_menu.observe(self._branch_chosen, names="value")
        self.progress_bar = w.IntProgress(value=0, min=0, max=1, description=t("pg.progress", lang), style=wide,
                                          layout=w.Layout(width="200px"))
        self.status_line = w.HTML(layout=w.Layout(min_height="44px"))
        self.status_line.add_class("pg-status")
        self.chart = w.Image(format="png", layout=w.Layout(width="100%", max_width=f"{CHART_WIDTH_PX}px"))
        # The log: an HTML widget in a box that scrolls from the bottom (see the module's docstring).
        self.log_box = w.HTML(layout=w.Layout(height="112px", overflow="auto", display="flex",
                                              flex_flow="column-reverse", border="1px solid #ccc", width="51%",
                                              min_width="360px"))
        self.log_box.add_class("pg-log")
        row = dict(layout=w.Layout(flex_flow="row wrap", align_items="center"))
        self.widget = w.VBox([
            w.HTML(f"<b>{html.escape(t('pg.title', lang))}</b>"),
            w.HBox([self.controls[n] for n in ("lr", "optimizer", "amp")], **row),
            w.HBox([*(self.controls[n] for n in ("batch_size", "log_interval", "epochs")), self.branch_menu], **row),
            w.HBox([*self.buttons.values(), self.progress_bar], **row),
            self.status_line, self.chart,
            w.HBox([self.log_box, self.health.widget()], layout=w.Layout(flex_flow="row wrap", align_items="flex-start",
                                                                         max_width=f"{CHART_WIDTH_PX}px")),
        ], layout=w.Layout(width="100%", max_width=f"{CHART_WIDTH_PX + 20}px"))
        self.widget.add_class("pg-playground")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def __repr__(self) -> str:
        c = self.controller
        return f"Playground(mode={self.mode!r}, state={c.state.value!r}, steps={c.history.steps})"

    # ---- from the widgets to the controller -----------------------------------------------------------
    def _asked(self, request) -> None:
        """Run a widget's own request: its refusal is shown in red; an error never reaches the kernel."""
        self._asking = True
        try:
            request()
        except Exception as error:  # a widget callback must never raise into the kernel
            self.controller.log(t("pg.msg.error", self.lang, reason=str(error)))
        finally:
            self._asking = False

    def _observer(self, name: str):
        def changed(change: dict) -> None:
            if not self._syncing:  # refused: the sync puts the good value back
                self._asked(lambda: self.controller.set(**{name: change["new"]}))
        return changed

    def _clicker(self, name: str):
        return lambda _button: self._asked(getattr(self.controller, name))

    def _branch_chosen(self, change: dict) -> None:
        if not self._syncing and change["new"] != self.controller.branch.index:
            self._asked(lambda: self.controller.switch(change["new"]))

    # ---- from the controller to the widgets -----------------------------------------------------------
    def _changed(self, what: str) -> None:
        """The controller changed: settings and state at once, the step's numbers at most every refresh_s."""
        if what == "settings":
            self._sync_controls()
        elif what == "refused":
            if self._asking:  # a request from code is answered in code (see the module's docstring)
                self._message = self.controller.message
                self._show_status()
        elif what in ("state", "message", "closed"):
            self._message = self.controller.message
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

    def _text(self, name: str) -> str:
        value = self.controller.current(name)
        return "∞" if value is None else str(value)

    def _branch_options(self) -> list[tuple[str, int]]:
        c = self.controller
        return [(f"{b.name}: {c.lineage.describe(b)}", b.index) for b in c.branches]

    def _sync_controls(self) -> None:
        self._syncing = True
        try:
            for name in CONTROLS:
                control = self.controls[name]
                value = self._text(name) if isinstance(control.value, str) else self.controller.current(name)
                if control.value != value:
                    control.value = value
            options = self._branch_options()
            if list(self.branch_menu.options) != options:
                self.branch_menu.options = options
            self.branch_menu.value = self.controller.branch.index
        finally:
            self._syncing = False

    def _show_status(self) -> None:
        c = self.controller
        facts = html.escape(f"{status_line(c)} · {t(f'pg.mode.{self.mode}', self.lang)}")
        text, kind = self._message
        line = f"<br><span style='color:{STATUS_COLOURS[kind]}'>{html.escape(text)}</span>" if text else ""
        self.status_line.value = f"<span style='font-size:14px'>{facts}{line}</span>"
        if c.closed:
            for control in (*self.controls.values(), *self.buttons.values(), self.branch_menu):
                control.disabled = True

    def _redraw(self) -> None:
        c = self.controller
        done, total = progress(c)
        self.progress_bar.max = total
        self.progress_bar.value = min(done, total)
        self._show_status()
        lines = c.history.log[-self.max_log_lines:]
        self.log_box.value = f"<pre style='{LOG_STYLE}'>{html.escape(chr(10).join(lines))}</pre>"
        self.chart.value = chart_png(c.history, lang=self.lang, others=other_branches(c))
        self.health.refresh()


__all__ = ["Playground"]
