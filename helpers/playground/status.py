"""What the status line and the progress bar say about a playground (lesson 10), in its language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..i18n import t
from .controls import shown
from .history import State

if TYPE_CHECKING:
    from .controller import Controller


def status_line(c: Controller) -> str:
    """The state, and which run and epoch the step count belongs to; steps per second only while it trains."""
    state = t(f"pg.state.{c.state.value}", c.lang)
    if not c.runs:
        return t("pg.status.idle", c.lang, state=state)
    values = dict(state=state, run=c.runs, epoch=c.epoch_in_run, of=shown("epochs", c.run_epochs),
                  step=c.history.steps)
    if c.state is State.RUNNING:  # paused, stopped or finished: no rate, nothing is moving
        return t("pg.status.running", c.lang, rate=c.trainer.rate(), **values)
    return t("pg.status.done", c.lang, **values)


def progress(c: Controller) -> tuple[int, int]:
    """(done, total) samples: of this run, or of this epoch when the run goes on until Stop."""
    if c.run_epochs is None:
        return c.trainer.epoch_seen, c.n_train
    total = c.run_epochs * c.n_train
    return min(c.trainer.run_samples, total), max(1, total)
