"""One driver for a real Jupyter kernel, spoken to as a browser speaks to it (widget protocol 2.x).

Used by the playground's and the stepper's kernel tests (tests/test_playground.py, tests/test_stepper_kernel.py).
The kernel is this environment's own: ipywidgets 8 in .venv; ipywidgets 7.7.1 and ipykernel 6.17.1 in the
Colab-pinned environment (.ci/colab-constraints.txt). The driver sends what a browser sends (a click, a moved
slider, a ticked box) and keeps the last state of every widget the kernel sends back: what a learner would see.

Two ways to wait, one per kind of widget:
- `settle=True` (the stepper: it only acts on a message): every message is awaited until the kernel is idle again.
- `settle=False` (the playground: it trains in a thread, or in Colab's poll mode inside a running cell): a message
  is sent and the test waits for the widget it cares about with `wait_for_update`.
"""

from __future__ import annotations

import ast
import queue
import time


class Kernel:
    """A kernel of this environment; it keeps the last state of each widget as the browser would."""

    def __init__(self, *, settle: bool, timeout: float = 180):
        from jupyter_client.manager import start_new_kernel

        self.settle, self.timeout = settle, timeout
        self.km, self.kc = start_new_kernel(kernel_name="python3")
        self.kc.execute("1", reply=True, timeout=120)
        self.state: dict[str, dict] = {}

    def run(self, code: str, **expressions: str) -> dict:
        """Run a cell; return the values of `expressions` (Python literals) evaluated after it."""
        reply = self.kc.execute(code, reply=True, timeout=self.timeout, user_expressions=expressions)
        assert reply["content"]["status"] == "ok", reply["content"]
        if self.settle:
            self._collect(reply["parent_header"]["msg_id"])
        found = reply["content"]["user_expressions"]
        assert all(v["status"] == "ok" for v in found.values()), found
        return {k: ast.literal_eval(v["data"]["text/plain"]) for k, v in found.items()}

    def send(self, comm_id: str, data: dict) -> None:
        """Send one comm message (and, when settling, wait until the kernel has handled it)."""
        msg = self.kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
        self.kc.shell_channel.send(msg)
        if self.settle:
            self._collect(msg["header"]["msg_id"])

    def click(self, comm_id: str) -> None:
        """What the browser sends when a button is pressed (ipywidgets 7 and 8)."""
        self.send(comm_id, {"method": "custom", "content": {"event": "click"}})

    def update(self, comm_id: str, value) -> None:
        """What the browser sends when a learner moves a slider, types a value or ticks a box."""
        self.send(comm_id, {"method": "update", "state": {"value": value}, "buffer_paths": []})

    def value(self, comm_id: str):
        """The widget's value as the browser last heard it."""
        return self.state[comm_id]["value"]

    def wait_for_update(self, comm_id: str, timeout: float = 60) -> None:
        """Until the kernel sends a state update of widget `comm_id` (e.g. the progress bar moved)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = self._next()
            if msg is not None and msg["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == comm_id:
                return
        raise AssertionError("the widget never updated")

    def _next(self) -> dict | None:
        """The next iopub message (its widget state kept), or None after a second of silence."""
        try:
            msg = self.kc.get_iopub_msg(timeout=1)
        except queue.Empty:
            return None
        content, kind = msg["content"], msg["msg_type"]
        if kind == "comm_open" and "state" in content.get("data", {}):
            self.state.setdefault(content["comm_id"], {}).update(content["data"]["state"])
        elif kind == "comm_msg" and content["data"].get("method") in ("update", "echo_update"):
            self.state.setdefault(content["comm_id"], {}).update(content["data"]["state"])
        elif kind == "error" and self.settle:
            raise AssertionError("\n".join(content["traceback"]))
        return msg

    def _collect(self, msg_id: str) -> None:
        """Read iopub until the kernel is idle after `msg_id`."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            msg = self._next()
            if (msg is not None and msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"
                    and msg["parent_header"].get("msg_id") == msg_id):
                return
        raise AssertionError("the kernel never became idle")

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)
