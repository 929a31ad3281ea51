"""The stepper's widget (lesson 02): buttons and skip boxes over a Stepper, which has no widgets.

It is driven by its buttons only, with no background thread: a click runs one line (or a batch, or
the rest) in the click's own handler. So it behaves the same in JupyterLab and in Colab, with
ipywidgets 7.7.1 and 8. It subscribes to the stepper, so steps made from code (`stepper.step_to(10)`
in a later cell) redraw it too: the arrow always marks the line the next click runs.
"""

from __future__ import annotations

import html

from ..i18n import t
from .controller import Controller
from .panels import code_html, panel_html

# Buttons and skip boxes at 15 px instead of ipywidgets' 13 px, for a projector; scoped to the stepper.
WIDGET_CSS = (".step-stepper .widget-button, .step-stepper .jupyter-button, .step-stepper .widget-checkbox "
              "{font-size:15px}")


class StepperView:
    """Buttons and skip boxes over a Stepper; every click runs in the click's handler (lesson 02)."""

    def __init__(self, stepper: Controller):
        import ipywidgets as w  # only what ipywidgets 7.7.1 (Colab) and 8 share

        self.stepper, lang = stepper, stepper.lang
        stepper.echo = False  # printed lines go to the panel: a click's prints would land in the log console
        self.message, self._clicked, self._syncing = "", False, False
        self.buttons = {
            "next_line": w.Button(description=t("step.ui.next_line", lang), button_style="primary"),
            "next_batch": w.Button(description=t("step.ui.next_batch", lang)),
            "run_to_end": w.Button(description=t("step.ui.run_to_end", lang)),
            "restart": w.Button(description=t("step.ui.restart", lang), button_style="warning"),
        }
        for name, button in self.buttons.items():
            button.layout = w.Layout(width="170px")
            button.on_click(self._handler(name))
        self.skips = {label: w.Checkbox(value=label in stepper.skip, description=str(label), indent=False,
                                        layout=w.Layout(width="50px")) for label in stepper.source.skippable()}
        for box in self.skips.values():
            box.observe(self._box_changed, names="value")
        self.code = w.HTML(layout=w.Layout(flex="0 0 auto", margin="0 12px 8px 0"))
        self.panel = w.HTML(layout=w.Layout(flex="1 1 400px", min_width="360px", max_width="640px"))
        skip_row = w.HBox([w.HTML(f"<b>{html.escape(t('step.ui.skip', lang))}</b>&nbsp;"), *self.skips.values()],
                          layout=w.Layout(flex_flow="row wrap"))
        # Beside the code where there is room (a projector); where there is not (a laptop), the explanation
        # goes right under the buttons: 'wrap-reverse' stacks the second item (the panel) above the first.
        # Its cross axis runs upwards, so 'flex-end' aligns the two tops when they sit side by side.
        main = w.HBox([self.code, self.panel], layout=w.Layout(flex_flow="row wrap-reverse", align_items="flex-end"))
        self.widget = w.VBox([
            w.HTML(f"<style>{WIDGET_CSS}</style><b style='font-size:18px'>{html.escape(t('step.ui.title', lang))}</b>"),
            w.HBox(list(self.buttons.values()), layout=w.Layout(flex_flow="row wrap")),
            skip_row,
            main,
        ])
        self.widget.add_class("step-stepper")
        for part, name in ((self.code, "step-code"), (self.panel, "step-panel"), (self.widget.children[1], "step-buttons")):
            part.add_class(name)  # for the browser test's measurements
        stepper.subscribe(self._stepper_changed)
        self.refresh()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        self.refresh()  # drawn from the stepper as it is now, whatever ran since the view was made
        display(self.widget)

    def _handler(self, name: str):
        return lambda _button: self._safely(getattr(self, name))

    def _safely(self, action) -> None:
        """Run a button's action; a mistake in the loop shows in the panel, not as a traceback."""
        self.message, self._clicked = "", True
        try:
            action()
        except Exception as error:  # the learner's loop may raise anything: show it, keep the widget alive
            if self.stepper.error is None:  # the loop's own error is shown with the epoch's end
                self.message = t("step.ui.error", self.stepper.lang, error=f"{type(error).__name__}: {error}")
        finally:
            self._clicked = False
        self.refresh()

    def _box_changed(self, change: dict) -> None:
        if not self._syncing:  # ticked by the learner, not by refresh() following a restart made from code
            self._safely(self.apply_skips)

    def _stepper_changed(self) -> None:
        """The stepper moved: from code, an old message no longer applies; a click redraws when it is done."""
        if not self._clicked:
            self.message = ""
            self.refresh()

    def next_line(self) -> None:
        self.stepper.step()

    def next_batch(self) -> None:
        self.stepper.next_batch()

    def run_to_end(self) -> None:
        self.stepper.finish()

    def restart(self) -> None:
        self.stepper.restart()
        self._say_restarted()

    def apply_skips(self) -> None:
        """Start again from the same weights without the ticked lines."""
        self.stepper.restart(skip=[label for label, box in self.skips.items() if box.value])
        self._say_restarted()

    def _say_restarted(self) -> None:
        skip, lang = self.stepper.skip, self.stepper.lang
        self.message = (t("step.ui.restarted", lang, lines=", ".join(map(str, skip))) if skip
                        else t("step.ui.restarted_all", lang))

    def refresh(self) -> None:
        """Redraw the buttons, the code and the panel from the stepper's state."""
        running = not self.stepper.done
        for name in ("next_line", "next_batch", "run_to_end"):
            self.buttons[name].disabled = not running
        self._syncing = True
        try:
            for label, box in self.skips.items():
                box.value = label in self.stepper.skip
        finally:
            self._syncing = False
        self.code.value = code_html(self.stepper)
        self.panel.value = panel_html(self.stepper, self.message)


def show(stepper: Controller) -> StepperView:
    """Display the stepper's widget (Next line, Next batch, Run to end, Restart) and return it (lesson 02)."""
    from IPython.display import display

    view = StepperView(stepper)
    display(view.widget)
    return view
