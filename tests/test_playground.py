"""helpers.playground (lesson 10): live controls on the course's one loop, in unit tests and in a real kernel."""

from __future__ import annotations

import threading
import time

import pytest
import torch
from torch import nn

pytest.importorskip("ipywidgets")

from helpers.data import TensorLoader  # noqa: E402
from helpers.i18n import t  # noqa: E402
from helpers.playground import Controller, Playground, State, default_mode  # noqa: E402
from tests.kernel_driver import Kernel  # noqa: E402


def tiny_playground(small_digits, **options) -> Playground:
    """A linear model on 256 digits: 4 batches of 64 per epoch, about a millisecond a step."""
    x, y = small_digits
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 10))
    train = TensorLoader(torch.utils.data.TensorDataset(x, y), batch_size=64, shuffle=True)
    val = TensorLoader(torch.utils.data.TensorDataset(x[:64], y[:64]), batch_size=64)
    options = {"lr": 1e-2, "epochs": 2, "refresh_s": 1e9, "device": "cpu", "lang": "en", **options}
    return Playground(model, train, val, **options)


def test_the_view_is_thin_over_a_controller_without_widgets():
    import subprocess
    import sys

    code = "import sys, helpers.playground as p; print('ipywidgets' in sys.modules, hasattr(p, 'Playground'))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["False", "True"], result.stderr


def test_buttons_and_controls_reach_the_controller(small_digits):
    pg = tiny_playground(small_digits, mode="poll")  # poll mode without a kernel: trains in this thread
    assert isinstance(pg.controller, Controller) and pg.state is State.IDLE
    pg.controls["lr"].value = 0.05
    assert pg.settings["lr"] == 0.05 and "#333" in pg.status_line.value  # a neutral confirmation
    pg.buttons["start"].click()
    assert pg.state is State.FINISHED and pg.history.steps == 8
    assert "finished · run 1 · epoch 2/2 · step 8" in pg.status_line.value
    assert "Finished after step 8" in pg.log_box.value and bytes(pg.chart.value).startswith(b"\x89PNG")
    assert pg.progress_bar.value == pg.progress_bar.max == 2 * 256
    pg.set(lr=0.01)  # from code: the slider follows
    assert pg.controls["lr"].value == pytest.approx(0.01)
    pg.buttons["reset"].click()
    assert pg.history.steps == 0 and "Finished" not in pg.log_box.value


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_a_refused_value_goes_back_in_the_box_with_a_red_message(small_digits, lang):
    pg = tiny_playground(small_digits, mode="thread", lang=lang)
    name = t("pg.batch_size", lang)
    pg.buttons["stop"].click()  # Stop before Start
    assert t("pg.msg.not_running", lang) in pg.status_line.value and "#b00" in pg.status_line.value
    pg.controls["batch_size"].value = "abc"
    assert t("pg.msg.not_whole", lang, name=name, value="abc") in pg.status_line.value.replace("&#x27;", "'")
    assert pg.controls["batch_size"].value == "64" and pg.settings["batch_size"] == 64  # reverted
    pg.controls["epochs"].value = "0"
    assert pg.controls["epochs"].value == "2"
    pg.controls["epochs"].value = ""  # empty: until Stop
    assert pg.settings["epochs"] is None and pg.controls["epochs"].value == "∞"


def test_a_new_playground_disables_the_old_one(small_digits):
    old = tiny_playground(small_digits, mode="thread", epochs=None, step_delay=0.005)
    assert old.start() and old.wait(30, step=2)
    new = tiny_playground(small_digits, mode="thread")
    assert old.closed and not old.running and not new.closed
    assert all(w.disabled for w in (*old.controls.values(), *old.buttons.values()))
    assert not any(w.disabled for w in new.buttons.values())
    assert t("pg.msg.replaced", "en") in old.status_line.value
    assert sum(thread.name == "playground" for thread in threading.enumerate()) == 0


def test_a_refusal_from_code_is_answered_in_code_not_under_the_widget(small_digits):
    pg = tiny_playground(small_digits, mode="poll")
    assert not pg.resume() and pg.message == (t("pg.msg.not_paused", "en"), "warning")  # as lesson 10's wrong-input cell
    assert "#b00" not in pg.status_line.value  # no red line under the widget that nobody clicked
    pg.buttons["resume"].click()  # a click is answered under the widget
    assert "#b00" in pg.status_line.value and t("pg.msg.not_paused", "en") in pg.status_line.value


