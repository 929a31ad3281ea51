"""helpers.playground.Controller (lesson 10): the playground without widgets, every control and state change."""

from __future__ import annotations

import threading
import time

import pytest
import torch
from torch import nn

from helpers.data import TensorLoader
from helpers.i18n import t
from helpers.playground import Controller, State, draw_chart, status_line


def tiny(small_digits, **options) -> Controller:
    """A linear model on 256 digits: 4 batches of 64 per epoch, about a millisecond a step."""
    x, y = small_digits
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 10))
    train = TensorLoader(torch.utils.data.TensorDataset(x, y), batch_size=64, shuffle=True)
    val = TensorLoader(torch.utils.data.TensorDataset(x[:64], y[:64]), batch_size=64)
    options = {"lr": 1e-2, "epochs": 2, "device": "cpu", "background": False, "lang": "en", **options}
    return Controller(model, train, val, **options)


def threads() -> int:
    return sum(thread.name == "playground" and thread.is_alive() for thread in threading.enumerate())


def test_a_run_goes_through_the_epoch_driver_and_keeps_everything(small_digits):
    c = tiny(small_digits, background=True, epochs=3, optimizer="SGD")
    before = [p.detach().clone() for p in c.model.parameters()]
    assert c.state is State.IDLE and status_line(c) == t("pg.state.idle", "en")
    assert c.start() and c.wait(60)
    h = c.history
    assert c.state is State.FINISHED and c.message.text == "" and threads() == 0
    assert h.steps == 12 and h.epochs["epoch"] == [1, 2, 3] and h.epoch_end_steps == [4, 8, 12]
    assert h.epoch_runs == [1, 1, 1] and h.run_starts == [0]
    assert h.batch_size == [64] * 12 and h.lr == [1e-2] * 12
    assert any(not torch.equal(a, b) for a, b in zip(before, c.model.parameters()))
    assert h.log[-1] == t("pg.log.finished", "en", steps=12)
    assert h.log[-2].startswith("Run 1, epoch 3/3 | train loss")
    assert status_line(c) == "finished · run 1 · epoch 3/3 · step 12"


def test_lr_applies_at_the_next_step(small_digits):
    c = tiny(small_digits)
    c.start(schedule={3: {"lr": 0.1}})
    assert c.history.changes("lr") == [{"step": 3, "epoch": 1, "run": 1, "control": "lr", "value": 0.1}]
    assert c.history.lr == [1e-2] * 3 + [0.1] * 5
    assert c.optimizer.param_groups[0]["lr"] == 0.1 and c.current("lr") == 0.1


def test_batch_size_applies_at_the_next_batch(small_digits):
    c = tiny(small_digits)
    c.start(schedule={1: {"batch_size": 16}})
    # step 0: 64 samples; then 16 at a time; 256 - 64 = 192 = 12 x 16, then a whole epoch of 16
    assert c.history.batch_size == [64] + [16] * 12 + [16] * 16
    assert c.train_loader.batch_size == 16 and c.history.changes("batch_size")[0]["step"] == 1


def test_log_interval_changes_the_cadence_at_once(small_digits):
    c = tiny(small_digits, epochs=1, batch_size=16, log_interval=4)
    c.start(schedule={6: {"log_interval": 1}})
    assert c.history.logged == [0, 4] + list(range(6, 16))
    batch_lines = [line for line in c.history.log if line.startswith("Batch")]
    assert batch_lines[0] == t("loop.batch", "en", batch=0, total=16, loss=c.history.loss[0])


def test_optimizer_changes_at_the_epoch_boundary_with_a_note(small_digits):
    c = tiny(small_digits, optimizer="SGD")
    c.start(schedule={1: {"optimizer": "Adam"}})
    assert isinstance(c.optimizer, torch.optim.Adam)
    assert c.history.changes("optimizer") == [{"step": 4, "epoch": 2, "run": 1, "control": "optimizer", "value": "Adam"}]
    assert any("SGD -> Adam" in line for line in c.history.log)
    assert c.history.lr == [1e-2] * 8  # the new optimizer starts with the current learning rate


def test_epochs_changed_mid_run_end_the_run_at_the_boundary(small_digits):
    c = tiny(small_digits, epochs=None)  # until Stop ...
    c.start(schedule={2: {"epochs": 2}})  # ... until the learner types 2
    assert c.history.epochs["epoch"] == [1, 2] and c.state is State.FINISHED and c.settings["epochs"] == 2


