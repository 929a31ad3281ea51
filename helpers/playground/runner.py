"""Where a playground's run trains, and the gate it passes between two steps (lesson 10).

In JupyterLab a background thread, so the kernel stays free to read the widgets' messages; in Colab (or with
`background=False`, e.g. in a script) the caller's thread, with Colab's poller between steps. Between two steps
the run passes the gate: it waits there while paused, and a stop request is read there.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

from .polling import Polling


class Runner:
    """The run's thread (or none), its pause gate, and the request to stop after the current step (lesson 10)."""

    def __init__(self, *, background: bool, poller: Callable[[], AbstractContextManager] | None,
                 step_delay: float, unavailable: Callable[[], None]):
        self.background, self.step_delay = background, step_delay
        self.polling = Polling(None if background else poller, unavailable=unavailable)
        self.open = threading.Event()  # cleared while paused
        self.open.set()
        self.stop_requested = False
        self.after_stop: Callable[[], None] | None = None  # Reset, Fork or a switch, once the run has stopped
        self.thread: threading.Thread | None = None

    def launch(self, train: Callable[[], None]) -> None:
        """A new run: in a thread of its own (background), or here, until it ends."""
        self.stop_requested, self.after_stop = False, None
        self.open.set()
        if self.background:
            self.thread = threading.Thread(target=self._polled, args=(train,), name="playground", daemon=True)
            self.thread.start()
        else:
            self._polled(train)

    def _polled(self, train: Callable[[], None]) -> None:
        with self.polling:
            train()

    def request_stop(self, then: Callable[[], None] | None) -> None:
        self.stop_requested, self.after_stop = True, then
        self.open.set()  # a paused loop must wake up to stop

    def take_after_stop(self) -> Callable[[], None] | None:
        then, self.after_stop = self.after_stop, None
        return then

    def gate(self, paused_here: Callable[[], None]) -> None:
        """Between two steps: the tests' delay, a wait while paused (saying where, once), Colab's poll."""
        if self.step_delay:
            time.sleep(self.step_delay)
        if not self.open.is_set():
            paused_here()
            while not self.open.wait(0.05):  # paused: the weights and the optimizer wait here
                self.polling.poll(force=True)
        self.polling.poll()

    def wait(self, running: Callable[[], bool], steps: Callable[[], int], timeout: float | None,
             step: int | None) -> bool:
        """Until the run ends (or has done `step` steps); True if that happened within `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while running() and (step is None or steps() < step):
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        thread = self.thread
        if step is None and thread is not None and thread is not threading.current_thread():
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))  # its last redraw
            return not thread.is_alive()
        return True
