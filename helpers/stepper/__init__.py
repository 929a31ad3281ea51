"""The line-by-line stepper (lesson 02): run the training loop one numbered line at a time and see what each line changed.

`helpers.Stepper` is this package's face: the controller, plus `show()` (the widget) and `plot()` (a
picture), which import their modules only when called. One concern per module; the views import the
controller, never the other way round:

    source.py      the loop's numbered lines, and the loop compiled without the skipped ones
    tracer.py      the helper thread that runs the loop and stops before each line
    record.py      StepRecord: what one line changed, in words (summary, table)
    recorder.py    comparing the state before and after a line, to make its StepRecord
    batches.py     what each batch did (loss, gradient norm, weight change) and what that says broke
    start.py       the starting point a restart puts back
    subscribers.py telling the views, once per action, that the stepper moved
    controller.py  Controller: step, step_to, next_batch, finish, restart
    panels.py      the widget's HTML, drawn from the controller's state
    widget.py      StepperView: the buttons and skip boxes (ipywidgets)
    picture.py     draw_state: the same state as a matplotlib figure
    messages.py    every "step." text, in English and Bengali
"""

from __future__ import annotations

from typing import Any

from .batches import BatchStats, findings
from .controller import Controller
from .record import StepRecord, TensorInfo, per_layer
from .source import LoopSource, check_label, read_loop


class Stepper(Controller):
    """The stepper lessons 02 and 07 use: the controller, with its widget and its picture (lesson 02)."""

    def show(self) -> Any:
        """Display the widget (Next line, Next batch, Run to end, Restart) and return it (lesson 02)."""
        from .widget import show

        return show(self)

    def plot(self, *, lang: str | None = None) -> Any:
        """A picture of the state: the code with the line that just ran, gradients and weight change per layer."""
        from .picture import draw_state

        return draw_state(self, lang=lang or self.lang)


__all__ = ["BatchStats", "Controller", "LoopSource", "StepRecord", "Stepper", "TensorInfo", "check_label",
           "findings", "per_layer", "read_loop"]