def test_pause_resume_stop_states_and_messages(small_digits):
    c = tiny(small_digits, background=True, epochs=None, step_delay=0.005)  # until Stop
    assert c.start() and c.state is State.RUNNING and c.message.text == ""
    assert c.wait(30, step=3) and "epoch 1/∞" in status_line(c)
    assert c.pause() and c.state is State.PAUSED and c.message == (t("pg.msg.pausing", "en"), "info")
    time.sleep(0.3)
    frozen = c.history.steps
    time.sleep(0.3)
    assert c.history.steps == frozen and c.state is State.PAUSED
    # The message names the step the loop really paused after, the one the status line counts; no rate while paused.
    assert c.message == (t("pg.msg.paused", "en", step=frozen), "info")
    assert status_line(c).endswith(f"step {frozen}") and "steps/s" not in status_line(c)
    assert not c.pause() and c.message == (t("pg.msg.already_paused", "en"), "warning")
    assert c.resume() and c.state is State.RUNNING and c.message.text == ""  # the old message went with the state
    assert c.wait(30, step=frozen + 2)
    assert c.stop() and c.message.text == t("pg.msg.stopping", "en")
    assert c.wait(30) and c.state is State.STOPPED and threads() == 0
    assert c.message.text == ""  # "stopping..." is not left under "stopped"
    steps = c.history.steps
    assert steps >= frozen + 2 and c.history.log[-1] == t("pg.log.stopped", "en", step=steps)
    model = c.model  # Start again: the same model goes on and the history grows
    assert c.start(epochs=1) and c.wait(30)
    assert c.model is model and c.history.steps == steps + 4 and c.runs == 2
    assert status_line(c) == f"finished · run 2 · epoch 1/1 · step {steps + 4}"
    assert c.settings["epochs"] is None  # start(epochs=1) was for that run only: the control still says ∞


