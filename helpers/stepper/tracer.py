"""Running the loop one line at a time (lesson 02): a helper thread that Python's line tracer stops before each statement.

The notebook's thread and this helper thread take turns, never run at once: `resume()` lets the loop
run to its next stop and waits for its report. So torch's per-thread state (autocast, no_grad) entered
inside the loop stays inside it, and the model changes exactly as in the plain loop.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable
from typing import Any

from .source import LoopSource


class Abandoned(BaseException):
    """Raised inside the loop's thread to end it when the stepper restarts or is forgotten."""


class Worker:
    """Runs the loop in a daemon thread that waits before each statement until told to go on (lesson 02).

    `on_header(local_variables)` is called, in the loop's thread, each time the batch loop's header runs:
    before every batch and once more when no batch is left. It is called at full speed too ('free').
    """

    def __init__(self, loop: LoopSource, args: tuple, kwargs: dict[str, Any], *,
                 on_header: Callable[[dict[str, Any]], None] | None = None):
        self.code, self.stops, self.comebacks = loop.code, loop.stops, loop.comebacks
        self.header = None if loop.loop_lines is None else loop.loop_lines[0]
        self.on_header = on_header
        self.commands: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.reports: queue.SimpleQueue[tuple[str, Any, Any]] = queue.SimpleQueue()
        self.free = self.abandoned = False
        self.awaiting = True  # the first report (a stop before the first numbered line) is on its way
        self._last_line: int | None = None
        # The thread holds the loop's arguments, never the Stepper, so a forgotten Stepper can end it.
        self.thread = threading.Thread(target=self._run, args=(loop.function, args, kwargs), daemon=True,
                                       name="helpers-stepper")
        self.thread.start()

    def _run(self, function: Callable, args: tuple, kwargs: dict[str, Any]) -> None:
        sys.settrace(self._on_call)  # this thread only; the notebook's own thread is never traced
        try:
            result = function(*args, **kwargs)
        except Abandoned:
            return
        except BaseException as error:  # the learner's own mistake: handed to the notebook's thread
            self.reports.put(("error", None, error))
        else:
            self.reports.put(("done", None, result))
        finally:
            sys.settrace(None)

    def _on_call(self, frame, event: str, arg: Any):
        return self._on_line if frame.f_code is self.code else None  # only the loop's own lines

    def _on_line(self, frame, event: str, arg: Any):
        if self.abandoned:
            raise Abandoned
        if event != "line":
            return self._on_line
        line, last = frame.f_lineno, self._last_line
        self._last_line = line
        # A line repeats itself inside a comprehension; a `with` line comes back to run __exit__.
        if line not in self.stops or line == last or last in self.comebacks.get(line, ()):
            return self._on_line
        if line == self.header and self.on_header is not None:
            self.on_header(frame.f_locals)
        if not self.free:
            self._pause(line, dict(frame.f_locals))
        return self._on_line

    def _pause(self, line: int, local: dict[str, Any]) -> None:
        """Report where the loop stands and wait for the notebook's thread to say go on."""
        self.reports.put(("paused", line, local))
        command = self.commands.get()
        if command == "abandon":
            self.abandoned = True
            raise Abandoned
        self.free = command == "free"

    def resume(self, command: str = "go") -> tuple[str, Any, Any]:
        """Let the loop run to its next stop (or to the end, with 'free'); wait for its report."""
        if not self.awaiting:
            self.commands.put(command)
            self.awaiting = True
        while True:
            try:
                report = self.reports.get(timeout=0.2)  # a timeout keeps Ctrl-C / interrupt working here
            except queue.Empty:
                continue
            self.awaiting = False
            return report

    def abandon(self, *, wait: bool = False) -> None:
        """End the thread: the loop raises Abandoned at its next line and unwinds."""
        if self.thread.is_alive():
            self.abandoned = True
            self.commands.put("abandon")
            if wait:
                self.thread.join()
