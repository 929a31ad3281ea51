"""helpers.playground (lesson 10): live controls on the course's one loop, in unit tests and in a real kernel."""

from __future__ import annotations

import ast
import queue
import threading
import time

import pytest
import torch
from torch import nn

pytest.importorskip("ipywidgets")

from helpers.data import TensorLoader  # noqa: E402
from helpers.i18n import t  # noqa: E402
from helpers.playground import Playground, default_mode  # noqa: E402


def tiny_playground(small_digits, **options) -> Playground:
    """A linear model on 256 digits: 4 batches of 64 per epoch, about a millisecond a step."""
    x, y = small_digits
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 10))
    train = TensorLoader(torch.utils.data.TensorDataset(x, y), batch_size=64, shuffle=True)
    val = TensorLoader(torch.utils.data.TensorDataset(x[:64], y[:64]), batch_size=64)
    options = {"lr": 1e-2, "epochs": 2, "refresh_s": 1e9, "device": "cpu", **options}
    return Playground(model, train, val, **options)


@pytest.fixture
def small_digits(digits):
    x, y = digits["train"].tensors
    return x[:256], y[:256]


def test_runs_the_loop_and_keeps_everything(small_digits):
    pg = tiny_playground(small_digits, mode="thread", epochs=3, optimizer="SGD")
    before = [p.detach().clone() for p in pg.model.parameters()]
    assert pg.start() and pg.wait(60)
    history = pg.history
    assert history.steps == 12 and len(history.epochs["epoch"]) == 3 and history.epoch_end_steps == [4, 8, 12]
    assert history.batch_size == [64] * 12 and history.lr == [1e-2] * 12
    assert any(not torch.equal(a, b) for a, b in zip(before, pg.model.parameters()))
    assert pg.history.log[-1] == t("pg.log.finished", "en", steps=12)
    assert pg.chart_png().startswith(b"\x89PNG")


def test_lr_applies_at_the_next_step(small_digits):
    pg = tiny_playground(small_digits, mode="poll", epochs=2)  # poll mode without a kernel: same thread, no polling
    pg.start(schedule={3: {"lr": 0.1}})
    assert pg.history.changes("lr") == [{"step": 3, "epoch": 1, "control": "lr", "value": 0.1}]
    assert pg.history.lr == [1e-2] * 3 + [0.1] * 5
    assert pg.optimizer.param_groups[0]["lr"] == 0.1 and pg.controls["lr"].value == pytest.approx(0.1)


def test_batch_size_applies_at_the_next_batch(small_digits):
    pg = tiny_playground(small_digits, mode="poll", epochs=2)
    pg.start(schedule={1: {"batch_size": 16}})
    # step 0: 64 samples; then 16 at a time; 256 - 64 = 192 = 12 x 16, then a whole epoch of 16
    assert pg.history.batch_size == [64] + [16] * 12 + [16] * 16
    assert pg.train_loader.batch_size == 16 and pg.history.changes("batch_size")[0]["step"] == 1


def test_log_interval_changes_the_cadence_at_once(small_digits):
    pg = tiny_playground(small_digits, mode="poll", epochs=1, batch_size=16, log_interval=4)
    pg.start(schedule={6: {"log_interval": 1}})
    assert pg.history.logged == [0, 4] + list(range(6, 16))
    batch_lines = [line for line in pg.history.log if line.startswith("Batch")]
    assert batch_lines[0] == t("loop.batch", "en", batch=0, total=16, loss=pg.history.loss[0])


def test_optimizer_changes_at_the_epoch_boundary_with_a_note(small_digits):
    pg = tiny_playground(small_digits, mode="poll", epochs=2, optimizer="SGD")
    pg.start(schedule={1: {"optimizer": "Adam"}})
    assert isinstance(pg.optimizer, torch.optim.Adam)
    assert pg.history.changes("optimizer") == [{"step": 4, "epoch": 1, "control": "optimizer", "value": "Adam"}]
    assert any("SGD -> Adam" in line for line in pg.history.log)
    assert pg.history.lr == [1e-2] * 8  # the new optimizer starts with the current learning rate