def test_start_twice_gives_one_thread(small_digits):
    c = tiny(small_digits, background=True, epochs=50, step_delay=0.005)
    assert c.start()
    assert not c.start() and c.message == (t("pg.msg.already_running", "en"), "warning")
    assert threads() == 1 and c.runs == 1
    c.stop()
    assert c.wait(30) and threads() == 0


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_wrong_values_are_refused_with_a_warning(small_digits, lang):
    c = tiny(small_digits, lang=lang)
    name = t("pg.batch_size", lang)
    assert not c.stop() and c.message == (t("pg.msg.not_running", lang), "warning")
    assert not c.pause() and not c.resume()
    assert not c.set(batch_size="abc") and c.message.text == t("pg.msg.not_whole", lang, name=name, value="abc")
    assert c.message.kind == "warning" and c.current("batch_size") == 64
    assert not c.set(batch_size="0")
    assert c.message.text == t("pg.msg.out_of_range", lang, name=name, value="0", low=1, high=256)
    assert not c.set(batch_size="-4")  # a whole number, only too small: said so, not "not a whole number"
    assert c.message.text == t("pg.msg.out_of_range", lang, name=name, value="-4", low=1, high=256)
    assert not c.set(lr=-1) and not c.set(lr=5) and not c.set(lr="x") and not c.set(log_interval=2.5)
    assert not c.set(optimizer="Lion") and not c.set(amp=True) and not c.set(momentum=0.9) and not c.set(epochs=0)
    assert c.set(batch_size="৩২".translate(str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")), lr=0.05)
    assert c.settings["batch_size"] == 32 and c.settings["lr"] == 0.05
    assert c.message.kind == "info"  # a confirmation is neutral
    assert c.set(epochs="∞") and c.settings["epochs"] is None
    assert c.history.steps == 0 and c.history.events == [] and c.state is State.IDLE


def test_a_stale_message_goes_when_the_state_changes(small_digits):
    c = tiny(small_digits, epochs=1)
    assert not c.resume() and c.message.kind == "warning"  # "not paused, nothing to resume"
    assert c.start() and c.state is State.FINISHED and c.message.text == ""


def test_a_crash_in_the_run_is_an_error_state_with_model_and_history_kept(small_digits):
    c = tiny(small_digits, background=True, epochs=3)
    assert c.start(epochs=1) and c.wait(30)
    model, steps = c.model, c.history.steps

    def broken(outputs, targets):
        raise RuntimeError("the criterion broke")

    c.criterion = broken
    c.run.criterion = broken
    assert c.start() and c.wait(30)
    assert c.state is State.ERROR and isinstance(c.error, RuntimeError) and threads() == 0
    assert c.message.kind == "warning" and "the criterion broke" in c.message.text
    assert c.model is model and c.history.steps == steps and c.history.epochs["epoch"] == [1]
    assert "error" in status_line(c) and "the criterion broke" in c.history.log[-1]
    c.run.criterion = nn.CrossEntropyLoss()  # fixed: Start works again, from the same model
    assert c.start(epochs=1) and c.wait(30) and c.state is State.FINISHED and c.error is None


def test_a_nan_loss_stops_with_a_warning(small_digits):
    c = tiny(small_digits)
    c.criterion = lambda outputs, targets: outputs.sum() * float("nan")  # nan at step 0
    assert c.start() and c.state is State.STOPPED and c.message.kind == "warning"
    assert "nan" in c.message.text and c.history.log[-1] == c.message.text


def test_changes_between_runs_are_marked_where_the_next_run_begins(small_digits):
    c = tiny(small_digits, optimizer="SGD")
    c.start(epochs=1)
    assert c.set(lr=1e-3, optimizer="Adam", batch_size=32)  # while stopped
    assert c.history.events == []  # nothing is marked before it is used ...
    c.start(epochs=1)
    first = {"step": 4, "epoch": 2, "run": 2}
    assert c.history.events == [{**first, "control": "lr", "value": 1e-3}, {**first, "control": "batch_size", "value": 32},
                                {**first, "control": "optimizer", "value": "Adam"}]  # ... and then at run 2's first step
    assert isinstance(c.optimizer, torch.optim.Adam) and c.history.run_starts == [0, 4]
    c.set(lr=1e-2)
    c.set(lr=1e-3)  # changed and changed back: no change
    c.start(epochs=1)
    assert len(c.history.events) == 3


def test_reset_starts_again_from_the_first_weights_with_the_same_seed(small_digits):
    c = tiny(small_digits, epochs=2)
    first = {k: v.clone() for k, v in c.model.state_dict().items()}
    c.start()
    losses = list(c.history.loss)
    c.set(lr=0.5)
    c.start(epochs=1)  # wrecked
    assert c.history.steps == 12  # the old history is kept until Reset
    assert c.reset() and c.state is State.IDLE and c.message.kind == "info" and c.runs == 0
    assert all(torch.equal(first[k], v) for k, v in c.model.state_dict().items())
    assert c.history.steps == 0 and c.history.events == [] and c.run is None
    c.set(lr=1e-2)
    c.start()
    assert c.history.loss == losses  # the same weights, the same batches: the same run
    assert c.history.events == []  # a fresh history: the first run after Reset has nothing to compare with


def test_reset_during_a_run_stops_it_first(small_digits):
    c = tiny(small_digits, background=True, epochs=None, step_delay=0.005)
    c.start()
    assert c.wait(30, step=5)
    assert c.reset() and c.message.text == t("pg.msg.resetting", "en")
    assert c.wait(30) and c.state is State.IDLE and c.history.steps == 0 and threads() == 0


def test_a_new_controller_stops_and_closes_the_old_one(small_digits):
    old = tiny(small_digits, background=True, epochs=None, step_delay=0.005)
    assert old.start() and old.wait(30, step=2) and threads() == 1
    new = tiny(small_digits)
    assert threads() == 0 and old.state is State.STOPPED and old.closed and not new.closed
    assert old.message == (t("pg.msg.replaced", "en"), "warning")
    assert not old.start() and not old.set(lr=0.1) and not old.reset() and threads() == 0
    assert old.history.steps >= 2  # its model and history are still there to look at
    assert new.start(epochs=1) and new.state is State.FINISHED


def test_listeners_hear_each_kind_of_change(small_digits):
    c = tiny(small_digits, epochs=1)
    heard: list[str] = []
    c.listen(heard.append)
    c.set(lr=0.02)
    c.start()
    assert {"settings", "message", "state", "step", "log"} <= set(heard)
    assert heard.count("step") == 4


def test_chart_labels_are_large_and_never_overlap(small_digits):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from helpers.playground import CHART_DPI, CHART_SIZE

    c = tiny(small_digits, epochs=1, batch_size=8)
    c.start(schedule={n: {"lr": [1e-3, 1e-2][n % 2]} for n in range(2, 14)} | {20: {"batch_size": 16, "log_interval": 2,
                                                                                   "optimizer": "SGD"}})
    assert c.fork() and c.set(lr=0.1) and c.start(epochs=1)  # a second branch: its legend row, the overlay
    fig = Figure(figsize=CHART_SIZE, dpi=CHART_DPI)
    from helpers.playground.chart import other_branches

    draw_chart(fig, c.history, lang="en", others=other_branches(c))
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # the axis label takes its place when drawn
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    numbers = [text for text in ax.texts if text.get_text().isdigit()]
    notes = [text for text in ax.texts if not text.get_text().isdigit()]  # "n steps above ... not shown"
    assert 2 <= len(numbers) < len(c.history.events) and len(notes) <= 1
    caption = [text for text in fig.texts if text.get_text().startswith("changes: ")]
    assert len(caption) == 1 and "lr=1.0e-1" in caption[0].get_text() and "batch_size=16, log_interval=2" in \
        caption[0].get_text()
    legend = ax.get_legend()
    pieces = [*numbers, *notes, *caption, legend, ax.xaxis.label, *[t for t in ax.get_xticklabels() if t.get_text()]]
    boxes = [piece.get_window_extent(renderer) for piece in pieces]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])  # nothing on anything else
    figure = fig.bbox
    outside = [p for p, b in zip(pieces, boxes) if not (figure.x0 <= b.x0 and b.x1 <= figure.x1 and figure.y0 <= b.y0
                                                      and b.y1 <= figure.y1)]
    assert outside == []  # nothing cut off
    shown = 900 / (CHART_SIZE[0] * CHART_DPI)  # CSS px per PNG pixel in the view
    texts = [*numbers, *caption, *ax.get_xticklabels(), *legend.get_texts()]
    assert min(text.get_fontsize() * CHART_DPI / 72 * shown for text in texts) >= 10
    assert legend.get_window_extent(renderer).y0 >= ax.get_window_extent(renderer).y1 - 1  # above the data
    assert "B: lr 1.0e-2 → 1.0e-1" not in [t.get_text() for t in legend.get_texts()]  # B is the current branch
    assert "A: original" in [t.get_text() for t in legend.get_texts()]  # the other branch, overlaid


