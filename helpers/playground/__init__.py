"""The playground (lesson 10): the course's one loop, driven live, forked and compared. A package by concern:

    controller.py   Controller: one State, the requests (set, start, pause, resume, stop, reset, fork, switch)
    training.py     Trainer: one Start over the engine's `Run.epoch()`, the per-step hook, the nan restore point
    controls.py     the six controls: checks, the values in use, the changes waiting for the loop
    branches.py     fork and compare: Branch, the branches of a run, what each one changed
    snapshot.py     a copy of everything that decides the next steps (weights, optimizer, RNG, data order)
    runner.py       where a run trains (a thread, or here) and the gate between two steps
    polling.py      Colab's poll mode
    setup.py        the default model and data (DigitClassifier on the digits)
    history.py      State, Message, PlaygroundHistory
    status.py       the status line and the progress bar's numbers
    chart.py        the live chart, `plot`, `plot_branches`
    health_panel.py the live per-layer health table (numbers from helpers.health)
    view.py         Playground: the ipywidgets view (imports the controller, never the other way round)
    messages.py     the pg.* texts in English and Bengali

`from helpers.playground import Playground` works without importing ipywidgets until it is asked for.
"""

from __future__ import annotations

from . import messages  # noqa: F401  (registers the pg.* texts)
from .branches import MAX_BRANCHES, Branch
from .chart import CHART_DPI, CHART_SIZE, chart_png, draw_chart, plot, plot_branches
from .controller import Controller
from .controls import CONTROLS, LR_MAX, LR_MIN, OPTIMIZERS, shown
from .history import Message, PlaygroundHistory, State
from .polling import default_mode
from .status import progress, status_line


def __getattr__(name: str):
    """`Playground` (the widgets) is imported when asked for: ipywidgets stays unloaded until then."""
    if name == "Playground":
        from .view import Playground

        return Playground
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def show(**options):
    """Make a Playground and display it (lesson 10): the same as `display(Playground(**options))`."""
    from IPython.display import display

    from .view import Playground

    playground = Playground(**options)
    display(playground)
    return playground


__all__ = ["CHART_DPI", "CHART_SIZE", "CONTROLS", "LR_MAX", "LR_MIN", "MAX_BRANCHES", "OPTIMIZERS", "Branch",
           "Controller", "Message", "Playground", "PlaygroundHistory", "State", "chart_png", "default_mode",
           "draw_chart", "plot", "plot_branches", "progress", "shown", "show", "status_line"]