def test_pause_resume_stop_keep_model_and_history(small_digits):
    pg = tiny_playground(small_digits, mode="thread", epochs=50, step_delay=0.005)
    assert pg.start()
    assert pg.wait(30, step=3)
    assert pg.pause()
    time.sleep(0.3)
    frozen = pg.history.steps
    time.sleep(0.3)
    assert pg.history.steps == frozen and pg.paused
    assert not pg.pause()  # twice: refused with a message
    assert pg.resume()
    assert pg.wait(30, step=frozen + 2)
    assert pg.stop() and pg.wait(30)
    steps = pg.history.steps
    assert not pg.running and steps >= frozen + 2
    assert pg.history.log[-1] == t("pg.log.stopped", "en", step=steps)
    # Start again: the same model goes on and the history grows
    model = pg.model
    assert pg.start(epochs=1) and pg.wait(30)
    assert pg.model is model and pg.history.steps == steps + 4


def test_start_twice_gives_one_thread(small_digits):
    pg = tiny_playground(small_digits, mode="thread", epochs=50, step_delay=0.005)
    assert pg.start()
    assert not pg.start()
    pg.buttons["start"].click()
    assert sum(thread.name == "playground" for thread in threading.enumerate()) == 1 and pg.runs == 1
    assert t("pg.msg.already_running", "en") in pg.status.value
    pg.stop()
    pg.wait(30)


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_invalid_input_is_refused_with_a_message(small_digits, lang):
    pg = tiny_playground(small_digits, mode="thread", lang=lang)
    name = t("pg.batch_size", lang)
    pg.buttons["stop"].click()  # Stop before Start
    assert t("pg.msg.not_running", lang) in pg.status.value
    assert not pg.pause() and not pg.resume()
    pg.controls["batch_size"].value = "abc"
    assert t("pg.msg.not_whole", lang, name=name, value="abc") in pg.status.value.replace("&#x27;", "'")
    assert pg.controls["batch_size"].value == "64" and pg.settings["batch_size"] == 64  # reverted
    pg.controls["batch_size"].value = "0"
    assert t("pg.msg.out_of_range", lang, name=name, value="0", low=1, high=256) in pg.status.value.replace(
        "&#x27;", "'")
    assert not pg.set(lr=-1) and not pg.set(lr=5) and not pg.set(log_interval=2.5) and not pg.set(optimizer="Lion")
    assert not pg.set(amp=True)  # on a CPU
    assert not pg.set(momentum=0.9)
    assert pg.set(batch_size=32, lr=0.05) and pg.settings["batch_size"] == 32 and pg.settings["lr"] == 0.05
    assert pg.history.steps == 0 and pg.history.events == []


def test_a_crash_in_the_run_is_shown_not_raised(small_digits):
    pg = tiny_playground(small_digits, mode="thread")
    pg.criterion = lambda outputs, targets: outputs.sum() * float("nan")  # the loss becomes nan at step 0
    assert pg.start() and pg.wait(30)
    assert "nan" in pg.history.log[-1] and not pg.running


def test_mode_auto_picks_poll_in_colab(monkeypatch):
    import sys

    assert default_mode() == "thread"
    monkeypatch.setitem(sys.modules, "google.colab", object())
    assert default_mode() == "poll"


# ---- a real kernel, and the widget protocol as a browser speaks it -------------------------------
KERNEL_SETUP = """
import threading, torch
torch.set_num_threads(1)
from helpers.playground import Playground
pg = Playground(lang="en", mode={mode!r}, epochs=40, log_interval=5, lr=1e-3, refresh_s=0.2, step_delay=0.02)
display(pg)
ids = {{name: w.model_id for name, w in {{**pg.controls, **pg.buttons, "progress": pg.progress}}.items()}}
"""