def deep_mlp() -> nn.Module:
    """Four hidden ReLU layers: with SGD+momentum at lr 1.0 its loss becomes nan within a few steps."""
    torch.manual_seed(0)
    layers = [nn.Flatten(), nn.Linear(28 * 28, 64), nn.ReLU()]
    for _ in range(3):
        layers += [nn.Linear(64, 64), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(64, 10))


def with_model(small_digits, model: nn.Module, **options) -> Controller:
    x, y = small_digits
    train = TensorLoader(torch.utils.data.TensorDataset(x, y), batch_size=16, shuffle=True)
    val = TensorLoader(torch.utils.data.TensorDataset(x[:64], y[:64]), batch_size=64)
    options = {"lr": 1e-2, "batch_size": 16, "device": "cpu", "background": False, "lang": "en", **options}
    return Controller(model, train, val, **options)


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_after_a_nan_lowering_the_lr_and_start_trains_again(small_digits, lang):
    c = with_model(small_digits, deep_mlp(), optimizer="SGD+momentum", epochs=None, lang=lang)
    raised = 8
    assert c.start(epochs=3, schedule={raised: {"lr": 1.0}})
    blown = c.history.steps
    assert c.state is State.STOPPED and c.message.kind == "warning" and blown > raised  # stopped by the nan
    why = t("pg.why.lr_raised", lang, lr="1.0e+0")
    assert c.message.text == t("pg.log.nonfinite", lang, step=blown, loss=float("nan"), back=raised, why=why)
    c.set(lr=1e-3)  # the advice: lower the learning rate and press Start
    assert c.start(epochs=1)
    assert c.state is State.FINISHED and c.history.steps == blown + 16  # a whole epoch, no stop at once
    assert all(torch.isfinite(torch.tensor(c.history.loss[blown:])))
    assert max(c.history.loss[blown:]) < 2 * max(c.history.loss[:raised])  # the weights of step 8, not the wreck


def test_a_changed_lr_is_said_as_the_slider_shows_it(small_digits):
    c = tiny(small_digits)
    assert c.set(lr=0.05011872336272725)
    assert c.message.text == "learning rate = 5.0e-2: used when you press Start."
    c.start(epochs=1, schedule={1: {"lr": 1.0}})
    assert c.history.changes("lr")[-1]["value"] == 1.0


def two_branches(small_digits, **options) -> Controller:
    """One epoch, a fork, and the same settings on both branches afterwards."""
    c = tiny(small_digits, optimizer="Adam", **options)
    assert c.start(epochs=1) and c.fork()
    return c