def test_fork_button_branch_menu_and_health_panel(small_digits):
    pg = tiny_playground(small_digits, mode="poll")  # poll mode without a kernel: trains in this thread
    pg.buttons["start"].click()
    layer = "<td style='padding:0 5px;white-space:nowrap;font-family:monospace'>1</td>"  # the Linear layer, "1"
    assert "Health at step" in pg.health.html.value and layer in pg.health.html.value
    pg.buttons["fork"].click()
    assert [label for label, _ in pg.branch_menu.options] == ["A: original", "B: no change"]
    assert pg.branch_menu.value == 1 and t("pg.msg.forked", "en", name="B", parent="A", step=8) in pg.status_line.value
    pg.controls["lr"].value = 0.1
    assert pg.branch_menu.options[1][0] == "B: lr 1.0e-2 → 1.0e-1"
    pg.buttons["start"].click()
    assert pg.history.steps == 16
    pg.branch_menu.value = 0  # back to A, as it was at the fork
    assert pg.branch.name == "A" and pg.history.steps == 8 and pg.settings["lr"] == 0.01
    assert pg.controls["lr"].value == pytest.approx(0.01)


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
ids = {{name: w.model_id for name, w in {{**pg.controls, **pg.buttons, "progress": pg.progress_bar,
                                         "branch": pg.branch_menu}}.items()}}
"""


def _ipykernel_major() -> int:
    from importlib.metadata import version

    return int(version("ipykernel").split(".")[0])


@pytest.fixture(scope="module")
def kernel():
    pytest.importorskip("jupyter_client")
    kernel = Kernel(settle=False)
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
    steps=h.steps, runs=pg.controller.runs, last_line=h.log[-1],
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
    if mode == "thread":  # the kernel is free: wait until the changes are in and a few steps have used them
        kernel.run("import time\nwhile not pg.history.changes('log_interval') or "
                   "pg.history.steps < pg.history.changes('log_interval')[0]['step'] + 8: time.sleep(0.05)")
    else:  # the cell is still training in the main thread
        time.sleep(5)
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


def test_kernel_a_second_playground_stops_the_first(kernel):
    ids = kernel.run(KERNEL_SETUP.format(mode="thread"), ids="ids")["ids"]
    kernel.click(ids["start"])
    kernel.wait_for_update(ids["progress"])  # the first one trains
    kernel.run("old = pg")
    new_ids = kernel.run(KERNEL_SETUP.format(mode="thread"), ids="ids")["ids"]  # the cell runs again
    kernel.click(new_ids["start"])
    kernel.wait_for_update(new_ids["progress"])
    facts = kernel.run("", facts="""dict(old=(old.closed, old.state.value, old.buttons['start'].disabled),
        new=(pg.closed, pg.state.value), threads=sum(t.name == 'playground' for t in threading.enumerate()))""")
    kernel.click(new_ids["stop"])
    kernel.run("pg.wait(60)")
    assert facts["facts"] == {"old": (True, "stopped", True), "new": (False, "running"), "threads": 1}


@pytest.mark.parametrize("mode", ["thread", "poll"])
def test_kernel_reset_goes_back_to_the_first_weights(kernel, mode):
    if mode == "poll" and _ipykernel_major() >= 7:
        pytest.skip("poll mode is Colab's (ipykernel 6.17.1); CI runs this case in the Colab-pinned environment.")
    if mode == "poll":
        pytest.importorskip("jupyter_ui_poll")
    ids = kernel.run(KERNEL_SETUP.format(mode=mode) + "\nfirst = {k: v.clone() for k, v in pg.model.state_dict().items()}",
                     ids="ids")["ids"]
    if mode == "thread":
        kernel.click(ids["start"])
    else:
        kernel.kc.execute("pg.start()")
    kernel.wait_for_update(ids["progress"])
    time.sleep(1)
    kernel.click(ids["reset"])  # during the run: it stops after the step, then goes back
    if mode == "thread":
        kernel.run("pg.wait(60)")
    facts = kernel.run("", facts="""dict(state=pg.state.value, steps=pg.history.steps, runs=pg.controller.runs,
        same=all(torch.equal(first[k], v) for k, v in pg.model.state_dict().items()), log=pg.history.log,
        threads=sum(t.name == 'playground' for t in threading.enumerate()))""")["facts"]
    assert facts == {"state": "idle", "steps": 0, "runs": 0, "same": True, "log": [], "threads": 0}


def test_kernel_fork_and_switch_through_the_widgets(kernel):
    ids = kernel.run(KERNEL_SETUP.format(mode="thread"), ids="ids")["ids"]
    kernel.click(ids["start"])
    kernel.wait_for_update(ids["progress"])
    kernel.click(ids["fork"])  # while it trains: stops after the step, then forks
    kernel.run("import time\nwhile len(pg.branches) < 2: time.sleep(0.05)\npg.wait(60)")
    kernel.update(ids["lr"], 0.1)  # branch B's one change
    facts = kernel.run("", facts="dict(label=pg.branch_menu.options[1][0], steps=pg.history.steps)")["facts"]
    assert facts["label"] == "B: lr 1.0e-3 → 1.0e-1"
    kernel.send(ids["branch"], {"method": "update", "state": {"index": 0}, "buffer_paths": []})  # the menu: A
    after = kernel.run("while pg.branch.index != 0: time.sleep(0.05)", facts="""dict(branch=pg.branch.name,
        lr=pg.settings['lr'], slider=pg.controls['lr'].value, steps=pg.history.steps, state=pg.state.value,
        threads=sum(t.name == 'playground' for t in threading.enumerate()))""")["facts"]
    assert after == {"branch": "A", "lr": 1e-3, "slider": 1e-3, "steps": facts["steps"], "state": "idle", "threads": 0}