class Kernel:
    """A kernel of this environment, with the few messages a browser would send."""

    def __init__(self):
        from jupyter_client.manager import start_new_kernel

        self.km, self.kc = start_new_kernel(kernel_name="python3")
        self.kc.execute("1", reply=True, timeout=120)

    def run(self, code: str, **expressions: str) -> dict:
        reply = self.kc.execute(code, reply=True, timeout=120, user_expressions=expressions)
        assert reply["content"]["status"] == "ok", reply["content"]
        found = reply["content"]["user_expressions"]
        return {k: ast.literal_eval(v["data"]["text/plain"]) for k, v in found.items()}

    def send(self, comm_id: str, data: dict) -> None:
        self.kc.shell_channel.send(self.kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data}))

    def update(self, comm_id: str, value) -> None:
        """What ipywidgets' frontend sends when a learner moves a slider or types a value (protocol 2.x)."""
        self.send(comm_id, {"method": "update", "state": {"value": value}, "buffer_paths": []})

    def click(self, comm_id: str) -> None:
        self.send(comm_id, {"method": "custom", "content": {"event": "click"}})

    def wait_for_update(self, comm_id: str, timeout: float = 60) -> None:
        """Until the kernel sends a state update of widget `comm_id` (e.g. the progress bar moved)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                msg = self.kc.get_iopub_msg(timeout=1)
            except queue.Empty:
                continue
            if msg["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == comm_id:
                return
        raise AssertionError("the widget never updated")

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def _ipykernel_major() -> int:
    from importlib.metadata import version

    return int(version("ipykernel").split(".")[0])


@pytest.fixture(scope="module")
def kernel():
    pytest.importorskip("jupyter_client")
    kernel = Kernel()
    yield kernel
    kernel.close()


CHECK_RUN = """
h = pg.history
first = {c: h.changes(c)[0]["step"] for c in ("lr", "batch_size", "log_interval")}
cadence = [b - a for a, b in zip(h.logged, h.logged[1:]) if a >= first["log_interval"]]
before = [b - a for a, b in zip(h.logged, h.logged[1:]) if b < first["log_interval"]]
facts = dict(
    lr=pg.optimizer.param_groups[0]["lr"],
    lr_before=sorted(set(h.lr[:first["lr"]])), lr_after=sorted(set(h.lr[first["lr"]:])),
    bs_before=sorted(set(h.batch_size[:first["batch_size"]])), bs_next=h.batch_size[first["batch_size"]:][:5],
    cadence=sorted(set(cadence)), cadence_before=sorted(set(before)), first=first,
    threads=sum(t.name == "playground" for t in threading.enumerate()), running=pg.running,
    steps=h.steps, runs=pg.runs, last_line=h.log[-1],
)
"""


@pytest.mark.parametrize("mode", ["thread", "poll"])
def test_kernel_widget_protocol_changes_the_running_loop(kernel, mode):
    if mode == "poll" and _ipykernel_major() >= 7:
        pytest.skip("poll mode is Colab's (ipykernel 6.17.1); ipykernel 7 has no do_one_iteration for jupyter_ui_poll "
                    "to call. CI runs this case in the Colab-pinned environment (.ci/colab-constraints.txt).")
    if mode == "poll":
        pytest.importorskip("jupyter_ui_poll")
    ids = kernel.run(KERNEL_SETUP.format(mode=mode), ids="ids")["ids"]
    if mode == "thread":
        kernel.click(ids["start"])  # as the browser sends a click; training runs in a thread
    else:  # Colab's way: the cell trains in the main thread and reads widget messages between steps
        kernel.kc.execute("pg.start()")
    kernel.wait_for_update(ids["progress"])  # training has begun
    time.sleep(0.5)
    kernel.update(ids["lr"], 0.1)
    kernel.update(ids["batch_size"], "16")
    kernel.update(ids["log_interval"], "2")
    kernel.click(ids["start"])  # Start while running: refused, still one thread
    time.sleep(3)
    kernel.click(ids["stop"])
    if mode == "thread":
        kernel.run("pg.wait(60)")
    facts = kernel.run(CHECK_RUN, facts="facts")["facts"]
    assert not facts["running"] and facts["threads"] == 0
    assert all(step > 0 for step in facts["first"].values()), facts  # changed mid-run, not before it
    assert facts["lr"] == 0.1 and facts["lr_before"] == [1e-3] and facts["lr_after"] == [0.1]
    assert facts["bs_before"] == [64] and facts["bs_next"] == [16] * len(facts["bs_next"]) and facts["bs_next"]
    assert facts["cadence_before"] in ([5], []) and 2 in facts["cadence"] and set(facts["cadence"]) <= {1, 2, 3}, facts
    assert facts["runs"] == 1 and "Stopped after step" in facts["last_line"], facts  # the second Start was refused
