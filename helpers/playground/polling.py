"""Colab's poll mode (lesson 10): training in the main thread, letting the kernel read widget messages between steps.

In Google Colab widget updates sent from a background thread never show (colabtools issue 3373), so there the
playground trains in the main thread and, between steps, `ui_poll`'s function lets the kernel handle the widget
messages waiting for it (jupyter_ui_poll), so the sliders still reach the loop. Elsewhere: a background thread.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

PollFunction = Callable[[bool], None]


def default_mode() -> str:
    """'poll' in Google Colab (thread updates do not show there), else 'thread' (lesson 10)."""
    return "poll" if "google.colab" in sys.modules else "thread"


@contextlib.contextmanager
def ui_poll() -> Iterator[PollFunction]:
    """Colab's poll mode: a function that lets the kernel handle up to 20 waiting widget messages."""
    from IPython import get_ipython
    from jupyter_ui_poll import ui_events

    kernel = getattr(get_ipython(), "kernel", None)
    if not hasattr(kernel, "do_one_iteration"):  # plain Python, or ipykernel 7+ (use mode='thread' there)
        raise RuntimeError("no kernel loop to poll")
    with ui_events() as poll:
        yield lambda force: poll(20)


class Polling(AbstractContextManager):
    """One run's poller: `poll()` between steps, at most every 50 ms unless forced (a paused loop forces it)."""

    def __init__(self, poller: Callable[[], AbstractContextManager] | None, *, unavailable: Callable[[], None]):
        self.poller, self.unavailable = poller, unavailable
        self.context: AbstractContextManager | None = None
        self.function: PollFunction | None = None
        self.last = 0.0

    def __enter__(self) -> Polling:
        if self.poller is None:
            return self
        try:
            self.context = self.poller()
            self.function = self.context.__enter__()
        except Exception:  # no kernel, no jupyter_ui_poll, or ipykernel 7+: the controls are read at Start only
            self.context = self.function = None
            self.unavailable()
        return self

    def __exit__(self, *exc) -> None:
        if self.context is not None:
            self.context.__exit__(None, None, None)
        self.context = self.function = None

    def poll(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.function is not None and (force or now - self.last > 0.05):
            self.last = now
            self.function(force)