def test_a_fork_without_a_change_replays_the_original_bitwise(small_digits):
    reference = tiny(small_digits, optimizer="Adam")  # never forked: two runs of two epochs
    reference.start(epochs=1)
    reference.start(epochs=2)
    expected = list(reference.history.loss)
    weights = {k: v.clone() for k, v in reference.model.state_dict().items()}
    c = two_branches(small_digits)
    assert [b.name for b in c.branches] == ["A", "B"] and c.branch.name == "B" and c.branch.fork_step == 4
    c.start(epochs=2)  # branch B
    b_loss, b_weights = list(c.history.loss), {k: v.clone() for k, v in c.model.state_dict().items()}
    assert c.switch("A") and c.branch.index == 0 and c.history.steps == 4  # exactly as it was left
    c.start(epochs=2)  # branch A goes on
    assert c.history.loss == b_loss == expected  # bitwise, step by step
    assert all(torch.equal(v, b_weights[k]) and torch.equal(v, weights[k]) for k, v in c.model.state_dict().items())
    assert c.branches[1].history.loss == b_loss  # the stored branch is untouched by A's steps


def test_a_branch_keeps_its_own_settings_and_is_labelled_by_its_change(small_digits):
    c = two_branches(small_digits)
    assert c.set(lr=0.1)
    assert c.lineage.describe(c.branch) == "lr 1.0e-2 → 1.0e-1"
    assert c.lineage.describe(c.branches[0]) == "original"
    c.start(epochs=1)
    assert c.history.changes("lr") == [{"step": 4, "epoch": 2, "run": 2, "control": "lr", "value": 0.1}]
    assert c.switch(0) and c.settings["lr"] == 1e-2 and c.history.events == []
    assert c.message.text == "Now on branch A (original), at step 4, exactly as it was left."
    assert c.switch(1) and c.settings["lr"] == 0.1 and c.history.steps == 8
    assert not c.switch("Z") and "A, B" in c.message.text and c.message.kind == "warning"
    assert c.lineage.split_step(0, 1) == 4


def test_forking_during_a_run_stops_it_first_and_the_branches_are_capped(small_digits):
    from helpers.playground import MAX_BRANCHES

    c = tiny(small_digits, background=True, epochs=None, step_delay=0.005)
    assert c.start() and c.wait(30, step=3)
    assert c.fork(label="mine") and c.message.text == t("pg.msg.forking", "en")
    assert c.wait(30) and threads() == 0 and c.state is State.IDLE and len(c.branches) == 2
    assert c.branch.fork_step == c.history.steps and c.lineage.describe(c.branch) == "mine"
    while len(c.branches) < MAX_BRANCHES:
        assert c.fork()
    assert not c.fork() and c.message == (t("pg.msg.too_many_branches", "en", limit=MAX_BRANCHES), "warning")
    assert c.reset() and len(c.branches) == 1 and c.history.steps == 0


def test_plot_branches_draws_each_branch_labelled_by_its_change(small_digits):
    from helpers.playground import plot_branches

    c = two_branches(small_digits)
    c.set(lr=0.1)
    c.start(epochs=1)
    fig = plot_branches(c, lang="en", smooth=2)
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["A: original", "B: lr 1.0e-2 → 1.0e-1"]
    texts = [text.get_text() for text in fig.axes[0].texts]
    assert "fork at step 4" in texts
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_the_loss_axis_is_not_flattened_by_a_diverged_step():
    from helpers.playground.chart import loss_range

    healthy = [2.3 * 0.99**i for i in range(200)]
    assert loss_range(healthy) == (0.0, pytest.approx(2.3 * 1.05), 0, False)  # the whole curve, the start included
    bottom, top, above, log = loss_range(healthy + [1e27, 3e27])
    assert top < 10 and above == 2 and not log


def test_a_fork_replays_bitwise_with_dropout_drawing_from_the_global_random_state(small_digits):
    def dropout_mlp() -> nn.Module:
        torch.manual_seed(0)
        return nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 10))

    torch.manual_seed(1)
    reference = with_model(small_digits, dropout_mlp(), optimizer="SGD+momentum", epochs=1)
    reference.start()
    reference.start()
    expected = list(reference.history.loss)
    torch.manual_seed(1)
    c = with_model(small_digits, dropout_mlp(), optimizer="SGD+momentum", epochs=1)
    c.start()
    assert c.fork() and c.start()
    torch.manual_seed(12345)  # anything drawn in between must not matter: the branch brings its own random state
    assert c.switch("A") and c.start()
    assert c.history.loss == expected and c.branches[1].history.loss == expected


def test_the_health_panel_judges_a_layer_as_the_doctor_does():
    import math

    from helpers.dynamics import THRESHOLDS
    from helpers.playground.health_panel import verdict

    large, small = math.log10(THRESHOLDS["too_large"]), math.log10(THRESHOLDS["too_small"])
    assert [verdict(large + 0.01), verdict(-3.0), verdict(small - 0.01)] == ["too_large", "ok", "too_small"]
